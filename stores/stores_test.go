package stores_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
	"github.com/truthound/truthound-go/stores/driver"
	"github.com/truthound/truthound-go/stores/memory"
)

func TestValidateID(t *testing.T) {
	valid := []string{
		"run_20240102_030405_a1b2c3d4", "custom-id.with.dots", "a", "_", "a..b", "x.", "id with spaces",
		"résumé-✓-数据", "🚀", "_index2", "index", "a:b", "C:x", "a%2Fb", strings.Repeat("z", stores.MaxIDLength),
		strings.Repeat("é", stores.MaxIDLength/2),
	}
	for _, id := range valid {
		if err := stores.ValidateID(id); err != nil {
			t.Errorf("ValidateID(%q) = %v, want nil", id, err)
		}
	}
	invalid := []struct{ id, why string }{
		{"", "empty"},
		{".", "starts with '.'"},
		{"..", "starts with '.'"},
		{".hidden", "starts with '.'"},
		{"../x", "starts with '.'"},
		{"/abs", "path separator"},
		{"a/b", "path separator"},
		{`a\b`, "path separator"},
		{"x/", "path separator"},
		{"a\x00b", "control character"},
		{"\n", "control character"},
		{"a\tb", "control character"},
		{"a\x7f", "control character"},
		{"a\u0085", "control character"},
		{"a\u009f", "control character"},
		{strings.Repeat("z", stores.MaxIDLength+1), "256 bytes"},
		{strings.Repeat("é", 128), "256 bytes"},
		{"\xff", "UTF-8"},
		{"ab\xc3", "UTF-8"},
		{"\xed\xa0\x80", "UTF-8"}, // a UTF-16 surrogate encoded in UTF-8
		{"_index", "reserved"},
		{"_INDEX", "reserved"},
		{"_journal", "reserved"},
	}
	for _, c := range invalid {
		err := stores.ValidateID(c.id)
		if !errors.Is(err, stores.ErrInvalid) {
			t.Errorf("ValidateID(%q) = %v, want ErrInvalid", c.id, err)
			continue
		}
		if !strings.Contains(err.Error(), c.why) {
			t.Errorf("ValidateID(%q) = %q, want it to say %q", c.id, err, c.why)
		}
	}
}

