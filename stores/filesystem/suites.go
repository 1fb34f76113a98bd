package filesystem

import (
	"context"
	"fmt"
	"os"

	"github.com/truthound/truthound-go/internal/atomicfile"
	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
	"github.com/truthound/truthound-go/stores/driver"
)

// The expectations collection is one file per suite and no index, as the
// original: {base}/{namespace}/expectations/{name}.json. Every write is
// atomic; listing reads the suite files.

func (d *Driver) putSuite(ctx context.Context, name string, r *driver.Record) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.ready(ctx); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(d.dir, name, r.Body, 0o644); err != nil {
		return fmt.Errorf("%w: write %s: %w", driver.ErrWrite, d.path(name), err)
	}
	if d.removeVariants(r.ID, name) {
		if err := atomicfile.SyncDir(d.dir); err != nil {
			return fmt.Errorf("%w: sync %s: %w", driver.ErrWrite, d.dir, err)
		}
	}
	return nil
}

func (d *Driver) deleteSuite(ctx context.Context, id string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.ready(ctx); err != nil {
		return false, err
	}
	if !d.removeVariants(id, "") {
		return false, nil
	}
	if err := atomicfile.SyncDir(d.dir); err != nil {
		return true, fmt.Errorf("%w: sync %s: %w", driver.ErrWrite, d.dir, err)
	}
	return true, nil
}

// readSuite reads and parses one suite file; errors wrap ErrRead and name it.
func (d *Driver) readSuite(f dataFile) (*results.ExpectationSuite, error) {
	body, err := os.ReadFile(d.path(f.name))
	if err != nil {
		return nil, fmt.Errorf("%w: read %s: %w", driver.ErrRead, d.path(f.name), err)
	}
	doc, err := d.decode(f.name, body, f.enc)
	if err != nil {
		return nil, err
	}
	s, err := results.UnmarshalSuite(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: corrupt suite file %s: %w", driver.ErrRead, d.path(f.name), err)
	}
	return s, nil
}

// suiteMetas reads every suite file. A file that cannot be read is listed by
// id only, so Get reports its error and the others stay visible.
func (d *Driver) suiteMetas(ctx context.Context) ([]driver.Meta, error) {
	d.mu.Lock()
	err := d.ready(ctx)
	d.mu.Unlock()
	if err != nil {
		return nil, err
	}
	files, err := d.listData()
	if err != nil {
		return nil, err
	}
	out := make([]driver.Meta, 0, len(files))
	seen := map[string]bool{}
	for _, f := range files {
		m := driver.Meta{ID: f.id}
		if s, err := d.readSuite(f); err == nil {
			m.ID = idOfFile(f, stores.SuiteFileName(s.Name))
			m.DataAsset, m.RunTime, m.Tags = s.DataAsset, s.UpdatedAt, driver.CloneTags(s.Tags)
		}
		if seen[m.ID] {
			continue
		}
		seen[m.ID] = true
		out = append(out, m)
	}
	return out, nil
}

func (d *Driver) verifySuites(ctx context.Context) ([]string, error) {
	d.mu.Lock()
	err := d.ready(ctx)
	d.mu.Unlock()
	if err != nil {
		return nil, err
	}
	files, err := d.listData()
	if err != nil {
		return nil, err
	}
	var problems []string
	seen := map[string]string{}
	for _, f := range files {
		if other, dup := seen[f.id]; dup {
			problems = append(problems, fmt.Sprintf("%q has two suite files: %s and %s", f.id, other, f.name))
		}
		seen[f.id] = f.name
		if _, err := d.readSuite(f); err != nil {
			problems = append(problems, err.Error())
		}
	}
	return problems, nil
}
