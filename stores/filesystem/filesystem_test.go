package filesystem

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
	"github.com/truthound/truthound-go/stores/driver"
)

var ctx = context.Background()

// The four results of the upstream fixtures, as their README lists them.
var upstreamWant = []struct{ id, status, asset string }{
	{"custom-id.with.dots", "error", "s3://bucket/path/data.csv"},
	{"run_20240102_030405_a1b2c3d4", "failure", "customers.csv"},
	{"run_20240103_000000_00000000", "success", "orders.parquet"},
	{"run_20240104_120000_deadbeef", "warning", "customers.csv"},
}

func TestReadsUpstreamStores(t *testing.T) {
	for _, tc := range []struct{ fixture, namespace, ext string }{
		{"fs-plain", "default", ".json"},
		{"fs-gzip", "production", ".json.gz"},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			base := upstreamStore(t, tc.fixture)
			indexBefore, err := os.ReadFile(filepath.Join(base, tc.namespace, "validations", indexName))
			if err != nil {
				t.Fatal(err)
			}
			// The store's own compression setting must not matter for reads.
			s := openStore(t, base, Options{Namespace: tc.namespace, Compression: driver.Zstd})
			ids, err := s.ListIDs(ctx, &stores.Query{OrderBy: driver.ByRunID, Ascending: true})
			if err != nil {
				t.Fatal(err)
			}
			var wantIDs []string
			for _, w := range upstreamWant {
				wantIDs = append(wantIDs, w.id)
			}
			if !slices.Equal(ids, wantIDs) {
				t.Fatalf("ids = %v, want %v", ids, wantIDs)
			}
			for _, w := range upstreamWant {
				r, err := s.Get(ctx, w.id)
				if err != nil {
					t.Fatalf("get %s: %v", w.id, err)
				}
				if r.RunID != w.id || string(r.Status) != w.status || r.DataAsset != w.asset {
					t.Errorf("%s: got (%s, %s, %s), want (%s, %s)", w.id, r.RunID, r.Status, r.DataAsset, w.status, w.asset)
				}
			}
			n, err := s.Count(ctx, &stores.Query{DataAsset: "customers.csv"})
			if err != nil || n != 2 {
				t.Errorf("count customers.csv = %d, %v; want 2", n, err)
			}
			prod, err := s.ListIDs(ctx, &stores.Query{Tags: map[string]string{"env": "prod"}})
			if err != nil || !slices.Equal(prod, []string{"run_20240102_030405_a1b2c3d4"}) {
				t.Errorf("env=prod = %v, %v", prod, err)
			}
			newest, err := s.ListIDs(ctx, &stores.Query{Limit: 1})
			if err != nil || !slices.Equal(newest, []string{"run_20240104_120000_deadbeef"}) {
				t.Errorf("newest = %v, %v", newest, err)
			}
			verifyClean(t, s)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			// Reading changes nothing on disk.
			indexAfter, _ := os.ReadFile(filepath.Join(base, tc.namespace, "validations", indexName))
			if !bytes.Equal(indexBefore, indexAfter) {
				t.Errorf("reading rewrote %s", indexName)
			}
			for _, w := range upstreamWant {
				if _, err := os.Stat(filepath.Join(base, tc.namespace, "validations", w.id+tc.ext)); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// A store written by us has the original's layout: re-saving the upstream
// results in the original's order reproduces its _index.json byte for byte.
func TestWritesOriginalLayout(t *testing.T) {
	src := upstreamStore(t, "fs-plain")
	srcDir := filepath.Join(src, "default", "validations")
	wantIndex, err := os.ReadFile(filepath.Join(srcDir, indexName))
	if err != nil {
		t.Fatal(err)
	}
	order := []string{"run_20240102_030405_a1b2c3d4", "run_20240103_000000_00000000", "run_20240104_120000_deadbeef", "custom-id.with.dots"}
	for _, tc := range []struct {
		name string
		enc  driver.Encoding
		ext  string
	}{{"plain", driver.Identity, ".json"}, {"gzip", driver.Gzip, ".json.gz"}, {"zstd", driver.Zstd, ".json.zst"}} {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			s := openStore(t, base, Options{Compression: tc.enc})
			for _, id := range order {
				data, err := os.ReadFile(filepath.Join(srcDir, id+".json"))
				if err != nil {
					t.Fatal(err)
				}
				r, err := results.Unmarshal(data)
				if err != nil {
					t.Fatal(err)
				}
				mustSave(t, s, r)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(base, DefaultNamespace, DefaultPrefix)
			gotIndex, err := os.ReadFile(filepath.Join(dir, indexName))
			if err != nil {
				t.Fatal(err)
			}
			want := strings.ReplaceAll(string(wantIndex), ".json\"", tc.ext+"\"")
			if string(gotIndex) != want {
				t.Errorf("_index.json differs from the original's:\n%s\nwant:\n%s", gotIndex, want)
			}
			for _, id := range order {
				if _, err := os.Stat(filepath.Join(dir, id+tc.ext)); err != nil {
					t.Error(err)
				}
			}
			if tc.enc == driver.Identity {
				// The data files are the original's, byte for byte.
				for _, id := range order {
					got, _ := os.ReadFile(filepath.Join(dir, id+".json"))
					want, _ := os.ReadFile(filepath.Join(srcDir, id+".json"))
					if !bytes.Equal(got, want) {
						t.Errorf("%s.json differs from the original's", id)
					}
				}
			}
			// Only names the original ignores sit beside the data files.
			des, _ := os.ReadDir(dir)
			for _, de := range des {
				n := de.Name()
				if _, _, ok := splitDataName(n); ok || n == indexName || n == journalName || n == lockName {
					continue
				}
				t.Errorf("unexpected file %s", n)
			}
			j, _ := os.ReadFile(filepath.Join(dir, journalName))
			if len(j) != 0 {
				t.Errorf("journal not folded on Close: %q", j)
			}
		})
	}
}

// The original chooses the data file from the index "file" field: a store
// holding both kinds reads each from its own file.
func TestMixedEncodings(t *testing.T) {
	base := t.TempDir()
	s := openStore(t, base, Options{})
	mustSave(t, s, newResult("plain", 1))
	s.Close()
	s = openStore(t, base, Options{Compression: driver.Gzip})
	mustSave(t, s, newResult("gz", 2))
	s.Close()
	s = openStore(t, base, Options{Compression: driver.Zstd})
	mustSave(t, s, newResult("zst", 3))
	// Replacing a result with another encoding leaves one data file.
	mustSave(t, s, newResult("plain", 4))
	for _, id := range []string{"plain", "gz", "zst"} {
		if _, err := s.Get(ctx, id); err != nil {
			t.Errorf("get %s: %v", id, err)
		}
	}
	dir := filepath.Join(base, "default", "validations")
	for _, name := range []string{"plain.json.zst", "gz.json.gz", "zst.json.zst"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "plain.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("old plain.json still there: %v", err)
	}
	verifyClean(t, s)
}

func TestReadsConcurrentIndexFormat(t *testing.T) {
	base := upstreamStore(t, "fs-plain")
	dir := filepath.Join(base, "default", "validations")
	conc := `{"version": 2, "updated_at": "2024-01-05T00:00:00",
 "entries": {
  "run_20240102_030405_a1b2c3d4": {"item_id": "run_20240102_030405_a1b2c3d4", "version": 1,
     "metadata": {"data_asset": "customers.csv", "run_time": "2024-01-02T03:04:05.678901", "status": "failure", "tags": {"env": "prod", "team": "dq"}}},
  "run_20240103_000000_00000000": {"item_id": "run_20240103_000000_00000000",
     "metadata": {"data_asset": "orders.parquet", "run_time": "2024-01-03T00:00:00", "status": "success", "tags": {}}},
  "run_20240104_120000_deadbeef": {"item_id": "run_20240104_120000_deadbeef",
     "metadata": {"data_asset": "customers.csv", "run_time": "2024-01-04T12:00:00.000001", "status": "warning", "tags": {"env": "dev"}}},
  "custom-id.with.dots": {"item_id": "custom-id.with.dots",
     "metadata": {"data_asset": "s3://bucket/path/data.csv", "run_time": "2023-12-31T23:59:59.999999", "status": "error", "tags": {}}}
 }}`
	if err := os.WriteFile(filepath.Join(dir, indexName), []byte(conc), 0o644); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, base, Options{})
	ids, err := s.ListIDs(ctx, &stores.Query{OrderBy: driver.ByRunID, Ascending: true})
	if err != nil || len(ids) != 4 {
		t.Fatalf("ids = %v, %v", ids, err)
	}
	prod, _ := s.ListIDs(ctx, &stores.Query{Tags: map[string]string{"env": "prod"}})
	if !slices.Equal(prod, []string{"run_20240102_030405_a1b2c3d4"}) {
		t.Errorf("env=prod = %v", prod)
	}
	r, err := s.Get(ctx, "custom-id.with.dots")
	if err != nil || r.Status != results.Error {
		t.Fatalf("get: %v, %v", r, err)
	}
	verifyClean(t, s)
}

func TestSaveGetDeleteReopen(t *testing.T) {
	base := t.TempDir()
	s := openStore(t, base, Options{Namespace: "team-a", Prefix: "runs"})
	for i := range 10 {
		mustSave(t, s, newResult(results.NewRunID(baseTime)+string(rune('a'+i)), i))
	}
	mustSave(t, s, newResult("keep", 3))
	mustSave(t, s, newResult("gone", 4))
	if ok, err := s.Delete(ctx, "gone"); !ok || err != nil {
		t.Fatalf("delete = %v, %v", ok, err)
	}
	if ok, err := s.Delete(ctx, "gone"); ok || err != nil {
		t.Fatalf("second delete = %v, %v", ok, err)
	}
	if _, err := s.Get(ctx, "gone"); !errors.Is(err, stores.ErrNotFound) {
		t.Fatalf("get deleted: %v", err)
	}
	if ok, _ := s.Exists(ctx, "keep"); !ok {
		t.Fatal("keep does not exist")
	}
	s.Close()
	if _, err := os.Stat(filepath.Join(base, "team-a", "runs", "keep.json")); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, base, Options{Namespace: "team-a", Prefix: "runs"})
	n, err := s.Count(ctx, nil)
	if err != nil || n != 11 {
		t.Fatalf("count after reopen = %d, %v", n, err)
	}
	r, err := s.Get(ctx, "keep")
	if err != nil {
		t.Fatal(err)
	}
	want := newResult("keep", 3)
	if r.DataAsset != want.DataAsset || r.Status != want.Status || !r.RunTime.Equal(want.RunTime) || r.Tags["env"] != "dev" {
		t.Errorf("got %+v", r)
	}
	if ok, _ := s.Exists(ctx, "gone"); ok {
		t.Error("deleted result came back")
	}
	verifyClean(t, s)
}

