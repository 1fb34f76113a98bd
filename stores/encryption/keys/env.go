package keys

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/truthound/truthound-go/stores/encryption"
)

// DefaultEnvPrefix is the prefix of the variables read by [EnvStore].
const DefaultEnvPrefix = "TRUTHOUND_KEY_"

// EnvStore reads keys from environment variables, for containers and CI: the
// key id "orders-2024" is the variable TRUTHOUND_KEY_ORDERS_2024 (upper case,
// every character other than A-Z, 0-9 and _ replaced by _). The value is the
// key material in hex or base64 (standard or URL alphabet, padded or not).
// Environment variables carry no algorithm or dates: every key has
// Algorithm, no creation time and no expiry.
//
// Versions: the variable holds the current version, whose number is in
// <VAR>_VERSION (1 when unset); older versions are in <VAR>_V<N>. Save and
// Delete change the environment of this process only.
type EnvStore struct {
	// Prefix is the variable name prefix; "" means DefaultEnvPrefix.
	Prefix string
	// Algorithm is the algorithm of every key; 0 means AES256GCM.
	Algorithm encryption.Algorithm

	mu sync.Mutex
}

var _ Store = (*EnvStore)(nil)

func (s *EnvStore) prefix() string {
	if s.Prefix == "" {
		return DefaultEnvPrefix
	}
	return s.Prefix
}

func (s *EnvStore) alg() encryption.Algorithm {
	if s.Algorithm == 0 {
		return encryption.AES256GCM
	}
	return s.Algorithm
}

// VarName returns the variable that holds the current version of id.
func (s *EnvStore) VarName(id string) string {
	var b strings.Builder
	b.WriteString(s.prefix())
	for _, r := range strings.ToUpper(id) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// decodeMaterial accepts hex or base64 of exactly size bytes.
func decodeMaterial(v string, size int) ([]byte, error) {
	v = strings.TrimSpace(v)
	if len(v) == 2*size {
		if b, err := hex.DecodeString(v); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(v); err == nil && len(b) == size {
			return b, nil
		}
	}
	return nil, fmt.Errorf("%w: not hex or base64 of %d bytes", encryption.ErrFormat, size)
}

func (s *EnvStore) currentVersion(name string) (int, error) {
	v, ok := os.LookupEnv(name + "_VERSION")
	if !ok || v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%w: %s_VERSION=%q", encryption.ErrFormat, name, v)
	}
	return n, nil
}

// Load reads a key from the environment.
func (s *EnvStore) Load(_ context.Context, id string, version int) (*Key, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := s.VarName(id)
	val, ok := os.LookupEnv(name)
	if !ok {
		return nil, fmt.Errorf("%w: %q (variable %s not set)", encryption.ErrKeyNotFound, id, name)
	}
	cur, err := s.currentVersion(name)
	if err != nil {
		return nil, err
	}
	if version != 0 && version != cur {
		if val, ok = os.LookupEnv(name + "_V" + strconv.Itoa(version)); !ok {
			return nil, fmt.Errorf("%w: %q version %d", encryption.ErrKeyNotFound, id, version)
		}
		cur = version
	}
	mat, err := decodeMaterial(val, s.alg().KeySize())
	if err != nil {
		return nil, fmt.Errorf("key %q: %w", id, err)
	}
	return &Key{ID: id, Version: cur, Algorithm: s.alg(), Type: DataKey, Material: mat}, nil
}

// Save sets the variables of k in this process's environment.
func (s *EnvStore) Save(_ context.Context, k *Key) error {
	if err := k.validate(); err != nil {
		return err
	}
	if k.Algorithm != s.alg() {
		return fmt.Errorf("%w: environment store holds %v keys, not %v", encryption.ErrInvalidAlgorithm, s.alg(), k.Algorithm)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := s.VarName(k.ID)
	val := base64.StdEncoding.EncodeToString(k.Material)
	old, exists := os.LookupEnv(name)
	cur, err := s.currentVersion(name)
	if err != nil {
		return err
	}
	switch {
	case exists && k.Version < cur:
		return os.Setenv(name+"_V"+strconv.Itoa(k.Version), val)
	case exists && k.Version > cur:
		if err := os.Setenv(name+"_V"+strconv.Itoa(cur), old); err != nil {
			return err
		}
	}
	if err := os.Setenv(name, val); err != nil {
		return err
	}
	return os.Setenv(name+"_VERSION", strconv.Itoa(k.Version))
}

// Versions lists the versions of id found in the environment.
func (s *EnvStore) Versions(_ context.Context, id string) ([]int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := s.VarName(id)
	if _, ok := os.LookupEnv(name); !ok {
		return nil, fmt.Errorf("%w: %q", encryption.ErrKeyNotFound, id)
	}
	cur, err := s.currentVersion(name)
	if err != nil {
		return nil, err
	}
	vs := []int{cur}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if rest, ok := strings.CutPrefix(k, name+"_V"); ok {
			if n, err := strconv.Atoi(rest); err == nil && n > 0 {
				vs = append(vs, n)
			}
		}
	}
	slices.Sort(vs)
	return slices.Compact(vs), nil
}

// IDs lists the key variables, as their upper-case id part.
func (s *EnvStore) IDs(context.Context) ([]string, error) {
	p := s.prefix()
	all := map[string]bool{}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if rest, ok := strings.CutPrefix(k, p); ok && rest != "" {
			all[rest] = true
		}
	}
	var ids []string
	for id := range all {
		if base, ok := strings.CutSuffix(id, "_VERSION"); ok && all[base] {
			continue
		}
		if i := strings.LastIndex(id, "_V"); i > 0 && all[id[:i]] {
			if _, err := strconv.Atoi(id[i+2:]); err == nil {
				continue
			}
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}

// Delete overwrites and unsets every variable of id.
func (s *EnvStore) Delete(ctx context.Context, id string) error {
	vs, err := s.Versions(ctx, id)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := s.VarName(id)
	names := []string{name, name + "_VERSION"}
	for _, v := range vs {
		names = append(names, name+"_V"+strconv.Itoa(v))
	}
	for _, n := range names {
		if v, ok := os.LookupEnv(n); ok {
			os.Setenv(n, strings.Repeat("0", len(v)))
			os.Unsetenv(n)
		}
	}
	return nil
}
