package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func fixtureFiles(t *testing.T) []string {
	t.Helper()
	dir := filepath.Join(testdataDir(t), "upstream", "fs-plain", "default", "validations")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if filepath.Base(f) != "_index.json" {
			out = append(out, f)
		}
	}
	if len(out) != 4 {
		t.Fatalf("want 4 fixture results in %s, found %d", dir, len(out))
	}
	return out
}

func TestFixturesRoundTripByteForByte(t *testing.T) {
	for _, f := range fixtureFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Unmarshal(data)
			if err != nil {
				t.Fatal(err)
			}
			if r.RunID+".json" != filepath.Base(f) {
				t.Errorf("run id %q does not match file name", r.RunID)
			}
			out, err := Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, data) {
				t.Errorf("Marshal(Unmarshal(fixture)) differs:\n got: %s\nwant: %s", out, data)
			}
			// The clone writes the same bytes too.
			out2, err := Marshal(r.Clone())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out2, data) {
				t.Errorf("Marshal(Clone) differs")
			}
			// Compact form is the same JSON value.
			c, err := MarshalCompact(r)
			if err != nil {
				t.Fatal(err)
			}
			var a, b any
			if err := json.Unmarshal(c, &a); err != nil {
				t.Fatalf("compact form is not JSON: %v\n%s", err, c)
			}
			if err := json.Unmarshal(data, &b); err != nil {
				t.Fatal(err)
			}
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			if !bytes.Equal(ja, jb) {
				t.Errorf("compact form differs in value:\n%s\n%s", ja, jb)
			}
		})
	}
}

func TestFixtureContent(t *testing.T) {
	want := map[string]struct {
		status Status
		asset  string
	}{
		"custom-id.with.dots":          {Error, "s3://bucket/path/data.csv"},
		"run_20240102_030405_a1b2c3d4": {Failure, "customers.csv"},
		"run_20240103_000000_00000000": {Success, "orders.parquet"},
		"run_20240104_120000_deadbeef": {Warning, "customers.csv"},
	}
	for _, f := range fixtureFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Unmarshal(data)
		if err != nil {
			t.Fatal(err)
		}
		w, ok := want[r.RunID]
		if !ok {
			t.Fatalf("unexpected run id %q", r.RunID)
		}
		if r.Status != w.status || r.DataAsset != w.asset {
			t.Errorf("%s: got (%s, %s), want (%s, %s)", r.RunID, r.Status, r.DataAsset, w.status, w.asset)
		}
		if !IsNaive(r.RunTime) {
			t.Errorf("%s: run_time should be naive", r.RunID)
		}
		if r.RunID == "run_20240102_030405_a1b2c3d4" {
			if got := r.RunTime; !got.Equal(time.Date(2024, 1, 2, 3, 4, 5, 678901000, time.UTC)) {
				t.Errorf("run_time = %v", got)
			}
			v := r.Results[0]
			if v.ValidatorName != "not_null" || v.Success || *v.Column != "email" || v.Count != 5 || v.Severity != High {
				t.Errorf("first validator = %+v", v)
			}
			if *v.Message != "Found 5 null values \u2013 caf\u00e9" {
				t.Errorf("message = %q", *v.Message)
			}
			if v.Details["expected"] != json.Number("0") {
				t.Errorf("details.expected = %#v", v.Details["expected"])
			}
			if r.Statistics.TotalRows != 100 || r.Statistics.ExecutionTimeMS != 12.5 || r.Statistics.PassRate() != 0.5 {
				t.Errorf("statistics = %+v", r.Statistics)
			}
			if r.Tags["team"] != "dq" || *r.SuiteName != "customer_suite" {
				t.Errorf("tags/suite = %v %v", r.Tags, *r.SuiteName)
			}
		}
	}
}

func TestFloatRepr(t *testing.T) {
	cases := map[float64]string{
		0:                      "0.0",
		math.Copysign(0, -1):   "-0.0",
		1:                      "1.0",
		1.25:                   "1.25",
		0.01:                   "0.01",
		0.0001:                 "0.0001",
		0.00001:                "1e-05",
		1.5e-7:                 "1.5e-07",
		1e15:                   "1000000000000000.0",
		1e16:                   "1e+16",
		1.2345678901234567e16:  "1.2345678901234568e+16",
		123456789.125:          "123456789.125",
		-2.5e300:               "-2.5e+300",
		0.30000000000000004:    "0.30000000000000004",
		math.MaxFloat64:        "1.7976931348623157e+308",
		5e-324:                 "5e-324",
		math.Inf(1):            "Infinity",
		math.Inf(-1):           "-Infinity",
		9999999999999998:       "9999999999999998.0",
		100:                    "100.0",
		1.0 / 3:                "0.3333333333333333",
		12345678901234567890.0: "1.2345678901234567e+19",
	}
	for f, want := range cases {
		if got := string(appendFloat(nil, f)); got != want {
			t.Errorf("repr(%v) = %s, want %s", f, got, want)
		}
	}
	if got := string(appendFloat(nil, math.NaN())); got != "NaN" {
		t.Errorf("repr(NaN) = %s", got)
	}
}

