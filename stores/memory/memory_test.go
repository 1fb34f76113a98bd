package memory_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
	"github.com/truthound/truthound-go/stores/driver"
	"github.com/truthound/truthound-go/stores/memory"
	"github.com/truthound/truthound-go/stores/storetest"
)

type harness struct {
	opts memory.Options
	st   *stores.Store
}

func (h *harness) MakeStore(_ context.Context, _ testing.TB) (*stores.Store, error) {
	s, err := memory.New(h.opts)
	if err != nil {
		return nil, err
	}
	h.st = s.Store
	return s.Store, nil
}

func (h *harness) MakeExpectations(_ context.Context, _ testing.TB) (*stores.Expectations, error) {
	return memory.NewExpectations(h.opts)
}

// Snapshot lists every record the driver holds, body included.
func (h *harness) Snapshot(ctx context.Context, _ testing.TB) ([]string, error) {
	d := h.st.Driver()
	var out []string
	for m, err := range d.Scan(ctx, &driver.Filter{}) {
		if err != nil {
			return nil, err
		}
		r, err := d.Get(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("%s %q %s %x", m.ID, r.Encoding, results.FormatTime(m.RunTime), r.Body))
	}
	return out, nil
}

func (*harness) Close() {}

var _ storetest.Snapshotter = (*harness)(nil)

func maker(opts memory.Options) storetest.HarnessMaker {
	return func(context.Context, testing.TB) (storetest.Harness, error) { return &harness{opts: opts}, nil }
}

func TestConformance(t *testing.T) {
	storetest.RunConformanceTests(t, maker(memory.Options{}))
}

// TestConformanceGzip runs the suite again over gzip bodies (the original's
// compression=True); the portable layer's codec is under test here as much
// as the memory driver. zstd bodies are checked by TestCompressionStored and
// the tests of package stores.
func TestConformanceGzip(t *testing.T) {
	if testing.Short() {
		t.Skip("the compressed variant is skipped in -short mode")
	}
	storetest.RunConformanceTests(t, maker(memory.Options{Compression: driver.Gzip}))
}

func BenchmarkMemory(b *testing.B) {
	storetest.RunBenchmarks(b, maker(memory.Options{}))
}

func BenchmarkMemoryZstd(b *testing.B) {
	storetest.RunBenchmarks(b, maker(memory.Options{Compression: driver.Zstd}))
}

func result(id, asset string, rt time.Time) *results.ValidationResult {
	return &results.ValidationResult{RunID: id, DataAsset: asset, RunTime: rt, Status: results.Success}
}

func day(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, results.NaiveZone) }

func ids(t *testing.T, st *stores.Store) []string {
	t.Helper()
	out, err := st.ListIDs(context.Background(), &stores.Query{OrderBy: stores.ByRunID, Ascending: true})
	if err != nil {
		t.Fatalf("ListIDs: %v", err)
	}
	return out
}

