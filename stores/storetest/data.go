package storetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/truthound/truthound-go/results"
)

type resultT = results.ValidationResult

func ptr[T any](v T) *T { return &v }

// utc and naive build times; naive ones carry results.NaiveZone, as the codec
// reads offset-less times.
func naive(y int, mo time.Month, d, h, mi, s, us int) time.Time {
	return time.Date(y, mo, d, h, mi, s, us*1000, results.NaiveZone)
}

func aware(y int, mo time.Month, d, h, mi, s, us int, offsetHours int) time.Time {
	loc := time.UTC
	if offsetHours != 0 {
		loc = time.FixedZone(fmt.Sprintf("UTC%+d", offsetHours), offsetHours*3600)
	}
	return time.Date(y, mo, d, h, mi, s, us*1000, loc)
}

// canonical returns r as it reads back from its own document, so comparisons
// test the store and not the codec's handling of Go values (float64 against
// json.Number in free-form maps).
func canonical(t testing.TB, r *resultT) *resultT {
	t.Helper()
	doc, err := results.Marshal(r)
	if err != nil {
		t.Fatalf("results.Marshal(%q): %v", r.RunID, err)
	}
	c, err := results.Unmarshal(doc)
	if err != nil {
		t.Fatalf("results.Unmarshal of the document of %q: %v", r.RunID, err)
	}
	return c
}

// newResult returns a small, typical result: two validators, one failed.
func newResult(t testing.TB, id, asset string, rt time.Time, status results.Status, tags map[string]string) *resultT {
	t.Helper()
	r := &resultT{
		RunID:     id,
		DataAsset: asset,
		RunTime:   rt,
		Status:    status,
		Results: []results.ValidatorResult{
			{
				ValidatorName:   "not_null",
				Success:         false,
				Column:          ptr("email"),
				IssueType:       ptr("null_values"),
				Count:           5,
				Severity:        results.High,
				Message:         ptr("Found 5 null values"),
				Details:         map[string]any{"expected": 0, "actual": 5, "sample_values": []any{nil, "", 1.5, true}},
				ExecutionTimeMS: 1.25,
			},
			{
				ValidatorName: "type_check",
				Success:       true,
				Column:        ptr("age"),
				Details:       map[string]any{},
			},
		},
		Statistics: results.Statistics{
			TotalValidators: 2, PassedValidators: 1, FailedValidators: 1,
			TotalRows: 100, TotalColumns: 5, TotalIssues: 1, HighIssues: 1, ExecutionTimeMS: 12.5,
		},
		Tags:               tags,
		Metadata:           map[string]any{"source": asset, "nested": map[string]any{"a": []any{1, 2, 3}}},
		SuiteName:          ptr("suite-" + id),
		RuntimeEnvironment: map[string]any{"go": "1.26"},
	}
	return canonical(t, r)
}

// largeResult returns a result of many validators whose document is about
// size bytes or more (testLarge checks). Its free-form numbers are
// json.Number, as the codec reads them, so it compares equal to what a store
// returns without a canonicalising round trip (costly at 10 MB under -race).
func largeResult(t testing.TB, id string, size int) *resultT {
	t.Helper()
	r := newResult(t, id, "big.parquet", naive(2024, 6, 1, 12, 0, 0, 0), results.Failure, map[string]string{"size": "large"})
	msg := strings.Repeat("lorem ipsum dolor sit amet, consectetur adipiscing elit; ", 25)
	// A validator takes about 1,750 bytes once indented.
	n := size/1700 + 1
	vs := make([]results.ValidatorResult, 0, n)
	for i := range n {
		num := json.Number(strconv.Itoa(i))
		vs = append(vs, results.ValidatorResult{
			ValidatorName:   "range_check_" + num.String(),
			Success:         i%3 != 0,
			Column:          ptr("col_" + strconv.Itoa(i%97)),
			IssueType:       ptr("out_of_range"),
			Count:           int64(i),
			Severity:        results.Medium,
			Message:         ptr(msg + num.String() + " é✓"),
			Details:         map[string]any{"min": num, "max": json.Number(strconv.Itoa(2 * i)), "ratio": json.Number("0.5")},
			ExecutionTimeMS: float64(i) / 1000,
		})
	}
	r.Results = vs
	r.Statistics.TotalValidators = int64(n)
	return r
}

