package stores

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores/driver"
)

// Options configures the portable layer of a store. The zero value stores
// uncompressed JSON.
type Options struct {
	// Compression encodes every document written: driver.Identity (none),
	// driver.Gzip (as the original's compression=True) or driver.Zstd. Reads
	// follow the encoding each record was written with, whatever this says.
	Compression driver.Encoding
	// Backend names the backend in errors ("filesystem", "memory", ...).
	Backend string
}

// core is what Store and Expectations share: the driver, lazy
// initialisation, closing and the body encoding.
type core struct {
	drv     driver.Driver
	backend string
	enc     driver.Encoding

	initMu sync.Mutex
	inited bool
	closed atomic.Bool
}

func newCore(d driver.Driver, opts *Options) core {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Backend == "" {
		if ds, ok := d.(driver.Describer); ok {
			o.Backend = ds.Describe()
		}
	}
	return core{drv: d, backend: o.Backend, enc: o.Compression}
}

// ready checks the store is open and runs the driver's lazy initialisation
// once.
func (c *core) ready(ctx context.Context) error {
	if c.closed.Load() {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.initMu.Lock()
	defer c.initMu.Unlock()
	if c.inited {
		return nil
	}
	if in, ok := c.drv.(driver.Initializer); ok {
		if err := in.Init(ctx); err != nil {
			return err
		}
	}
	c.inited = true
	return nil
}

func (c *core) close() error {
	if c.closed.Swap(true) {
		return nil
	}
	return c.drv.Close()
}

func (c *core) wrap(op, id string, def, err error) error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	kind := def
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		kind = ErrConnection
	}
	for _, k := range kinds {
		if errors.Is(err, k) {
			kind = k
			break
		}
	}
	return &Error{Op: op, Backend: c.backend, ID: id, Kind: kind, Err: stripSentinel(err, kind)}
}

func (c *core) put(ctx context.Context, meta driver.Meta, doc []byte) error {
	body, err := encode(doc, c.enc)
	if err != nil {
		return err
	}
	return c.drv.Put(ctx, &driver.Record{Meta: meta, Body: body, Encoding: c.enc})
}

func (c *core) get(ctx context.Context, id string) ([]byte, error) {
	rec, err := c.drv.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return decode(rec.Body, rec.Encoding)
}

