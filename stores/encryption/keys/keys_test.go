package keys

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/truthound/truthound-go/stores/encryption"
)

// testdataDir returns the shared test data folder ($TRUTHOUND_TESTDATA, or
// ../shared/testdata beside the repository root); it fails under CI and skips
// locally when the folder is missing.
func testdataDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("TRUTHOUND_TESTDATA"); d != "" {
		if _, err := os.Stat(d); err == nil {
			return d
		}
	}
	if dir, err := os.Getwd(); err == nil {
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				cand := filepath.Join(dir, "..", "shared", "testdata")
				if _, err := os.Stat(cand); err == nil {
					return cand
				}
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("shared test data not found: set TRUTHOUND_TESTDATA")
	}
	t.Skip("shared test data not found: set TRUTHOUND_TESTDATA")
	return ""
}

func fixtureMaterial() []byte {
	b := make([]byte, 32)
	for i := range b {
		b[i] = byte(100 + i)
	}
	return b
}

func fixtureMasterKey() []byte {
	b := make([]byte, 32)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// copyDir copies the read-only fixture folder so tests may write to it.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func TestFileStoreUpstreamFixtures(t *testing.T) {
	base := filepath.Join(testdataDir(t), "upstream", "crypto")
	ctx := context.Background()
	for name, opts := range map[string]FileStoreOptions{
		"keystore":    {MasterKey: fixtureMasterKey()},
		"keystore_pw": {MasterPassword: []byte("pw")},
	} {
		t.Run(name, func(t *testing.T) {
			dir := copyDir(t, filepath.Join(base, name))
			s, err := OpenFileStore(dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			ids, err := s.IDs(ctx)
			if err != nil || len(ids) != 1 || ids[0] != "k1" {
				t.Fatalf("IDs = %v, %v", ids, err)
			}
			k, err := s.Load(ctx, "k1", 0)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(k.Material, fixtureMaterial()) || k.Version != 1 || k.Algorithm != encryption.AES256GCM ||
				k.Type != DataKey || k.CreatedAt.IsZero() || !k.ExpiresAt.IsZero() {
				t.Fatalf("loaded %v: material %x created %v expires %v", k, k.Material, k.CreatedAt, k.ExpiresAt)
			}
			// The manager rotates the original's key; both versions load.
			m, err := NewManager(s, nil)
			if err != nil {
				t.Fatal(err)
			}
			nk, err := m.Rotate(ctx, "k1")
			if err != nil {
				t.Fatal(err)
			}
			old, err := m.GetVersion(ctx, "k1", 1)
			if err != nil || !bytes.Equal(old.Material, fixtureMaterial()) {
				t.Fatalf("version 1 after rotation: %v", err)
			}
			cur, err := m.Get(ctx, "k1")
			if err != nil || cur.Version != 2 || !bytes.Equal(cur.Material, nk.Material) {
				t.Fatalf("current after rotation: %v %v", cur, err)
			}
			// The reopened store (password re-derived from .master_salt) reads both.
			s2, err := OpenFileStore(dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			if vs, err := s2.Versions(ctx, "k1"); err != nil || fmt.Sprint(vs) != "[1 2]" {
				t.Fatalf("versions %v %v", vs, err)
			}
		})
	}
	// Wrong master secrets are authentication errors.
	s, err := OpenFileStore(copyDir(t, filepath.Join(base, "keystore_pw")), FileStoreOptions{MasterPassword: []byte("wrong")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, "k1", 0); !errors.Is(err, encryption.ErrAuthentication) {
		t.Fatalf("wrong password: %v", err)
	}
	wrong := fixtureMasterKey()
	wrong[31] ^= 1
	s, _ = OpenFileStore(copyDir(t, filepath.Join(base, "keystore")), FileStoreOptions{MasterKey: wrong})
	if _, err := s.Load(ctx, "k1", 0); !errors.Is(err, encryption.ErrAuthentication) {
		t.Fatalf("wrong master key: %v", err)
	}
}

func TestFileStoreFormat(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	master := fixtureMasterKey()
	s, err := OpenFileStore(dir, FileStoreOptions{MasterKey: master})
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2024, 3, 4, 5, 6, 7, 123456000, time.UTC)
	k := &Key{ID: "orders/2024 ü", Version: 1, Algorithm: encryption.Fernet, Type: KeyEncryptionKey,
		Material: fixtureMaterial(), CreatedAt: created, ExpiresAt: created.Add(time.Hour), Metadata: map[string]string{"team": "data"}}
	if err := s.Save(ctx, k); err != nil {
		t.Fatal(err)
	}
	name := base64.URLEncoding.EncodeToString([]byte(k.ID)) + ".key"
	path := filepath.Join(dir, name)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	// The file is the raw AES-256-GCM blob of the original's JSON record,
	// bound to the key id.
	blob, _ := os.ReadFile(path)
	rec, err := encryption.Decrypt(encryption.AES256GCM, master, blob, []byte(k.ID))
	if err != nil {
		t.Fatalf("record is not an AES-256-GCM blob bound to the id: %v", err)
	}
	for _, want := range []string{`"key_id":"orders/2024 ü"`, `"key_material":"ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM="`,
		`"algorithm":"fernet"`, `"key_type":"kek"`, `"created_at":"2024-03-04T05:06:07.123456+00:00"`,
		`"expires_at":"2024-03-04T06:06:07.123456+00:00"`, `"version":1`, `"metadata":{"team":"data"}`} {
		if !strings.Contains(string(rec), want) {
			t.Errorf("record %s lacks %s", rec, want)
		}
	}
	got, err := s.Load(ctx, k.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Material, k.Material) || !got.CreatedAt.Equal(created) || !got.ExpiresAt.Equal(k.ExpiresAt) ||
		got.Metadata["team"] != "data" || got.Type != KeyEncryptionKey || got.Algorithm != encryption.Fernet {
		t.Fatalf("round trip: %+v", got)
	}
	// A file renamed to another id is rejected: bound by associated data.
	other := filepath.Join(dir, base64.URLEncoding.EncodeToString([]byte("other"))+".key")
	if err := os.WriteFile(other, blob, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, "other", 0); !errors.Is(err, encryption.ErrAuthentication) {
		t.Fatalf("renamed file: %v", err)
	}
	// An unbound (original-style) record under the wrong name is rejected
	// by the key_id check.
	unbound, _ := encryption.Encrypt(encryption.AES256GCM, master, rec, nil)
	os.WriteFile(other, unbound, 0o600)
	if _, err := s.Load(ctx, "other", 0); !errors.Is(err, encryption.ErrAuthentication) {
		t.Fatalf("unbound record under another id: %v", err)
	}
	// Every single-byte change of the file is rejected.
	for i := range blob {
		mod := bytes.Clone(blob)
		mod[i] ^= 0x04
		os.WriteFile(path, mod, 0o600)
		if _, err := s.Load(ctx, k.ID, 0); !errors.Is(err, encryption.ErrAuthentication) {
			t.Fatalf("byte %d changed: %v", i, err)
		}
	}
	os.WriteFile(path, blob[:20], 0o600)
	if _, err := s.Load(ctx, k.ID, 0); !errors.Is(err, encryption.ErrTruncated) {
		t.Fatalf("short file: %v", err)
	}
}

func TestFileStoreDeleteOverwrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := OpenFileStore(dir, FileStoreOptions{MasterKey: fixtureMasterKey()})
	m, _ := NewManager(s, nil)
	if _, err := m.Create(ctx, "gone", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Rotate(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	// Keep a hard link to each file to observe what Delete did to the bytes.
	var links []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".key") {
			l := filepath.Join(t.TempDir(), e.Name())
			if err := os.Link(filepath.Join(dir, e.Name()), l); err != nil {
				t.Skipf("hard links unsupported: %v", err)
			}
			links = append(links, l)
		}
	}
	if len(links) != 2 {
		t.Fatalf("%d key files, want 2 (current and v1)", len(links))
	}
	if err := m.Delete(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		b, _ := os.ReadFile(l)
		if len(b) == 0 || !bytes.Equal(b, make([]byte, len(b))) {
			t.Errorf("%s not overwritten with zeros before removal", filepath.Base(l))
		}
	}
	entries, _ = os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".key") {
			t.Errorf("%s left behind", e.Name())
		}
	}
	if _, err := m.Get(ctx, "gone"); !errors.Is(err, encryption.ErrKeyNotFound) {
		t.Errorf("Get after delete: %v", err)
	}
}

