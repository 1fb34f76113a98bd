package filesystem

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
)

// syntheticIndex returns n index entries (no data files behind them).
func syntheticIndex(n int) []*indexEntry {
	out := make([]*indexEntry, n)
	for i := range out {
		id := fmt.Sprintf("run_20240101_000000_%08x", i)
		out[i] = &indexEntry{ID: id, DataAsset: []string{"customers.csv", "orders.parquet", "events.jsonl"}[i%3],
			RunTime: results.FormatTime(baseTime.Add(timeSecond(i))), Status: []string{"success", "failure", "warning"}[i%3],
			File: id + ".json", Tags: map[string]string{"env": []string{"prod", "dev"}[i%2], "team": "dq"}}
	}
	return out
}

// prefilled returns a store whose index already lists n results.
func prefilled(b *testing.B, n int) (*stores.Store, string) {
	b.Helper()
	base := b.TempDir()
	dir := filepath.Join(base, "default", "validations")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, indexName), appendIndex(nil, syntheticIndex(n)), 0o644); err != nil {
		b.Fatal(err)
	}
	s, err := Open(Options{BasePath: base})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := s.Init(ctx); err != nil {
		b.Fatal(err)
	}
	return s, dir
}

// BenchmarkSave measures a durable save into stores whose index already
// holds 1,000 and 100,000 results: the cost must not grow with the index.
func BenchmarkSave(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("index=%d", n), func(b *testing.B) {
			s, _ := prefilled(b, n)
			doc, _ := results.Marshal(newResult("x", 1))
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if err := s.Save(ctx, newResult(fmt.Sprintf("bench-%d", i), i)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkGet(b *testing.B) {
	s, _ := prefilled(b, 1000)
	for i := range 100 {
		mustSave(b, s, newResult(fmt.Sprintf("g%d", i), i))
	}
	doc, _ := results.Marshal(newResult("g0", 0))
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := s.Get(ctx, fmt.Sprintf("g%d", i%100)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuery measures index-only queries at 1,000 and 100,000 results.
func BenchmarkQuery(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		s, _ := prefilled(b, n)
		b.Run(fmt.Sprintf("asset-newest-10/index=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ids, err := s.ListIDs(ctx, &stores.Query{DataAsset: "orders.parquet", Limit: 10})
				if err != nil || len(ids) != 10 {
					b.Fatal(len(ids), err)
				}
			}
		})
		b.Run(fmt.Sprintf("count-status/index=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Count(ctx, &stores.Query{Status: results.Failure}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkIndex measures writing and parsing a 100,000-entry _index.json
// (a fold, and a reader's full reload).
func BenchmarkIndex(b *testing.B) {
	ents := syntheticIndex(100000)
	data := appendIndex(nil, ents)
	b.Run("write", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		buf := make([]byte, 0, len(data))
		for b.Loop() {
			buf = appendIndex(buf[:0], ents)
		}
	})
	b.Run("parse", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parseIndex(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkQueryTag(b *testing.B) {
	s, _ := prefilled(b, 100000)
	for _, limit := range []int{100, 0} {
		b.Run(fmt.Sprintf("env=prod/limit=%d", limit), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.ListIDs(ctx, &stores.Query{Tags: map[string]string{"env": "prod"}, Limit: limit}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
