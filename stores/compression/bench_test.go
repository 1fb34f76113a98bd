package compression

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"
)

// benchInput is a validation-results JSONL corpus file (1 MiB): what the
// stores compress.
func benchInput(b *testing.B) []byte {
	return readFixture(b, "corpus", "synthetic", "validation_1MiB.jsonl")
}

// BenchmarkCodec compares this package with the codec's library called
// directly (rawCodec), on the same input, per codec and level:
//
//	go test ./stores/compression -run '^$' -bench 'Codec' -benchtime 200ms
//
// The ratio of ours to raw MB/s is the wrapper's overhead (goal >= 0.95).
func BenchmarkCodec(b *testing.B) {
	in := benchInput(b)
	for _, a := range []Algorithm{Gzip, Zstd, LZ4, Snappy, Brotli, Deflate, LZMA, BZ2} {
		for _, l := range Levels() {
			if (a == LZMA || a == BZ2 || a == Brotli) && l != Balanced {
				continue // slow: the balanced level shows the overhead
			}
			raw, err := newRawCodec(a, l)
			if err != nil {
				b.Fatal(err)
			}
			c, _ := Compress(nil, in, a, l)
			dbuf := make([]byte, 0, len(in))
			name := fmt.Sprintf("%s/%s", a, l)
			b.Run(name+"/compress/ours", func(b *testing.B) {
				b.SetBytes(int64(len(in)))
				b.ReportAllocs()
				var out []byte
				for b.Loop() {
					out, _ = Compress(out[:0], in, a, l)
				}
			})
			b.Run(name+"/compress/raw", func(b *testing.B) {
				b.SetBytes(int64(len(in)))
				b.ReportAllocs()
				for b.Loop() {
					raw.compress(in)
				}
			})
			b.Run(name+"/decompress/ours", func(b *testing.B) {
				b.SetBytes(int64(len(in)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Decompress(dbuf[:0], c, a, int64(len(in))); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(name+"/decompress/raw", func(b *testing.B) {
				b.SetBytes(int64(len(in)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := raw.decompress(dbuf[:0], c); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkAdaptiveChoice measures, for each goal and corpus file (cut to
// 2 MiB), the codec Adaptive picks from its sample and the codec that is
// really best on the whole file by the same objective, and logs the table:
//
//	go test ./stores/compression -run '^$' -bench AdaptiveChoice -benchtime 1x -v
//
// Metric "worst_cost/best" is the largest cost(picked)/cost(best) seen
// (goal: <= 1.05).
func BenchmarkAdaptiveChoice(b *testing.B) {
	files := loadCorpus(b, 2<<20)
	for b.Loop() {
		var lines []string
		worst, sum, n := 1.0, 0.0, 0
		for _, g := range []Goal{GoalBalanced, GoalSpeed, GoalRatio, GoalLowMemory} {
			ad, _ := NewAdaptive(AdaptiveOptions{Goal: g})
			for _, f := range files {
				picked, _ := ad.Choose(f.data)
				costs := map[Algorithm]float64{}
				for _, a := range ad.opts.Algorithms {
					costs[a] = fullCost(g, f.data, a)
				}
				best := None
				for a, c := range costs {
					if best == None || c < costs[best] {
						best = a
					}
				}
				rel := math.Inf(1)
				if picked != None {
					rel = costs[picked] / costs[best]
				}
				worst = max(worst, rel)
				sum += rel
				n++
				lines = append(lines, fmt.Sprintf("%-11s %-45s picked %-7s best %-7s cost/best %.3f", g, f.name, picked, best, rel))
			}
		}
		sort.Strings(lines)
		b.Logf("\n%s", strings.Join(lines, "\n"))
		b.ReportMetric(worst, "worst_cost/best")
		b.ReportMetric(sum/float64(n), "mean_cost/best")
	}
}

// fullCost is the goal's objective for codec a on the whole input: the best
// of three timed runs, plus the memory measurement for GoalLowMemory.
func fullCost(g Goal, data []byte, a Algorithm) float64 {
	var best Metrics
	for i := range 3 {
		m, err := Measure(data, a, Balanced)
		if err != nil {
			return math.Inf(1)
		}
		if i == 0 || m.CompressTime+m.DecompressTime < best.CompressTime+best.DecompressTime {
			best = m
		}
		if g == GoalRatio || g == GoalLowMemory {
			break // size and memory do not vary between runs
		}
		if m.CompressTime > 2*time.Second {
			break
		}
	}
	var mem int64
	if g == GoalLowMemory {
		mem = MeasureMemory(data, a, Balanced)
	}
	return Cost(g, best, mem)
}
