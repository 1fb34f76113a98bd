package stores

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxIDLength is the longest id, in bytes, a store accepts.
const MaxIDLength = 255

// ValidateID reports whether id can name a stored item on every backend. It
// rejects, with an error wrapping ErrInvalid that says why: the empty id, ids
// longer than MaxIDLength bytes, invalid UTF-8, NUL and other control
// characters, path separators ('/' and '\'), "." and "..", a leading '.'
// (reserved for temporary and lock files) and the reserved name "_index".
// Every *Store calls it before any driver sees an id.
func ValidateID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty id", ErrInvalid)
	case len(id) > MaxIDLength:
		return fmt.Errorf("%w: id is %d bytes long, the limit is %d", ErrInvalid, len(id), MaxIDLength)
	case !utf8.ValidString(id):
		return fmt.Errorf("%w: id %q is not valid UTF-8", ErrInvalid, id)
	case strings.HasPrefix(id, "."):
		return fmt.Errorf("%w: id %q starts with '.'", ErrInvalid, id)
	case strings.EqualFold(id, "_index") || strings.EqualFold(id, "_journal"):
		return fmt.Errorf("%w: id %q is reserved", ErrInvalid, id)
	}
	for _, r := range id {
		switch {
		case r == '/' || r == '\\':
			return fmt.Errorf("%w: id %q contains a path separator", ErrInvalid, id)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return fmt.Errorf("%w: id %q contains control character %U", ErrInvalid, id, r)
		}
	}
	return nil
}

// SuiteFileName maps an expectation suite name to the id under which it is
// stored, as the original does: '/' and '\' become '_'.
func SuiteFileName(name string) string {
	return strings.NewReplacer("/", "_", "\\", "_").Replace(name)
}