func TestFileStoreOptions(t *testing.T) {
	dir := t.TempDir()
	if _, err := OpenFileStore(dir, FileStoreOptions{}); !errors.Is(err, encryption.ErrInvalidOption) {
		t.Errorf("no secret: %v", err)
	}
	if _, err := OpenFileStore(dir, FileStoreOptions{MasterKey: make([]byte, 32), MasterPassword: []byte("x")}); !errors.Is(err, encryption.ErrInvalidOption) {
		t.Errorf("two secrets: %v", err)
	}
	if _, err := OpenFileStore(dir, FileStoreOptions{MasterKey: make([]byte, 16)}); !errors.Is(err, encryption.ErrInvalidKey) {
		t.Errorf("short master key: %v", err)
	}
	if _, err := OpenFileStore(dir, FileStoreOptions{MasterPassword: []byte("pw")}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, ".master_salt"))
	if err != nil || st.Size() != 16 || st.Mode().Perm() != 0o600 {
		t.Fatalf(".master_salt: %v %v", st, err)
	}
}

// storeSuite runs the same behaviour checks on every Store.
func storeSuite(t *testing.T, s Store) {
	ctx := context.Background()
	if _, err := s.Load(ctx, "nope", 0); !errors.Is(err, encryption.ErrKeyNotFound) {
		t.Fatalf("missing key: %v", err)
	}
	if err := s.Delete(ctx, "nope"); !errors.Is(err, encryption.ErrKeyNotFound) {
		t.Fatalf("delete missing: %v", err)
	}
	mk := func(v int, b byte) *Key {
		return &Key{ID: "alpha", Version: v, Algorithm: encryption.AES256GCM, Type: DataKey, Material: bytes.Repeat([]byte{b}, 32)}
	}
	for _, k := range []*Key{mk(1, 1), mk(2, 2), mk(3, 3)} {
		if err := s.Save(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Save(ctx, &Key{ID: "alpha", Version: 1, Algorithm: encryption.AES256GCM, Material: []byte("short")}); !errors.Is(err, encryption.ErrInvalidKey) {
		t.Fatalf("bad material: %v", err)
	}
	if err := s.Save(ctx, &Key{ID: "", Version: 1, Algorithm: encryption.AES256GCM, Material: make([]byte, 32)}); !errors.Is(err, ErrInvalidKeyID) {
		t.Fatalf("empty id: %v", err)
	}
	k, err := s.Load(ctx, "alpha", 0)
	if err != nil || k.Version != 3 || k.Material[0] != 3 {
		t.Fatalf("current: %v %v", k, err)
	}
	for v := 1; v <= 3; v++ {
		k, err := s.Load(ctx, "alpha", v)
		if err != nil || k.Version != v || k.Material[0] != byte(v) {
			t.Fatalf("version %d: %v %v", v, k, err)
		}
	}
	if _, err := s.Load(ctx, "alpha", 9); !errors.Is(err, encryption.ErrKeyNotFound) {
		t.Fatalf("missing version: %v", err)
	}
	if vs, err := s.Versions(ctx, "alpha"); err != nil || fmt.Sprint(vs) != "[1 2 3]" {
		t.Fatalf("versions %v %v", vs, err)
	}
	// Re-saving an old version (as a rotation overlap does) changes that
	// version only.
	if _, ok := s.(*EnvStore); !ok {
		k1 := mk(1, 1)
		k1.ExpiresAt = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		if err := s.Save(ctx, k1); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Load(ctx, "alpha", 1); err != nil || !got.ExpiresAt.Equal(k1.ExpiresAt) {
			t.Fatalf("re-saved version 1: %v %v", got, err)
		}
		if got, err := s.Load(ctx, "alpha", 0); err != nil || got.Version != 3 {
			t.Fatalf("current after re-saving version 1: %v %v", got, err)
		}
	}
	// Loaded keys are copies.
	k.Material[0] = 99
	if k2, _ := s.Load(ctx, "alpha", 3); k2.Material[0] != 3 {
		t.Fatal("store shares material with callers")
	}
	if err := s.Delete(ctx, "alpha"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, "alpha", 0); !errors.Is(err, encryption.ErrKeyNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if ids, _ := s.IDs(ctx); len(ids) != 0 {
		t.Fatalf("ids after delete: %v", ids)
	}
}

func TestStores(t *testing.T) {
	t.Run("memory", func(t *testing.T) { storeSuite(t, NewMemoryStore()) })
	t.Run("file", func(t *testing.T) {
		s, err := OpenFileStore(t.TempDir(), FileStoreOptions{MasterKey: fixtureMasterKey()})
		if err != nil {
			t.Fatal(err)
		}
		storeSuite(t, s)
	})
	t.Run("env", func(t *testing.T) { storeSuite(t, &EnvStore{Prefix: "TRUTHOUND_TEST_SUITE_KEY_"}) })
}

func TestEnvStore(t *testing.T) {
	ctx := context.Background()
	mat := fixtureMaterial()
	t.Setenv("TRUTHOUND_KEY_ORDERS_2024", base64.StdEncoding.EncodeToString(mat))
	t.Setenv("TRUTHOUND_KEY_HEXKEY", fmt.Sprintf("%x", mat))
	t.Setenv("TRUTHOUND_KEY_URLKEY", base64.RawURLEncoding.EncodeToString(mat))
	t.Setenv("TRUTHOUND_KEY_BAD", "not a key")
	s := &EnvStore{}
	for _, id := range []string{"orders-2024", "hexkey", "URLKEY"} {
		k, err := s.Load(ctx, id, 0)
		if err != nil || !bytes.Equal(k.Material, mat) || k.Version != 1 {
			t.Fatalf("%s: %v %v", id, k, err)
		}
	}
	if _, err := s.Load(ctx, "bad", 0); !errors.Is(err, encryption.ErrFormat) {
		t.Fatalf("bad value: %v", err)
	}
	ids, _ := s.IDs(ctx)
	if fmt.Sprint(ids) != "[BAD HEXKEY ORDERS_2024 URLKEY]" {
		t.Fatalf("ids %v", ids)
	}
	// Fernet keys from the environment, through the manager.
	t.Setenv("TRUTHOUND_KEY_F", "RW-lQddQQjPac454dNSAAG3nvBvTV6782ilkzDca5W4=")
	m, _ := NewManager(&EnvStore{Algorithm: encryption.Fernet}, nil)
	fk, err := m.Get(ctx, "f")
	if err != nil || fk.Algorithm != encryption.Fernet || len(fk.Material) != 32 {
		t.Fatalf("fernet env key: %v %v", fk, err)
	}
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestManagerLifecycle(t *testing.T) {
	t.Run("memory", func(t *testing.T) { managerLifecycle(t, NewMemoryStore()) })
	t.Run("file", func(t *testing.T) {
		s, err := OpenFileStore(t.TempDir(), FileStoreOptions{MasterKey: fixtureMasterKey()})
		if err != nil {
			t.Fatal(err)
		}
		managerLifecycle(t, s)
	})
}

func managerLifecycle(t *testing.T, store Store) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	var events []Event
	m, err := NewManager(store, &ManagerOptions{
		TTL:             30 * 24 * time.Hour,
		RotationOverlap: 7 * 24 * time.Hour,
		Audit:           func(e Event) { events = append(events, e) },
		Now:             clk.now,
	})
	if err != nil {
		t.Fatal(err)
	}
	k1, err := m.Create(ctx, "orders", &CreateOptions{Metadata: map[string]string{"owner": "etl"}})
	if err != nil {
		t.Fatal(err)
	}
	if k1.Version != 1 || k1.Algorithm != encryption.AES256GCM || len(k1.Material) != 32 || !k1.ExpiresAt.Equal(clk.now().Add(30*24*time.Hour)) {
		t.Fatalf("created %v expires %v", k1, k1.ExpiresAt)
	}
	if _, err := m.Create(ctx, "orders", nil); !errors.Is(err, ErrKeyExists) {
		t.Fatalf("duplicate create: %v", err)
	}
	if _, err := m.Create(ctx, "", nil); !errors.Is(err, ErrInvalidKeyID) {
		t.Fatalf("empty id: %v", err)
	}
	// Data sealed under version 1.
	blob, err := encryption.Encrypt(k1.Algorithm, k1.Material, []byte("secret"), nil)
	if err != nil {
		t.Fatal(err)
	}
	clk.add(24 * time.Hour)
	k2, err := m.Rotate(ctx, "orders")
	if err != nil {
		t.Fatal(err)
	}
	if k2.Version != 2 || bytes.Equal(k2.Material, k1.Material) || k2.Metadata["owner"] != "etl" {
		t.Fatalf("rotated %v", k2)
	}
	// Old data still decrypts during the overlap.
	old, err := m.GetVersion(ctx, "orders", 1)
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := encryption.Decrypt(old.Algorithm, old.Material, blob, nil); err != nil || string(pt) != "secret" {
		t.Fatalf("old data after rotation: %v", err)
	}
	// After the overlap the old version is expired; the new one is not.
	clk.add(8 * 24 * time.Hour)
	if _, err := m.GetVersion(ctx, "orders", 1); !errors.Is(err, encryption.ErrKeyExpired) {
		t.Fatalf("old version after overlap: %v", err)
	}
	if cur, err := m.Get(ctx, "orders"); err != nil || cur.Version != 2 {
		t.Fatalf("current: %v %v", cur, err)
	}
	// Past its TTL the current key is expired too.
	clk.add(30 * 24 * time.Hour)
	if _, err := m.Get(ctx, "orders"); !errors.Is(err, encryption.ErrKeyExpired) {
		t.Fatalf("expired current: %v", err)
	}
	infos, err := m.List(ctx)
	if err != nil || len(infos) != 1 || infos[0].Version != 2 || fmt.Sprint(infos[0].Versions) != "[1 2]" {
		t.Fatalf("list %+v %v", infos, err)
	}
	if err := m.Delete(ctx, "orders"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Get(ctx, "orders"); !errors.Is(err, encryption.ErrKeyNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	var ops []string
	for _, e := range events {
		s := e.Op.String()
		if e.Err != nil {
			s += "!"
		}
		ops = append(ops, s)
	}
	if got := strings.Join(ops, " "); got != "create create! create! rotate get get! get get! list delete get!" {
		t.Fatalf("audit trail %q", got)
	}
	for _, e := range events {
		if e.Time.IsZero() || (e.Op != OpList && e.KeyID == "" && !errors.Is(e.Err, ErrInvalidKeyID)) {
			t.Fatalf("event %+v", e)
		}
	}
}

func TestManagerAutoRotate(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	var autos int
	m, _ := NewManager(NewMemoryStore(), &ManagerOptions{
		AutoRotateAfter: 90 * 24 * time.Hour,
		Now:             clk.now,
		Audit: func(e Event) {
			if e.Op == OpRotate && e.Auto {
				autos++
			}
		},
	})
	k1, _ := m.Create(ctx, "k", &CreateOptions{Algorithm: encryption.ChaCha20Poly1305})
	clk.add(89 * 24 * time.Hour)
	if k, _ := m.Get(ctx, "k"); k.Version != 1 {
		t.Fatalf("rotated early: v%d", k.Version)
	}
	clk.add(24 * time.Hour)
	k, err := m.Get(ctx, "k")
	if err != nil || k.Version != 2 || k.Algorithm != encryption.ChaCha20Poly1305 || bytes.Equal(k.Material, k1.Material) {
		t.Fatalf("auto rotation: %v %v", k, err)
	}
	if k, _ := m.Get(ctx, "k"); k.Version != 2 || autos != 1 {
		t.Fatalf("second get: v%d, %d automatic rotations", k.Version, autos)
	}
	if _, err := NewManager(NewMemoryStore(), &ManagerOptions{TTL: -1}); !errors.Is(err, encryption.ErrInvalidOption) {
		t.Fatalf("negative TTL: %v", err)
	}
}

func TestManagerFernetKeys(t *testing.T) {
	ctx := context.Background()
	s, _ := OpenFileStore(t.TempDir(), FileStoreOptions{MasterPassword: []byte("pw")})
	m, _ := NewManager(s, &ManagerOptions{Algorithm: encryption.Fernet})
	k, err := m.Create(ctx, "fern", nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := encryption.FernetEncrypt(k.Material, []byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Get(ctx, "fern")
	if err != nil || got.Algorithm != encryption.Fernet {
		t.Fatal(err)
	}
	if pt, err := encryption.FernetDecrypt(got.Material, tok, nil); err != nil || string(pt) != "hello" {
		t.Fatalf("fernet through the manager: %v", err)
	}
	if _, err := m.Rotate(ctx, "fern"); err != nil {
		t.Fatal(err)
	}
}

func TestKeyNeverPrintsMaterial(t *testing.T) {
	k := &Key{ID: "x", Version: 1, Algorithm: encryption.AES256GCM, Type: DataKey, Material: []byte("SUPERSECRETMATERIALSUPERSECRET!!")}
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%x", "%q"} {
		for _, arg := range []any{k, *k} {
			if out := fmt.Sprintf(f, arg); strings.Contains(out, "SUPERSECRET") || strings.Contains(out, "5355504552") {
				t.Fatalf("%s printed material: %s", f, out)
			}
		}
	}
	k.Destroy()
	if !bytes.Equal(k.Material, make([]byte, 32)) {
		t.Fatal("Destroy left material")
	}
}

func TestTypeAndOpNames(t *testing.T) {
	for _, ty := range []Type{DataKey, KeyEncryptionKey, MasterKey} {
		if got, err := ParseType(ty.String()); err != nil || got != ty {
			t.Fatalf("%v: %v %v", ty, got, err)
		}
	}
	if _, err := ParseType("nope"); !errors.Is(err, encryption.ErrInvalidOption) {
		t.Fatal(err)
	}
	if OpRotate.String() != "rotate" || Op(99).String() != "Op(99)" {
		t.Fatal("op names")
	}
}
