package compression

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// BenchOptions configures Bench. The zero value benchmarks every codec but
// None at every level, each measurement running for at least 100 ms.
type BenchOptions struct {
	Algorithms []Algorithm       // codecs to measure (default: all but None)
	Levels     []Level           // levels to measure (default: all five)
	MinTime    time.Duration     // minimum time per measurement (default 100 ms)
	Progress   func(BenchResult) // called after each result, if set
}

// BenchResult is the measurement of one codec and level on one input.
type BenchResult struct {
	Name           string    `json:"name"`            // the input's name
	Algorithm      Algorithm `json:"-"`               // codec
	Level          Level     `json:"-"`               // preset
	AlgorithmName  string    `json:"algorithm"`       // Algorithm.String()
	LevelName      string    `json:"level"`           // Level.String()
	NativeLevel    int       `json:"native_level"`    // the codec's own level number
	Size           int64     `json:"size"`            // input bytes
	CompressedSize int64     `json:"compressed_size"` // output bytes
	Ratio          float64   `json:"ratio"`           // Size / CompressedSize
	// Throughputs in MB/s (10^6 bytes of input per second) through this
	// package and through the codec's library called directly.
	CompressMBps      float64 `json:"compress_mbps"`
	DecompressMBps    float64 `json:"decompress_mbps"`
	RawCompressMBps   float64 `json:"raw_compress_mbps"`
	RawDecompressMBps float64 `json:"raw_decompress_mbps"`
	// PeakMemory is the highest heap in use above the starting point while
	// compressing and then decompressing once with fresh codecs, output
	// buffers included (sampled every 100 µs, so short peaks can be missed).
	PeakMemory int64 `json:"peak_memory"`
}

// Bench measures every requested codec and level on data: ratio,
// compress and decompress throughput through Compress/Decompress and
// through the raw library on the same data in the same run, and peak
// memory. Results come in algorithm, then level order.
func Bench(ctx context.Context, name string, data []byte, opts BenchOptions) ([]BenchResult, error) {
	algos := opts.Algorithms
	if len(algos) == 0 {
		algos = []Algorithm{Gzip, Zstd, LZ4, Snappy, Brotli, Deflate, LZMA, BZ2}
	}
	levels := opts.Levels
	if len(levels) == 0 {
		levels = Levels()
	}
	minTime := opts.MinTime
	if minTime <= 0 {
		minTime = 100 * time.Millisecond
	}
	var out []BenchResult
	for _, a := range algos {
		for _, l := range levels {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			r, err := benchOne(name, data, a, l, minTime)
			if err != nil {
				return out, fmt.Errorf("bench %s %s %s: %w", name, a, l, err)
			}
			out = append(out, r)
			if opts.Progress != nil {
				opts.Progress(r)
			}
		}
	}
	return out, nil
}

func benchOne(name string, data []byte, a Algorithm, l Level, minTime time.Duration) (BenchResult, error) {
	nl, err := NativeLevel(a, l)
	if err != nil {
		return BenchResult{}, err
	}
	if l == 0 {
		l = Balanced
	}
	r := BenchResult{Name: name, Algorithm: a, Level: l, AlgorithmName: a.String(), LevelName: l.String(),
		NativeLevel: nl, Size: int64(len(data))}
	r.PeakMemory = peakMemory(func() {
		c, err := Compress(nil, data, a, l)
		if err == nil {
			Decompress(nil, c, a, int64(len(data)))
		}
	})
	c, err := Compress(nil, data, a, l)
	if err != nil {
		return r, err
	}
	r.CompressedSize = int64(len(c))
	if len(c) > 0 {
		r.Ratio = float64(len(data)) / float64(len(c))
	}
	raw, err := newRawCodec(a, l)
	if err != nil {
		return r, err
	}
	dbuf := make([]byte, 0, len(data))
	var cbuf []byte
	r.CompressMBps, err = rate(len(data), minTime, func() error {
		var err error
		cbuf, err = Compress(cbuf[:0], data, a, l)
		return err
	})
	if err != nil {
		return r, err
	}
	r.RawCompressMBps, err = rate(len(data), minTime, func() error { _, err := raw.compress(data); return err })
	if err != nil {
		return r, err
	}
	r.DecompressMBps, err = rate(len(data), minTime, func() error {
		d, err := Decompress(dbuf[:0], c, a, int64(len(data)))
		if err == nil && len(d) != len(data) {
			err = ErrCorrupt
		}
		return err
	})
	if err != nil {
		return r, err
	}
	rc, err := raw.compress(data)
	if err != nil {
		return r, err
	}
	rc = bytes.Clone(rc)
	r.RawDecompressMBps, err = rate(len(data), minTime, func() error { _, err := raw.decompress(dbuf[:0], rc); return err })
	return r, err
}

// rate runs f until minTime has passed (at least twice: the first run warms
// up and is not counted) and returns MB/s of n-byte inputs.
func rate(n int, minTime time.Duration, f func() error) (float64, error) {
	if err := f(); err != nil {
		return 0, err
	}
	runs := 0
	start := time.Now()
	var el time.Duration
	for runs == 0 || el < minTime {
		if err := f(); err != nil {
			return 0, err
		}
		runs++
		el = time.Since(start)
	}
	return float64(n) * float64(runs) / el.Seconds() / 1e6, nil
}

const (
	heapObjectsMetric = "/memory/classes/heap/objects:bytes" // live objects and unswept garbage
	heapLiveMetric    = "/gc/heap/live:bytes"                // live objects as of the last GC
)

func heapMetric(name string) int64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

// peakMemory runs f once after a GC (which also empties the codec pools,
// so f pays for fresh codecs) and returns the highest heap in use (objects
// and garbage not yet swept) above the starting point, sampled every 100 µs.
func peakMemory(f func()) int64 { return peakHeap(heapObjectsMetric, f) }

// peakHeap is peakMemory for the given runtime/metrics heap metric.
func peakHeap(metric string, f func()) int64 {
	heapObjects := func() int64 { return heapMetric(metric) }
	runtime.GC()
	runtime.GC()
	base := heapObjects()
	var peak atomic.Int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			if h := heapObjects(); h > peak.Load() {
				peak.Store(h)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	if h := heapObjects(); h > peak.Load() {
		peak.Store(h)
	}
	close(done)
	wg.Wait()
	return max(peak.Load()-base, 0)
}