func (c *core) exists(ctx context.Context, id string) (bool, error) {
	if ex, ok := c.drv.(driver.Exister); ok {
		return ex.Exists(ctx, id)
	}
	_, err := c.drv.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Store is a store of validation results over one backend. Create one with a
// backend's Open function, with Open and a URL, or with New over a driver. A
// Store is safe for concurrent use; Close it when done.
type Store struct {
	core
}

// New returns a Store over the driver d. Backend packages call it; users
// normally call a backend's Open or the package-level Open.
func New(d driver.Driver, opts *Options) *Store {
	return &Store{core: newCore(d, opts)}
}

// Backend names the store's backend, for messages.
func (s *Store) Backend() string { return s.backend }

// Init connects to the backend and creates its layout if needed. Calling it
// is optional: every operation initialises the store on first use.
func (s *Store) Init(ctx context.Context) error {
	return s.wrap("init", "", ErrConnection, s.ready(ctx))
}

// Close releases the store's resources. Operations after Close fail with
// ErrClosed. Close is idempotent.
func (s *Store) Close() error {
	return s.wrap("close", "", ErrWrite, s.close())
}

// Driver returns the driver under s, for backend-specific operations found by
// type assertion (driver.Verifier, driver.IndexRebuilder).
func (s *Store) Driver() driver.Driver { return s.drv }

// Save stores r under r.RunID, replacing any result with that id. The id is
// validated with ValidateID; the status must be valid and the run time set.
func (s *Store) Save(ctx context.Context, r *results.ValidationResult) error {
	if r == nil {
		return s.wrap("save", "", ErrInvalid, fmt.Errorf("%w: nil result", ErrInvalid))
	}
	id := r.RunID
	if err := validResult(r); err != nil {
		return s.wrap("save", id, ErrInvalid, err)
	}
	if err := s.ready(ctx); err != nil {
		return s.wrap("save", id, ErrConnection, err)
	}
	doc, err := results.Marshal(r)
	if err != nil {
		return s.wrap("save", id, ErrInvalid, err)
	}
	meta := driver.Meta{
		ID:        id,
		DataAsset: r.DataAsset,
		RunTime:   r.RunTime,
		Status:    string(r.Status),
		Tags:      driver.CloneTags(r.Tags),
	}
	return s.wrap("save", id, ErrWrite, s.put(ctx, meta, doc))
}

func validResult(r *results.ValidationResult) error {
	if err := ValidateID(r.RunID); err != nil {
		return err
	}
	if !r.Status.Valid() {
		return fmt.Errorf("%w: unknown status %q", ErrInvalid, r.Status)
	}
	if r.RunTime.IsZero() {
		return fmt.Errorf("%w: run_time is not set", ErrInvalid)
	}
	return nil
}

// Get returns the result stored under id, or an error wrapping ErrNotFound.
// A stored document that cannot be decoded gives an error wrapping ErrRead.
func (s *Store) Get(ctx context.Context, id string) (*results.ValidationResult, error) {
	if err := ValidateID(id); err != nil {
		return nil, s.wrap("get", id, ErrInvalid, err)
	}
	if err := s.ready(ctx); err != nil {
		return nil, s.wrap("get", id, ErrConnection, err)
	}
	doc, err := s.get(ctx, id)
	if err != nil {
		return nil, s.wrap("get", id, ErrRead, err)
	}
	r, err := results.Unmarshal(doc)
	if err != nil {
		return nil, s.wrap("get", id, ErrRead, fmt.Errorf("%w: %w", ErrRead, err))
	}
	if r.RunID != id {
		return nil, s.wrap("get", id, ErrRead, fmt.Errorf("%w: document holds run_id %q", ErrRead, r.RunID))
	}
	return r, nil
}

// Exists reports whether a result is stored under id.
func (s *Store) Exists(ctx context.Context, id string) (bool, error) {
	if err := ValidateID(id); err != nil {
		return false, s.wrap("exists", id, ErrInvalid, err)
	}
	if err := s.ready(ctx); err != nil {
		return false, s.wrap("exists", id, ErrConnection, err)
	}
	ok, err := s.exists(ctx, id)
	return ok, s.wrap("exists", id, ErrRead, err)
}

// Delete removes the result stored under id and reports whether there was
// one.
func (s *Store) Delete(ctx context.Context, id string) (bool, error) {
	if err := ValidateID(id); err != nil {
		return false, s.wrap("delete", id, ErrInvalid, err)
	}
	if err := s.ready(ctx); err != nil {
		return false, s.wrap("delete", id, ErrConnection, err)
	}
	ok, err := s.drv.Delete(ctx, id)
	return ok, s.wrap("delete", id, ErrWrite, err)
}

// scan yields the metadata of the results q selects, in q's order.
func (s *Store) scan(ctx context.Context, op string, q *Query) iter.Seq2[driver.Meta, error] {
	return func(yield func(driver.Meta, error) bool) {
		f, err := q.filter()
		if err != nil {
			yield(driver.Meta{}, s.wrap(op, "", ErrInvalid, err))
			return
		}
		if err := s.ready(ctx); err != nil {
			yield(driver.Meta{}, s.wrap(op, "", ErrConnection, err))
			return
		}
		for m, err := range s.drv.Scan(ctx, f) {
			if err != nil {
				yield(driver.Meta{}, s.wrap(op, "", ErrRead, err))
				return
			}
			if !yield(m, nil) {
				return
			}
		}
	}
}

// ListIDs returns the ids of the results q selects (nil: all), in q's order.
// It reads no result bodies.
func (s *Store) ListIDs(ctx context.Context, q *Query) ([]string, error) {
	var ids []string
	for m, err := range s.scan(ctx, "list", q) {
		if err != nil {
			return nil, err
		}
		ids = append(ids, m.ID)
	}
	return ids, nil
}

// Count returns how many results q selects, ignoring its limit and offset.
// It reads no result bodies.
func (s *Store) Count(ctx context.Context, q *Query) (int, error) {
	f, err := q.filter()
	if err != nil {
		return 0, s.wrap("count", "", ErrInvalid, err)
	}
	if err := s.ready(ctx); err != nil {
		return 0, s.wrap("count", "", ErrConnection, err)
	}
	f.Limit, f.Offset = 0, 0
	n, err := s.drv.Count(ctx, f)
	return n, s.wrap("count", "", ErrRead, err)
}

// Iter yields the results q selects (nil: all), in q's order, reading one
// body at a time. A result that cannot be read is yielded as an error and
// iteration goes on with the next one, so one corrupt document never hides
// the others; a failed scan of the index ends the iteration after yielding
// its error. A result deleted while iterating is skipped.
func (s *Store) Iter(ctx context.Context, q *Query) iter.Seq2[*results.ValidationResult, error] {
	return func(yield func(*results.ValidationResult, error) bool) {
		for m, err := range s.scan(ctx, "query", q) {
			if err != nil {
				yield(nil, err)
				return
			}
			r, err := s.Get(ctx, m.ID)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if !yield(r, err) {
				return
			}
		}
	}
}

// Query returns the results q selects (nil: all), in q's order. Results whose
// documents cannot be read are left out and reported together in the error,
// which then wraps ErrRead; the readable results are returned as well, so a
// caller may use them and report the error. When the index itself cannot be
// scanned, Query returns no results and that error.
func (s *Store) Query(ctx context.Context, q *Query) ([]*results.ValidationResult, error) {
	var out []*results.ValidationResult
	var bad []error
	for m, err := range s.scan(ctx, "query", q) {
		if err != nil {
			return nil, err
		}
		r, err := s.Get(ctx, m.ID)
		switch {
		case errors.Is(err, ErrNotFound):
			continue // deleted since the scan
		case errors.Is(err, ErrRead):
			bad = append(bad, err)
			continue
		case err != nil:
			return nil, err
		}
		out = append(out, r)
	}
	if len(bad) > 0 {
		return out, s.wrap("query", "", ErrRead, fmt.Errorf("%w: %d unreadable results: %w", ErrRead, len(bad), errors.Join(bad...)))
	}
	return out, nil
}

// Latest returns the newest result of dataAsset, or an error wrapping
// ErrNotFound when there is none.
func (s *Store) Latest(ctx context.Context, dataAsset string) (*results.ValidationResult, error) {
	rs, err := s.Query(ctx, &Query{DataAsset: dataAsset, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, &Error{Op: "latest", Backend: s.backend, ID: dataAsset, Kind: ErrNotFound,
			Err: fmt.Errorf("no results for data asset %q", dataAsset)}
	}
	return rs[0], nil
}

// History returns the newest n results of dataAsset, newest first (n <= 0:
// all of them).
func (s *Store) History(ctx context.Context, dataAsset string, n int) ([]*results.ValidationResult, error) {
	return s.Query(ctx, &Query{DataAsset: dataAsset, Limit: max(n, 0)})
}

// Failures returns the newest n results with status failure, newest first
// (n <= 0: all of them).
func (s *Store) Failures(ctx context.Context, n int) ([]*results.ValidationResult, error) {
	return s.Query(ctx, &Query{Status: results.Failure, Limit: max(n, 0)})
}

// ListRuns returns the run ids of dataAsset ("" for every asset), newest
// first.
func (s *Store) ListRuns(ctx context.Context, dataAsset string) ([]string, error) {
	return s.ListIDs(ctx, &Query{DataAsset: dataAsset})
}
