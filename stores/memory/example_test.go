package memory_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
	"github.com/truthound/truthound-go/stores/memory"
)

func ExampleNew() {
	ctx := context.Background()
	st, err := memory.New(memory.Options{MaxItems: 2})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	for i := range 3 {
		err := st.Save(ctx, &results.ValidationResult{
			RunID:     fmt.Sprintf("run-%d", i),
			DataAsset: "orders.csv",
			RunTime:   time.Date(2024, 1, 1+i, 0, 0, 0, 0, results.NaiveZone),
			Status:    results.Success,
		})
		if err != nil {
			log.Fatal(err)
		}
	}
	// The oldest run was evicted to keep two.
	ids, _ := st.ListIDs(ctx, nil)
	fmt.Println(ids, st.Len())
	st.Clear()
	fmt.Println(st.Len())
	// Output:
	// [run-2 run-1] 2
	// 0
}

// The same store through stores.Open and a URL.
func Example_url() {
	ctx := context.Background()
	st, err := stores.Open(ctx, "mem://?max_items=100&compression=zstd")
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	fmt.Println(st.Backend())

	_, err = stores.Open(ctx, "mem://?colour=blue")
	fmt.Println(err)
	// Output:
	// memory
	// stores: open (mem://?colour=blue): invalid argument: unknown option(s) colour (known: max_items)
}
