package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
)

// Reopener is implemented by harnesses of backends that persist: OpenAgain
// returns another store over the same place (folder, bucket and prefix,
// database and namespace) as the last store MakeStore returned, as another
// process would open it. The suite then checks that what one store saved,
// another reads, whether the first is closed (Reopen) or still open
// (TwoInstances).
type Reopener interface {
	OpenAgain(ctx context.Context, t testing.TB) (*stores.Store, error)
}

func openAgain(ctx context.Context, t *testing.T, h Harness) *stores.Store {
	t.Helper()
	ro, ok := h.(Reopener)
	if !ok {
		t.Skip("the harness does not implement storetest.Reopener (a backend that does not persist)")
	}
	st, err := ro.OpenAgain(ctx, t)
	if err != nil {
		t.Fatalf("OpenAgain: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func testReopen(ctx context.Context, t *testing.T, h Harness, st *stores.Store) {
	if _, ok := h.(Reopener); !ok {
		openAgain(ctx, t, h) // skips
	}
	seedQueryRows(ctx, t, st)
	big := newResult(t, "unicode-✓-数据", "données", aware(2024, 2, 1, 0, 0, 0, 1, 3), results.Warning, map[string]string{"k": "v ✓"})
	mustSave(ctx, t, st, big)
	if _, err := st.Delete(ctx, "q01"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	again := openAgain(ctx, t, h)
	want := slices.DeleteFunc(slices.Clone(descAll), func(id string) bool { return id == "q01" })
	want = append([]string{"unicode-✓-数据"}, want...)
	checkQuery(ctx, t, again, &stores.Query{}, want, len(want), true)
	checkQuery(ctx, t, again, &stores.Query{DataAsset: "orders", Ascending: true}, []string{"q12", "q02", "q05", "q08"}, 4, false)
	checkQuery(ctx, t, again, &stores.Query{Tags: map[string]string{"env": "prod", "team": "a"}}, []string{"q09", "q08", "q12"}, 3, false)
	got, err := again.Get(ctx, big.RunID)
	if err != nil {
		t.Fatalf("Get after reopening: %v", err)
	}
	sameResult(t, "Get after reopening", big, got)
	if ok, err := again.Exists(ctx, "q01"); err != nil || ok {
		t.Errorf("a deleted result is back after reopening: Exists = %v, %v", ok, err)
	}
	// Changes made by the reopened store persist as well.
	mustSave(ctx, t, again, newResult(t, "q13", "orders", naive(2025, 1, 1, 0, 0, 0, 0), results.Success, nil))
	if _, err := again.Delete(ctx, "q02"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := again.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	third := openAgain(ctx, t, h)
	checkQuery(ctx, t, third, &stores.Query{DataAsset: "orders"}, []string{"q13", "q08", "q05", "q12"}, 4, true)
}

func testTwoInstances(ctx context.Context, t *testing.T, h Harness, a *stores.Store) {
	if _, ok := h.(Reopener); !ok {
		openAgain(ctx, t, h) // skips
	}
	mustSave(ctx, t, a, newResult(t, "first", "x", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil))
	b := openAgain(ctx, t, h)
	if ok, err := b.Exists(ctx, "first"); err != nil || !ok {
		t.Errorf("b.Exists(first) = %v, %v; want what a saved", ok, err)
	}
	r := newResult(t, "from-a", "x", naive(2024, 1, 2, 0, 0, 0, 0), results.Failure, map[string]string{"by": "a"})
	mustSave(ctx, t, a, r)
	got, err := b.Get(ctx, "from-a")
	if err != nil {
		t.Fatalf("b.Get of what a saved: %v", err)
	}
	sameResult(t, "b.Get(from-a)", r, got)
	checkQuery(ctx, t, b, &stores.Query{DataAsset: "x"}, []string{"from-a", "first"}, 2, false)
	checkQuery(ctx, t, b, &stores.Query{Tags: map[string]string{"by": "a"}}, []string{"from-a"}, 1, false)
	if ok, err := b.Delete(ctx, "first"); err != nil || !ok {
		t.Fatalf("b.Delete(first) = %v, %v", ok, err)
	}
	if ok, err := a.Exists(ctx, "first"); err != nil || ok {
		t.Errorf("a.Exists(first) after b deleted it = %v, %v", ok, err)
	}
	checkQuery(ctx, t, a, &stores.Query{DataAsset: "x"}, []string{"from-a"}, 1, false)
	// Replaced through b, seen through a, index included.
	r2 := newResult(t, "from-a", "y", naive(2024, 1, 3, 0, 0, 0, 0), results.Success, map[string]string{"by": "b"})
	mustSave(ctx, t, b, r2)
	checkQuery(ctx, t, a, &stores.Query{Tags: map[string]string{"by": "b"}}, []string{"from-a"}, 1, true)
	checkQuery(ctx, t, a, &stores.Query{DataAsset: "x"}, nil, 0, false)

	// Both write at once: nothing is lost in either view.
	const per = 25
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for w, st := range []*stores.Store{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				rr := *r
				rr.RunID = fmt.Sprintf("c%d-%02d", w, i)
				rr.DataAsset = "concurrent"
				if err := st.Save(ctx, &rr); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		t.Errorf("concurrent Save through two stores: %v", err)
	}
	for name, st := range map[string]*stores.Store{"a": a, "b": b} {
		if n, err := st.Count(ctx, &stores.Query{DataAsset: "concurrent"}); err != nil || n != 4*per {
			t.Errorf("%s.Count(concurrent) = %d, %v; want %d", name, n, err, 4*per)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatalf("a.Close: %v", err)
	}
	third := openAgain(ctx, t, h)
	if n, err := third.Count(ctx, nil); err != nil || n != 4*per+1 {
		t.Errorf("Count after reopening = %d, %v; want %d", n, err, 4*per+1)
	}
}
