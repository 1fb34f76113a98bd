package filesystem

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// errSlowPath sends parseIndex to the general decoder: the fast scanner
// only takes the flat index with string values, as the original and this
// package write it.
var errSlowPath = errors.New("not a plain flat index")

// scanner is a minimal JSON scanner for the flat _index.json: an object of
// objects whose values are strings, and a "tags" object of strings.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) byte(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str reads a JSON string.
func (s *scanner) str() (string, error) {
	if !s.byte('"') {
		return "", errSlowPath
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c == '"' {
			out := string(s.b[start:s.i])
			s.i++
			if !utf8.ValidString(out) {
				return "", errSlowPath
			}
			return out, nil
		}
		if c == '\\' {
			return s.strEscaped(start)
		}
		if c < 0x20 {
			return "", errSlowPath
		}
		s.i++
	}
	return "", errSlowPath
}

func (s *scanner) strEscaped(start int) (string, error) {
	out := append([]byte(nil), s.b[start:s.i]...)
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			if !utf8.Valid(out) {
				return "", errSlowPath
			}
			return string(out), nil
		case c < 0x20:
			return "", errSlowPath
		case c != '\\':
			out = append(out, c)
			s.i++
			continue
		}
		if s.i+1 >= len(s.b) {
			return "", errSlowPath
		}
		e := s.b[s.i+1]
		s.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := s.hex4()
			if !ok {
				return "", errSlowPath
			}
			if utf16.IsSurrogate(r) {
				// A pair only when a low surrogate escape follows;
				// otherwise U+FFFD, as encoding/json does.
				if s.i+5 < len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
					save := s.i
					s.i += 2
					if r2, ok := s.hex4(); ok && r2 >= 0xdc00 && r2 < 0xe000 && r < 0xdc00 {
						out = utf8.AppendRune(out, utf16.DecodeRune(r, r2))
						continue
					}
					s.i = save
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", errSlowPath
		}
	}
	return "", errSlowPath
}

func (s *scanner) hex4() (rune, bool) {
	if s.i+4 > len(s.b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(s.b[s.i:s.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	s.i += 4
	return rune(v), true
}

// object calls fn for each key of an object, fn reading the value.
func (s *scanner) object(fn func(key string) error) error {
	if !s.byte('{') {
		return errSlowPath
	}
	if s.byte('}') {
		return nil
	}
	for {
		k, err := s.str()
		if err != nil {
			return err
		}
		if !s.byte(':') {
			return errSlowPath
		}
		if err := fn(k); err != nil {
			return err
		}
		if s.byte(',') {
			continue
		}
		if s.byte('}') {
			return nil
		}
		return errSlowPath
	}
}

// parseFlatFast parses the flat index whose values are all strings (and a
// tags object of strings). Anything else returns errSlowPath.
func parseFlatFast(data []byte) ([]indexEntry, error) {
	s := &scanner{b: data}
	if len(data) >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf {
		s.i = 3
	}
	var out []indexEntry
	err := s.object(func(id string) error {
		e := indexEntry{ID: id}
		var have uint8
		err := s.object(func(k string) error {
			if k == "tags" {
				return s.object(func(tk string) error {
					v, err := s.str()
					if err != nil {
						return err
					}
					if e.Tags == nil {
						e.Tags = map[string]string{}
					}
					e.Tags[tk] = v
					return nil
				})
			}
			v, err := s.str()
			if err != nil {
				return err
			}
			switch k {
			case "data_asset":
				e.DataAsset, have = v, have|1
			case "run_time":
				e.RunTime, have = v, have|2
			case "status":
				e.Status, have = v, have|4
			case "file":
				e.File = v
			}
			return nil
		})
		if err != nil {
			return err
		}
		if have != 7 {
			return errSlowPath
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.ws()
	if s.i != len(s.b) {
		return nil, errSlowPath
	}
	return out, nil
}
