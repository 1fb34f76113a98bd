package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
)

func testCRUD(ctx context.Context, t *testing.T, st *stores.Store) {
	r := newResult(t, "run_20240102_030405_a1b2c3d4", "customers.csv", naive(2024, 1, 2, 3, 4, 5, 678901), results.Failure,
		map[string]string{"env": "prod", "team": "dq"})
	if ok, err := st.Exists(ctx, r.RunID); err != nil || ok {
		t.Fatalf("Exists before Save = %v, %v; want false, nil", ok, err)
	}
	mustSave(ctx, t, st, r)
	if ok, err := st.Exists(ctx, r.RunID); err != nil || !ok {
		t.Fatalf("Exists after Save = %v, %v; want true, nil", ok, err)
	}
	got, err := st.Get(ctx, r.RunID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	sameResult(t, "Get", r, got)
	ids, err := st.ListIDs(ctx, nil)
	if err != nil || !slices.Equal(ids, []string{r.RunID}) {
		t.Errorf("ListIDs(nil) = %q, %v; want [%q]", ids, err, r.RunID)
	}
	if n, err := st.Count(ctx, nil); err != nil || n != 1 {
		t.Errorf("Count(nil) = %d, %v; want 1", n, err)
	}
	entries, err := st.List(ctx, nil)
	if err != nil || len(entries) != 1 {
		t.Fatalf("List(nil) = %v, %v; want one entry", entries, err)
	}
	e := entries[0]
	if e.RunID != r.RunID || e.DataAsset != r.DataAsset || !e.RunTime.Equal(r.RunTime) || e.Status != r.Status ||
		len(e.Tags) != 2 || e.Tags["env"] != "prod" || e.Tags["team"] != "dq" {
		t.Errorf("List entry = %+v, want the index entry of %q", e, r.RunID)
	}

	deleted, err := st.Delete(ctx, r.RunID)
	if err != nil || !deleted {
		t.Fatalf("Delete = %v, %v; want true, nil", deleted, err)
	}
	if ok, err := st.Exists(ctx, r.RunID); err != nil || ok {
		t.Errorf("Exists after Delete = %v, %v; want false, nil", ok, err)
	}
	_, err = st.Get(ctx, r.RunID)
	wantErr(t, "Get after Delete", err, stores.ErrNotFound, "get", r.RunID)
	deleted, err = st.Delete(ctx, r.RunID)
	if err != nil || deleted {
		t.Errorf("second Delete = %v, %v; want false, nil", deleted, err)
	}
	if n, err := st.Count(ctx, nil); err != nil || n != 0 {
		t.Errorf("Count after Delete = %d, %v; want 0", n, err)
	}
	if ids, err := st.ListIDs(ctx, nil); err != nil || len(ids) != 0 {
		t.Errorf("ListIDs after Delete = %q, %v; want none", ids, err)
	}
	// The id can be used again.
	mustSave(ctx, t, st, r)
	if got, err := st.Get(ctx, r.RunID); err != nil {
		t.Errorf("Get after saving again: %v", err)
	} else {
		sameResult(t, "Get after saving again", r, got)
	}
}

func testReplace(ctx context.Context, t *testing.T, st *stores.Store) {
	old := newResult(t, "replace-me", "a.csv", naive(2024, 1, 1, 0, 0, 0, 0), results.Failure,
		map[string]string{"env": "prod"})
	other := newResult(t, "other", "a.csv", naive(2024, 1, 2, 0, 0, 0, 0), results.Success, nil)
	mustSave(ctx, t, st, old, other)
	nw := newResult(t, "replace-me", "b.csv", aware(2024, 2, 1, 0, 0, 0, 0, 2), results.Success,
		map[string]string{"team": "x"})
	nw.Results = nw.Results[:1]
	mustSave(ctx, t, st, nw)
	got, err := st.Get(ctx, "replace-me")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	sameResult(t, "Get after replace", nw, got)
	if n, err := st.Count(ctx, nil); err != nil || n != 2 {
		t.Errorf("Count = %d, %v; want 2 (a replace adds nothing)", n, err)
	}
	// The index follows the replacement: old metadata no longer matches.
	for _, c := range []struct {
		q    stores.Query
		want []string
	}{
		{stores.Query{DataAsset: "a.csv"}, []string{"other"}},
		{stores.Query{DataAsset: "b.csv"}, []string{"replace-me"}},
		{stores.Query{Status: results.Failure}, nil},
		{stores.Query{Tags: map[string]string{"env": "prod"}}, nil},
		{stores.Query{Tags: map[string]string{"team": "x"}}, []string{"replace-me"}},
		{stores.Query{}, []string{"replace-me", "other"}},
	} {
		ids, err := st.ListIDs(ctx, &c.q)
		if err != nil || !slices.Equal(ids, c.want) {
			t.Errorf("ListIDs(%s) after replace = %q, %v; want %q", describe(&c.q), ids, err, c.want)
		}
	}
}

func testNotFound(ctx context.Context, t *testing.T, st *stores.Store) {
	mustSave(ctx, t, st, newResult(t, "present", "a", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil))
	for _, id := range []string{"absent", "Present", "present.json", "présent"} {
		_, err := st.Get(ctx, id)
		wantErr(t, "Get("+id+")", err, stores.ErrNotFound, "get", id)
		if errors.Is(err, stores.ErrInvalid) || errors.Is(err, stores.ErrRead) {
			t.Errorf("Get(%q): %v also wraps another kind", id, err)
		}
		if ok, err := st.Exists(ctx, id); err != nil || ok {
			t.Errorf("Exists(%q) = %v, %v; want false, nil", id, ok, err)
		}
		if ok, err := st.Delete(ctx, id); err != nil || ok {
			t.Errorf("Delete(%q) = %v, %v; want false, nil", id, ok, err)
		}
	}
	_, err := st.Latest(ctx, "no-such-asset")
	wantErr(t, "Latest of an unknown asset", err, stores.ErrNotFound, "latest", "-")
	if ok, err := st.Exists(ctx, "present"); err != nil || !ok {
		t.Errorf("Exists(present) = %v, %v after the misses", ok, err)
	}
}

// testDistinctIDs checks ids that a case-insensitive or
// normalising file system, or a case-insensitive SQL collation, would
// confuse are distinct items.
func testDistinctIDs(ctx context.Context, t *testing.T, st *stores.Store) {
	groups := [][]string{
		{"run-a", "Run-A", "RUN-A"},
		{"caf\u00e9", "cafe\u0301"}, // NFC and NFD forms of café
		{"x", "x ", " x"},
		{"straße", "strasse"},
	}
	n := 0
	for gi, g := range groups {
		for i, id := range g {
			r := newResult(t, id, fmt.Sprintf("asset-%d-%d", gi, i), naive(2024, 1, 1+i, 0, 0, 0, 0), results.Success, nil)
			mustSave(ctx, t, st, r)
			n++
		}
	}
	for gi, g := range groups {
		for i, id := range g {
			got, err := st.Get(ctx, id)
			if err != nil {
				t.Errorf("Get(%q): %v", id, err)
				continue
			}
			if want := fmt.Sprintf("asset-%d-%d", gi, i); got.RunID != id || got.DataAsset != want {
				t.Errorf("Get(%q) = %q of %q, want %q of %q: ids that differ only in case, normalisation or spaces must not collide",
					id, got.RunID, got.DataAsset, id, want)
			}
		}
	}
	if c, err := st.Count(ctx, nil); err != nil || c != n {
		t.Errorf("Count = %d, %v; want %d distinct results", c, err, n)
	}
	if ok, err := st.Delete(ctx, "Run-A"); err != nil || !ok {
		t.Fatalf("Delete(Run-A) = %v, %v", ok, err)
	}
	for _, id := range []string{"run-a", "RUN-A"} {
		if ok, err := st.Exists(ctx, id); err != nil || !ok {
			t.Errorf("Exists(%q) after deleting Run-A = %v, %v", id, ok, err)
		}
	}
}

func testRoundTripFields(ctx context.Context, t *testing.T, st *stores.Store) {
	full := newResult(t, "full", "warehouse.orders", aware(2024, 5, 6, 7, 8, 9, 123456, -7), results.Warning,
		map[string]string{"env": "prod", "owner": "data-team", "empty": ""})
	full.Results[0].Details = map[string]any{"huge": 12345678901234567, "tiny": 1e-05, "neg": -0.0, "list": []any{"a", nil}}
	full.Results[1].Severity = results.Low
	full.Metadata = map[string]any{"k": "v", "float": 0.1, "deep": map[string]any{"x": []any{map[string]any{"y": false}}}}
	full = canonical(t, full)

	// Every optional field empty or nil.
	bare := canonical(t, &resultT{RunID: "bare", DataAsset: "", RunTime: naive(2023, 12, 31, 23, 59, 59, 999999), Status: results.Error})

	// Ids of the shapes the original writes and accepts.
	dotted := newResult(t, "custom-id.with.dots", "s3://bucket/path/data.csv", naive(2024, 1, 1, 0, 0, 0, 0), results.Error, nil)
	spaced := newResult(t, "id with spaces & symbols (1)+[2]{3}=4;5,6~7!@#$%^", "a b", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil)
	long := newResult(t, strings.Repeat("x", stores.MaxIDLength), "a", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil)
	for _, r := range []*resultT{full, bare, dotted, spaced, long} {
		mustSave(ctx, t, st, r)
	}
	for _, r := range []*resultT{full, bare, dotted, spaced, long} {
		got, err := st.Get(ctx, r.RunID)
		if err != nil {
			t.Errorf("Get(%q): %v", r.RunID, err)
			continue
		}
		sameResult(t, "Get("+r.RunID+")", r, got)
	}
	if n, err := st.Count(ctx, nil); err != nil || n != 5 {
		t.Errorf("Count = %d, %v; want 5", n, err)
	}
}

func testRunTimeZones(ctx context.Context, t *testing.T, st *stores.Store) {
	cases := []*resultT{
		newResult(t, "naive-micro", "z", naive(2024, 1, 2, 3, 4, 5, 678901), results.Success, nil),
		newResult(t, "naive-whole", "z", naive(2024, 1, 3, 0, 0, 0, 0), results.Success, nil),
		newResult(t, "utc", "z", aware(2024, 1, 4, 0, 0, 0, 0, 0), results.Success, nil),
		newResult(t, "plus", "z", aware(2024, 1, 5, 9, 30, 0, 1, 9), results.Success, nil), // 00:30Z
		// Written earlier on the wall clock than "plus", later as an instant.
		newResult(t, "west", "z", aware(2024, 1, 4, 22, 0, 0, 0, -5), results.Success, nil), // 03:00Z
		newResult(t, "minus", "z", aware(2024, 1, 6, 23, 0, 0, 500000, -11), results.Success, nil),
	}
	mustSave(ctx, t, st, cases...)
	for _, r := range cases {
		got, err := st.Get(ctx, r.RunID)
		if err != nil {
			t.Errorf("Get(%q): %v", r.RunID, err)
			continue
		}
		sameResult(t, r.RunID, r, got)
		_, wo := r.RunTime.Zone()
		_, go_ := got.RunTime.Zone()
		if wo != go_ {
			t.Errorf("%s: offset %d read back as %d", r.RunID, wo, go_)
		}
	}
	entries, err := st.List(ctx, &stores.Query{Ascending: true})
	if err != nil || len(entries) != len(cases) {
		t.Fatalf("List = %d entries, %v; want %d", len(entries), err, len(cases))
	}
	for i, e := range entries {
		if e.RunID != cases[i].RunID || !e.RunTime.Equal(cases[i].RunTime) {
			t.Errorf("List[%d] = %s at %s, want %s at %s", i, e.RunID, results.FormatTime(e.RunTime),
				cases[i].RunID, results.FormatTime(cases[i].RunTime))
		}
	}
}

// testIsolation checks a store keeps its own copy: changing a result after
// saving it, or one returned by Get, changes nothing stored.
func testIsolation(ctx context.Context, t *testing.T, st *stores.Store) {
	r := newResult(t, "iso", "a", naive(2024, 1, 1, 0, 0, 0, 0), results.Failure, map[string]string{"env": "prod"})
	want := canonical(t, r)
	mustSave(ctx, t, st, r)
	r.DataAsset = "changed"
	r.Tags["env"] = "changed"
	r.Results[0].ValidatorName = "changed"
	r.Metadata["source"] = "changed"
	got, err := st.Get(ctx, "iso")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	sameResult(t, "Get after changing the saved value", want, got)
	got.Tags["env"] = "mutated"
	got.Results[0].Count = 999
	again, err := st.Get(ctx, "iso")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	sameResult(t, "Get after changing a returned value", want, again)
	if ids, err := st.ListIDs(ctx, &stores.Query{Tags: map[string]string{"env": "prod"}}); err != nil || len(ids) != 1 {
		t.Errorf("ListIDs(env=prod) = %q, %v; the index changed with the caller's map", ids, err)
	}
	q := &stores.Query{Tags: map[string]string{"env": "prod"}}
	ids, _ := st.ListIDs(ctx, q)
	q.Tags["env"] = "x"
	if ids2, err := st.ListIDs(ctx, &stores.Query{Tags: map[string]string{"env": "prod"}}); err != nil || !slices.Equal(ids, ids2) {
		t.Errorf("changing a query's tags after use changed the store: %q then %q, %v", ids, ids2, err)
	}
}

func testInvalidResults(ctx context.Context, t *testing.T, st *stores.Store) {
	err := st.Save(ctx, nil)
	wantErr(t, "Save(nil)", err, stores.ErrInvalid, "save", "")
	badStatus := newResult(t, "bad-status", "a", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil)
	badStatus.Status = "passed"
	wantErr(t, "Save with status passed", st.Save(ctx, badStatus), stores.ErrInvalid, "save", "bad-status")
	noStatus := newResult(t, "no-status", "a", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil)
	noStatus.Status = ""
	wantErr(t, "Save with no status", st.Save(ctx, noStatus), stores.ErrInvalid, "save", "no-status")
	noTime := newResult(t, "no-time", "a", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil)
	noTime.RunTime = time.Time{}
	wantErr(t, "Save with no run time", st.Save(ctx, noTime), stores.ErrInvalid, "save", "no-time")
	wantEmpty(ctx, t, st, "after invalid saves")
}

func wantEmpty(ctx context.Context, t *testing.T, st *stores.Store, when string) {
	t.Helper()
	if n, err := st.Count(ctx, nil); err != nil || n != 0 {
		t.Errorf("Count %s = %d, %v; want 0", when, n, err)
	}
	if ids, err := st.ListIDs(ctx, nil); err != nil || len(ids) != 0 {
		t.Errorf("ListIDs %s = %q, %v; want none", when, ids, err)
	}
}

// hostileIDs lists ids every store must reject with ErrInvalid before any
// driver sees them.
var hostileIDs = []string{
	"", ".", "..", "../x", "../../etc/passwd", "/abs", "/", "a/b", `a\b`, `..\x`, `C:\x`, ".hidden", ".tmp-123",
	"a\x00b", "\x00", "a\nb", "\n", "\r", "\t", "a\x7fb", "a\u0085b", strings.Repeat("y", stores.MaxIDLength+1),
	strings.Repeat("é", 128), "\xff\xfe", "a\xc3", "_index", "_journal",
}

func testHostileIDs(ctx context.Context, t *testing.T, h Harness, st *stores.Store) {
	// A sentinel result that must survive every attempt.
	keep := newResult(t, "keep", "a", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil)
	mustSave(ctx, t, st, keep)
	snap, canSnap := h.(Snapshotter)
	var before []string
	if canSnap {
		var err error
		if before, err = snap.Snapshot(ctx, t); err != nil {
			t.Fatalf("Snapshot: %v", err)
		}
	}
	for _, id := range hostileIDs {
		r := newResult(t, "placeholder", "hostile", naive(2024, 1, 1, 0, 0, 0, 0), results.Failure, nil)
		r.RunID = id
		wantErr(t, "Save("+quote(id)+")", st.Save(ctx, r), stores.ErrInvalid, "save", id)
		_, err := st.Get(ctx, id)
		wantErr(t, "Get("+quote(id)+")", err, stores.ErrInvalid, "get", id)
		ok, err := st.Exists(ctx, id)
		wantErr(t, "Exists("+quote(id)+")", err, stores.ErrInvalid, "exists", id)
		if ok {
			t.Errorf("Exists(%s) = true", quote(id))
		}
		ok, err = st.Delete(ctx, id)
		wantErr(t, "Delete("+quote(id)+")", err, stores.ErrInvalid, "delete", id)
		if ok {
			t.Errorf("Delete(%s) = true", quote(id))
		}
	}
	ids, err := st.ListIDs(ctx, nil)
	if err != nil || !slices.Equal(ids, []string{"keep"}) {
		t.Errorf("ListIDs after hostile ids = %q, %v; want [keep]", ids, err)
	}
	if n, err := st.Count(ctx, &stores.Query{DataAsset: "hostile"}); err != nil || n != 0 {
		t.Errorf("Count(asset hostile) = %d, %v; want 0", n, err)
	}
	if got, err := st.Get(ctx, "keep"); err != nil {
		t.Errorf("Get(keep): %v", err)
	} else {
		sameResult(t, "Get(keep)", keep, got)
	}
	if canSnap {
		after, err := snap.Snapshot(ctx, t)
		if err != nil {
			t.Fatalf("Snapshot: %v", err)
		}
		slices.Sort(before)
		slices.Sort(after)
		if !slices.Equal(before, after) {
			var added, removed []string
			for _, a := range after {
				if _, ok := slices.BinarySearch(before, a); !ok {
					added = append(added, a)
				}
			}
			for _, b := range before {
				if _, ok := slices.BinarySearch(after, b); !ok {
					removed = append(removed, b)
				}
			}
			t.Errorf("rejected hostile ids changed what the backend holds: added %q, removed %q", added, removed)
		}
	}
}

// quote quotes an id for messages, NULs and invalid bytes escaped.
func quote(s string) string { return strconv.Quote(s) }

func testUnicode(ctx context.Context, t *testing.T, st *stores.Store) {
	rs := []*resultT{
		newResult(t, "résumé-✓-数据", "données/客户.csv", naive(2024, 1, 1, 0, 0, 0, 0), results.Failure,
			map[string]string{"équipe": "données", "env": "prod"}),
		newResult(t, "日本語のラン", "données/客户.csv", naive(2024, 1, 2, 0, 0, 0, 0), results.Success,
			map[string]string{"équipe": "données"}),
		newResult(t, "🚀-launch-𝔘", "emoji 🚀.json", naive(2024, 1, 3, 0, 0, 0, 0), results.Warning,
			map[string]string{"emoji": "🚀"}),
		newResult(t, "Ωmega", "ascii.csv", naive(2024, 1, 4, 0, 0, 0, 0), results.Success, nil),
	}
	rs[0].Results[0].Message = ptr("Trouvé 5 valeurs nulles – café ✓ 数据 🚀")
	rs[0] = canonical(t, rs[0])
	mustSave(ctx, t, st, rs...)
	for _, r := range rs {
		got, err := st.Get(ctx, r.RunID)
		if err != nil {
			t.Errorf("Get(%q): %v", r.RunID, err)
			continue
		}
		sameResult(t, r.RunID, r, got)
		if ok, err := st.Exists(ctx, r.RunID); err != nil || !ok {
			t.Errorf("Exists(%q) = %v, %v", r.RunID, ok, err)
		}
	}
	for _, c := range []struct {
		q    stores.Query
		want []string
	}{
		{stores.Query{DataAsset: "données/客户.csv"}, []string{"日本語のラン", "résumé-✓-数据"}},
		{stores.Query{Tags: map[string]string{"équipe": "données"}}, []string{"日本語のラン", "résumé-✓-数据"}},
		{stores.Query{Tags: map[string]string{"emoji": "🚀"}}, []string{"🚀-launch-𝔘"}},
		{stores.Query{DataAsset: "emoji 🚀.json", Status: results.Warning}, []string{"🚀-launch-𝔘"}},
		{stores.Query{OrderBy: stores.ByRunID, Ascending: true}, []string{"résumé-✓-数据", "Ωmega", "日本語のラン", "🚀-launch-𝔘"}},
	} {
		ids, err := st.ListIDs(ctx, &c.q)
		if err != nil || !slices.Equal(ids, c.want) {
			t.Errorf("ListIDs(%s) = %q, %v; want %q", describe(&c.q), ids, err, c.want)
		}
	}
	if ok, err := st.Delete(ctx, "résumé-✓-数据"); err != nil || !ok {
		t.Errorf("Delete(résumé-✓-数据) = %v, %v", ok, err)
	}
	if n, err := st.Count(ctx, nil); err != nil || n != 3 {
		t.Errorf("Count after Delete = %d, %v; want 3", n, err)
	}
}

func testInit(ctx context.Context, t *testing.T, st *stores.Store) {
	if err := st.Init(ctx); err != nil {
		t.Fatalf("Init: %v", err)
	}
	if err := st.Init(ctx); err != nil {
		t.Fatalf("second Init: %v", err)
	}
	wantEmpty(ctx, t, st, "of a new store")
	mustSave(ctx, t, st, newResult(t, "after-init", "a", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil))
	if ok, err := st.Exists(ctx, "after-init"); err != nil || !ok {
		t.Errorf("Exists after Init and Save = %v, %v", ok, err)
	}
}

func testClosed(ctx context.Context, t *testing.T, st *stores.Store) {
	r := newResult(t, "before-close", "a", naive(2024, 1, 1, 0, 0, 0, 0), results.Failure, nil)
	mustSave(ctx, t, st, r)
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	closed := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, stores.ErrClosed) {
			t.Errorf("%s after Close: %v, want an error wrapping ErrClosed", what, err)
		}
		var se *stores.Error
		if err != nil && !errors.As(err, &se) {
			t.Errorf("%s after Close: %v (%T) is not a *stores.Error", what, err, err)
		}
	}
	closed("Save", st.Save(ctx, newResult(t, "after-close", "a", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil)))
	_, err := st.Get(ctx, r.RunID)
	closed("Get", err)
	_, err = st.Exists(ctx, r.RunID)
	closed("Exists", err)
	_, err = st.Delete(ctx, r.RunID)
	closed("Delete", err)
	_, err = st.ListIDs(ctx, nil)
	closed("ListIDs", err)
	_, err = st.List(ctx, nil)
	closed("List", err)
	_, err = st.Query(ctx, nil)
	closed("Query", err)
	_, err = st.Count(ctx, nil)
	closed("Count", err)
	n := 0
	for _, err := range st.Iter(ctx, nil) {
		n++
		closed("Iter", err)
	}
	if n != 1 {
		t.Errorf("Iter after Close yielded %d times, want once (the error)", n)
	}
	_, err = st.Latest(ctx, "a")
	closed("Latest", err)
	_, err = st.History(ctx, "a", 10)
	closed("History", err)
	_, err = st.Failures(ctx, 10)
	closed("Failures", err)
	_, err = st.ListRuns(ctx, "")
	closed("ListRuns", err)
	closed("Init", st.Init(ctx))
}

