package results

import "encoding/json"

// MarshalValidator writes v on one line as Python's json.dumps does by default
// (separators ", " and ": ", ensure_ascii): the record format of the streaming
// store's JSONL chunks. It adds no newline.
func MarshalValidator(v *ValidatorResult) ([]byte, error) {
	return AppendValidator(nil, v)
}

// AppendValidator appends the MarshalValidator form of v to dst.
func AppendValidator(dst []byte, v *ValidatorResult) ([]byte, error) {
	if v == nil {
		return dst, invalidf("nil validator result")
	}
	w := writer{b: dst}
	if err := w.validator(v); err != nil {
		return dst, err
	}
	return w.b, nil
}

// UnmarshalValidator reads one ValidatorResult document (a line of a streaming
// chunk). validator_name and success are required; unknown keys are kept. Errors wrap
// ErrInvalid and name the key.
func UnmarshalValidator(data []byte) (ValidatorResult, error) {
	d := decoder{p: parser{data: skipBOM(data)}}
	if d.p.peek() != '{' {
		if d.p.peek() == 0 {
			return ValidatorResult{}, d.p.errf("empty document")
		}
		return ValidatorResult{}, d.typeErr("document", "an object")
	}
	v, err := d.validatorAt("", -1)
	if err != nil {
		return ValidatorResult{}, err
	}
	if err := d.p.end(); err != nil {
		return ValidatorResult{}, err
	}
	return v, nil
}

// MarshalJSON implements json.Marshaler with MarshalValidator.
func (v *ValidatorResult) MarshalJSON() ([]byte, error) { return MarshalValidator(v) }

// UnmarshalJSON implements json.Unmarshaler with UnmarshalValidator.
func (v *ValidatorResult) UnmarshalJSON(data []byte) error {
	r, err := UnmarshalValidator(data)
	if err != nil {
		return err
	}
	*v = r
	return nil
}

var (
	_ json.Marshaler   = (*ValidatorResult)(nil)
	_ json.Unmarshaler = (*ValidatorResult)(nil)
)
