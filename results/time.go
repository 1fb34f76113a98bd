package results

import (
	"strconv"
	"time"
)

// NaiveZone marks a naive (offset-less) Python datetime: a time.Time whose Location()
// is NaiveZone is written without an offset and compares as if it were UTC (its offset
// is 0, so Before, After, Equal and Compare work across naive and aware times). Any
// other location is written with a +HH:MM offset (never Z).
var NaiveZone = time.FixedZone("naive", 0)

// Naive returns the wall-clock time of t as a naive datetime (location NaiveZone).
func Naive(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), NaiveZone)
}

// IsNaive reports whether t is a naive datetime.
func IsNaive(t time.Time) bool { return t.Location() == NaiveZone }

// FormatTime formats t like Python's datetime.isoformat(): YYYY-MM-DDTHH:MM:SS, then
// .ffffff when the microseconds are not 0 (nanoseconds are truncated to microseconds),
// then +HH:MM (or +HH:MM:SS) unless t is naive.
func FormatTime(t time.Time) string {
	return string(appendTime(make([]byte, 0, 32), t))
}

func appendTime(b []byte, t time.Time) []byte {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = appendInt(b, y, 4)
	b = append(b, '-')
	b = appendInt(b, int(mo), 2)
	b = append(b, '-')
	b = appendInt(b, d, 2)
	b = append(b, 'T')
	b = appendInt(b, h, 2)
	b = append(b, ':')
	b = appendInt(b, mi, 2)
	b = append(b, ':')
	b = appendInt(b, s, 2)
	if us := t.Nanosecond() / 1000; us != 0 {
		b = append(b, '.')
		b = appendInt(b, us, 6)
	}
	if t.Location() == NaiveZone {
		return b
	}
	_, off := t.Zone()
	if off < 0 {
		b = append(b, '-')
		off = -off
	} else {
		b = append(b, '+')
	}
	b = appendInt(b, off/3600, 2)
	b = append(b, ':')
	b = appendInt(b, off/60%60, 2)
	if off%60 != 0 {
		b = append(b, ':')
		b = appendInt(b, off%60, 2)
	}
	return b
}

func appendInt(b []byte, v, width int) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(v), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// ParseTime parses a Python isoformat() time: YYYY-MM-DD, optionally followed by 'T' or
// a space and HH:MM[:SS[.f]] with 1 to 9 fraction digits (kept to the microsecond, as
// Python does), optionally followed by Z or ±HH[:MM[:SS]] (also ±HHMM). Without an
// offset the result is naive (location NaiveZone). Errors wrap ErrInvalid.
func ParseTime(s string) (time.Time, error) {
	t, ok := parseTime(s)
	if !ok {
		return time.Time{}, invalidf("bad time %q (want ISO 8601 such as 2024-01-02T03:04:05.678901)", s)
	}
	return t, nil
}

func parseTime(s string) (time.Time, bool) {
	p := tparser{s: s}
	year, ok1 := p.digits(4)
	ok2 := p.lit('-')
	month, ok3 := p.digits(2)
	ok4 := p.lit('-')
	day, ok5 := p.digits(2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5) || year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return time.Time{}, false
	}
	var hour, minute, sec, nsec int
	if p.i < len(s) && (s[p.i] == 'T' || s[p.i] == 't' || s[p.i] == ' ') {
		p.i++
		var ok bool
		if hour, ok = p.digits(2); !ok || hour > 23 {
			return time.Time{}, false
		}
		if !p.lit(':') {
			return time.Time{}, false
		}
		if minute, ok = p.digits(2); !ok || minute > 59 {
			return time.Time{}, false
		}
		if p.lit(':') {
			if sec, ok = p.digits(2); !ok || sec > 59 {
				return time.Time{}, false
			}
			if p.lit('.') || p.lit(',') {
				n := 0
				scale := 100000000
				for p.i < len(s) && s[p.i] >= '0' && s[p.i] <= '9' {
					if n == 9 {
						return time.Time{}, false
					}
					nsec += int(s[p.i]-'0') * scale
					scale /= 10
					n++
					p.i++
				}
				if n == 0 {
					return time.Time{}, false
				}
				nsec -= nsec % 1000
			}
		}
	}
	loc := NaiveZone
	if p.i < len(s) {
		switch s[p.i] {
		case 'Z', 'z':
			p.i++
			loc = time.UTC
		case '+', '-':
			sign := 1
			if s[p.i] == '-' {
				sign = -1
			}
			p.i++
			oh, ok := p.digits(2)
			if !ok || oh > 23 {
				return time.Time{}, false
			}
			var om, os int
			colon := p.lit(':')
			if p.i < len(s) {
				if om, ok = p.digits(2); !ok || om > 59 {
					return time.Time{}, false
				}
				if p.i < len(s) {
					if colon && !p.lit(':') {
						return time.Time{}, false
					}
					if os, ok = p.digits(2); !ok || os > 59 {
						return time.Time{}, false
					}
				}
			} else if colon {
				return time.Time{}, false
			}
			off := sign * (oh*3600 + om*60 + os)
			if off == 0 {
				loc = time.UTC
			} else {
				loc = time.FixedZone("", off)
			}
		default:
			return time.Time{}, false
		}
	}
	if p.i != len(s) {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc), true
}

type tparser struct {
	s string
	i int
}

func (p *tparser) digits(n int) (int, bool) {
	if p.i+n > len(p.s) {
		return 0, false
	}
	v := 0
	for k := 0; k < n; k++ {
		c := p.s[p.i+k]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	p.i += n
	return v, true
}

func (p *tparser) lit(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
