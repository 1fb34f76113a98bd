package stores

import (
	"errors"
	"fmt"

	"github.com/truthound/truthound-go/stores/driver"
)

// The sentinel errors. Every error returned by a *Store wraps exactly one of
// them (and ErrClosed wraps ErrInvalid as well), so callers test with
// errors.Is. They are the same values as those of package driver.
var (
	ErrNotFound   = driver.ErrNotFound
	ErrInvalid    = driver.ErrInvalid
	ErrRead       = driver.ErrRead
	ErrWrite      = driver.ErrWrite
	ErrConnection = driver.ErrConnection
	ErrClosed     = driver.ErrClosed
)

// Error is the error type of every failed store operation. It records the
// operation, the backend and the id concerned, the kind of failure (one of the
// sentinels) and the underlying cause.
type Error struct {
	Op      string // "save", "get", "query", ...
	Backend string // "filesystem", "memory", ...
	ID      string // the item id, if the operation concerned one
	Kind    error  // one of ErrNotFound, ErrInvalid, ErrRead, ErrWrite, ErrConnection, ErrClosed
	Err     error  // the cause
}

func (e *Error) Error() string {
	msg := "stores: " + e.Op
	if e.Backend != "" {
		msg += " (" + e.Backend + ")"
	}
	if e.ID != "" {
		msg += fmt.Sprintf(" %q", e.ID)
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg + ": " + e.Kind.Error()
}

// Unwrap returns the kind and the cause, so errors.Is matches both.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

var kinds = []error{ErrNotFound, ErrClosed, ErrInvalid, ErrConnection, ErrRead, ErrWrite}

// stripSentinel drops a bare sentinel cause so messages do not repeat it.
func stripSentinel(err, kind error) error {
	if err == kind {
		return nil
	}
	return err
}

// kindOf returns the sentinel err wraps, or def.
func kindOf(err, def error) error {
	for _, k := range kinds {
		if errors.Is(err, k) {
			return k
		}
	}
	return def
}
