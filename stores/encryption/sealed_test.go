package encryption

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"testing"
)

// cheapKDF keeps password tests fast; the defaults are pinned by
// TestKDFCheckValues.
var cheapKDF = &KDFParams{Iterations: 1, MemoryKiB: 64, Parallelism: 1}

func sealKey(t testing.TB, a Algorithm) []byte {
	t.Helper()
	k, err := GenerateKey(a)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestRawRoundTripAllAlgorithms(t *testing.T) {
	for _, a := range []Algorithm{AES128GCM, AES256GCM, ChaCha20Poly1305, XChaCha20Poly1305, Fernet} {
		t.Run(a.String(), func(t *testing.T) {
			key := sealKey(t, a)
			if len(key) != a.KeySize() {
				t.Fatalf("key of %d bytes", len(key))
			}
			for _, n := range []int{0, 1, 15, 16, 17, 1000} {
				pt := make([]byte, n)
				rand.Read(pt)
				var aad []byte
				if a != Fernet {
					aad = []byte("ad")
				}
				blob, err := Encrypt(a, key, pt, aad)
				if err != nil {
					t.Fatal(err)
				}
				if a.IsAEAD() && len(blob) != a.NonceSize()+n+16 {
					t.Fatalf("blob of %d bytes for %d", len(blob), n)
				}
				got, err := Decrypt(a, key, blob, aad)
				if err != nil || !bytes.Equal(got, pt) {
					t.Fatalf("n=%d: %v", n, err)
				}
				if a != Fernet {
					if _, err := Decrypt(a, key, blob, []byte("other")); !errors.Is(err, ErrAuthentication) {
						t.Fatalf("other aad: %v", err)
					}
				}
			}
		})
	}
	if _, err := Encrypt(AES256GCM, make([]byte, 16), nil, nil); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("short key: %v", err)
	}
	if _, err := Decrypt(AES256GCM, make([]byte, 32), make([]byte, 27), nil); !errors.Is(err, ErrTruncated) {
		t.Errorf("short blob: %v", err)
	}
	if _, err := GenerateKey(Algorithm(77)); !errors.Is(err, ErrInvalidAlgorithm) {
		t.Errorf("GenerateKey(77): %v", err)
	}
	if _, err := Encrypt(Fernet, make([]byte, 32), nil, []byte("x")); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("fernet with aad: %v", err)
	}
}

func TestSealRoundTrip(t *testing.T) {
	pt := []byte("validation results, sealed")
	for _, a := range []Algorithm{AES128GCM, AES256GCM, ChaCha20Poly1305, XChaCha20Poly1305} {
		key := sealKey(t, a)
		blob, err := Seal(KeySecret(key), pt, &SealOptions{Algorithm: a, KeyID: "k1", KeyVersion: 7, AssociatedData: []byte("ns/id")})
		if err != nil {
			t.Fatal(err)
		}
		h, err := ParseSealedHeader(blob)
		if err != nil || h.Algorithm != a || h.KeyID != "k1" || h.KeyVersion != 7 || h.KDF != 0 || h.Streamed {
			t.Fatalf("%v header %+v, %v", a, h, err)
		}
		got, err := Open(KeySecret(key), blob, []byte("ns/id"))
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("%v: %v", a, err)
		}
		if _, err := Open(KeySecret(key), blob, []byte("ns/other")); !errors.Is(err, ErrAuthentication) {
			t.Fatalf("%v other aad: %v", a, err)
		}
		if _, err := Open(PasswordSecret([]byte("pw")), blob, []byte("ns/id")); !errors.Is(err, ErrInvalidKey) {
			t.Fatalf("%v password for a key blob: %v", a, err)
		}
	}
	if _, err := Seal(KeySecret(make([]byte, 32)), pt, &SealOptions{Algorithm: Fernet}); !errors.Is(err, ErrInvalidAlgorithm) {
		t.Errorf("fernet seal: %v", err)
	}
}

func TestSealPassword(t *testing.T) {
	pt := []byte("secret")
	for _, kdf := range []KDF{Argon2id, PBKDF2SHA256, PBKDF2SHA512, Scrypt, HKDFSHA256} {
		params := &KDFParams{Iterations: 1, MemoryKiB: 64, Parallelism: 1, ScryptN: 16, ScryptR: 1, ScryptP: 1}
		blob, err := Seal(PasswordSecret([]byte("pw")), pt, &SealOptions{KDF: kdf, KDFParams: params})
		if err != nil {
			t.Fatalf("%v: %v", kdf, err)
		}
		h, err := ParseSealedHeader(blob)
		if err != nil || h.KDF != kdf || len(h.Salt) != DefaultSaltSize {
			t.Fatalf("%v: header %+v, %v", kdf, h, err)
		}
		got, err := Open(PasswordSecret([]byte("pw")), blob, nil)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("%v: %v", kdf, err)
		}
		if _, err := Open(PasswordSecret([]byte("wrong")), blob, nil); !errors.Is(err, ErrAuthentication) {
			t.Fatalf("%v wrong password: %v", kdf, err)
		}
		if _, err := Open(KeySecret(make([]byte, 32)), blob, nil); !errors.Is(err, ErrInvalidKey) {
			t.Fatalf("%v key for a password blob: %v", kdf, err)
		}
	}
}

