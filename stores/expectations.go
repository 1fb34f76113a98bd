package stores

import (
	"context"
	"fmt"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores/driver"
)

// Expectations is a store of expectation suites, keyed by suite name, over
// the same drivers as Store (opened for the driver.Expectations collection).
// Names are mapped as the original does: '/' and '\' become '_'.
type Expectations struct {
	core
}

// NewExpectations returns an expectation-suite store over d.
func NewExpectations(d driver.Driver, opts *Options) *Expectations {
	return &Expectations{core: newCore(d, opts)}
}

// Close releases the store's resources; it is idempotent.
func (e *Expectations) Close() error {
	return e.wrap("close", "", ErrWrite, e.close())
}

func (e *Expectations) id(op, name string) (string, error) {
	id := SuiteFileName(name)
	if err := ValidateID(id); err != nil {
		return "", e.wrap(op, name, ErrInvalid, err)
	}
	return id, nil
}

// Save stores s under its name, replacing any suite of that name.
func (e *Expectations) Save(ctx context.Context, s *results.ExpectationSuite) error {
	if s == nil {
		return e.wrap("save", "", ErrInvalid, fmt.Errorf("%w: nil suite", ErrInvalid))
	}
	id, err := e.id("save", s.Name)
	if err != nil {
		return err
	}
	if err := e.ready(ctx); err != nil {
		return e.wrap("save", s.Name, ErrConnection, err)
	}
	doc, err := results.MarshalSuite(s)
	if err != nil {
		return e.wrap("save", s.Name, ErrInvalid, err)
	}
	meta := driver.Meta{ID: id, DataAsset: s.DataAsset, RunTime: s.UpdatedAt, Tags: driver.CloneTags(s.Tags)}
	return e.wrap("save", s.Name, ErrWrite, e.put(ctx, meta, doc))
}

// Get returns the suite called name, or an error wrapping ErrNotFound.
func (e *Expectations) Get(ctx context.Context, name string) (*results.ExpectationSuite, error) {
	id, err := e.id("get", name)
	if err != nil {
		return nil, err
	}
	if err := e.ready(ctx); err != nil {
		return nil, e.wrap("get", name, ErrConnection, err)
	}
	doc, err := e.get(ctx, id)
	if err != nil {
		return nil, e.wrap("get", name, ErrRead, err)
	}
	s, err := results.UnmarshalSuite(doc)
	if err != nil {
		return nil, e.wrap("get", name, ErrRead, fmt.Errorf("%w: %w", ErrRead, err))
	}
	return s, nil
}

// Exists reports whether a suite called name is stored.
func (e *Expectations) Exists(ctx context.Context, name string) (bool, error) {
	id, err := e.id("exists", name)
	if err != nil {
		return false, err
	}
	if err := e.ready(ctx); err != nil {
		return false, e.wrap("exists", name, ErrConnection, err)
	}
	ok, err := e.exists(ctx, id)
	return ok, e.wrap("exists", name, ErrRead, err)
}

// Delete removes the suite called name and reports whether there was one.
func (e *Expectations) Delete(ctx context.Context, name string) (bool, error) {
	id, err := e.id("delete", name)
	if err != nil {
		return false, err
	}
	if err := e.ready(ctx); err != nil {
		return false, e.wrap("delete", name, ErrConnection, err)
	}
	ok, err := e.drv.Delete(ctx, id)
	return ok, e.wrap("delete", name, ErrWrite, err)
}

// List returns the stored ids of the suites (their names as mapped by
// SuiteFileName), sorted.
func (e *Expectations) List(ctx context.Context) ([]string, error) {
	if err := e.ready(ctx); err != nil {
		return nil, e.wrap("list", "", ErrConnection, err)
	}
	var ids []string
	for m, err := range e.drv.Scan(ctx, &driver.Filter{OrderBy: ByRunID, Ascending: true}) {
		if err != nil {
			return nil, e.wrap("list", "", ErrRead, err)
		}
		ids = append(ids, m.ID)
	}
	return ids, nil
}
