package compression

import (
	"sync"
	"time"
)

// Metrics describes one compression: sizes, times and the codec used.
type Metrics struct {
	Algorithm      Algorithm     // codec used (None when stored as is)
	Level          Level         // preset used
	OriginalSize   int64         // bytes before compression
	CompressedSize int64         // bytes after compression, headers included
	CompressTime   time.Duration // time spent compressing
	DecompressTime time.Duration // time spent decompressing, when measured
}

// Ratio returns OriginalSize / CompressedSize (0 when nothing was written).
func (m Metrics) Ratio() float64 {
	if m.CompressedSize == 0 {
		return 0
	}
	return float64(m.OriginalSize) / float64(m.CompressedSize)
}

// SpaceSavings returns the fraction of the original size saved, 1 - 1/Ratio.
func (m Metrics) SpaceSavings() float64 {
	if m.OriginalSize == 0 {
		return 0
	}
	return 1 - float64(m.CompressedSize)/float64(m.OriginalSize)
}

// CompressThroughput returns original bytes compressed per second.
func (m Metrics) CompressThroughput() float64 { return throughput(m.OriginalSize, m.CompressTime) }

// DecompressThroughput returns original bytes produced per second of
// decompression, or 0 when decompression was not measured.
func (m Metrics) DecompressThroughput() float64 { return throughput(m.OriginalSize, m.DecompressTime) }

func throughput(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// Measure compresses src with a at level l, decompresses the result, checks
// that it round-trips, and reports sizes and times.
func Measure(src []byte, a Algorithm, l Level) (Metrics, error) {
	m := Metrics{Algorithm: a, Level: l, OriginalSize: int64(len(src))}
	if l == 0 {
		m.Level = Balanced
	}
	start := time.Now()
	c, err := Compress(nil, src, a, l)
	m.CompressTime = time.Since(start)
	if err != nil {
		return m, err
	}
	m.CompressedSize = int64(len(c))
	buf := make([]byte, 0, len(src))
	start = time.Now()
	d, err := Decompress(buf, c, a, int64(len(src)))
	m.DecompressTime = time.Since(start)
	if err != nil {
		return m, err
	}
	if len(d) != len(src) {
		return m, ErrCorrupt
	}
	return m, nil
}

// Stats accumulates Metrics per algorithm. It is safe for concurrent use;
// the zero value is ready.
type Stats struct {
	mu     sync.Mutex
	totals map[Algorithm]*AlgorithmStats
}

// AlgorithmStats is the running total of one algorithm in a Stats.
type AlgorithmStats struct {
	Operations     int64         // number of compressions recorded
	OriginalSize   int64         // total bytes in
	CompressedSize int64         // total bytes out
	CompressTime   time.Duration // total compression time
	DecompressTime time.Duration // total decompression time
}

// Ratio returns the overall compression ratio of the algorithm.
func (s AlgorithmStats) Ratio() float64 {
	if s.CompressedSize == 0 {
		return 0
	}
	return float64(s.OriginalSize) / float64(s.CompressedSize)
}

// CompressThroughput returns the overall bytes compressed per second.
func (s AlgorithmStats) CompressThroughput() float64 {
	return throughput(s.OriginalSize, s.CompressTime)
}

// DecompressThroughput returns the overall bytes decompressed per second.
func (s AlgorithmStats) DecompressThroughput() float64 {
	return throughput(s.OriginalSize, s.DecompressTime)
}

// Add records m under m.Algorithm.
func (s *Stats) Add(m Metrics) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.totals == nil {
		s.totals = make(map[Algorithm]*AlgorithmStats)
	}
	t := s.totals[m.Algorithm]
	if t == nil {
		t = new(AlgorithmStats)
		s.totals[m.Algorithm] = t
	}
	t.Operations++
	t.OriginalSize += m.OriginalSize
	t.CompressedSize += m.CompressedSize
	t.CompressTime += m.CompressTime
	t.DecompressTime += m.DecompressTime
}

// ByAlgorithm returns a copy of the totals per algorithm.
func (s *Stats) ByAlgorithm() map[Algorithm]AlgorithmStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[Algorithm]AlgorithmStats, len(s.totals))
	for a, t := range s.totals {
		out[a] = *t
	}
	return out
}
