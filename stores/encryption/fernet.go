package encryption

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// Fernet token layout (https://github.com/fernet/spec):
// version 0x80 | timestamp u64 BE | IV (16) | AES-128-CBC ciphertext | HMAC-SHA256 (32),
// base64url-encoded with padding.
const (
	fernetVersion  = 0x80
	fernetMaxSkew  = 60 * time.Second
	fernetOverhead = 1 + 8 + aes.BlockSize + sha256.Size
)

// FernetOptions tunes [FernetDecrypt]. The zero value accepts a token of any
// age, checks against the current time and allows the spec's 60 seconds of
// clock skew.
type FernetOptions struct {
	// TTL, when positive, rejects tokens older than TTL with ErrKeyExpired.
	TTL time.Duration
	// Now, when non-zero, replaces the current time.
	Now time.Time
}

// EncodeFernetKey returns the base64url text of a 32-byte Fernet key, the
// form the original and the Fernet spec store keys in.
func EncodeFernetKey(key []byte) string {
	return base64.URLEncoding.EncodeToString(key)
}

// DecodeFernetKey parses a base64url Fernet key (padding optional) into its 32
// bytes.
func DecodeFernetKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	key, err := base64.URLEncoding.DecodeString(s)
	if err != nil {
		key, err = base64.RawURLEncoding.DecodeString(s)
	}
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("%w: a fernet key is 32 bytes of base64url", ErrInvalidKey)
	}
	return key, nil
}

// FernetEncrypt returns the Fernet token (base64url text) of plaintext under
// the 32-byte key, with a random IV and the current time.
func FernetEncrypt(key, plaintext []byte) ([]byte, error) {
	var iv [aes.BlockSize]byte
	if _, err := rand.Read(iv[:]); err != nil {
		return nil, err
	}
	return fernetEncryptAt(key, plaintext, iv[:], time.Now())
}

func fernetEncryptAt(key, plaintext, iv []byte, now time.Time) ([]byte, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("%w: fernet takes a 32-byte key, got %d bytes", ErrInvalidKey, len(key))
	}
	block, err := aes.NewCipher(key[16:])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	pad := aes.BlockSize - len(plaintext)%aes.BlockSize
	ctLen := len(plaintext) + pad
	raw := make([]byte, 1+8+aes.BlockSize+ctLen, fernetOverhead+ctLen)
	raw[0] = fernetVersion
	binary.BigEndian.PutUint64(raw[1:9], uint64(now.Unix()))
	copy(raw[9:25], iv)
	ct := raw[25:]
	copy(ct, plaintext)
	for i := len(plaintext); i < ctLen; i++ {
		ct[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, ct)
	mac := hmac.New(sha256.New, key[:16])
	mac.Write(raw)
	raw = mac.Sum(raw)
	out := make([]byte, base64.URLEncoding.EncodedLen(len(raw)))
	base64.URLEncoding.Encode(out, raw)
	return out, nil
}

// FernetDecrypt verifies and decrypts a Fernet token under the 32-byte key. A
// token that is not base64url, too short, of another version or badly padded
// fails with [ErrFormat]; a wrong key or any changed byte with
// [ErrAuthentication]; a token older than opts.TTL, or stamped more than 60
// seconds in the future, with [ErrKeyExpired].
func FernetDecrypt(key, token []byte, opts *FernetOptions) ([]byte, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("%w: fernet takes a 32-byte key, got %d bytes", ErrInvalidKey, len(key))
	}
	var o FernetOptions
	if opts != nil {
		o = *opts
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	raw, err := decodeToken(token)
	if err != nil {
		return nil, fmt.Errorf("%w: fernet token is not base64url", ErrFormat)
	}
	if len(raw) > 0 && raw[0] != fernetVersion {
		return nil, fmt.Errorf("%w: fernet version 0x%02x", ErrFormat, raw[0])
	}
	if len(raw) < fernetOverhead {
		return nil, fmt.Errorf("%w: fernet token of %d bytes", ErrTruncated, len(raw))
	}
	if n := len(raw) - fernetOverhead; n == 0 || n%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: fernet ciphertext of %d bytes is not a positive multiple of the block size", ErrFormat, n)
	}
	body, tag := raw[:len(raw)-sha256.Size], raw[len(raw)-sha256.Size:]
	mac := hmac.New(sha256.New, key[:16])
	mac.Write(body)
	if subtle.ConstantTimeCompare(mac.Sum(nil), tag) != 1 {
		return nil, fmt.Errorf("%w: fernet token", ErrAuthentication)
	}
	ts := time.Unix(int64(binary.BigEndian.Uint64(body[1:9])), 0)
	if ts.Sub(now) > fernetMaxSkew {
		return nil, fmt.Errorf("%w: fernet token is stamped %v in the future", ErrKeyExpired, ts.Sub(now))
	}
	if o.TTL > 0 && now.Sub(ts) > o.TTL {
		return nil, fmt.Errorf("%w: fernet token is %v old, ttl %v", ErrKeyExpired, now.Sub(ts), o.TTL)
	}
	block, err := aes.NewCipher(key[16:])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	pt := make([]byte, len(body)-25)
	cipher.NewCBCDecrypter(block, body[9:25]).CryptBlocks(pt, body[25:])
	pad := int(pt[len(pt)-1])
	if pad == 0 || pad > aes.BlockSize {
		return nil, fmt.Errorf("%w: fernet padding", ErrFormat)
	}
	for _, b := range pt[len(pt)-pad:] {
		if int(b) != pad {
			return nil, fmt.Errorf("%w: fernet padding", ErrFormat)
		}
	}
	return pt[:len(pt)-pad], nil
}

// decodeToken decodes the base64url text of a Fernet token.
func decodeToken(token []byte) ([]byte, error) {
	return base64.URLEncoding.DecodeString(strings.TrimSpace(string(token)))
}
