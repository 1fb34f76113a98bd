package encryption

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// sharedTestdata returns the shared test-data folder: $TRUTHOUND_TESTDATA, or
// ../shared/testdata next to the repository root. It fails the test when the
// folder is missing and $CI is set, and skips it otherwise.
func sharedTestdata(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("TRUTHOUND_TESTDATA"); d != "" {
		if _, err := os.Stat(d); err == nil {
			return d
		}
	}
	_, file, _, _ := runtime.Caller(0)
	for dir := filepath.Dir(file); ; dir = filepath.Dir(dir) {
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
	if os.Getenv("CI") != "" {
		t.Fatal("shared test data not found: set TRUTHOUND_TESTDATA")
	}
	t.Skip("shared test data not found: set TRUTHOUND_TESTDATA to run this test")
	return ""
}
