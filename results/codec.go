package results

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
)

// Marshal writes r as the original's filesystem store does: json.dumps(indent=2,
// ensure_ascii=True), without a trailing newline. Keys follow FORMATS.md §1 (unknown
// keys read by Unmarshal come after the known ones, in their order); the derived
// pass_rate and issue_rate are written. Errors wrap ErrInvalid (a missing run id, an
// unknown status or severity, a time outside years 1-9999, an unwritable value).
func Marshal(r *ValidationResult) ([]byte, error) {
	if r == nil {
		return nil, invalidf("nil result")
	}
	w := writer{pretty: true, b: make([]byte, 0, 1024+len(r.Results)*600)}
	if err := w.result(r); err != nil {
		return nil, err
	}
	return w.b, nil
}

// MarshalCompact writes r on one line with Python json.dumps' default separators
// (", " and ": "), the form stored in SQL rows.
func MarshalCompact(r *ValidationResult) ([]byte, error) {
	if r == nil {
		return nil, invalidf("nil result")
	}
	w := writer{b: make([]byte, 0, 512+len(r.Results)*450)}
	if err := w.result(r); err != nil {
		return nil, err
	}
	return w.b, nil
}

// Encode writes the document Marshal would return (compact: MarshalCompact) to out,
// in pieces of about 64 KiB, so that a large result never needs a second copy in
// memory.
func Encode(out io.Writer, r *ValidationResult, compact bool) error {
	if r == nil {
		return invalidf("nil result")
	}
	w := writer{pretty: !compact, out: out, b: make([]byte, 0, min(flushSize+4096, 1024+len(r.Results)*600))}
	if err := w.result(r); err != nil {
		return err
	}
	return w.flush(0)
}

// Decode reads a whole document from in and returns Unmarshal of it.
func Decode(in io.Reader) (*ValidationResult, error) {
	data, err := io.ReadAll(in)
	if err != nil {
		return nil, err
	}
	return Unmarshal(data)
}

func checkTime(key string, t time.Time) error {
	if y := t.Year(); y < 1 || y > 9999 {
		return invalidf("%s: year %d outside 1-9999", key, y)
	}
	return nil
}

func (w *writer) result(r *ValidationResult) error {
	if r == nil {
		return invalidf("nil result")
	}
	if r.RunID == "" {
		return invalidf("run_id: empty")
	}
	if !r.Status.Valid() {
		return invalidf("status: unknown status %q", string(r.Status))
	}
	if err := checkTime("run_time", r.RunTime); err != nil {
		return err
	}
	x := r.x
	if x == nil {
		x = &docExtra{}
	}
	w.open('{')
	w.key("run_id", true)
	w.str(r.RunID)
	w.key("run_time", false)
	w.b = append(w.b, '"')
	w.b = appendTime(w.b, r.RunTime)
	w.b = append(w.b, '"')
	w.key("data_asset", false)
	w.str(r.DataAsset)
	w.key("status", false)
	w.str(string(r.Status))
	w.key("results", false)
	if len(r.Results) == 0 {
		w.b = append(w.b, '[', ']')
	} else {
		w.open('[')
		for i := range r.Results {
			w.sep(i == 0)
			if err := w.validator(&r.Results[i]); err != nil {
				return fmt.Errorf("results[%d]: %w", i, err)
			}
			if err := w.flush(flushSize); err != nil {
				return err
			}
		}
		w.close(']')
	}
	w.key("statistics", false)
	w.statistics(&r.Statistics, x)
	w.key("tags", false)
	w.strMap(r.Tags, orderOf(x.ord, r.Tags))
	w.key("metadata", false)
	if err := w.freeMap(r.Metadata, x.ord); err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	w.key("suite_name", false)
	w.optStr(r.SuiteName)
	w.key("runtime_environment", false)
	if err := w.freeMap(r.RuntimeEnvironment, x.ord); err != nil {
		return fmt.Errorf("runtime_environment: %w", err)
	}
	if err := w.members(x.extra, x.ord); err != nil {
		return err
	}
	w.close('}')
	return nil
}

