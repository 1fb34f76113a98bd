package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
)

// LargeSize is the least size of the document of the large result the suite
// round-trips.
const LargeSize = 10 << 20

func testLarge(ctx context.Context, t *testing.T, st *stores.Store) {
	if testing.Short() {
		t.Skip("the 10 MB result is skipped in -short mode")
	}
	// The results codec dominates the cost here (seconds under -race), so
	// the document is marshalled twice only: by Save, and from what Get
	// returned; field-by-field equality stands for the comparison of bytes.
	r := largeResult(t, "large-10mb", LargeSize)
	mustSave(ctx, t, st, r)
	got, err := st.Get(ctx, r.RunID)
	if err != nil {
		t.Fatalf("Get of a %d MB result: %v", LargeSize>>20, err)
	}
	sameFields(t, "Get(large)", r, got)
	doc, err := results.Marshal(got)
	if err != nil || len(doc) < LargeSize {
		t.Errorf("the large result read back marshals to %d bytes (%v), want at least %d", len(doc), err, LargeSize)
	}
	ids, err := st.ListIDs(ctx, &stores.Query{Tags: map[string]string{"size": "large"}})
	if err != nil || !slices.Equal(ids, []string{r.RunID}) {
		t.Errorf("ListIDs(size=large) = %q, %v", ids, err)
	}
	if ok, err := st.Delete(ctx, r.RunID); err != nil || !ok {
		t.Errorf("Delete(large) = %v, %v", ok, err)
	}
	wantEmpty(ctx, t, st, "after deleting the large result")
}

const (
	writers   = 8
	perWriter = 50
)

func testConcurrent(ctx context.Context, t *testing.T, st *stores.Store) {
	base := naive(2024, 7, 1, 0, 0, 0, 0)
	statuses := []results.Status{results.Success, results.Failure, results.Warning, results.Error}
	all := make([][]*resultT, writers)
	for g := range writers {
		for i := range perWriter {
			id := fmt.Sprintf("w%d-%03d", g, i)
			all[g] = append(all[g], newResult(t, id, fmt.Sprintf("asset-%d", g%4),
				base.Add(time.Duration(g*perWriter+i)*time.Second), statuses[i%4], map[string]string{"writer": fmt.Sprint(g)}))
		}
	}
	var (
		wg      sync.WaitGroup
		errMu   sync.Mutex
		errs    []string
		done    = make(chan struct{})
		readers sync.WaitGroup
	)
	fail := func(format string, args ...any) {
		errMu.Lock()
		defer errMu.Unlock()
		if len(errs) < 20 {
			errs = append(errs, fmt.Sprintf(format, args...))
		}
	}
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, r := range all[g] {
				if err := st.Save(ctx, r); err != nil {
					fail("Save(%q): %v", r.RunID, err)
				}
			}
		}()
	}
	for k := range 2 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				id := fmt.Sprintf("w%d-%03d", (i+k)%writers, i%perWriter)
				r, err := st.Get(ctx, id)
				switch {
				case errors.Is(err, stores.ErrNotFound):
				case err != nil:
					fail("concurrent Get(%q): %v", id, err)
				case r.RunID != id:
					fail("concurrent Get(%q) returned %q", id, r.RunID)
				}
				if _, err := st.Exists(ctx, id); err != nil {
					fail("concurrent Exists(%q): %v", id, err)
				}
				ids, err := st.ListIDs(ctx, &stores.Query{DataAsset: "asset-1", Limit: 10})
				if err != nil || len(ids) > 10 {
					fail("concurrent ListIDs: %d ids, %v", len(ids), err)
				}
				if n, err := st.Count(ctx, nil); err != nil || n > writers*perWriter {
					fail("concurrent Count = %d, %v", n, err)
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	readers.Wait()
	for _, e := range errs {
		t.Error(e)
	}
	if n, err := st.Count(ctx, nil); err != nil || n != writers*perWriter {
		t.Errorf("Count after %d concurrent saves = %d, %v", writers*perWriter, n, err)
	}
	for a := range 4 {
		if n, err := st.Count(ctx, &stores.Query{DataAsset: fmt.Sprintf("asset-%d", a)}); err != nil || n != writers*perWriter/4 {
			t.Errorf("Count(asset-%d) = %d, %v; want %d", a, n, err, writers*perWriter/4)
		}
	}
	wantFailures := 0
	for _, r := range all[3] {
		if r.Status == results.Failure {
			wantFailures++
		}
	}
	if n, err := st.Count(ctx, &stores.Query{Status: results.Failure, Tags: map[string]string{"writer": "3"}}); err != nil || n != wantFailures {
		t.Errorf("Count(failure, writer=3) = %d, %v; want %d", n, err, wantFailures)
	}
	ids, err := st.ListIDs(ctx, &stores.Query{Ascending: true})
	if err != nil {
		t.Fatalf("ListIDs: %v", err)
	}
	var want []string
	for g := range writers {
		for _, r := range all[g] {
			want = append(want, r.RunID)
		}
	}
	// The run times were given in the order of want.
	if !slices.Equal(ids, want) {
		t.Errorf("ListIDs after concurrent saves: %d ids, want %d in run-time order", len(ids), len(want))
	}
	for g := range writers {
		for _, r := range all[g] {
			got, err := st.Get(ctx, r.RunID)
			if err != nil {
				t.Errorf("Get(%q): %v", r.RunID, err)
				continue
			}
			if got.DataAsset != r.DataAsset || !got.RunTime.Equal(r.RunTime) || got.Status != r.Status {
				t.Errorf("Get(%q) = %s %s %s, want %s %s %s", r.RunID, got.DataAsset, results.FormatTime(got.RunTime),
					got.Status, r.DataAsset, results.FormatTime(r.RunTime), r.Status)
			}
		}
	}
}

