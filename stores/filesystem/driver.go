package filesystem

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/truthound/truthound-go/internal/atomicfile"
	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores/driver"
)

// Names of the files a results folder holds besides the data files. The
// original only reads _index.json and names ending in .json / .json.gz, so it
// ignores the journal, the lock and temporary files.
const (
	indexName   = "_index.json"
	journalName = "_journal.log"
	lockName    = ".lock"
)

// maxBodySize bounds a decoded document (as stores.MaxDocumentSize).
const maxBodySize = 1 << 30

// extensions maps encodings to data file extensions, in lookup order.
var extensions = []struct {
	enc driver.Encoding
	ext string
}{
	{driver.Identity, ".json"},
	{driver.Gzip, ".json.gz"},
	{driver.Zstd, ".json.zst"},
}

func extOf(e driver.Encoding) (string, bool) {
	for _, x := range extensions {
		if x.enc == e {
			return x.ext, true
		}
	}
	return "", false
}

// splitDataName returns the id and encoding of a data file name, or ok false
// for names that are not data files (index, journal, lock, temporary files).
func splitDataName(name string) (id string, enc driver.Encoding, ok bool) {
	if name == indexName || strings.HasPrefix(name, ".") {
		return "", "", false
	}
	for i := len(extensions) - 1; i >= 0; i-- { // longest extension first
		x := extensions[i]
		if id, ok := strings.CutSuffix(name, x.ext); ok && id != "" {
			return id, x.enc, true
		}
	}
	return "", "", false
}

// maxNameLen is the longest file name most filesystems take (NAME_MAX).
const maxNameLen = 255

// fileName returns the data file name of id: id+ext as the original names
// it, or, when that is longer than maxNameLen (ids the original cannot store
// at all), a cut of id, '~' and 16 hex digits of its SHA-256, then ext.
func fileName(id, ext string) string {
	if len(id)+len(ext) <= maxNameLen {
		return id + ext
	}
	sum := sha256.Sum256([]byte(id))
	cut := maxNameLen - len(ext) - 17
	for cut > 0 && !utf8.RuneStart(id[cut]) {
		cut--
	}
	return id[:cut] + "~" + hex.EncodeToString(sum[:8]) + ext
}

// idOfFile returns the id a data file holds: runID when the file is named
// for it, else the id its name spells.
func idOfFile(f dataFile, runID string) string {
	if runID != "" {
		if ext, _ := extOf(f.enc); fileName(runID, ext) == f.name {
			return runID
		}
	}
	return f.id
}

// checkID rejects ids that could name something outside the folder or one of
// the store's own files. The portable layer validates ids before they reach
// a driver; this is the driver's own line of defence.
func checkID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty id", driver.ErrInvalid)
	case strings.HasPrefix(id, "."):
		return fmt.Errorf("%w: id %q starts with '.'", driver.ErrInvalid, id)
	case strings.ContainsAny(id, "/\\\x00"):
		return fmt.Errorf("%w: id %q contains a path separator or NUL", driver.ErrInvalid, id)
	case strings.EqualFold(id, "_index") || strings.EqualFold(id, "_journal"):
		return fmt.Errorf("%w: id %q is reserved", driver.ErrInvalid, id)
	case len(id) > 255:
		return fmt.Errorf("%w: id is %d bytes long", driver.ErrInvalid, len(id))
	}
	return nil
}

// entry is a result in the in-memory index.
type entry struct {
	meta    driver.Meta
	runTime string // as in the index, verbatim
	file    string
	// pending is the temporary file of a journaled save whose rename this
	// process has not seen done (a writer that crashed between its journal
	// append and its rename); it is read first and renamed by the next writer.
	pending string
	seq     uint64 // insertion order, the order of _index.json
}

func (e *entry) indexEntry() *indexEntry {
	return &indexEntry{ID: e.meta.ID, DataAsset: e.meta.DataAsset, RunTime: e.runTime,
		Status: e.meta.Status, File: e.file, Tags: e.meta.Tags}
}

// state is the in-memory picture of a results folder.
type state struct {
	entries map[string]*entry
	// pend holds the ids whose entry has a pending temporary file.
	pend map[string]bool
	// strs and tagSets intern the values many entries share (assets,
	// statuses, tag sets), so the index is compact and a query's
	// comparisons mostly hit equal pointers.
	strs    map[string]string
	tagSets map[string]map[string]string
	seq     uint64
	idx     fileID // the _index.json loaded
	jOff    int64  // bytes of the journal applied (always at a line end)
	jLines  int    // journal lines applied
	metas   []driver.Meta
	loaded  bool
	// problems found while loading (journal lines that do not parse, bad
	// run times), reported by Verify.
	problems []string
}

