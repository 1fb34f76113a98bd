package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/truthound/truthound-go/stores/compression"
)

// compressRun runs the command line with stdin and returns stdout and the
// error the command returned.
func compressRun(t *testing.T, stdin []byte, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetIn(bytes.NewReader(stdin))
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func sampleData() []byte {
	return bytes.Repeat([]byte(`{"run_id": "run_1", "status": "failure", "data_asset": "customers.csv"}`+"\n"), 3000)
}

func TestCompressCommandRoundTrip(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "results.jsonl")
	data := sampleData()
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"gzip", "zstd", "lz4", "snappy", "brotli", "deflate", "lzma", "bz2", "none"} {
		t.Run(a, func(t *testing.T) {
			alg, _ := compression.ParseAlgorithm(a)
			out := filepath.Join(dir, "c-"+a+extensions[alg])
			if _, err := compressRun(t, nil, "compress", in, "-a", a, "-l", "fast", "-o", out); err != nil {
				t.Fatal(err)
			}
			c, _ := os.ReadFile(out)
			if a != "none" && len(c) >= len(data)/5 {
				t.Errorf("%s output is %d bytes for %d in", a, len(c), len(data))
			}
			back := filepath.Join(dir, "back-"+a)
			args := []string{"decompress", out, "-o", back}
			if a == "none" {
				args = append(args, "-a", "none")
			}
			if _, err := compressRun(t, nil, args...); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(back)
			if !bytes.Equal(got, data) {
				t.Fatalf("round trip through %s differs", a)
			}
		})
	}
}

func TestCompressCommandDefaultsAndErrors(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "r.json")
	os.WriteFile(in, sampleData(), 0o644)
	// Default codec zstd, default output name FILE.zst; decompress strips it.
	if _, err := compressRun(t, nil, "compress", in); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(in + ".zst"); err != nil {
		t.Fatalf("default output: %v", err)
	}
	if _, err := compressRun(t, nil, "compress", in); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("overwriting without -f: %v", err)
	}
	if _, err := compressRun(t, nil, "decompress", in+".zst", "-f"); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(in); !bytes.Equal(got, sampleData()) {
		t.Error("decompress to the default name differs")
	}
	// The codec is sniffed from magic bytes when the name says nothing.
	odd := filepath.Join(dir, "blob.bin")
	if _, err := compressRun(t, nil, "compress", in, "-a", "xz", "-o", odd); err != nil {
		t.Fatal(err)
	}
	if out, err := compressRun(t, nil, "decompress", odd, "-o", "-"); err != nil || out != string(sampleData()) {
		t.Errorf("sniffed xz: %v", err)
	}
	// Standard input to standard output.
	out, err := compressRun(t, sampleData(), "compress", "-", "-a", "gzip")
	if err != nil {
		t.Fatal(err)
	}
	if back, err := compressRun(t, []byte(out), "decompress", "-", "-a", "gzip"); err != nil || back != string(sampleData()) {
		t.Errorf("stdin/stdout gzip: %v", err)
	}
	// Bad input and options are errors, and no output file is left behind.
	if _, err := compressRun(t, nil, "compress", in, "-a", "rar", "-o", filepath.Join(dir, "x")); !errors.Is(err, compression.ErrUnsupported) {
		t.Errorf("-a rar: %v", err)
	}
	if _, err := compressRun(t, nil, "compress", in, "-l", "ultra", "-o", filepath.Join(dir, "x")); !errors.Is(err, compression.ErrInvalidLevel) {
		t.Errorf("-l ultra: %v", err)
	}
	garbage := filepath.Join(dir, "garbage.gz")
	os.WriteFile(garbage, []byte("this is not gzip at all"), 0o644)
	if _, err := compressRun(t, nil, "decompress", garbage); !errors.Is(err, compression.ErrCorrupt) {
		t.Errorf("garbage .gz: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "garbage")); err == nil {
		t.Error("a failed decompress left its output behind")
	}
	if _, err := compressRun(t, nil, "decompress", filepath.Join(dir, "r.json")); err == nil {
		t.Error("decompress of a file with no codec extension and no -o succeeded")
	}
}

func TestCompressCommandReferenceTools(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "r.json")
	os.WriteFile(in, sampleData(), 0o644)
	for _, c := range []struct{ algo, tool, ext string }{{"gzip", "gzip", ".gz"}, {"zstd", "zstd", ".zst"}, {"lz4", "lz4", ".lz4"}, {"brotli", "brotli", ".br"}, {"lzma", "xz", ".xz"}, {"bz2", "bzip2", ".bz2"}} {
		t.Run(c.tool, func(t *testing.T) {
			tool, err := exec.LookPath(c.tool)
			if err != nil {
				if os.Getenv("CI") != "" {
					t.Fatalf("%s not installed (scripts/install-tools)", c.tool)
				}
				t.Skipf("%s not installed (run scripts/install-tools)", c.tool)
			}
			out := filepath.Join(dir, "ours"+c.ext)
			if _, err := compressRun(t, nil, "compress", in, "-a", c.algo, "-o", out, "-f"); err != nil {
				t.Fatal(err)
			}
			got, err := exec.Command(tool, "-dc", out).Output()
			if err != nil || !bytes.Equal(got, sampleData()) {
				t.Fatalf("%s -dc of our output: %v", c.tool, err)
			}
			theirs, err := exec.Command(tool, "-c", in).Output()
			if err != nil {
				t.Fatal(err)
			}
			tf := filepath.Join(dir, "theirs"+c.ext)
			os.WriteFile(tf, theirs, 0o644)
			if back, err := compressRun(t, nil, "decompress", tf, "-o", "-"); err != nil || back != string(sampleData()) {
				t.Fatalf("decompress of %s output: %v", c.tool, err)
			}
		})
	}
}

func TestCompressBenchCommand(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "r.json")
	os.WriteFile(in, sampleData(), 0o644)
	out, err := compressRun(t, nil, "compress", "bench", in, "--output", "json", "--algorithms", "gzip,lz4", "--levels", "fast,maximum", "--min-time", "1ms")
	if err != nil {
		t.Fatal(err)
	}
	var rs []compression.BenchResult
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if len(rs) != 4 {
		t.Fatalf("%d results, want 4", len(rs))
	}
	for _, r := range rs {
		if r.Name != "r.json" || r.Ratio < 5 || r.CompressMBps <= 0 || r.DecompressMBps <= 0 || r.RawCompressMBps <= 0 || r.RawDecompressMBps <= 0 || r.Size != int64(len(sampleData())) {
			t.Errorf("result %+v", r)
		}
	}
	if rs[0].AlgorithmName != "gzip" || rs[0].LevelName != "fast" || rs[0].NativeLevel != 3 || rs[3].AlgorithmName != "lz4" || rs[3].NativeLevel != 12 {
		t.Errorf("order or levels: %+v", rs)
	}
	table, err := compressRun(t, nil, "compress", "bench", in, "--algorithms", "snappy", "--levels", "balanced", "--min-time", "1ms")
	if err != nil || !strings.Contains(table, "snappy") || !strings.Contains(table, "raw comp MB/s") {
		t.Errorf("table output: %v\n%s", err, table)
	}
	if _, err := compressRun(t, nil, "compress", "bench", in, "--output", "xml"); err == nil {
		t.Error("--output xml accepted")
	}
}
