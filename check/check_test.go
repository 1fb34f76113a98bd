package check

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/truthound/truthound-go/results"
)

// find returns the result of validator name (for column col, "" for none).
func find(t *testing.T, r *results.ValidationResult, name, col string) results.ValidatorResult {
	t.Helper()
	for _, v := range r.Results {
		if v.ValidatorName != name {
			continue
		}
		if (col == "" && v.Column == nil) || (v.Column != nil && *v.Column == col) {
			return v
		}
	}
	t.Fatalf("no %s result for column %q", name, col)
	return results.ValidatorResult{}
}

func run(t *testing.T, in string, f Format, o Options) *results.ValidationResult {
	t.Helper()
	r, err := Run(context.Background(), strings.NewReader(in), f, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := results.Marshal(r); err != nil {
		t.Fatalf("result does not marshal: %v", err)
	}
	return r
}

const crafted = `id,name,score,active,joined
1,ann,1.5,true,2024-01-01
2,,2,false,2024-01-02
3,cid,x,TRUE,2024-01-03T10:00:00
2,dee,4,false,not a date
5,eve,,true,
5,eve,,true,
`

func TestCSVKnownAnswers(t *testing.T) {
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, results.NaiveZone)
	r := run(t, crafted, CSV, Options{Key: []string{"id"}, DataAsset: "crafted.csv", RunTime: at, Tags: map[string]string{"env": "test"}})
	if r.DataAsset != "crafted.csv" || !r.RunTime.Equal(at) || r.Tags["env"] != "test" {
		t.Errorf("asset/time/tags: %v %v %v", r.DataAsset, r.RunTime, r.Tags)
	}
	if r.Statistics.TotalRows != 6 || r.Statistics.TotalColumns != 5 {
		t.Errorf("rows/cols = %d/%d", r.Statistics.TotalRows, r.Statistics.TotalColumns)
	}
	if v := find(t, r, "row_count", ""); !v.Success {
		t.Errorf("row_count: %+v", v)
	}
	if v := find(t, r, "row_width", ""); !v.Success {
		t.Errorf("row_width: %+v", v)
	}
	// id 2 repeats once, id 5 repeats once.
	if v := find(t, r, "unique_key", "id"); v.Success || v.Count != 2 || v.Severity != results.High {
		t.Errorf("unique_key: %+v", v)
	} else if got := v.Details["sample_values"].([]any); len(got) != 2 || got[0] != "2" || got[1] != "5" {
		t.Errorf("unique_key samples: %v", got)
	}
	if v := find(t, r, "duplicate_rows", ""); v.Success || v.Count != 1 || v.Details["sample_rows"].([]any)[0] != int64(6) {
		t.Errorf("duplicate_rows: %+v", v)
	}
	nulls := map[string]int64{"id": 0, "name": 1, "score": 2, "active": 0, "joined": 2}
	for col, n := range nulls {
		v := find(t, r, "not_null", col)
		if v.Count != n || v.Success != (n == 0) {
			t.Errorf("not_null %s: count %d success %v, want %d", col, v.Count, v.Success, n)
		}
	}
	if v := find(t, r, "not_null", "name"); v.Severity != results.Medium || v.Details["sample_rows"].([]any)[0] != int64(2) {
		t.Errorf("not_null name: %+v", v)
	}
	if v := find(t, r, "not_null", "joined"); v.Severity != results.Medium {
		t.Errorf("2 of 6 null is medium: %+v", v)
	}
	types := []struct {
		col, inferred string
		bad           int64
		sample        string
	}{
		{"id", "int", 0, ""},
		{"name", "string", 0, ""},
		{"score", "float", 1, "x"}, // 1.5, 2, 4 are numbers; x is not
		{"active", "bool", 0, ""},
		{"joined", "date", 1, "not a date"},
	}
	for _, c := range types {
		v := find(t, r, "type_consistency", c.col)
		if v.Details["inferred_type"] != c.inferred || v.Count != c.bad || v.Success != (c.bad == 0) {
			t.Errorf("type_consistency %s: %+v", c.col, v)
		}
		if c.bad > 0 && v.Details["sample_values"].([]any)[0] != c.sample {
			t.Errorf("type_consistency %s samples: %v", c.col, v.Details["sample_values"])
		}
	}
	if r.Status != results.Failure {
		t.Errorf("status %s, want failure (duplicate keys are high)", r.Status)
	}
	st := r.Statistics
	if st.TotalValidators != int64(len(r.Results)) || st.PassedValidators+st.FailedValidators != st.TotalValidators || st.HighIssues != 1 {
		t.Errorf("statistics %+v", st)
	}
	// Results: row_count, row_width, unique_key, duplicate_rows, then per column.
	if r.Results[4].ValidatorName != "not_null" || *r.Results[5].Column != "id" || r.Results[5].ValidatorName != "type_consistency" {
		t.Errorf("order: %s %s", r.Results[4].ValidatorName, r.Results[5].ValidatorName)
	}
}

