package filesystem

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/truthound/truthound-go/stores/driver"
)

func TestPyStringMatchesPython(t *testing.T) {
	for in, want := range map[string]string{
		"plain":          `"plain"`,
		"q\"b\\s/":       `"q\"b\\s/"`,
		"\n\r\t\b\f\x01": `"\n\r\t\b\f\u0001"`,
		"\x7f":           `"\u007f"`,
		"é€":             `"\u00e9\u20ac"`,
		"😀":              `"\ud83d\ude00"`,
	} {
		if got := string(appendPyString(nil, in)); got != want {
			t.Errorf("%q: got %s, want %s", in, got, want)
		}
	}
}

func TestFastAndSlowIndexParsersAgree(t *testing.T) {
	ents := syntheticIndex(50)
	ents[3].ID = "weird \"id\" é 😀 \\ \t"
	ents[4].Tags = nil
	data := appendIndex(nil, ents)
	fast, err := parseFlatFast(data)
	if err != nil {
		t.Fatal(err)
	}
	slow, err := parseIndexSlow(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatal("fast and slow parsers differ")
	}
	for i, e := range fast {
		if e.ID != ents[i].ID || e.RunTime != ents[i].RunTime || !reflect.DeepEqual(e.Tags, ents[i].Tags) {
			t.Fatalf("entry %d: %+v, want %+v", i, e, *ents[i])
		}
	}
}

func FuzzParseIndex(f *testing.F) {
	f.Add(appendIndex(nil, syntheticIndex(3)))
	f.Add([]byte(`{"a": {"data_asset": "x", "run_time": "2024-01-01", "status": "success", "tags": {"k": 1}}}`))
	f.Add([]byte(`{"version": 1, "entries": {"a": {"item_id": "a", "metadata": {"status": "success"}}}}`))
	f.Add([]byte(`{"a\u00e9\ud83d\ude00": {"data_asset": "\"", "run_time": "", "status": "", "file": "a.json"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ferr := parseFlatFast(data)
		ents, err := parseIndex(data)
		if ferr == nil {
			slow, serr := parseIndexSlow(data)
			if serr == nil && (len(fast) > 0 || len(slow) > 0) && !reflect.DeepEqual(fast, slow) {
				t.Fatalf("fast %+v != slow %+v", fast, slow)
			}
		}
		if err != nil {
			return
		}
		// What we parse, we write back in a form that parses the same.
		ptrs := make([]*indexEntry, len(ents))
		for i := range ents {
			ptrs[i] = &ents[i]
		}
		again, err := parseIndex(appendIndex(nil, ptrs))
		if err != nil {
			t.Fatalf("rewritten index does not parse: %v", err)
		}
		if len(again) != len(ents) {
			t.Fatalf("rewritten index has %d entries, want %d", len(again), len(ents))
		}
	})
}

func TestTopKMatchesSelect(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	all := make([]driver.Meta, 3000)
	for i := range all {
		all[i] = driver.Meta{ID: string(rune('a'+rng.IntN(26))) + string(rune('a'+i%26)) + string(rune('0'+i%10)),
			DataAsset: []string{"a", "b", "c"}[rng.IntN(3)], Status: []string{"success", "failure"}[rng.IntN(2)],
			RunTime: time.Unix(int64(rng.IntN(500)), 0), Tags: map[string]string{"env": []string{"x", "y"}[rng.IntN(2)]}}
	}
	for _, f := range []driver.Filter{
		{Limit: 10},
		{Limit: 10, Ascending: true},
		{DataAsset: "b", Limit: 5, Offset: 7},
		{Status: "failure", OrderBy: driver.ByDataAsset, Limit: 20},
		{Tags: map[string]string{"env": "x"}, OrderBy: driver.ByRunID, Ascending: true, Limit: 3, Offset: 100},
		{OrderBy: driver.ByStatus, Limit: 300},
		{Limit: 1000},
	} {
		got := selectMetas(all, &f)
		want := driver.Select(all, &f)
		if !slices.EqualFunc(got, want, func(a, b driver.Meta) bool { return a.ID == b.ID }) {
			t.Errorf("%+v: top-k differs from Select", f)
		}
	}
}
