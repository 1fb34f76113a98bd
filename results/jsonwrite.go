package results

import (
	"encoding/json"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"unicode/utf8"
)

// writer writes JSON as Python's json.dumps(ensure_ascii=True) does, either with
// indent=2 (pretty) or with the default ", " and ": " separators.
type writer struct {
	b      []byte
	pretty bool
	depth  int
	out    io.Writer // if set, flush moves b there
	keys   []string  // keys of the maps being written, innermost last
}

// flushSize is how much Encode buffers before writing to its io.Writer.
const flushSize = 64 << 10

// flush writes the buffer to w.out when it holds at least min bytes.
func (w *writer) flush(min int) error {
	if w.out == nil || len(w.b) < min || len(w.b) == 0 {
		return nil
	}
	_, err := w.out.Write(w.b)
	w.b = w.b[:0]
	return err
}

func (w *writer) nl() {
	if !w.pretty {
		return
	}
	w.b = append(w.b, '\n')
	for i := 0; i < w.depth; i++ {
		w.b = append(w.b, ' ', ' ')
	}
}

// open starts an object or array that has at least one element.
func (w *writer) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
}

// close ends an object or array opened with open.
func (w *writer) close(c byte) {
	w.depth--
	w.nl()
	w.b = append(w.b, c)
}

// sep writes what goes before an element: a comma unless it is the first, and the
// line break of the pretty form.
func (w *writer) sep(first bool) {
	if !first {
		if w.pretty {
			w.b = append(w.b, ',')
		} else {
			w.b = append(w.b, ',', ' ')
		}
	}
	w.nl()
}

// key writes the separator, the key and the colon.
func (w *writer) key(k string, first bool) {
	w.sep(first)
	w.str(k)
	w.b = append(w.b, ':', ' ')
}

const hexDigits = "0123456789abcdef"

// str writes s quoted with every character outside ' '..'~' escaped, as Python's
// ensure_ascii does (non-BMP characters as surrogate pairs). Invalid UTF-8 bytes are
// written as \ufffd; encoded surrogates (from lone \uD800 escapes) are written back
// as escapes.
func (w *writer) str(s string) {
	b := append(w.b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		default:
			if c < utf8.RuneSelf {
				b = appendU(b, rune(c))
				i++
				start = i
				continue
			}
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 && i+2 < len(s) && c == 0xED && s[i+1] >= 0xA0 && s[i+1] <= 0xBF && s[i+2] >= 0x80 && s[i+2] <= 0xBF {
				r = rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
				n = 3
			}
			if r > 0xFFFF {
				r -= 0x10000
				b = appendU(b, 0xD800+r>>10)
				b = appendU(b, 0xDC00+r&0x3FF)
			} else {
				b = appendU(b, r)
			}
			i += n
			start = i
			continue
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	w.b = append(b, '"')
}

func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}

// float writes f as Python's float.__repr__ (json.dumps uses it): the shortest
// digits that read back as f, fixed notation with at least one decimal for
// exponents -4 <= e < 16, else d.ddde+XX; NaN, Infinity and -Infinity bare.
func (w *writer) float(f float64) {
	w.b = appendFloat(w.b, f)
}

func appendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	}
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64)
	neg := e[0] == '-'
	if neg {
		e = e[1:]
		b = append(b, '-')
	}
	// e is d[.ddd]e±XX
	ei := 0
	for e[ei] != 'e' {
		ei++
	}
	var digits [24]byte
	nd := 0
	for _, c := range e[:ei] {
		if c != '.' {
			digits[nd] = c
			nd++
		}
	}
	exp, _ := strconv.Atoi(string(e[ei+1:]))
	decpt := exp + 1 // position of the decimal point relative to the digits
	if decpt <= -4 || decpt > 16 {
		b = append(b, digits[0])
		if nd > 1 {
			b = append(b, '.')
			b = append(b, digits[1:nd]...)
		}
		b = append(b, 'e')
		if exp < 0 {
			b = append(b, '-')
			exp = -exp
		} else {
			b = append(b, '+')
		}
		if exp < 10 {
			b = append(b, '0')
		}
		return strconv.AppendInt(b, int64(exp), 10)
	}
	switch {
	case decpt <= 0:
		b = append(b, '0', '.')
		for i := decpt; i < 0; i++ {
			b = append(b, '0')
		}
		b = append(b, digits[:nd]...)
	case decpt >= nd:
		b = append(b, digits[:nd]...)
		for i := nd; i < decpt; i++ {
			b = append(b, '0')
		}
		b = append(b, '.', '0')
	default:
		b = append(b, digits[:decpt]...)
		b = append(b, '.')
		b = append(b, digits[decpt:nd]...)
	}
	return b
}

// validNumber reports whether s is a JSON number or one of Python's NaN, Infinity,
// -Infinity.
func validNumber(s string) bool {
	if s == "NaN" || s == "Infinity" || s == "-Infinity" {
		return true
	}
	p := parser{data: []byte(s)}
	tok, err := p.number()
	return err == nil && len(tok) == len(s)
}

