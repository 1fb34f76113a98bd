package compression

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os/exec"
	"testing"
)

// referenceTools maps codecs to their reference command-line tools.
var referenceTools = []struct {
	a      Algorithm
	tool   string
	levels []string // the tool's own level flags tried when it compresses
}{
	{Gzip, "gzip", []string{"-1", "-6", "-9"}},
	{Zstd, "zstd", []string{"-1", "-3", "-19"}},
	{LZ4, "lz4", []string{"-1", "-9", "-12"}},
	{Brotli, "brotli", []string{"-0", "-5", "-Z"}},
	{LZMA, "xz", []string{"-0", "-6", "-9"}},
	{BZ2, "bzip2", []string{"-1", "-9"}},
}

// interopInput is text, random bytes and zeros (150 KB; 50 KB under -race).
func interopInput(t *testing.T) []byte {
	n := 100_000
	if raceEnabled {
		n = 30_000
	}
	alice := readFixture(t, "corpus", "snappy-testdata", "alice29.txt")
	in := append(bytes.Clone(alice[:n]), randomBytes(n/5, 7)...)
	return append(in, make([]byte, n*3/10)...)
}

func runTool(t *testing.T, stdin []byte, tool string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(tool, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v: %s", tool, args, err, stderr.String())
	}
	return out
}

// TestInteropOursToTool: what we write (one-shot and streamed, every level)
// the reference tool decodes.
func TestInteropOursToTool(t *testing.T) {
	in := interopInput(t)
	for _, rt := range referenceTools {
		tool := needTool(t, rt.tool)
		for _, l := range Levels() {
			t.Run(fmt.Sprintf("%s/%s", rt.tool, l), func(t *testing.T) {
				c, err := Compress(nil, in, rt.a, l)
				if err != nil {
					t.Fatal(err)
				}
				if got := runTool(t, c, tool, "-dc"); !bytes.Equal(got, in) {
					t.Fatalf("%s -dc of our one-shot output differs", rt.tool)
				}
				var buf bytes.Buffer
				w, _ := NewWriter(&buf, rt.a, l)
				for p := in; len(p) > 0; p = p[min(len(p), 10_000):] {
					w.Write(p[:min(len(p), 10_000)])
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				if got := runTool(t, buf.Bytes(), tool, "-dc"); !bytes.Equal(got, in) {
					t.Fatalf("%s -dc of our stream differs", rt.tool)
				}
			})
		}
	}
}

// TestInteropToolToOurs: what the reference tool writes at its low, default
// and high levels, and two of its outputs concatenated, we decode.
func TestInteropToolToOurs(t *testing.T) {
	in := interopInput(t)
	for _, rt := range referenceTools {
		tool := needTool(t, rt.tool)
		for _, lv := range rt.levels {
			t.Run(rt.tool+lv, func(t *testing.T) {
				c := runTool(t, in, tool, "-c", lv)
				got, err := Decompress(nil, c, rt.a, 0)
				if err != nil || !bytes.Equal(got, in) {
					t.Fatalf("Decompress of %s %s output: %v", rt.tool, lv, err)
				}
				r, _ := NewReader(bytes.NewReader(c), rt.a)
				got, err = io.ReadAll(r)
				if err != nil || !bytes.Equal(got, in) {
					t.Fatalf("NewReader of %s %s output: %v", rt.tool, lv, err)
				}
			})
		}
		if rt.a == Brotli {
			continue // a brotli stream has no framing: concatenation is not a valid stream
		}
		t.Run(rt.tool+"/concatenated", func(t *testing.T) {
			a := runTool(t, in[:len(in)/2], tool, "-c")
			b := runTool(t, in[len(in)/2:], tool, "-c")
			got, err := Decompress(nil, append(bytes.Clone(a), b...), rt.a, 0)
			if err != nil || !bytes.Equal(got, in) {
				t.Fatalf("Decompress of two concatenated %s streams: %v (%d bytes)", rt.tool, err, len(got))
			}
		})
	}
}

// TestStream64MiB streams 64 MiB through each fast codec's writer and
// reader over an io.Pipe, comparing SHA-256 digests on both sides, and
// checks that the live heap never holds more than half the data. (The heavy
// codecs take minutes on 64 MiB; they are streamed by the other tests.)
// The live heap is as of the last GC: a codec that allocates so little that
// no GC runs (gzip, deflate) reads 0, which is fine, since holding the data
// would have grown the heap past the GC goal and been seen.
func TestStream64MiB(t *testing.T) {
	const size = 64 << 20
	algos := []Algorithm{Gzip, Zstd, LZ4, Snappy, Deflate}
	if raceEnabled {
		algos = []Algorithm{LZ4, Snappy} // the race detector slows the codecs ~10×
	}
	for _, a := range algos {
		t.Run(a.String(), func(t *testing.T) {
			var sent, got [sha256.Size]byte
			var n int64
			var werr, rerr error
			peak := peakHeap(heapLiveMetric, func() {
				pr, pw := io.Pipe()
				done := make(chan struct{})
				go func() {
					defer close(done)
					h := sha256.New()
					r, err := NewReader(pr, a)
					if err != nil {
						rerr = err
						pr.CloseWithError(err)
						return
					}
					n, rerr = io.Copy(h, r)
					r.Close()
					pr.CloseWithError(io.ErrClosedPipe)
					copy(got[:], h.Sum(nil))
				}()
				h := sha256.New()
				w, err := NewWriter(pw, a, Fastest)
				if err != nil {
					werr = err
					pw.CloseWithError(err)
					<-done
					return
				}
				gen := newGenerator(1)
				buf := make([]byte, 1<<20)
				for written := int64(0); written < size; written += int64(len(buf)) {
					gen.fill(buf)
					h.Write(buf)
					if _, werr = w.Write(buf); werr != nil {
						break
					}
				}
				if werr == nil {
					werr = w.Close()
				}
				pw.CloseWithError(werr)
				copy(sent[:], h.Sum(nil))
				<-done
			})
			if werr != nil || rerr != nil {
				t.Fatalf("write: %v, read: %v", werr, rerr)
			}
			if n != size || sent != got {
				t.Fatalf("streamed %d of %d bytes, digests equal: %v", n, size, sent == got)
			}
			if peak > size/2 {
				t.Errorf("peak live heap %d bytes for a %d-byte stream: not streaming", peak, size)
			}
			t.Logf("%s: %d MiB streamed, peak live heap %.1f MiB", a, size>>20, float64(peak)/(1<<20))
		})
	}
}

// generator yields endless, moderately compressible bytes: words drawn
// from a small vocabulary with random numbers between them.
type generator struct{ state uint64 }

func newGenerator(seed uint64) *generator { return &generator{state: seed*0x9e3779b97f4a7c15 + 1} }

var vocabulary = [][]byte{[]byte(`{"run_id": "`), []byte(`", "status": "failure"`), []byte(`"success": true, `),
	[]byte(`"validator_name": "not_null", `), []byte("customers.csv"), []byte("}\n")}

func (g *generator) next() uint64 {
	g.state ^= g.state << 13
	g.state ^= g.state >> 7
	g.state ^= g.state << 17
	return g.state
}

func (g *generator) fill(p []byte) {
	for i := 0; i < len(p); {
		v := g.next()
		w := vocabulary[v%uint64(len(vocabulary))]
		i += copy(p[i:], w)
		for k := 0; k < 6 && i < len(p); k++ {
			p[i] = '0' + byte(v>>(8+4*k))%10
			i++
		}
	}
}