func newState() state {
	return state{entries: map[string]*entry{}, pend: map[string]bool{},
		strs: map[string]string{}, tagSets: map[string]map[string]string{}}
}

func (st *state) str(v string) string {
	if w, ok := st.strs[v]; ok {
		return w
	}
	st.strs[v] = v
	return v
}

// tags returns the shared copy of a tag set. Callers must not modify the
// Tags of a Meta the driver returns.
func (st *state) tags(t map[string]string) map[string]string {
	if len(t) == 0 {
		return nil
	}
	keys := make([]string, 0, len(t))
	n := 0
	for k, v := range t {
		keys = append(keys, k)
		n += len(k) + len(v) + 2
	}
	slices.Sort(keys)
	b := make([]byte, 0, n)
	for _, k := range keys {
		b = append(append(append(append(b, k...), 0), t[k]...), 0)
	}
	if shared, ok := st.tagSets[string(b)]; ok {
		return shared
	}
	shared := make(map[string]string, len(t))
	for k, v := range t {
		shared[st.str(k)] = st.str(v)
	}
	st.tagSets[string(b)] = shared
	return shared
}

// Driver is the filesystem driver. Use Open or OpenExpectations for a store;
// NewDriver is for the conformance suite and wrappers.
type Driver struct {
	dir          string
	coll         driver.Collection
	compactAfter int

	mu     sync.Mutex // guards everything below and every use of lk
	inited bool
	closed bool
	// readOnly is set when the folder cannot be written (permissions, a
	// read-only mount): reads work, writes fail with driver.ErrWrite.
	readOnly bool
	lk       *lockFile
	jf       *os.File // the journal, opened for appending
	st       state
}

var (
	_ driver.Driver         = (*Driver)(nil)
	_ driver.Exister        = (*Driver)(nil)
	_ driver.Initializer    = (*Driver)(nil)
	_ driver.Describer      = (*Driver)(nil)
	_ driver.Verifier       = (*Driver)(nil)
	_ driver.IndexRebuilder = (*Driver)(nil)
)

// NewDriver returns a driver for collection c of the folder opts names. It
// touches nothing on disk until the first operation (or Init).
func NewDriver(opts Options, c driver.Collection) (*Driver, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	var dir string
	switch c {
	case driver.Results:
		dir = joinParts(o.BasePath, o.Namespace, o.Prefix)
	case driver.Expectations:
		dir = joinParts(o.BasePath, o.Namespace, "expectations")
	default:
		return nil, fmt.Errorf("%w: unknown collection %q", driver.ErrInvalid, c)
	}
	return &Driver{dir: dir, coll: c, compactAfter: o.CompactAfter, st: newState()}, nil
}

// Dir returns the folder the driver stores its files in.
func (d *Driver) Dir() string { return d.dir }

// Describe names the backend and its folder.
func (d *Driver) Describe() string { return "filesystem " + d.dir }

func (d *Driver) path(name string) string { return filepath.Join(d.dir, name) }

// Init creates the folder, the lock file and an empty index if needed,
// finishes the saves and deletes of writers that crashed, removes their
// temporary files, and rebuilds a missing or corrupt index from the data
// files.
func (d *Driver) Init(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.initLocked()
}

func (d *Driver) initLocked() error {
	if d.closed {
		return driver.ErrClosed
	}
	if d.inited {
		return nil
	}
	if err := os.MkdirAll(d.dir, 0o755); err != nil {
		return fmt.Errorf("%w: create %s: %w", driver.ErrWrite, d.dir, err)
	}
	if d.coll == driver.Expectations {
		d.cleanTemps()
		d.inited = true
		return nil
	}
	lk, err := openLock(d.path(lockName))
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		return d.initReadOnly()
	}
	if err != nil {
		return fmt.Errorf("%w: open lock file: %w", driver.ErrWrite, err)
	}
	jf, err := os.OpenFile(d.path(journalName), os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		lk.close()
		return fmt.Errorf("%w: open journal: %w", driver.ErrWrite, err)
	}
	d.lk, d.jf = lk, jf
	if err := d.lk.lock(); err != nil {
		d.closeFiles()
		return fmt.Errorf("%w: lock %s: %w", driver.ErrWrite, d.dir, err)
	}
	err = d.loadExclusive()
	if err == nil {
		d.cleanTemps()
	}
	if uerr := d.lk.unlock(); err == nil && uerr != nil {
		err = fmt.Errorf("%w: unlock: %w", driver.ErrWrite, uerr)
	}
	if err != nil {
		d.closeFiles()
		return err
	}
	d.inited = true
	return nil
}

