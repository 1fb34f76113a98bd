package encryption

import (
	"crypto/rand"
	"fmt"
)

// GenerateKey returns a new random key for algorithm a, of [Algorithm.KeySize]
// bytes. For [Fernet] the 32 bytes are the signing key followed by the
// encryption key; [EncodeFernetKey] gives the usual base64url form.
func GenerateKey(a Algorithm) ([]byte, error) {
	n := a.KeySize()
	if n == 0 {
		return nil, fmt.Errorf("%w: %v", ErrInvalidAlgorithm, a)
	}
	key := make([]byte, n)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return key, nil
}

// Encrypt encrypts plaintext with algorithm a and key, and returns the raw blob
// the original writes: nonce || ciphertext || tag, with a fresh random nonce.
// aad, which may be nil, is authenticated but not encrypted. For [Fernet] the
// result is a Fernet token (its base64url text) and aad must be empty.
func Encrypt(a Algorithm, key, plaintext, aad []byte) ([]byte, error) {
	if a == Fernet {
		if len(aad) != 0 {
			return nil, fmt.Errorf("%w: fernet takes no associated data", ErrInvalidOption)
		}
		return FernetEncrypt(key, plaintext)
	}
	aead, err := NewAEAD(a, key)
	if err != nil {
		return nil, err
	}
	ns := aead.NonceSize()
	out := make([]byte, ns, ns+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		return nil, err
	}
	return aead.Seal(out, out[:ns], plaintext, aad), nil
}

// Decrypt opens a raw blob nonce || ciphertext || tag written by [Encrypt] or
// by the original. It fails with [ErrTruncated] when the blob is shorter than
// a nonce and a tag, and with [ErrAuthentication] when the key, the associated
// data or any byte is wrong. For [Fernet] blob is a token and aad must be
// empty; the token's age is not checked (see [FernetDecrypt]).
func Decrypt(a Algorithm, key, blob, aad []byte) ([]byte, error) {
	if a == Fernet {
		if len(aad) != 0 {
			return nil, fmt.Errorf("%w: fernet takes no associated data", ErrInvalidOption)
		}
		return FernetDecrypt(key, blob, nil)
	}
	aead, err := NewAEAD(a, key)
	if err != nil {
		return nil, err
	}
	ns := aead.NonceSize()
	if len(blob) < ns+aead.Overhead() {
		return nil, fmt.Errorf("%w: %v blob of %d bytes is shorter than nonce and tag (%d)",
			ErrTruncated, a, len(blob), ns+aead.Overhead())
	}
	pt, err := aead.Open(nil, blob[:ns], blob[ns:], aad)
	if err != nil {
		return nil, fmt.Errorf("%w: %v blob", ErrAuthentication, a)
	}
	return pt, nil
}

// zero overwrites b with zeros.
func zero(b []byte) {
	clear(b)
}
