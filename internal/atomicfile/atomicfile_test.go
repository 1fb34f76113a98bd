package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFileReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	for _, content := range []string{"first", "second, longer content", ""} {
		if err := WriteFile(dir, "f.json", []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, "f.json"))
		if err != nil || string(got) != content {
			t.Fatalf("got %q, %v; want %q", got, err, content)
		}
	}
	des, _ := os.ReadDir(dir)
	if len(des) != 1 {
		t.Errorf("temporary files left behind: %v", des)
	}
}

func TestWriteTempNames(t *testing.T) {
	dir := t.TempDir()
	name, err := WriteTemp(dir, []byte("x"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if !IsTemp(name) || !strings.HasPrefix(name, fmt.Sprintf("%s%d-", TempPrefix, os.Getpid())) {
		t.Errorf("temp name %q", name)
	}
	if Stale(name) {
		t.Error("this process's temporary file reported stale")
	}
	for name, stale := range map[string]bool{
		".tmp-2147483646-abcd": true, // no such process
		".tmp-garbage":         true,
		".tmp-1-abcd":          false, // init is alive
		"x.json":               false,
	} {
		if Stale(name) != stale {
			t.Errorf("Stale(%q) = %v, want %v", name, !stale, stale)
		}
	}
	if _, err := WriteTemp(filepath.Join(dir, "missing"), nil, 0o600); err == nil {
		t.Error("WriteTemp into a missing folder succeeded")
	}
}