// initReadOnly opens a folder this process cannot write: a store of another
// user, an archive, a read-only mount. The lock and journal are used when
// they exist (a shared lock needs no write access) and the index is loaded;
// nothing is repaired, and writes fail.
func (d *Driver) initReadOnly() error {
	if f, err := os.Open(d.path(lockName)); err == nil {
		d.lk = &lockFile{f: f}
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%w: open lock file: %w", driver.ErrRead, err)
	}
	if f, err := os.Open(d.path(journalName)); err == nil {
		d.jf = f
	} else if !errors.Is(err, os.ErrNotExist) {
		d.closeFiles()
		return fmt.Errorf("%w: open journal: %w", driver.ErrRead, err)
	}
	if err := d.lk.rlock(); err != nil {
		d.closeFiles()
		return fmt.Errorf("%w: lock %s: %w", driver.ErrRead, d.dir, err)
	}
	st, _, err := d.readState()
	d.lk.unlock()
	if errors.Is(err, errBadIndex) {
		err = fmt.Errorf("%w: %w; the folder is read-only, so it cannot be rebuilt here (run `truthound store rebuild-index` with write access)", driver.ErrRead, err)
	}
	if err != nil {
		d.closeFiles()
		return err
	}
	d.st = st
	d.readOnly = true
	d.inited = true
	return nil
}

// errReadOnly is the error of a write to a read-only folder.
func (d *Driver) errReadOnly() error {
	return fmt.Errorf("%w: %s is read-only for this process", driver.ErrWrite, d.dir)
}

// journalSize returns the size of the journal (0 when a read-only folder has
// none).
func (d *Driver) journalSize() (int64, error) {
	if d.jf == nil {
		return 0, nil
	}
	fi, err := d.jf.Stat()
	if err != nil {
		return 0, fmt.Errorf("%w: stat journal: %w", driver.ErrRead, err)
	}
	return fi.Size(), nil
}

func (d *Driver) closeFiles() {
	if d.jf != nil {
		d.jf.Close()
		d.jf = nil
	}
	if d.lk != nil {
		d.lk.close()
		d.lk = nil
	}
}

// ready checks the driver is open and initialised; d.mu is held.
func (d *Driver) ready(ctx context.Context) error {
	if d.closed {
		return driver.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return d.initLocked()
}

// cleanTemps removes temporary files of processes that no longer run. Under
// the exclusive lock and after recovery, none of them holds a save the
// journal refers to.
func (d *Driver) cleanTemps() {
	des, err := os.ReadDir(d.dir)
	if err != nil {
		return
	}
	for _, de := range des {
		if atomicfile.Stale(de.Name()) {
			os.Remove(d.path(de.Name()))
		}
	}
}

// loadExclusive (re)loads the state from disk under the exclusive lock:
// replays the journal, redoes the renames and removals crashed writers left
// undone, truncates a torn last journal line, and rebuilds the index from
// the data files when it is missing or corrupt.
func (d *Driver) loadExclusive() error {
	st, recs, err := d.readState()
	if err != nil && !errors.Is(err, errBadIndex) {
		return err
	}
	if rerr := d.recover(recs); rerr != nil {
		return rerr
	}
	if errors.Is(err, errBadIndex) {
		return d.rebuildLocked(err)
	}
	for id := range st.pend {
		st.entries[id].pending = ""
	}
	clear(st.pend)
	d.st = st
	return d.trimTorn()
}

var errBadIndex = errors.New("index missing or corrupt")

// readState reads _index.json and the journal into a fresh state; the caller
// holds the lock (shared or exclusive). It returns the journal records too.
// A missing or unparsable index gives an error wrapping errBadIndex along
// with the journal records.
func (d *Driver) readState() (state, []jrec, error) {
	st := newState()
	idx, err := statID(d.path(indexName))
	if err != nil {
		return st, nil, fmt.Errorf("%w: stat %s: %w", driver.ErrRead, d.path(indexName), err)
	}
	jdata, err := os.ReadFile(d.path(journalName))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return st, nil, fmt.Errorf("%w: read %s: %w", driver.ErrRead, d.path(journalName), err)
	}
	recs, used, bad := splitJournal(jdata, 0)
	var idxErr error
	if !idx.ok {
		idxErr = fmt.Errorf("%w: %s does not exist", errBadIndex, d.path(indexName))
	} else {
		data, err := os.ReadFile(d.path(indexName))
		if err != nil {
			return st, recs, fmt.Errorf("%w: read %s: %w", driver.ErrRead, d.path(indexName), err)
		}
		ents, err := parseIndex(data)
		if err != nil {
			idxErr = fmt.Errorf("%w: %s: %w", errBadIndex, d.path(indexName), err)
		} else {
			for i := range ents {
				st.addIndexEntry(&ents[i])
			}
			for _, e := range st.entries {
				if e.file == "" {
					e.file = d.findFile(e.meta.ID)
				}
			}
		}
	}
	if idxErr != nil {
		return st, recs, idxErr
	}
	st.idx = idx
	st.problems = append(st.problems, bad...)
	for i := range recs {
		st.apply(&recs[i])
	}
	st.jOff = int64(used)
	st.jLines = bytes.Count(jdata[:used], []byte{'\n'})
	st.loaded = true
	return st, recs, nil
}

