package storetest

import (
	"context"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
)

// testLeaks uses a store in every way, abandoning iterations half way, and
// checks that once it is closed no goroutine and no file descriptor it
// opened is left.
func testLeaks(ctx context.Context, t *testing.T, newHarness HarnessMaker) {
	h := makeHarness(ctx, t, newHarness)
	// Anything lazily started by the codecs is started before the baseline.
	warm := newResult(t, "warm", "a", naive(2024, 1, 1, 0, 0, 0, 0), results.Success, nil)
	if doc, err := results.Marshal(warm); err == nil {
		_, _ = results.Unmarshal(doc)
	}
	goroutines := runtime.NumGoroutine()
	fds := openFDs()

	st, err := h.MakeStore(ctx, t)
	if err != nil {
		t.Fatalf("MakeStore: %v", err)
	}
	for i := range 20 {
		r := newResult(t, "leak-"+string(rune('a'+i)), "a", naive(2024, 1, 1+i, 0, 0, 0, 0), results.Failure, nil)
		mustSave(ctx, t, st, r)
	}
	for range 5 {
		for _, err := range st.Iter(ctx, nil) {
			if err != nil {
				t.Fatalf("Iter: %v", err)
			}
			break
		}
		for _, err := range st.Iter(ctx, &stores.Query{Limit: 3}) {
			if err != nil {
				t.Fatalf("Iter: %v", err)
			}
		}
		if _, err := st.Query(ctx, &stores.Query{Status: results.Failure}); err != nil {
			t.Fatalf("Query: %v", err)
		}
		if _, err := st.Get(ctx, "leak-c"); err != nil {
			t.Fatalf("Get: %v", err)
		}
		if _, err := st.Count(ctx, nil); err != nil {
			t.Fatalf("Count: %v", err)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, err := range st.Iter(cctx, nil) {
		cancel()
		if err != nil {
			break
		}
	}
	if _, err := st.Delete(ctx, "leak-a"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	var gNow, fdNow int
	for deadline := time.Now().Add(3 * time.Second); ; {
		gNow, fdNow = runtime.NumGoroutine(), openFDs()
		if (gNow <= goroutines && fdNow <= fds) || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if gNow > goroutines {
		buf := make([]byte, 1<<16)
		buf = buf[:runtime.Stack(buf, true)]
		t.Errorf("%d goroutines before the store, %d after closing it; goroutines now:\n%s", goroutines, gNow, buf)
	}
	if fdNow > fds {
		t.Errorf("%d open file descriptors before the store, %d after closing it", fds, fdNow)
	}
}

// openFDs counts the process's open file descriptors (0 where /proc is not
// there, which disables that check).
func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range ents {
		if l, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && strings.HasPrefix(l, "anon_inode:[eventpoll]") {
			continue // the runtime's poller, opened once on first use
		}
		n++
	}
	return n
}
