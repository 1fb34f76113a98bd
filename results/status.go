package results

import (
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by every error about a malformed document or value: bad JSON,
// a missing required key, a value of the wrong type, an unknown status or severity,
// an unparsable time.
var ErrInvalid = errors.New("results: invalid")

// invalidf returns an error wrapping ErrInvalid.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// Status is the overall outcome of a validation run.
type Status string

// The statuses of a run, as stored on disk.
const (
	Success Status = "success" // every validator passed
	Failure Status = "failure" // a validator failed with a blocking severity
	Error   Status = "error"   // a validator could not run
	Warning Status = "warning" // only non-blocking failures
)

// ParseStatus parses a stored status. The error wraps ErrInvalid and names the value.
func ParseStatus(s string) (Status, error) {
	st := Status(s)
	if !st.Valid() {
		return "", invalidf("unknown status %q (want success, failure, error or warning)", s)
	}
	return st, nil
}

// Valid reports whether s is one of the four known statuses.
func (s Status) Valid() bool {
	switch s {
	case Success, Failure, Error, Warning:
		return true
	}
	return false
}

// String returns the stored form of s.
func (s Status) String() string { return string(s) }

// Severity is how serious a validator's finding is. The zero value means none (null on disk).
type Severity string

// The severities, as stored on disk. The zero value Severity("") is "none".
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

// ParseSeverity parses a severity. "", "none" and "null" give the zero Severity. The
// error wraps ErrInvalid and names the value.
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "", "none", "null":
		return "", nil
	}
	sv := Severity(s)
	if !sv.Valid() {
		return "", invalidf("unknown severity %q (want critical, high, medium, low or none)", s)
	}
	return sv, nil
}

// Valid reports whether s is none or one of the four known severities.
func (s Severity) Valid() bool {
	switch s {
	case "", Critical, High, Medium, Low:
		return true
	}
	return false
}

// String returns the stored form of s, or "none" for the zero Severity.
func (s Severity) String() string {
	if s == "" {
		return "none"
	}
	return string(s)
}