// sameResult fails t unless got equals want field by field and as a
// document.
func sameResult(t testing.TB, what string, want, got *resultT) {
	t.Helper()
	wd, err := results.Marshal(want)
	if err != nil {
		t.Errorf("%s: results.Marshal(want): %v", what, err)
		return
	}
	sameResultDoc(t, what, want, wd, got)
}

// sameResultDoc is sameResult with want's document already marshalled.
func sameResultDoc(t testing.TB, what string, want *resultT, wd []byte, got *resultT) {
	t.Helper()
	if !sameFields(t, what, want, got) {
		return
	}
	gd, err := results.Marshal(got)
	if err != nil {
		t.Errorf("%s: results.Marshal(got): %v", what, err)
		return
	}
	if !bytes.Equal(gd, wd) {
		t.Errorf("%s: the document read back differs from the one saved\n%s", what, firstDiff(gd, wd))
	}
}

// sameFields fails t unless got equals want field by field; it returns
// false when got is nil.
func sameFields(t testing.TB, what string, want, got *resultT) bool {
	t.Helper()
	if got == nil {
		t.Errorf("%s: got a nil result", what)
		return false
	}
	if got.RunID != want.RunID {
		t.Errorf("%s: RunID = %q, want %q", what, got.RunID, want.RunID)
	}
	if got.DataAsset != want.DataAsset {
		t.Errorf("%s: DataAsset = %q, want %q", what, got.DataAsset, want.DataAsset)
	}
	if !got.RunTime.Equal(want.RunTime) || results.FormatTime(got.RunTime) != results.FormatTime(want.RunTime) {
		t.Errorf("%s: RunTime = %s, want %s", what, results.FormatTime(got.RunTime), results.FormatTime(want.RunTime))
	}
	if (got.RunTime.Location() == results.NaiveZone) != (want.RunTime.Location() == results.NaiveZone) {
		t.Errorf("%s: RunTime naive = %v, want %v", what, got.RunTime.Location() == results.NaiveZone, want.RunTime.Location() == results.NaiveZone)
	}
	if got.Status != want.Status {
		t.Errorf("%s: Status = %q, want %q", what, got.Status, want.Status)
	}
	if got.Statistics != want.Statistics {
		t.Errorf("%s: Statistics = %+v, want %+v", what, got.Statistics, want.Statistics)
	}
	if !maps.Equal(got.Tags, want.Tags) {
		t.Errorf("%s: Tags = %v, want %v", what, got.Tags, want.Tags)
	}
	if !eqPtr(got.SuiteName, want.SuiteName) {
		t.Errorf("%s: SuiteName = %v, want %v", what, str(got.SuiteName), str(want.SuiteName))
	}
	if !reflect.DeepEqual(got.Metadata, want.Metadata) {
		t.Errorf("%s: Metadata = %v, want %v", what, got.Metadata, want.Metadata)
	}
	if !reflect.DeepEqual(got.RuntimeEnvironment, want.RuntimeEnvironment) {
		t.Errorf("%s: RuntimeEnvironment = %v, want %v", what, got.RuntimeEnvironment, want.RuntimeEnvironment)
	}
	if len(got.Results) != len(want.Results) {
		t.Errorf("%s: %d validator results, want %d", what, len(got.Results), len(want.Results))
	} else {
		bad := 0
		for i := range want.Results {
			g, w := &got.Results[i], &want.Results[i]
			if g.ValidatorName != w.ValidatorName || g.Success != w.Success || !eqPtr(g.Column, w.Column) ||
				!eqPtr(g.IssueType, w.IssueType) || g.Count != w.Count || g.Severity != w.Severity ||
				!eqPtr(g.Message, w.Message) || g.ExecutionTimeMS != w.ExecutionTimeMS ||
				!reflect.DeepEqual(g.Details, w.Details) {
				if bad < 3 {
					t.Errorf("%s: validator result %d = %+v, want %+v", what, i, *g, *w)
				}
				bad++
			}
		}
		if bad > 3 {
			t.Errorf("%s: %d validator results differ in all", what, bad)
		}
	}
	return true
}

func eqPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%q", *p)
}

// firstDiff describes where two documents first differ.
func firstDiff(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(i-40, 0)
	return fmt.Sprintf("first difference at byte %d (lengths %d and %d):\n got: %q\nwant: %q",
		i, len(got), len(want), got[lo:min(i+40, len(got))], want[lo:min(i+40, len(want))])
}
