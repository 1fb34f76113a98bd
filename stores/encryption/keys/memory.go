package keys

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/truthound/truthound-go/stores/encryption"
)

// MemoryStore keeps keys in memory, for tests and temporary keys. The zero
// value is ready to use.
type MemoryStore struct {
	mu   sync.Mutex
	keys map[string]map[int]*Key
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

// Save stores a copy of k.
func (s *MemoryStore) Save(_ context.Context, k *Key) error {
	if err := k.validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = map[string]map[int]*Key{}
	}
	vs := s.keys[k.ID]
	if vs == nil {
		vs = map[int]*Key{}
		s.keys[k.ID] = vs
	}
	if old := vs[k.Version]; old != nil {
		old.Destroy()
	}
	vs[k.Version] = k.Clone()
	return nil
}

// Load returns a copy of a stored key.
func (s *MemoryStore) Load(_ context.Context, id string, version int) (*Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	vs := s.keys[id]
	if len(vs) == 0 {
		return nil, fmt.Errorf("%w: %q", encryption.ErrKeyNotFound, id)
	}
	if version == 0 {
		for v := range vs {
			version = max(version, v)
		}
	}
	k := vs[version]
	if k == nil {
		return nil, fmt.Errorf("%w: %q version %d", encryption.ErrKeyNotFound, id, version)
	}
	return k.Clone(), nil
}

// Versions returns the stored versions of id.
func (s *MemoryStore) Versions(_ context.Context, id string) ([]int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	vs := s.keys[id]
	if len(vs) == 0 {
		return nil, fmt.Errorf("%w: %q", encryption.ErrKeyNotFound, id)
	}
	out := make([]int, 0, len(vs))
	for v := range vs {
		out = append(out, v)
	}
	slices.Sort(out)
	return out, nil
}

// IDs returns the stored key ids.
func (s *MemoryStore) IDs(context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.keys))
	for id := range s.keys {
		out = append(out, id)
	}
	slices.Sort(out)
	return out, nil
}

// Delete zeroes and removes every version of id.
func (s *MemoryStore) Delete(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	vs := s.keys[id]
	if len(vs) == 0 {
		return fmt.Errorf("%w: %q", encryption.ErrKeyNotFound, id)
	}
	for _, k := range vs {
		k.Destroy()
	}
	delete(s.keys, id)
	return nil
}
