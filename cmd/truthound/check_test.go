package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
)

// checkCLI runs `truthound check args...` with stdin and returns stdout, stderr and
// the exit code.
func checkCLI(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	root := newRootCmd()
	var out, errw bytes.Buffer
	root.SetArgs(append([]string{"check"}, args...))
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errw)
	err := root.Execute()
	code := 0
	if err != nil {
		code = 2
		if ee, ok := err.(*exitError); ok {
			code = ee.code
		}
		errw.WriteString(err.Error())
	}
	return out.String(), errw.String(), code
}

func openTestStore(t *testing.T, url string) *stores.Store {
	t.Helper()
	st, err := stores.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func runIDOf(t *testing.T, out string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if id, ok := strings.CutPrefix(line, "run id: "); ok {
			return id
		}
	}
	t.Fatalf("no run id in output:\n%s", out)
	return ""
}

func TestCheckSampleFailsAndSaves(t *testing.T) {
	url := "file://" + t.TempDir()
	sample := filepath.Join("..", "..", "testdata", "sample.csv")
	out, errOut, code := checkCLI(t, "", sample, "--store", url, "--key", "id", "--tag", "env=ci", "--tag", "team=dq")
	if code != 1 {
		t.Fatalf("exit code %d, want 1 (failure)\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"failure (50 rows, 5 columns)", "VALIDATOR", "unique_key", "1 row repeats the key of an earlier row",
		`2 null values in column "email"`, "9 of 14 validators passed"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	id := runIDOf(t, out)
	got, err := openTestStore(t, url).Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != results.Failure || got.DataAsset != sample || got.Tags["env"] != "ci" || got.Tags["team"] != "dq" || got.Statistics.TotalRows != 50 {
		t.Errorf("stored result: %s %s %v %+v", got.Status, got.DataAsset, got.Tags, got.Statistics)
	}
}

func TestCheckPassingJSONAndStdin(t *testing.T) {
	dir := t.TempDir()
	url := "file://" + filepath.Join(dir, "store")
	good := filepath.Join(dir, "good.jsonl")
	if err := os.WriteFile(good, []byte("{\"id\": 1, \"v\": \"a\"}\n{\"id\": 2, \"v\": \"b\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := checkCLI(t, "", good, "--store", url, "--key", "id", "--output", "json", "--asset", "orders")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	r, err := results.Unmarshal(bytes.TrimSpace([]byte(out)))
	if err != nil {
		t.Fatalf("--output json is not a result document: %v\n%s", err, out)
	}
	if r.Status != results.Success || r.DataAsset != "orders" {
		t.Errorf("json result: %s %s", r.Status, r.DataAsset)
	}
	if ok, err := openTestStore(t, url).Exists(context.Background(), r.RunID); err != nil || !ok {
		t.Errorf("result %s not saved: %v", r.RunID, err)
	}
	// Standard input, format given, store from the environment; a medium issue
	// only is a warning and exits 0.
	t.Setenv("TRUTHOUND_STORE", url)
	out, errOut, code = checkCLI(t, "a,b\n1,x\n2,y\n3,z\n4,\n", "-", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "stdin: warning") {
		t.Errorf("stdin output:\n%s", out)
	}
	if _, err := openTestStore(t, url).Get(context.Background(), runIDOf(t, out)); err != nil {
		t.Errorf("stdin result not saved in $TRUTHOUND_STORE: %v", err)
	}
}

func TestCheckMultipleFiles(t *testing.T) {
	dir := t.TempDir()
	url := "file://" + filepath.Join(dir, "store")
	a := filepath.Join(dir, "a.csv")
	b := filepath.Join(dir, "b.csv")
	os.WriteFile(a, []byte("x\n1\n2\n"), 0o644)
	os.WriteFile(b, []byte("x\n1\n1\n"), 0o644)
	out, _, code := checkCLI(t, "", a, b, "--store", url, "--key", "x")
	if code != 1 || strings.Count(out, "run id: ") != 2 {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	n, err := openTestStore(t, url).Count(context.Background(), nil)
	if err != nil || n != 2 {
		t.Errorf("stored %d results (%v), want 2", n, err)
	}
}

func TestCheckBadUsage(t *testing.T) {
	dir := t.TempDir()
	url := "file://" + filepath.Join(dir, "store")
	f := filepath.Join(dir, "a.csv")
	os.WriteFile(f, []byte("x\n1\n"), 0o644)
	cases := []struct {
		args []string
		says string
	}{
		{[]string{}, "arg"},
		{[]string{f, "--store", url, "--output", "xml"}, "--output"},
		{[]string{f, "--store", url, "--format", "xml"}, "xml"},
		{[]string{f, "--store", url, "--tag", "novalue"}, "key=value"},
		{[]string{f, "--store", url, "--key", "nope"}, `"nope"`},
		{[]string{f, "--store", url, "--min-rows", "0"}, "--min-rows"},
		{[]string{filepath.Join(dir, "missing.csv"), "--store", url}, "missing.csv"},
		{[]string{f, "--store", "nosuch://x"}, "nosuch"},
	}
	for _, c := range cases {
		out, errOut, code := checkCLI(t, "", c.args...)
		if code != 2 || !strings.Contains(errOut, c.says) {
			t.Errorf("check %q: exit %d, stderr %q, want 2 mentioning %q (stdout %q)", c.args, code, errOut, c.says, out)
		}
	}
	// Through the real entry point: the error is printed once, with the prefix.
	var o, e bytes.Buffer
	if code := runWith([]string{"check", f, "--store", url, "--output", "xml"}, &o, &e); code != 2 || !strings.HasPrefix(e.String(), "truthound: bad --output") {
		t.Errorf("runWith: %d %q", code, e.String())
	}
	o.Reset()
	e.Reset()
	if code := runWith([]string{"check", f, "--store", url, "--min-rows", "5"}, &o, &e); code != 1 || e.Len() != 0 {
		t.Errorf("failure exit: %d %q", code, e.String())
	}
}
