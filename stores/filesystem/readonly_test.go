package filesystem

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/truthound/truthound-go/stores"
)

// readOnlyEnv names, in the child process of TestReadOnlyFolder, the store
// folder to check.
const readOnlyEnv = "TRUTHOUND_TEST_READONLY_DIR"

// TestReadOnlyFolder opens a store that the process may read but not write
// (another user's results, an archive, a read-only mount): listing, querying
// and getting work, and saving and deleting fail with ErrWrite, changing
// nothing. Permissions do not bind root, so when run as root the test runs
// its checks in a copy of the test binary started as user nobody.
func TestReadOnlyFolder(t *testing.T) {
	if dir := os.Getenv(readOnlyEnv); dir != "" {
		checkReadOnlyStore(t, dir)
		return
	}
	base, err := os.MkdirTemp("", "truthound-ro-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		filepath.Walk(base, func(p string, _ os.FileInfo, _ error) error { return os.Chmod(p, 0o755) })
		os.RemoveAll(base)
	})
	store := filepath.Join(base, "store")
	copyTree(t, filepath.Join(testdataDir(t), "upstream", "fs-plain"), store)
	// A journaled save, as we leave behind, must be seen too.
	s, err := Open(Options{BasePath: store, CompactAfter: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	r := newResult("run_journaled", 1)
	if err := s.Save(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	d := s.Driver().(*Driver)
	d.mu.Lock()
	d.closeFiles() // leave the journal unfolded, as a live writer would
	d.closed = true
	d.mu.Unlock()

	if err := filepath.Walk(base, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.IsDir() {
			return os.Chmod(p, 0o555)
		}
		return os.Chmod(p, 0o444)
	}); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		checkReadOnlyStore(t, store)
		return
	}
	// Root: run the checks as nobody from a copy of this test binary that
	// nobody may execute.
	bin := filepath.Join(base, "filesystem.test")
	src, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(base, 0o555); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^TestReadOnlyFolder$", "-test.v")
	cmd.Env = append(os.Environ(), readOnlyEnv+"="+store)
	cmd.Dir = base
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("read-only checks as nobody failed: %v\n%s", err, out.String())
	}
	if !bytes.Contains(out.Bytes(), []byte("--- PASS: TestReadOnlyFolder")) {
		t.Fatalf("child ran no checks:\n%s", out.String())
	}
}

func checkReadOnlyStore(t *testing.T, dir string) {
	ctx := context.Background()
	if f, err := os.Create(filepath.Join(dir, "probe")); err == nil {
		f.Close()
		t.Fatalf("%s is writable: the test needs a folder this process cannot write", dir)
	}
	s, err := Open(Options{BasePath: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close of a read-only store: %v", err)
		}
	}()
	ids, err := s.ListIDs(ctx, nil)
	if err != nil {
		t.Fatalf("ListIDs: %v", err)
	}
	if len(ids) != 5 {
		t.Fatalf("want the 4 original results and the journaled one, got %v", ids)
	}
	for _, id := range []string{"run_20240102_030405_a1b2c3d4", "run_journaled"} {
		if _, err := s.Get(ctx, id); err != nil {
			t.Fatalf("Get(%s): %v", id, err)
		}
	}
	if n, err := s.Count(ctx, &stores.Query{DataAsset: "customers.csv"}); err != nil || n != 2 {
		t.Fatalf("Count: %d, %v", n, err)
	}
	if err := s.Save(ctx, newResult("run_new", 1)); !errors.Is(err, stores.ErrWrite) {
		t.Fatalf("Save into a read-only folder: want ErrWrite, got %v", err)
	}
	if _, err := s.Delete(ctx, "run_journaled"); !errors.Is(err, stores.ErrWrite) {
		t.Fatalf("Delete in a read-only folder: want ErrWrite, got %v", err)
	}
	if err := s.Driver().(*Driver).RebuildIndex(ctx); !errors.Is(err, stores.ErrWrite) {
		t.Fatalf("RebuildIndex of a read-only folder: want ErrWrite, got %v", err)
	}
	problems, err := s.Driver().(*Driver).Verify(ctx)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	for _, p := range problems {
		t.Errorf("Verify: %s", p)
	}
	if ok, _ := s.Exists(ctx, "run_new"); ok {
		t.Fatal("a refused save is visible")
	}
}
