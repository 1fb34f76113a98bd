package filesystem

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/truthound/truthound-go/internal/atomicfile"
	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores/driver"
)

// dataFile is a data file found in the folder.
type dataFile struct {
	name string
	id   string
	enc  driver.Encoding
}

// listData returns the data files of the folder, sorted by name.
func (d *Driver) listData() ([]dataFile, error) {
	des, err := os.ReadDir(d.dir)
	if err != nil {
		return nil, fmt.Errorf("%w: list %s: %w", driver.ErrRead, d.dir, err)
	}
	var out []dataFile
	for _, de := range des {
		if !de.Type().IsRegular() {
			continue
		}
		if id, enc, ok := splitDataName(de.Name()); ok {
			out = append(out, dataFile{name: de.Name(), id: id, enc: enc})
		}
	}
	return out, nil
}

// readResult reads, decodes and parses one data file; errors wrap ErrRead
// and name the file.
func (d *Driver) readResult(f dataFile) (*results.ValidationResult, error) {
	body, err := os.ReadFile(d.path(f.name))
	if err != nil {
		return nil, fmt.Errorf("%w: read %s: %w", driver.ErrRead, d.path(f.name), err)
	}
	doc, err := d.decode(f.name, body, f.enc)
	if err != nil {
		return nil, err
	}
	r, err := results.Unmarshal(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: corrupt data file %s: %w", driver.ErrRead, d.path(f.name), err)
	}
	return r, nil
}

// RebuildIndex recreates _index.json from the data files, after finishing
// the operations of writers that crashed; the journal is emptied. Data files
// that cannot be read are left out of the index (Verify reports them, Get
// reports their error).
func (d *Driver) RebuildIndex(ctx context.Context) error {
	if d.coll == driver.Expectations {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.ready(ctx) // no index to rebuild
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.ready(ctx); err != nil {
		return err
	}
	if d.readOnly {
		return d.errReadOnly()
	}
	if err := d.lk.lock(); err != nil {
		return fmt.Errorf("%w: lock %s: %w", driver.ErrWrite, d.dir, err)
	}
	defer d.lk.unlock()
	_, recs, err := d.readState()
	if err != nil && !errors.Is(err, errBadIndex) {
		return err
	}
	if err := d.recover(recs); err != nil {
		return err
	}
	return d.rebuildLocked(nil)
}

// rebuildLocked rebuilds the index from the data files under the exclusive
// lock. cause, when not nil, says why (a missing or corrupt index); a corrupt
// index is kept beside as _index.corrupt-<time>.bak.
func (d *Driver) rebuildLocked(cause error) error {
	if cause != nil {
		if _, err := os.Stat(d.path(indexName)); err == nil {
			bak := "_index.corrupt-" + strconv.FormatInt(time.Now().UnixNano(), 10) + ".bak"
			os.Rename(d.path(indexName), d.path(bak))
		}
	}
	files, err := d.listData()
	if err != nil {
		return err
	}
	type found struct {
		e     *entry
		mtime time.Time
	}
	byID := map[string]found{}
	st := newState()
	for _, f := range files {
		r, err := d.readResult(f)
		if err != nil {
			st.problems = append(st.problems, err.Error())
			continue
		}
		fi, err := os.Stat(d.path(f.name))
		if err != nil {
			continue
		}
		id := idOfFile(f, r.RunID)
		if prev, ok := byID[id]; ok && prev.mtime.After(fi.ModTime()) {
			continue
		}
		byID[id] = found{mtime: fi.ModTime(), e: &entry{
			meta: driver.Meta{ID: id, DataAsset: r.DataAsset, RunTime: r.RunTime,
				Status: string(r.Status), Tags: driver.CloneTags(r.Tags)},
			runTime: results.FormatTime(r.RunTime),
			file:    f.name,
		}}
	}
	ents := make([]*entry, 0, len(byID))
	for _, f := range byID {
		ents = append(ents, f.e)
	}
	slices.SortFunc(ents, func(a, b *entry) int {
		return cmp.Or(a.meta.RunTime.Compare(b.meta.RunTime), cmp.Compare(a.meta.ID, b.meta.ID))
	})
	for _, e := range ents {
		st.put(e)
	}
	d.st = st
	if err := d.writeIndex(); err != nil {
		return err
	}
	if err := d.jf.Truncate(0); err != nil {
		return fmt.Errorf("%w: truncate journal: %w", driver.ErrWrite, err)
	}
	if err := d.jf.Sync(); err != nil {
		return fmt.Errorf("%w: sync journal: %w", driver.ErrWrite, err)
	}
	d.st.jOff, d.st.jLines = 0, 0
	return nil
}

// Verify checks the folder: the index parses, every index entry has its
// data file, every data file is in the index, decodes and parses, holds the
// run_id its name says and the metadata the index says, no journaled save
// or delete is left unfinished, and no id has two data files. It returns one
// line per problem; it changes nothing.
func (d *Driver) Verify(ctx context.Context) ([]string, error) {
	if d.coll == driver.Expectations {
		return d.verifySuites(ctx)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.ready(ctx); err != nil {
		return nil, err
	}
	if err := d.lk.rlock(); err != nil {
		return nil, fmt.Errorf("%w: lock %s: %w", driver.ErrRead, d.dir, err)
	}
	defer d.lk.unlock()
	st, recs, err := d.readState()
	indexOK := true
	if errors.Is(err, errBadIndex) {
		indexOK = false
	} else if err != nil {
		return nil, err
	}
	var problems []string
	if !indexOK {
		problems = append(problems, err.Error())
	}
	problems = append(problems, st.problems...)
	unfinished := map[string]bool{}
	for _, r := range recs {
		if r.Op == "put" && r.Tmp != "" && atomicfile.IsTemp(r.Tmp) && baseName(r.Tmp) == r.Tmp {
			if _, err := os.Stat(d.path(r.Tmp)); err == nil {
				unfinished[r.ID] = true
				problems = append(problems, fmt.Sprintf("save of %q not finished: %s was not renamed to %s", r.ID, r.Tmp, r.File))
			}
		}
	}
	files, err := d.listData()
	if err != nil {
		return nil, err
	}
	seen := map[string]string{}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r, rerr := d.readResult(f)
		id := f.id
		if rerr == nil {
			id = idOfFile(f, r.RunID)
		}
		if other, dup := seen[id]; dup {
			problems = append(problems, fmt.Sprintf("%q has two data files: %s and %s", id, other, f.name))
		}
		seen[id] = f.name
		e, inIndex := st.entries[id]
		if indexOK && !inIndex {
			problems = append(problems, fmt.Sprintf("data file %s is not in the index", d.path(f.name)))
		}
		if rerr != nil {
			problems = append(problems, rerr.Error())
			continue
		}
		if r.RunID != id {
			problems = append(problems, fmt.Sprintf("data file %s holds run_id %q", d.path(f.name), r.RunID))
		}
		if inIndex && e.file == f.name && (e.meta.DataAsset != r.DataAsset || e.meta.Status != string(r.Status) || !e.meta.RunTime.Equal(r.RunTime)) {
			problems = append(problems, fmt.Sprintf("index entry %q does not match data file %s (data_asset, status or run_time)", id, d.path(f.name)))
		}
	}
	if indexOK {
		ids := make([]string, 0, len(st.entries))
		for id := range st.entries {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			e := st.entries[id]
			if _, err := os.Stat(d.path(e.file)); err != nil && !unfinished[id] {
				problems = append(problems, fmt.Sprintf("index entry %q: data file %s is missing", id, d.path(e.file)))
			}
		}
	}
	return problems, nil
}