func (st *state) addIndexEntry(ie *indexEntry) {
	if err := checkID(ie.ID); err != nil {
		st.problems = append(st.problems, fmt.Sprintf("%s: entry %q ignored: %v", indexName, ie.ID, err))
		return
	}
	t, err := results.ParseTime(ie.RunTime)
	if err != nil {
		st.problems = append(st.problems, fmt.Sprintf("%s: entry %q has a bad run_time %q", indexName, ie.ID, ie.RunTime))
	}
	file := ie.File
	if file == "" || baseName(file) != file {
		file = "" // found on disk by readState
	}
	st.put(&entry{
		meta:    driver.Meta{ID: ie.ID, DataAsset: ie.DataAsset, RunTime: t, Status: ie.Status, Tags: ie.Tags},
		runTime: ie.RunTime,
		file:    file,
	})
}

func (st *state) put(e *entry) {
	e.meta.DataAsset, e.meta.Status = st.str(e.meta.DataAsset), st.str(e.meta.Status)
	e.meta.Tags = st.tags(e.meta.Tags)
	if old, ok := st.entries[e.meta.ID]; ok {
		e.seq = old.seq
	} else {
		st.seq++
		e.seq = st.seq
	}
	st.entries[e.meta.ID] = e
	if e.pending != "" {
		st.pend[e.meta.ID] = true
	} else {
		delete(st.pend, e.meta.ID)
	}
	st.metas = nil
}

// apply applies one journal record.
func (st *state) apply(r *jrec) {
	if err := checkID(r.ID); err != nil {
		st.problems = append(st.problems, fmt.Sprintf("%s: record for %q ignored: %v", journalName, r.ID, err))
		return
	}
	switch r.Op {
	case "del":
		if _, ok := st.entries[r.ID]; ok {
			delete(st.entries, r.ID)
			delete(st.pend, r.ID)
			st.metas = nil
		}
	case "put":
		t, err := results.ParseTime(r.RunTime)
		if err != nil {
			st.problems = append(st.problems, fmt.Sprintf("%s: save of %q has a bad run_time %q", journalName, r.ID, r.RunTime))
		}
		file := r.File
		if file == "" || baseName(file) != file {
			file = r.ID + ".json"
		}
		st.put(&entry{
			meta:    driver.Meta{ID: r.ID, DataAsset: r.DataAsset, RunTime: t, Status: r.Status, Tags: r.Tags},
			runTime: r.RunTime,
			file:    file,
			pending: r.Tmp,
		})
	}
}

// allMetas returns the metadata of every entry (cached until the next change).
func (st *state) allMetas() []driver.Meta {
	if st.metas == nil {
		st.metas = make([]driver.Meta, 0, len(st.entries))
		for _, e := range st.entries {
			st.metas = append(st.metas, e.meta)
		}
	}
	return st.metas
}

// recover finishes what writers that crashed left undone: a journaled save
// whose temporary file still exists is renamed into place, a journaled
// delete whose data file still exists is removed. The exclusive lock is
// held, so no live writer is between its journal append and its rename.
func (d *Driver) recover(recs []jrec) error {
	changed := false
	for i := range recs {
		r := &recs[i]
		if checkID(r.ID) != nil {
			continue
		}
		switch r.Op {
		case "put":
			if r.Tmp == "" || !atomicfile.IsTemp(r.Tmp) || baseName(r.Tmp) != r.Tmp || baseName(r.File) != r.File {
				continue
			}
			// A rename that fails for another reason than a missing
			// temporary file is left to Verify to report: it must not
			// stop every later write.
			if err := os.Rename(d.path(r.Tmp), d.path(r.File)); err == nil {
				changed = true
				d.removeVariants(r.ID, r.File)
			}
		case "del":
			if d.removeVariants(r.ID, "") {
				changed = true
			}
		}
	}
	if changed {
		if err := atomicfile.SyncDir(d.dir); err != nil {
			return fmt.Errorf("%w: sync %s: %w", driver.ErrWrite, d.dir, err)
		}
	}
	return nil
}

