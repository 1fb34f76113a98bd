package results_test

import (
	"fmt"
	"os"
	"time"

	"github.com/truthound/truthound-go/results"
)

func ExampleUnmarshal() {
	doc := []byte(`{"run_id": "run_20240102_030405_a1b2c3d4", "run_time": "2024-01-02T03:04:05.678901",
	  "data_asset": "customers.csv", "status": "failure",
	  "results": [{"validator_name": "not_null", "success": false, "column": "email", "count": 5, "severity": "high"}],
	  "statistics": {"total_validators": 1, "failed_validators": 1, "total_rows": 100, "total_issues": 1, "high_issues": 1}}`)
	r, err := results.Unmarshal(doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.RunID, r.Status, r.DataAsset, results.IsNaive(r.RunTime))
	fmt.Println(r.Results[0].ValidatorName, *r.Results[0].Column, r.Results[0].Count, r.Results[0].Severity)
	fmt.Println(r.Statistics.PassRate(), r.Statistics.IssueRate())
	// Output:
	// run_20240102_030405_a1b2c3d4 failure customers.csv true
	// not_null email 5 high
	// 0 0.01
}

func ExampleMarshal() {
	col, msg := "email", "Found 2 null values – café"
	vs := []results.ValidatorResult{
		{ValidatorName: "not_null", Column: &col, Count: 2, Severity: results.Medium, Message: &msg, ExecutionTimeMS: 0.00001},
	}
	r := results.FromValidators("customers.csv", time.Date(2024, 1, 2, 3, 4, 5, 0, results.NaiveZone), vs, 50, 5)
	r.RunID = "run_20240102_030405_00000000" // fixed for the example; FromValidators makes a random one
	out, err := results.MarshalCompact(r)
	if err != nil {
		fmt.Println(err)
		return
	}
	os.Stdout.Write(out)
	fmt.Println()
	// Output:
	// {"run_id": "run_20240102_030405_00000000", "run_time": "2024-01-02T03:04:05", "data_asset": "customers.csv", "status": "warning", "results": [{"validator_name": "not_null", "success": false, "column": "email", "issue_type": null, "count": 2, "severity": "medium", "message": "Found 2 null values \u2013 caf\u00e9", "details": {}, "execution_time_ms": 1e-05}], "statistics": {"total_validators": 1, "passed_validators": 0, "failed_validators": 1, "error_validators": 0, "total_rows": 50, "total_columns": 5, "total_issues": 1, "critical_issues": 0, "high_issues": 0, "medium_issues": 1, "low_issues": 0, "execution_time_ms": 1e-05, "pass_rate": 0.0, "issue_rate": 0.02}, "tags": {}, "metadata": {}, "suite_name": null, "runtime_environment": {}}
}

func ExampleFromValidators() {
	col := "id"
	vs := []results.ValidatorResult{
		{ValidatorName: "row_count", Success: true},
		{ValidatorName: "duplicate_key", Column: &col, Count: 1, Severity: results.High},
	}
	r := results.FromValidators("customers.csv", time.Now(), vs, 50, 5)
	s := r.Statistics
	fmt.Println(r.Status, s.TotalValidators, s.PassedValidators, s.FailedValidators, s.HighIssues, s.PassRate())
	// Output:
	// failure 2 1 1 1 0.5
}

func ExampleParseTime() {
	naive, _ := results.ParseTime("2024-01-02T03:04:05.5")
	aware, _ := results.ParseTime("2024-01-02T04:04:05Z")
	fmt.Println(results.FormatTime(naive), results.FormatTime(aware), naive.Before(aware))
	// Output:
	// 2024-01-02T03:04:05.500000 2024-01-02T04:04:05+00:00 true
}

func ExampleEncode() {
	r := results.FromValidators("orders.parquet", time.Date(2024, 1, 3, 0, 0, 0, 0, results.NaiveZone), nil, 0, 0)
	r.RunID = "run_20240103_000000_00000000"
	// Encode streams the document (here compact) to any io.Writer, such as a gzip writer.
	if err := results.Encode(os.Stdout, r, true); err != nil {
		fmt.Println(err)
	}
	fmt.Println()
	// Output:
	// {"run_id": "run_20240103_000000_00000000", "run_time": "2024-01-03T00:00:00", "data_asset": "orders.parquet", "status": "success", "results": [], "statistics": {"total_validators": 0, "passed_validators": 0, "failed_validators": 0, "error_validators": 0, "total_rows": 0, "total_columns": 0, "total_issues": 0, "critical_issues": 0, "high_issues": 0, "medium_issues": 0, "low_issues": 0, "execution_time_ms": 0.0, "pass_rate": 1.0, "issue_rate": 0.0}, "tags": {}, "metadata": {}, "suite_name": null, "runtime_environment": {}}
}

func ExampleUnmarshalSuite() {
	s, err := results.UnmarshalSuite([]byte(`{"name": "customers", "data_asset": "customers.csv",
	  "expectations": [{"expectation_type": "expect_column_values_to_not_be_null", "column": "email", "mostly": 0.95}],
	  "created_at": "2024-01-02T03:04:05", "updated_at": "2024-01-02T03:04:05"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	e := s.Expectations[0]
	fmt.Println(s.Name, e.ExpectationType, *e.Column, e.Mostly, e.Enabled)
	// Output:
	// customers expect_column_values_to_not_be_null email 0.95 true
}
