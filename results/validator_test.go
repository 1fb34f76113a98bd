package results

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestStreamChunkLinesRoundTrip(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testdataDir(t), "upstream", "stream", "run_none", "*_chunk_*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no chunk files: %v", err)
	}
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			line := sc.Bytes()
			v, err := UnmarshalValidator(line)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out, err := MarshalValidator(&v)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, line) {
				t.Errorf("%s: line differs:\n got %s\nwant %s", filepath.Base(f), out, line)
			}
			if n == 0 && (v.ValidatorName != "v0" || v.Success || v.Severity != Critical) {
				t.Errorf("first record: %+v", v)
			}
			n++
		}
	}
	if n != 25 {
		t.Errorf("read %d records, want 25", n)
	}
}

func TestValidatorJSONInterfaces(t *testing.T) {
	col := "c"
	in := []ValidatorResult{{ValidatorName: "a", Success: true, Column: &col}, {ValidatorName: "b", Count: 2, Severity: Low}}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var back []ValidatorResult
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if len(back) != 2 || *back[0].Column != "c" || back[1].Severity != Low || back[1].Count != 2 {
		t.Errorf("back: %+v", back)
	}
	for _, bad := range []string{``, `[]`, `{"success": true}`, `{"validator_name": "v", "success": true} x`, `{"validator_name": "v", "success": 1}`} {
		if _, err := UnmarshalValidator([]byte(bad)); !errors.Is(err, ErrInvalid) {
			t.Errorf("UnmarshalValidator(%q): %v", bad, err)
		}
	}
	if _, err := MarshalValidator(nil); !errors.Is(err, ErrInvalid) {
		t.Error("nil")
	}
	if got, _ := AppendValidator([]byte("x"), &in[0]); !bytes.HasPrefix(got, []byte(`x{"validator_name": "a"`)) {
		t.Errorf("append: %s", got)
	}
}

func TestGzipFixturesRoundTrip(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testdataDir(t), "upstream", "fs-gzip", "*", "*", "*.json.gz"))
	if err != nil || len(files) != 4 {
		t.Fatalf("want 4 gzip fixtures, got %d (%v)", len(files), err)
	}
	for _, f := range files {
		raw, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzipReader(raw)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Decode(zr)
		raw.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		plain := filepath.Join(testdataDir(t), "upstream", "fs-plain", "default", "validations", r.RunID+".json")
		want, err := os.ReadFile(plain)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := Marshal(r)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: differs from the plain fixture", f)
		}
	}
}
