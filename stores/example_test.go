package stores_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
	_ "github.com/truthound/truthound-go/stores/memory" // registers mem://
)

// Opening a store by URL, saving a result and reading it back.
func ExampleOpen() {
	ctx := context.Background()
	st, err := stores.Open(ctx, "mem://?compression=gzip")
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	r := &results.ValidationResult{
		RunID:     "run_20240102_030405_a1b2c3d4",
		DataAsset: "customers.csv",
		RunTime:   time.Date(2024, 1, 2, 3, 4, 5, 0, results.NaiveZone),
		Status:    results.Failure,
		Tags:      map[string]string{"env": "prod"},
	}
	if err := st.Save(ctx, r); err != nil {
		log.Fatal(err)
	}
	got, err := st.Get(ctx, "run_20240102_030405_a1b2c3d4")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.DataAsset, got.Status, results.FormatTime(got.RunTime), got.Tags["env"])

	_, err = st.Get(ctx, "no-such-run")
	fmt.Println(errors.Is(err, stores.ErrNotFound))
	// Output:
	// customers.csv failure 2024-01-02T03:04:05 prod
	// true
}

// Querying: filters, newest first, paging, and counts that ignore paging.
func ExampleStore_Query() {
	ctx := context.Background()
	st, err := stores.Open(ctx, "mem://")
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	for i, s := range []results.Status{results.Success, results.Failure, results.Failure, results.Warning} {
		err := st.Save(ctx, &results.ValidationResult{
			RunID:     fmt.Sprintf("run-%d", i),
			DataAsset: "orders.parquet",
			RunTime:   time.Date(2024, 1, 1+i, 0, 0, 0, 0, time.UTC),
			Status:    s,
		})
		if err != nil {
			log.Fatal(err)
		}
	}

	failed, err := st.Query(ctx, &stores.Query{DataAsset: "orders.parquet", Status: results.Failure})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range failed {
		fmt.Println(r.RunID, r.Status, results.FormatTime(r.RunTime))
	}

	page, _ := st.ListIDs(ctx, &stores.Query{Ascending: true, Limit: 2, Offset: 1})
	n, _ := st.Count(ctx, &stores.Query{Limit: 2, Offset: 1})
	fmt.Println(page, n)

	_, err = st.Query(ctx, &stores.Query{Status: "passed"})
	fmt.Println(errors.Is(err, stores.ErrInvalid))
	// Output:
	// run-2 failure 2024-01-03T00:00:00+00:00
	// run-1 failure 2024-01-02T00:00:00+00:00
	// [run-1 run-2] 4
	// true
}

// Ids are checked before any backend sees them.
func ExampleValidateID() {
	for _, id := range []string{"run_20240102_030405_a1b2c3d4", "../etc/passwd", "a/b", ""} {
		fmt.Printf("%q: %v\n", id, stores.ValidateID(id))
	}
	// Output:
	// "run_20240102_030405_a1b2c3d4": <nil>
	// "../etc/passwd": invalid argument: id "../etc/passwd" starts with '.'
	// "a/b": invalid argument: id "a/b" contains a path separator
	// "": invalid argument: empty id
}

// Errors name the operation, the backend and the id, and wrap a sentinel.
func ExampleError() {
	ctx := context.Background()
	st, _ := stores.Open(ctx, "mem://")
	defer st.Close()
	_, err := st.Get(ctx, "missing")
	var se *stores.Error
	if errors.As(err, &se) {
		fmt.Println(se.Op, se.Backend, se.ID, se.Kind == stores.ErrNotFound)
	}
	fmt.Println(err)
	// Output:
	// get memory missing true
	// stores: get (memory) "missing": not found
}

// Expectation suites live in their own store; '/' in a name becomes '_'.
func ExampleOpenExpectations() {
	ctx := context.Background()
	es, err := stores.OpenExpectations(ctx, "mem://")
	if err != nil {
		log.Fatal(err)
	}
	defer es.Close()
	err = es.Save(ctx, &results.ExpectationSuite{Name: "team/customers", DataAsset: "customers.csv"})
	if err != nil {
		log.Fatal(err)
	}
	names, _ := es.List(ctx)
	s, _ := es.Get(ctx, "team/customers")
	fmt.Println(names, s.DataAsset)
	// Output:
	// [team_customers] customers.csv
}

// The history helpers of the original.
func ExampleStore_Latest() {
	ctx := context.Background()
	st, _ := stores.Open(ctx, "mem://")
	defer st.Close()
	for i := range 3 {
		_ = st.Save(ctx, &results.ValidationResult{
			RunID: fmt.Sprintf("run-%d", i), DataAsset: "a.csv", Status: results.Success,
			RunTime: time.Date(2024, 1, 1, i, 0, 0, 0, results.NaiveZone),
		})
	}
	latest, _ := st.Latest(ctx, "a.csv")
	runs, _ := st.ListRuns(ctx, "a.csv")
	fmt.Println(latest.RunID, runs)
	// Output:
	// run-2 [run-2 run-1 run-0]
}