func TestCSVRaggedAndEmpty(t *testing.T) {
	r := run(t, "a,b,c\n1,2,3\n4,5\n6,7,8,9\n", CSV, Options{})
	if v := find(t, r, "row_width", ""); v.Success || v.Count != 2 || v.Severity != results.High {
		t.Errorf("row_width: %+v", v)
	}
	if v := find(t, r, "not_null", "c"); v.Count != 1 {
		t.Errorf("missing field is null: %+v", v)
	}
	// Empty input: no rows, row_count fails (critical).
	r = run(t, "", CSV, Options{})
	if v := find(t, r, "row_count", ""); v.Success || v.Severity != results.Critical || v.Count != 1 {
		t.Errorf("empty: %+v", v)
	}
	if r.Status != results.Failure {
		t.Errorf("empty: status %s", r.Status)
	}
	// Header only, MinRows 3.
	r = run(t, "a,b\n", CSV, Options{MinRows: 3})
	if v := find(t, r, "row_count", ""); v.Success || v.Count != 3 || !strings.Contains(*v.Message, "0 rows") {
		t.Errorf("header only: %+v", v)
	}
}

func TestCSVQuotesSeparatorBOM(t *testing.T) {
	in := "\ufeffid;note\n1;\"a;b\"\n2;\"multi\nline\"\n3;\n"
	r := run(t, in, CSV, Options{Comma: ';', Key: []string{"id"}})
	if r.Statistics.TotalRows != 3 || r.Statistics.TotalColumns != 2 {
		t.Fatalf("rows/cols %d/%d", r.Statistics.TotalRows, r.Statistics.TotalColumns)
	}
	if v := find(t, r, "unique_key", "id"); !v.Success {
		t.Errorf("BOM must not hide the id column: %+v", v)
	}
	if v := find(t, r, "not_null", "note"); v.Count != 1 || v.Details["sample_rows"].([]any)[0] != int64(3) {
		t.Errorf("note nulls: %+v", v)
	}
}

func TestJSONLKnownAnswers(t *testing.T) {
	in := `{"id": 1, "email": "a@x.io", "age": 30, "ts": "2024-01-01T00:00:00Z"}

{"id": 2, "email": null, "age": 31.5, "ts": "2024-01-02"}
{"id": 3, "email": "c@x.io", "age": "old", "ts": "2024-01-03", "late": true}
{"id": 3, "email": "d@x.io", "age": 33, "ts": "soon", "late": false}
{"id": 3, "email": "d@x.io", "age": 33, "ts": "soon", "late": false, "extra": null}
{"ts": "2024-01-04", "email": "e\u00e9@x.io", "age": 35, "id": 6, "nested": {"a": [1, "}"]}}
`
	r := run(t, in, Auto, Options{Key: []string{"id"}})
	if r.Metadata["format"] != "jsonl" {
		t.Errorf("sniffed format %v", r.Metadata["format"])
	}
	if r.Statistics.TotalRows != 6 || r.Statistics.TotalColumns != 7 {
		t.Errorf("rows/cols = %d/%d (columns %v)", r.Statistics.TotalRows, r.Statistics.TotalColumns, r.Metadata["columns"])
	}
	if v := find(t, r, "unique_key", "id"); v.Count != 2 {
		t.Errorf("unique_key: %+v", v)
	}
	// Row 5 equals row 4 once the null "extra" is ignored.
	if v := find(t, r, "duplicate_rows", ""); v.Count != 1 {
		t.Errorf("duplicate_rows: %+v", v)
	}
	// "late" appears on row 3: rows 1, 2 and 6 lack it.
	if v := find(t, r, "not_null", "late"); v.Count != 3 || len(v.Details["sample_rows"].([]any)) != 3 {
		t.Errorf("not_null late: %+v", v)
	}
	if v := find(t, r, "not_null", "email"); v.Count != 1 {
		t.Errorf("not_null email: %+v", v)
	}
	if v := find(t, r, "type_consistency", "age"); v.Details["inferred_type"] != "float" || v.Count != 1 || v.Details["sample_values"].([]any)[0] != "old" {
		t.Errorf("type age: %+v", v)
	}
	if v := find(t, r, "type_consistency", "ts"); v.Details["inferred_type"] != "date" || v.Count != 2 {
		t.Errorf("type ts: %+v", v)
	}
	if v := find(t, r, "type_consistency", "nested"); !v.Success || v.Details["inferred_type"] != "object" {
		t.Errorf("type nested: %+v", v)
	}
	if v := find(t, r, "type_consistency", "extra"); !v.Success || v.Details["inferred_type"] != "null" {
		t.Errorf("type extra: %+v", v)
	}
}