// TestSealTamperEveryByte changes every byte of one-shot and streamed sealed
// blobs, with and without a password, and cuts them at every length: all
// must fail with a typed error.
func TestSealTamperEveryByte(t *testing.T) {
	key := sealKey(t, AES256GCM)
	pt := bytes.Repeat([]byte("0123456789abcdef"), 9) // 144 bytes: 3 stream chunks of 64 with ChunkSize 64
	type variant struct {
		name   string
		secret Secret
		blob   []byte
	}
	var vs []variant
	one, _ := Seal(KeySecret(key), pt, &SealOptions{KeyID: "key-1", KeyVersion: 2, AssociatedData: []byte("a")})
	vs = append(vs, variant{"one-shot", KeySecret(key), one})
	pw, err := Seal(PasswordSecret([]byte("pw")), pt, &SealOptions{KDFParams: cheapKDF, AssociatedData: []byte("a")})
	if err != nil {
		t.Fatal(err)
	}
	vs = append(vs, variant{"password", PasswordSecret([]byte("pw")), pw})
	var sb bytes.Buffer
	w, err := NewSealWriter(&sb, KeySecret(key), &SealOptions{ChunkSize: 64, KeyID: "k", AssociatedData: []byte("a")})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(pt)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	vs = append(vs, variant{"streamed", KeySecret(key), sb.Bytes()})
	for _, v := range vs {
		t.Run(v.name, func(t *testing.T) {
			if got, err := Open(v.secret, v.blob, []byte("a")); err != nil || !bytes.Equal(got, pt) {
				t.Fatalf("intact: %v", err)
			}
			for i := range v.blob {
				for _, x := range []byte{0x01, 0x80} {
					m := bytes.Clone(v.blob)
					m[i] ^= x
					if _, err := Open(v.secret, m, []byte("a")); err == nil || !typed(err) {
						t.Fatalf("byte %d ^ %#x: %v", i, x, err)
					}
				}
			}
			for n := 0; n < len(v.blob); n++ {
				if _, err := Open(v.secret, v.blob[:n], []byte("a")); err == nil || !typed(err) {
					t.Fatalf("cut to %d: %v", n, err)
				}
			}
			if _, err := Open(v.secret, append(bytes.Clone(v.blob), 0), []byte("a")); err == nil || !typed(err) {
				t.Fatalf("trailing byte: %v", err)
			}
		})
	}
}

func TestSealWriterReaderBoundaries(t *testing.T) {
	key := sealKey(t, ChaCha20Poly1305)
	const cs = 64
	for _, n := range []int{0, 1, cs - 1, cs, cs + 1, 2*cs - 1, 2 * cs, 2*cs + 1, 10*cs + 3} {
		pt := make([]byte, n)
		rand.Read(pt)
		var buf bytes.Buffer
		w, err := NewSealWriter(&buf, KeySecret(key), &SealOptions{Algorithm: ChaCha20Poly1305, ChunkSize: cs})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(pt); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := NewSealReader(bytes.NewReader(buf.Bytes()), KeySecret(key), nil)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("n=%d: %v", n, err)
		}
		if got, err := Open(KeySecret(key), buf.Bytes(), nil); err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("Open n=%d: %v", n, err)
		}
	}
	// A one-shot blob through the reader too.
	blob, _ := Seal(KeySecret(key), []byte("x"), &SealOptions{Algorithm: ChaCha20Poly1305})
	r, err := NewSealReader(bytes.NewReader(blob), KeySecret(key), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(r); string(got) != "x" {
		t.Fatalf("one-shot via reader: %q", got)
	}
}

func TestParseSealedHeaderErrors(t *testing.T) {
	key := sealKey(t, AES256GCM)
	good, _ := Seal(KeySecret(key), nil, nil)
	for name, b := range map[string][]byte{
		"empty":       {},
		"magic":       []byte("XXXX\x01\x02\x00"),
		"version":     []byte("THSL\x09\x02\x00"),
		"algorithm":   []byte("THSL\x01\x05\x00"),
		"flags":       []byte("THSL\x01\x02\x80"),
		"kdf id":      []byte("THSL\x01\x02\x01\x09"),
		"key id cut":  []byte("THSL\x01\x02\x02\x05ab"),
		"empty keyid": []byte("THSL\x01\x02\x02\x00"),
		"short":       good[:5],
	} {
		if _, err := ParseSealedHeader(b); err == nil || !(errors.Is(err, ErrFormat) || errors.Is(err, ErrTruncated)) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A header asking for 2 GiB of Argon2 memory is refused before deriving.
	evil := []byte("THSL\x01\x02\x01\x01\x00\x00\x00\x01\x00\x20\x00\x00\x00\x00\x00\x01\x00\x04salt")
	if _, err := ParseSealedHeader(evil); !errors.Is(err, ErrFormat) {
		t.Errorf("huge argon2 memory: %v", err)
	}
}

func TestSealer(t *testing.T) {
	key := sealKey(t, AES256GCM)
	s, err := NewSealer(KeySecret(key), &SealOptions{KeyID: "k", KeyVersion: 4})
	if err != nil {
		t.Fatal(err)
	}
	prefix := []byte("prefix")
	out, err := s.Seal(bytes.Clone(prefix), []byte("one"), []byte("id-1"))
	if err != nil || !bytes.HasPrefix(out, prefix) {
		t.Fatal(err)
	}
	got, err := Open(KeySecret(key), out[len(prefix):], []byte("id-1"))
	if err != nil || string(got) != "one" || s.Header().KeyID != "k" {
		t.Fatalf("%q %v", got, err)
	}
	ps, err := NewSealer(PasswordSecret([]byte("pw")), &SealOptions{KDFParams: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := ps.Seal(nil, []byte("a"), nil)
	b, _ := ps.Seal(nil, []byte("b"), nil)
	for _, blob := range [][]byte{a, b} {
		if _, err := Open(PasswordSecret([]byte("pw")), blob, nil); err != nil {
			t.Fatal(err)
		}
	}
}