func TestEnsureASCII(t *testing.T) {
	cases := map[string]string{
		"plain":           `"plain"`,
		"caf\u00e9":       `"caf\u00e9"`,
		"\u2013":          `"\u2013"`,
		"\U0001F600":      `"\ud83d\ude00"`,
		"q\"b\\":          `"q\"b\\"`,
		"\n\r\t\b\f":      `"\n\r\t\b\f"`,
		"\x00\x1f\x7f":    `"\u0000\u001f\u007f"`,
		"bad\xffbyte":     `"bad\ufffdbyte"`,
		"/slash":          `"/slash"`,
		"\xed\xa0\x80end": `"\ud800end"`, // lone surrogate kept from an escape
	}
	for in, want := range cases {
		var w writer
		w.str(in)
		if got := string(w.b); got != want {
			t.Errorf("str(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestStringEscapesRoundTrip(t *testing.T) {
	doc := `{"run_id": "r\u00e9\ud83d\ude00\ud800x\/", "run_time": "2024-01-01T00:00:00", "data_asset": "a", "status": "success"}`
	r, err := Unmarshal([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.RunID, "ré😀") {
		t.Errorf("run id = %q", r.RunID)
	}
	out, err := MarshalCompact(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`"run_id": "r\u00e9\ud83d\ude00\ud800x/"`)) {
		t.Errorf("escapes not written back: %s", out)
	}
}

func minimal(extra string) string {
	return `{"run_id": "r1", "run_time": "2024-01-02T03:04:05", "data_asset": "a.csv", "status": "success"` + extra + `}`
}

func TestDefaultsAndDerived(t *testing.T) {
	r, err := Unmarshal([]byte(minimal("")))
	if err != nil {
		t.Fatal(err)
	}
	if r.Results == nil || len(r.Results) != 0 || r.Tags == nil || r.Metadata == nil || r.RuntimeEnvironment == nil || r.SuiteName != nil {
		t.Errorf("defaults not applied: %+v", r)
	}
	out, err := Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"results": []`, `"pass_rate": 1.0`, `"issue_rate": 0.0`, `"suite_name": null`, `"execution_time_ms": 0.0`} {
		if !bytes.Contains(out, []byte(s)) {
			t.Errorf("missing %s in\n%s", s, out)
		}
	}
	// Derived values in the input are ignored and recomputed.
	r, err = Unmarshal([]byte(minimal(`, "statistics": {"total_validators": 4, "passed_validators": 1, "total_rows": 8, "total_issues": 2, "pass_rate": 0.99, "issue_rate": 7}`)))
	if err != nil {
		t.Fatal(err)
	}
	out, _ = Marshal(r)
	if !bytes.Contains(out, []byte(`"pass_rate": 0.25`)) || !bytes.Contains(out, []byte(`"issue_rate": 0.25`)) {
		t.Errorf("derived not recomputed:\n%s", out)
	}
}

func TestUnknownKeysKept(t *testing.T) {
	in := `{"run_id": "r1", "zeta": {"b": 1, "a": [1.50, null]}, "run_time": "2024-01-02T03:04:05", "data_asset": "a", "status": "success",` +
		` "results": [{"validator_name": "v", "success": true, "extra_v": "x", "execution_time_ms": 3}],` +
		` "statistics": {"execution_time_ms": 1E2, "new_stat": 5}, "alpha": true}`
	r, err := Unmarshal([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	out, err := MarshalCompact(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		`"runtime_environment": {}, "zeta": {"b": 1, "a": [1.50, null]}, "alpha": true}`,
		`"execution_time_ms": 3, "extra_v": "x"}`,
		`"execution_time_ms": 1E2, "pass_rate": 1.0, "issue_rate": 0.0, "new_stat": 5}`,
	} {
		if !bytes.Contains(out, []byte(s)) {
			t.Errorf("missing %s in\n%s", s, out)
		}
	}
	// Changed values are written in Python form.
	r.Statistics.ExecutionTimeMS = 3
	out, _ = MarshalCompact(r)
	if !bytes.Contains(out, []byte(`"execution_time_ms": 3.0, "pass_rate"`)) {
		t.Errorf("changed value not re-rendered: %s", out)
	}
	// Stable: a second round trip gives the same bytes.
	r2, err := Unmarshal(out)
	if err != nil {
		t.Fatal(err)
	}
	out2, _ := MarshalCompact(r2)
	if !bytes.Equal(out, out2) {
		t.Errorf("not stable:\n%s\n%s", out, out2)
	}
}

func TestNaNAndInfinity(t *testing.T) {
	in := minimal(`, "results": [{"validator_name": "v", "success": false, "details": {"x": NaN, "y": [Infinity, -Infinity]}, "execution_time_ms": NaN}], "statistics": {"execution_time_ms": Infinity}`)
	r, err := Unmarshal([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(r.Results[0].ExecutionTimeMS) || !math.IsInf(r.Statistics.ExecutionTimeMS, 1) {
		t.Errorf("non-finite values not read: %v %v", r.Results[0].ExecutionTimeMS, r.Statistics.ExecutionTimeMS)
	}
	if f, err := r.Results[0].Details["x"].(json.Number).Float64(); err != nil || !math.IsNaN(f) {
		t.Errorf("details.x = %v %v", f, err)
	}
	out, err := MarshalCompact(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`{"x": NaN, "y": [Infinity, -Infinity]}`, `"execution_time_ms": NaN`, `"execution_time_ms": Infinity`} {
		if !bytes.Contains(out, []byte(s)) {
			t.Errorf("missing %s in %s", s, out)
		}
	}
	// NaN inside strings is left alone.
	r, err = Unmarshal([]byte(minimal(`, "metadata": {"s": "NaN Infinity"}`)))
	if err != nil || r.Metadata["s"] != "NaN Infinity" {
		t.Errorf("string mangled: %v %v", r, err)
	}
}

func TestHostileInputs(t *testing.T) {
	cases := []struct{ doc, mention string }{
		{``, "empty"},
		{`[]`, "document"},
		{`{"run_time": "2024-01-02T03:04:05", "data_asset": "a", "status": "success"}`, "run_id"},
		{`{"run_id": "r", "data_asset": "a", "status": "success"}`, "run_time"},
		{`{"run_id": "r", "run_time": "2024-01-02T03:04:05", "status": "success"}`, "data_asset"},
		{`{"run_id": "r", "run_time": "2024-01-02T03:04:05", "data_asset": "a"}`, "status"},
		{`{"run_id": 5, "run_time": "2024-01-02T03:04:05", "data_asset": "a", "status": "success"}`, "run_id"},
		{minimal(`, "status": "weird"`), `"weird"`},
		{`{"run_id": "r", "run_time": "yesterday", "data_asset": "a", "status": "success"}`, "run_time"},
		{`{"run_id": "r", "run_time": "2024-02-30T00:00:00", "data_asset": "a", "status": "success"}`, "run_time"},
		{minimal(`, "results": {}`), "results"},
		{minimal(`, "results": [5]`), "results[0]"},
		{minimal(`, "results": [{"success": true}]`), "results[0].validator_name"},
		{minimal(`, "results": [{"validator_name": "v"}]`), "results[0].success"},
		{minimal(`, "results": [{"validator_name": "v", "success": "yes"}]`), "results[0].success"},
		{minimal(`, "results": [{"validator_name": "v", "success": true, "count": 1.5}]`), "results[0].count"},
		{minimal(`, "results": [{"validator_name": "v", "success": true, "count": "3"}]`), "results[0].count"},
		{minimal(`, "results": [{"validator_name": "v", "success": true, "severity": "urgent"}]`), "urgent"},
		{minimal(`, "results": [{"validator_name": "v", "success": true, "details": []}]`), "results[0].details"},
		{minimal(`, "results": [{"validator_name": "v", "success": true, "execution_time_ms": "1"}]`), "results[0].execution_time_ms"},
		{minimal(`, "statistics": {"total_rows": -1.5}`), "statistics.total_rows"},
		{minimal(`, "statistics": {"total_rows": 99999999999999999999}`), "statistics.total_rows"},
		{minimal(`, "statistics": []`), "statistics"},
		{minimal(`, "tags": {"a": 1}`), "tags.a"},
		{minimal(`, "metadata": "x"`), "metadata"},
		{minimal(`, "suite_name": 3`), "suite_name"},
		{minimal(`, "metadata": {"a": tru}`), "offset"},
		{minimal(`, "metadata": {"a": "\x"}`), "escape"},
		{minimal(`, "metadata": {"a": 01}`), "offset"},
		{minimal(`, "metadata": {"a": 1.}`), "offset"},
		{minimal(`, "metadata": {"a": "` + "\x01" + `"}`), "control"},
		{minimal(`, "metadata": {"a": "` + "\xff" + `"}`), "UTF-8"},
		{minimal(`,`), "offset"},
		{minimal(``) + `x`, "after"},
		{`{"run_id": "r"`, "end of input"},
		{strings.Repeat("[", 20000), "document"},
		{minimal(`, "metadata": ` + strings.Repeat(`{"a":`, 20000) + `1` + strings.Repeat(`}`, 20000)), "deeply"},
	}
	for _, c := range cases {
		_, err := Unmarshal([]byte(c.doc))
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("Unmarshal(%.80q): err = %v, want ErrInvalid", c.doc, err)
			continue
		}
		if !strings.Contains(err.Error(), c.mention) {
			t.Errorf("Unmarshal(%.80q): error %q does not mention %q", c.doc, err, c.mention)
		}
	}
}

func TestMarshalRejects(t *testing.T) {
	good := func() *ValidationResult {
		return &ValidationResult{RunID: "r", RunTime: time.Date(2024, 1, 1, 0, 0, 0, 0, NaiveZone), DataAsset: "a", Status: Success}
	}
	if _, err := Marshal(good()); err != nil {
		t.Fatal(err)
	}
	bad := []func(*ValidationResult){
		func(r *ValidationResult) { r.RunID = "" },
		func(r *ValidationResult) { r.Status = "ok" },
		func(r *ValidationResult) { r.RunTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
		func(r *ValidationResult) { r.Results = []ValidatorResult{{ValidatorName: "v", Severity: "meh"}} },
		func(r *ValidationResult) { r.Metadata = map[string]any{"n": json.Number("1x")} },
		func(r *ValidationResult) { r.Metadata = map[string]any{"f": func() {}} },
	}
	for i, f := range bad {
		r := good()
		f(r)
		if _, err := Marshal(r); !errors.Is(err, ErrInvalid) {
			t.Errorf("case %d: err = %v, want ErrInvalid", i, err)
		}
	}
	if _, err := Marshal(nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("nil: err = %v", err)
	}
}

func TestGoValuesInFreeForm(t *testing.T) {
	type point struct {
		X int `json:"x"`
	}
	r := &ValidationResult{RunID: "r", RunTime: time.Date(2024, 1, 1, 0, 0, 0, 0, NaiveZone), DataAsset: "a", Status: Success,
		Metadata: map[string]any{"b": 2.5, "a": []string{"x"}, "c": map[string]string{"k": "v"}, "d": point{7}, "e": int64(-3), "f": uint8(9), "g": (*point)(nil), "h": float32(0.5)}}
	out, err := MarshalCompact(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `"metadata": {"a": ["x"], "b": 2.5, "c": {"k": "v"}, "d": {"x": 7}, "e": -3, "f": 9, "g": null, "h": 0.5}`
	if !bytes.Contains(out, []byte(want)) {
		t.Errorf("got %s\nwant %s", out, want)
	}
}

func TestJSONMarshalerEmbeds(t *testing.T) {
	r, err := Unmarshal([]byte(minimal(`, "tags": {"b": "1", "a": "2"}`)))
	if err != nil {
		t.Fatal(err)
	}
	wrapped := struct {
		Result *ValidationResult `json:"result"`
	}{r}
	data, err := json.Marshal(wrapped)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Result *ValidationResult `json:"result"`
	}
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Result.RunID != "r1" || back.Result.Tags["a"] != "2" {
		t.Errorf("round trip through encoding/json: %+v", back.Result)
	}
	var bad ValidationResult
	if err := json.Unmarshal([]byte(`{"run_id": 1}`), &bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("err = %v", err)
	}
}

func TestKeyOrderKept(t *testing.T) {
	in := minimal(`, "tags": {"z": "1", "a": "2"}, "metadata": {"z": {"y": 1, "b": 2}, "a": [{"q": 1, "p": 2}]}`)
	r, err := Unmarshal([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := MarshalCompact(r)
	for _, s := range []string{`"tags": {"z": "1", "a": "2"}`, `"metadata": {"z": {"y": 1, "b": 2}, "a": [{"q": 1, "p": 2}]}`} {
		if !bytes.Contains(out, []byte(s)) {
			t.Errorf("order lost, want %s in %s", s, out)
		}
	}
	// Added keys come after the recorded ones, sorted; removed ones disappear.
	r.Tags["m"] = "3"
	r.Tags["b"] = "4"
	delete(r.Tags, "z")
	out, _ = MarshalCompact(r)
	if !bytes.Contains(out, []byte(`"tags": {"a": "2", "b": "4", "m": "3"}`)) {
		t.Errorf("edited tags: %s", out)
	}
}

func TestDuplicateKeysLastWins(t *testing.T) {
	r, err := Unmarshal([]byte(minimal(`, "metadata": {"a": 1, "b": 2, "a": 3}, "status": "failure"`)))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != Failure || r.Metadata["a"] != json.Number("3") {
		t.Errorf("got %v %v", r.Status, r.Metadata)
	}
	out, _ := MarshalCompact(r)
	if !bytes.Contains(out, []byte(`"metadata": {"a": 3, "b": 2}`)) {
		t.Errorf("got %s", out)
	}
}

func TestEncodeDecodeMatchMarshal(t *testing.T) {
	r := benchResult(300)
	for _, compact := range []bool{false, true} {
		var buf bytes.Buffer
		if err := Encode(&buf, r, compact); err != nil {
			t.Fatal(err)
		}
		want, _ := Marshal(r)
		if compact {
			want, _ = MarshalCompact(r)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("compact=%v: Encode differs from Marshal", compact)
		}
		back, err := Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if back.RunID != r.RunID || len(back.Results) != 300 {
			t.Errorf("Decode: %s %d", back.RunID, len(back.Results))
		}
	}
	if err := Encode(failWriter{}, r, false); err == nil {
		t.Error("write error not returned")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestSyntaxVersusTypeErrors(t *testing.T) {
	_, err := Unmarshal([]byte(`{"run_id": xyz}`))
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "unexpected character 'x'") {
		t.Errorf("garbage value: %v", err)
	}
	_, err = Unmarshal([]byte(`{"run_id": [1]}`))
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "run_id: want a string, got an array") {
		t.Errorf("wrong type: %v", err)
	}
	_, err = Unmarshal([]byte(`xyz`))
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "unexpected character") {
		t.Errorf("garbage document: %v", err)
	}
}

func TestLargeUnsortedObjectsKeepOrder(t *testing.T) {
	var b strings.Builder
	b.WriteString(`, "metadata": {`)
	for i := 5000; i > 0; i-- {
		if i != 5000 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `"k%05d": %d`, i, i)
	}
	b.WriteString(`}`)
	r, err := Unmarshal([]byte(minimal(b.String())))
	if err != nil {
		t.Fatal(err)
	}
	r.Metadata["new"] = true
	delete(r.Metadata, "k00001")
	out, err := MarshalCompact(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`{"k05000": 5000, "k04999": 4999`)) || !bytes.Contains(out, []byte(`"k00002": 2, "new": true}`)) {
		t.Errorf("order of a large object lost")
	}
}

func TestDeepLongKeysLinearMemory(t *testing.T) {
	const depth, keyLen = 2000, 1000
	key := strings.Repeat("k", keyLen)
	// Keys out of order at every level so that each level records its order.
	doc := minimal(`, "metadata": ` + strings.Repeat(`{"z": 0, "`+key+`": `, depth) + `1` + strings.Repeat(`}`, depth))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r, err := Unmarshal([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	out, err := MarshalCompact(r)
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	// Input and output are about 2 MB each; anything quadratic in the nesting (such
	// as building a path string per level) would allocate about 2 GB.
	if got := after.TotalAlloc - before.TotalAlloc; got > 100<<20 {
		t.Errorf("allocated %d bytes", got)
	}
	if !bytes.Contains(out, []byte(`{"z": 0, "`+key+`": {"z": 0, "`)) {
		t.Errorf("key order lost in a deep document")
	}
}

func TestManyUnknownKeys(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, `, "u%03d": %d`, 99-i, i)
	}
	b.WriteString(`, "u050": "last"`)
	r, err := Unmarshal([]byte(minimal(b.String())))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := MarshalCompact(r)
	if !bytes.Contains(out, []byte(`"runtime_environment": {}, "u099": 0, "u098": 1`)) || !bytes.Contains(out, []byte(`"u051": 48, "u050": "last", "u049": 50`)) ||
		!bytes.HasSuffix(out, []byte(`"u000": 99}`)) {
		t.Errorf("unknown keys: %s", out)
	}
}
