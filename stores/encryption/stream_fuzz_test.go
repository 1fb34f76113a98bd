package encryption

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

var streamFuzzKey = bytes.Repeat([]byte{7}, 32)

// FuzzStreamReader feeds arbitrary bytes to NewReader (both formats). It must
// never panic; an input it accepts is a genuine stream (only the key makes
// one), so the random-access reader must accept it too and agree.
func FuzzStreamReader(f *testing.F) {
	for _, n := range []int{0, 1, 15, 16, 17, 100} {
		f.Add(sealStream(f, streamFuzzKey, streamTestData(n), &StreamOptions{ChunkSize: 16}))
	}
	if d := os.Getenv("TRUTHOUND_TESTDATA"); d != "" {
		if b, err := os.ReadFile(filepath.Join(d, "upstream", "crypto", "stream.bin")); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("THSE\x01\x02\x00\x00\x00\x40\x0c"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := NewReader(bytes.NewReader(in), streamFuzzKey, nil)
		if err != nil {
			return
		}
		pt, err := io.ReadAll(r)
		if err != nil {
			return
		}
		if string(in[:4]) == streamMagic {
			c, err := OpenChunked(bytes.NewReader(in), int64(len(in)), streamFuzzKey, nil)
			if err != nil {
				t.Fatalf("stream accepted by NewReader rejected by OpenChunked: %v", err)
			}
			got, err := readAllChunked(c)
			if err != nil || !bytes.Equal(got, pt) {
				t.Fatalf("OpenChunked disagrees: %v", err)
			}
		}
	})
}

// FuzzStreamRoundTrip checks that any plaintext, chunk size and write split
// round-trips through NewWriter, NewReader and OpenChunked.
func FuzzStreamRoundTrip(f *testing.F) {
	f.Add([]byte("hello, world"), uint16(16), uint8(3))
	f.Add(make([]byte, 100), uint16(50), uint8(0))
	f.Fuzz(func(t *testing.T, pt []byte, cs uint16, split uint8) {
		opts := &StreamOptions{ChunkSize: MinChunkSize + int(cs)%256, Algorithm: Algorithm(1 + split%4)}
		key := bytes.Repeat([]byte{9}, opts.Algorithm.KeySize())
		var buf bytes.Buffer
		w, err := NewWriter(&buf, key, opts)
		if err != nil {
			t.Fatal(err)
		}
		step := 1 + int(split)
		for i := 0; i < len(pt); i += step {
			if _, err := w.Write(pt[i:min(len(pt), i+step)]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := openStream(key, buf.Bytes(), opts)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("round trip: %v", err)
		}
		c, err := openChunkedBytes(key, buf.Bytes(), opts)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := readAllChunked(c); err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("chunked: %v", err)
		}
	})
}
