package results

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"maps"
	"time"
)

// ValidationResult is the outcome of one validation run over one data asset: the
// document the stores persist.
type ValidationResult struct {
	// RunID identifies the run; NewRunID makes one. Required.
	RunID string
	// RunTime is when the run happened; naive (NaiveZone) or aware. Required.
	RunTime time.Time
	// DataAsset names what was validated (a path, a table, a URL). Required.
	DataAsset string
	// Status is the outcome. Required.
	Status Status
	// Results holds one entry per validator.
	Results []ValidatorResult
	// Statistics summarises Results.
	Statistics Statistics
	// Tags are free key/value labels used to filter queries.
	Tags map[string]string
	// Metadata is free-form JSON-compatible data.
	Metadata map[string]any
	// SuiteName names the expectation suite the run used, if any.
	SuiteName *string
	// RuntimeEnvironment is free-form JSON-compatible data about where it ran.
	RuntimeEnvironment map[string]any

	x *docExtra // what was read that the fields do not hold; never mutated after decode
}

// docExtra keeps unknown keys and formatting facts of a decoded document.
type docExtra struct {
	extra      []member // unknown top-level keys, in order
	statsExtra []member // unknown keys of "statistics", in order
	ord        orders   // key order of metadata, runtime_environment, tags, unknown values
	statsExec  rawFloat // execution_time_ms of "statistics" as written
}

// rawFloat remembers the text a float was read from when that is not how Python
// writes it (an integer such as 3, or 1E2), so that it is written back unchanged
// while the value is unchanged.
type rawFloat struct {
	text string
	val  float64
}

func (r rawFloat) append(b []byte, f float64) []byte {
	if r.text != "" && (f == r.val || f != f && r.val != r.val) {
		return append(b, r.text...)
	}
	return appendFloat(b, f)
}

func newRawFloat(tok []byte, f float64) rawFloat {
	if string(appendFloat(nil, f)) == string(tok) {
		return rawFloat{}
	}
	return rawFloat{text: string(tok), val: f}
}

// ValidatorResult is the finding of one validator.
type ValidatorResult struct {
	// ValidatorName names the validator. Required.
	ValidatorName string
	// Success is true when the validator passed. Required.
	Success bool
	// Column is the column checked, if any.
	Column *string
	// IssueType classifies the finding ("null_values", "duplicates", ...); IssueTypeError
	// marks a validator that could not run.
	IssueType *string
	// Count is how many values or rows are affected.
	Count int64
	// Severity is how serious the finding is; zero means none.
	Severity Severity
	// Message describes the finding.
	Message *string
	// Details is free-form JSON-compatible data (expected/actual values, samples).
	Details map[string]any
	// ExecutionTimeMS is how long the validator ran, in milliseconds.
	ExecutionTimeMS float64

	x *vrExtra // unknown keys and formatting facts; never mutated after decode
}

type vrExtra struct {
	extra []member
	ord   orders
	exec  rawFloat
}

// IssueTypeError is the IssueType of a validator that could not run (an error, not a
// finding about the data). FromValidators counts such results as error validators.
const IssueTypeError = "error"

// Errored reports whether v records a validator that could not run: not successful
// and IssueType is IssueTypeError.
func (v *ValidatorResult) Errored() bool {
	return !v.Success && v.IssueType != nil && *v.IssueType == IssueTypeError
}

// Statistics summarises the validators of a run.
type Statistics struct {
	TotalValidators  int64   // validators run
	PassedValidators int64   // validators that passed
	FailedValidators int64   // validators that found issues
	ErrorValidators  int64   // validators that could not run
	TotalRows        int64   // rows in the data asset
	TotalColumns     int64   // columns in the data asset
	TotalIssues      int64   // issues found (one per failed validator)
	CriticalIssues   int64   // issues of severity critical
	HighIssues       int64   // issues of severity high
	MediumIssues     int64   // issues of severity medium
	LowIssues        int64   // issues of severity low
	ExecutionTimeMS  float64 // total run time in milliseconds
}

// PassRate is PassedValidators/TotalValidators, 1.0 when there are no validators.
func (s Statistics) PassRate() float64 {
	if s.TotalValidators <= 0 {
		return 1.0
	}
	return float64(s.PassedValidators) / float64(s.TotalValidators)
}

// IssueRate is TotalIssues/TotalRows, 0.0 when there are no rows.
func (s Statistics) IssueRate() float64 {
	if s.TotalRows <= 0 {
		return 0.0
	}
	return float64(s.TotalIssues) / float64(s.TotalRows)
}

// NewRunID returns a new run id the way the original makes them:
// run_YYYYMMDD_HHMMSS_ then 8 random hex digits. t is used as given (the original
// uses local time).
func NewRunID(t time.Time) string {
	var rnd [4]byte
	_, _ = rand.Read(rnd[:]) // crypto/rand.Read never fails
	return "run_" + t.Format("20060102_150405") + "_" + hex.EncodeToString(rnd[:])
}

