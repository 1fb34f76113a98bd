package check

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// ErrInvalidInput is wrapped by errors about malformed input data (a CSV syntax
// error, a JSON line that is not an object).
var ErrInvalidInput = errors.New("check: invalid input")

// ErrInvalidOption is wrapped by errors about bad options: an unknown format, a key
// column that does not exist, a negative sample size.
var ErrInvalidOption = errors.New("check: invalid option")

// Format is the syntax of the input.
type Format int

// The input formats. Auto (the zero value) looks at the first non-blank byte: '{'
// means JSONL, anything else CSV.
const (
	Auto Format = iota
	CSV
	JSONL
)

// String returns "auto", "csv" or "jsonl".
func (f Format) String() string {
	switch f {
	case Auto:
		return "auto"
	case CSV:
		return "csv"
	case JSONL:
		return "jsonl"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ParseFormat parses "auto" (or ""), "csv", "jsonl" (also "ndjson", "json").
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "", "auto":
		return Auto, nil
	case "csv":
		return CSV, nil
	case "jsonl", "ndjson", "json":
		return JSONL, nil
	}
	return 0, fmt.Errorf("%w: unknown format %q (want csv or jsonl)", ErrInvalidOption, s)
}

// FormatFromPath returns the format named by a file's extension (.csv, .tsv as CSV;
// .jsonl, .ndjson, .json as JSONL), ignoring a trailing .gz; Auto when the extension
// says nothing.
func FormatFromPath(path string) Format {
	p := strings.ToLower(path)
	p = strings.TrimSuffix(p, ".gz")
	switch filepath.Ext(p) {
	case ".csv", ".tsv":
		return CSV
	case ".jsonl", ".ndjson", ".json":
		return JSONL
	}
	return Auto
}
