package encryption

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// originalCrypto returns the original's crypto fixtures folder, its key
// (key.hex) and plaintext.bin.
func originalCrypto(t *testing.T) (dir string, key, plain []byte) {
	t.Helper()
	dir = filepath.Join(sharedTestdata(t), "upstream", "crypto")
	kh, err := os.ReadFile(filepath.Join(dir, "key.hex"))
	if err != nil {
		t.Fatal(err)
	}
	if key, err = hex.DecodeString(strings.TrimSpace(string(kh))); err != nil {
		t.Fatal(err)
	}
	if plain, err = os.ReadFile(filepath.Join(dir, "plaintext.bin")); err != nil {
		t.Fatal(err)
	}
	return dir, key, plain
}

func readFixture(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOriginalFixtures opens every fixture of the original that this part of
// the package reads and checks it yields plaintext.bin; then checks that
// every single-byte change of each is rejected.
func TestOriginalFixtures(t *testing.T) {
	dir, key, plain := originalCrypto(t)
	fernetKey, err := DecodeFernetKey(string(readFixture(t, dir, "fernet.key")))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file string
		open func(b []byte) ([]byte, error)
	}{
		{"aesgcm.bin", func(b []byte) ([]byte, error) { return Decrypt(AES256GCM, key, b, nil) }},
		{"chacha.bin", func(b []byte) ([]byte, error) { return Decrypt(ChaCha20Poly1305, key, b, nil) }},
		{"fernet.bin", func(b []byte) ([]byte, error) { return Decrypt(Fernet, fernetKey, b, nil) }},
		{"pipeline.bin", func(b []byte) ([]byte, error) {
			r, err := NewPipeline().Encrypt(AES256GCM, key).Reverse(b)
			if err != nil {
				return nil, err
			}
			return r.Data, nil
		}},
		{"envelope.bin", func(b []byte) ([]byte, error) {
			return (&Envelope{KEK: KEK{ID: "kek", Key: key}}).Decrypt(b, nil)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			b := readFixture(t, dir, tc.file)
			got, err := tc.open(b)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			if !bytes.Equal(got, plain) {
				t.Fatalf("got %d bytes, want plaintext.bin (%d bytes)", len(got), len(plain))
			}
			for i := range b {
				m := bytes.Clone(b)
				m[i] ^= 0x01
				if out, err := tc.open(m); err == nil && !(tc.file == "fernet.bin" && bytes.Equal(out, plain) && base64Equivalent(b, m)) {
					t.Fatalf("byte %d changed: opened without error", i)
				} else if err != nil && !typed(err) {
					t.Fatalf("byte %d changed: untyped error %v", i, err)
				}
			}
			for _, n := range []int{0, 1, len(b) / 2, len(b) - 1} {
				if _, err := tc.open(b[:n]); err == nil || !typed(err) {
					t.Fatalf("cut to %d bytes: %v", n, err)
				}
			}
		})
	}
}

// base64Equivalent reports whether two Fernet tokens decode to the same bytes
// (flipping the low bit of a base64 padding-adjacent character can leave the
// decoded bytes unchanged, and such a token is the same token).
func base64Equivalent(a, b []byte) bool {
	da, err1 := decodeToken(a)
	db, err2 := decodeToken(b)
	return err1 == nil && err2 == nil && bytes.Equal(da, db)
}

// typed reports whether err wraps one of the package's sentinels.
func typed(err error) bool {
	for _, s := range []error{ErrAuthentication, ErrTruncated, ErrFormat, ErrCorrupt, ErrInvalidKDF,
		ErrInvalidOption, ErrKeyNotFound, ErrKeyExpired, ErrTooLarge, ErrInvalidAlgorithm, ErrInvalidKey} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

func TestOriginalFixturesWrongKey(t *testing.T) {
	dir, key, _ := originalCrypto(t)
	wrong := bytes.Clone(key)
	wrong[0] ^= 1
	if _, err := Decrypt(AES256GCM, wrong, readFixture(t, dir, "aesgcm.bin"), nil); !errors.Is(err, ErrAuthentication) {
		t.Errorf("aesgcm.bin, wrong key: %v", err)
	}
	if _, err := NewPipeline().Encrypt(AES256GCM, wrong).Reverse(readFixture(t, dir, "pipeline.bin")); !errors.Is(err, ErrAuthentication) {
		t.Errorf("pipeline.bin, wrong key: %v", err)
	}
	env := readFixture(t, dir, "envelope.bin")
	if _, err := (&Envelope{KEK: KEK{ID: "kek", Key: wrong}}).Decrypt(env, nil); !errors.Is(err, ErrAuthentication) {
		t.Errorf("envelope.bin, wrong KEK: %v", err)
	}
	if _, err := (&Envelope{KEK: KEK{ID: "other", Key: key}}).Decrypt(env, nil); !errors.Is(err, ErrKeyNotFound) {
		t.Errorf("envelope.bin, other KEK id: %v", err)
	}
	h, err := ParseEnvelopeHeader(env)
	if err != nil || !h.Original || h.KEKID != "kek" || h.Algorithm != AES256GCM {
		t.Errorf("envelope.bin header: %+v, %v", h, err)
	}
}
