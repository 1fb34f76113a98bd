package filesystem

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/truthound/truthound-go/internal/atomicfile"
	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
	"github.com/truthound/truthound-go/stores/driver"
)

// fiveResults writes r0..r4 to a new store and returns its base and folder.
func fiveResults(t *testing.T, enc driver.Encoding) (base, dir string) {
	t.Helper()
	base = t.TempDir()
	s := openStore(t, base, Options{Compression: enc})
	for i := range 5 {
		mustSave(t, s, newResult(fmt.Sprintf("r%d", i), i))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return base, filepath.Join(base, "default", "validations")
}

// checkOneBad checks that r2 fails with ErrRead naming file while the
// others read, list and query fine.
func checkOneBad(t *testing.T, s *stores.Store, file string) {
	t.Helper()
	_, err := s.Get(ctx, "r2")
	if !errors.Is(err, stores.ErrRead) {
		t.Fatalf("get r2: %v, want ErrRead", err)
	}
	if !strings.Contains(err.Error(), file) {
		t.Errorf("error does not name %s: %v", file, err)
	}
	for _, id := range []string{"r0", "r1", "r3", "r4"} {
		if _, err := s.Get(ctx, id); err != nil {
			t.Errorf("get %s: %v", id, err)
		}
	}
	rs, err := s.Query(ctx, nil)
	if !errors.Is(err, stores.ErrRead) || len(rs) != 4 {
		t.Errorf("query: %d results, %v; want 4 and ErrRead", len(rs), err)
	}
	if n, err := s.Count(ctx, nil); n != 5 || err != nil {
		t.Errorf("count = %d, %v", n, err)
	}
	problems, err := s.Driver().(driver.Verifier).Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], file) {
		t.Errorf("verify = %q, want one problem naming %s", problems, file)
	}
}

func TestCorruptJSONDataFile(t *testing.T) {
	base, dir := fiveResults(t, driver.Identity)
	file := filepath.Join(dir, "r2.json")
	if err := os.WriteFile(file, []byte(`{"run_id": "r2", "status": `), 0o644); err != nil {
		t.Fatal(err)
	}
	checkOneBad(t, openStore(t, base, Options{}), file)
}

func TestTruncatedGzipDataFile(t *testing.T) {
	base, dir := fiveResults(t, driver.Gzip)
	file := filepath.Join(dir, "r2.json.gz")
	data, _ := os.ReadFile(file)
	if err := os.WriteFile(file, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	checkOneBad(t, openStore(t, base, Options{}), file)
}

func TestCorruptZstdDataFile(t *testing.T) {
	base, dir := fiveResults(t, driver.Zstd)
	file := filepath.Join(dir, "r2.json.zst")
	data, _ := os.ReadFile(file)
	data[len(data)/2] ^= 0xff
	data[len(data)-1] ^= 0xff
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	checkOneBad(t, openStore(t, base, Options{}), file)
}

func TestBadStatusInDataFile(t *testing.T) {
	base, dir := fiveResults(t, driver.Identity)
	file := filepath.Join(dir, "r2.json")
	data, _ := os.ReadFile(file)
	data = []byte(strings.Replace(string(data), `"status": "`, `"status": "bogus`, 1))
	os.WriteFile(file, data, 0o644)
	s := openStore(t, base, Options{})
	if _, err := s.Get(ctx, "r2"); !errors.Is(err, stores.ErrRead) || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("get r2: %v", err)
	}
	problems, _ := s.Driver().(driver.Verifier).Verify(ctx)
	if len(problems) != 1 || !strings.Contains(problems[0], file) || !strings.Contains(problems[0], "bogus") {
		t.Errorf("verify = %q", problems)
	}
}

func TestCorruptOrMissingIndexIsRebuilt(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(path string) error
	}{
		{"truncated", func(p string) error { return os.WriteFile(p, []byte(`{"r0": {"data_asset": "x", `), 0o644) }},
		{"not-an-object", func(p string) error { return os.WriteFile(p, []byte(`[1, 2]`), 0o644) }},
		{"wrong-types", func(p string) error { return os.WriteFile(p, []byte(`{"r0": {"data_asset": 1}}`), 0o644) }},
		{"binary", func(p string) error { return os.WriteFile(p, []byte{0x1f, 0x8b, 0, 1, 2}, 0o644) }},
		{"missing", os.Remove},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, dir := fiveResults(t, driver.Gzip)
			if err := tc.spoil(filepath.Join(dir, indexName)); err != nil {
				t.Fatal(err)
			}
			s := openStore(t, base, Options{})
			ids, err := s.ListIDs(ctx, &stores.Query{OrderBy: driver.ByRunID, Ascending: true})
			if err != nil || !slices.Equal(ids, []string{"r0", "r1", "r2", "r3", "r4"}) {
				t.Fatalf("ids = %v, %v", ids, err)
			}
			tagged, _ := s.ListIDs(ctx, &stores.Query{Tags: map[string]string{"env": "dev"}, OrderBy: driver.ByRunID, Ascending: true})
			if !slices.Equal(tagged, []string{"r1", "r3"}) {
				t.Errorf("env=dev = %v", tagged)
			}
			verifyClean(t, s)
			data, _ := os.ReadFile(filepath.Join(dir, indexName))
			if ents, err := parseIndex(data); err != nil || len(ents) != 5 {
				t.Errorf("rebuilt index: %d entries, %v", len(ents), err)
			}
			if tc.name != "missing" {
				baks, _ := filepath.Glob(filepath.Join(dir, "_index.corrupt-*.bak"))
				if len(baks) != 1 {
					t.Errorf("corrupt index not kept aside: %v", baks)
				}
			}
		})
	}
}

func TestHostileIDs(t *testing.T) {
	base := t.TempDir()
	d, err := NewDriver(Options{BasePath: base}, driver.Results)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, id := range []string{"", "..", ".", "../x", "../../etc/passwd", "a/b", `a\b`, "/abs", ".hidden", "_index", "_INDEX", "_journal", "x\x00y", strings.Repeat("x", 300)} {
		rec := &driver.Record{Meta: driver.Meta{ID: id, RunTime: baseTime, Status: "success"}, Body: []byte("{}")}
		if err := d.Put(ctx, rec); !errors.Is(err, driver.ErrInvalid) {
			t.Errorf("put %q: %v, want ErrInvalid", id, err)
		}
		if _, err := d.Get(ctx, id); !errors.Is(err, driver.ErrInvalid) {
			t.Errorf("get %q: %v, want ErrInvalid", id, err)
		}
		if _, err := d.Delete(ctx, id); !errors.Is(err, driver.ErrInvalid) {
			t.Errorf("delete %q: %v, want ErrInvalid", id, err)
		}
	}
	// Nothing was written outside the results folder.
	var files []string
	filepath.Walk(base, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			rel, _ := filepath.Rel(base, p)
			files = append(files, rel)
		}
		return nil
	})
	for _, f := range files {
		if filepath.Dir(f) != filepath.Join("default", "validations") {
			t.Errorf("file outside the folder: %s", f)
		}
	}
	// Unknown encodings are refused.
	rec := &driver.Record{Meta: driver.Meta{ID: "ok"}, Body: []byte("{}"), Encoding: "lzma"}
	if err := d.Put(ctx, rec); !errors.Is(err, driver.ErrInvalid) {
		t.Errorf("put with unknown encoding: %v", err)
	}
}

func TestTornJournalLine(t *testing.T) {
	base := t.TempDir()
	s := openStore(t, base, Options{})
	mustSave(t, s, newResult("a", 1))
	mustSave(t, s, newResult("b", 2))
	dir := filepath.Join(base, "default", "validations")
	// A writer killed mid-append leaves half a line.
	f, _ := os.OpenFile(filepath.Join(dir, journalName), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"op":"put","id":"c","file":"c.js`)
	f.Close()
	s2 := openStore(t, base, Options{})
	if n, err := s2.Count(ctx, nil); n != 2 || err != nil {
		t.Fatalf("count = %d, %v", n, err)
	}
	mustSave(t, s2, newResult("d", 3))
	j, _ := os.ReadFile(filepath.Join(dir, journalName))
	if strings.Contains(string(j), `"c.js`) {
		t.Errorf("torn line not cut: %q", j)
	}
	if n, _ := s.Count(ctx, nil); n != 3 {
		t.Errorf("first store sees %d results", n)
	}
	verifyClean(t, s2)
}

// A writer killed between its journal append and its rename: the save was
// acknowledged by nothing yet, but the journal holds it, so it is finished.
func TestCrashBetweenJournalAndRename(t *testing.T) {
	base := t.TempDir()
	s := openStore(t, base, Options{})
	mustSave(t, s, newResult("a", 1))
	s.Close()
	dir := filepath.Join(base, "default", "validations")
	doc, _ := results.Marshal(newResult("b", 2))
	tmp, err := atomicfile.WriteTemp(dir, doc, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	line := fmt.Sprintf(`{"op":"put","id":"b","file":"b.json","tmp":%q,"data_asset":"events.jsonl","run_time":"2024-05-06T07:08:11","status":"success"}`+"\n", tmp)
	f, _ := os.OpenFile(filepath.Join(dir, journalName), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(line)
	f.Close()
	// A reader that has not taken the lock sees it already.
	d, _ := NewDriver(Options{BasePath: base}, driver.Results)
	d.mu.Lock()
	d.lk, _ = openLock(filepath.Join(dir, lockName))
	d.jf, _ = os.OpenFile(filepath.Join(dir, journalName), os.O_RDWR|os.O_APPEND, 0)
	d.inited = true
	d.mu.Unlock()
	if n, err := d.Count(ctx, &driver.Filter{}); n != 2 || err != nil {
		t.Fatalf("reader count = %d, %v", n, err)
	}
	if _, err := d.Get(ctx, "b"); err != nil {
		t.Fatalf("reader get b: %v", err)
	}
	problems, _ := d.Verify(ctx)
	if len(problems) != 1 || !strings.Contains(problems[0], "not finished") {
		t.Errorf("verify before recovery = %q", problems)
	}
	d.Close()
	// Opening the store (a writer) finishes the rename.
	s = openStore(t, base, Options{})
	if err := s.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "b.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, tmp)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file still there: %v", err)
	}
	if r, err := s.Get(ctx, "b"); err != nil || r.RunID != "b" {
		t.Fatalf("get b: %v", err)
	}
	verifyClean(t, s)
}

func TestOrphanDataFile(t *testing.T) {
	base, dir := fiveResults(t, driver.Identity)
	doc, _ := results.Marshal(newResult("orphan", 9))
	os.WriteFile(filepath.Join(dir, "orphan.json"), doc, 0o644)
	s := openStore(t, base, Options{})
	if r, err := s.Get(ctx, "orphan"); err != nil || r.RunID != "orphan" {
		t.Fatalf("get orphan: %v", err)
	}
	problems, _ := s.Driver().(driver.Verifier).Verify(ctx)
	if len(problems) != 1 || !strings.Contains(problems[0], "not in the index") {
		t.Errorf("verify = %q", problems)
	}
	if err := s.Driver().(driver.IndexRebuilder).RebuildIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Count(ctx, nil); n != 6 {
		t.Errorf("count after rebuild = %d", n)
	}
	verifyClean(t, s)
}

func TestStaleTempFilesRemoved(t *testing.T) {
	base, dir := fiveResults(t, driver.Identity)
	stale := filepath.Join(dir, ".tmp-2147483646-00ff00ff00ff00ff")
	live := filepath.Join(dir, fmt.Sprintf(".tmp-%d-0102030405060708", os.Getpid()))
	os.WriteFile(stale, []byte("half a resu"), 0o644)
	os.WriteFile(live, []byte("in flight"), 0o644)
	s := openStore(t, base, Options{})
	if err := s.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temp not removed: %v", err)
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("live temp removed: %v", err)
	}
	verifyClean(t, s)
}

