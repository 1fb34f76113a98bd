package check

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"
)

// genReader produces rows CSV rows without holding them, sampling the heap as it
// goes.
type genReader struct {
	rows, next int
	buf        []byte
	maxHeap    uint64
	header     bool
}

func (g *genReader) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		if !g.header {
			g.header = true
			g.buf = []byte("id,email,score,day,country\n")
			break
		}
		if g.next >= g.rows {
			return 0, io.EOF
		}
		i := g.next
		g.next++
		// 1000 distinct rows repeated: the hash sets stay small.
		g.buf = fmt.Appendf(g.buf[:0], "%d,user%d@example.com,%d.5,2024-01-%02d,C%d\n", i%1000, i%1000, i%1000, 1+i%1000%28, i%1000%7)
		if i%100000 == 0 {
			var ms runtime.MemStats
			runtime.GC() // measure what is live, not garbage awaiting collection
			runtime.ReadMemStats(&ms)
			g.maxHeap = max(g.maxHeap, ms.HeapAlloc)
		}
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	return n, nil
}

func TestStreamingMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 1.5 million rows")
	}
	g := &genReader{rows: 1_500_000}
	r, err := Run(context.Background(), g, CSV, Options{Key: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Statistics.TotalRows != 1_500_000 {
		t.Fatalf("rows %d", r.Statistics.TotalRows)
	}
	if v := find(t, r, "duplicate_rows", ""); v.Count != 1_500_000-1000 {
		t.Errorf("duplicates %d", v.Count)
	}
	// The input is about 65 MB; what is live is a batch and 1000 hashes.
	if g.maxHeap > 8<<20 {
		t.Errorf("live heap reached %d MB while streaming", g.maxHeap>>20)
	}
	t.Logf("max live heap while streaming %d rows: %.1f MB", g.rows, float64(g.maxHeap)/(1<<20))
}
