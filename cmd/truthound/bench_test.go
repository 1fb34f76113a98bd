package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/truthound/truthound-go/stores"
)

func TestBenchStoreJSON(t *testing.T) {
	dir := t.TempDir()
	url := "file://" + dir + "?namespace=bench"
	out, errOut, code := storeCLI(t, "bench", "store", "--store", url, "--n", "40", "--raw", "10", "--queries", "3", "--output", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep benchReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if rep.N != 40 || rep.Save.Count != 40 || rep.Raw.Count != 10 || rep.Get.Count != 40 {
		t.Errorf("counts: n=%d save=%d raw=%d get=%d", rep.N, rep.Save.Count, rep.Raw.Count, rep.Get.Count)
	}
	if rep.Save.MeanMs <= 0 || rep.Raw.MeanMs <= 0 || rep.SaveVsRawMean <= 0 || rep.Save.LastVsFirst <= 0 || rep.DocBytes < 1000 {
		t.Errorf("figures missing: %+v", rep)
	}
	if len(rep.Queries) != 5 {
		t.Fatalf("queries: %+v", rep.Queries)
	}
	for _, q := range rep.Queries {
		if q.P50Ms <= 0 {
			t.Errorf("query %q has no latency", q.Name)
		}
		if q.Name == "list all ids" && q.Matches != 40 {
			t.Errorf("list all ids matched %d", q.Matches)
		}
	}
	// The results really are in the store.
	s, err := stores.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.Count(context.Background(), nil); n != 40 || err != nil {
		t.Errorf("store holds %d results, %v", n, err)
	}
}

func TestBenchStoreTable(t *testing.T) {
	out, errOut, code := storeCLI(t, "bench", "store", "--n", "20", "--queries", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"save", "raw durable write", "save / raw", "list all ids", "last/first"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestBenchStoreBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "store", "--n", "0"},
		{"bench", "store", "--output", "xml"},
		{"bench", "store", "--store", "nope://x", "--n", "1"},
		{"bench", "store", "--store", "file:///tmp/x?colour=red", "--n", "1"},
	} {
		_, errOut, code := storeCLI(t, args...)
		if code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