func testCanceled(ctx context.Context, t *testing.T, st *stores.Store) {
	r := newResult(t, "canceled", "a", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil)
	mustSave(ctx, t, st, newResult(t, "present", "a", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil))
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	canceled := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context: %v, want an error wrapping context.Canceled", what, err)
		}
	}
	canceled("Save", st.Save(cctx, r))
	_, err := st.Get(cctx, "present")
	canceled("Get", err)
	_, err = st.Exists(cctx, "present")
	canceled("Exists", err)
	_, err = st.Delete(cctx, "present")
	canceled("Delete", err)
	_, err = st.ListIDs(cctx, nil)
	canceled("ListIDs", err)
	_, err = st.Count(cctx, nil)
	canceled("Count", err)
	_, err = st.Query(cctx, nil)
	canceled("Query", err)
	// Nothing changed.
	ids, err := st.ListIDs(ctx, nil)
	if err != nil || !slices.Equal(ids, []string{"present"}) {
		t.Errorf("ListIDs after canceled calls = %q, %v; want [present]", ids, err)
	}

	// Canceling during an iteration: every later step reports it.
	for i := range 5 {
		mustSave(ctx, t, st, newResult(t, fmt.Sprint("it-", i), "it", naive(2024, 2, 1+i, 0, 0, 0, 0), results.Success, nil))
	}
	ictx, icancel := context.WithCancel(ctx)
	defer icancel()
	steps, after := 0, 0
	for r, err := range st.Iter(ictx, &stores.Query{DataAsset: "it"}) {
		steps++
		if steps == 1 {
			if err != nil || r == nil {
				t.Fatalf("first step of Iter: %v", err)
			}
			icancel()
			continue
		}
		after++
		if err == nil || !errors.Is(err, context.Canceled) {
			t.Errorf("Iter step %d after cancel: result %v, error %v; want an error wrapping context.Canceled", steps, r != nil, err)
		}
	}
	if after == 0 {
		t.Errorf("Iter ended silently after its context was canceled; want an error")
	}
}