// Two stores over one folder (as two processes: separate lock descriptors)
// see each other's saves, deletes and folds.
func TestTwoStoresOneFolder(t *testing.T) {
	base := t.TempDir()
	a := openStore(t, base, Options{CompactAfter: 5})
	b := openStore(t, base, Options{CompactAfter: 5})
	for i := range 23 {
		w := a
		if i%2 == 1 {
			w = b
		}
		mustSave(t, w, newResult("r"+string(rune('a'+i)), i))
		for _, s := range []*stores.Store{a, b} {
			if n, err := s.Count(ctx, nil); err != nil || n != i+1 {
				t.Fatalf("after save %d: count = %d, %v", i, n, err)
			}
		}
	}
	if _, err := b.Delete(ctx, "ra"); err != nil {
		t.Fatal(err)
	}
	if n, _ := a.Count(ctx, nil); n != 22 {
		t.Fatalf("a sees %d after b's delete", n)
	}
	verifyClean(t, a)
}

func TestFoldKeepsIndexSmallAndOriginalFormat(t *testing.T) {
	base := t.TempDir()
	s := openStore(t, base, Options{CompactAfter: 10})
	for i := range 35 {
		mustSave(t, s, newResult(fmt.Sprintf("id%03d", i), i))
	}
	dir := filepath.Join(base, "default", "validations")
	j, _ := os.ReadFile(filepath.Join(dir, journalName))
	if n := bytes.Count(j, []byte{'\n'}); n > 10 {
		t.Errorf("journal holds %d lines, want <= 10", n)
	}
	data, _ := os.ReadFile(filepath.Join(dir, indexName))
	ents, err := parseIndex(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents)+bytes.Count(j, []byte{'\n'}) != 35 {
		t.Errorf("index %d + journal %d != 35", len(ents), bytes.Count(j, []byte{'\n'}))
	}
}

