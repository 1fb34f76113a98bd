package results

import (
	"fmt"
	"time"
)

// ExpectationSuite is a named set of expectations for a data asset, as the original's
// expectation stores persist it (FORMATS.md §1).
type ExpectationSuite struct {
	// Name names the suite. Required.
	Name string
	// DataAsset names the data the suite is for.
	DataAsset string
	// Expectations are the checks of the suite.
	Expectations []Expectation
	// Meta is free-form JSON-compatible data.
	Meta map[string]any
	// CreatedAt and UpdatedAt are naive or aware times, as RunTime.
	CreatedAt, UpdatedAt time.Time
	// Tags are free key/value labels.
	Tags map[string]string

	x *docExtra // unknown keys and key order; never mutated after decode
}

// Expectation is one check of an ExpectationSuite.
type Expectation struct {
	// ExpectationType names the check, such as "expect_column_values_to_not_be_null".
	ExpectationType string
	// Column is the column the check applies to, if any.
	Column *string
	// Kwargs are the check's arguments; Meta is free-form data.
	Kwargs, Meta map[string]any
	// Enabled tells whether the check runs (true when missing on read).
	Enabled bool
	// Mostly is the fraction of values that must pass (1.0 when missing on read).
	Mostly float64

	x *vrExtra
}

// MarshalSuite writes s as json.dumps(indent=2, ensure_ascii=True) with the keys
// name, data_asset, expectations, meta, created_at, updated_at, tags (unknown keys
// read by UnmarshalSuite follow).
func MarshalSuite(s *ExpectationSuite) ([]byte, error) {
	if s == nil {
		return nil, invalidf("nil suite")
	}
	if s.Name == "" {
		return nil, invalidf("name: empty")
	}
	if err := checkTime("created_at", s.CreatedAt); err != nil {
		return nil, err
	}
	if err := checkTime("updated_at", s.UpdatedAt); err != nil {
		return nil, err
	}
	x := s.x
	if x == nil {
		x = &docExtra{}
	}
	w := writer{pretty: true}
	w.open('{')
	w.key("name", true)
	w.str(s.Name)
	w.key("data_asset", false)
	w.str(s.DataAsset)
	w.key("expectations", false)
	if len(s.Expectations) == 0 {
		w.b = append(w.b, '[', ']')
	} else {
		w.open('[')
		for i := range s.Expectations {
			w.sep(i == 0)
			if err := w.expectation(&s.Expectations[i]); err != nil {
				return nil, fmt.Errorf("expectations[%d]: %w", i, err)
			}
		}
		w.close(']')
	}
	w.key("meta", false)
	if err := w.freeMap(s.Meta, x.ord); err != nil {
		return nil, fmt.Errorf("meta: %w", err)
	}
	w.key("created_at", false)
	w.str(FormatTime(s.CreatedAt))
	w.key("updated_at", false)
	w.str(FormatTime(s.UpdatedAt))
	w.key("tags", false)
	w.strMap(s.Tags, orderOf(x.ord, s.Tags))
	if err := w.members(x.extra, x.ord); err != nil {
		return nil, err
	}
	w.close('}')
	return w.b, nil
}

func (w *writer) expectation(e *Expectation) error {
	x := e.x
	if x == nil {
		x = &vrExtra{}
	}
	w.open('{')
	w.key("expectation_type", true)
	w.str(e.ExpectationType)
	w.key("column", false)
	w.optStr(e.Column)
	w.key("kwargs", false)
	if err := w.freeMap(e.Kwargs, x.ord); err != nil {
		return fmt.Errorf("kwargs: %w", err)
	}
	w.key("meta", false)
	if err := w.freeMap(e.Meta, x.ord); err != nil {
		return fmt.Errorf("meta: %w", err)
	}
	w.key("enabled", false)
	if e.Enabled {
		w.b = append(w.b, "true"...)
	} else {
		w.b = append(w.b, "false"...)
	}
	w.key("mostly", false)
	w.b = x.exec.append(w.b, e.Mostly)
	if err := w.members(x.extra, x.ord); err != nil {
		return err
	}
	w.close('}')
	return nil
}

