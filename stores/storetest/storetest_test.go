package storetest_test

import (
	"context"
	"errors"
	"iter"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
	"github.com/truthound/truthound-go/stores/driver"
	"github.com/truthound/truthound-go/stores/memory"
	"github.com/truthound/truthound-go/stores/storetest"
)

// broken is a memory driver with one deliberate bug, to prove the suite
// catches it.
type broken struct {
	*memory.Driver
	bug    string
	leaked []*os.File
}

func (b *broken) Put(ctx context.Context, r *driver.Record) error {
	if b.bug == "drop-tags" {
		c := *r
		c.Tags = nil
		r = &c
	}
	if b.bug == "stale-replace" {
		// Replaces the body but keeps the old index entry.
		if old, err := b.Driver.Get(ctx, r.ID); err == nil {
			c := *r
			c.Meta = old.Meta
			r = &c
		}
	}
	return b.Driver.Put(ctx, r)
}

func (b *broken) Get(ctx context.Context, id string) (*driver.Record, error) {
	r, err := b.Driver.Get(ctx, id)
	if b.bug == "no-not-found" && errors.Is(err, driver.ErrNotFound) {
		return nil, errors.New("no such key")
	}
	return r, err
}

func (b *broken) Scan(ctx context.Context, f *driver.Filter) iter.Seq2[driver.Meta, error] {
	var all []driver.Meta
	for m, err := range b.Driver.Scan(ctx, &driver.Filter{}) {
		if err != nil {
			return func(yield func(driver.Meta, error) bool) { yield(driver.Meta{}, err) }
		}
		all = append(all, m)
	}
	var sel []driver.Meta
	for _, m := range all {
		if f.Match(&m) && !(b.bug == "exclusive-end" && m.RunTime.Equal(f.End)) {
			sel = append(sel, m)
		}
	}
	slices.SortFunc(sel, func(x, y driver.Meta) int {
		switch b.bug {
		case "ties-ascending":
			// Ties always by ascending id, whatever the direction.
			if f.OrderBy != driver.ByRunTime && f.OrderBy != "" {
				return f.Compare(&x, &y)
			}
			c := x.RunTime.Compare(y.RunTime)
			if !f.Ascending {
				c = -c
			}
			if c == 0 {
				c = strings.Compare(x.ID, y.ID)
			}
			return c
		case "wall-clock":
			// Compares the written time strings, as the original does.
			c := strings.Compare(results.FormatTime(x.RunTime), results.FormatTime(y.RunTime))
			if f.OrderBy != driver.ByRunTime && f.OrderBy != "" {
				return f.Compare(&x, &y)
			}
			if c == 0 {
				c = strings.Compare(x.ID, y.ID)
			}
			if !f.Ascending {
				c = -c
			}
			return c
		}
		return f.Compare(&x, &y)
	})
	if b.bug == "first-page-only" && len(sel) > 1000 {
		// As a driver that forgets to follow a listing's next page.
		sel = sel[:1000]
	}
	sel = driver.Page(sel, f)
	if b.bug == "leaky-scan" {
		// Feeds the iterator from a goroutine that nobody stops.
		ch := make(chan driver.Meta)
		go func() {
			for _, m := range sel {
				ch <- m
			}
			close(ch)
		}()
		return func(yield func(driver.Meta, error) bool) {
			for m := range ch {
				if !yield(m, nil) {
					return
				}
			}
		}
	}
	if b.bug == "leaky-fd" {
		if f, err := os.Open(os.DevNull); err == nil {
			_ = f // never closed
			b.leaked = append(b.leaked, f)
		}
	}
	return func(yield func(driver.Meta, error) bool) {
		for _, m := range sel {
			if !yield(m, nil) {
				return
			}
		}
	}
}

type harness struct {
	bug   string
	d     *memory.Driver
	snaps int
}

func (h *harness) MakeStore(context.Context, testing.TB) (*stores.Store, error) {
	d, err := memory.NewDriver(memory.Options{})
	if err != nil {
		return nil, err
	}
	h.d = d
	return h.wrap(d), nil
}