func TestURL(t *testing.T) {
	abs := t.TempDir()
	for _, tc := range []struct {
		url  string
		want Options
	}{
		{"file://" + abs + "?namespace=x&prefix=y&compression=gzip", Options{BasePath: abs, Namespace: "x", Prefix: "y", Compression: driver.Gzip}},
		{"file://.truthound/results", Options{BasePath: ".truthound/results"}},
		{"file://rel", Options{BasePath: "rel"}},
		{"file:rel/dir?compression=zstd&compact_after=50", Options{BasePath: "rel/dir", Compression: driver.Zstd, CompactAfter: 50}},
		{"file://", Options{BasePath: DefaultBasePath}},
	} {
		u, _ := url.Parse(tc.url)
		got, err := ParseURL(u)
		if err != nil || got != tc.want {
			t.Errorf("%s: %+v, %v; want %+v", tc.url, got, err, tc.want)
		}
	}
	for _, bad := range []string{"file:///x?colour=red", "file:///x?compression=lzma", "file:///x?namespace=..", "file:///x?namespace=a/b", "file:///x?compact_after=-1"} {
		_, err := stores.Open(ctx, bad)
		if !errors.Is(err, stores.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", bad, err)
		}
	}
	_, err := stores.Open(ctx, "file:///x?colour=red&size=2")
	if err == nil || !strings.Contains(err.Error(), "colour") || !strings.Contains(err.Error(), "size") {
		t.Errorf("unknown parameters not named: %v", err)
	}
	s, err := stores.Open(ctx, "file://"+abs+"?namespace=prod&compression=gzip")
	if err != nil {
		t.Fatal(err)
	}
	mustSave(t, s, newResult("u1", 1))
	s.Close()
	if _, err := os.Stat(filepath.Join(abs, "prod", "validations", "u1.json.gz")); err != nil {
		t.Error(err)
	}
	if !stores.Available("filesystem") {
		t.Error("filesystem backend not available")
	}
}

