// Package check runs a small set of built-in data-quality validators over a CSV or
// JSON-lines stream and returns a results.ValidationResult.
//
// The input is read once, in batches, and never held whole: the validators keep
// per-column counters and 16-byte hashes of rows and keys. The validators are:
//
//   - row_count: at least Options.MinRows data rows (default 1); severity critical.
//   - row_width (CSV): every row has as many fields as the header; severity high.
//   - not_null, one per column: empty CSV fields, JSON nulls and missing JSON keys.
//     Severity low below 5% of rows, medium below 50%, high above (always high for
//     a key column).
//   - type_consistency, one per column: each non-null value is int, float, bool,
//     date (ISO date or date-time) or string (JSON: number, bool, string, object,
//     array; ISO date strings count as date). The column's type is the most common
//     one (int values fit a float column); the others are issues; severity medium.
//   - duplicate_rows: rows equal to an earlier row; severity medium.
//   - unique_key, when Options.Key names columns: rows whose key equals an earlier
//     row's key (rows with a null key part are not compared); severity high.
//
// The status follows results.FromValidators: a high or critical issue makes the run
// a failure, medium and low ones a warning.
package check
