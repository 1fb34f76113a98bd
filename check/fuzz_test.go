package check

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/truthound/truthound-go/results"
)

func FuzzRun(f *testing.F) {
	f.Add([]byte(crafted), "id")
	f.Add([]byte("{\"a\": 1, \"b\": [1, {\"c\": \"}\"}]}\n{\"b\": null, \"a\": \"\\u00e9\\\"\"}\n"), "a")
	f.Add([]byte("x;y\n1;2\n"), "")
	f.Fuzz(func(t *testing.T, data []byte, key string) {
		var keys []string
		if key != "" {
			keys = []string{key}
		}
		r, err := Run(context.Background(), bytes.NewReader(data), Auto, Options{Key: keys})
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) && !errors.Is(err, ErrInvalidOption) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		doc, err := results.Marshal(r)
		if err != nil {
			t.Fatalf("result does not marshal: %v", err)
		}
		back, err := results.Unmarshal(doc)
		if err != nil {
			t.Fatalf("result does not read back: %v", err)
		}
		if back.Statistics != r.Statistics {
			t.Fatalf("statistics changed: %+v vs %+v", back.Statistics, r.Statistics)
		}
		for _, v := range r.Results {
			if v.Count < 0 || (v.ValidatorName != "row_count" && v.Count > r.Statistics.TotalRows) {
				t.Fatalf("%s count %d out of range (rows %d)", v.ValidatorName, v.Count, r.Statistics.TotalRows)
			}
		}
	})
}
