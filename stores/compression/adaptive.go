package compression

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime/metrics"
	"strings"
	"time"
)

// Goal is what Adaptive optimises for.
type Goal uint8

// The goals. The zero value is GoalBalanced.
const (
	// GoalBalanced minimises the time to compress, store and load the data:
	// compress time + decompress time + compressed size / Bandwidth.
	GoalBalanced Goal = iota
	// GoalSpeed minimises compress + decompress time.
	GoalSpeed
	// GoalRatio minimises the compressed size.
	GoalRatio
	// GoalLowMemory minimises the heap the codec allocates plus the
	// compressed size.
	GoalLowMemory
)

var goalNames = [...]string{"balanced", "speed", "ratio", "low_memory"}

// String returns "balanced", "speed", "ratio" or "low_memory".
func (g Goal) String() string {
	if int(g) < len(goalNames) {
		return goalNames[g]
	}
	return fmt.Sprintf("goal(%d)", uint8(g))
}

// ParseGoal parses a goal name, case-insensitively; it also accepts the
// original's names BEST_SPEED and BEST_RATIO and "low-memory".
func ParseGoal(s string) (Goal, error) {
	n := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
	n = strings.TrimPrefix(n, "best_")
	for i, name := range goalNames {
		if n == name {
			return Goal(i), nil
		}
	}
	return 0, fmt.Errorf("%w: goal %q (want balanced, speed, ratio or low_memory)", ErrInvalidOption, s)
}

// ADPT header (FORMATS.md §6): "ADPT" | u8 algorithm | u8 flags | u32 size.
const (
	adaptiveMagic      = "ADPT"
	adaptiveHeaderSize = 10
	adaptiveStored     = 0x01
)

// AdaptiveOptions configures an Adaptive compressor. The zero value works.
type AdaptiveOptions struct {
	Goal  Goal  // what to optimise for (default GoalBalanced)
	Level Level // preset every candidate runs at (default Balanced)
	// Algorithms are the candidates (default: every codec but None).
	Algorithms []Algorithm
	// SampleSize is how many bytes each candidate compresses to be judged
	// (default 64 KiB). Larger inputs are sampled in four evenly spaced
	// slices.
	SampleSize int
	// MinSize: inputs shorter than this are stored as is (default 128, as
	// the original).
	MinSize int
	// Bandwidth in bytes per second that GoalBalanced charges for every
	// compressed byte (default 100 MB/s).
	Bandwidth float64
}

// Trial is the measurement of one candidate on the sample.
type Trial struct {
	Algorithm      Algorithm
	SampleSize     int64         // bytes compressed
	CompressedSize int64         // bytes out
	CompressTime   time.Duration // best of the runs
	DecompressTime time.Duration // best of the runs
	Memory         int64         // heap bytes allocated by a fresh encoder and decoder
	Cost           float64       // the goal's cost; the lowest wins
	Err            error         // why the candidate was dropped, if it was
}

// AdaptiveResult reports what Adaptive.Compress did.
type AdaptiveResult struct {
	Metrics         // algorithm used and sizes of the ADPT output
	Stored  bool    // input stored as is (too small or incompressible)
	Trials  []Trial // the candidates' measurements, empty when not sampled
}

// Adaptive compresses with whichever codec is best for the data and goal,
// judged by compressing a sample with every candidate. Its output is the
// original's ADPT format, which it and [DecompressAdaptive] both read.
// An Adaptive is safe for concurrent use.
type Adaptive struct {
	opts AdaptiveOptions
}

