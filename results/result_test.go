package results

import (
	"bytes"
	"errors"
	"regexp"
	"testing"
	"time"
)

func sp(s string) *string { return &s }

func TestFromValidators(t *testing.T) {
	at := time.Date(2024, 3, 4, 5, 6, 7, 0, NaiveZone)
	pass := ValidatorResult{ValidatorName: "ok", Success: true, ExecutionTimeMS: 1}
	fail := func(sev Severity) ValidatorResult {
		return ValidatorResult{ValidatorName: "f", Count: 3, Severity: sev, IssueType: sp("nulls"), ExecutionTimeMS: 0.5}
	}
	errored := ValidatorResult{ValidatorName: "e", IssueType: sp(IssueTypeError), Message: sp("boom")}
	cases := []struct {
		name string
		vs   []ValidatorResult
		want Status
	}{
		{"none", nil, Success},
		{"all pass", []ValidatorResult{pass, pass}, Success},
		{"low", []ValidatorResult{pass, fail(Low)}, Warning},
		{"medium and low", []ValidatorResult{fail(Medium), fail(Low)}, Warning},
		{"high", []ValidatorResult{fail(Low), fail(High)}, Failure},
		{"critical", []ValidatorResult{fail(Critical)}, Failure},
		{"no severity", []ValidatorResult{fail("")}, Failure},
		{"error wins", []ValidatorResult{fail(Critical), errored}, Error},
	}
	for _, c := range cases {
		r := FromValidators("data.csv", at, c.vs, 10, 4)
		if r.Status != c.want {
			t.Errorf("%s: status %s, want %s", c.name, r.Status, c.want)
		}
		if _, err := Marshal(r); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	vs := []ValidatorResult{pass, fail(Critical), fail(High), fail(High), fail(Medium), fail(Low), fail(""), errored}
	r := FromValidators("data.csv", at, vs, 200, 5)
	want := Statistics{TotalValidators: 8, PassedValidators: 1, FailedValidators: 6, ErrorValidators: 1, TotalRows: 200, TotalColumns: 5,
		TotalIssues: 6, CriticalIssues: 1, HighIssues: 2, MediumIssues: 1, LowIssues: 1, ExecutionTimeMS: 4}
	if r.Statistics != want {
		t.Errorf("statistics\n got %+v\nwant %+v", r.Statistics, want)
	}
	if r.Statistics.PassRate() != 0.125 || r.Statistics.IssueRate() != 0.03 {
		t.Errorf("rates %v %v", r.Statistics.PassRate(), r.Statistics.IssueRate())
	}
	if !regexp.MustCompile(`^run_20240304_050607_[0-9a-f]{8}$`).MatchString(r.RunID) {
		t.Errorf("run id %q", r.RunID)
	}
	if r.DataAsset != "data.csv" || !r.RunTime.Equal(at) {
		t.Errorf("asset/time: %v %v", r.DataAsset, r.RunTime)
	}
}

func TestNewRunIDUnique(t *testing.T) {
	at := time.Now()
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := NewRunID(at)
		if seen[id] {
			t.Fatalf("duplicate run id %s", id)
		}
		seen[id] = true
	}
}

func TestCloneIsDeep(t *testing.T) {
	data := []byte(minimal(`, "suite_name": "s", "tags": {"a": "1"}, "metadata": {"n": {"l": [1, {"x": 2}]}},` +
		` "results": [{"validator_name": "v", "success": false, "column": "c", "details": {"s": [1]}}]`))
	r, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := Marshal(r)
	c := r.Clone()
	c.Tags["a"] = "2"
	*c.SuiteName = "other"
	c.Metadata["n"].(map[string]any)["l"].([]any)[1].(map[string]any)["x"] = 3
	c.Results[0].Details["s"].([]any)[0] = 9
	*c.Results[0].Column = "d"
	c.Results[0].Count = 7
	after, _ := Marshal(r)
	if !bytes.Equal(before, after) {
		t.Errorf("changing the clone changed the original:\n%s\n%s", before, after)
	}
	// Key order survives cloning, at every level.
	r, err = Unmarshal([]byte(minimal(`, "tags": {"b": "1", "a": "2"}, "metadata": {"z": [{"y": 1, "x": 2}], "a": 1},` +
		` "results": [{"validator_name": "v", "success": true, "details": {"q": 1, "p": {"d": 1, "c": 2}}}], "zz": {"b": 1, "a": 2}`)))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := MarshalCompact(r)
	got, _ := MarshalCompact(r.Clone())
	if !bytes.Equal(got, want) {
		t.Errorf("clone lost key order:\n got %s\nwant %s", got, want)
	}
	if got, _ := MarshalValidator(&[]ValidatorResult{r.Results[0].Clone()}[0]); !bytes.Contains(got, []byte(`{"q": 1, "p": {"d": 1, "c": 2}}`)) {
		t.Errorf("validator clone lost key order: %s", got)
	}
	if (*ValidationResult)(nil).Clone() != nil {
		t.Error("nil clone")
	}
}

