// Package memory is the in-memory backend of package stores: nothing is
// persisted, which suits tests and short-lived programs.
//
// URL form, for stores.Open: "mem://", with the optional query parameters
//
//	max_items    the most results kept; saving more evicts the oldest run time
//	compression  none (default), gzip or zstd: bodies are kept encoded
//
// Any other parameter is an error.
package memory

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"sync"

	"github.com/truthound/truthound-go/stores"
	"github.com/truthound/truthound-go/stores/driver"
)

// Scheme is the URL scheme of the memory backend.
const Scheme = "mem"

func init() {
	stores.Register(Scheme, openURL)
}

// Options configures a memory store. The zero value keeps everything.
type Options struct {
	// MaxItems bounds the number of items kept; when a save would exceed it,
	// the item with the oldest run time is evicted. 0 means no bound.
	MaxItems int
	// Compression encodes bodies as the portable layer's option of that name.
	Compression driver.Encoding
}

// Store is a store of validation results held in memory. It is a
// *stores.Store with a Clear method.
type Store struct {
	*stores.Store
	d *Driver
}

// New returns an empty in-memory result store.
func New(opts Options) (*Store, error) {
	d, err := NewDriver(opts)
	if err != nil {
		return nil, err
	}
	return &Store{Store: stores.New(d, &stores.Options{Backend: "memory", Compression: opts.Compression}), d: d}, nil
}

// NewExpectations returns an empty in-memory expectation-suite store.
func NewExpectations(opts Options) (*stores.Expectations, error) {
	d, err := NewDriver(opts)
	if err != nil {
		return nil, err
	}
	return stores.NewExpectations(d, &stores.Options{Backend: "memory", Compression: opts.Compression}), nil
}

// Clear removes every item.
func (s *Store) Clear() { s.d.Clear() }

// Len returns the number of items held.
func (s *Store) Len() int { return s.d.Len() }

func openURL(_ context.Context, u *url.URL, _ driver.Collection) (driver.Driver, stores.Options, error) {
	popts, rest, err := stores.ParseOptions(u.Query())
	if err != nil {
		return nil, popts, err
	}
	if err := stores.UnknownParams(rest, "max_items"); err != nil {
		return nil, popts, err
	}
	var opts Options
	if v := rest.Get("max_items"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, popts, fmt.Errorf("%w: max_items=%q is not a non-negative integer", stores.ErrInvalid, v)
		}
		opts.MaxItems = n
	}
	if u.Host != "" || (u.Path != "" && u.Path != "/") {
		return nil, popts, fmt.Errorf("%w: mem:// takes no path, got %q", stores.ErrInvalid, u.Host+u.Path)
	}
	popts.Backend = "memory"
	d, err := NewDriver(opts)
	return d, popts, err
}

// Driver is the memory driver. It is exported for tests of the portable
// layer and for wrappers; use New for a store.
type Driver struct {
	mu     sync.RWMutex
	max    int
	items  map[string]*driver.Record
	closed bool
}

var _ driver.Driver = (*Driver)(nil)

// NewDriver returns an empty memory driver.
func NewDriver(opts Options) (*Driver, error) {
	if opts.MaxItems < 0 {
		return nil, fmt.Errorf("%w: negative MaxItems %d", stores.ErrInvalid, opts.MaxItems)
	}
	return &Driver{max: opts.MaxItems, items: map[string]*driver.Record{}}, nil
}

// Describe names the backend.
func (d *Driver) Describe() string { return "memory" }

func (d *Driver) check() error {
	if d.closed {
		return driver.ErrClosed
	}
	return nil
}

// Put stores a copy of r, evicting the oldest item when the bound is reached.
func (d *Driver) Put(ctx context.Context, r *driver.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	rec := &driver.Record{Meta: r.Meta, Body: slices.Clone(r.Body), Encoding: r.Encoding}
	rec.Tags = driver.CloneTags(r.Tags)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.check(); err != nil {
		return err
	}
	if _, replace := d.items[r.ID]; !replace && d.max > 0 && len(d.items) >= d.max {
		d.evictOldest()
	}
	d.items[r.ID] = rec
	return nil
}

func (d *Driver) evictOldest() {
	var oldest *driver.Record
	for _, r := range d.items {
		if oldest == nil || r.RunTime.Before(oldest.RunTime) ||
			(r.RunTime.Equal(oldest.RunTime) && r.ID < oldest.ID) {
			oldest = r
		}
	}
	if oldest != nil {
		delete(d.items, oldest.ID)
	}
}

// Get returns a copy of the record with id.
func (d *Driver) Get(ctx context.Context, id string) (*driver.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.check(); err != nil {
		return nil, err
	}
	r, ok := d.items[id]
	if !ok {
		return nil, driver.ErrNotFound
	}
	out := *r
	out.Body = slices.Clone(r.Body)
	out.Tags = driver.CloneTags(r.Tags)
	return &out, nil
}

// Exists reports whether id is held.
func (d *Driver) Exists(ctx context.Context, id string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.check(); err != nil {
		return false, err
	}
	_, ok := d.items[id]
	return ok, nil
}

// Delete removes id.
func (d *Driver) Delete(ctx context.Context, id string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.check(); err != nil {
		return false, err
	}
	_, ok := d.items[id]
	delete(d.items, id)
	return ok, nil
}

func (d *Driver) metas() ([]driver.Meta, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.check(); err != nil {
		return nil, err
	}
	out := make([]driver.Meta, 0, len(d.items))
	for _, r := range d.items {
		out = append(out, r.Meta)
	}
	return out, nil
}

// Scan yields the metadata f selects.
func (d *Driver) Scan(ctx context.Context, f *driver.Filter) iter.Seq2[driver.Meta, error] {
	return func(yield func(driver.Meta, error) bool) {
		all, err := d.metas()
		if err != nil {
			yield(driver.Meta{}, err)
			return
		}
		for _, m := range driver.Select(all, f) {
			if err := ctx.Err(); err != nil {
				yield(driver.Meta{}, err)
				return
			}
			if !yield(m, nil) {
				return
			}
		}
	}
}

// Count counts the items f selects.
func (d *Driver) Count(ctx context.Context, f *driver.Filter) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if err := d.check(); err != nil {
		return 0, err
	}
	n := 0
	for _, r := range d.items {
		if f.Match(&r.Meta) {
			n++
		}
	}
	return n, nil
}

// Clear removes every item.
func (d *Driver) Clear() {
	d.mu.Lock()
	defer d.mu.Unlock()
	clear(d.items)
}

// Len returns the number of items held.
func (d *Driver) Len() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return len(d.items)
}

// Close drops every item; later calls fail with driver.ErrClosed.
func (d *Driver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	d.items = nil
	return nil
}
