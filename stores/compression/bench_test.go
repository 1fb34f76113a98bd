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
// 512 KiB), the codec Adaptive picks from its sample and the codec that is
// really best on the whole input by the same objective, and logs the table:
//
//	go test ./stores/compression -run '^$' -bench AdaptiveChoice -benchtime 1x -v
//
// Metric "worst_cost/best" is the largest cost(picked)/cost(best) seen
// (goal: <= 1.05); "within_5pct" the share of choices within 5%.
func BenchmarkAdaptiveChoice(b *testing.B) {
	files := loadCorpus(b, 512<<10)
	goals := []Goal{GoalBalanced, GoalSpeed, GoalRatio, GoalLowMemory}
	for b.Loop() {
		var lines []string
		worst, sum, n, within := 1.0, 0.0, 0, 0
		for _, f := range files {
			full := measureAll(f.data)
			for _, g := range goals {
				ad, _ := NewAdaptive(AdaptiveOptions{Goal: g})
				picked, _ := ad.Choose(f.data)
				best, bestCost := None, math.Inf(1)
				for a, fm := range full {
					if c := Cost(g, fm.m, fm.mem); c < bestCost {
						best, bestCost = a, c
					}
				}
				rel := math.Inf(1)
				if fm, ok := full[picked]; ok {
					rel = Cost(g, fm.m, fm.mem) / bestCost
				} else if picked == None && best == None {
					rel = 1 // nothing compresses it: storing it as is was right
				}
				worst = max(worst, rel)
				sum += rel
				n++
				if rel <= 1.05 {
					within++
				}
				lines = append(lines, fmt.Sprintf("%-11s %-45s picked %-7s best %-7s cost/best %.3f", g, f.name, picked, best, rel))
			}
		}
		sort.Strings(lines)
		b.Logf("\n%s", strings.Join(lines, "\n"))
		b.ReportMetric(worst, "worst_cost/best")
		b.ReportMetric(sum/float64(n), "mean_cost/best")
		b.ReportMetric(float64(within)/float64(n), "within_5pct")
	}
}

type fullMeasure struct {
	m   Metrics
	mem int64
}

// measureAll measures every codec on the whole input at the Balanced
// level: sizes, the best of three timed runs, and memory.
func measureAll(data []byte) map[Algorithm]fullMeasure {
	out := map[Algorithm]fullMeasure{}
	for _, a := range []Algorithm{Gzip, Zstd, LZ4, Snappy, Brotli, Deflate, LZMA, BZ2} {
		var best Metrics
		ok := false
		for i := range 3 {
			m, err := Measure(data, a, Balanced)
			if err != nil {
				break
			}
			if !ok || m.CompressTime+m.DecompressTime < best.CompressTime+best.DecompressTime {
				best, ok = m, true
			}
			if i == 0 && m.CompressTime > time.Second {
				break
			}
		}
		if ok && best.CompressedSize < best.OriginalSize {
			out[a] = fullMeasure{best, MeasureMemory(data, a, Balanced)}
		}
	}
	return out
}
