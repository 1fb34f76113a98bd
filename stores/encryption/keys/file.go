package keys

import (
	"bytes"
	"context"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/truthound/truthound-go/stores/encryption"
)

// The master-password KDF of the original's FileKeyStore: Argon2id, t=3,
// m=64 MiB, p=4, a 32-byte key, and a 16-byte salt kept in .master_salt.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 4
	saltFile     = ".master_salt"
	saltLen      = 16
	keySuffix    = ".key"
)

// FileStoreOptions holds the secret that protects a [FileStore]: exactly one of
// MasterKey (32 bytes) and MasterPassword.
type FileStoreOptions struct {
	// MasterKey is the 32-byte AES-256-GCM key that encrypts every record.
	MasterKey []byte
	// MasterPassword derives the master key with Argon2id and the salt in
	// the store's .master_salt file, created on first use.
	MasterPassword []byte
}

// FileStore keeps one file per key in a folder, in the original's format:
// the current version of key id is `{base64url(id)}.key` (padded), holding
// the raw AES-256-GCM blob nonce || ciphertext || tag of the JSON record
// {"key_id", "key_material" (standard base64), "algorithm", "key_type",
// "created_at", "expires_at", "version", "metadata"}. Older versions kept
// after a rotation are `{base64url(id)}.v{N}.key`, which the original ignores.
//
// What FileStore writes binds the key id as associated data, so a file
// renamed to another id fails to open; files written by the original (no
// associated data) are still read, and their key_id and version must match
// the file name. Files are created 0600 and written atomically (temporary
// file and rename); Delete overwrites a file with zeros before removing it.
//
// A FileStore is safe for concurrent use within a process; two processes
// rotating the same key at the same moment are not coordinated.
type FileStore struct {
	dir  string
	aead cipher.AEAD
	mu   sync.Mutex
}

var _ Store = (*FileStore)(nil)

// OpenFileStore opens (creating it 0700 if needed) the key folder dir.
func OpenFileStore(dir string, opts FileStoreOptions) (*FileStore, error) {
	if (opts.MasterKey == nil) == (opts.MasterPassword == nil) {
		return nil, fmt.Errorf("%w: file key store needs exactly one of a master key and a master password", encryption.ErrInvalidOption)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	master := opts.MasterKey
	if opts.MasterPassword != nil {
		salt, err := loadOrCreateSalt(dir)
		if err != nil {
			return nil, err
		}
		master = argon2.IDKey(opts.MasterPassword, salt, argonTime, argonMemory, argonThreads, 32)
		defer clear(master)
	}
	if len(master) != 32 {
		return nil, fmt.Errorf("%w: master key of %d bytes, want 32", encryption.ErrInvalidKey, len(master))
	}
	aead, err := encryption.NewAEAD(encryption.AES256GCM, master)
	if err != nil {
		return nil, err
	}
	return &FileStore{dir: dir, aead: aead}, nil
}

func loadOrCreateSalt(dir string) ([]byte, error) {
	p := filepath.Join(dir, saltFile)
	salt, err := os.ReadFile(p)
	if err == nil {
		if len(salt) < 8 {
			return nil, fmt.Errorf("%w: %s has %d bytes", encryption.ErrFormat, p, len(salt))
		}
		return salt, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	salt = make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return loadOrCreateSalt(dir) // another process won the race
	}
	if err != nil {
		return nil, err
	}
	_, err = f.Write(salt)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return salt, nil
}

// Dir returns the store's folder.
func (s *FileStore) Dir() string { return s.dir }

func fileBase(id string) string { return base64.URLEncoding.EncodeToString([]byte(id)) }

func (s *FileStore) currentPath(id string) string {
	return filepath.Join(s.dir, fileBase(id)+keySuffix)
}

func (s *FileStore) versionPath(id string, v int) string {
	return filepath.Join(s.dir, fileBase(id)+".v"+strconv.Itoa(v)+keySuffix)
}

// record is the original's JSON key record. Material and metadata are kept
// raw so that the material is decoded from a buffer we can zero.
type record struct {
	KeyID       string                     `json:"key_id"`
	KeyMaterial json.RawMessage            `json:"key_material"`
	Algorithm   string                     `json:"algorithm"`
	KeyType     string                     `json:"key_type"`
	CreatedAt   string                     `json:"created_at"`
	ExpiresAt   *string                    `json:"expires_at"`
	Version     int                        `json:"version"`
	Metadata    map[string]json.RawMessage `json:"metadata"`
}

// pyTime is the original's datetime.isoformat() with microseconds.
const pyTime = "2006-01-02T15:04:05.000000-07:00"

func formatTime(t time.Time) string { return t.UTC().Format(pyTime) }

func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	// A naive isoformat() has no zone; the original means UTC.
	return time.ParseInLocation("2006-01-02T15:04:05.999999", s, time.UTC)
}

