package check

import "github.com/truthound/truthound-go/results"

// inferText returns the kind of a CSV field: bool (true/false, any case), int,
// float (decimal, exponent, nan, inf), date (ISO date or date-time) or string.
func inferText(s string) kind {
	switch len(s) {
	case 4:
		if eqFold(s, "true") {
			return kBool
		}
	case 5:
		if eqFold(s, "false") {
			return kBool
		}
	}
	if k := number(s); k != kNull {
		return k
	}
	if isDate(s) {
		return kDate
	}
	return kString
}

func eqFold(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// number returns kInt or kFloat when s is a decimal number, else kNull.
func number(s string) kind {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	rest := s[i:]
	if eqFoldAny(rest, "nan", "inf", "infinity") {
		return kFloat
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	k := kInt
	if i < len(s) && s[i] == '.' {
		k = kFloat
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return kNull
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		k = kFloat
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return kNull
		}
	}
	if i != len(s) {
		return kNull
	}
	return k
}

func eqFoldAny(s string, words ...string) bool {
	for _, w := range words {
		if len(s) == len(w) && eqFold(s, w) {
			return true
		}
	}
	return false
}

// isDate reports whether s is an ISO date (2024-01-02) or date-time.
func isDate(s string) bool {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	_, err := results.ParseTime(s)
	return err == nil
}
