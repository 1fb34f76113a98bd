package encryption

import (
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// Algorithm names an encryption algorithm. The numeric values are written to
// disk in our headers and are permanent: a retired value is never reused.
type Algorithm uint8

// The supported algorithms.
const (
	AES128GCM         Algorithm = 1
	AES256GCM         Algorithm = 2
	ChaCha20Poly1305  Algorithm = 3
	XChaCha20Poly1305 Algorithm = 4
	Fernet            Algorithm = 5
)

var algorithmNames = map[Algorithm]string{
	AES128GCM:         "aes-128-gcm",
	AES256GCM:         "aes-256-gcm",
	ChaCha20Poly1305:  "chacha20-poly1305",
	XChaCha20Poly1305: "xchacha20-poly1305",
	Fernet:            "fernet",
}

// String returns the algorithm's name as the original spells it, for example
// "aes-256-gcm".
func (a Algorithm) String() string {
	if n, ok := algorithmNames[a]; ok {
		return n
	}
	return fmt.Sprintf("Algorithm(%d)", uint8(a))
}

// ParseAlgorithm parses an algorithm name as returned by [Algorithm.String].
// Case, "_" for "-", and the forms "aes256gcm", "chacha20" and "xchacha20" are
// accepted.
func ParseAlgorithm(s string) (Algorithm, error) {
	norm := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", "-"))
	switch strings.ReplaceAll(norm, "-", "") {
	case "aes128gcm":
		return AES128GCM, nil
	case "aes256gcm", "aesgcm":
		return AES256GCM, nil
	case "chacha20poly1305", "chacha20":
		return ChaCha20Poly1305, nil
	case "xchacha20poly1305", "xchacha20":
		return XChaCha20Poly1305, nil
	case "fernet":
		return Fernet, nil
	}
	return 0, fmt.Errorf("%w: unknown algorithm %q", ErrInvalidAlgorithm, s)
}

// KeySize returns the key length in bytes that a takes.
func (a Algorithm) KeySize() int {
	switch a {
	case AES128GCM:
		return 16
	case AES256GCM, ChaCha20Poly1305, XChaCha20Poly1305, Fernet:
		return 32
	}
	return 0
}

// NonceSize returns the nonce length in bytes of an AEAD algorithm, and 0 for
// Fernet, which carries its own IV in the token.
func (a Algorithm) NonceSize() int {
	switch a {
	case AES128GCM, AES256GCM, ChaCha20Poly1305:
		return 12
	case XChaCha20Poly1305:
		return 24
	}
	return 0
}

// IsAEAD reports whether a is an AEAD usable through [NewAEAD].
func (a Algorithm) IsAEAD() bool { return a.NonceSize() != 0 }

// ErrInvalidAlgorithm is returned for an unknown algorithm or one that cannot
// be used where it was asked for.
var ErrInvalidAlgorithm = errors.New("encryption: invalid algorithm")

// ErrInvalidKey is returned when a key has the wrong length for its algorithm.
var ErrInvalidKey = errors.New("encryption: invalid key")

// NewAEAD returns the cipher.AEAD of algorithm a keyed with key: AES-GCM with
// a 12-byte nonce and 16-byte tag, ChaCha20-Poly1305, or the real
// XChaCha20-Poly1305 of draft-irtf-cfrg-xchacha (24-byte nonce).
func NewAEAD(a Algorithm, key []byte) (cipher.AEAD, error) {
	if !a.IsAEAD() {
		return nil, fmt.Errorf("%w: %v is not an AEAD", ErrInvalidAlgorithm, a)
	}
	if len(key) != a.KeySize() {
		return nil, fmt.Errorf("%w: %v takes a %d-byte key, got %d bytes", ErrInvalidKey, a, a.KeySize(), len(key))
	}
	switch a {
	case AES128GCM, AES256GCM:
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
		}
		return cipher.NewGCM(block)
	case ChaCha20Poly1305:
		return chacha20poly1305.New(key)
	default:
		return chacha20poly1305.NewX(key)
	}
}