func TestSuiteFileName(t *testing.T) {
	for in, want := range map[string]string{
		"suite": "suite", "team/orders": "team_orders", `a\b/c`: "a_b_c", "/": "_", "données": "données",
	} {
		if got := stores.SuiteFileName(in); got != want {
			t.Errorf("SuiteFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct{ url, mention string }{
		{"nosuch://bucket/x", `"nosuch"`},
		{"NoSuch://bucket/x", "NoSuch"},
		{"relative/path", "no scheme"},
		{"", "no scheme"},
		{"/abs/path", "no scheme"},
		{"://missing", "missing protocol scheme"},
		{"mem://%zz", "invalid URL escape"},
		{"file://a b\x7f", "invalid control character"},
	} {
		st, err := stores.Open(ctx, c.url)
		if err == nil {
			st.Close()
			t.Errorf("Open(%q) succeeded", c.url)
			continue
		}
		if !errors.Is(err, stores.ErrInvalid) {
			t.Errorf("Open(%q) = %v, want ErrInvalid", c.url, err)
		}
		var se *stores.Error
		if !errors.As(err, &se) || se.Op != "open" || se.Kind != stores.ErrInvalid {
			t.Errorf("Open(%q) = %#v, want a *stores.Error{Op: open, Kind: ErrInvalid}", c.url, err)
		}
		if !strings.Contains(err.Error(), c.mention) {
			t.Errorf("Open(%q) = %q, want it to mention %q", c.url, err, c.mention)
		}
		if c.mention == `"nosuch"` && !strings.Contains(err.Error(), "mem://") {
			t.Errorf("Open(%q) = %q, want it to list the known schemes", c.url, err)
		}
		if _, err := stores.OpenExpectations(ctx, c.url); !errors.Is(err, stores.ErrInvalid) {
			t.Errorf("OpenExpectations(%q) = %v, want ErrInvalid", c.url, err)
		}
	}
}

func TestBackendsAndAvailable(t *testing.T) {
	b := stores.Backends()
	if !slices.Contains(b, "mem") {
		t.Errorf("Backends() = %q, want it to list mem (imported)", b)
	}
	if !slices.IsSorted(b) {
		t.Errorf("Backends() = %q is not sorted", b)
	}
	for _, name := range []string{"mem", "memory", "MEM", "Memory"} {
		if !stores.Available(name) {
			t.Errorf("Available(%q) = false", name)
		}
	}
	for _, name := range []string{"", "nosuch", "mem://", "redis-not-imported"} {
		if stores.Available(name) {
			t.Errorf("Available(%q) = true", name)
		}
	}
}

// customOpener is a backend registered by a test, as a user's own backend
// would be: it accepts one option of its own and the portable ones.
type customOpener struct {
	calls       atomic.Int32
	collections []driver.Collection
	urls        []string
}

func (o *customOpener) open(_ context.Context, u *url.URL, c driver.Collection) (driver.Driver, stores.Options, error) {
	o.calls.Add(1)
	o.collections = append(o.collections, c)
	o.urls = append(o.urls, u.String())
	popts, rest, err := stores.ParseOptions(u.Query())
	if err != nil {
		return nil, popts, err
	}
	if err := stores.UnknownParams(rest, "fail"); err != nil {
		return nil, popts, err
	}
	if rest.Get("fail") == "connect" {
		return nil, popts, fmt.Errorf("%w: cannot reach %s", stores.ErrConnection, u.Host)
	}
	if rest.Get("fail") == "plain" {
		return nil, popts, errors.New("something else went wrong")
	}
	popts.Backend = "custom"
	d, err := memory.NewDriver(memory.Options{})
	return d, popts, err
}

var custom = &customOpener{}

func init() { stores.Register("Custom-Test", custom.open) }

func TestRegisterCustomScheme(t *testing.T) {
	ctx := context.Background()
	if !slices.Contains(stores.Backends(), "custom-test") || !stores.Available("custom-test") {
		t.Fatalf("custom-test not listed: Backends() = %q", stores.Backends())
	}
	st, err := stores.Open(ctx, "custom-test://host/x?compression=zstd")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer st.Close()
	if st.Backend() != "custom" {
		t.Errorf("Backend() = %q, want custom", st.Backend())
	}
	r := newResult("r1", "a", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), results.Failure)
	if err := st.Save(ctx, r); err != nil {
		t.Fatal(err)
	}
	rec, err := st.Driver().Get(ctx, "r1")
	if err != nil || rec.Encoding != driver.Zstd {
		t.Errorf("raw record: encoding %v, %v; want zstd as the URL asked", rec.Encoding, err)
	}
	es, err := stores.OpenExpectations(ctx, "CUSTOM-TEST://host/y")
	if err != nil {
		t.Fatalf("OpenExpectations: %v", err)
	}
	es.Close()
	if n := len(custom.collections); n < 2 || custom.collections[n-2] != driver.Results || custom.collections[n-1] != driver.Expectations {
		t.Errorf("the opener was asked for collections %q, want results then expectations", custom.collections)
	}

	for _, c := range []struct {
		url  string
		kind error
		say  string
	}{
		{"custom-test://h?fail=connect", stores.ErrConnection, "cannot reach h"},
		{"custom-test://h?fail=plain", stores.ErrConnection, "something else"},
		{"custom-test://h?colour=red", stores.ErrInvalid, "colour"},
		{"custom-test://h?compression=rar", stores.ErrInvalid, `"rar"`},
	} {
		_, err := stores.Open(ctx, c.url)
		if !errors.Is(err, c.kind) {
			t.Errorf("Open(%q) = %v, want %v", c.url, err, c.kind)
		} else if !strings.Contains(err.Error(), c.say) {
			t.Errorf("Open(%q) = %q, want it to say %q", c.url, err, c.say)
		}
	}
}

func TestRegisterPanics(t *testing.T) {
	for name, fn := range map[string]func(){
		"duplicate":           func() { stores.Register("mem", custom.open) },
		"duplicate, any case": func() { stores.Register("CUSTOM-test", custom.open) },
		"empty scheme":        func() { stores.Register("", custom.open) },
		"nil opener":          func() { stores.Register("nil-opener", nil) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Register did not panic")
				}
			}()
			fn()
		})
	}
	if stores.Available("nil-opener") {
		t.Errorf("a panicking Register left nil-opener registered")
	}
}

