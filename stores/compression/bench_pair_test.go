package compression

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkCodecPaired runs this package and the codec's library called
// directly (rawCodec) alternately within every iteration, on the same input,
// so that load from other processes and frequency changes hit both alike. It
// reports the best time of each as MB/s and their ratio ("ours/raw", goal >=
// 0.95):
//
//	go test ./stores/compression -run '^$' -bench CodecPaired -benchtime 20x
//
// BenchmarkCodec runs the two as separate benchmarks, which suits benchstat
// but is sensitive to load that changes between them.
func BenchmarkCodecPaired(b *testing.B) {
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
			c, err := Compress(nil, in, a, l)
			if err != nil {
				b.Fatal(err)
			}
			var out []byte
			dbuf := make([]byte, 0, len(in))
			ops := []struct {
				name      string
				ours, raw func() error
			}{
				{"compress", func() (err error) { out, err = Compress(out[:0], in, a, l); return err },
					func() error { _, err := raw.compress(in); return err }},
				{"decompress", func() error { _, err := Decompress(dbuf[:0], c, a, int64(len(in))); return err },
					func() error { _, err := raw.decompress(dbuf[:0], c); return err }},
			}
			for _, op := range ops {
				b.Run(fmt.Sprintf("%s/%s/%s", a, l, op.name), func(b *testing.B) {
					b.SetBytes(2 * int64(len(in)))
					var oursBest, rawBest time.Duration = 1 << 62, 1 << 62
					for i := 0; b.Loop(); i++ {
						first, second := op.ours, op.raw
						if i%2 == 1 { // alternate which runs first
							first, second = second, first
						}
						t0 := time.Now()
						if err := first(); err != nil {
							b.Fatal(err)
						}
						t1 := time.Now()
						if err := second(); err != nil {
							b.Fatal(err)
						}
						t2 := time.Now()
						d1, d2 := t1.Sub(t0), t2.Sub(t1)
						if i%2 == 1 {
							d1, d2 = d2, d1
						}
						oursBest, rawBest = min(oursBest, d1), min(rawBest, d2)
					}
					mbps := func(d time.Duration) float64 { return float64(len(in)) / d.Seconds() / 1e6 }
					b.ReportMetric(mbps(oursBest), "ours-MB/s")
					b.ReportMetric(mbps(rawBest), "raw-MB/s")
					b.ReportMetric(rawBest.Seconds()/oursBest.Seconds(), "ours/raw")
				})
			}
		}
	}
}