func marshalRecord(k *Key) ([]byte, error) {
	mat := make([]byte, 0, base64.StdEncoding.EncodedLen(len(k.Material))+2)
	mat = append(mat, '"')
	mat = base64.StdEncoding.AppendEncode(mat, k.Material)
	mat = append(mat, '"')
	defer clear(mat)
	r := record{
		KeyID:       k.ID,
		KeyMaterial: mat,
		Algorithm:   k.Algorithm.String(),
		KeyType:     k.Type.String(),
		CreatedAt:   formatTime(k.CreatedAt),
		Version:     k.Version,
		Metadata:    map[string]json.RawMessage{},
	}
	if !k.ExpiresAt.IsZero() {
		e := formatTime(k.ExpiresAt)
		r.ExpiresAt = &e
	}
	for a, b := range k.Metadata {
		v, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		r.Metadata[a] = v
	}
	return json.Marshal(r)
}

func unmarshalRecord(data []byte) (*Key, error) {
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%w: key record: %v", encryption.ErrFormat, err)
	}
	defer clear(r.KeyMaterial)
	alg, err := encryption.ParseAlgorithm(r.Algorithm)
	if err != nil {
		return nil, fmt.Errorf("%w: key record: %v", encryption.ErrFormat, err)
	}
	typ := DataKey
	if r.KeyType != "" {
		if typ, err = ParseType(r.KeyType); err != nil {
			return nil, fmt.Errorf("%w: key record: %v", encryption.ErrFormat, err)
		}
	}
	raw := r.KeyMaterial
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' || bytes.IndexByte(raw, '\\') >= 0 {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("%w: key record key_material: %v", encryption.ErrFormat, err)
		}
		raw = []byte(`"` + s + `"`)
	}
	mat, err := base64.StdEncoding.AppendDecode(nil, raw[1:len(raw)-1])
	if err != nil {
		return nil, fmt.Errorf("%w: key record key_material: %v", encryption.ErrFormat, err)
	}
	k := &Key{ID: r.KeyID, Version: r.Version, Algorithm: alg, Type: typ, Material: mat}
	if k.CreatedAt, err = parseTime(r.CreatedAt); err != nil {
		return nil, fmt.Errorf("%w: key record created_at %q", encryption.ErrFormat, r.CreatedAt)
	}
	if r.ExpiresAt != nil {
		if k.ExpiresAt, err = parseTime(*r.ExpiresAt); err != nil {
			return nil, fmt.Errorf("%w: key record expires_at %q", encryption.ErrFormat, *r.ExpiresAt)
		}
	}
	if len(r.Metadata) > 0 {
		k.Metadata = make(map[string]string, len(r.Metadata))
		for a, b := range r.Metadata {
			var s string
			if json.Unmarshal(b, &s) != nil {
				s = string(b) // a non-string value keeps its JSON text
			}
			k.Metadata[a] = s
		}
	}
	if err := k.validate(); err != nil {
		return nil, fmt.Errorf("%w: key record: %v", encryption.ErrFormat, err)
	}
	return k, nil
}

// seal encrypts a record bound to id.
func (s *FileStore) seal(k *Key) ([]byte, error) {
	rec, err := marshalRecord(k)
	if err != nil {
		return nil, err
	}
	defer clear(rec)
	ns := s.aead.NonceSize()
	out := make([]byte, ns, ns+len(rec)+s.aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		return nil, err
	}
	return s.aead.Seal(out, out[:ns], rec, []byte(k.ID)), nil
}

