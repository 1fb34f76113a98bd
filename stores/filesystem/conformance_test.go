package filesystem_test

import (
	"context"
	"testing"

	"github.com/truthound/truthound-go/stores"
	"github.com/truthound/truthound-go/stores/driver"
	"github.com/truthound/truthound-go/stores/filesystem"
	"github.com/truthound/truthound-go/stores/storetest"
)

// harness gives every subtest a fresh folder.
type harness struct {
	opts filesystem.Options
}

func (h harness) MakeStore(_ context.Context, t testing.TB) (*stores.Store, error) {
	o := h.opts
	o.BasePath = t.TempDir()
	return filesystem.Open(o)
}

func (h harness) MakeExpectations(_ context.Context, t testing.TB) (*stores.Expectations, error) {
	o := h.opts
	o.BasePath = t.TempDir()
	return filesystem.OpenExpectations(o)
}

func (harness) Close() {}

func maker(opts filesystem.Options) storetest.HarnessMaker {
	return func(context.Context, testing.TB) (storetest.Harness, error) { return harness{opts}, nil }
}

func TestConformance(t *testing.T) {
	for _, enc := range []driver.Encoding{driver.Identity, driver.Gzip, driver.Zstd} {
		name := string(enc)
		if name == "" {
			name = "identity"
		}
		t.Run(name, func(t *testing.T) {
			storetest.RunConformanceTests(t, maker(filesystem.Options{Compression: enc, CompactAfter: 50}))
		})
	}
}

func BenchmarkConformance(b *testing.B) {
	storetest.RunBenchmarks(b, maker(filesystem.Options{}))
}