func TestMaxItemsEvictsOldestRunTime(t *testing.T) {
	ctx := context.Background()
	st, err := memory.New(memory.Options{MaxItems: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// Saved out of run-time order: "b" is the oldest.
	for _, r := range []*results.ValidationResult{result("a", "x", day(5)), result("b", "x", day(1)), result("c", "x", day(3))} {
		if err := st.Save(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Save(ctx, result("d", "x", day(4))); err != nil {
		t.Fatal(err)
	}
	if got, want := ids(t, st.Store), []string{"a", "c", "d"}; !slices.Equal(got, want) {
		t.Errorf("after a 4th save: %q, want %q (oldest run time evicted)", got, want)
	}
	// Replacing an id held evicts nothing, even when its new time is oldest.
	if err := st.Save(ctx, result("a", "x", day(2))); err != nil {
		t.Fatal(err)
	}
	if got, want := ids(t, st.Store), []string{"a", "c", "d"}; !slices.Equal(got, want) {
		t.Errorf("after replacing a: %q, want %q", got, want)
	}
	if err := st.Save(ctx, result("e", "x", day(9))); err != nil {
		t.Fatal(err)
	}
	if got, want := ids(t, st.Store), []string{"c", "d", "e"}; !slices.Equal(got, want) {
		t.Errorf("after e: %q, want %q (a, now at day 2, was oldest)", got, want)
	}
	if st.Len() != 3 {
		t.Errorf("Len = %d, want 3", st.Len())
	}
	if _, err := st.Get(ctx, "a"); !errors.Is(err, stores.ErrNotFound) {
		t.Errorf("Get(evicted) = %v, want ErrNotFound", err)
	}
}

func TestMaxItemsTiesEvictSmallestID(t *testing.T) {
	ctx := context.Background()
	st, err := memory.New(memory.Options{MaxItems: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// Naive and aware times at the same instant are a tie.
	aware := time.Date(2024, 1, 1, 2, 0, 0, 0, time.FixedZone("", 2*3600))
	for _, r := range []*results.ValidationResult{result("n", "x", day(1)), result("m", "x", aware), result("z", "x", day(2))} {
		if err := st.Save(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := ids(t, st.Store), []string{"n", "z"}; !slices.Equal(got, want) {
		t.Errorf("ids = %q, want %q", got, want)
	}
}

func TestClear(t *testing.T) {
	ctx := context.Background()
	st, err := memory.New(memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := range 5 {
		if err := st.Save(ctx, result(fmt.Sprint("r", i), "x", day(i+1))); err != nil {
			t.Fatal(err)
		}
	}
	if st.Len() != 5 {
		t.Fatalf("Len = %d, want 5", st.Len())
	}
	st.Clear()
	if n, err := st.Count(ctx, nil); err != nil || n != 0 || st.Len() != 0 {
		t.Errorf("after Clear: Count = %d, %v, Len = %d; want 0", n, err, st.Len())
	}
	if err := st.Save(ctx, result("again", "x", day(1))); err != nil {
		t.Fatalf("Save after Clear: %v", err)
	}
	if ok, err := st.Exists(ctx, "again"); err != nil || !ok {
		t.Errorf("Exists after Clear and Save = %v, %v", ok, err)
	}
}

func TestNegativeMaxItems(t *testing.T) {
	if _, err := memory.New(memory.Options{MaxItems: -1}); !errors.Is(err, stores.ErrInvalid) {
		t.Errorf("New(MaxItems -1) = %v, want ErrInvalid", err)
	}
	if _, err := memory.NewExpectations(memory.Options{MaxItems: -1}); !errors.Is(err, stores.ErrInvalid) {
		t.Errorf("NewExpectations(MaxItems -1) = %v, want ErrInvalid", err)
	}
}

func TestOpenURL(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"mem://", "mem:", "MEM://", "mem:///", "mem://?max_items=0", "mem://?compression=none",
		"mem://?compression=gzip", "mem://?compression=zstd&max_items=10", "memory://"} {
		t.Run(u, func(t *testing.T) {
			st, err := stores.Open(ctx, u)
			if u == "memory://" {
				// The original's name is an alias for Available, not a scheme.
				if !errors.Is(err, stores.ErrInvalid) {
					t.Fatalf("Open(%q) = %v, want ErrInvalid", u, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%q): %v", u, err)
			}
			defer st.Close()
			if st.Backend() != "memory" {
				t.Errorf("Backend() = %q, want memory", st.Backend())
			}
			if err := st.Save(ctx, result("r1", "x", day(1))); err != nil {
				t.Fatalf("Save: %v", err)
			}
			if got, err := st.Get(ctx, "r1"); err != nil || got.RunID != "r1" {
				t.Errorf("Get = %v, %v", got, err)
			}
		})
	}
}

func TestOpenURLMaxItems(t *testing.T) {
	ctx := context.Background()
	st, err := stores.Open(ctx, "mem://?max_items=2")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := range 4 {
		if err := st.Save(ctx, result(fmt.Sprint("r", i), "x", day(i+1))); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := ids(t, st), []string{"r2", "r3"}; !slices.Equal(got, want) {
		t.Errorf("mem://?max_items=2 holds %q, want %q", got, want)
	}
}

func TestOpenURLErrors(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct{ url, mention string }{
		{"mem://?bogus=1", "bogus"},
		{"mem://?max_items=3&colour=red&bogus=1", "bogus, colour"},
		{"mem://?max_items=-1", "max_items"},
		{"mem://?max_items=many", "max_items"},
		{"mem://?compression=lz9", "lz9"},
		{"mem://host", "host"},
		{"mem:///some/path", "/some/path"},
	} {
		st, err := stores.Open(ctx, c.url)
		if err == nil {
			st.Close()
			t.Errorf("Open(%q) succeeded, want an error", c.url)
			continue
		}
		if !errors.Is(err, stores.ErrInvalid) {
			t.Errorf("Open(%q) = %v, want ErrInvalid", c.url, err)
		}
		var se *stores.Error
		if !errors.As(err, &se) || se.Op != "open" {
			t.Errorf("Open(%q) = %v (%T), want a *stores.Error with Op open", c.url, err, err)
		}
		if !strings.Contains(err.Error(), c.mention) {
			t.Errorf("Open(%q) = %q, which does not name %q", c.url, err, c.mention)
		}
		es, err := stores.OpenExpectations(ctx, c.url)
		if !errors.Is(err, stores.ErrInvalid) {
			if es != nil {
				es.Close()
			}
			t.Errorf("OpenExpectations(%q) = %v, want ErrInvalid", c.url, err)
		}
	}
}

func TestOpenExpectationsURL(t *testing.T) {
	ctx := context.Background()
	es, err := stores.OpenExpectations(ctx, "mem://?compression=zstd")
	if err != nil {
		t.Fatal(err)
	}
	defer es.Close()
	s := &results.ExpectationSuite{Name: "team/suite", DataAsset: "a.csv", Expectations: []results.Expectation{
		{ExpectationType: "expect_column_to_exist", Column: new(string), Enabled: true, Mostly: 1}}}
	if err := es.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	names, err := es.List(ctx)
	if err != nil || !slices.Equal(names, []string{"team_suite"}) {
		t.Errorf("List = %q, %v", names, err)
	}
	got, err := es.Get(ctx, "team/suite")
	if err != nil || got.DataAsset != "a.csv" || len(got.Expectations) != 1 {
		t.Errorf("Get = %+v, %v", got, err)
	}
}

// TestCompressionStored checks the bodies kept are encoded as asked and read
// back whatever the store's own setting.
func TestCompressionStored(t *testing.T) {
	ctx := context.Background()
	magic := map[driver.Encoding][]byte{
		driver.Identity: []byte("{\n  \"run_id\""),
		driver.Gzip:     {0x1f, 0x8b},
		driver.Zstd:     {0x28, 0xb5, 0x2f, 0xfd},
	}
	for enc, prefix := range magic {
		t.Run("enc="+string(enc), func(t *testing.T) {
			st, err := memory.New(memory.Options{Compression: enc})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			r := result("r", "x", day(1))
			r.Metadata = map[string]any{"pad": strings.Repeat("compressible ", 500)}
			if err := st.Save(ctx, r); err != nil {
				t.Fatal(err)
			}
			rec, err := st.Driver().Get(ctx, "r")
			if err != nil {
				t.Fatal(err)
			}
			if rec.Encoding != enc || !bytes.HasPrefix(rec.Body, prefix) {
				t.Errorf("stored encoding %q, body starts % x; want %q starting % x", rec.Encoding, rec.Body[:4], enc, prefix)
			}
			doc, _ := results.Marshal(r)
			if enc != driver.Identity && len(rec.Body) >= len(doc)/4 {
				t.Errorf("%s body is %d bytes for a %d-byte document", enc, len(rec.Body), len(doc))
			}
			got, err := st.Get(ctx, "r")
			if err != nil {
				t.Fatal(err)
			}
			if again, _ := results.Marshal(got); !bytes.Equal(again, doc) {
				t.Errorf("document read back differs")
			}
		})
	}
}

// TestCorruptBody checks a body that does not decode gives ErrRead on Get
// and does not hide the other results from Query.
func TestCorruptBody(t *testing.T) {
	ctx := context.Background()
	d, err := memory.NewDriver(memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st := stores.New(d, nil)
	defer st.Close()
	for i, name := range []string{"good1", "good2"} {
		if err := st.Save(ctx, result(name, "x", day(i+1))); err != nil {
			t.Fatal(err)
		}
	}
	bad := []*driver.Record{
		{Meta: driver.Meta{ID: "not-json", DataAsset: "x", RunTime: day(5), Status: "success"}, Body: []byte("{nope")},
		{Meta: driver.Meta{ID: "bad-gzip", DataAsset: "x", RunTime: day(6), Status: "success"}, Body: []byte("not gzip"), Encoding: driver.Gzip},
		{Meta: driver.Meta{ID: "bad-status", DataAsset: "x", RunTime: day(7), Status: "success"},
			Body: []byte(`{"run_id": "bad-status", "run_time": "2024-01-07T00:00:00", "data_asset": "x", "status": "passed"}`)},
		{Meta: driver.Meta{ID: "other-id", DataAsset: "x", RunTime: day(8), Status: "success"},
			Body: []byte(`{"run_id": "good1", "run_time": "2024-01-07T00:00:00", "data_asset": "x", "status": "success"}`)},
	}
	for _, rec := range bad {
		if err := d.Put(ctx, rec); err != nil {
			t.Fatal(err)
		}
		_, err := st.Get(ctx, rec.ID)
		if !errors.Is(err, stores.ErrRead) {
			t.Errorf("Get(%s) = %v, want ErrRead", rec.ID, err)
		}
		var se *stores.Error
		if !errors.As(err, &se) || se.ID != rec.ID || se.Op != "get" || se.Backend != "memory" {
			t.Errorf("Get(%s) error = %#v, want a *stores.Error naming get, memory and the id", rec.ID, se)
		}
	}
	rs, err := st.Query(ctx, nil)
	if !errors.Is(err, stores.ErrRead) {
		t.Errorf("Query over corrupt bodies: err = %v, want ErrRead", err)
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.RunID)
	}
	if want := []string{"good2", "good1"}; !slices.Equal(got, want) {
		t.Errorf("Query returned %q with its error, want the readable %q", got, want)
	}
	if n, err := st.Count(ctx, nil); err != nil || n != 6 {
		t.Errorf("Count = %d, %v; want 6 (counting reads no bodies)", n, err)
	}
	nerr := 0
	for _, err := range st.Iter(ctx, nil) {
		if err != nil {
			nerr++
		}
	}
	if nerr != len(bad) {
		t.Errorf("Iter yielded %d errors, want %d (one per corrupt body, iteration goes on)", nerr, len(bad))
	}
}

func TestDriverClosed(t *testing.T) {
	ctx := context.Background()
	d, err := memory.NewDriver(memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Put(ctx, &driver.Record{Meta: driver.Meta{ID: "a"}, Body: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if d.Len() != 0 {
		t.Errorf("Len after Close = %d", d.Len())
	}
	if _, err := d.Get(ctx, "a"); !errors.Is(err, driver.ErrClosed) {
		t.Errorf("Get after Close = %v", err)
	}
	if err := d.Put(ctx, &driver.Record{Meta: driver.Meta{ID: "b"}}); !errors.Is(err, driver.ErrClosed) {
		t.Errorf("Put after Close = %v", err)
	}
	if _, err := d.Count(ctx, &driver.Filter{}); !errors.Is(err, driver.ErrClosed) {
		t.Errorf("Count after Close = %v", err)
	}
	for _, err := range d.Scan(ctx, &driver.Filter{}) {
		if !errors.Is(err, driver.ErrClosed) {
			t.Errorf("Scan after Close = %v", err)
		}
	}
	if d.Describe() != "memory" {
		t.Errorf("Describe = %q", d.Describe())
	}
}