func TestExpectations(t *testing.T) {
	base := t.TempDir()
	e, err := OpenExpectations(Options{BasePath: base, Namespace: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	suite := &results.ExpectationSuite{Name: "team/orders\\v1", DataAsset: "orders.csv",
		CreatedAt: baseTime, UpdatedAt: baseTime, Tags: map[string]string{"owner": "dq"}}
	if err := e.Save(ctx, suite); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(base, "prod", "expectations", "team_orders_v1.json")); err != nil {
		t.Fatal(err)
	}
	got, err := e.Get(ctx, "team/orders\\v1")
	if err != nil || got.DataAsset != "orders.csv" {
		t.Fatalf("get = %+v, %v", got, err)
	}
	if _, err := e.Get(ctx, "nope"); !errors.Is(err, stores.ErrNotFound) {
		t.Errorf("get missing: %v", err)
	}
	if ok, err := e.Delete(ctx, "team/orders\\v1"); !ok || err != nil {
		t.Errorf("delete = %v, %v", ok, err)
	}
	if ok, _ := e.Exists(ctx, "team/orders\\v1"); ok {
		t.Error("deleted suite exists")
	}
}

func TestClosed(t *testing.T) {
	d, err := NewDriver(Options{BasePath: t.TempDir()}, driver.Results)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Get(ctx, "x"); !errors.Is(err, driver.ErrClosed) {
		t.Errorf("get after close: %v", err)
	}
	if err := d.Put(ctx, &driver.Record{Meta: driver.Meta{ID: "x"}, Body: []byte("{}")}); !errors.Is(err, driver.ErrClosed) {
		t.Errorf("put after close: %v", err)
	}
}

// Goroutines on two stores over one folder: saves, reads, queries and
// deletes at once (run with -race).
func TestConcurrentGoroutines(t *testing.T) {
	base := t.TempDir()
	a := openStore(t, base, Options{CompactAfter: 7})
	b := openStore(t, base, Options{CompactAfter: 7})
	const workers, each = 6, 15
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			s := a
			if w%2 == 1 {
				s = b
			}
			for i := range each {
				id := fmt.Sprintf("w%d-%d", w, i)
				if err := s.Save(ctx, newResult(id, i)); err != nil {
					errs <- err
					return
				}
				if _, err := s.Get(ctx, id); err != nil {
					errs <- err
					return
				}
				if _, err := s.ListIDs(ctx, &stores.Query{Limit: 5}); err != nil {
					errs <- err
					return
				}
				if i%5 == 4 {
					if ok, err := s.Delete(ctx, id); !ok || err != nil {
						errs <- fmt.Errorf("delete %s: %v, %v", id, ok, err)
						return
					}
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	want := workers * (each - each/5)
	for _, s := range []*stores.Store{a, b} {
		if n, err := s.Count(ctx, nil); n != want || err != nil {
			t.Errorf("count = %d, %v; want %d", n, err, want)
		}
	}
	verifyClean(t, a)
}