// freeMap writes a free-form object; nil is written as {} (the original's default).
func (w *writer) freeMap(m map[string]any, ord orders) error {
	if m == nil {
		w.b = append(w.b, '{', '}')
		return nil
	}
	return w.value(m, ord)
}

func (w *writer) members(ms []member, ord orders) error {
	for _, m := range ms {
		w.key(m.key, false)
		if err := w.value(m.val, ord); err != nil {
			return fmt.Errorf("%s: %w", m.key, err)
		}
	}
	return nil
}

func (w *writer) optStr(s *string) {
	if s == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.str(*s)
	}
}

func (w *writer) int(k string, v int64, first bool) {
	w.key(k, first)
	w.b = strconv.AppendInt(w.b, v, 10)
}

func (w *writer) statistics(s *Statistics, x *docExtra) {
	w.open('{')
	w.int("total_validators", s.TotalValidators, true)
	w.int("passed_validators", s.PassedValidators, false)
	w.int("failed_validators", s.FailedValidators, false)
	w.int("error_validators", s.ErrorValidators, false)
	w.int("total_rows", s.TotalRows, false)
	w.int("total_columns", s.TotalColumns, false)
	w.int("total_issues", s.TotalIssues, false)
	w.int("critical_issues", s.CriticalIssues, false)
	w.int("high_issues", s.HighIssues, false)
	w.int("medium_issues", s.MediumIssues, false)
	w.int("low_issues", s.LowIssues, false)
	w.key("execution_time_ms", false)
	w.b = x.statsExec.append(w.b, s.ExecutionTimeMS)
	w.key("pass_rate", false)
	w.float(s.PassRate())
	w.key("issue_rate", false)
	w.float(s.IssueRate())
	// Unknown statistics keys are plain values (never with recorded order).
	_ = w.members(x.statsExtra, nil)
	w.close('}')
}

func (w *writer) validator(v *ValidatorResult) error {
	if !v.Severity.Valid() {
		return invalidf("severity: unknown severity %q", string(v.Severity))
	}
	x := v.x
	if x == nil {
		x = &vrExtra{}
	}
	w.open('{')
	w.key("validator_name", true)
	w.str(v.ValidatorName)
	w.key("success", false)
	if v.Success {
		w.b = append(w.b, "true"...)
	} else {
		w.b = append(w.b, "false"...)
	}
	w.key("column", false)
	w.optStr(v.Column)
	w.key("issue_type", false)
	w.optStr(v.IssueType)
	w.int("count", v.Count, false)
	w.key("severity", false)
	if v.Severity == "" {
		w.b = append(w.b, "null"...)
	} else {
		w.str(string(v.Severity))
	}
	w.key("message", false)
	w.optStr(v.Message)
	w.key("details", false)
	if err := w.freeMap(v.Details, x.ord); err != nil {
		return fmt.Errorf("details: %w", err)
	}
	w.key("execution_time_ms", false)
	w.b = x.exec.append(w.b, v.ExecutionTimeMS)
	if err := w.members(x.extra, x.ord); err != nil {
		return err
	}
	w.close('}')
	return nil
}

// Unmarshal reads a ValidationResult document (FORMATS.md §1). run_id, run_time,
// data_asset and status are required; other keys take defaults when missing or null;
// unknown keys are kept and written back by Marshal; pass_rate and issue_rate are
// ignored. Errors wrap ErrInvalid and name the key and value that are wrong.
func Unmarshal(data []byte) (*ValidationResult, error) {
	d := decoder{p: parser{data: skipBOM(data)}}
	r, err := d.result()
	if err != nil {
		return nil, err
	}
	return r, nil
}

func skipBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return b[3:]
	}
	return b
}

// decoder reads typed fields, naming the key in errors.
type decoder struct {
	p   parser
	ctx string // the object being read, for error messages ("" at the top)
	idx int    // its index in an array plus one; 0 when not in an array
}

// place is the object a decoder is reading, for error messages.
type place struct {
	ctx string
	idx int
}

