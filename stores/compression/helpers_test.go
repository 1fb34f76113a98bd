package compression

import (
	"archive/zip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"testing"
)

// testdataDir returns the shared test data folder: $TRUTHOUND_TESTDATA, or
// ../shared/testdata next to the repository root. It fails the test under CI
// when the folder is missing and skips it otherwise.
func testdataDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("TRUTHOUND_TESTDATA"); d != "" {
		if _, err := os.Stat(d); err == nil {
			return d
		}
		missing(t, "TRUTHOUND_TESTDATA="+d+" does not exist")
	}
	_, file, _, _ := runtime.Caller(0)
	for dir := filepath.Dir(file); ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(dir, "..", "shared", "testdata")
			if _, err := os.Stat(d); err == nil {
				return d
			}
			break
		}
		if dir == filepath.Dir(dir) {
			break
		}
	}
	missing(t, "shared test data not found (set TRUTHOUND_TESTDATA)")
	return ""
}

func missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// needTool returns the path of a reference tool; it fails under CI when it
// is missing (scripts/install-tools installs them) and skips otherwise.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, name+" not installed (run scripts/install-tools)")
	}
	return p
}

// readFixture reads a file of the shared test data.
func readFixture(t testing.TB, rel ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{testdataDir(t)}, rel...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// corpusFile is one input of the compression corpora.
type corpusFile struct {
	name string
	data []byte
}

// loadCorpus returns every file of corpus/, the silesia zips unpacked, each
// truncated to maxSize bytes when maxSize > 0.
func loadCorpus(t testing.TB, maxSize int) []corpusFile {
	t.Helper()
	root := filepath.Join(testdataDir(t), "corpus")
	var out []corpusFile
	err := filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if filepath.Ext(path) == ".zip" {
			zr, err := zip.OpenReader(path)
			if err != nil {
				return err
			}
			defer zr.Close()
			for _, f := range zr.File {
				if f.FileInfo().IsDir() {
					continue
				}
				rc, err := f.Open()
				if err != nil {
					return err
				}
				var r io.Reader = rc
				if maxSize > 0 {
					r = io.LimitReader(rc, int64(maxSize))
				}
				b, err := io.ReadAll(r)
				rc.Close()
				if err != nil {
					return err
				}
				out = append(out, corpusFile{rel + "/" + f.Name, b})
			}
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if maxSize > 0 && len(b) > maxSize {
			b = b[:maxSize]
		}
		out = append(out, corpusFile{rel, b})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	if len(out) == 0 {
		t.Fatal("empty corpus")
	}
	return out
}
