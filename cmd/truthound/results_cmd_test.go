package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// storeCLI runs the command with args and returns stdout, stderr and the exit
// code.
func storeCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errw bytes.Buffer
	code := runWith(args, &out, &errw)
	return out.String(), errw.String(), code
}

// upstreamStore copies the original's fs-plain fixture into a temp folder and
// returns its store URL.
func upstreamStore(t *testing.T) string {
	t.Helper()
	td := os.Getenv("TRUTHOUND_TESTDATA")
	if td == "" {
		td = filepath.Join("..", "..", "..", "shared", "testdata")
	}
	src := filepath.Join(td, "upstream", "fs-plain")
	if _, err := os.Stat(src); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("test data missing: %v", err)
		}
		t.Skipf("test data missing (set TRUTHOUND_TESTDATA): %v", err)
	}
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	if err := filepath.WalkDir(dst, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Chmod(p, 0o755)
	}); err != nil {
		t.Fatal(err)
	}
	return "file://" + dst
}

func TestResultsListFiltersAndJSON(t *testing.T) {
	url := upstreamStore(t)
	out, errs, code := storeCLI(t, "results", "list", "--store", url, "--output", "json", "--asset", "customers.csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(rows) != 2 || rows[0]["run_id"] != "run_20240104_120000_deadbeef" || rows[1]["run_id"] != "run_20240102_030405_a1b2c3d4" {
		t.Fatalf("want the two customers.csv runs newest first, got %v", rows)
	}
	for _, k := range []string{"run_id", "run_time", "data_asset", "status"} {
		if _, ok := rows[0][k]; !ok {
			t.Errorf("JSON row lacks %q: %v", k, rows[0])
		}
	}

	out, _, code = storeCLI(t, "results", "list", "--store", url, "--status", "failure", "--tag", "team=dq")
	if code != 0 || !strings.Contains(out, "run_20240102_030405_a1b2c3d4") || strings.Count(out, "\n") != 2 {
		t.Fatalf("status+tag filter: exit %d\n%s", code, out)
	}

	out, _, _ = storeCLI(t, "results", "list", "--store", url, "--order-by", "run_id", "--asc", "--limit", "2", "--offset", "1")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "run_20240102") || !strings.HasPrefix(lines[2], "run_20240103") {
		t.Fatalf("order/limit/offset: got\n%s", out)
	}

	out, _, _ = storeCLI(t, "results", "count", "--store", url, "--since", "2024-01-02T03:04:05.678901", "--until", "2024-01-04T12:00:00")
	if strings.TrimSpace(out) != "2" {
		t.Fatalf("inclusive time range: want 2, got %q", out)
	}
}

func TestResultsShowQueryHistoryDelete(t *testing.T) {
	url := upstreamStore(t)
	out, errs, code := storeCLI(t, "results", "show", "--store", url, "run_20240102_030405_a1b2c3d4")
	if code != 0 || !strings.Contains(out, `"suite_name": "customer_suite"`) {
		t.Fatalf("show: exit %d %s\n%s", code, errs, out)
	}
	_, errs, code = storeCLI(t, "results", "show", "--store", url, "nope")
	if code == 0 || !strings.Contains(errs, "not found") {
		t.Fatalf("show of a missing id: exit %d, stderr %q", code, errs)
	}
	_, errs, code = storeCLI(t, "results", "show", "--store", url, "../x")
	if code == 0 || !strings.Contains(errs, "invalid") {
		t.Fatalf("show of a hostile id: exit %d, stderr %q", code, errs)
	}

	out, _, code = storeCLI(t, "results", "query", "--store", url, "--output", "json", "--status", "failure")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil || code != 0 || len(rows) != 1 || rows[0]["pass_rate"] != 0.5 {
		t.Fatalf("query: exit %d, %v\n%s", code, err, out)
	}

	out, _, _ = storeCLI(t, "results", "history", "--store", url, "customers.csv", "--limit", "1")
	if !strings.Contains(out, "run_20240104_120000_deadbeef") || strings.Contains(out, "run_20240102") {
		t.Fatalf("history --limit 1:\n%s", out)
	}

	_, _, code = storeCLI(t, "results", "delete", "--store", url, "run_20240103_000000_00000000", "missing-id")
	if code != 1 {
		t.Fatalf("delete with a missing id: want exit 1, got %d", code)
	}
	out, _, _ = storeCLI(t, "results", "count", "--store", url)
	if strings.TrimSpace(out) != "3" {
		t.Fatalf("after delete: want 3, got %q", out)
	}
}

func TestResultsBadFlags(t *testing.T) {
	url := upstreamStore(t)
	for _, args := range [][]string{
		{"results", "list", "--store", url, "--status", "great"},
		{"results", "list", "--store", url, "--order-by", "size"},
		{"results", "list", "--store", url, "--since", "yesterday"},
		{"results", "list", "--store", url, "--tag", "novalue"},
		{"results", "list", "--store", url, "--output", "xml"},
		{"results", "list", "--store", url, "--limit", "-1"},
		{"results", "list", "--store", "ftp://x"},
		{"results", "list", "--store", url + "?colour=red"},
	} {
		_, errs, code := storeCLI(t, args...)
		if code == 0 || errs == "" {
			t.Errorf("%v: want an error, got exit %d", args, code)
		}
	}
}

func TestStoreVerifyFindsCorruption(t *testing.T) {
	url := upstreamStore(t)
	out, errs, code := storeCLI(t, "store", "verify", "--store", url)
	if code != 0 {
		t.Fatalf("clean store: exit %d\n%s%s", code, out, errs)
	}
	dir := filepath.Join(strings.TrimPrefix(url, "file://"), "default", "validations")
	if err := os.WriteFile(filepath.Join(dir, "run_20240103_000000_00000000.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code = storeCLI(t, "store", "verify", "--store", url)
	if code != 1 || !strings.Contains(out, "run_20240103_000000_00000000") {
		t.Fatalf("corrupt document: want exit 1 naming it, got %d\n%s", code, out)
	}
	// The other results stay readable.
	out, _, code = storeCLI(t, "results", "show", "--store", url, "run_20240104_120000_deadbeef")
	if code != 0 || !strings.Contains(out, "deadbeef") {
		t.Fatalf("other result unreadable after corruption: exit %d", code)
	}
}

func TestStoreRebuildIndex(t *testing.T) {
	url := upstreamStore(t)
	dir := filepath.Join(strings.TrimPrefix(url, "file://"), "default", "validations")
	if err := os.Remove(filepath.Join(dir, "_index.json")); err != nil {
		t.Fatal(err)
	}
	out, errs, code := storeCLI(t, "store", "rebuild-index", "--store", url)
	if code != 0 || !strings.Contains(out, "4 results") {
		t.Fatalf("rebuild-index: exit %d\n%s%s", code, out, errs)
	}
	out, _, _ = storeCLI(t, "results", "count", "--store", url)
	if strings.TrimSpace(out) != "4" {
		t.Fatalf("after rebuild: count %q", out)
	}
	out, _, _ = storeCLI(t, "store", "backends")
	if !strings.Contains(out, "file://") || !strings.Contains(out, "mem://") {
		t.Fatalf("backends: %q", out)
	}
}
