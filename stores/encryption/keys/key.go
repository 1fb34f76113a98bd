// Package keys manages encryption keys for the truthound stores: a [Manager]
// that creates, fetches, rotates, lists and deletes versioned keys with
// expiry, automatic rotation by age, a rotation overlap and an audit hook,
// over a [Store]: [MemoryStore], [FileStore] (the original's on-disk format,
// under a master key or a master password) or [EnvStore] (environment
// variables TRUTHOUND_KEY_<ID>).
//
// Key material is never printed: [Key.String] and the %v verbs show the id,
// version and algorithm only. Call [Key.Destroy] when a key is no longer
// needed; stores overwrite material they delete.
package keys

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/truthound/truthound-go/stores/encryption"
)

// Errors of the package besides the encryption sentinels it reuses
// (encryption.ErrKeyNotFound, ErrKeyExpired, ErrAuthentication, ErrFormat,
// ErrInvalidOption).
var (
	// ErrKeyExists is returned when creating a key whose id is taken.
	ErrKeyExists = errors.New("keys: key already exists")
	// ErrInvalidKeyID is returned for an empty or over-long key id.
	ErrInvalidKeyID = errors.New("keys: invalid key id")
)

// MaxKeyIDLen is the longest key id accepted, in bytes; it keeps the
// file names of [FileStore] within 255 bytes.
const MaxKeyIDLen = 180

// ValidateID reports whether id can name a key: 1 to MaxKeyIDLen bytes, with
// no control characters.
func ValidateID(id string) error {
	if id == "" || len(id) > MaxKeyIDLen {
		return fmt.Errorf("%w: %q must be 1 to %d bytes", ErrInvalidKeyID, id, MaxKeyIDLen)
	}
	if strings.ContainsFunc(id, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return fmt.Errorf("%w: %q contains control characters", ErrInvalidKeyID, id)
	}
	return nil
}

// Type is the role of a key. The names are the original's key_type values.
type Type uint8

// Key types.
const (
	// DataKey encrypts data (the original's "dek"); the default.
	DataKey Type = iota + 1
	// KeyEncryptionKey wraps other keys ("kek").
	KeyEncryptionKey
	// MasterKey protects a key store ("master").
	MasterKey
)

var typeNames = map[Type]string{DataKey: "dek", KeyEncryptionKey: "kek", MasterKey: "master"}

// String returns the original's name of t: "dek", "kek" or "master".
func (t Type) String() string {
	if n, ok := typeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// ParseType parses a name returned by [Type.String].
func ParseType(s string) (Type, error) {
	for t, n := range typeNames {
		if strings.EqualFold(s, n) {
			return t, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown key type %q", encryption.ErrInvalidOption, s)
}

// Key is one version of a key.
type Key struct {
	ID        string
	Version   int
	Algorithm encryption.Algorithm
	Type      Type
	// Material is the secret key. Fernet keys hold the 32 raw bytes (see
	// encryption.EncodeFernetKey for the text form).
	Material  []byte
	CreatedAt time.Time
	// ExpiresAt is the zero time for a key that does not expire.
	ExpiresAt time.Time
	Metadata  map[string]string
}

// Expired reports whether k has an expiry at or before now.
func (k *Key) Expired(now time.Time) bool {
	return !k.ExpiresAt.IsZero() && !now.Before(k.ExpiresAt)
}

// String describes k without its material.
func (k Key) String() string {
	return fmt.Sprintf("key %q v%d (%v, %v)", k.ID, k.Version, k.Algorithm, k.Type)
}

// GoString describes k without its material, for %#v.
func (k Key) GoString() string { return k.String() }

// Format prints k without its material for every verb.
func (k Key) Format(f fmt.State, _ rune) { fmt.Fprint(f, k.String()) }

// Destroy overwrites the key material with zeros.
func (k *Key) Destroy() {
	if k != nil {
		clear(k.Material)
	}
}

// Clone returns a deep copy of k.
func (k *Key) Clone() *Key {
	c := *k
	c.Material = append([]byte(nil), k.Material...)
	if k.Metadata != nil {
		c.Metadata = make(map[string]string, len(k.Metadata))
		for a, b := range k.Metadata {
			c.Metadata[a] = b
		}
	}
	return &c
}

func (k *Key) validate() error {
	if err := ValidateID(k.ID); err != nil {
		return err
	}
	if k.Version < 1 {
		return fmt.Errorf("%w: key %q version %d", encryption.ErrInvalidOption, k.ID, k.Version)
	}
	if k.Algorithm.KeySize() == 0 {
		return fmt.Errorf("%w: key %q algorithm %v", encryption.ErrInvalidAlgorithm, k.ID, k.Algorithm)
	}
	if len(k.Material) != k.Algorithm.KeySize() {
		return fmt.Errorf("%w: key %q has %d bytes of material, %v takes %d", encryption.ErrInvalidKey, k.ID, len(k.Material), k.Algorithm, k.Algorithm.KeySize())
	}
	return nil
}

// Store keeps keys. Implementations are safe for concurrent use. Every method
// returns an error wrapping encryption.ErrKeyNotFound for an unknown id or
// version.
type Store interface {
	// Save stores k under (k.ID, k.Version), replacing that version if it
	// exists. The highest version saved is the current one.
	Save(ctx context.Context, k *Key) error
	// Load returns version of id, or the current version when version is 0.
	Load(ctx context.Context, id string, version int) (*Key, error)
	// Versions returns the stored versions of id in ascending order.
	Versions(ctx context.Context, id string) ([]int, error)
	// IDs returns the ids of all keys, sorted.
	IDs(ctx context.Context) ([]string, error)
	// Delete removes every version of id, overwriting the material first.
	Delete(ctx context.Context, id string) error
}