// enter sets the object being read (idx < 0: not in an array) and returns the
// previous one for leave.
func (d *decoder) enter(ctx string, idx int) place {
	p := place{d.ctx, d.idx}
	d.ctx, d.idx = ctx, idx+1
	return p
}

func (d *decoder) leave(p place) { d.ctx, d.idx = p.ctx, p.idx }

// name returns the full name of key inside the current object (the object itself
// when key is "").
func (d *decoder) name(key string) string {
	n := d.ctx
	if d.idx > 0 {
		n += "[" + strconv.Itoa(d.idx-1) + "]"
	}
	switch {
	case n == "":
		return key
	case key == "":
		return n
	}
	return n + "." + key
}

func (d *decoder) keyErr(key, format string, args ...any) error {
	return invalidf("%s: "+format+" (offset %d)", append(append([]any{d.name(key)}, args...), d.p.i)...)
}

// kind describes the next value for error messages ("" when no value can start
// there).
func (d *decoder) kind() string {
	switch c := d.p.peek(); {
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || c == 'N' || c == 'I' || (c >= '0' && c <= '9'):
		return "a number"
	}
	return ""
}

// typeErr reports that key holds a value of the wrong type, or a syntax error when
// no value starts at the current position.
func (d *decoder) typeErr(key, want string) error {
	k := d.kind()
	if k == "" {
		return d.p.unexpected()
	}
	return d.keyErr(key, "want %s, got %s", want, k)
}

func (d *decoder) str(key string) (string, error) {
	if d.p.peek() != '"' {
		return "", d.typeErr(key, "a string")
	}
	return d.p.str()
}