// NewAdaptive returns an Adaptive compressor; it checks the options.
func NewAdaptive(opts AdaptiveOptions) (*Adaptive, error) {
	if opts.Goal > GoalLowMemory {
		return nil, fmt.Errorf("%w: goal %d", ErrInvalidOption, opts.Goal)
	}
	l, err := opts.Level.normalize()
	if err != nil {
		return nil, err
	}
	opts.Level = l
	if len(opts.Algorithms) == 0 {
		opts.Algorithms = []Algorithm{Gzip, Zstd, LZ4, Snappy, Brotli, Deflate, LZMA, BZ2}
	}
	var cands []Algorithm
	for _, a := range opts.Algorithms {
		if !a.Valid() {
			return nil, fmt.Errorf("%w: %s", ErrUnsupported, a)
		}
		if a != None {
			cands = append(cands, a)
		}
	}
	opts.Algorithms = cands
	if opts.SampleSize < 0 || opts.MinSize < 0 || opts.Bandwidth < 0 {
		return nil, fmt.Errorf("%w: negative SampleSize, MinSize or Bandwidth", ErrInvalidOption)
	}
	if opts.SampleSize == 0 {
		opts.SampleSize = 64 << 10
	}
	if opts.MinSize == 0 {
		opts.MinSize = 128
	}
	if opts.Bandwidth == 0 {
		opts.Bandwidth = 100e6
	}
	return &Adaptive{opts: opts}, nil
}

// Compress appends the ADPT form of src to dst: a 10-byte header naming the
// codec, then the codec's output; or, with the stored flag, src itself when
// it is shorter than MinSize or no candidate makes it smaller.
func (ad *Adaptive) Compress(dst, src []byte) ([]byte, AdaptiveResult, error) {
	res := AdaptiveResult{Metrics: Metrics{Level: ad.opts.Level, OriginalSize: int64(len(src))}}
	if uint64(len(src)) > math.MaxUint32 {
		return dst, res, fmt.Errorf("%w: ADPT holds at most 4 GiB - 1, got %d bytes", ErrInvalidOption, len(src))
	}
	start := time.Now()
	if len(src) < ad.opts.MinSize || len(ad.opts.Algorithms) == 0 {
		out := appendStored(dst, src)
		res.Stored, res.CompressedSize, res.CompressTime = true, int64(len(out)-len(dst)), time.Since(start)
		return out, res, nil
	}
	sample := ad.sample(src)
	best, trials, compressed := ad.choose(sample, len(sample) == len(src))
	res.Trials = trials
	var body []byte
	if best >= 0 {
		a := trials[best].Algorithm
		if compressed != nil {
			body = compressed
		} else {
			var err error
			if body, err = Compress(nil, src, a, ad.opts.Level); err != nil {
				return dst, res, err
			}
		}
		if len(body) < len(src) {
			out := appendAdaptiveHeader(dst, a, 0, len(src))
			out = append(out, body...)
			res.Algorithm, res.CompressedSize, res.CompressTime = a, int64(len(out)-len(dst)), time.Since(start)
			return out, res, nil
		}
	}
	out := appendStored(dst, src)
	res.Stored, res.CompressedSize, res.CompressTime = true, int64(len(out)-len(dst)), time.Since(start)
	return out, res, nil
}

// Choose measures every candidate on a sample of src and returns the
// winner for the goal and every trial. It returns None when no candidate
// makes the sample smaller.
func (ad *Adaptive) Choose(src []byte) (Algorithm, []Trial) {
	best, trials, _ := ad.choose(ad.sample(src), false)
	if best < 0 {
		return None, trials
	}
	return trials[best].Algorithm, trials
}

// sample returns src when it fits in SampleSize, else four evenly spaced
// slices of it.
func (ad *Adaptive) sample(src []byte) []byte {
	n := ad.opts.SampleSize
	if len(src) <= n {
		return src
	}
	const parts = 4
	part := n / parts
	out := make([]byte, 0, part*parts)
	for i := range parts {
		off := (len(src) - part) * i / (parts - 1)
		out = append(out, src[off:off+part]...)
	}
	return out
}