// open decrypts the file at path, expecting key id and, when version > 0,
// that version. Records bound to the id (ours) and unbound ones (the
// original's) are accepted.
func (s *FileStore) open(path, id string, version int) (*Key, error) {
	blob, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if version > 0 {
			return nil, fmt.Errorf("%w: %q version %d", encryption.ErrKeyNotFound, id, version)
		}
		return nil, fmt.Errorf("%w: %q", encryption.ErrKeyNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	ns := s.aead.NonceSize()
	if len(blob) < ns+s.aead.Overhead() {
		return nil, fmt.Errorf("%w: key file %s has %d bytes", encryption.ErrTruncated, path, len(blob))
	}
	rec, err := s.aead.Open(nil, blob[:ns], blob[ns:], []byte(id))
	if err != nil {
		rec, err = s.aead.Open(nil, blob[:ns], blob[ns:], nil)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: key file %s (wrong master key or password, or a changed file)", encryption.ErrAuthentication, filepath.Base(path))
	}
	defer clear(rec)
	k, err := unmarshalRecord(rec)
	if err != nil {
		return nil, err
	}
	if k.ID != id {
		k.Destroy()
		return nil, fmt.Errorf("%w: key file %s holds key %q, not %q", encryption.ErrAuthentication, filepath.Base(path), k.ID, id)
	}
	if version > 0 && k.Version != version {
		k.Destroy()
		return nil, fmt.Errorf("%w: key file %s holds version %d, not %d", encryption.ErrAuthentication, filepath.Base(path), k.Version, version)
	}
	return k, nil
}

// writeAtomic writes data to path through a 0600 temporary file and a rename.
func (s *FileStore) writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(s.dir, ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// Save writes k. A version higher than the current one becomes current and
// the previous current file is kept as `.v{N}.key`.
func (s *FileStore) Save(ctx context.Context, k *Key) error {
	if err := k.validate(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	blob, err := s.seal(k)
	if err != nil {
		return err
	}
	cur, err := s.open(s.currentPath(k.ID), k.ID, 0)
	switch {
	case errors.Is(err, encryption.ErrKeyNotFound):
		return s.writeAtomic(s.currentPath(k.ID), blob)
	case err != nil:
		return err
	}
	curVersion := cur.Version
	cur.Destroy()
	switch {
	case k.Version == curVersion:
		return s.writeAtomic(s.currentPath(k.ID), blob)
	case k.Version < curVersion:
		return s.writeAtomic(s.versionPath(k.ID, k.Version), blob)
	}
	// Keep the old current file as its version file first, so that a crash
	// in between never leaves the id without a current file.
	prev, err := os.ReadFile(s.currentPath(k.ID))
	if err != nil {
		return err
	}
	if err := s.writeAtomic(s.versionPath(k.ID, curVersion), prev); err != nil {
		return err
	}
	return s.writeAtomic(s.currentPath(k.ID), blob)
}

// Load reads and decrypts a key.
func (s *FileStore) Load(ctx context.Context, id string, version int) (*Key, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.open(s.currentPath(id), id, 0)
	if err != nil || version == 0 || k.Version == version {
		return k, err
	}
	k.Destroy()
	return s.open(s.versionPath(id, version), id, version)
}

// Versions lists the versions of id: the current file's and the `.v{N}`
// files'.
func (s *FileStore) Versions(ctx context.Context, id string) ([]int, error) {
	k, err := s.Load(ctx, id, 0)
	if err != nil {
		return nil, err
	}
	vs := []int{k.Version}
	k.Destroy()
	prefix := fileBase(id) + ".v"
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			if n, err := strconv.Atoi(strings.TrimSuffix(rest, keySuffix)); err == nil && strings.HasSuffix(rest, keySuffix) && n > 0 {
				vs = append(vs, n)
			}
		}
	}
	slices.Sort(vs)
	return slices.Compact(vs), nil
}

// IDs lists the ids of the current key files.
func (s *FileStore) IDs(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range entries {
		base, ok := strings.CutSuffix(e.Name(), keySuffix)
		if !ok || e.IsDir() || strings.Contains(base, ".") {
			continue
		}
		id, err := base64.URLEncoding.DecodeString(base)
		if err != nil || fileBase(string(id)) != base {
			continue // not a key file
		}
		ids = append(ids, string(id))
	}
	slices.Sort(ids)
	return ids, nil
}

// Delete overwrites every file of id with zeros, syncs it and removes it.
func (s *FileStore) Delete(ctx context.Context, id string) error {
	vs, err := s.Versions(ctx, id)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	paths := []string{s.currentPath(id)}
	for _, v := range vs {
		paths = append(paths, s.versionPath(id, v))
	}
	for _, p := range paths {
		if err := wipeFile(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

func wipeFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err == nil {
		_, err = f.WriteAt(make([]byte, st.Size()), 0)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Remove(path)
}
