package check_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/truthound/truthound-go/check"
)

func ExampleRun() {
	csv := "id,email,age\n1,a@x.io,31\n2,,42\n2,c@x.io,n/a\n"
	r, err := check.Run(context.Background(), strings.NewReader(csv), check.CSV, check.Options{Key: []string{"id"}, DataAsset: "users.csv"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.DataAsset, r.Status, r.Statistics.TotalRows, "rows")
	for _, v := range r.Results {
		if !v.Success {
			fmt.Printf("%s %s: %s\n", v.ValidatorName, v.Severity, *v.Message)
		}
	}
	// Output:
	// users.csv failure 3 rows
	// unique_key high: 1 row repeats the key of an earlier row
	// not_null medium: 1 null value in column "email" (33.3% of rows)
	// type_consistency medium: 1 value in column "age" is not of its type int
}

func ExampleRun_jsonl() {
	jsonl := `{"sku": "A1", "price": 9.5}
{"sku": "B2", "price": 12}
{"sku": "C3"}
`
	r, err := check.Run(context.Background(), strings.NewReader(jsonl), check.Auto, check.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Metadata["format"], r.Status, r.Statistics.TotalColumns, "columns")
	for _, v := range r.Results {
		if v.ValidatorName == "type_consistency" {
			fmt.Println(*v.Column, v.Details["inferred_type"])
		}
	}
	// Output:
	// jsonl warning 2 columns
	// sku string
	// price float
}

func ExampleRunFile() {
	r, err := check.RunFile(context.Background(), "../testdata/sample.csv", check.Auto, check.Options{Key: []string{"id"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := r.Statistics
	fmt.Println(r.DataAsset, r.Status, s.TotalRows, s.TotalColumns)
	fmt.Printf("%d of %d validators passed; issues: %d high, %d medium, %d low\n",
		s.PassedValidators, s.TotalValidators, s.HighIssues, s.MediumIssues, s.LowIssues)
	// Output:
	// ../testdata/sample.csv failure 50 5
	// 9 of 14 validators passed; issues: 1 high, 1 medium, 3 low
}