func (d *decoder) optStr(key string) (*string, error) {
	if d.p.null() {
		return nil, nil
	}
	s, err := d.str(key)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

func (d *decoder) boolean(key string) (bool, error) {
	switch d.p.peek(); {
	case d.p.literal("true"):
		return true, nil
	case d.p.peek() == 'f' && d.p.literal("false"):
		return false, nil
	}
	return false, d.typeErr(key, "true or false")
}

func (d *decoder) isNumber() bool {
	c := d.p.peek()
	return c == '-' || c == 'N' || c == 'I' || (c >= '0' && c <= '9')
}

func (d *decoder) integer(key string) (int64, error) {
	if !d.isNumber() {
		return 0, d.typeErr(key, "an integer")
	}
	tok, err := d.p.number()
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseInt(string(tok), 10, 64)
	if err != nil {
		return 0, d.keyErr(key, "want an integer, got %s", tok)
	}
	return v, nil
}

func (d *decoder) float(key string) (float64, rawFloat, error) {
	if !d.isNumber() {
		return 0, rawFloat{}, d.typeErr(key, "a number")
	}
	tok, err := d.p.number()
	if err != nil {
		return 0, rawFloat{}, err
	}
	var f float64
	switch string(tok) {
	case "NaN":
		f = math.NaN()
	case "Infinity":
		f = math.Inf(1)
	case "-Infinity":
		f = math.Inf(-1)
	default:
		f, err = strconv.ParseFloat(string(tok), 64)
		if err != nil { // out of range: Python reads inf too
			f = math.Inf(1)
			if tok[0] == '-' {
				f = math.Inf(-1)
			}
		}
	}
	return f, newRawFloat(tok, f), nil
}

// freeMap reads an object of free-form values (null gives nil).
func (d *decoder) freeMap(key string, ord *orders) (map[string]any, error) {
	if d.p.null() {
		return nil, nil
	}
	if d.p.peek() != '{' {
		return nil, d.typeErr(key, "an object")
	}
	v, err := d.p.value(ord)
	if err != nil {
		return nil, err
	}
	return v.(map[string]any), nil
}

// members collects unknown keys in order; a repeated key keeps its first position
// and its last value, as Python's json does.
type memberSet struct {
	list  []member
	index map[string]int // built once the list is long, to stay linear
}

func (s *memberSet) add(k string, v any) {
	if s.index == nil && len(s.list) >= 16 {
		s.index = make(map[string]int, 2*len(s.list))
		for i, m := range s.list {
			s.index[m.key] = i
		}
	}
	if s.index != nil {
		if i, ok := s.index[k]; ok {
			s.list[i].val = v
			return
		}
		s.index[k] = len(s.list)
	} else {
		for i := range s.list {
			if s.list[i].key == k {
				s.list[i].val = v
				return
			}
		}
	}
	s.list = append(s.list, member{k, v})
}

func (d *decoder) result() (*ValidationResult, error) {
	p := &d.p
	if p.peek() != '{' {
		if p.peek() == 0 {
			return nil, p.errf("empty document")
		}
		return nil, d.typeErr("document", "an object")
	}
	r := &ValidationResult{}
	x := &docExtra{}
	var extra memberSet
	var haveID, haveTime, haveAsset, haveStatus bool
	err := p.object(func(k string) error {
		var err error
		switch k {
		case "run_id":
			r.RunID, err = d.str(k)
			haveID = true
		case "run_time":
			var s string
			if s, err = d.str(k); err == nil {
				var ok bool
				if r.RunTime, ok = parseTime(s); !ok {
					err = d.keyErr(k, "bad time %q", s)
				}
			}
			haveTime = true
		case "data_asset":
			r.DataAsset, err = d.str(k)
			haveAsset = true
		case "status":
			var s string
			if s, err = d.str(k); err == nil {
				if r.Status = Status(s); !r.Status.Valid() {
					err = d.keyErr(k, "unknown status %q (want success, failure, error or warning)", s)
				}
			}
			haveStatus = true
		case "results":
			r.Results, err = d.validators()
		case "statistics":
			err = d.statistics(&r.Statistics, x)
		case "tags":
			r.Tags, err = d.tags(&x.ord)
		case "metadata":
			r.Metadata, err = d.freeMap(k, &x.ord)
		case "suite_name":
			r.SuiteName, err = d.optStr(k)
		case "runtime_environment":
			r.RuntimeEnvironment, err = d.freeMap(k, &x.ord)
		default:
			var v any
			if v, err = p.value(&x.ord); err == nil {
				extra.add(k, v)
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := p.end(); err != nil {
		return nil, err
	}
	switch {
	case !haveID:
		return nil, invalidf("run_id: missing")
	case !haveTime:
		return nil, invalidf("run_time: missing")
	case !haveAsset:
		return nil, invalidf("data_asset: missing")
	case !haveStatus:
		return nil, invalidf("status: missing")
	case r.RunID == "":
		return nil, invalidf("run_id: empty")
	}
	if r.Results == nil {
		r.Results = []ValidatorResult{}
	}
	if r.Tags == nil {
		r.Tags = map[string]string{}
	}
	if r.Metadata == nil {
		r.Metadata = map[string]any{}
	}
	if r.RuntimeEnvironment == nil {
		r.RuntimeEnvironment = map[string]any{}
	}
	if len(x.ord) == 0 {
		x.ord = nil
	}
	x.extra = extra.list
	if x.ord != nil || x.extra != nil || x.statsExtra != nil || x.statsExec.text != "" {
		r.x = x
	}
	return r, nil
}

func (d *decoder) tags(ord *orders) (map[string]string, error) {
	if d.p.null() {
		return nil, nil
	}
	if d.p.peek() != '{' {
		return nil, d.typeErr("tags", "an object")
	}
	defer d.leave(d.enter("tags", -1))
	m := map[string]string{}
	var keys []string
	sorted := true
	err := d.p.object(func(k string) error {
		v, err := d.str(k)
		if err != nil {
			return err
		}
		if _, dup := m[k]; !dup {
			if len(keys) > 0 && keys[len(keys)-1] > k {
				sorted = false
			}
			keys = append(keys, k)
		}
		m[k] = v
		return nil
	})
	if !sorted {
		ord.record(mapID(m), keys)
	}
	return m, err
}

func (d *decoder) statistics(s *Statistics, x *docExtra) error {
	if d.p.null() {
		return nil
	}
	if d.p.peek() != '{' {
		return d.typeErr("statistics", "an object")
	}
	defer d.leave(d.enter("statistics", -1))
	var statsExtra memberSet
	defer func() { x.statsExtra = statsExtra.list }()
	return d.p.object(func(k string) error {
		key := k
		var err error
		var dst *int64
		switch k {
		case "total_validators":
			dst = &s.TotalValidators
		case "passed_validators":
			dst = &s.PassedValidators
		case "failed_validators":
			dst = &s.FailedValidators
		case "error_validators":
			dst = &s.ErrorValidators
		case "total_rows":
			dst = &s.TotalRows
		case "total_columns":
			dst = &s.TotalColumns
		case "total_issues":
			dst = &s.TotalIssues
		case "critical_issues":
			dst = &s.CriticalIssues
		case "high_issues":
			dst = &s.HighIssues
		case "medium_issues":
			dst = &s.MediumIssues
		case "low_issues":
			dst = &s.LowIssues
		case "execution_time_ms":
			s.ExecutionTimeMS, x.statsExec, err = d.float(key)
			return err
		case "pass_rate", "issue_rate": // derived: ignored
			_, err = d.p.value(nil)
			return err
		default:
			var v any
			if v, err = d.p.value(nil); err == nil {
				statsExtra.add(k, v)
			}
			return err
		}
		*dst, err = d.integer(key)
		return err
	})
}

func (d *decoder) validators() ([]ValidatorResult, error) {
	if d.p.null() {
		return nil, nil
	}
	if d.p.peek() != '[' {
		return nil, d.typeErr("results", "an array")
	}
	vs := []ValidatorResult{}
	err := d.p.array(func(i int) error {
		v, err := d.validator(i)
		if err != nil {
			return err
		}
		vs = append(vs, v)
		return nil
	})
	return vs, err
}

func (d *decoder) validator(i int) (ValidatorResult, error) {
	return d.validatorAt("results", i)
}

// validatorAt reads a ValidatorResult object, named ctx[i] in errors (ctx when i < 0).
func (d *decoder) validatorAt(ctx string, i int) (ValidatorResult, error) {
	var v ValidatorResult
	defer d.leave(d.enter(ctx, i))
	if d.p.peek() != '{' {
		return v, d.typeErr("", "an object")
	}
	var x vrExtra
	var extra memberSet
	var haveName, haveSuccess bool
	err := d.p.object(func(k string) error {
		key := k
		var err error
		switch k {
		case "validator_name":
			v.ValidatorName, err = d.str(key)
			haveName = true
		case "success":
			v.Success, err = d.boolean(key)
			haveSuccess = true
		case "column":
			v.Column, err = d.optStr(key)
		case "issue_type":
			v.IssueType, err = d.optStr(key)
		case "count":
			v.Count, err = d.integer(key)
		case "severity":
			var s *string
			if s, err = d.optStr(key); err == nil && s != nil {
				if v.Severity = Severity(*s); *s == "" || !v.Severity.Valid() {
					err = d.keyErr(key, "unknown severity %q (want critical, high, medium, low or null)", *s)
				}
			} else if s == nil {
				v.Severity = ""
			}
		case "message":
			v.Message, err = d.optStr(key)
		case "details":
			v.Details, err = d.freeMap(key, &x.ord)
		case "execution_time_ms":
			v.ExecutionTimeMS, x.exec, err = d.float(key)
		default:
			var val any
			if val, err = d.p.value(&x.ord); err == nil {
				extra.add(k, val)
			}
		}
		return err
	})
	if err != nil {
		return v, err
	}
	if !haveName {
		return v, invalidf("%s: missing", d.name("validator_name"))
	}
	if !haveSuccess {
		return v, invalidf("%s: missing", d.name("success"))
	}
	if v.Details == nil {
		v.Details = map[string]any{}
	}
	if len(x.ord) == 0 {
		x.ord = nil
	}
	x.extra = extra.list
	if x.ord != nil || x.extra != nil || x.exec.text != "" {
		v.x = &x
	}
	return v, nil
}