// choose runs the trials; keep asks it to return the winner's compressed
// sample (used when the sample is the whole input).
func (ad *Adaptive) choose(sample []byte, keep bool) (int, []Trial, []byte) {
	trials := make([]Trial, len(ad.opts.Algorithms))
	best := -1
	var bestOut []byte
	for i, a := range ad.opts.Algorithms {
		t, out := ad.trial(sample, a)
		trials[i] = t
		if t.Err != nil || t.CompressedSize >= int64(len(sample)) {
			continue
		}
		if best < 0 || t.Cost < trials[best].Cost {
			best = i
			if keep {
				bestOut = out
			}
		}
	}
	return best, trials, bestOut
}

// trial measures one candidate: the best of at least two timed runs (the
// first also warms the pools), repeated up to ten times while they take
// under a millisecond in all, plus the heap a fresh encoder and decoder allocate when
// the goal is GoalLowMemory.
func (ad *Adaptive) trial(sample []byte, a Algorithm) (Trial, []byte) {
	t := Trial{Algorithm: a, SampleSize: int64(len(sample))}
	var out []byte
	dbuf := make([]byte, 0, len(sample))
	began := time.Now()
	for run := 0; run < 2 || (run < 10 && time.Since(began) < time.Millisecond); run++ {
		start := time.Now()
		c, err := Compress(nil, sample, a, ad.opts.Level)
		ct := time.Since(start)
		if err != nil {
			t.Err = err
			return t, nil
		}
		start = time.Now()
		_, err = Decompress(dbuf[:0], c, a, int64(len(sample)))
		dt := time.Since(start)
		if err != nil {
			t.Err = err
			return t, nil
		}
		if run == 0 || ct < t.CompressTime {
			t.CompressTime = ct
		}
		if run == 0 || dt < t.DecompressTime {
			t.DecompressTime = dt
		}
		out = c
	}
	t.CompressedSize = int64(len(out))
	if ad.opts.Goal == GoalLowMemory {
		t.Memory = streamMemory(sample, a, ad.opts.Level)
	}
	t.Cost = cost(ad.opts.Goal, t, ad.opts.Bandwidth)
	return t, out
}

// cost is the goal's objective (lower is better). Times are in seconds,
// sizes in bytes.
func cost(g Goal, t Trial, bandwidth float64) float64 {
	switch g {
	case GoalSpeed:
		return (t.CompressTime + t.DecompressTime).Seconds()
	case GoalRatio:
		return float64(t.CompressedSize)
	case GoalLowMemory:
		return float64(t.Memory + t.CompressedSize)
	default:
		return (t.CompressTime + t.DecompressTime).Seconds() + float64(t.CompressedSize)/bandwidth
	}
}

// Cost returns the objective Adaptive minimises for goal g, computed from a
// full measurement (memory as from [MeasureMemory]); lower is better. It
// lets benchmarks compare Adaptive's choice with the measured best.
func Cost(g Goal, m Metrics, memory int64) float64 {
	return cost(g, Trial{CompressedSize: m.CompressedSize, CompressTime: m.CompressTime,
		DecompressTime: m.DecompressTime, Memory: memory}, 100e6)
}

var allocMetric = []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}

