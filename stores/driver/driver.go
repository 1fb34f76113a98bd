// Package driver defines the interface that storage backends implement for
// package stores, and helpers shared by backends that keep an index in
// memory.
//
// A driver deals in bytes and metadata only. Encoding (JSON), compression,
// validation of ids and error wrapping live once, in the portable
// *stores.Store, so every backend behaves the same. Users do not call drivers
// directly; backend packages return a *stores.Store.
//
// The contract, which package storetest checks for every backend:
//   - ids reaching a driver have been validated by the portable layer (see
//     stores.ValidateID); a driver may rely on it and still must never write
//     outside its own area;
//   - Get of an absent id returns an error for which errors.Is(err,
//     ErrNotFound) is true;
//   - every method is safe for concurrent use by several goroutines;
//   - after Close, methods return an error wrapping ErrClosed;
//   - a Put that returned nil is durable to the degree the backend promises
//     (the filesystem backend: fsynced) and visible to every later call.
package driver

import (
	"context"
	"errors"
	"iter"
	"time"
)

// The sentinel errors of the stores. Package stores re-exports them, so
// errors.Is(err, stores.ErrNotFound) and errors.Is(err, driver.ErrNotFound)
// are the same test.
var (
	// ErrNotFound: the item does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the caller passed a bad id, query, option or document.
	ErrInvalid = errors.New("invalid argument")
	// ErrRead: stored data could not be read or decoded (corrupt file,
	// truncated stream, document that does not parse).
	ErrRead = errors.New("read failed")
	// ErrWrite: data could not be written.
	ErrWrite = errors.New("write failed")
	// ErrConnection: the backend could not be reached.
	ErrConnection = errors.New("connection failed")
	// ErrClosed: the store was used after Close.
	ErrClosed = errors.New("store is closed")
)

// Collection names what a driver holds. Backends lay collections out
// differently (the filesystem keeps no index for expectation suites, as the
// original).
type Collection string

// The collections.
const (
	// Results holds ValidationResult documents keyed by run id.
	Results Collection = "results"
	// Expectations holds ExpectationSuite documents keyed by suite name.
	Expectations Collection = "expectations"
)

// Encoding says how a record's body is encoded on top of JSON. A driver
// stores it (for example as a file extension or a Content-Encoding) and
// reports it back on Get.
type Encoding string

// The encodings.
const (
	Identity Encoding = ""
	Gzip     Encoding = "gzip"
	Zstd     Encoding = "zstd"
)

// Meta is what queries filter and order on. Drivers keep it in an index so a
// query never reads result bodies.
type Meta struct {
	ID        string
	DataAsset string
	// RunTime is the run time of a result (UpdatedAt of a suite). A time whose
	// location is results.NaiveZone was naive in Python; all comparisons use
	// the instant, so a mix of naive and aware times orders without error.
	RunTime time.Time
	Status  string
	Tags    map[string]string
}

// Record is one stored item.
type Record struct {
	Meta
	// Body is the encoded document (JSON, possibly compressed as Encoding
	// says). Drivers must not modify it.
	Body     []byte
	Encoding Encoding
}

// Driver is the interface a backend implements.
type Driver interface {
	// Put creates or replaces the record with r.ID.
	Put(ctx context.Context, r *Record) error
	// Get returns the record with id, or an error wrapping ErrNotFound.
	Get(ctx context.Context, id string) (*Record, error)
	// Delete removes the record with id and reports whether it existed.
	Delete(ctx context.Context, id string) (bool, error)
	// Scan yields the metadata of the records that match f, ordered, offset
	// and limited as f says. f is never nil. Use Select when the index is in
	// memory.
	Scan(ctx context.Context, f *Filter) iter.Seq2[Meta, error]
	// Count returns the number of records that match f, ignoring its order,
	// offset and limit. f is never nil.
	Count(ctx context.Context, f *Filter) (int, error)
	// Close releases the driver's resources. Close is idempotent.
	Close() error
}

// Exister is implemented by drivers that can test for an id more cheaply than
// Get.
type Exister interface {
	Exists(ctx context.Context, id string) (bool, error)
}

// Initializer is implemented by drivers that connect or create their layout
// lazily; stores.Store calls Init once before the first use, or when the user
// calls Store.Init.
type Initializer interface {
	Init(ctx context.Context) error
}

// Describer is implemented by drivers that can name their backend and location
// for error messages and `truthound store` output, for example
// "filesystem /data/results/default/validations".
type Describer interface {
	Describe() string
}

// Verifier is implemented by drivers that can check their own consistency
// (index against data, every document readable). Verify returns one
// human-readable line per problem found; no problems and a nil error means
// the store is consistent.
type Verifier interface {
	Verify(ctx context.Context) ([]string, error)
}

// IndexRebuilder is implemented by drivers with an index that can be
// recreated from the data itself.
type IndexRebuilder interface {
	RebuildIndex(ctx context.Context) error
}
