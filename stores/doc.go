// Package stores persists data-validation results and expectation suites with
// one API over many backends: a local folder, memory, object stores and SQL
// databases. It is the Go edition of the stores of Truthound, the Python
// data-quality framework, and reads and writes the same files, objects and
// tables as the original.
//
// Users hold a *Store, obtained from a backend package (filesystem.Open,
// memory.New) or from Open with a URL. Backends implement the small interface
// of package driver; encoding, compression, id validation and error wrapping
// live here, once, so every backend behaves the same.
//
// Every error wraps one of ErrNotFound, ErrInvalid, ErrRead, ErrWrite,
// ErrConnection and ErrClosed, tested with errors.Is, and is an *Error that
// names the operation, backend and id.
package stores