func newResult(id, asset string, rt time.Time, st results.Status) *results.ValidationResult {
	return &results.ValidationResult{
		RunID: id, DataAsset: asset, RunTime: rt, Status: st,
		Results: []results.ValidatorResult{{ValidatorName: "not_null", Column: ptr("email"), Count: 3,
			Severity: results.High, Message: ptr(strings.Repeat("null values found; ", 40))}},
		Tags: map[string]string{"env": "prod"},
	}
}

func ptr[T any](v T) *T { return &v }

var magics = map[driver.Encoding][]byte{
	driver.Identity: []byte("{"),
	driver.Gzip:     {0x1f, 0x8b},
	driver.Zstd:     {0x28, 0xb5, 0x2f, 0xfd},
}

func TestCompressionURLRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		opt  string
		want driver.Encoding
	}{
		{"", driver.Identity}, {"none", driver.Identity}, {"false", driver.Identity}, {"off", driver.Identity},
		{"gzip", driver.Gzip}, {"gz", driver.Gzip}, {"true", driver.Gzip}, {"zstd", driver.Zstd}, {"zst", driver.Zstd},
	} {
		t.Run("compression="+c.opt, func(t *testing.T) {
			st, err := stores.Open(ctx, "mem://?compression="+c.opt)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			r := newResult("r", "a.csv", time.Date(2024, 1, 2, 3, 4, 5, 6000, results.NaiveZone), results.Failure)
			if err := st.Save(ctx, r); err != nil {
				t.Fatal(err)
			}
			rec, err := st.Driver().Get(ctx, "r")
			if err != nil {
				t.Fatal(err)
			}
			if rec.Encoding != c.want || !bytes.HasPrefix(rec.Body, magics[c.want]) {
				t.Errorf("stored %q body % x..., want %q", rec.Encoding, rec.Body[:4], c.want)
			}
			doc, err := results.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if c.want != driver.Identity && len(rec.Body) >= len(doc)/2 {
				t.Errorf("%s body is %d bytes for a %d-byte document", c.want, len(rec.Body), len(doc))
			}
			got, err := st.Get(ctx, "r")
			if err != nil {
				t.Fatal(err)
			}
			if gd, _ := results.Marshal(got); !bytes.Equal(gd, doc) {
				t.Errorf("document read back differs:\n%s\n%s", gd, doc)
			}
		})
	}
}

// TestMixedEncodings: reads follow each record's encoding, not the store's
// setting, so a store can change its compression over time.
func TestMixedEncodings(t *testing.T) {
	ctx := context.Background()
	d, err := memory.NewDriver(memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string][]byte{}
	for i, enc := range []driver.Encoding{driver.Identity, driver.Gzip, driver.Zstd} {
		st := stores.New(d, &stores.Options{Compression: enc})
		r := newResult("r-"+string(enc), "a", time.Date(2024, 1, i+1, 0, 0, 0, 0, time.UTC), results.Success)
		if err := st.Save(ctx, r); err != nil {
			t.Fatal(err)
		}
		docs[r.RunID], _ = results.Marshal(r)
	}
	for _, enc := range []driver.Encoding{driver.Identity, driver.Gzip, driver.Zstd} {
		st := stores.New(d, &stores.Options{Compression: enc})
		rs, err := st.Query(ctx, nil)
		if err != nil || len(rs) != 3 {
			t.Fatalf("store with %q: Query = %d results, %v", enc, len(rs), err)
		}
		for _, r := range rs {
			if gd, _ := results.Marshal(r); !bytes.Equal(gd, docs[r.RunID]) {
				t.Errorf("store with %q: %s reads back differently", enc, r.RunID)
			}
		}
	}
}