// testConcurrentSameID saves versions of one id from several goroutines
// while others read it: every read sees one whole version, never a mix.
func testConcurrentSameID(ctx context.Context, t *testing.T, st *stores.Store) {
	const id = "contended"
	docs := map[string][]byte{}
	versions := make([]*resultT, writers)
	for g := range writers {
		r := newResult(t, id, fmt.Sprintf("v%d", g), naive(2024, 1, 1+g, 0, 0, 0, 0), results.Success, map[string]string{"v": fmt.Sprint(g)})
		r.Results[0].Message = ptr(strings.Repeat(fmt.Sprint(g), 1000+100*g))
		r = canonical(t, r)
		versions[g] = r
		doc, err := results.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		docs[r.DataAsset] = doc
	}
	var (
		wg    sync.WaitGroup
		errMu sync.Mutex
		errs  []string
	)
	fail := func(format string, args ...any) {
		errMu.Lock()
		defer errMu.Unlock()
		if len(errs) < 20 {
			errs = append(errs, fmt.Sprintf(format, args...))
		}
	}
	for g := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range 10 {
				if err := st.Save(ctx, versions[g]); err != nil {
					fail("Save version %d: %v", g, err)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range 10 {
				r, err := st.Get(ctx, id)
				if errors.Is(err, stores.ErrNotFound) {
					continue
				}
				if err != nil {
					fail("Get during concurrent saves: %v", err)
					continue
				}
				doc, err := results.Marshal(r)
				if want, ok := docs[r.DataAsset]; err != nil || !ok || !bytes.Equal(doc, want) {
					fail("Get during concurrent saves returned a document that is no saved version (asset %q)", r.DataAsset)
				}
			}
		}()
	}
	wg.Wait()
	for _, e := range errs {
		t.Error(e)
	}
	if n, err := st.Count(ctx, nil); err != nil || n != 1 {
		t.Errorf("Count = %d, %v; want 1", n, err)
	}
	r, err := st.Get(ctx, id)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if doc, _ := results.Marshal(r); !bytes.Equal(doc, docs[r.DataAsset]) {
		t.Errorf("final document is no saved version (asset %q)", r.DataAsset)
	}
	// The index agrees with the body that won.
	ids, err := st.ListIDs(ctx, &stores.Query{DataAsset: r.DataAsset, Tags: map[string]string{"v": r.Tags["v"]}})
	if err != nil || !slices.Equal(ids, []string{id}) {
		t.Errorf("the index does not match the stored version %q: ListIDs = %q, %v", r.DataAsset, ids, err)
	}
}