func TestStatusAndSeverity(t *testing.T) {
	for _, s := range []string{"success", "failure", "error", "warning"} {
		st, err := ParseStatus(s)
		if err != nil || st.String() != s || !st.Valid() {
			t.Errorf("ParseStatus(%q) = %v, %v", s, st, err)
		}
	}
	for _, s := range []string{"", "SUCCESS", "ok"} {
		if _, err := ParseStatus(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseStatus(%q): err = %v", s, err)
		}
	}
	_, err := ParseStatus("nope")
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte(`"nope"`)) {
		t.Errorf("error does not name the value: %v", err)
	}
	for _, s := range []string{"critical", "high", "medium", "low"} {
		sv, err := ParseSeverity(s)
		if err != nil || sv.String() != s {
			t.Errorf("ParseSeverity(%q) = %v, %v", s, sv, err)
		}
	}
	if sv, err := ParseSeverity("none"); err != nil || sv != "" || sv.String() != "none" {
		t.Errorf("none: %v %v", sv, err)
	}
	if _, err := ParseSeverity("urgent"); !errors.Is(err, ErrInvalid) {
		t.Errorf("urgent: %v", err)
	}
}

func TestSuiteRoundTrip(t *testing.T) {
	in := `{
  "name": "customers",
  "data_asset": "customers.csv",
  "expectations": [
    {
      "expectation_type": "expect_column_values_to_not_be_null",
      "column": "email",
      "kwargs": {
        "z": 1,
        "a": 2.50
      },
      "meta": {},
      "enabled": true,
      "mostly": 0.95
    },
    {
      "expectation_type": "expect_table_row_count_to_be_between",
      "column": null,
      "kwargs": {},
      "meta": {},
      "enabled": false,
      "mostly": 1.0,
      "extra": [
        1
      ]
    }
  ],
  "meta": {
    "owner": "dq"
  },
  "created_at": "2024-01-02T03:04:05",
  "updated_at": "2024-01-03T03:04:05+00:00",
  "tags": {
    "env": "prod"
  },
  "version": 2
}`
	s, err := UnmarshalSuite([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "customers" || len(s.Expectations) != 2 || s.Expectations[0].Mostly != 0.95 || s.Expectations[1].Enabled || *s.Expectations[0].Column != "email" {
		t.Errorf("suite = %+v", s)
	}
	if !IsNaive(s.CreatedAt) || IsNaive(s.UpdatedAt) {
		t.Error("times naive/aware lost")
	}
	out, err := MarshalSuite(s)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Errorf("round trip differs:\n%s", out)
	}
	// Defaults.
	s, err = UnmarshalSuite([]byte(`{"name": "n", "expectations": [{"expectation_type": "t"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if e := s.Expectations[0]; !e.Enabled || e.Mostly != 1.0 || e.Kwargs == nil {
		t.Errorf("defaults: %+v", e)
	}
	for _, bad := range []string{`{}`, `{"name": 1}`, `{"name": "n", "expectations": {}}`, `{"name": "n", "expectations": [{"enabled": "yes"}]}`,
		`{"name": "n", "created_at": "never"}`, `{"name": "n", "tags": {"a": null}}`, `[]`} {
		if _, err := UnmarshalSuite([]byte(bad)); !errors.Is(err, ErrInvalid) {
			t.Errorf("UnmarshalSuite(%s): err = %v", bad, err)
		}
	}
	c := s.Clone()
	c.Expectations[0].Kwargs["x"] = 1
	c.Tags["t"] = "v"
	if len(s.Expectations[0].Kwargs) != 0 || len(s.Tags) != 0 {
		t.Error("suite clone is shallow")
	}
	if (*ExpectationSuite)(nil).Clone() != nil {
		t.Error("nil suite clone")
	}
	if _, err := MarshalSuite(&ExpectationSuite{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty name: %v", err)
	}
}
