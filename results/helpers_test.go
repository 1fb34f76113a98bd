package results

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// testdataDir returns the shared test data folder: $TRUTHOUND_TESTDATA, else
// ../shared/testdata next to the repository root. Missing data fails the test when
// $CI is set and skips it otherwise.
func testdataDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("TRUTHOUND_TESTDATA"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			cand := filepath.Join(dir, "..", "shared", "testdata")
			if fi, err := os.Stat(cand); err == nil && fi.IsDir() {
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

// testdataPathNoSkip returns rel inside the shared test data folder, or "" when it
// cannot be found (for optional fuzz seeds).
func testdataPathNoSkip(rel string) string {
	if d := os.Getenv("TRUTHOUND_TESTDATA"); d != "" {
		return filepath.Join(d, rel)
	}
	wd, _ := os.Getwd()
	for dir := wd; filepath.Dir(dir) != dir; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "testdata", rel)
		}
	}
	return ""
}

func gzipReader(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }
