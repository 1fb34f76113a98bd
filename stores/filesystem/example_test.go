package filesystem_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
	"github.com/truthound/truthound-go/stores/driver"
	"github.com/truthound/truthound-go/stores/filesystem"
)

func ExampleOpen() {
	base, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(base)
	ctx := context.Background()

	s, err := filesystem.Open(filesystem.Options{BasePath: base, Namespace: "production", Compression: driver.Gzip})
	if err != nil {
		log.Fatal(err)
	}
	r := results.FromValidators("customers.csv", time.Date(2024, 1, 2, 3, 4, 5, 0, results.NaiveZone), nil, 100, 3)
	r.RunID = "run_20240102_030405_a1b2c3d4"
	if err := s.Save(ctx, r); err != nil {
		log.Fatal(err)
	}
	got, err := s.Get(ctx, r.RunID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.DataAsset, got.Status)
	if err := s.Close(); err != nil {
		log.Fatal(err)
	}
	// The original's layout.
	files, _ := filepath.Glob(filepath.Join(base, "production", "validations", "*.json*"))
	for _, f := range files {
		fmt.Println(filepath.Base(f))
	}
	// Output:
	// customers.csv success
	// _index.json
	// run_20240102_030405_a1b2c3d4.json.gz
}

func ExampleOpen_url() {
	base, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(base)
	ctx := context.Background()

	// The package registers the "file" scheme with package stores.
	s, err := stores.Open(ctx, "file://"+base+"?namespace=team-a&compression=zstd")
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	for i, asset := range []string{"orders.csv", "orders.csv", "users.csv"} {
		r := results.FromValidators(asset, time.Date(2024, 1, 1, i, 0, 0, 0, results.NaiveZone), nil, 10, 2)
		r.RunID = fmt.Sprintf("run-%d", i)
		if err := s.Save(ctx, r); err != nil {
			log.Fatal(err)
		}
	}
	ids, err := s.ListIDs(ctx, &stores.Query{DataAsset: "orders.csv"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ids)
	// Output: [run-1 run-0]
}

func ExampleDriver_Verify() {
	base, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(base)
	ctx := context.Background()

	s, _ := filesystem.Open(filesystem.Options{BasePath: base})
	r := results.FromValidators("a.csv", time.Date(2024, 1, 1, 0, 0, 0, 0, results.NaiveZone), nil, 1, 1)
	r.RunID = "r1"
	s.Save(ctx, r)
	s.Close()
	// Damage the data file behind the store's back.
	os.WriteFile(filepath.Join(base, "default", "validations", "r1.json"), []byte("{"), 0o644)

	s, _ = filesystem.Open(filesystem.Options{BasePath: base})
	defer s.Close()
	problems, err := s.Driver().(driver.Verifier).Verify(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(problems))
	// Output: 1
}

func ExampleOpenExpectations() {
	base, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(base)
	ctx := context.Background()

	e, err := filesystem.OpenExpectations(filesystem.Options{BasePath: base})
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	suite := &results.ExpectationSuite{Name: "orders/daily", DataAsset: "orders.csv"}
	if err := e.Save(ctx, suite); err != nil {
		log.Fatal(err)
	}
	_, err = os.Stat(filepath.Join(base, "default", "expectations", "orders_daily.json"))
	fmt.Println(err == nil)
	// Output: true
}
