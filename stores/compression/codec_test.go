package compression

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestAlgorithmStringParse(t *testing.T) {
	want := []string{"none", "gzip", "zstd", "lz4", "snappy", "brotli", "deflate", "lzma", "bz2"}
	for i, name := range want {
		a := Algorithm(i)
		if a.String() != name {
			t.Errorf("Algorithm(%d).String() = %q, want %q", i, a.String(), name)
		}
		got, err := ParseAlgorithm(name)
		if err != nil || got != a {
			t.Errorf("ParseAlgorithm(%q) = %v, %v", name, got, err)
		}
	}
	for alias, a := range map[string]Algorithm{"XZ": LZMA, "zlib": Deflate, "bzip2": BZ2, "zst": Zstd, "Gzip": Gzip} {
		if got, err := ParseAlgorithm(alias); err != nil || got != a {
			t.Errorf("ParseAlgorithm(%q) = %v, %v; want %v", alias, got, err, a)
		}
	}
	if _, err := ParseAlgorithm("rar"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("ParseAlgorithm(rar) error = %v, want ErrUnsupported", err)
	}
	if Algorithm(9).String() != "algorithm(9)" {
		t.Errorf("unknown algorithm prints %q", Algorithm(9).String())
	}
}

func TestLevelStringParse(t *testing.T) {
	for i, name := range []string{"fastest", "fast", "balanced", "high", "maximum"} {
		l := Level(i + 1)
		if l.String() != name {
			t.Errorf("Level(%d).String() = %q", i+1, l.String())
		}
		if got, err := ParseLevel(name); err != nil || got != l {
			t.Errorf("ParseLevel(%q) = %v, %v", name, got, err)
		}
	}
	if got, err := ParseLevel("MAXIMUM"); err != nil || got != Maximum {
		t.Errorf("ParseLevel(MAXIMUM) = %v, %v", got, err)
	}
	if Level(0).String() != "balanced" {
		t.Errorf("zero Level prints %q", Level(0).String())
	}
	if _, err := ParseLevel("ultra"); !errors.Is(err, ErrInvalidLevel) {
		t.Errorf("ParseLevel(ultra) error = %v", err)
	}
	if _, err := Compress(nil, []byte("x"), Gzip, Level(6)); !errors.Is(err, ErrInvalidLevel) {
		t.Errorf("Compress with Level(6) error = %v", err)
	}
	if _, err := Compress(nil, []byte("x"), Algorithm(42), Balanced); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Compress with Algorithm(42) error = %v", err)
	}
	if _, err := Decompress(nil, []byte("x"), Algorithm(42), 0); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Decompress with Algorithm(42) error = %v", err)
	}
	if n, _ := NativeLevel(Zstd, Maximum); n != 19 {
		t.Errorf("NativeLevel(zstd, maximum) = %d", n)
	}
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// edgeInputs are the boundary cases every codec must round-trip.
func edgeInputs() map[string][]byte {
	return map[string][]byte{
		"empty":     {},
		"one":       {'x'},
		"zeros64k":  make([]byte, 64<<10),
		"random32k": randomBytes(32<<10, 1),
		"text":      bytes.Repeat([]byte(`{"run_id": "r1", "status": "failure"} `), 500),
	}
}

