package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/truthound/truthound-go/stores"
)

// Harness makes the stores the suite runs on. Each subtest makes a new
// harness, asks it for one store, and closes both when it ends.
//
// The methods take a testing.TB (not a *testing.T) so that the same harness
// serves RunBenchmarks; a harness may use t.TempDir, t.Cleanup and t.Setenv.
type Harness interface {
	// MakeStore returns a new, empty result store; called once per subtest.
	MakeStore(ctx context.Context, t testing.TB) (*stores.Store, error)
	// MakeExpectations returns a new, empty expectation-suite store.
	MakeExpectations(ctx context.Context, t testing.TB) (*stores.Expectations, error)
	// Close releases the harness.
	Close()
}

// Snapshotter is implemented by harnesses that can list what their store
// has written, such as every file under (and beside) a filesystem store's
// folder, or every object of a bucket. The suite then checks that calls
// rejected for a hostile id wrote nothing at all: the snapshots before and
// after must be equal. Entries are opaque strings (path, size, ...).
type Snapshotter interface {
	Snapshot(ctx context.Context, t testing.TB) ([]string, error)
}

// HarnessMaker makes a new Harness; called once per subtest and benchmark.
type HarnessMaker func(ctx context.Context, t testing.TB) (Harness, error)

// RunConformanceTests runs the whole conformance suite as subtests of t, each
// on a new store made by a harness from newHarness. The subtests run one
// after the other; do not call it from a parallel test, as the Leaks subtest
// counts the goroutines and file descriptors of the whole process.
func RunConformanceTests(t *testing.T, newHarness HarnessMaker) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(context.Context, *testing.T, *stores.Store)
	}{
		{"CRUD", testCRUD},
		{"Replace", testReplace},
		{"NotFound", testNotFound},
		{"DistinctIDs", testDistinctIDs},
		{"RoundTripFields", testRoundTripFields},
		{"RunTimeZones", testRunTimeZones},
		{"Isolation", testIsolation},
		{"InvalidResults", testInvalidResults},
		{"Unicode", testUnicode},
		{"QueryPinned", testQueryPinned},
		{"QueryCombinations", testQueryCombinations},
		{"Ordering", testOrdering},
		{"Paging", testPaging},
		{"Counts", testCounts},
		{"InvalidQuery", testInvalidQuery},
		{"Iter", testIter},
		{"Tags", testTags},
		{"Many", testMany},
		{"Helpers", testHelpers},
		{"Large", testLarge},
		{"Concurrent", testConcurrent},
		{"ConcurrentSameID", testConcurrentSameID},
		{"Init", testInit},
		{"Closed", testClosed},
		{"Canceled", testCanceled},
		{"Upstream", testUpstream},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			_, st := makeStore(ctx, t, newHarness)
			tc.fn(ctx, t, st)
		})
	}
	t.Run("Leaks", func(t *testing.T) { testLeaks(context.Background(), t, newHarness) })
	withHarness := []struct {
		name string
		fn   func(context.Context, *testing.T, Harness, *stores.Store)
	}{
		{"HostileIDs", testHostileIDs},
		{"Reopen", testReopen},
		{"TwoInstances", testTwoInstances},
	}
	for _, tc := range withHarness {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			h, st := makeStore(ctx, t, newHarness)
			tc.fn(ctx, t, h, st)
		})
	}
	expTests := []struct {
		name string
		fn   func(context.Context, *testing.T, *stores.Expectations)
	}{
		{"CRUD", testSuiteCRUD},
		{"Names", testSuiteNames},
		{"Closed", testSuiteClosed},
	}
	for _, tc := range expTests {
		t.Run("Expectations/"+tc.name, func(t *testing.T) {
			ctx := context.Background()
			es := makeExpectations(ctx, t, newHarness)
			tc.fn(ctx, t, es)
		})
	}
}

func makeHarness(ctx context.Context, t testing.TB, newHarness HarnessMaker) Harness {
	t.Helper()
	h, err := newHarness(ctx, t)
	if err != nil {
		t.Fatalf("making the harness: %v", err)
	}
	t.Cleanup(h.Close)
	return h
}

// makeStore makes a harness and a store from it, both closed when t ends
// (the store first).
func makeStore(ctx context.Context, t testing.TB, newHarness HarnessMaker) (Harness, *stores.Store) {
	t.Helper()
	h := makeHarness(ctx, t, newHarness)
	st, err := h.MakeStore(ctx, t)
	if err != nil {
		t.Fatalf("MakeStore: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("closing the store: %v", err)
		}
	})
	return h, st
}

func makeExpectations(ctx context.Context, t testing.TB, newHarness HarnessMaker) *stores.Expectations {
	t.Helper()
	h := makeHarness(ctx, t, newHarness)
	es, err := h.MakeExpectations(ctx, t)
	if err != nil {
		t.Fatalf("MakeExpectations: %v", err)
	}
	t.Cleanup(func() {
		if err := es.Close(); err != nil {
			t.Errorf("closing the expectation store: %v", err)
		}
	})
	return es
}

// wantErr fails t unless err wraps kind and is a *stores.Error with the
// operation op and the id id (id is not checked when it is "-").
func wantErr(t testing.TB, what string, err, kind error, op, id string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: got no error, want one wrapping %v", what, kind)
		return
	}
	if !errors.Is(err, kind) {
		t.Errorf("%s: got %v, want an error wrapping %v", what, err, kind)
	}
	var se *stores.Error
	if !errors.As(err, &se) {
		t.Errorf("%s: error %v (%T) is not a *stores.Error", what, err, err)
		return
	}
	if se.Op != op {
		t.Errorf("%s: Error.Op = %q, want %q (%v)", what, se.Op, op, err)
	}
	if id != "-" && se.ID != id {
		t.Errorf("%s: Error.ID = %q, want %q (%v)", what, se.ID, id, err)
	}
	if se.Kind == nil || !errors.Is(err, se.Kind) {
		t.Errorf("%s: Error.Kind = %v is not matched by errors.Is", what, se.Kind)
	}
}

// mustSave saves every r or stops the test.
func mustSave(ctx context.Context, t testing.TB, st *stores.Store, rs ...*resultT) {
	t.Helper()
	for _, r := range rs {
		if err := st.Save(ctx, r); err != nil {
			t.Fatalf("Save(%q): %v", r.RunID, err)
		}
	}
}
