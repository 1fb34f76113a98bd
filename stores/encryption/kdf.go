package encryption

import (
	"crypto/hkdf"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/scrypt"
)

// KDF names a key-derivation function. The numeric values are written in our
// headers and are permanent.
type KDF uint8

// The supported key-derivation functions.
const (
	Argon2id     KDF = 1
	PBKDF2SHA256 KDF = 2
	PBKDF2SHA512 KDF = 3
	Scrypt       KDF = 4
	HKDFSHA256   KDF = 5
)

var kdfNames = map[KDF]string{
	Argon2id:     "argon2id",
	PBKDF2SHA256: "pbkdf2-sha256",
	PBKDF2SHA512: "pbkdf2-sha512",
	Scrypt:       "scrypt",
	HKDFSHA256:   "hkdf-sha256",
}

// String returns the KDF's name, for example "argon2id".
func (k KDF) String() string {
	if n, ok := kdfNames[k]; ok {
		return n
	}
	return fmt.Sprintf("KDF(%d)", uint8(k))
}

// ParseKDF parses a KDF name as returned by [KDF.String]; case and "_" for "-"
// are accepted.
func ParseKDF(s string) (KDF, error) {
	norm := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", "-"))
	for k, n := range kdfNames {
		if n == norm || strings.ReplaceAll(n, "-", "") == norm {
			return k, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown kdf %q", ErrInvalidKDF, s)
}

// Defaults of the original (FORMATS.md §7).
const (
	// DefaultSaltSize is the length of the random salt drawn when none is given.
	DefaultSaltSize = 16
	// DefaultHKDFInfo is the HKDF info string of the original.
	DefaultHKDFInfo = "truthound-encryption"
)

// KDFParams are the cost parameters of a key derivation. A zero field takes
// the original's default for the KDF (see [DefaultKDFParams]).
type KDFParams struct {
	// Iterations is the Argon2 time cost t or the PBKDF2 iteration count.
	Iterations uint32
	// MemoryKiB is the Argon2 memory cost in KiB.
	MemoryKiB uint32
	// Parallelism is the Argon2 lane count p.
	Parallelism uint8
	// ScryptN, ScryptR and ScryptP are scrypt's cost parameters.
	ScryptN, ScryptR, ScryptP uint32
	// Info is the HKDF info; nil means [DefaultHKDFInfo] (a non-nil empty
	// slice is an empty info).
	Info []byte
	// KeyLen is the derived key length; 0 means 32.
	KeyLen int
}

// DefaultKDFParams returns the original's parameters for k: Argon2id t=3,
// m=65536 KiB, p=4; PBKDF2-SHA256 600,000 iterations; PBKDF2-SHA512 210,000
// iterations (OWASP's figure; the original's doc gives none); scrypt N=2^14,
// r=8, p=1; HKDF-SHA256 info "truthound-encryption"; 32-byte keys.
func DefaultKDFParams(k KDF) KDFParams {
	p := KDFParams{KeyLen: 32}
	switch k {
	case Argon2id:
		p.Iterations, p.MemoryKiB, p.Parallelism = 3, 65536, 4
	case PBKDF2SHA256:
		p.Iterations = 600_000
	case PBKDF2SHA512:
		p.Iterations = 210_000
	case Scrypt:
		p.ScryptN, p.ScryptR, p.ScryptP = 1<<14, 8, 1
	case HKDFSHA256:
		p.Info = []byte(DefaultHKDFInfo)
	}
	return p
}

// withDefaults fills the zero fields of p from DefaultKDFParams(k).
func (p KDFParams) withDefaults(k KDF) KDFParams {
	d := DefaultKDFParams(k)
	if p.Iterations == 0 {
		p.Iterations = d.Iterations
	}
	if p.MemoryKiB == 0 {
		p.MemoryKiB = d.MemoryKiB
	}
	if p.Parallelism == 0 {
		p.Parallelism = d.Parallelism
	}
	if p.ScryptN == 0 {
		p.ScryptN = d.ScryptN
	}
	if p.ScryptR == 0 {
		p.ScryptR = d.ScryptR
	}
	if p.ScryptP == 0 {
		p.ScryptP = d.ScryptP
	}
	if p.Info == nil {
		p.Info = d.Info
	}
	if p.KeyLen == 0 {
		p.KeyLen = d.KeyLen
	}
	return p
}

// Limits that keep a hostile header from asking for unbounded work.
const (
	maxKDFKeyLen     = 1024
	maxArgon2Memory  = 1 << 20 // KiB, 1 GiB
	maxIterations    = 100_000_000
	maxScryptProduct = 1 << 30 // N*r*128 bytes
)

func (p KDFParams) validate(k KDF) error {
	if p.KeyLen < 1 || (k != HKDFSHA256 && p.KeyLen > maxKDFKeyLen) {
		return fmt.Errorf("%w: key length %d", ErrInvalidKDF, p.KeyLen)
	}
	switch k {
	case Argon2id:
		if p.Iterations > 1<<16 || p.MemoryKiB > maxArgon2Memory || p.MemoryKiB < 8*uint32(p.Parallelism) {
			return fmt.Errorf("%w: argon2id t=%d m=%d p=%d", ErrInvalidKDF, p.Iterations, p.MemoryKiB, p.Parallelism)
		}
	case PBKDF2SHA256, PBKDF2SHA512:
		if p.Iterations > maxIterations {
			return fmt.Errorf("%w: %v iterations %d", ErrInvalidKDF, k, p.Iterations)
		}
	case Scrypt:
		n := uint64(p.ScryptN)
		if n < 2 || n&(n-1) != 0 || n*uint64(p.ScryptR)*128 > maxScryptProduct || uint64(p.ScryptR)*uint64(p.ScryptP) >= 1<<30 {
			return fmt.Errorf("%w: scrypt N=%d r=%d p=%d", ErrInvalidKDF, p.ScryptN, p.ScryptR, p.ScryptP)
		}
	case HKDFSHA256:
		if p.KeyLen > 255*sha256.Size {
			return fmt.Errorf("%w: hkdf-sha256 output of %d bytes", ErrInvalidKDF, p.KeyLen)
		}
	default:
		return fmt.Errorf("%w: %v", ErrInvalidKDF, k)
	}
	return nil
}

// DeriveKey derives a key from password with kdf. When salt is nil a random
// [DefaultSaltSize]-byte salt is drawn (a non-nil empty salt is used as
// given, as the RFC vectors need); the salt used is returned so it can
// be stored next to the data. params may be nil: zero fields take the
// original's defaults, so DeriveKey("pw", salt, Argon2id, nil) gives the key
// the original derives. Parameters beyond sane bounds (for example 2 GiB of
// Argon2 memory) fail with [ErrInvalidKDF].
func DeriveKey(password, salt []byte, kdf KDF, params *KDFParams) (key, usedSalt []byte, err error) {
	var p KDFParams
	if params != nil {
		p = *params
	}
	p = p.withDefaults(kdf)
	if err := p.validate(kdf); err != nil {
		return nil, nil, err
	}
	if salt == nil {
		salt = make([]byte, DefaultSaltSize)
		if _, err := rand.Read(salt); err != nil {
			return nil, nil, err
		}
	}
	switch kdf {
	case Argon2id:
		key = argon2.IDKey(password, salt, p.Iterations, p.MemoryKiB, p.Parallelism, uint32(p.KeyLen))
	case PBKDF2SHA256:
		key, err = pbkdf2.Key(sha256.New, string(password), salt, int(p.Iterations), p.KeyLen)
	case PBKDF2SHA512:
		key, err = pbkdf2.Key(sha512.New, string(password), salt, int(p.Iterations), p.KeyLen)
	case Scrypt:
		key, err = scrypt.Key(password, salt, int(p.ScryptN), int(p.ScryptR), int(p.ScryptP), p.KeyLen)
	case HKDFSHA256:
		key, err = hkdf.Key(sha256.New, password, salt, string(p.Info), p.KeyLen)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v: %v", ErrInvalidKDF, kdf, err)
	}
	return key, salt, nil
}
