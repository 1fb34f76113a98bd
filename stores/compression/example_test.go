package compression_test

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/truthound/truthound-go/stores/compression"
)

var results = []byte(strings.Repeat(`{"run_id": "run_1", "status": "failure", "data_asset": "customers.csv"}`+"\n", 100))

func ExampleCompress() {
	c, err := compression.Compress(nil, results, compression.Zstd, compression.High)
	if err != nil {
		log.Fatal(err)
	}
	d, err := compression.Decompress(nil, c, compression.Zstd, 1<<20)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(bytes.Equal(d, results), len(c) < len(results)/10)
	// Output: true true
}

func ExampleDecompress_limit() {
	bomb, _ := compression.Compress(nil, make([]byte, 10<<20), compression.Gzip, compression.Maximum)
	_, err := compression.Decompress(nil, bomb, compression.Gzip, 1<<20)
	fmt.Println(err)
	// Output: compression: decompressed size exceeds limit: more than 1048576 bytes
}

func ExampleNewWriter() {
	var buf bytes.Buffer
	w, err := compression.NewWriter(&buf, compression.LZ4, compression.Fast)
	if err != nil {
		log.Fatal(err)
	}
	w.Write(results)
	w.Close() // flushes; buf stays open

	r, err := compression.NewReader(&buf, compression.LZ4)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	d, err := io.ReadAll(r)
	fmt.Println(err, bytes.Equal(d, results))
	// Output: <nil> true
}

func ExampleParseAlgorithm() {
	a, _ := compression.ParseAlgorithm("xz")
	l, _ := compression.ParseLevel("MAXIMUM")
	n, _ := compression.NativeLevel(a, l)
	fmt.Println(a, uint8(a), l, n)
	// Output: lzma 7 maximum 9
}

func ExampleAdaptive() {
	ad, err := compression.NewAdaptive(compression.AdaptiveOptions{Goal: compression.GoalRatio})
	if err != nil {
		log.Fatal(err)
	}
	out, res, err := ad.Compress(nil, results)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(out[:4]), len(res.Trials), res.Ratio() > 10)
	d, err := compression.DecompressAdaptive(nil, out, 0)
	fmt.Println(err, bytes.Equal(d, results))
	// Output:
	// ADPT 8 true
	// <nil> true
}

func ExamplePipeline() {
	p := compression.NewPipeline().Dedup(512).Compress(compression.Zstd, 0).Checksum()
	out, m, err := p.Process(results)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range m.Stages {
		fmt.Println(s.Name)
	}
	d, err := p.Reverse(out)
	fmt.Println(err, bytes.Equal(d, results))
	// Output:
	// deduplication
	// compress_zstd
	// checksum
	// <nil> true
}

func ExampleOpenChunked() {
	blob, err := compression.CompressChunked(nil, results, compression.ChunkedOptions{ChunkSize: 1000, Algorithm: compression.Gzip})
	if err != nil {
		log.Fatal(err)
	}
	c, err := compression.OpenChunked(bytes.NewReader(blob), int64(len(blob)))
	if err != nil {
		log.Fatal(err)
	}
	chunk3, _ := c.Chunk(nil, 3) // decompresses chunk 3 only
	p := make([]byte, 15)
	c.ReadAt(p, 5023) // a byte range, touching one or two chunks
	fmt.Println(c.NumChunks(), len(chunk3), string(p))
	// Output: 8 1000 "customers.csv"
}