// findFile returns the name of the data file of id on disk (id.json when
// there is none).
func (d *Driver) findFile(id string) string {
	for _, x := range extensions {
		if _, err := os.Stat(d.path(fileName(id, x.ext))); err == nil {
			return fileName(id, x.ext)
		}
	}
	return fileName(id, ".json")
}

// removeVariants removes the data files of id other than keep and reports
// whether it removed any.
func (d *Driver) removeVariants(id, keep string) bool {
	removed := false
	for _, x := range extensions {
		if name := fileName(id, x.ext); name != keep && os.Remove(d.path(name)) == nil {
			removed = true
		}
	}
	return removed
}

// finishPending renames into place the temporary files of journaled saves
// this process loaded without the exclusive lock and has not seen finished;
// the exclusive lock is held, so their writers crashed.
func (d *Driver) finishPending() error {
	changed := false
	for id := range d.st.pend {
		e := d.st.entries[id]
		if atomicfile.IsTemp(e.pending) && baseName(e.pending) == e.pending {
			if err := os.Rename(d.path(e.pending), d.path(e.file)); err == nil {
				changed = true
				d.removeVariants(id, e.file)
			}
		}
		e.pending = ""
	}
	clear(d.st.pend)
	if changed {
		if err := atomicfile.SyncDir(d.dir); err != nil {
			return fmt.Errorf("%w: sync %s: %w", driver.ErrWrite, d.dir, err)
		}
	}
	return nil
}

// trimTorn cuts a torn last line (left by a writer killed mid-append) off the
// journal; the exclusive lock is held and d.st is current.
func (d *Driver) trimTorn() error {
	fi, err := d.jf.Stat()
	if err != nil {
		return fmt.Errorf("%w: stat journal: %w", driver.ErrRead, err)
	}
	if fi.Size() > d.st.jOff {
		if err := d.jf.Truncate(d.st.jOff); err != nil {
			return fmt.Errorf("%w: truncate torn journal line: %w", driver.ErrWrite, err)
		}
	}
	return nil
}

// sync brings d.st up to date with the disk; d.mu and the lock (shared or
// exclusive) are held. Only what changed is read: the journal tail when the
// journal grew, everything when the index was rewritten.
func (d *Driver) sync(exclusive bool) error {
	idx, err := statID(d.path(indexName))
	if err != nil {
		return fmt.Errorf("%w: stat index: %w", driver.ErrRead, err)
	}
	jsize, err := d.journalSize()
	if err != nil {
		return err
	}
	if !d.st.loaded || idx != d.st.idx || jsize < d.st.jOff {
		if exclusive {
			return d.loadExclusive()
		}
		st, _, err := d.readState()
		if errors.Is(err, errBadIndex) {
			if d.readOnly {
				return fmt.Errorf("%w: %w; the folder is read-only, so it cannot be rebuilt here", driver.ErrRead, err)
			}
			return d.upgradeAndLoad()
		}
		if err != nil {
			return err
		}
		d.st = st
		return nil
	}
	if jsize == d.st.jOff {
		return nil
	}
	buf := make([]byte, jsize-d.st.jOff)
	n, err := d.jf.ReadAt(buf, d.st.jOff)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: read journal: %w", driver.ErrRead, err)
	}
	recs, used, bad := splitJournal(buf[:n], d.st.jLines)
	d.st.problems = append(d.st.problems, bad...)
	for i := range recs {
		d.st.apply(&recs[i])
	}
	d.st.jOff += int64(used)
	d.st.jLines += bytes.Count(buf[:used], []byte{'\n'})
	if exclusive {
		// Records from other processes: any whose rename is still undone
		// comes from a writer that crashed.
		if err := d.recover(recs); err != nil {
			return err
		}
		if err := d.finishPending(); err != nil {
			return err
		}
		return d.trimTorn()
	}
	return nil
}

// upgradeAndLoad trades the shared lock for the exclusive one to rebuild a
// missing or corrupt index, then goes back to the shared lock.
func (d *Driver) upgradeAndLoad() error {
	if err := d.lk.lock(); err != nil { // flock converts the lock
		return fmt.Errorf("%w: lock: %w", driver.ErrWrite, err)
	}
	err := d.loadExclusive()
	if lerr := d.lk.rlock(); err == nil && lerr != nil {
		err = fmt.Errorf("%w: lock: %w", driver.ErrWrite, lerr)
	}
	return err
}

