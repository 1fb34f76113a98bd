package results

import (
	"fmt"
	"io"
	"testing"
	"time"
)

// benchResult builds a result of n validators with small details, like the check
// command produces.
func benchResult(n int) *ValidationResult {
	vs := make([]ValidatorResult, n)
	for i := range vs {
		col := fmt.Sprintf("column_%d", i%40)
		it := "null_values"
		msg := fmt.Sprintf("Found %d null values in %s – café", i, col)
		vs[i] = ValidatorResult{ValidatorName: "not_null", Success: i%3 != 0, Column: &col, IssueType: &it, Count: int64(i),
			Severity: High, Message: &msg, ExecutionTimeMS: float64(i) * 0.125,
			Details: map[string]any{"expected": 0, "actual": i, "ratio": float64(i) / 7, "sample_values": []any{nil, "", 1.5, true, "x@example.com"}}}
	}
	r := FromValidators("s3://bucket/customers.csv", time.Date(2024, 1, 2, 3, 4, 5, 678901000, NaiveZone), vs, 1_000_000, 40)
	r.Tags = map[string]string{"env": "prod", "team": "dq"}
	r.Metadata = map[string]any{"source": "customers.csv", "nested": map[string]any{"a": []any{1, 2, 3}}}
	return r
}

func benchSizes() []struct {
	name string
	n    int
} {
	return []struct {
		name string
		n    int
	}{{"typical-20", 20}, {"large-10MB", 20000}}
}

func BenchmarkMarshal(b *testing.B) {
	for _, sz := range benchSizes() {
		r := benchResult(sz.n)
		data, _ := Marshal(r)
		b.Run(sz.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Marshal(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMarshalCompact(b *testing.B) {
	for _, sz := range benchSizes() {
		r := benchResult(sz.n)
		data, _ := MarshalCompact(r)
		b.Run(sz.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := MarshalCompact(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkUnmarshal(b *testing.B) {
	for _, sz := range benchSizes() {
		data, _ := Marshal(benchResult(sz.n))
		b.Run(sz.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Unmarshal(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestBenchResultSize(t *testing.T) {
	data, err := Marshal(benchResult(20000))
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 9<<20 || len(data) > 12<<20 {
		t.Errorf("large benchmark document is %d bytes, want about 10 MB", len(data))
	}
}

func BenchmarkEncode(b *testing.B) {
	for _, sz := range benchSizes() {
		r := benchResult(sz.n)
		data, _ := Marshal(r)
		b.Run(sz.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if err := Encode(io.Discard, r, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
