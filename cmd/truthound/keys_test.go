package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/truthound/truthound-go/stores/encryption/keys"
)

// keysRun runs the command line args and returns the exit code, stdout and
// stderr.
func keysRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runWith(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestKeysCommandLifecycle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ks")
	t.Setenv("TRUTHOUND_PASSWORD", "correct horse")

	code, out, errs := keysRun(t, "keys", "create", "orders", "--keystore", dir)
	if code != 0 || !strings.Contains(out, `created key "orders" version 1 (aes-256-gcm)`) {
		t.Fatalf("create: %d %q %q", code, out, errs)
	}
	if code, _, errs := keysRun(t, "keys", "create", "orders", "--keystore", dir); code != 2 || !strings.Contains(errs, "already exists") {
		t.Fatalf("duplicate create: %d %q", code, errs)
	}
	if code, out, errs = keysRun(t, "keys", "create", "tokens", "--algorithm", "fernet", "--type", "kek", "--ttl", "720h", "--keystore", dir); code != 0 {
		t.Fatalf("create fernet: %d %q", code, errs)
	}
	if code, out, errs = keysRun(t, "keys", "rotate", "orders", "--keystore", dir); code != 0 || !strings.Contains(out, "version 2") {
		t.Fatalf("rotate: %d %q %q", code, out, errs)
	}
	code, out, errs = keysRun(t, "keys", "list", "--keystore", dir, "--output", "json")
	if code != 0 {
		t.Fatalf("list: %d %q", code, errs)
	}
	var entries []struct {
		ID        string `json:"key_id"`
		Version   int    `json:"version"`
		Versions  []int  `json:"versions"`
		Algorithm string `json:"algorithm"`
		Type      string `json:"key_type"`
		ExpiresAt string `json:"expires_at"`
	}
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatalf("list json %q: %v", out, err)
	}
	if len(entries) != 2 || entries[0].ID != "orders" || entries[0].Version != 2 || len(entries[0].Versions) != 2 ||
		entries[1].ID != "tokens" || entries[1].Algorithm != "fernet" || entries[1].Type != "kek" || entries[1].ExpiresAt == "" {
		t.Fatalf("list: %+v", entries)
	}
	code, out, _ = keysRun(t, "keys", "list", "--keystore", dir)
	if code != 0 || !strings.HasPrefix(out, "ID") || !strings.Contains(out, "orders") || !strings.Contains(out, "1,2") {
		t.Fatalf("list text: %q", out)
	}

	// The store is what the library reads, and files are 0600.
	s, err := keys.OpenFileStore(dir, keys.FileStoreOptions{MasterPassword: []byte("correct horse")})
	if err != nil {
		t.Fatal(err)
	}
	k, err := s.Load(context.Background(), "orders", 1)
	if err != nil || k.Version != 1 {
		t.Fatalf("library load: %v", err)
	}
	if bytes.Contains([]byte(out), []byte(k.Material)) {
		t.Fatal("material printed")
	}
	entriesOnDisk, _ := os.ReadDir(dir)
	for _, e := range entriesOnDisk {
		st, _ := os.Stat(filepath.Join(dir, e.Name()))
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", e.Name(), st.Mode().Perm())
		}
	}

	// A wrong password fails to read the keys.
	if code, _, errs := keysRun(t, "keys", "rotate", "orders", "--keystore", dir, "--password=wrong"); code != 2 || !strings.Contains(errs, "authentication failed") {
		t.Fatalf("wrong password: %d %q", code, errs)
	}
	if code, out, errs = keysRun(t, "keys", "delete", "orders", "--keystore", dir); code != 0 || !strings.Contains(out, "deleted") {
		t.Fatalf("delete: %d %q", code, errs)
	}
	if code, _, errs := keysRun(t, "keys", "rotate", "orders", "--keystore", dir); code != 2 || !strings.Contains(errs, "key not found") {
		t.Fatalf("rotate deleted: %d %q", code, errs)
	}
}

func TestKeysCommandMasterKeyFileAndUpstream(t *testing.T) {
	td := os.Getenv("TRUTHOUND_TESTDATA")
	if td == "" {
		td = filepath.Join("..", "..", "..", "shared", "testdata")
	}
	src := filepath.Join(td, "upstream", "crypto")
	if _, err := os.Stat(src); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared test data not found at %s", src)
		}
		t.Skipf("shared test data not found at %s", src)
	}
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(src, "keystore", "azE=.key"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "azE=.key"), b, 0o600)
	code, out, errs := keysRun(t, "keys", "list", "--keystore", dir, "--master-key-file", filepath.Join(src, "key.hex"))
	if code != 0 || !strings.Contains(out, "k1") || !strings.Contains(out, "aes-256-gcm") {
		t.Fatalf("list upstream store: %d %q %q", code, out, errs)
	}
	bad := filepath.Join(t.TempDir(), "bad.key")
	os.WriteFile(bad, []byte("nope"), 0o600)
	if code, _, errs := keysRun(t, "keys", "list", "--keystore", dir, "--master-key-file", bad); code != 2 || !strings.Contains(errs, "invalid key") {
		t.Fatalf("bad key file: %d %q", code, errs)
	}
}

func TestKeysCommandErrors(t *testing.T) {
	t.Setenv("TRUTHOUND_PASSWORD", "pw")
	for _, args := range [][]string{
		{"keys", "list"},
		{"keys", "create", "x", "--keystore", t.TempDir(), "--algorithm", "rot13"},
		{"keys", "create", "x", "--keystore", t.TempDir(), "--type", "nope"},
		{"keys", "create", "x", "--keystore", t.TempDir(), "--ttl", "-5h"},
		{"keys", "list", "--keystore", t.TempDir(), "--output", "xml"},
		{"keys", "list", "--keystore", t.TempDir(), "--password=a", "--master-key-file", "f"},
		{"keys", "create", "--keystore", t.TempDir()},
	} {
		if code, _, _ := keysRun(t, args...); code == 0 {
			t.Errorf("%v: exit 0", args)
		}
	}
	// A bare --password reads $TRUTHOUND_PASSWORD without a terminal...
	dir := t.TempDir()
	if code, _, errs := keysRun(t, "keys", "create", "k", "--keystore", dir, "--password"); code != 0 {
		t.Fatalf("bare --password with $TRUTHOUND_PASSWORD: %d %q", code, errs)
	}
	if code, _, _ := keysRun(t, "keys", "rotate", "k", "--keystore", dir, "--password=pw"); code != 0 {
		t.Fatal("explicit --password=pw does not open the store made with $TRUTHOUND_PASSWORD=pw")
	}
	// ...and without either there is no password to use.
	t.Setenv("TRUTHOUND_PASSWORD", "")
	if code, _, errs := keysRun(t, "keys", "list", "--keystore", dir, "--password"); code != 2 || !strings.Contains(errs, "no master password") {
		t.Fatalf("no password: %d %q", code, errs)
	}
}