// FromValidators builds the result of a run over dataAsset from its validator results,
// with a new run id (NewRunID(runTime)). Statistics are computed from vs:
//   - error validators: not successful with IssueType IssueTypeError;
//   - failed validators: the other unsuccessful ones, each one issue, counted also
//     under its severity;
//   - ExecutionTimeMS: the sum of the validators' times.
//
// Status is, in order of precedence: Error if any validator errored; Failure if any
// failed validator has severity critical or high, or no severity; Warning if the only
// failures are medium or low; else Success.
func FromValidators(dataAsset string, runTime time.Time, vs []ValidatorResult, totalRows, totalColumns int64) *ValidationResult {
	r := &ValidationResult{
		RunID:              NewRunID(runTime),
		RunTime:            runTime,
		DataAsset:          dataAsset,
		Results:            vs,
		Tags:               map[string]string{},
		Metadata:           map[string]any{},
		RuntimeEnvironment: map[string]any{},
	}
	if r.Results == nil {
		r.Results = []ValidatorResult{}
	}
	r.Statistics, r.Status = summarise(vs)
	r.Statistics.TotalRows = totalRows
	r.Statistics.TotalColumns = totalColumns
	return r
}

func summarise(vs []ValidatorResult) (Statistics, Status) {
	var s Statistics
	blocking, warn := false, false
	for i := range vs {
		v := &vs[i]
		s.TotalValidators++
		s.ExecutionTimeMS += v.ExecutionTimeMS
		switch {
		case v.Success:
			s.PassedValidators++
		case v.Errored():
			s.ErrorValidators++
		default:
			s.FailedValidators++
			s.TotalIssues++
			switch v.Severity {
			case Critical:
				s.CriticalIssues++
				blocking = true
			case High:
				s.HighIssues++
				blocking = true
			case Medium:
				s.MediumIssues++
				warn = true
			case Low:
				s.LowIssues++
				warn = true
			default:
				blocking = true
			}
		}
	}
	switch {
	case s.ErrorValidators > 0:
		return s, Error
	case blocking:
		return s, Failure
	case warn:
		return s, Warning
	}
	return s, Success
}

// Clone returns a deep copy of r: changing the copy (its slices, maps, pointers and
// nested JSON values) never changes r. The copy keeps the key order read by Unmarshal.
func (r *ValidationResult) Clone() *ValidationResult {
	if r == nil {
		return nil
	}
	c := *r
	var cl cloner
	if r.x != nil {
		x := *r.x
		cl = newCloner(x.ord)
		c.x = &x
		defer func() { x.ord = cl.dst }()
	}
	if r.Results != nil {
		c.Results = make([]ValidatorResult, len(r.Results))
		for i := range r.Results {
			c.Results[i] = r.Results[i].Clone()
		}
	}
	c.Tags = cloneStrMap(&cl, r.Tags)
	c.Metadata = cl.cloneMap(r.Metadata)
	c.SuiteName = cloneStr(r.SuiteName)
	c.RuntimeEnvironment = cl.cloneMap(r.RuntimeEnvironment)
	return &c
}

// Clone returns a deep copy of v, keeping the key order read by Unmarshal.
func (v ValidatorResult) Clone() ValidatorResult {
	var cl cloner
	if v.x != nil {
		x := *v.x
		cl = newCloner(x.ord)
		defer func() { x.ord = cl.dst }()
		v.x = &x
	}
	v.Column = cloneStr(v.Column)
	v.IssueType = cloneStr(v.IssueType)
	v.Message = cloneStr(v.Message)
	v.Details = cl.cloneMap(v.Details)
	return v
}

// cloner deep-copies JSON values and carries the recorded key order of the maps it
// copies over to the copies. Unknown keys' values are shared (they cannot be
// reached from outside), so their entries are kept.
type cloner struct {
	src, dst orders
}

func newCloner(src orders) cloner {
	return cloner{src: src, dst: maps.Clone(src)}
}

func cloneStr(p *string) *string {
	if p == nil {
		return nil
	}
	s := *p
	return &s
}

func cloneStrMap(cl *cloner, m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := maps.Clone(m)
	if o := orderOf(cl.src, m); o != nil {
		cl.dst[mapID(c)] = o
	}
	return c
}

func (cl *cloner) cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = cl.cloneValue(v)
	}
	if o := orderOf(cl.src, m); o != nil {
		cl.dst[mapID(c)] = o
	}
	return c
}

// cloneMap deep-copies m (without key order).
func cloneMap(m map[string]any) map[string]any {
	var cl cloner
	return cl.cloneMap(m)
}

func (cl *cloner) cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return cl.cloneMap(x)
	case []any:
		if x == nil {
			return x
		}
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = cl.cloneValue(e)
		}
		return c
	case map[string]string:
		return cloneStrMap(cl, x)
	case []string:
		return append([]string(nil), x...)
	}
	return v
}

// MarshalJSON implements json.Marshaler with the compact form (MarshalCompact).
// encoding/json rejects documents that hold NaN or Infinity; use Marshal for those.
func (r *ValidationResult) MarshalJSON() ([]byte, error) { return MarshalCompact(r) }

// UnmarshalJSON implements json.Unmarshaler with Unmarshal.
func (r *ValidationResult) UnmarshalJSON(data []byte) error {
	v, err := Unmarshal(data)
	if err != nil {
		return err
	}
	*r = *v
	return nil
}

var (
	_ json.Marshaler   = (*ValidationResult)(nil)
	_ json.Unmarshaler = (*ValidationResult)(nil)
)