func TestCompositeKey(t *testing.T) {
	in := "a,b\n1,x\n1,y\n2,x\n1,x\n,x\n,x\n"
	r := run(t, in, CSV, Options{Key: []string{"a", "b"}})
	v := find(t, r, "unique_key", "a, b")
	if v.Count != 1 || v.Details["null_keys"] != int64(2) {
		t.Errorf("composite: %+v", v)
	}
	if s := v.Details["sample_values"].([]any)[0].([]any); s[0] != "1" || s[1] != "x" {
		t.Errorf("sample %v", s)
	}
}

func TestInferText(t *testing.T) {
	cases := map[string]kind{"1": kInt, "-12": kInt, "+3": kInt, "1.5": kFloat, ".5": kFloat, "1.": kFloat, "1e3": kFloat, "-2.5E-3": kFloat,
		"NaN": kFloat, "-inf": kFloat, "true": kBool, "FALSE": kBool, "2024-01-02": kDate, "2024-01-02 03:04:05": kDate,
		"2024-13-02": kString, "abc": kString, "1e": kString, "-": kString, "1,5": kString, "0x10": kString, "yes": kString, "e5": kString}
	for s, want := range cases {
		if got := inferText(s); got != want {
			t.Errorf("inferText(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestBadInputAndOptions(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		in   string
		f    Format
		o    Options
		want error
		says string
	}{
		{"a,b\n1,\"x\n", CSV, Options{}, ErrInvalidInput, "line"},
		{"a,b\n1,x\"y\n", CSV, Options{}, ErrInvalidInput, "line 2"},
		{"{\"a\": 1}\n{\"a\": \n", JSONL, Options{}, ErrInvalidInput, "line 2"},
		{"{\"a\": 1}\n[1, 2]\n", JSONL, Options{}, ErrInvalidInput, "object"},
		{"{\"a\": NaN}\n", JSONL, Options{}, ErrInvalidInput, "line 1"},
		{"a,b\n1,2\n", CSV, Options{Key: []string{"c"}}, ErrInvalidOption, `"c"`},
		{"{\"a\": 1}\n", JSONL, Options{Key: []string{"c"}}, ErrInvalidOption, `"c"`},
		{"a\n", CSV, Options{Key: []string{"a", "a"}}, ErrInvalidOption, "repeated"},
		{"a\n", CSV, Options{SampleSize: -1}, ErrInvalidOption, "SampleSize"},
		{"a\n", CSV, Options{MinRows: -1}, ErrInvalidOption, "MinRows"},
		{"a\n", CSV, Options{Comma: '"'}, ErrInvalidOption, "separator"},
		{"a\n", Format(9), Options{}, ErrInvalidOption, "format"},
		{"a,b,c\n", CSV, Options{MaxColumns: 2}, ErrInvalidInput, "3 columns"},
		{"{\"a\": 1}\n{\"b\": 1}\n{\"c\": 1}\n", JSONL, Options{MaxColumns: 2}, ErrInvalidInput, "line 3: more than 2 columns"},
		{"a\n", CSV, Options{MaxColumns: -1}, ErrInvalidOption, "MaxColumns"},
	}
	for _, c := range cases {
		_, err := Run(ctx, strings.NewReader(c.in), c.f, c.o)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("Run(%q, %v, %+v) = %v, want %v mentioning %q", c.in, c.f, c.o, err, c.want, c.says)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Run(cctx, strings.NewReader("a\n1\n"), CSV, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
}

func TestFormats(t *testing.T) {
	for s, want := range map[string]Format{"csv": CSV, "JSONL": JSONL, "ndjson": JSONL, "": Auto, "auto": Auto} {
		if f, err := ParseFormat(s); err != nil || f != want {
			t.Errorf("ParseFormat(%q) = %v, %v", s, f, err)
		}
	}
	if _, err := ParseFormat("xml"); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("xml: %v", err)
	}
	for p, want := range map[string]Format{"a.csv": CSV, "a.CSV.gz": CSV, "x/y.jsonl": JSONL, "b.ndjson.gz": JSONL, "t.tsv": CSV, "data": Auto} {
		if f := FormatFromPath(p); f != want {
			t.Errorf("FormatFromPath(%q) = %v", p, f)
		}
	}
	if CSV.String() != "csv" || JSONL.String() != "jsonl" || Auto.String() != "auto" {
		t.Error("String")
	}
}

func TestRunFile(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "data.tsv")
	if err := os.WriteFile(plain, []byte("id\tv\n1\ta\n1\tb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := RunFile(context.Background(), plain, Auto, Options{Key: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.DataAsset != plain || r.Statistics.TotalColumns != 2 || find(t, r, "unique_key", "id").Count != 1 {
		t.Errorf("tsv: %s %+v", r.DataAsset, r.Statistics)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("{\"a\": 1}\n{\"a\": null}\n"))
	zw.Close()
	gz := filepath.Join(dir, "d.jsonl.gz")
	if err := os.WriteFile(gz, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err = RunFile(context.Background(), gz, Auto, Options{DataAsset: "named"})
	if err != nil {
		t.Fatal(err)
	}
	if r.DataAsset != "named" || find(t, r, "not_null", "a").Count != 1 || r.Status != results.Failure {
		t.Errorf("gz: %s %s", r.DataAsset, r.Status)
	}
	if _, err := RunFile(context.Background(), filepath.Join(dir, "missing.csv"), Auto, Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	bad := filepath.Join(dir, "bad.csv.gz")
	os.WriteFile(bad, []byte("not gzip"), 0o644)
	if _, err := RunFile(context.Background(), bad, Auto, Options{}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("bad gzip: %v", err)
	}
}

func TestSampleCSV(t *testing.T) {
	r, err := RunFile(context.Background(), filepath.Join("..", "testdata", "sample.csv"), Auto, Options{Key: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Statistics.TotalRows != 50 || r.Statistics.TotalColumns != 5 || r.Status != results.Failure {
		t.Errorf("sample: %+v %s", r.Statistics, r.Status)
	}
	if v := find(t, r, "unique_key", "id"); v.Count != 1 || v.Details["sample_values"].([]any)[0] != "1029" {
		t.Errorf("sample unique_key: %+v", v)
	}
	if v := find(t, r, "not_null", "email"); v.Count != 2 || v.Severity != results.Low {
		t.Errorf("sample email nulls: %+v", v)
	}
	if v := find(t, r, "type_consistency", "age"); v.Count != 1 || v.Details["inferred_type"] != "int" {
		t.Errorf("sample age: %+v", v)
	}
}

func TestBatchBoundaries(t *testing.T) {
	// Wide CSV: 600 columns x 1000 rows spans several batches; column j is empty
	// in rows where row%(j+1) == 0.
	const cols, rows = 600, 1000
	var b strings.Builder
	for j := 0; j < cols; j++ {
		if j > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "c%d", j)
	}
	b.WriteByte('\n')
	for r := 1; r <= rows; r++ {
		for j := 0; j < cols; j++ {
			if j > 0 {
				b.WriteByte(',')
			}
			if r%(j+1) != 0 {
				fmt.Fprintf(&b, "%d", r)
			}
		}
		b.WriteByte('\n')
	}
	res := run(t, b.String(), CSV, Options{})
	for _, j := range []int{0, 1, 6, 599} {
		if v := find(t, res, "not_null", fmt.Sprintf("c%d", j)); v.Count != int64(rows/(j+1)) {
			t.Errorf("c%d: %d nulls, want %d", j, v.Count, rows/(j+1))
		}
	}
	// JSONL: a column that first appears on row 3000 of 5000; duplicates across
	// batches are found.
	b.Reset()
	for r := 1; r <= 5000; r++ {
		if r >= 3000 {
			fmt.Fprintf(&b, "{\"id\": %d, \"late\": %d}\n", r%4000, r)
		} else {
			fmt.Fprintf(&b, "{\"id\": %d}\n", r)
		}
	}
	res = run(t, b.String(), JSONL, Options{Key: []string{"id"}})
	if v := find(t, res, "not_null", "late"); v.Count != 2999 || v.Details["sample_rows"].([]any)[4] != int64(5) {
		t.Errorf("late column: %+v", v)
	}
	// Rows 4000..5000 reuse ids 0..1000, of which 1..1000 were seen before row 3000
	// (id 0 is new).
	if v := find(t, res, "unique_key", "id"); v.Count != 1000 {
		t.Errorf("unique_key across batches: %d", v.Count)
	}
}
