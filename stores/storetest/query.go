package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
)

// row is one result of the query data set.
type row struct {
	id     string
	asset  string
	at     time.Time
	status results.Status
	tags   map[string]string
}

// queryRows is the data set of the query tests: naive and aware run times
// mixed, ties on run time, several assets, statuses and tags. As instants:
//
//	q12 2023-12-31T23:59:59Z      q05 2024-01-03T01:00Z
//	q01 2024-01-01T00:00Z         q07 2024-01-03T23:59:59.999999Z
//	q02 2024-01-02T00:00Z  tie    q06 2024-01-04T00:00:00.000001Z
//	q03 2024-01-02T00:00Z  tie    q08, q09, q10 2024-01-05T00:00Z  three-way tie
//	q04 2024-01-03T00:00Z         q11 2024-01-06T00:00Z
var queryRows = []row{
	{"q07", "events", naive(2024, 1, 3, 23, 59, 59, 999999), results.Failure, map[string]string{"env": "dev"}},
	{"q02", "orders", aware(2024, 1, 2, 0, 0, 0, 0, 0), results.Failure, map[string]string{"env": "prod"}},
	{"q11", "résumé-✓-数据", naive(2024, 1, 6, 0, 0, 0, 0), results.Success, map[string]string{"ключ": "значение"}},
	{"q04", "customers", aware(2024, 1, 3, 5, 0, 0, 0, 5), results.Error, nil},
	{"q09", "customers", naive(2024, 1, 5, 0, 0, 0, 0), results.Failure, map[string]string{"env": "prod", "team": "a"}},
	{"q01", "orders", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, map[string]string{"env": "prod", "team": "a"}},
	{"q12", "orders", naive(2023, 12, 31, 23, 59, 59, 0), results.Error, map[string]string{"env": "prod", "team": "a", "extra": "x"}},
	{"q05", "orders", aware(2024, 1, 2, 20, 0, 0, 0, -5), results.Failure, map[string]string{"env": "prod", "team": "b"}},
	{"q10", "events", aware(2024, 1, 5, 1, 0, 0, 0, 1), results.Warning, map[string]string{"env": "staging"}},
	{"q03", "customers", naive(2024, 1, 2, 0, 0, 0, 0), results.Warning, map[string]string{"env": "dev", "team": "a"}},
	{"q06", "events", naive(2024, 1, 4, 0, 0, 0, 1), results.Success, map[string]string{"team": "b"}},
	{"q08", "orders", aware(2024, 1, 5, 0, 0, 0, 0, 0), results.Success, map[string]string{"env": "prod", "team": "a"}},
}

// seedQueryRows saves the query data set (in the scrambled order above, so
// a store returning insertion order fails).
func seedQueryRows(ctx context.Context, t *testing.T, st *stores.Store) {
	t.Helper()
	for _, r := range queryRows {
		mustSave(ctx, t, st, newResult(t, r.id, r.asset, r.at, r.status, r.tags))
	}
}

// model answers a query over rows the way every store must: the reference
// semantics, written independently of any driver.
func model(rows []row, q *stores.Query) []string {
	var sel []row
	for _, r := range rows {
		if q.DataAsset != "" && r.asset != q.DataAsset {
			continue
		}
		if q.Status != "" && r.status != q.Status {
			continue
		}
		if !q.Start.IsZero() && r.at.Before(q.Start) {
			continue
		}
		if !q.End.IsZero() && r.at.After(q.End) {
			continue
		}
		ok := true
		for k, v := range q.Tags {
			if got, has := r.tags[k]; !has || got != v {
				ok = false
			}
		}
		if ok {
			sel = append(sel, r)
		}
	}
	slices.SortFunc(sel, func(a, b row) int {
		var c int
		switch q.OrderBy {
		case stores.ByDataAsset:
			c = strings.Compare(a.asset, b.asset)
		case stores.ByStatus:
			c = strings.Compare(string(a.status), string(b.status))
		case stores.ByRunID:
		default:
			c = a.at.Compare(b.at)
		}
		if c == 0 {
			c = strings.Compare(a.id, b.id)
		}
		if !q.Ascending {
			c = -c
		}
		return c
	})
	if q.Offset >= len(sel) {
		return nil
	}
	sel = sel[q.Offset:]
	if q.Limit > 0 && q.Limit < len(sel) {
		sel = sel[:q.Limit]
	}
	ids := make([]string, len(sel))
	for i, r := range sel {
		ids[i] = r.id
	}
	return ids
}