// wrap returns a store over d whose Close leaves d open, so the data
// persists for OpenAgain as files would.
func (h *harness) wrap(d *memory.Driver) *stores.Store {
	var drv driver.Driver = persistent{d}
	if h.bug != "" {
		drv = persistent{&broken{Driver: d, bug: h.bug}}
	}
	return stores.New(drv, nil)
}

// OpenAgain opens another store over the same driver.
func (h *harness) OpenAgain(context.Context, testing.TB) (*stores.Store, error) {
	if h.bug == "forgets-on-reopen" {
		d, err := memory.NewDriver(memory.Options{})
		if err != nil {
			return nil, err
		}
		return h.wrap(d), nil
	}
	return h.wrap(h.d), nil
}

// persistent is a driver whose Close does nothing: the data outlives the
// store, as on disk.
type persistent struct{ driver.Driver }

func (persistent) Close() error { return nil }

func (h *harness) MakeExpectations(context.Context, testing.TB) (*stores.Expectations, error) {
	return memory.NewExpectations(memory.Options{})
}

// Snapshot lists every record with its body, as a filesystem harness lists
// files.
func (h *harness) Snapshot(ctx context.Context, _ testing.TB) ([]string, error) {
	var out []string
	for m, err := range h.d.Scan(ctx, &driver.Filter{}) {
		if err != nil {
			return nil, err
		}
		r, err := h.d.Get(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, m.ID+" "+string(r.Encoding)+" "+string(r.Body))
	}
	h.snaps++
	if h.bug == "unstable-snapshot" && h.snaps > 1 {
		out = append(out, "written-by-a-rejected-call")
	}
	return out, nil
}

func (*harness) Close() {}

var (
	_ storetest.Snapshotter = (*harness)(nil)
	_ storetest.Reopener    = (*harness)(nil)
)

func maker(bug string) storetest.HarnessMaker {
	return func(context.Context, testing.TB) (storetest.Harness, error) { return &harness{bug: bug}, nil }
}

// TestSuiteOnBrokenDriver is run in a child process by TestSuiteCatchesBugs;
// alone it does nothing.
func TestSuiteOnBrokenDriver(t *testing.T) {
	bug := os.Getenv("STORETEST_BUG")
	if bug == "" {
		return // a helper process, as os/exec's TestHelperProcess
	}
	storetest.RunConformanceTests(t, maker(bug))
}

// TestSuiteCatchesBugs runs the suite over drivers with one bug each and
// checks the suite fails, in the subtests expected.
func TestSuiteCatchesBugs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite in child processes")
	}
	for _, c := range []struct {
		bug      string
		subtests []string
	}{
		{"ties-ascending", []string{"QueryPinned", "Ordering"}},
		{"wall-clock", []string{"Ordering", "RunTimeZones"}},
		{"exclusive-end", []string{"QueryPinned", "QueryCombinations"}},
		{"drop-tags", []string{"CRUD", "QueryPinned", "Replace"}},
		{"no-not-found", []string{"CRUD", "NotFound"}},
		{"first-page-only", []string{"Many"}},
		{"stale-replace", []string{"Replace", "ConcurrentSameID"}},
		{"unstable-snapshot", []string{"HostileIDs"}},
		{"leaky-scan", []string{"Leaks"}},
		{"forgets-on-reopen", []string{"Reopen", "TwoInstances"}},
		{"leaky-fd", []string{"Leaks"}},
	} {
		t.Run(c.bug, func(t *testing.T) {
			run := "^TestSuiteOnBrokenDriver$/^(" + strings.Join(c.subtests, "|") + ")$"
			cmd := exec.Command(os.Args[0], "-test.run="+run, "-test.count=1")
			cmd.Env = append(os.Environ(), "STORETEST_BUG="+c.bug)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a driver with bug %s:\n%s", c.bug, out)
			}
			for _, s := range c.subtests {
				if !strings.Contains(string(out), "--- FAIL: TestSuiteOnBrokenDriver/"+s+" ") {
					t.Errorf("subtest %s did not fail on bug %s:\n%s", s, c.bug, out)
				}
			}
		})
	}
}

// TestSuiteOnCorrectDriver is the control: the same wrapper without a bug
// passes the whole suite.
func TestSuiteOnCorrectDriver(t *testing.T) {
	storetest.RunConformanceTests(t, maker(""))
}