// testdataDir returns the shared test data folder: $TRUTHOUND_TESTDATA, or
// the first folder shared/testdata found walking up from the working
// directory. When there is none, it fails the test if $CI is set and skips it
// otherwise.
func testdataDir(t testing.TB) string {
	t.Helper()
	isDir := func(p string) bool {
		fi, err := os.Stat(p)
		return err == nil && fi.IsDir()
	}
	if d := os.Getenv("TRUTHOUND_TESTDATA"); d != "" {
		if isDir(d) {
			return d
		}
		missing(t, fmt.Sprintf("TRUTHOUND_TESTDATA=%s is not a folder", d))
		return ""
	}
	dir, err := os.Getwd()
	if err == nil {
		for {
			if c := filepath.Join(dir, "shared", "testdata"); isDir(c) {
				return c
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	missing(t, "no shared/testdata above the working directory and TRUTHOUND_TESTDATA is not set")
	return ""
}

func missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("test data missing: %s", why)
	}
	t.Skipf("test data missing (%s); set TRUTHOUND_TESTDATA to run this test", why)
}

// upstreamResults lists what the fixtures of the original hold.
var upstreamResults = []struct{ id, asset string }{
	{"custom-id.with.dots", "s3://bucket/path/data.csv"},
	{"run_20240102_030405_a1b2c3d4", "customers.csv"},
	{"run_20240103_000000_00000000", "orders.parquet"},
	{"run_20240104_120000_deadbeef", "customers.csv"},
}

// testUpstream saves the results written by the Python original, reads them
// back and checks they are the same, field by field and byte for byte.
func testUpstream(ctx context.Context, t *testing.T, st *stores.Store) {
	dir := filepath.Join(testdataDir(t), "upstream", "fs-plain", "default", "validations")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	files = slices.DeleteFunc(files, func(f string) bool { return filepath.Base(f) == "_index.json" })
	if len(files) != len(upstreamResults) {
		t.Fatalf("found %d fixtures in %s, want %d", len(files), dir, len(upstreamResults))
	}
	docs := map[string][]byte{}
	want := map[string]*resultT{}
	for _, f := range files {
		doc, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := results.Unmarshal(doc)
		if err != nil {
			t.Fatalf("results.Unmarshal(%s): %v", filepath.Base(f), err)
		}
		if again, err := results.Marshal(r); err != nil || !bytes.Equal(again, doc) {
			t.Errorf("%s: the results codec does not reproduce the original's file (err %v)", filepath.Base(f), err)
		}
		if name := strings.TrimSuffix(filepath.Base(f), ".json"); r.RunID != name {
			t.Errorf("%s holds run_id %q", filepath.Base(f), r.RunID)
		}
		docs[r.RunID], want[r.RunID] = doc, r
		mustSave(ctx, t, st, r)
	}
	for _, u := range upstreamResults {
		w := want[u.id]
		if w == nil {
			t.Errorf("no fixture for %q", u.id)
			continue
		}
		if w.DataAsset != u.asset {
			t.Errorf("fixture %q has data asset %q, want %q", u.id, w.DataAsset, u.asset)
		}
		fresh, err := results.Unmarshal(docs[u.id])
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.Get(ctx, u.id)
		if err != nil {
			t.Errorf("Get(%q): %v", u.id, err)
			continue
		}
		sameResult(t, "Get("+u.id+")", fresh, got)
		if doc, err := results.Marshal(got); err != nil || !bytes.Equal(doc, docs[u.id]) {
			t.Errorf("Get(%q) does not marshal to the original's file: %v\n%s", u.id, err, firstDiff(doc, docs[u.id]))
		}
	}
	for _, c := range []struct {
		q    stores.Query
		want []string
	}{
		{stores.Query{}, []string{"run_20240104_120000_deadbeef", "run_20240103_000000_00000000", "run_20240102_030405_a1b2c3d4", "custom-id.with.dots"}},
		{stores.Query{DataAsset: "customers.csv"}, []string{"run_20240104_120000_deadbeef", "run_20240102_030405_a1b2c3d4"}},
		{stores.Query{Status: results.Failure}, []string{"run_20240102_030405_a1b2c3d4"}},
		{stores.Query{Status: results.Error}, []string{"custom-id.with.dots"}},
		{stores.Query{Status: results.Warning}, []string{"run_20240104_120000_deadbeef"}},
		{stores.Query{Tags: map[string]string{"env": "prod"}}, []string{"run_20240102_030405_a1b2c3d4"}},
		{stores.Query{Start: naive(2024, 1, 1, 0, 0, 0, 0), End: naive(2024, 1, 3, 0, 0, 0, 0)}, []string{"run_20240103_000000_00000000", "run_20240102_030405_a1b2c3d4"}},
	} {
		checkQuery(ctx, t, st, &c.q, c.want, len(c.want), true)
	}
}

func newSuite(t testing.TB, name, asset string) *results.ExpectationSuite {
	t.Helper()
	s := &results.ExpectationSuite{
		Name:      name,
		DataAsset: asset,
		Expectations: []results.Expectation{
			{ExpectationType: "expect_column_values_to_not_be_null", Column: ptr("email"),
				Kwargs: map[string]any{"mostly": 0.95}, Meta: map[string]any{"note": "é✓"}, Enabled: true, Mostly: 0.95},
			{ExpectationType: "expect_table_row_count_to_be_between",
				Kwargs: map[string]any{"min_value": 1, "max_value": 1000}, Meta: map[string]any{}, Enabled: false, Mostly: 1},
		},
		Meta:      map[string]any{"owner": "dq"},
		CreatedAt: naive(2024, 1, 1, 0, 0, 0, 0),
		UpdatedAt: aware(2024, 1, 2, 3, 4, 5, 6, 1),
		Tags:      map[string]string{"env": "prod"},
	}
	doc, err := results.MarshalSuite(s)
	if err != nil {
		t.Fatalf("results.MarshalSuite(%q): %v", name, err)
	}
	c, err := results.UnmarshalSuite(doc)
	if err != nil {
		t.Fatalf("results.UnmarshalSuite of %q: %v", name, err)
	}
	return c
}

func sameSuite(t testing.TB, what string, want, got *results.ExpectationSuite) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: nil suite", what)
		return
	}
	if got.Name != want.Name || got.DataAsset != want.DataAsset || len(got.Expectations) != len(want.Expectations) {
		t.Errorf("%s: got suite %q of %q with %d expectations, want %q of %q with %d", what,
			got.Name, got.DataAsset, len(got.Expectations), want.Name, want.DataAsset, len(want.Expectations))
	}
	gd, err1 := results.MarshalSuite(got)
	wd, err2 := results.MarshalSuite(want)
	if err1 != nil || err2 != nil || !bytes.Equal(gd, wd) {
		t.Errorf("%s: the suite read back differs from the one saved (%v, %v)\n%s", what, err1, err2, firstDiff(gd, wd))
	}
}

