package keys

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/truthound/truthound-go/stores/encryption"
)

// Op names a key-manager operation in an audit [Event].
type Op uint8

// Key-manager operations.
const (
	OpCreate Op = iota + 1
	OpGet
	OpRotate
	OpList
	OpDelete
)

var opNames = map[Op]string{OpCreate: "create", OpGet: "get", OpRotate: "rotate", OpList: "list", OpDelete: "delete"}

// String returns the operation's name, for example "rotate".
func (o Op) String() string {
	if n, ok := opNames[o]; ok {
		return n
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// Event is one audited key-manager operation. It never holds key material.
type Event struct {
	Time    time.Time
	Op      Op
	KeyID   string // empty for OpList
	Version int    // the version created, read or rotated to; 0 if none
	// Auto is set on the OpRotate event of a rotation that Get triggered
	// because the key was older than ManagerOptions.AutoRotateAfter.
	Auto bool
	Err  error
}

// ManagerOptions configures a [Manager]. The zero value works: AES-256-GCM
// keys that never expire and are never rotated automatically, and rotated
// versions that stay usable for decryption.
type ManagerOptions struct {
	// Algorithm of keys created without one; 0 means AES256GCM.
	Algorithm encryption.Algorithm
	// TTL is the lifetime of new keys and versions; 0 means no expiry.
	TTL time.Duration
	// AutoRotateAfter makes Get rotate a current key older than this; 0
	// disables automatic rotation (the original's auto_rotate_days).
	AutoRotateAfter time.Duration
	// RotationOverlap is how long a version stays usable for decryption
	// after it is rotated out; 0 means until its own expiry, if any.
	RotationOverlap time.Duration
	// Audit, if set, is called after every operation, successful or not.
	Audit func(Event)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// CreateOptions are the per-key settings of [Manager.Create]; nil means the
// manager's defaults.
type CreateOptions struct {
	Algorithm encryption.Algorithm // 0: ManagerOptions.Algorithm
	Type      Type                 // 0: DataKey
	TTL       time.Duration        // 0: ManagerOptions.TTL
	Metadata  map[string]string
}

// Manager creates, fetches, rotates, lists and deletes versioned keys in a
// [Store]. It is safe for concurrent use. Keys it returns are copies the
// caller owns (and should Destroy when done).
type Manager struct {
	store Store
	opts  ManagerOptions
	mu    sync.Mutex
}

// NewManager returns a Manager over store. opts may be nil.
func NewManager(store Store, opts *ManagerOptions) (*Manager, error) {
	var o ManagerOptions
	if opts != nil {
		o = *opts
	}
	if store == nil {
		return nil, fmt.Errorf("%w: nil key store", encryption.ErrInvalidOption)
	}
	if o.Algorithm == 0 {
		o.Algorithm = encryption.AES256GCM
	}
	if o.Algorithm.KeySize() == 0 {
		return nil, fmt.Errorf("%w: %v", encryption.ErrInvalidAlgorithm, o.Algorithm)
	}
	if o.TTL < 0 || o.AutoRotateAfter < 0 || o.RotationOverlap < 0 {
		return nil, fmt.Errorf("%w: negative duration", encryption.ErrInvalidOption)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Manager{store: store, opts: o}, nil
}

// Store returns the manager's key store.
func (m *Manager) Store() Store { return m.store }

func (m *Manager) audit(op Op, id string, version int, auto bool, err error) {
	if m.opts.Audit != nil {
		m.opts.Audit(Event{Time: m.opts.Now(), Op: op, KeyID: id, Version: version, Auto: auto, Err: err})
	}
}

// Create makes version 1 of a new key id. It fails with ErrKeyExists if the id
// is taken.
func (m *Manager) Create(ctx context.Context, id string, opts *CreateOptions) (k *Key, err error) {
	defer func() { m.audit(OpCreate, id, version(k), false, err) }()
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	var o CreateOptions
	if opts != nil {
		o = *opts
	}
	if o.Algorithm == 0 {
		o.Algorithm = m.opts.Algorithm
	}
	if o.Type == 0 {
		o.Type = DataKey
	}
	if o.TTL == 0 {
		o.TTL = m.opts.TTL
	}
	if o.TTL < 0 {
		return nil, fmt.Errorf("%w: negative TTL", encryption.ErrInvalidOption)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, err := m.store.Versions(ctx, id); err == nil {
		return nil, fmt.Errorf("%w: %q", ErrKeyExists, id)
	} else if !errors.Is(err, encryption.ErrKeyNotFound) {
		return nil, err
	}
	mat, err := encryption.GenerateKey(o.Algorithm)
	if err != nil {
		return nil, err
	}
	now := m.opts.Now().UTC()
	nk := &Key{ID: id, Version: 1, Algorithm: o.Algorithm, Type: o.Type, Material: mat, CreatedAt: now, Metadata: o.Metadata}
	if o.TTL > 0 {
		nk.ExpiresAt = now.Add(o.TTL)
	}
	if err := m.store.Save(ctx, nk); err != nil {
		nk.Destroy()
		return nil, err
	}
	return nk, nil
}

func version(k *Key) int {
	if k == nil {
		return 0
	}
	return k.Version
}

// Get returns the current version of id for encrypting. It fails with
// ErrKeyExpired for an expired key. With AutoRotateAfter set, a key older
// than that is rotated first and the new version returned.
func (m *Manager) Get(ctx context.Context, id string) (k *Key, err error) {
	defer func() { m.audit(OpGet, id, version(k), false, err) }()
	k, err = m.store.Load(ctx, id, 0)
	if err != nil {
		return nil, err
	}
	now := m.opts.Now()
	if m.opts.AutoRotateAfter > 0 && !k.CreatedAt.IsZero() && !now.Before(k.CreatedAt.Add(m.opts.AutoRotateAfter)) {
		k.Destroy()
		return m.rotate(ctx, id, true)
	}
	if k.Expired(now) {
		k.Destroy()
		return nil, fmt.Errorf("%w: %q version %d expired", encryption.ErrKeyExpired, id, version(k))
	}
	return k, nil
}

// GetVersion returns a given version of id, to decrypt data written under
// it; 0 means the current version. A version rotated out more than
// RotationOverlap ago, or past its expiry, fails with ErrKeyExpired.
func (m *Manager) GetVersion(ctx context.Context, id string, v int) (k *Key, err error) {
	defer func() { m.audit(OpGet, id, version(k), false, err) }()
	k, err = m.store.Load(ctx, id, v)
	if err != nil {
		return nil, err
	}
	if k.Expired(m.opts.Now()) {
		k.Destroy()
		return nil, fmt.Errorf("%w: %q version %d expired", encryption.ErrKeyExpired, id, version(k))
	}
	return k, nil
}

// Rotate makes a new current version of id with fresh material, the same
// algorithm, type and metadata, and the same lifetime. The previous version
// stays in the store for decryption; with RotationOverlap set it expires
// that long after the rotation.
func (m *Manager) Rotate(ctx context.Context, id string) (*Key, error) {
	return m.rotate(ctx, id, false)
}

func (m *Manager) rotate(ctx context.Context, id string, auto bool) (k *Key, err error) {
	defer func() { m.audit(OpRotate, id, version(k), auto, err) }()
	m.mu.Lock()
	defer m.mu.Unlock()
	old, err := m.store.Load(ctx, id, 0)
	if err != nil {
		return nil, err
	}
	defer old.Destroy()
	now := m.opts.Now().UTC()
	if auto && now.Before(old.CreatedAt.Add(m.opts.AutoRotateAfter)) {
		// Another caller rotated it while we waited for the lock.
		return old.Clone(), nil
	}
	mat, err := encryption.GenerateKey(old.Algorithm)
	if err != nil {
		return nil, err
	}
	nk := old.Clone()
	clear(nk.Material)
	nk.Material, nk.Version, nk.CreatedAt, nk.ExpiresAt = mat, old.Version+1, now, time.Time{}
	switch {
	case m.opts.TTL > 0:
		nk.ExpiresAt = now.Add(m.opts.TTL)
	case !old.ExpiresAt.IsZero() && !old.CreatedAt.IsZero():
		nk.ExpiresAt = now.Add(old.ExpiresAt.Sub(old.CreatedAt))
	}
	if err := m.store.Save(ctx, nk); err != nil {
		nk.Destroy()
		return nil, err
	}
	if m.opts.RotationOverlap > 0 {
		end := now.Add(m.opts.RotationOverlap)
		if old.ExpiresAt.IsZero() || end.Before(old.ExpiresAt) {
			old.ExpiresAt = end
			if err := m.store.Save(ctx, old); err != nil {
				return nk, fmt.Errorf("keys: rotated %q to version %d but could not set the overlap of version %d: %w", id, nk.Version, old.Version, err)
			}
		}
	}
	return nk, nil
}

// Info describes a key without its material.
type Info struct {
	ID        string
	Version   int   // current version
	Versions  []int // every stored version, ascending
	Algorithm encryption.Algorithm
	Type      Type
	CreatedAt time.Time
	ExpiresAt time.Time
}

// List describes every key in the store, sorted by id.
func (m *Manager) List(ctx context.Context) (out []Info, err error) {
	defer func() { m.audit(OpList, "", 0, false, err) }()
	ids, err := m.store.IDs(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		k, err := m.store.Load(ctx, id, 0)
		if err != nil {
			return nil, err
		}
		vs, err := m.store.Versions(ctx, id)
		if err != nil {
			k.Destroy()
			return nil, err
		}
		out = append(out, Info{ID: id, Version: k.Version, Versions: vs, Algorithm: k.Algorithm, Type: k.Type, CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt})
		k.Destroy()
	}
	return out, nil
}

// Delete removes every version of id; the store overwrites the material.
func (m *Manager) Delete(ctx context.Context, id string) (err error) {
	defer func() { m.audit(OpDelete, id, 0, false, err) }()
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.store.Delete(ctx, id)
}