// A tampered index or journal naming ids or files outside the folder makes
// the store touch nothing outside it.
func TestTamperedIndexAndJournal(t *testing.T) {
	base, dir := fiveResults(t, driver.Identity)
	victim := filepath.Join(base, "victim.json")
	os.WriteFile(victim, []byte(`{"keep": true}`), 0o644)
	idx := `{"../../victim": {"data_asset": "x", "run_time": "2024-01-01T00:00:00", "status": "success", "file": "../../victim.json", "tags": {}},
 "r0": {"data_asset": "customers.csv", "run_time": "2024-05-06T07:08:09", "status": "failure", "file": "../../victim.json", "tags": {}}}`
	os.WriteFile(filepath.Join(dir, indexName), []byte(idx), 0o644)
	j := `{"op":"del","id":"../../victim"}` + "\n" +
		`{"op":"put","id":"r1","file":"../../victim.json","tmp":"../../victim.json"}` + "\n"
	os.WriteFile(filepath.Join(dir, journalName), []byte(j), 0o644)
	s := openStore(t, base, Options{})
	if err := s.Init(ctx); err != nil {
		t.Fatal(err)
	}
	ids, _ := s.ListIDs(ctx, &stores.Query{OrderBy: driver.ByRunID, Ascending: true})
	if !slices.Equal(ids, []string{"r0", "r1"}) {
		t.Errorf("ids = %v", ids)
	}
	for _, id := range ids {
		r, err := s.Get(ctx, id)
		if err != nil || r.RunID != id {
			t.Errorf("get %s: %v", id, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(victim); err != nil || string(data) != `{"keep": true}` {
		t.Fatalf("file outside the store touched: %q, %v", data, err)
	}
}

// Ids too long for a file name get a hashed name; rebuild and verify still
// map the file to its id.
func TestLongIDs(t *testing.T) {
	base := t.TempDir()
	s := openStore(t, base, Options{Compression: driver.Gzip})
	long := strings.Repeat("é", 127) // 254 bytes
	mustSave(t, s, newResult(long, 1))
	mustSave(t, s, newResult("short", 2))
	if err := s.Driver().(driver.IndexRebuilder).RebuildIndex(ctx); err != nil {
		t.Fatal(err)
	}
	ids, _ := s.ListIDs(ctx, &stores.Query{OrderBy: driver.ByRunID, Ascending: true})
	if !slices.Equal(ids, []string{"short", long}) {
		t.Fatalf("ids = %q", ids)
	}
	if r, err := s.Get(ctx, long); err != nil || r.RunID != long {
		t.Fatalf("get long: %v", err)
	}
	verifyClean(t, s)
	name := fileName(long, ".json.gz")
	if len(name) > maxNameLen || !strings.HasSuffix(name, ".json.gz") {
		t.Errorf("file name %q (%d bytes)", name, len(name))
	}
	if ok, err := s.Delete(ctx, long); !ok || err != nil {
		t.Fatalf("delete = %v, %v", ok, err)
	}
	if _, err := os.Stat(filepath.Join(base, "default", "validations", name)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("data file left: %v", err)
	}
}