// heapAllocated returns the cumulative bytes allocated on the heap.
func heapAllocated() uint64 {
	s := []metrics.Sample{allocMetric[0]}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// MeasureMemory returns the heap bytes a fresh streaming encoder and decoder
// of a at level l allocate to compress and decompress src (output buffers
// excluded). Other goroutines allocating at the same time inflate it.
func MeasureMemory(src []byte, a Algorithm, l Level) int64 { return streamMemory(src, a, l) }

func streamMemory(src []byte, a Algorithm, l Level) int64 {
	var cw countWriter
	before := heapAllocated()
	w, err := NewWriter(&cw, a, l)
	if err != nil {
		return math.MaxInt32
	}
	w.Write(src)
	w.Close()
	mid := heapAllocated()
	// Decompress from the compressed bytes, produced outside the count.
	c, err := compressForStream(src, a, l)
	if err != nil {
		return int64(mid - before)
	}
	start := heapAllocated()
	r, err := NewReader(&sliceReader{b: c}, a)
	if err == nil {
		io.Copy(io.Discard, r)
		r.Close()
	}
	end := heapAllocated()
	return int64(mid-before) + int64(end-start)
}

func compressForStream(src []byte, a Algorithm, l Level) ([]byte, error) {
	var b sliceWriter
	w, err := NewWriter(&b, a, l)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(src); err != nil {
		return nil, err
	}
	err = w.Close()
	return b.b, err
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

type sliceWriter struct{ b []byte }

func (s *sliceWriter) Write(p []byte) (int, error) { s.b = append(s.b, p...); return len(p), nil }

type sliceReader struct{ b []byte }

func (s *sliceReader) Read(p []byte) (int, error) {
	if len(s.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.b)
	s.b = s.b[n:]
	return n, nil
}

func appendAdaptiveHeader(dst []byte, a Algorithm, flags byte, size int) []byte {
	dst = append(dst, adaptiveMagic...)
	dst = append(dst, byte(a), flags)
	return binary.LittleEndian.AppendUint32(dst, uint32(size))
}

func appendStored(dst, src []byte) []byte {
	return append(appendAdaptiveHeader(dst, None, adaptiveStored, len(src)), src...)
}

// AdaptiveHeader is the decoded 10-byte ADPT header.
type AdaptiveHeader struct {
	Algorithm    Algorithm // codec of the body (None when stored)
	Stored       bool      // the body is the data itself
	OriginalSize uint32    // size of the data
}

// ParseAdaptiveHeader decodes the ADPT header at the start of src.
func ParseAdaptiveHeader(src []byte) (AdaptiveHeader, error) {
	if len(src) < adaptiveHeaderSize {
		return AdaptiveHeader{}, fmt.Errorf("%w: ADPT: %d bytes, shorter than the 10-byte header", ErrCorrupt, len(src))
	}
	if string(src[:4]) != adaptiveMagic {
		return AdaptiveHeader{}, fmt.Errorf("%w: ADPT: bad magic %q", ErrCorrupt, src[:4])
	}
	h := AdaptiveHeader{
		Algorithm:    Algorithm(src[4]),
		Stored:       src[5]&adaptiveStored != 0,
		OriginalSize: binary.LittleEndian.Uint32(src[6:10]),
	}
	if src[5]&^adaptiveStored != 0 {
		return h, fmt.Errorf("%w: ADPT: unknown flags %#x", ErrCorrupt, src[5])
	}
	if !h.Algorithm.Valid() {
		return h, fmt.Errorf("%w: ADPT: %w: id %d", ErrCorrupt, ErrUnsupported, src[4])
	}
	return h, nil
}

// DecompressAdaptive appends the data of an ADPT blob (written by Adaptive
// or by the original's AdaptiveCompressor) to dst. The output must have the
// size the header declares; limit (<= 0: DefaultLimit) bounds it.
func DecompressAdaptive(dst, src []byte, limit int64) ([]byte, error) {
	h, err := ParseAdaptiveHeader(src)
	if err != nil {
		return dst, err
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	size := int64(h.OriginalSize)
	if size > limit {
		return dst, fmt.Errorf("%w: ADPT declares %d bytes > limit %d", ErrTooLarge, size, limit)
	}
	body := src[adaptiveHeaderSize:]
	if h.Stored {
		if int64(len(body)) != size {
			return dst, fmt.Errorf("%w: ADPT: stored body is %d bytes, header says %d", ErrCorrupt, len(body), size)
		}
		return append(dst, body...), nil
	}
	start := len(dst)
	out, err := Decompress(dst, body, h.Algorithm, max(size, 1))
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return dst[:start], fmt.Errorf("%w: ADPT: body decodes to more than the declared %d bytes: %w", ErrCorrupt, size, err)
		}
		return dst[:start], err
	}
	if int64(len(out)-start) != size {
		return dst[:start], fmt.Errorf("%w: ADPT: body decodes to %d bytes, header says %d", ErrCorrupt, len(out)-start, size)
	}
	return out, nil
}
