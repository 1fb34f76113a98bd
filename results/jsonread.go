package results

import (
	"encoding/json"
	"reflect"
	"unicode/utf8"
	"unsafe"
)

// maxDepth bounds the nesting of arrays and objects (encoding/json uses the same).
const maxDepth = 10000

// orders records the key order of the objects (maps) that were not in sorted order
// when read, by map identity. Maps without an entry are written with sorted keys.
// Keying by identity keeps the cost linear in the input whatever its nesting, and
// the table keeps its maps alive, so an address is never reused while recorded.
type orders map[unsafe.Pointer][]string

// mapID returns the identity of m.
func mapID[V any](m map[string]V) unsafe.Pointer {
	return reflect.ValueOf(m).UnsafePointer()
}

// orderOf returns the recorded key order of m, if any.
func orderOf[V any](o orders, m map[string]V) []string {
	if o == nil || m == nil {
		return nil
	}
	return o[mapID(m)]
}

// record sets the key order of m, allocating the table on first use.
func (o *orders) record(p unsafe.Pointer, keys []string) {
	if *o == nil {
		*o = orders{}
	}
	(*o)[p] = keys
}

// member is a key and value kept from an unknown key.
type member struct {
	key string
	val any
}

// parser is a small JSON reader that also takes Python's bare NaN, Infinity and
// -Infinity, keeps numbers as json.Number and records object key order.
type parser struct {
	data  []byte
	i     int
	depth int
	keys  []string // keys of the objects being read, innermost last
	vals  []any    // elements of the arrays being read, innermost last
}

func (p *parser) errf(format string, args ...any) error {
	return invalidf("offset %d: "+format, append([]any{p.i}, args...)...)
}

func (p *parser) ws() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte, or 0 at the end.
func (p *parser) peek() byte {
	p.ws()
	if p.i < len(p.data) {
		return p.data[p.i]
	}
	return 0
}

func (p *parser) unexpected() error {
	if p.i >= len(p.data) {
		return p.errf("unexpected end of input")
	}
	r, _ := utf8.DecodeRune(p.data[p.i:])
	return p.errf("unexpected character %q", r)
}

func (p *parser) expect(c byte) error {
	if p.peek() != c {
		return p.unexpected()
	}
	p.i++
	return nil
}

func (p *parser) literal(s string) bool {
	if len(p.data)-p.i >= len(s) && string(p.data[p.i:p.i+len(s)]) == s {
		p.i += len(s)
		return true
	}
	return false
}

// null consumes a null if one is next.
func (p *parser) null() bool {
	return p.peek() == 'n' && p.literal("null")
}

// end checks that only white space is left.
func (p *parser) end() error {
	if p.peek() != 0 || p.i < len(p.data) {
		return p.errf("unexpected data after the document")
	}
	return nil
}

// object reads an object, calling fn after each key with the parser positioned at
// the value, which fn must consume.
func (p *parser) object(fn func(key string) error) error {
	if err := p.expect('{'); err != nil {
		return err
	}
	p.depth++
	if p.depth > maxDepth {
		return p.errf("nested too deeply")
	}
	if p.peek() == '}' {
		p.i++
		p.depth--
		return nil
	}
	for {
		if p.peek() != '"' {
			return p.unexpected()
		}
		k, err := p.str()
		if err != nil {
			return err
		}
		if err := p.expect(':'); err != nil {
			return err
		}
		if err := fn(k); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			p.depth--
			return nil
		default:
			return p.unexpected()
		}
	}
}

// array reads an array, calling fn for each element, which fn must consume.
func (p *parser) array(fn func(i int) error) error {
	if err := p.expect('['); err != nil {
		return err
	}
	p.depth++
	if p.depth > maxDepth {
		return p.errf("nested too deeply")
	}
	if p.peek() == ']' {
		p.i++
		p.depth--
		return nil
	}
	for n := 0; ; n++ {
		if err := fn(n); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			p.depth--
			return nil
		default:
			return p.unexpected()
		}
	}
}