func testSuiteCRUD(ctx context.Context, t *testing.T, es *stores.Expectations) {
	s := newSuite(t, "customer_suite", "customers.csv")
	if ok, err := es.Exists(ctx, s.Name); err != nil || ok {
		t.Fatalf("Exists before Save = %v, %v", ok, err)
	}
	if err := es.Save(ctx, s); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if ok, err := es.Exists(ctx, s.Name); err != nil || !ok {
		t.Fatalf("Exists after Save = %v, %v", ok, err)
	}
	got, err := es.Get(ctx, s.Name)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	sameSuite(t, "Get", s, got)
	s2 := newSuite(t, "customer_suite", "customers_v2.csv")
	s2.Expectations = s2.Expectations[:1]
	if err := es.Save(ctx, s2); err != nil {
		t.Fatalf("Save (replace): %v", err)
	}
	got, err = es.Get(ctx, s.Name)
	if err != nil {
		t.Fatalf("Get after replace: %v", err)
	}
	sameSuite(t, "Get after replace", s2, got)
	other := newSuite(t, "another", "x")
	if err := es.Save(ctx, other); err != nil {
		t.Fatalf("Save(another): %v", err)
	}
	if names, err := es.List(ctx); err != nil || !slices.Equal(names, []string{"another", "customer_suite"}) {
		t.Errorf("List = %q, %v; want [another customer_suite]", names, err)
	}
	if ok, err := es.Delete(ctx, s.Name); err != nil || !ok {
		t.Errorf("Delete = %v, %v; want true", ok, err)
	}
	if ok, err := es.Delete(ctx, s.Name); err != nil || ok {
		t.Errorf("second Delete = %v, %v; want false", ok, err)
	}
	_, err = es.Get(ctx, s.Name)
	wantErr(t, "Get after Delete", err, stores.ErrNotFound, "get", s.Name)
	if ok, err := es.Exists(ctx, s.Name); err != nil || ok {
		t.Errorf("Exists after Delete = %v, %v", ok, err)
	}
	if names, err := es.List(ctx); err != nil || !slices.Equal(names, []string{"another"}) {
		t.Errorf("List after Delete = %q, %v; want [another]", names, err)
	}
	wantErr(t, "Save(nil)", es.Save(ctx, nil), stores.ErrInvalid, "save", "")
}

