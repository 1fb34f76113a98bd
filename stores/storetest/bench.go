package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
)

// RunBenchmarks runs the benchmarks every backend reports, as sub-benchmarks
// of b: Save and Get of a typical result (two validators, about 1.5 KB) and
// of a large one (about 1 MB), then, on stores holding 100 and 1,000
// results, a filtered Query of one page (10 bodies read), ListIDs of all,
// Count with filters, and List of a filtered page. Each reports allocations;
// Save and Get report the document bytes moved per operation.
func RunBenchmarks(b *testing.B, newHarness HarnessMaker) {
	ctx := context.Background()
	typical := newResult(b, "bench-typical", "customers.csv", naive(2024, 1, 1, 0, 0, 0, 0), results.Failure,
		map[string]string{"env": "prod"})
	large := largeResult(b, "bench-large", 1<<20)
	for _, c := range []struct {
		name string
		r    *resultT
	}{{"typical", typical}, {"1MB", large}} {
		size := docSize(b, c.r)
		b.Run("Save/"+c.name, func(b *testing.B) {
			_, st := makeStore(ctx, b, newHarness)
			r := c.r.Clone()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				r.RunID = fmt.Sprintf("bench-%d", i%1000)
				if err := st.Save(ctx, r); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run("Get/"+c.name, func(b *testing.B) {
			_, st := makeStore(ctx, b, newHarness)
			mustSave(ctx, b, st, c.r)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := st.Get(ctx, c.r.RunID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			_, st := makeStore(ctx, b, newHarness)
			fill(ctx, b, st, n)
			queries := []struct {
				name string
				fn   func() error
			}{
				{"Query/asset,page=10", func() error {
					rs, err := st.Query(ctx, &stores.Query{DataAsset: "asset-3", Limit: 10})
					if err == nil && len(rs) != 10 {
						err = fmt.Errorf("got %d results, want 10", len(rs))
					}
					return err
				}},
				{"ListIDs/all", func() error {
					ids, err := st.ListIDs(ctx, nil)
					if err == nil && len(ids) != n {
						err = fmt.Errorf("got %d ids, want %d", len(ids), n)
					}
					return err
				}},
				{"Count/status,tags", func() error {
					_, err := st.Count(ctx, &stores.Query{Status: results.Failure, Tags: map[string]string{"env": "prod"}})
					return err
				}},
				{"List/window,page=20", func() error {
					_, err := st.List(ctx, &stores.Query{Start: naive(2024, 1, 1, 0, 0, 0, 0),
						End: naive(2024, 1, 1, 0, 0, n/2, 0), Ascending: true, Limit: 20, Offset: 5})
					return err
				}},
			}
			for _, q := range queries {
				b.Run(q.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if err := q.fn(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

func docSize(t testing.TB, r *resultT) int {
	t.Helper()
	doc, err := results.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return len(doc)
}

// fill saves n typical results over 10 assets, one second apart.
func fill(ctx context.Context, t testing.TB, st *stores.Store, n int) {
	t.Helper()
	statuses := []results.Status{results.Success, results.Failure, results.Warning, results.Error}
	envs := []string{"prod", "dev"}
	base := naive(2024, 1, 1, 0, 0, 0, 0)
	r := newResult(t, "fill", "asset", base, results.Success, nil)
	for i := range n {
		r.RunID = fmt.Sprintf("run_%06d", i)
		r.DataAsset = fmt.Sprintf("asset-%d", i%10)
		r.RunTime = base.Add(time.Duration(i) * time.Second)
		r.Status = statuses[i%len(statuses)]
		r.Tags = map[string]string{"env": envs[i%len(envs)], "i": fmt.Sprint(i)}
		if err := st.Save(ctx, r); err != nil {
			t.Fatalf("filling the store: %v", err)
		}
	}
}