// refresh brings d.st up to date for a reader; d.mu is held. It looks at two
// stats and takes the shared lock only when something changed.
func (d *Driver) refresh() error {
	idx, err := statID(d.path(indexName))
	if err != nil {
		return fmt.Errorf("%w: stat index: %w", driver.ErrRead, err)
	}
	jsize, err := d.journalSize()
	if err != nil {
		return err
	}
	if d.st.loaded && idx == d.st.idx && jsize == d.st.jOff {
		return nil
	}
	if err := d.lk.rlock(); err != nil {
		return fmt.Errorf("%w: lock: %w", driver.ErrRead, err)
	}
	err = d.sync(false)
	if uerr := d.lk.unlock(); err == nil && uerr != nil {
		err = fmt.Errorf("%w: unlock: %w", driver.ErrRead, uerr)
	}
	return err
}

// withWriteLock runs fn with d.mu held, the folder locked exclusively and
// d.st current, then folds the journal into the index when it has grown.
func (d *Driver) withWriteLock(ctx context.Context, fn func() error) error {
	if err := d.ready(ctx); err != nil {
		return err
	}
	if d.readOnly {
		return d.errReadOnly()
	}
	if err := d.lk.lock(); err != nil {
		return fmt.Errorf("%w: lock %s: %w", driver.ErrWrite, d.dir, err)
	}
	err := d.sync(true)
	if err == nil {
		err = fn()
	}
	if err == nil && d.st.jLines > max(d.compactAfter, len(d.st.entries)/4) {
		err = d.fold()
	}
	if uerr := d.lk.unlock(); err == nil && uerr != nil {
		err = fmt.Errorf("%w: unlock: %w", driver.ErrWrite, uerr)
	}
	return err
}

// appendJournal appends r as one line and fsyncs the journal.
func (d *Driver) appendJournal(r *jrec) error {
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("%w: %w", driver.ErrWrite, err)
	}
	line = append(line, '\n')
	if _, err := d.jf.Write(line); err != nil {
		d.trimTorn()
		return fmt.Errorf("%w: append to %s: %w", driver.ErrWrite, d.path(journalName), err)
	}
	if err := d.jf.Sync(); err != nil {
		return fmt.Errorf("%w: sync %s: %w", driver.ErrWrite, d.path(journalName), err)
	}
	d.st.jOff += int64(len(line))
	d.st.jLines++
	return nil
}