// roundTrip compresses in with both APIs and checks that both decode back,
// through both APIs.
func roundTrip(t *testing.T, a Algorithm, l Level, in []byte) {
	t.Helper()
	prefix := []byte("prefix")
	c, err := Compress(append([]byte(nil), prefix...), in, a, l)
	if err != nil {
		t.Fatalf("Compress: %v", err)
	}
	if !bytes.HasPrefix(c, prefix) {
		t.Fatalf("Compress did not append to dst")
	}
	c = c[len(prefix):]
	d, err := Decompress(append([]byte(nil), prefix...), c, a, int64(len(in))+1)
	if err != nil {
		t.Fatalf("Decompress: %v", err)
	}
	if !bytes.Equal(d[len(prefix):], in) || !bytes.HasPrefix(d, prefix) {
		t.Fatalf("one-shot round trip differs (%d bytes in, %d out)", len(in), len(d)-len(prefix))
	}
	if a == Snappy {
		return // one-shot is the raw block; the stream is framed
	}
	r, err := NewReader(bytes.NewReader(c), a)
	if err != nil {
		t.Fatalf("NewReader on one-shot output: %v", err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(got, in) {
		t.Fatalf("streaming decode of one-shot output: %v (equal=%v)", err, bytes.Equal(got, in))
	}
}

func streamRoundTrip(t *testing.T, a Algorithm, l Level, in []byte) {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, a, l)
	if err != nil {
		t.Fatalf("NewWriter: %v", err)
	}
	// Odd-sized writes.
	for rest := in; len(rest) > 0; {
		n := min(len(rest), 7777)
		if _, err := w.Write(rest[:n]); err != nil {
			t.Fatalf("Write: %v", err)
		}
		rest = rest[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	r, err := NewReader(bytes.NewReader(buf.Bytes()), a)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, in) {
		t.Fatalf("stream round trip: %v (got %d bytes, want %d)", err, len(got), len(in))
	}
	if a != Snappy {
		d, err := Decompress(nil, buf.Bytes(), a, 0)
		if err != nil || !bytes.Equal(d, in) {
			t.Fatalf("one-shot decode of stream output: %v", err)
		}
	}
}

func TestRoundTripEdgeCases(t *testing.T) {
	levels := Levels()
	if raceEnabled {
		levels = []Level{Fastest, Maximum}
	}
	for _, a := range Algorithms() {
		for _, l := range levels {
			for name, in := range edgeInputs() {
				t.Run(fmt.Sprintf("%s/%s/%s", a, l, name), func(t *testing.T) {
					roundTrip(t, a, l, in)
					streamRoundTrip(t, a, l, in)
				})
			}
		}
	}
}

// TestRoundTripCorpus runs every codec and level over every corpus file,
// each cut to 16 KiB so the matrix stays fast; the files (up to 1 MiB) are
// round-tripped at the Balanced level by the fast codecs. Under -race (about
// ten times slower) the matrix takes every third file cut to 8 KiB and the
// whole-file pass only the synthetic validation results.
func TestRoundTripCorpus(t *testing.T) {
	cut, fullMax := 16<<10, 1<<20
	if raceEnabled {
		cut, fullMax = 8<<10, 1<<20
	}
	files := loadCorpus(t, fullMax)
	for i, f := range files {
		if raceEnabled && i%3 != 0 && !strings.HasPrefix(f.name, "synthetic") {
			continue
		}
		small := f.data[:min(len(f.data), cut)]
		for _, a := range Algorithms() {
			for _, l := range Levels() {
				t.Run(fmt.Sprintf("%s/%s/%s", f.name, a, l), func(t *testing.T) {
					roundTrip(t, a, l, small)
				})
			}
		}
		if raceEnabled && !strings.HasPrefix(f.name, "synthetic") {
			continue
		}
		for _, a := range []Algorithm{Gzip, Zstd, LZ4, Snappy, Deflate} {
			t.Run(fmt.Sprintf("%s/%s/full", f.name, a), func(t *testing.T) {
				roundTrip(t, a, Balanced, f.data)
			})
		}
	}
}

func TestDecompressLimit(t *testing.T) {
	in := make([]byte, 1<<20)
	for _, a := range Algorithms() {
		c, err := Compress(nil, in, a, Balanced)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Decompress(nil, c, a, 1000); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: 1 MiB of zeros under a 1000-byte limit: %v, want ErrTooLarge", a, err)
		}
		if d, err := Decompress(nil, c, a, int64(len(in))); err != nil || len(d) != len(in) {
			t.Errorf("%s: exact limit: %v", a, err)
		}
	}
}

func TestCorruptInput(t *testing.T) {
	in := bytes.Repeat([]byte("validation results compress well "), 300)
	for _, a := range Algorithms() {
		if a == None {
			continue
		}
		c, err := Compress(nil, in, a, Balanced)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Decompress(nil, []byte("definitely not compressed data"), a, 0); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: garbage: %v, want ErrCorrupt", a, err)
		}
		if _, err := Decompress(nil, c[:len(c)/2], a, 0); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: truncated: %v, want ErrCorrupt", a, err)
		}
		r, err := NewReader(bytes.NewReader([]byte("definitely not compressed data")), a)
		if err == nil {
			_, err = io.ReadAll(r)
		}
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: NewReader on garbage: %v, want ErrCorrupt", a, err)
		}
	}
}

// errReader fails with its error after the data.
type errReader struct {
	data []byte
	err  error
}

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReaderPassesSourceErrors(t *testing.T) {
	boom := errors.New("disk on fire")
	in := randomBytes(200<<10, 2)
	for _, a := range Algorithms() {
		var buf bytes.Buffer
		w, _ := NewWriter(&buf, a, Fastest)
		w.Write(in)
		w.Close()
		r, err := NewReader(&errReader{data: buf.Bytes()[:buf.Len()/2], err: boom}, a)
		if err == nil {
			_, err = io.ReadAll(r)
		}
		if !errors.Is(err, boom) {
			t.Errorf("%s: %v, want the source's error", a, err)
		}
		if errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: source error reported as corrupt: %v", a, err)
		}
	}
}
