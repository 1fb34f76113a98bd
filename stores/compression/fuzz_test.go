package compression

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// typed reports whether err is one of the package's sentinels.
func typed(err error) bool {
	return errors.Is(err, ErrCorrupt) || errors.Is(err, ErrTooLarge) || errors.Is(err, ErrUnsupported) || errors.Is(err, ErrInvalidOption)
}

const fuzzLimit = 1 << 20

func fuzzSeeds(f *testing.F) [][]byte {
	in := bytes.Repeat([]byte(`{"run_id": "r", "status": "failure"} `), 20)
	var seeds [][]byte
	for _, a := range Algorithms() {
		c, err := Compress(nil, in, a, Fastest)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, c)
		var buf bytes.Buffer
		w, _ := NewWriter(&buf, a, Fastest)
		w.Write(in)
		w.Close()
		seeds = append(seeds, buf.Bytes())
	}
	return seeds
}

// FuzzDecompress feeds arbitrary bytes to every decoder, one-shot and
// streaming: no panic, output within the limit, errors typed.
func FuzzDecompress(f *testing.F) {
	for i, s := range fuzzSeeds(f) {
		f.Add(s, uint8(i/2))
	}
	f.Fuzz(func(t *testing.T, data []byte, id uint8) {
		a := Algorithm(id % 9)
		out, err := Decompress(nil, data, a, fuzzLimit)
		if err != nil && !typed(err) {
			t.Fatalf("%s: untyped error %v", a, err)
		}
		if len(out) > fuzzLimit {
			t.Fatalf("%s: %d bytes past the limit", a, len(out))
		}
		r, err := NewReader(bytes.NewReader(data), a)
		if err != nil {
			if !typed(err) {
				t.Fatalf("%s: NewReader untyped error %v", a, err)
			}
			return
		}
		defer r.Close()
		got, err := io.ReadAll(io.LimitReader(r, fuzzLimit+1))
		if err != nil && !typed(err) {
			t.Fatalf("%s: stream untyped error %v", a, err)
		}
		// Where both decoders accept the input they agree (snappy's
		// one-shot and streaming formats differ).
		if a != Snappy && err == nil && len(got) <= fuzzLimit && out != nil && !bytes.Equal(out, got) {
			t.Fatalf("%s: one-shot and streaming decoders disagree", a)
		}
	})
}

// FuzzRoundTrip: whatever goes in comes out, through every codec.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("hello hello hello"), uint8(2), uint8(3))
	f.Add([]byte{}, uint8(7), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, id, lvl uint8) {
		a, l := Algorithm(id%9), Level(lvl%5+1)
		if (a == LZMA || a == BZ2 || a == Brotli) && l >= High && len(data) > 4096 {
			return // slow and not more interesting
		}
		c, err := Compress(nil, data, a, l)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Decompress(nil, c, a, int64(len(data)))
		if err != nil || !bytes.Equal(d, data) {
			t.Fatalf("%s/%s: %v", a, l, err)
		}
	})
}

// FuzzDecompressAdaptive: ADPT blobs.
func FuzzDecompressAdaptive(f *testing.F) {
	ad, _ := NewAdaptive(AdaptiveOptions{Algorithms: []Algorithm{Gzip, LZ4, Snappy}})
	out, _, _ := ad.Compress(nil, bytes.Repeat([]byte("abcdef"), 100))
	f.Add(out)
	f.Add(appendStored(nil, []byte("tiny")))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := DecompressAdaptive(nil, data, fuzzLimit)
		if err != nil && !typed(err) {
			t.Fatalf("untyped error %v", err)
		}
		if err == nil {
			h, _ := ParseAdaptiveHeader(data)
			if int64(len(d)) != int64(h.OriginalSize) {
				t.Fatalf("%d bytes out, header says %d", len(d), h.OriginalSize)
			}
		}
	})
}

// FuzzChunked: CHNK blobs, whole and by range.
func FuzzChunked(f *testing.F) {
	for _, a := range []Algorithm{None, Gzip, Snappy, Zstd} {
		blob, _ := CompressChunked(nil, bytes.Repeat([]byte("0123456789"), 30), ChunkedOptions{ChunkSize: 64, Algorithm: a})
		f.Add(blob)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := OpenChunked(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if !typed(err) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if c.Size() > fuzzLimit {
			return
		}
		all, err := DecompressChunked(nil, data, fuzzLimit)
		if err != nil {
			if !typed(err) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if int64(len(all)) != c.Size() {
			t.Fatalf("%d bytes, index says %d", len(all), c.Size())
		}
		if c.Size() > 2 {
			p := make([]byte, c.Size()/2)
			if _, err := c.ReadAt(p, c.Size()/3); err != nil && err != io.EOF {
				t.Fatal(err)
			}
			if !bytes.Equal(p, all[c.Size()/3:c.Size()/3+int64(len(p))]) {
				t.Fatal("ReadAt disagrees with the whole")
			}
		}
	})
}

// FuzzPipelineReverse: arbitrary bytes into the reverse of a pipeline with
// every transform and the checksum off (so that the transforms are reached),
// and of each transform alone.
func FuzzPipelineReverse(f *testing.F) {
	p := NewPipeline().Dedup(16).RunLength().Delta().Compress(Snappy, 0)
	in := bytes.Repeat([]byte("aaaaaaaaaaaaaaaaaaaaaaaaaabcabcabcabcabcabcabcabc0123456789012345678901234567890"), 8)
	out, _, err := p.Process(in)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(out)
	for _, tr := range []Transform{Dedup{BlockSize: 16}, Delta{}, RunLength{}} {
		o, _ := tr.Apply(nil, in)
		f.Add(o)
	}
	p.Limit = fuzzLimit
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := p.Reverse(data); err != nil && !typed(err) {
			t.Fatalf("pipeline: untyped error %v", err)
		}
		for _, tr := range []Transform{Dedup{BlockSize: 16}, Delta{}, RunLength{}} {
			d, err := tr.Reverse(nil, data, fuzzLimit)
			if err != nil && !typed(err) {
				t.Fatalf("%s: untyped error %v", tr.Name(), err)
			}
			if len(d) > fuzzLimit {
				t.Fatalf("%s: %d bytes past the limit", tr.Name(), len(d))
			}
		}
	})
}

// FuzzTransformRoundTrip: every transform reverses what it applies.
func FuzzTransformRoundTrip(f *testing.F) {
	f.Add([]byte("aaaaaaaabbbbbbbbaaaaaaaabbbbbbbb"), uint8(8))
	f.Fuzz(func(t *testing.T, data []byte, bs uint8) {
		for _, tr := range []Transform{Dedup{BlockSize: int(bs%64) + 1}, Delta{}, RunLength{}, RunLength{MinRun: 2}} {
			o, err := tr.Apply(nil, data)
			if err != nil {
				t.Fatal(err)
			}
			d, err := tr.Reverse(nil, o, int64(len(data)))
			if err != nil || !bytes.Equal(d, data) {
				t.Fatalf("%s: %v", tr.Name(), err)
			}
		}
	})
}