// value writes a free-form value. Maps are written with the key order recorded in
// ord (keys no longer present are skipped, new keys follow in sorted order), else
// sorted. Values of types other than the JSON ones are converted
// through encoding/json.
func (w *writer) value(v any, ord orders) error {
	switch x := v.(type) {
	case nil:
		w.b = append(w.b, "null"...)
	case bool:
		if x {
			w.b = append(w.b, "true"...)
		} else {
			w.b = append(w.b, "false"...)
		}
	case string:
		w.str(x)
	case json.Number:
		if !validNumber(string(x)) {
			return invalidf("bad number %q", string(x))
		}
		w.b = append(w.b, x...)
	case float64:
		w.float(x)
	case float32:
		w.float(float64(x))
	case int:
		w.b = strconv.AppendInt(w.b, int64(x), 10)
	case int8:
		w.b = strconv.AppendInt(w.b, int64(x), 10)
	case int16:
		w.b = strconv.AppendInt(w.b, int64(x), 10)
	case int32:
		w.b = strconv.AppendInt(w.b, int64(x), 10)
	case int64:
		w.b = strconv.AppendInt(w.b, x, 10)
	case uint:
		w.b = strconv.AppendUint(w.b, uint64(x), 10)
	case uint8:
		w.b = strconv.AppendUint(w.b, uint64(x), 10)
	case uint16:
		w.b = strconv.AppendUint(w.b, uint64(x), 10)
	case uint32:
		w.b = strconv.AppendUint(w.b, uint64(x), 10)
	case uint64:
		w.b = strconv.AppendUint(w.b, x, 10)
	case []any:
		if len(x) == 0 {
			w.b = append(w.b, '[', ']')
			return nil
		}
		w.open('[')
		for i, e := range x {
			w.sep(i == 0)
			if err := w.value(e, ord); err != nil {
				return err
			}
		}
		w.close(']')
	case []string:
		if len(x) == 0 {
			w.b = append(w.b, '[', ']')
			return nil
		}
		w.open('[')
		for i, e := range x {
			w.sep(i == 0)
			w.str(e)
		}
		w.close(']')
	case map[string]any:
		if len(x) == 0 {
			w.b = append(w.b, '{', '}')
			return nil
		}
		w.open('{')
		base := len(w.keys)
		w.keys = appendOrderedKeys(w.keys, x, orderOf(ord, x))
		n := len(w.keys) - base
		for i := 0; i < n; i++ {
			k := w.keys[base+i] // w.keys may grow (and move) in nested calls
			w.key(k, i == 0)
			if err := w.value(x[k], ord); err != nil {
				return err
			}
		}
		clear(w.keys[base:])
		w.keys = w.keys[:base]
		w.close('}')
	case map[string]string:
		w.strMap(x, orderOf(ord, x))
	default:
		return w.foreign(v)
	}
	return nil
}

// strMap writes a map of strings in the recorded key order (see value).
func (w *writer) strMap(m map[string]string, order []string) {
	if len(m) == 0 {
		w.b = append(w.b, '{', '}')
		return
	}
	w.open('{')
	base := len(w.keys)
	w.keys = appendOrderedKeys(w.keys, m, order)
	for i, k := range w.keys[base:] {
		w.key(k, i == 0)
		w.str(m[k])
	}
	clear(w.keys[base:])
	w.keys = w.keys[:base]
	w.close('}')
}

// foreign writes a value of another Go type by converting it with encoding/json.
func (w *writer) foreign(v any) error {
	rv := reflect.ValueOf(v)
	if (rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Map || rv.Kind() == reflect.Slice) && rv.IsNil() {
		w.b = append(w.b, "null"...)
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return invalidf("value of type %T: %v", v, err)
	}
	p := parser{data: raw}
	conv, err := p.value(nil)
	if err != nil {
		return err
	}
	return w.value(conv, nil)
}

// appendOrderedKeys appends the keys of m to dst: first those of order that are in
// m, then the others sorted.
func appendOrderedKeys[V any](dst []string, m map[string]V, order []string) []string {
	base := len(dst)
	if len(order) == 0 {
		for k := range m {
			dst = append(dst, k)
		}
		slices.Sort(dst[base:])
		return dst
	}
	// Small objects: linear look-ups; large ones: a set (no quadratic time).
	var seen map[string]bool
	if len(order) > 32 {
		seen = make(map[string]bool, len(order))
	}
	has := func(k string, upTo int) bool {
		if seen != nil {
			return seen[k]
		}
		return slices.Contains(dst[base:upTo], k)
	}
	for _, k := range order {
		if _, ok := m[k]; ok && !has(k, len(dst)) {
			dst = append(dst, k)
			if seen != nil {
				seen[k] = true
			}
		}
	}
	if len(dst)-base == len(m) {
		return dst
	}
	mid := len(dst)
	for k := range m {
		if !has(k, mid) {
			dst = append(dst, k)
		}
	}
	slices.Sort(dst[mid:])
	return dst
}