// str reads a string; the next byte must be '"'. Lone surrogates escaped as \uD800
// are kept as their 3-byte generalized UTF-8 form so that they are written back.
func (p *parser) str() (string, error) {
	p.i++ // opening quote
	start := p.i
	// Fast path: no escapes.
	for p.i < len(p.data) {
		c := p.data[p.i]
		if c == '"' {
			s := p.data[start:p.i]
			p.i++
			if !utf8.Valid(s) {
				p.i = start
				return "", p.errf("string is not valid UTF-8")
			}
			return string(s), nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", p.errf("control character %#x in string", c)
		}
		p.i++
	}
	buf := append([]byte(nil), p.data[start:p.i]...)
	for {
		if p.i >= len(p.data) {
			return "", p.errf("unterminated string")
		}
		c := p.data[p.i]
		switch {
		case c == '"':
			p.i++
			if !utf8.Valid(buf) && !validWTF8(buf) {
				return "", p.errf("string is not valid UTF-8")
			}
			return string(buf), nil
		case c < 0x20:
			return "", p.errf("control character %#x in string", c)
		case c != '\\':
			buf = append(buf, c)
			p.i++
			continue
		}
		p.i++
		if p.i >= len(p.data) {
			return "", p.errf("unterminated string")
		}
		e := p.data[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.errf("bad \\u escape")
			}
			if r >= 0xD800 && r < 0xDC00 && p.i+1 < len(p.data) && p.data[p.i] == '\\' && p.data[p.i+1] == 'u' {
				save := p.i
				p.i += 2
				r2, ok := p.hex4()
				if ok && r2 >= 0xDC00 && r2 < 0xE000 {
					buf = utf8.AppendRune(buf, 0x10000+(r-0xD800)<<10+(r2-0xDC00))
					continue
				}
				p.i = save
			}
			if r >= 0xD800 && r < 0xE000 {
				buf = append(buf, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
			} else {
				buf = utf8.AppendRune(buf, r)
			}
		default:
			p.i--
			return "", p.errf("bad escape \\%c", e)
		}
	}
}

func (p *parser) hex4() (rune, bool) {
	if p.i+4 > len(p.data) {
		return 0, false
	}
	var r rune
	for _, c := range p.data[p.i : p.i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}

// validWTF8 reports whether b is UTF-8 extended with encoded surrogates (as str
// produces for lone \uD800-style escapes).
func validWTF8(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			if len(b) >= 3 && b[0] == 0xED && b[1] >= 0xA0 && b[1] <= 0xBF && b[2] >= 0x80 && b[2] <= 0xBF {
				b = b[3:]
				continue
			}
			return false
		}
		b = b[n:]
	}
	return true
}

// number reads a number token (JSON grammar, plus NaN, Infinity and -Infinity) and
// returns its text, which aliases the input.
func (p *parser) number() ([]byte, error) {
	p.ws()
	start := p.i
	if p.literal("NaN") || p.literal("Infinity") || p.literal("-Infinity") {
		return p.data[start:p.i], nil
	}
	d := p.data
	i := p.i
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		p.i = i
		return nil, p.unexpected()
	}
	if i < len(d) && d[i] == '.' {
		i++
		j := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		if i == j {
			p.i = i
			return nil, p.unexpected()
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		j := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		if i == j {
			p.i = i
			return nil, p.unexpected()
		}
	}
	p.i = i
	return d[start:i], nil
}

// value reads any value: map[string]any, []any, string, json.Number, bool or nil.
// When ord is not nil the key order of objects whose keys are not sorted is recorded
// in *ord.
func (p *parser) value(ord *orders) (any, error) {
	switch c := p.peek(); c {
	case '{':
		m := map[string]any{}
		base := len(p.keys)
		sorted := true
		err := p.object(func(k string) error {
			v, err := p.value(ord)
			if err != nil {
				return err
			}
			if _, dup := m[k]; !dup {
				if len(p.keys) > base && p.keys[len(p.keys)-1] > k {
					sorted = false
				}
				p.keys = append(p.keys, k)
			}
			m[k] = v
			return nil
		})
		if err != nil {
			return nil, err
		}
		if ord != nil && !sorted {
			ord.record(mapID(m), append([]string(nil), p.keys[base:]...))
		}
		clear(p.keys[base:])
		p.keys = p.keys[:base]
		return m, nil
	case '[':
		base := len(p.vals)
		err := p.array(func(int) error {
			v, err := p.value(ord)
			if err != nil {
				return err
			}
			p.vals = append(p.vals, v)
			return nil
		})
		if err != nil {
			return nil, err
		}
		a := make([]any, len(p.vals)-base)
		copy(a, p.vals[base:])
		clear(p.vals[base:])
		p.vals = p.vals[:base]
		return a, nil
	case '"':
		return p.str()
	case 't':
		if p.literal("true") {
			return true, nil
		}
	case 'f':
		if p.literal("false") {
			return false, nil
		}
	case 'n':
		if p.literal("null") {
			return nil, nil
		}
	default:
		if c == '-' || c == 'N' || c == 'I' || (c >= '0' && c <= '9') {
			tok, err := p.number()
			if err != nil {
				return nil, err
			}
			return json.Number(tok), nil
		}
	}
	return nil, p.unexpected()
}