func modelCount(rows []row, q *stores.Query) int {
	c := *q
	c.Limit, c.Offset = 0, 0
	return len(model(rows, &c))
}

// describe prints a query for messages.
func describe(q *stores.Query) string {
	if q == nil {
		return "nil"
	}
	var parts []string
	if q.DataAsset != "" {
		parts = append(parts, fmt.Sprintf("asset=%q", q.DataAsset))
	}
	if q.Status != "" {
		parts = append(parts, "status="+string(q.Status))
	}
	if !q.Start.IsZero() {
		parts = append(parts, "start="+results.FormatTime(q.Start))
	}
	if !q.End.IsZero() {
		parts = append(parts, "end="+results.FormatTime(q.End))
	}
	if len(q.Tags) > 0 {
		keys := slices.Sorted(maps.Keys(q.Tags))
		var kv []string
		for _, k := range keys {
			kv = append(kv, k+"="+q.Tags[k])
		}
		parts = append(parts, "tags={"+strings.Join(kv, ",")+"}")
	}
	if q.OrderBy != "" {
		parts = append(parts, "order="+string(q.OrderBy))
	}
	if q.Ascending {
		parts = append(parts, "asc")
	}
	if q.Limit != 0 {
		parts = append(parts, fmt.Sprintf("limit=%d", q.Limit))
	}
	if q.Offset != 0 {
		parts = append(parts, fmt.Sprintf("offset=%d", q.Offset))
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// checkQuery runs q through ListIDs, List and Count (and Query when bodies
// is set) and compares with want.
func checkQuery(ctx context.Context, t *testing.T, st *stores.Store, q *stores.Query, want []string, wantCount int, bodies bool) {
	t.Helper()
	ids, err := st.ListIDs(ctx, q)
	if err != nil {
		t.Errorf("ListIDs(%s): %v", describe(q), err)
		return
	}
	if !slices.Equal(ids, want) {
		t.Errorf("ListIDs(%s) = %q, want %q", describe(q), ids, want)
	}
	entries, err := st.List(ctx, q)
	if err != nil {
		t.Errorf("List(%s): %v", describe(q), err)
	} else {
		got := make([]string, len(entries))
		for i, e := range entries {
			got[i] = e.RunID
		}
		if !slices.Equal(got, want) {
			t.Errorf("List(%s) = %q, want %q", describe(q), got, want)
		}
	}
	n, err := st.Count(ctx, q)
	if err != nil || n != wantCount {
		t.Errorf("Count(%s) = %d, %v; want %d", describe(q), n, err, wantCount)
	}
	if !bodies {
		return
	}
	rs, err := st.Query(ctx, q)
	if err != nil {
		t.Errorf("Query(%s): %v", describe(q), err)
		return
	}
	got := make([]string, len(rs))
	for i, r := range rs {
		got[i] = r.RunID
	}
	if !slices.Equal(got, want) {
		t.Errorf("Query(%s) = %q, want %q", describe(q), got, want)
	}
}

var (
	descAll = []string{"q11", "q10", "q09", "q08", "q06", "q07", "q05", "q04", "q03", "q02", "q01", "q12"}
	ascAll  = []string{"q12", "q01", "q02", "q03", "q04", "q05", "q07", "q06", "q08", "q09", "q10", "q11"}
)

// testQueryPinned checks hand-computed answers, so the model itself is
// checked too.
func testQueryPinned(ctx context.Context, t *testing.T, st *stores.Store) {
	seedQueryRows(ctx, t, st)
	jan := func(d, h int) time.Time { return aware(2024, 1, d, h, 0, 0, 0, 0) }
	cases := []struct {
		q    stores.Query
		want []string
		n    int
	}{
		{stores.Query{}, descAll, 12},
		{stores.Query{Ascending: true}, ascAll, 12},
		{stores.Query{DataAsset: "orders"}, []string{"q08", "q05", "q02", "q01", "q12"}, 5},
		{stores.Query{DataAsset: "order"}, nil, 0},
		{stores.Query{DataAsset: "Orders"}, nil, 0},
		{stores.Query{Status: results.Failure}, []string{"q09", "q07", "q05", "q02"}, 4},
		{stores.Query{Status: results.Error}, []string{"q04", "q12"}, 2},
		{stores.Query{DataAsset: "orders", Status: results.Success}, []string{"q08", "q01"}, 2},
		// Start and End are inclusive, and compare instants: q04 is
		// 2024-01-03T05:00+05:00, q02 and q03 2024-01-02T00:00 (aware, naive).
		{stores.Query{Start: jan(2, 0), End: jan(3, 0)}, []string{"q04", "q03", "q02"}, 3},
		{stores.Query{Start: jan(3, 0), End: jan(3, 0)}, []string{"q04"}, 1},
		{stores.Query{Start: aware(2024, 1, 3, 7, 0, 0, 0, 7), End: aware(2024, 1, 3, 7, 0, 0, 0, 7)}, []string{"q04"}, 1},
		{stores.Query{Start: naive(2024, 1, 3, 0, 0, 0, 0), End: naive(2024, 1, 3, 0, 0, 0, 0)}, []string{"q04"}, 1},
		{stores.Query{Start: jan(5, 0)}, []string{"q11", "q10", "q09", "q08"}, 4},
		{stores.Query{End: jan(1, 0)}, []string{"q01", "q12"}, 2},
		{stores.Query{Start: aware(2024, 1, 4, 0, 0, 0, 0, 0)}, []string{"q11", "q10", "q09", "q08", "q06"}, 5},
		{stores.Query{End: aware(2024, 1, 4, 0, 0, 0, 0, 0)}, []string{"q07", "q05", "q04", "q03", "q02", "q01", "q12"}, 7},
		{stores.Query{Start: jan(6, 1)}, nil, 0},
		{stores.Query{Tags: map[string]string{"env": "prod"}}, []string{"q09", "q08", "q05", "q02", "q01", "q12"}, 6},
		{stores.Query{Tags: map[string]string{"env": "prod", "team": "a"}}, []string{"q09", "q08", "q01", "q12"}, 4},
		{stores.Query{Tags: map[string]string{"env": "prod", "team": "a", "extra": "x"}}, []string{"q12"}, 1},
		{stores.Query{Tags: map[string]string{"env": "prod", "missing": "x"}}, nil, 0},
		{stores.Query{Tags: map[string]string{"team": "b"}}, []string{"q06", "q05"}, 2},
		{stores.Query{Tags: map[string]string{}}, descAll, 12},
		{stores.Query{Tags: map[string]string{"ключ": "значение"}}, []string{"q11"}, 1},
		{stores.Query{DataAsset: "résumé-✓-数据"}, []string{"q11"}, 1},
		{stores.Query{DataAsset: "customers", Tags: map[string]string{"team": "a"}, Start: jan(2, 0), End: jan(5, 0)}, []string{"q09", "q03"}, 2},
		{stores.Query{DataAsset: "orders", Tags: map[string]string{"env": "prod"}, Limit: 2, Offset: 1}, []string{"q05", "q02"}, 5},
		{stores.Query{Limit: 3}, []string{"q11", "q10", "q09"}, 12},
		{stores.Query{Limit: 3, Ascending: true}, []string{"q12", "q01", "q02"}, 12},
		{stores.Query{Offset: 10}, []string{"q01", "q12"}, 12},
		{stores.Query{Offset: 12}, nil, 12},
		{stores.Query{Offset: 100, Limit: 5}, nil, 12},
		{stores.Query{OrderBy: stores.ByRunID, Ascending: true, Limit: 2}, []string{"q01", "q02"}, 12},
		{stores.Query{OrderBy: stores.ByDataAsset, Ascending: true}, []string{"q03", "q04", "q09", "q06", "q07", "q10", "q01", "q02", "q05", "q08", "q12", "q11"}, 12},
		{stores.Query{OrderBy: stores.ByStatus}, []string{"q10", "q03", "q11", "q08", "q06", "q01", "q09", "q07", "q05", "q02", "q12", "q04"}, 12},
	}
	for _, c := range cases {
		q := c.q
		if m := model(queryRows, &q); !slices.Equal(m, c.want) {
			t.Errorf("the suite's model answers %s with %q, the pinned answer is %q", describe(&q), m, c.want)
		}
		checkQuery(ctx, t, st, &q, c.want, c.n, true)
	}
}

// testQueryCombinations compares every combination of filters, orders and
// pages with the model.
func testQueryCombinations(ctx context.Context, t *testing.T, st *stores.Store) {
	seedQueryRows(ctx, t, st)
	assets := []string{"", "orders", "customers", "events", "nowhere"}
	statuses := []results.Status{"", results.Success, results.Failure, results.Error, results.Warning}
	windows := [][2]time.Time{
		{},
		{aware(2024, 1, 2, 0, 0, 0, 0, 0), time.Time{}},
		{time.Time{}, naive(2024, 1, 3, 23, 59, 59, 999999)},
		{naive(2024, 1, 2, 0, 0, 0, 0), aware(2024, 1, 5, 3, 0, 0, 0, 3)},
	}
	tagSets := []map[string]string{nil, {"env": "prod"}, {"team": "a", "env": "prod"}, {"env": "dev"}}
	orders := []stores.OrderField{"", stores.ByDataAsset, stores.ByStatus, stores.ByRunID}
	pages := [][2]int{{0, 0}, {2, 0}, {3, 2}, {0, 4}, {1, 20}}
	n := 0
	for _, a := range assets {
		for _, s := range statuses {
			for _, w := range windows {
				for _, tg := range tagSets {
					base := stores.Query{DataAsset: a, Status: s, Start: w[0], End: w[1], Tags: tg}
					want := modelCount(queryRows, &base)
					if got, err := st.Count(ctx, &base); err != nil || got != want {
						t.Errorf("Count(%s) = %d, %v; want %d", describe(&base), got, err, want)
					}
					// Orders and pages on a subset of the filters, to keep the
					// suite quick on remote backends.
					if s != "" && tg != nil {
						continue
					}
					for _, o := range orders {
						for _, asc := range []bool{false, true} {
							for _, p := range pages {
								q := base
								q.OrderBy, q.Ascending, q.Limit, q.Offset = o, asc, p[0], p[1]
								ids, err := st.ListIDs(ctx, &q)
								if wantIDs := model(queryRows, &q); err != nil || !slices.Equal(ids, wantIDs) {
									t.Errorf("ListIDs(%s) = %q, %v; want %q", describe(&q), ids, err, wantIDs)
								}
								n++
							}
						}
					}
				}
			}
		}
	}
	if testing.Verbose() {
		t.Logf("%d ordered queries compared with the model", n)
	}
}

func testOrdering(ctx context.Context, t *testing.T, st *stores.Store) {
	// Every result at the same instant, some naive and some aware: only the
	// run id orders them.
	same := []*resultT{
		newResult(t, "b", "x", naive(2024, 3, 1, 12, 0, 0, 0), results.Success, nil),
		newResult(t, "d", "x", aware(2024, 3, 1, 14, 0, 0, 0, 2), results.Failure, nil),
		newResult(t, "a", "x", aware(2024, 3, 1, 7, 0, 0, 0, -5), results.Success, nil),
		newResult(t, "c", "x", naive(2024, 3, 1, 12, 0, 0, 0), results.Warning, nil),
	}
	mustSave(ctx, t, st, same...)
	checkQuery(ctx, t, st, &stores.Query{}, []string{"d", "c", "b", "a"}, 4, true)
	checkQuery(ctx, t, st, &stores.Query{Ascending: true}, []string{"a", "b", "c", "d"}, 4, true)
	checkQuery(ctx, t, st, &stores.Query{OrderBy: stores.ByRunTime, Ascending: true, Limit: 2, Offset: 1}, []string{"b", "c"}, 4, false)
	checkQuery(ctx, t, st, &stores.Query{OrderBy: stores.ByStatus, Ascending: true}, []string{"d", "a", "b", "c"}, 4, false)
	checkQuery(ctx, t, st, &stores.Query{OrderBy: stores.ByStatus}, []string{"c", "b", "a", "d"}, 4, false)
	// A naive time orders by its instant read as UTC: 11:30 naive lies
	// between 11:00Z and 12:00Z whatever zone the aware times are in.
	mustSave(ctx, t, st,
		newResult(t, "m1", "y", aware(2024, 3, 2, 6, 0, 0, 0, -5), results.Success, nil), // 11:00Z
		newResult(t, "m2", "y", naive(2024, 3, 2, 11, 30, 0, 0), results.Success, nil),   // 11:30Z
		newResult(t, "m3", "y", aware(2024, 3, 2, 21, 0, 0, 0, 9), results.Success, nil), // 12:00Z
		newResult(t, "m4", "y", naive(2024, 3, 2, 12, 0, 0, 1), results.Success, nil),    // 12:00:00.000001Z
	)
	checkQuery(ctx, t, st, &stores.Query{DataAsset: "y", Ascending: true}, []string{"m1", "m2", "m3", "m4"}, 4, true)
	checkQuery(ctx, t, st, &stores.Query{DataAsset: "y"}, []string{"m4", "m3", "m2", "m1"}, 4, false)
	checkQuery(ctx, t, st, &stores.Query{Start: naive(2024, 3, 2, 11, 30, 0, 0), End: aware(2024, 3, 2, 12, 0, 0, 0, 0)},
		[]string{"m3", "m2"}, 2, false)
	// Ordering by id is by code point (byte order of UTF-8), not by a locale.
	mustSave(ctx, t, st,
		newResult(t, "Z", "z", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil),
		newResult(t, "a10", "z", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil),
		newResult(t, "a9", "z", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil),
		newResult(t, "é", "z", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil),
		newResult(t, "😀", "z", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil),
		newResult(t, "ｚ", "z", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil),
	)
	checkQuery(ctx, t, st, &stores.Query{DataAsset: "z", OrderBy: stores.ByRunID, Ascending: true},
		[]string{"Z", "a10", "a9", "é", "ｚ", "😀"}, 6, false)
}

func testPaging(ctx context.Context, t *testing.T, st *stores.Store) {
	seedQueryRows(ctx, t, st)
	for _, asc := range []bool{false, true} {
		for size := 1; size <= 13; size++ {
			var all []string
			for off := 0; ; off += size {
				ids, err := st.ListIDs(ctx, &stores.Query{Ascending: asc, Limit: size, Offset: off})
				if err != nil {
					t.Fatalf("ListIDs(limit %d offset %d): %v", size, off, err)
				}
				if len(ids) > size {
					t.Fatalf("ListIDs(limit %d offset %d) returned %d ids", size, off, len(ids))
				}
				all = append(all, ids...)
				if len(ids) < size {
					break
				}
			}
			want := descAll
			if asc {
				want = ascAll
			}
			if !slices.Equal(all, want) {
				t.Errorf("pages of %d (ascending %v) = %q, want %q", size, asc, all, want)
			}
		}
	}
	// Paging through Query reads the same pages.
	var got []string
	for off := 0; off < 12; off += 5 {
		rs, err := st.Query(ctx, &stores.Query{Limit: 5, Offset: off})
		if err != nil {
			t.Fatalf("Query page at %d: %v", off, err)
		}
		for _, r := range rs {
			got = append(got, r.RunID)
		}
	}
	if !slices.Equal(got, descAll) {
		t.Errorf("Query pages = %q, want %q", got, descAll)
	}
}

func testCounts(ctx context.Context, t *testing.T, st *stores.Store) {
	wantEmpty(ctx, t, st, "of a new store")
	seedQueryRows(ctx, t, st)
	for _, q := range []stores.Query{
		{}, {Limit: 1}, {Offset: 5}, {Offset: 50}, {Limit: 2, Offset: 3, Ascending: true, OrderBy: stores.ByStatus},
		{DataAsset: "orders", Limit: 1}, {Status: results.Failure, Offset: 4},
	} {
		want := modelCount(queryRows, &q)
		n, err := st.Count(ctx, &q)
		if err != nil || n != want {
			t.Errorf("Count(%s) = %d, %v; want %d (limit and offset are ignored)", describe(&q), n, err, want)
		}
	}
	// Counts follow saves and deletes.
	if _, err := st.Delete(ctx, "q01"); err != nil {
		t.Fatalf("Delete(q01): %v", err)
	}
	if n, err := st.Count(ctx, &stores.Query{DataAsset: "orders"}); err != nil || n != 4 {
		t.Errorf("Count(orders) after a delete = %d, %v; want 4", n, err)
	}
	mustSave(ctx, t, st, newResult(t, "q13", "orders", naive(2025, 1, 1, 0, 0, 0, 0), results.Success, nil))
	if n, err := st.Count(ctx, &stores.Query{DataAsset: "orders"}); err != nil || n != 5 {
		t.Errorf("Count(orders) after a save = %d, %v; want 5", n, err)
	}
	if n, err := st.Count(ctx, nil); err != nil || n != 12 {
		t.Errorf("Count(nil) = %d, %v; want 12", n, err)
	}
}

func testInvalidQuery(ctx context.Context, t *testing.T, st *stores.Store) {
	seedQueryRows(ctx, t, st)
	bad := []stores.Query{
		{Status: "passed"},
		{Status: "SUCCESS"},
		{OrderBy: "size"},
		{OrderBy: "run_time; DROP TABLE results"},
		{Limit: -1},
		{Offset: -1},
		{Start: naive(2024, 2, 1, 0, 0, 0, 0), End: naive(2024, 1, 1, 0, 0, 0, 0)},
	}
	for _, q := range bad {
		_, err := st.ListIDs(ctx, &q)
		wantErr(t, "ListIDs("+describe(&q)+")", err, stores.ErrInvalid, "list", "")
		_, err = st.List(ctx, &q)
		wantErr(t, "List("+describe(&q)+")", err, stores.ErrInvalid, "list", "")
		_, err = st.Count(ctx, &q)
		wantErr(t, "Count("+describe(&q)+")", err, stores.ErrInvalid, "count", "")
		rs, err := st.Query(ctx, &q)
		wantErr(t, "Query("+describe(&q)+")", err, stores.ErrInvalid, "query", "")
		if len(rs) != 0 {
			t.Errorf("Query(%s) returned %d results with its error", describe(&q), len(rs))
		}
		n := 0
		for r, err := range st.Iter(ctx, &q) {
			n++
			if r != nil {
				t.Errorf("Iter(%s) yielded a result", describe(&q))
			}
			wantErr(t, "Iter("+describe(&q)+")", err, stores.ErrInvalid, "query", "")
		}
		if n != 1 {
			t.Errorf("Iter(%s) yielded %d times, want once (the error)", describe(&q), n)
		}
	}
	// The order field parses case-insensitively, and its aliases work.
	for _, s := range []string{"run_time", "RUN_TIME", "data_asset", "status", "run_id", "id"} {
		if _, err := st.ListIDs(ctx, &stores.Query{OrderBy: stores.OrderField(s)}); err != nil {
			t.Errorf("ListIDs(order %q): %v", s, err)
		}
	}
}

func testIter(ctx context.Context, t *testing.T, st *stores.Store) {
	seedQueryRows(ctx, t, st)
	var got []string
	for r, err := range st.Iter(ctx, nil) {
		if err != nil {
			t.Fatalf("Iter: %v", err)
		}
		got = append(got, r.RunID)
	}
	if !slices.Equal(got, descAll) {
		t.Errorf("Iter(nil) = %q, want %q", got, descAll)
	}
	// Stopping early is fine.
	n := 0
	for _, err := range st.Iter(ctx, &stores.Query{Status: results.Failure}) {
		if err != nil {
			t.Fatalf("Iter: %v", err)
		}
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("Iter stopped after %d results, want 2", n)
	}
	// Deleting while iterating skips the deleted result.
	got = got[:0]
	for r, err := range st.Iter(ctx, &stores.Query{DataAsset: "orders"}) {
		if err != nil {
			t.Fatalf("Iter: %v", err)
		}
		got = append(got, r.RunID)
		if r.RunID == "q08" {
			if _, err := st.Delete(ctx, "q05"); err != nil {
				t.Fatalf("Delete(q05): %v", err)
			}
		}
	}
	if want := []string{"q08", "q02", "q01", "q12"}; !slices.Equal(got, want) {
		t.Errorf("Iter(orders) deleting q05 on the way = %q, want %q", got, want)
	}
	// The results are complete documents.
	for r, err := range st.Iter(ctx, &stores.Query{DataAsset: "customers", Limit: 1}) {
		if err != nil {
			t.Fatalf("Iter: %v", err)
		}
		want := newResult(t, "q09", "customers", naive(2024, 1, 5, 0, 0, 0, 0), results.Failure, map[string]string{"env": "prod", "team": "a"})
		sameResult(t, "Iter(customers)", want, r)
	}
}

func testHelpers(ctx context.Context, t *testing.T, st *stores.Store) {
	seedQueryRows(ctx, t, st)
	ids := func(rs []*resultT) []string {
		out := make([]string, len(rs))
		for i, r := range rs {
			out[i] = r.RunID
		}
		return out
	}
	r, err := st.Latest(ctx, "orders")
	if err != nil || r.RunID != "q08" {
		t.Errorf("Latest(orders) = %v, %v; want q08", r, err)
	}
	r, err = st.Latest(ctx, "customers")
	if err != nil || r.RunID != "q09" {
		t.Errorf("Latest(customers) = %v, %v; want q09", r, err)
	}
	_, err = st.Latest(ctx, "nowhere")
	wantErr(t, "Latest(nowhere)", err, stores.ErrNotFound, "latest", "-")

	h, err := st.History(ctx, "orders", 3)
	if want := []string{"q08", "q05", "q02"}; err != nil || !slices.Equal(ids(h), want) {
		t.Errorf("History(orders, 3) = %q, %v; want %q", ids(h), err, want)
	}
	for _, n := range []int{0, -1} {
		h, err = st.History(ctx, "orders", n)
		if want := []string{"q08", "q05", "q02", "q01", "q12"}; err != nil || !slices.Equal(ids(h), want) {
			t.Errorf("History(orders, %d) = %q, %v; want %q", n, ids(h), err, want)
		}
	}
	f, err := st.Failures(ctx, 2)
	if want := []string{"q09", "q07"}; err != nil || !slices.Equal(ids(f), want) {
		t.Errorf("Failures(2) = %q, %v; want %q", ids(f), err, want)
	}
	f, err = st.Failures(ctx, 0)
	if want := []string{"q09", "q07", "q05", "q02"}; err != nil || !slices.Equal(ids(f), want) {
		t.Errorf("Failures(0) = %q, %v; want %q", ids(f), err, want)
	}
	runs, err := st.ListRuns(ctx, "events")
	if want := []string{"q10", "q06", "q07"}; err != nil || !slices.Equal(runs, want) {
		t.Errorf("ListRuns(events) = %q, %v; want %q", runs, err, want)
	}
	runs, err = st.ListRuns(ctx, "")
	if err != nil || !slices.Equal(runs, descAll) {
		t.Errorf("ListRuns(\"\") = %q, %v; want %q", runs, err, descAll)
	}
}

func testTags(ctx context.Context, t *testing.T, st *stores.Store) {
	many := map[string]string{}
	for i := range 40 {
		many[fmt.Sprintf("key_%02d", i)] = fmt.Sprintf("value %d", i)
	}
	odd := map[string]string{
		"a=b": "c,d", `quote"`: `x'y`, "path/like.key": "s3://b/k?x=1&y=2", "empty": "", "ключ": "значение ✓",
		"space key": " padded ", "json": `{"x": [1, 2]}`, "percent%20": "100%",
	}
	mustSave(ctx, t, st,
		newResult(t, "odd", "tags", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, odd),
		newResult(t, "many", "tags", naive(2024, 1, 2, 0, 0, 0, 0), results.Success, many),
		newResult(t, "none", "tags", naive(2024, 1, 3, 0, 0, 0, 0), results.Success, nil),
		newResult(t, "empty-value-elsewhere", "tags", naive(2024, 1, 4, 0, 0, 0, 0), results.Success, map[string]string{"other": ""}),
	)
	for id, want := range map[string]map[string]string{"odd": odd, "many": many, "none": nil} {
		got, err := st.Get(ctx, id)
		if err != nil {
			t.Errorf("Get(%q): %v", id, err)
			continue
		}
		if !maps.Equal(got.Tags, want) {
			t.Errorf("Get(%q).Tags = %q, want %q", id, got.Tags, want)
		}
		entries, err := st.List(ctx, &stores.Query{DataAsset: "tags"})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		for _, e := range entries {
			if e.RunID == id && !maps.Equal(e.Tags, want) {
				t.Errorf("List entry %q has tags %q, want %q", id, e.Tags, want)
			}
		}
	}
	for k, v := range odd {
		checkQuery(ctx, t, st, &stores.Query{Tags: map[string]string{k: v}}, []string{"odd"}, 1, false)
	}
	checkQuery(ctx, t, st, &stores.Query{Tags: odd}, []string{"odd"}, 1, false)
	checkQuery(ctx, t, st, &stores.Query{Tags: many}, []string{"many"}, 1, false)
	checkQuery(ctx, t, st, &stores.Query{Tags: map[string]string{"key_07": "value 7", "key_39": "value 39"}}, []string{"many"}, 1, false)
	// An empty value matches a tag present with that value, not a missing tag.
	checkQuery(ctx, t, st, &stores.Query{Tags: map[string]string{"empty": ""}}, []string{"odd"}, 1, false)
	checkQuery(ctx, t, st, &stores.Query{Tags: map[string]string{"other": ""}}, []string{"empty-value-elsewhere"}, 1, false)
	// Values match exactly: no prefix, case folding or trimming.
	for _, tg := range []map[string]string{{"a=b": "c"}, {"A=B": "c,d"}, {"space key": "padded"}, {"key_07": "VALUE 7"}, {"key_0": "value 0"}} {
		checkQuery(ctx, t, st, &stores.Query{Tags: tg}, nil, 0, false)
	}
}

// ManyResults is how many results testMany saves: more than the 1,000 keys
// an object-store listing returns per page.
const ManyResults = 1005

// testMany crosses the page size of object-store listings and the batch
// sizes of SQL drivers.
func testMany(ctx context.Context, t *testing.T, st *stores.Store) {
	if testing.Short() {
		t.Skip("the store of ManyResults results is skipped in -short mode")
	}
	r := newResult(t, "many", "asset", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil)
	base := r.RunTime
	var want []string
	for i := range ManyResults {
		r.RunID = fmt.Sprintf("m%04d", i)
		r.DataAsset = fmt.Sprintf("asset-%d", i%3)
		r.RunTime = base.Add(time.Duration(i) * time.Minute)
		mustSave(ctx, t, st, r)
		want = append(want, r.RunID)
	}
	slices.Reverse(want)
	if n, err := st.Count(ctx, nil); err != nil || n != ManyResults {
		t.Errorf("Count = %d, %v; want %d", n, err, ManyResults)
	}
	ids, err := st.ListIDs(ctx, nil)
	if err != nil || !slices.Equal(ids, want) {
		t.Errorf("ListIDs = %d ids, %v; want all %d newest first", len(ids), err, ManyResults)
	}
	checkQuery(ctx, t, st, &stores.Query{Offset: 1000, Limit: 10}, want[1000:], ManyResults, true)
	checkQuery(ctx, t, st, &stores.Query{Ascending: true, Limit: 3}, []string{"m0000", "m0001", "m0002"}, ManyResults, false)
	if n, err := st.Count(ctx, &stores.Query{DataAsset: "asset-1"}); err != nil || n != ManyResults/3 {
		t.Errorf("Count(asset-1) = %d, %v; want %d", n, err, ManyResults/3)
	}
}