func TestParseCompression(t *testing.T) {
	for in, want := range map[string]driver.Encoding{
		"": driver.Identity, "none": driver.Identity, "identity": driver.Identity, "false": driver.Identity,
		"off": driver.Identity, "gzip": driver.Gzip, "gz": driver.Gzip, "true": driver.Gzip, "on": driver.Gzip,
		"zstd": driver.Zstd, "zst": driver.Zstd,
	} {
		got, err := stores.ParseCompression(in)
		if err != nil || got != want {
			t.Errorf("ParseCompression(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"lz4x", "GZIP2", "brotli!", "1"} {
		_, err := stores.ParseCompression(in)
		if !errors.Is(err, stores.ErrInvalid) || !strings.Contains(err.Error(), fmt.Sprintf("%q", in)) {
			t.Errorf("ParseCompression(%q) = %v, want ErrInvalid naming it", in, err)
		}
	}
}

func TestParseOrderField(t *testing.T) {
	for in, want := range map[string]stores.OrderField{
		"": stores.ByRunTime, "run_time": stores.ByRunTime, " Run_Time ": stores.ByRunTime,
		"data_asset": stores.ByDataAsset, "status": stores.ByStatus, "run_id": stores.ByRunID, "id": stores.ByRunID,
	} {
		got, err := stores.ParseOrderField(in)
		if err != nil || got != want {
			t.Errorf("ParseOrderField(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"runtime", "size", "run_time desc"} {
		if _, err := stores.ParseOrderField(in); !errors.Is(err, stores.ErrInvalid) || !strings.Contains(err.Error(), in) {
			t.Errorf("ParseOrderField(%q) = %v, want ErrInvalid naming it", in, err)
		}
	}
}

func TestParseOptionsAndUnknownParams(t *testing.T) {
	q, _ := url.ParseQuery("compression=zstd&namespace=prod&prefix=v")
	o, rest, err := stores.ParseOptions(q)
	if err != nil || o.Compression != driver.Zstd {
		t.Fatalf("ParseOptions = %+v, %v", o, err)
	}
	if _, ok := rest["compression"]; ok || rest.Get("namespace") != "prod" || rest.Get("prefix") != "v" {
		t.Errorf("rest = %v, want namespace and prefix only", rest)
	}
	if err := stores.UnknownParams(rest, "namespace", "prefix"); err != nil {
		t.Errorf("UnknownParams with all known: %v", err)
	}
	err = stores.UnknownParams(rest, "namespace")
	if !errors.Is(err, stores.ErrInvalid) || !strings.Contains(err.Error(), "prefix") {
		t.Errorf("UnknownParams = %v, want ErrInvalid naming prefix", err)
	}
	bad, _ := url.ParseQuery("compression=snappy2")
	if _, _, err := stores.ParseOptions(bad); !errors.Is(err, stores.ErrInvalid) {
		t.Errorf("ParseOptions(compression=snappy2) = %v, want ErrInvalid", err)
	}
}

func TestErrorType(t *testing.T) {
	cause := errors.New("disk on fire")
	e := &stores.Error{Op: "save", Backend: "filesystem /x", ID: "r1", Kind: stores.ErrWrite, Err: cause}
	msg := e.Error()
	for _, part := range []string{"save", "filesystem /x", `"r1"`, "disk on fire"} {
		if !strings.Contains(msg, part) {
			t.Errorf("Error() = %q, missing %q", msg, part)
		}
	}
	wrapped := fmt.Errorf("saving the nightly run: %w", e)
	if !errors.Is(wrapped, stores.ErrWrite) || !errors.Is(wrapped, cause) || errors.Is(wrapped, stores.ErrRead) {
		t.Errorf("errors.Is through a wrapper failed for %v", wrapped)
	}
	var se *stores.Error
	if !errors.As(wrapped, &se) || se.ID != "r1" {
		t.Errorf("errors.As through a wrapper: %v", se)
	}
	bare := &stores.Error{Op: "get", Kind: stores.ErrNotFound}
	if bare.Error() != "stores: get: not found" {
		t.Errorf("bare Error() = %q", bare.Error())
	}
	if !errors.Is(bare, stores.ErrNotFound) || !errors.Is(bare, driver.ErrNotFound) {
		t.Errorf("the sentinels of stores and driver differ")
	}
}

// faultyDriver fails as it is told, to check how the portable layer wraps
// driver errors.
type faultyDriver struct {
	*memory.Driver
	putErr, getErr, deleteErr, scanErr, countErr, initErr error
	inits                                                 atomic.Int32
}

func (f *faultyDriver) Init(context.Context) error { f.inits.Add(1); return f.initErr }
func (f *faultyDriver) Put(ctx context.Context, r *driver.Record) error {
	if f.putErr != nil {
		return f.putErr
	}
	return f.Driver.Put(ctx, r)
}
func (f *faultyDriver) Get(ctx context.Context, id string) (*driver.Record, error) {
	if f.getErr != nil {
		return nil, f.getErr
	}
	return f.Driver.Get(ctx, id)
}
func (f *faultyDriver) Exists(ctx context.Context, id string) (bool, error) {
	if f.getErr != nil {
		return false, f.getErr
	}
	return f.Driver.Exists(ctx, id)
}
func (f *faultyDriver) Delete(ctx context.Context, id string) (bool, error) {
	if f.deleteErr != nil {
		return false, f.deleteErr
	}
	return f.Driver.Delete(ctx, id)
}
func (f *faultyDriver) Scan(ctx context.Context, fl *driver.Filter) iter.Seq2[driver.Meta, error] {
	if f.scanErr != nil {
		return func(yield func(driver.Meta, error) bool) { yield(driver.Meta{}, f.scanErr) }
	}
	return f.Driver.Scan(ctx, fl)
}
func (f *faultyDriver) Count(ctx context.Context, fl *driver.Filter) (int, error) {
	if f.countErr != nil {
		return 0, f.countErr
	}
	return f.Driver.Count(ctx, fl)
}

func newFaulty(t *testing.T) *faultyDriver {
	d, err := memory.NewDriver(memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &faultyDriver{Driver: d}
}

func TestDriverErrorsWrapped(t *testing.T) {
	ctx := context.Background()
	r := newResult("r1", "a", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), results.Success)
	plain := errors.New("boom")

	f := newFaulty(t)
	st := stores.New(f, &stores.Options{Backend: "faulty"})
	defer st.Close()
	if err := st.Save(ctx, r); err != nil {
		t.Fatal(err)
	}
	f.putErr, f.getErr, f.deleteErr, f.scanErr, f.countErr = plain, plain, plain, plain, plain
	check := func(what string, err, kind error, op, id string) {
		t.Helper()
		var se *stores.Error
		if !errors.Is(err, kind) || !errors.Is(err, plain) || !errors.As(err, &se) {
			t.Errorf("%s = %v, want a *stores.Error wrapping %v and the cause", what, err, kind)
			return
		}
		if se.Op != op || se.ID != id || se.Backend != "faulty" {
			t.Errorf("%s: Op %q ID %q Backend %q; want %q %q faulty", what, se.Op, se.ID, se.Backend, op, id)
		}
	}
	check("Save", st.Save(ctx, r), stores.ErrWrite, "save", "r1")
	_, err := st.Get(ctx, "r1")
	check("Get", err, stores.ErrRead, "get", "r1")
	_, err = st.Exists(ctx, "r1")
	check("Exists", err, stores.ErrRead, "exists", "r1")
	_, err = st.Delete(ctx, "r1")
	check("Delete", err, stores.ErrWrite, "delete", "r1")
	_, err = st.ListIDs(ctx, nil)
	check("ListIDs", err, stores.ErrRead, "list", "")
	_, err = st.Count(ctx, nil)
	check("Count", err, stores.ErrRead, "count", "")
	_, err = st.Query(ctx, nil)
	check("Query", err, stores.ErrRead, "query", "")

	// A driver error that already names a kind keeps it.
	conn := fmt.Errorf("%w: server went away", stores.ErrConnection)
	f.getErr = conn
	_, err = st.Get(ctx, "r1")
	if !errors.Is(err, stores.ErrConnection) || errors.Is(err, stores.ErrRead) {
		t.Errorf("Get with a connection error = %v, want ErrConnection only", err)
	}
	f.getErr = driver.ErrNotFound
	_, err = st.Get(ctx, "r1")
	if !errors.Is(err, stores.ErrNotFound) || errors.Is(err, stores.ErrRead) {
		t.Errorf("Get with ErrNotFound = %v, want ErrNotFound only", err)
	}
	if n := f.inits.Load(); n != 1 {
		t.Errorf("driver Init called %d times, want once", n)
	}
}

func TestInitErrors(t *testing.T) {
	ctx := context.Background()
	f := newFaulty(t)
	f.initErr = errors.New("no route to host")
	st := stores.New(f, nil)
	defer st.Close()
	if st.Backend() != "memory" {
		t.Errorf("Backend() = %q, want memory (from the driver's Describe)", st.Backend())
	}
	err := st.Init(ctx)
	if !errors.Is(err, stores.ErrConnection) || !strings.Contains(err.Error(), "no route to host") {
		t.Errorf("Init = %v, want ErrConnection with the cause", err)
	}
	_, err = st.Count(ctx, nil)
	if !errors.Is(err, stores.ErrConnection) {
		t.Errorf("Count with a failing Init = %v, want ErrConnection", err)
	}
	// A failed Init is retried on the next call, and succeeds once it can.
	f.initErr = nil
	if err := st.Save(ctx, newResult("r1", "a", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), results.Success)); err != nil {
		t.Errorf("Save after Init recovers: %v", err)
	}
	if n := f.inits.Load(); n != 3 {
		t.Errorf("Init called %d times, want 3 (two failures, then one success)", n)
	}
	if _, err := st.Count(ctx, nil); err != nil || f.inits.Load() != 3 {
		t.Errorf("after a successful Init: Count err %v, Init called %d times", err, f.inits.Load())
	}
}

func TestNilOptions(t *testing.T) {
	ctx := context.Background()
	d, err := memory.NewDriver(memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st := stores.New(d, nil)
	defer st.Close()
	if st.Driver() != driver.Driver(d) {
		t.Errorf("Driver() is not the driver given to New")
	}
	if err := st.Save(ctx, newResult("r", "a", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), results.Success)); err != nil {
		t.Fatal(err)
	}
	rec, err := d.Get(ctx, "r")
	if err != nil || rec.Encoding != driver.Identity || rec.DataAsset != "a" || rec.Status != "success" || rec.Tags["env"] != "prod" {
		t.Errorf("record = %+v, %v; want an uncompressed record with its metadata", rec, err)
	}
}

// FuzzSaveID saves a result under an arbitrary id: either ValidateID rejects
// it and the store rejects it with ErrInvalid and holds nothing, or the id is
// safe as a file name and the result reads back under it.
func FuzzSaveID(f *testing.F) {
	for _, s := range []string{"run_1", "../x", "a/b", `a\b`, ".", "..", ".h", "", "\x00", "\n", "é✓数据", "\xff", "_index", "🚀"} {
		f.Add(s)
	}
	ctx := context.Background()
	st, err := stores.Open(ctx, "mem://")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	f.Fuzz(func(t *testing.T, id string) {
		r := newResult(id, "fuzz", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), results.Success)
		verr := stores.ValidateID(id)
		err := st.Save(ctx, r)
		if verr != nil {
			if !errors.Is(err, stores.ErrInvalid) {
				t.Fatalf("Save(%q) = %v, ValidateID said %v", id, err, verr)
			}
			if n, err := st.Count(ctx, nil); err != nil || n != 0 {
				t.Fatalf("after rejecting %q the store holds %d results (%v)", id, n, err)
			}
			return
		}
		switch {
		case !utf8.ValidString(id), len(id) == 0, len(id) > stores.MaxIDLength,
			strings.ContainsAny(id, "/\\\x00"), strings.HasPrefix(id, "."),
			strings.IndexFunc(id, unicode.IsControl) >= 0:
			t.Fatalf("ValidateID accepted the unsafe id %q", id)
		}
		if err != nil {
			t.Fatalf("Save(%q): %v", id, err)
		}
		got, err := st.Get(ctx, id)
		if err != nil || got.RunID != id {
			t.Fatalf("Get(%q) = %v, %v", id, got, err)
		}
		if ok, err := st.Delete(ctx, id); err != nil || !ok {
			t.Fatalf("Delete(%q) = %v, %v", id, ok, err)
		}
	})
}

// TestOpenRedactsPasswords: store URLs carry credentials (postgres, redis,
// azblob); an error from Open must not print them (STYLE: secrets are not
// printed or logged).
func TestOpenRedactsPasswords(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{
		"nosuch://user:s3cr3t@host/db",
		"nosuch://user:s3cr3t@host/db%zz",
		"mem://user:s3cr3t@host",
		"custom-test://user:s3cr3t@h?fail=connect",
	} {
		_, err := stores.Open(ctx, u)
		if err == nil {
			t.Errorf("Open(%q) succeeded", u)
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("Open(%q) error prints the password: %v", u, err)
		}
		var se *stores.Error
		if errors.As(err, &se) && strings.Contains(se.Backend, "s3cr3t") {
			t.Errorf("Open(%q): Error.Backend holds the password: %q", u, se.Backend)
		}
	}
}