// UnmarshalSuite reads an ExpectationSuite document. name is required; other keys
// take defaults when missing or null (enabled true, mostly 1.0); unknown keys are kept.
// Errors wrap ErrInvalid and name the key.
func UnmarshalSuite(data []byte) (*ExpectationSuite, error) {
	d := decoder{p: parser{data: skipBOM(data)}}
	p := &d.p
	if p.peek() != '{' {
		return nil, d.typeErr("document", "an object")
	}
	s := &ExpectationSuite{}
	x := &docExtra{}
	var extra memberSet
	haveName := false
	err := p.object(func(k string) error {
		var err error
		switch k {
		case "name":
			s.Name, err = d.str(k)
			haveName = true
		case "data_asset":
			var v *string
			if v, err = d.optStr(k); v != nil {
				s.DataAsset = *v
			}
		case "expectations":
			if p.null() {
				return nil
			}
			if p.peek() != '[' {
				return d.typeErr(k, "an array")
			}
			s.Expectations = []Expectation{}
			err = p.array(func(i int) error {
				e, err := d.expectation(i)
				s.Expectations = append(s.Expectations, e)
				return err
			})
		case "meta":
			s.Meta, err = d.freeMap(k, &x.ord)
		case "created_at", "updated_at":
			var v *string
			if v, err = d.optStr(k); err == nil && v != nil {
				t, ok := parseTime(*v)
				if !ok {
					return d.keyErr(k, "bad time %q", *v)
				}
				if k == "created_at" {
					s.CreatedAt = t
				} else {
					s.UpdatedAt = t
				}
			}
		case "tags":
			s.Tags, err = d.tags(&x.ord)
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
	if !haveName {
		return nil, invalidf("name: missing")
	}
	if s.Expectations == nil {
		s.Expectations = []Expectation{}
	}
	if s.Meta == nil {
		s.Meta = map[string]any{}
	}
	if s.Tags == nil {
		s.Tags = map[string]string{}
	}
	if len(x.ord) == 0 {
		x.ord = nil
	}
	x.extra = extra.list
	if x.ord != nil || x.extra != nil {
		s.x = x
	}
	return s, nil
}

func (d *decoder) expectation(i int) (Expectation, error) {
	e := Expectation{Enabled: true, Mostly: 1.0}
	defer d.leave(d.enter("expectations", i))
	if d.p.peek() != '{' {
		return e, d.typeErr("", "an object")
	}
	var x vrExtra
	var extra memberSet
	err := d.p.object(func(k string) error {
		key := k
		var err error
		switch k {
		case "expectation_type":
			e.ExpectationType, err = d.str(key)
		case "column":
			e.Column, err = d.optStr(key)
		case "kwargs":
			e.Kwargs, err = d.freeMap(key, &x.ord)
		case "meta":
			e.Meta, err = d.freeMap(key, &x.ord)
		case "enabled":
			e.Enabled, err = d.boolean(key)
		case "mostly":
			e.Mostly, x.exec, err = d.float(key)
		default:
			var v any
			if v, err = d.p.value(&x.ord); err == nil {
				extra.add(k, v)
			}
		}
		return err
	})
	if e.Kwargs == nil {
		e.Kwargs = map[string]any{}
	}
	if e.Meta == nil {
		e.Meta = map[string]any{}
	}
	if len(x.ord) == 0 {
		x.ord = nil
	}
	x.extra = extra.list
	if x.ord != nil || x.extra != nil || x.exec.text != "" {
		e.x = &x
	}
	return e, err
}

// Clone returns a deep copy of s, keeping the key order read by UnmarshalSuite.
func (s *ExpectationSuite) Clone() *ExpectationSuite {
	if s == nil {
		return nil
	}
	c := *s
	var cl cloner
	if s.x != nil {
		x := *s.x
		cl = newCloner(x.ord)
		defer func() { x.ord = cl.dst }()
		c.x = &x
	}
	if s.Expectations != nil {
		c.Expectations = make([]Expectation, len(s.Expectations))
		for i, e := range s.Expectations {
			var ecl cloner
			if e.x != nil {
				x := *e.x
				ecl = newCloner(x.ord)
				e.Kwargs = ecl.cloneMap(e.Kwargs)
				e.Meta = ecl.cloneMap(e.Meta)
				x.ord = ecl.dst
				e.x = &x
			} else {
				e.Kwargs = cloneMap(e.Kwargs)
				e.Meta = cloneMap(e.Meta)
			}
			e.Column = cloneStr(e.Column)
			c.Expectations[i] = e
		}
	}
	c.Meta = cl.cloneMap(s.Meta)
	c.Tags = cloneStrMap(&cl, s.Tags)
	return &c
}
