package filesystem

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
	"github.com/truthound/truthound-go/stores/driver"
)

// testdataDir finds /work/shared/testdata (env TRUTHOUND_TESTDATA, else
// ../shared/testdata next to the repository root). Missing data fails the
// test when CI is set, and skips it otherwise.
func testdataDir(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv("TRUTHOUND_TESTDATA"); dir != "" {
		if _, err := os.Stat(dir); err == nil {
			return dir
		}
		missingTestdata(t, "TRUTHOUND_TESTDATA="+dir+" does not exist")
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			cand := filepath.Join(dir, "..", "shared", "testdata")
			if _, err := os.Stat(cand); err == nil {
				return cand
			}
			break
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	missingTestdata(t, "shared test data not found (set TRUTHOUND_TESTDATA)")
	return ""
}

func missingTestdata(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// copyTree copies the folder src into dst.
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if de.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// upstreamStore copies an upstream fixture folder to a temporary base and
// returns the base.
func upstreamStore(t testing.TB, name string) string {
	t.Helper()
	base := t.TempDir()
	copyTree(t, filepath.Join(testdataDir(t), "upstream", name), base)
	return base
}

var baseTime = time.Date(2024, 5, 6, 7, 8, 9, 0, results.NaiveZone)

// newResult returns a small realistic result.
func newResult(id string, i int) *results.ValidationResult {
	col := "email"
	msg := fmt.Sprintf("%d null values", i%7)
	r := results.FromValidators([]string{"customers.csv", "orders.parquet", "events.jsonl"}[i%3],
		baseTime.Add(time.Duration(i)*time.Second), []results.ValidatorResult{
			{ValidatorName: "not_null", Success: i%5 != 0, Column: &col, Count: int64(i % 7), Message: &msg, ExecutionTimeMS: 1.5},
			{ValidatorName: "unique", Success: true, Column: &col, ExecutionTimeMS: 0.25},
		}, 1000, 12)
	r.RunID = id
	r.Tags = map[string]string{"env": []string{"prod", "dev"}[i%2], "team": "dq"}
	return r
}

// openStore opens a results store in base with opts (BasePath set to base).
func openStore(t testing.TB, base string, opts Options) *stores.Store {
	t.Helper()
	opts.BasePath = base
	s, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustSave(t testing.TB, s *stores.Store, r *results.ValidationResult) {
	t.Helper()
	if err := s.Save(context.Background(), r); err != nil {
		t.Fatalf("save %s: %v", r.RunID, err)
	}
}

// verify runs Verify on the store's driver and fails on any problem.
func verifyClean(t testing.TB, s *stores.Store) {
	t.Helper()
	problems, err := s.Driver().(driver.Verifier).Verify(context.Background())
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if len(problems) > 0 {
		t.Fatalf("verify found %d problems:\n%s", len(problems), joinLines(problems))
	}
}

func joinLines(ss []string) string {
	out := ""
	for _, s := range ss {
		out += "  " + s + "\n"
	}
	return out
}

func timeSecond(i int) time.Duration { return time.Duration(i) * time.Second }