func testSuiteNames(ctx context.Context, t *testing.T, es *stores.Expectations) {
	for _, name := range []string{"team/orders", `win\suite`, "données ✓ 数据", "with.dots.v2"} {
		if err := es.Save(ctx, newSuite(t, name, "a")); err != nil {
			t.Fatalf("Save(%q): %v", name, err)
		}
	}
	names, err := es.List(ctx)
	if want := []string{"donn\u00e9es ✓ 数据", "team_orders", "win_suite", "with.dots.v2"}; err != nil || !slices.Equal(names, want) {
		t.Errorf("List = %q, %v; want %q", names, err, want)
	}
	// A name and its mapped form reach the same suite, as in the original.
	for _, name := range []string{"team/orders", "team_orders", `team\orders`} {
		got, err := es.Get(ctx, name)
		if err != nil {
			t.Errorf("Get(%q): %v", name, err)
			continue
		}
		if got.Name != "team/orders" {
			t.Errorf("Get(%q).Name = %q, want team/orders", name, got.Name)
		}
	}
	for _, name := range []string{"", ".", "..", "../x", ".hidden", "a\x00b", "\n", strings.Repeat("s", 256), "\xff"} {
		s := newSuite(t, "placeholder", "a")
		s.Name = name
		wantErr(t, "Save("+quote(name)+")", es.Save(ctx, s), stores.ErrInvalid, "save", name)
		_, err := es.Get(ctx, name)
		wantErr(t, "Get("+quote(name)+")", err, stores.ErrInvalid, "get", name)
		_, err = es.Exists(ctx, name)
		wantErr(t, "Exists("+quote(name)+")", err, stores.ErrInvalid, "exists", name)
		_, err = es.Delete(ctx, name)
		wantErr(t, "Delete("+quote(name)+")", err, stores.ErrInvalid, "delete", name)
	}
	if after, err := es.List(ctx); err != nil || !slices.Equal(after, names) {
		t.Errorf("List after hostile names = %q, %v; want %q", after, err, names)
	}
}

func testSuiteClosed(ctx context.Context, t *testing.T, es *stores.Expectations) {
	s := newSuite(t, "s", "a")
	if err := es.Save(ctx, s); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if err := es.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := es.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	check := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, stores.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", what, err)
		}
	}
	check("Save", es.Save(ctx, s))
	_, err := es.Get(ctx, "s")
	check("Get", err)
	_, err = es.Exists(ctx, "s")
	check("Exists", err)
	_, err = es.Delete(ctx, "s")
	check("Delete", err)
	_, err = es.List(ctx)
	check("List", err)
}