// fold writes the index with every entry, atomically, and empties the
// journal; the exclusive lock is held and d.st is current.
func (d *Driver) fold() error {
	if err := d.finishPending(); err != nil {
		return err
	}
	// Make the renames and removals of the journaled operations durable
	// before the journal that could redo them goes.
	if err := atomicfile.SyncDir(d.dir); err != nil {
		return fmt.Errorf("%w: sync %s: %w", driver.ErrWrite, d.dir, err)
	}
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

// writeIndex writes d.st as _index.json, atomically, and records its identity.
func (d *Driver) writeIndex() error {
	ents := make([]*entry, 0, len(d.st.entries))
	for _, e := range d.st.entries {
		ents = append(ents, e)
	}
	slices.SortFunc(ents, func(a, b *entry) int { return cmp.Compare(a.seq, b.seq) })
	ies := make([]*indexEntry, len(ents))
	for i, e := range ents {
		ies[i] = e.indexEntry()
	}
	buf := appendIndex(make([]byte, 0, 160*len(ies)+2), ies)
	if err := atomicfile.WriteFile(d.dir, indexName, buf, 0o644); err != nil {
		return fmt.Errorf("%w: write %s: %w", driver.ErrWrite, d.path(indexName), err)
	}
	idx, err := statID(d.path(indexName))
	if err != nil {
		return fmt.Errorf("%w: stat index: %w", driver.ErrRead, err)
	}
	d.st.idx = idx
	d.st.loaded = true
	return nil
}

// Put writes the data file of r atomically and records it in the journal.
// The body goes to a fsynced temporary file first; then, under the folder's
// lock, one journal line naming that file is appended and fsynced (from then
// on the save is durable: a crash before the rename is finished by the next
// writer), and the file is renamed into place.
func (d *Driver) Put(ctx context.Context, r *driver.Record) error {
	if err := checkID(r.ID); err != nil {
		return err
	}
	ext, ok := extOf(r.Encoding)
	if !ok {
		return fmt.Errorf("%w: encoding %q has no file extension", driver.ErrInvalid, r.Encoding)
	}
	name := fileName(r.ID, ext)
	if d.coll == driver.Expectations {
		return d.putSuite(ctx, name, r)
	}
	runTime := results.FormatTime(r.RunTime)
	d.mu.Lock()
	if err := d.ready(ctx); err != nil {
		d.mu.Unlock()
		return err
	}
	if d.readOnly {
		d.mu.Unlock()
		return d.errReadOnly()
	}
	d.mu.Unlock()
	tmp, err := atomicfile.WriteTemp(d.dir, r.Body, 0o644)
	if err != nil {
		return fmt.Errorf("%w: write %s: %w", driver.ErrWrite, d.path(name), err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	renamed := false
	err = d.withWriteLock(ctx, func() error {
		rec := jrec{Op: "put", ID: r.ID, File: name, Tmp: tmp, DataAsset: r.DataAsset,
			RunTime: runTime, Status: r.Status, Tags: driver.CloneTags(r.Tags)}
		if err := d.appendJournal(&rec); err != nil {
			return err
		}
		old := d.st.entries[r.ID]
		if err := os.Rename(d.path(tmp), d.path(name)); err != nil {
			// Undo the journaled save: journal the previous state of id.
			undo := jrec{Op: "del", ID: r.ID}
			if old != nil {
				undo = jrec{Op: "put", ID: r.ID, File: old.file, DataAsset: old.meta.DataAsset,
					RunTime: old.runTime, Status: old.meta.Status, Tags: old.meta.Tags}
			}
			if uerr := d.appendJournal(&undo); uerr != nil {
				d.st.apply(&rec) // the journal holds the save; recovery retries the rename
				return fmt.Errorf("%w: rename into %s: %w", driver.ErrWrite, d.path(name), err)
			}
			return fmt.Errorf("%w: rename into %s: %w", driver.ErrWrite, d.path(name), err)
		}
		renamed = true
		if old != nil && old.file != name {
			os.Remove(d.path(old.file))
		}
		// Make the new name durable before acknowledging, as strict POSIX
		// asks (the file's own fsync suffices on ext4, XFS and btrfs, not
		// everywhere).
		if err := atomicfile.SyncDir(d.dir); err != nil {
			d.st.apply(&rec) // the journal holds the save; the next fold syncs again
			return fmt.Errorf("%w: sync %s: %w", driver.ErrWrite, d.dir, err)
		}
		rec.Tmp = ""
		d.st.apply(&rec)
		return nil
	})
	if err != nil && !renamed {
		if _, ok := d.st.entries[r.ID]; !ok || d.st.entries[r.ID].pending != tmp {
			os.Remove(d.path(tmp))
		}
	}
	return err
}

// Get reads the data file of id. The body comes back decoded (Encoding
// Identity) after checking it is well-formed JSON, so a corrupt file is
// reported with its name.
func (d *Driver) Get(ctx context.Context, id string) (*driver.Record, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	d.mu.Lock()
	if err := d.ready(ctx); err != nil {
		d.mu.Unlock()
		return nil, err
	}
	type cand struct {
		name string
		enc  driver.Encoding
	}
	var meta driver.Meta
	var cands []cand
	if d.coll == driver.Results {
		if e, ok := d.st.entries[id]; ok {
			meta = e.meta
			enc := encodingOfName(e.file)
			if e.pending != "" {
				cands = append(cands, cand{e.pending, enc})
			}
			cands = append(cands, cand{e.file, enc})
		}
	}
	d.mu.Unlock()
	for _, x := range extensions {
		if n := fileName(id, x.ext); !slices.ContainsFunc(cands, func(c cand) bool { return c.name == n }) {
			cands = append(cands, cand{n, x.enc})
		}
	}
	for _, c := range cands {
		body, err := os.ReadFile(d.path(c.name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%w: read %s: %w", driver.ErrRead, d.path(c.name), err)
		}
		doc, err := d.decode(c.name, body, c.enc)
		if err != nil {
			return nil, err
		}
		if meta.ID == "" {
			meta.ID = id
		}
		return &driver.Record{Meta: meta, Body: doc, Encoding: driver.Identity}, nil
	}
	return nil, fmt.Errorf("%w: no data file for %q in %s", driver.ErrNotFound, id, d.dir)
}

func encodingOfName(name string) driver.Encoding {
	_, enc, _ := splitDataName(name)
	return enc
}

// decode decompresses body as enc says and checks it is JSON; errors wrap
// ErrRead and name the file.
func (d *Driver) decode(name string, body []byte, enc driver.Encoding) ([]byte, error) {
	doc, err := decodeBody(body, enc)
	if err != nil {
		return nil, fmt.Errorf("%w: corrupt data file %s: %w", driver.ErrRead, d.path(name), err)
	}
	if !json.Valid(doc) {
		return nil, fmt.Errorf("%w: corrupt data file %s: not valid JSON", driver.ErrRead, d.path(name))
	}
	return doc, nil
}

func decodeBody(body []byte, enc driver.Encoding) ([]byte, error) {
	var r io.Reader
	switch enc {
	case driver.Identity:
		return body, nil
	case driver.Gzip:
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		r = zr
	case driver.Zstd:
		zr, err := zstd.NewReader(bytes.NewReader(body), zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxBodySize))
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		defer zr.Close()
		r = zr
	default:
		return nil, fmt.Errorf("unknown encoding %q", enc)
	}
	doc, err := io.ReadAll(io.LimitReader(r, maxBodySize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", enc, err)
	}
	if len(doc) > maxBodySize {
		return nil, fmt.Errorf("%s: document larger than %d bytes", enc, maxBodySize)
	}
	return doc, nil
}

// Exists reports whether a data file for id exists.
func (d *Driver) Exists(ctx context.Context, id string) (bool, error) {
	if err := checkID(id); err != nil {
		return false, err
	}
	d.mu.Lock()
	err := d.ready(ctx)
	d.mu.Unlock()
	if err != nil {
		return false, err
	}
	for _, x := range extensions {
		if _, err := os.Stat(d.path(fileName(id, x.ext))); err == nil {
			return true, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return false, fmt.Errorf("%w: stat %s: %w", driver.ErrRead, d.path(fileName(id, x.ext)), err)
		}
	}
	if d.coll == driver.Results {
		d.mu.Lock()
		e, ok := d.st.entries[id]
		pending := ""
		if ok {
			pending = e.pending
		}
		d.mu.Unlock()
		if pending != "" {
			if _, err := os.Stat(d.path(pending)); err == nil {
				return true, nil
			}
		}
	}
	return false, nil
}

// Delete journals a tombstone for id and removes its data files.
func (d *Driver) Delete(ctx context.Context, id string) (bool, error) {
	if err := checkID(id); err != nil {
		return false, err
	}
	if d.coll == driver.Expectations {
		return d.deleteSuite(ctx, id)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	existed := false
	err := d.withWriteLock(ctx, func() error {
		_, existed = d.st.entries[id]
		if !existed {
			for _, x := range extensions {
				if _, err := os.Stat(d.path(fileName(id, x.ext))); err == nil {
					existed = true
				}
			}
		}
		if !existed {
			return nil
		}
		rec := jrec{Op: "del", ID: id}
		if err := d.appendJournal(&rec); err != nil {
			return err
		}
		d.removeVariants(id, "")
		d.st.apply(&rec)
		return nil
	})
	return existed && err == nil, err
}

// Scan yields the metadata of the results that match f, from the index.
// The Tags maps yielded are shared with the index: do not modify them.
func (d *Driver) Scan(ctx context.Context, f *driver.Filter) iter.Seq2[driver.Meta, error] {
	return func(yield func(driver.Meta, error) bool) {
		sel, err := d.selectMetas(ctx, f)
		if err != nil {
			yield(driver.Meta{}, err)
			return
		}
		for _, m := range sel {
			if !yield(m, nil) {
				return
			}
		}
	}
}

func (d *Driver) selectMetas(ctx context.Context, f *driver.Filter) ([]driver.Meta, error) {
	if d.coll == driver.Expectations {
		all, err := d.suiteMetas(ctx)
		if err != nil {
			return nil, err
		}
		return driver.Select(all, f), nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.ready(ctx); err != nil {
		return nil, err
	}
	if err := d.refresh(); err != nil {
		return nil, err
	}
	return selectMetas(d.st.allMetas(), f), nil
}

// Count returns the number of results that match f, from the index.
func (d *Driver) Count(ctx context.Context, f *driver.Filter) (int, error) {
	if d.coll == driver.Expectations {
		all, err := d.suiteMetas(ctx)
		if err != nil {
			return 0, err
		}
		return driver.CountMatches(all, f), nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.ready(ctx); err != nil {
		return 0, err
	}
	if err := d.refresh(); err != nil {
		return 0, err
	}
	return driver.CountMatches(d.st.allMetas(), f), nil
}

// Close folds the journal into _index.json (so the original sees every
// save) and releases the files. Close is idempotent.
func (d *Driver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	var err error
	if d.inited && d.coll == driver.Results && !d.readOnly {
		err = d.lk.lock()
		if err == nil {
			err = d.sync(true)
			if err == nil && d.st.jLines > 0 {
				err = d.fold()
			}
			d.lk.unlock()
		}
		if err != nil {
			err = fmt.Errorf("%w: close %s: %w", driver.ErrWrite, d.dir, err)
		}
	}
	d.closeFiles()
	d.closed = true
	return err
}
