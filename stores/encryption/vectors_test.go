package encryption

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// vectorCount tallies one vector file; check logs it and asserts that every
// applicable case passed and that the applicable count is what we expect.
type vectorCount struct {
	applicable, passed, notApplicable int
}

func (c *vectorCount) check(t *testing.T, file string, wantApplicable int) {
	t.Helper()
	t.Logf("%s: applicable %d, passed %d, not applicable %d", file, c.applicable, c.passed, c.notApplicable)
	if c.passed != c.applicable {
		t.Errorf("%s: %d of %d applicable cases passed", file, c.passed, c.applicable)
	}
	if c.applicable != wantApplicable {
		t.Errorf("%s: %d applicable cases, want %d", file, c.applicable, wantApplicable)
	}
}

func loadVectors(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedTestdata(t), "vectors", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

type wycheproofAEAD struct {
	TestGroups []struct {
		KeySize, IvSize, TagSize int
		Tests                    []struct {
			TcID                       int
			Key, Iv, Aad, Msg, Ct, Tag string
			Result                     string
			Flags                      []string
		}
	}
}

// TestWycheproofAEAD runs the Wycheproof AES-GCM, ChaCha20-Poly1305 and
// XChaCha20-Poly1305 suites through Encrypt's AEADs and Decrypt's blob
// parsing. Go's AEADs take fixed nonce and tag sizes and we offer no
// AES-192: those groups are not applicable.
func TestWycheproofAEAD(t *testing.T) {
	for _, tc := range []struct {
		file           string
		algOf          func(keyBits int) Algorithm
		ivBits         int
		wantApplicable int
	}{
		{"aes_gcm_test.json", func(k int) Algorithm {
			switch k {
			case 128:
				return AES128GCM
			case 256:
				return AES256GCM
			}
			return 0
		}, 96, 133},
		{"chacha20_poly1305_test.json", func(int) Algorithm { return ChaCha20Poly1305 }, 96, 316},
		{"xchacha20_poly1305_test.json", func(int) Algorithm { return XChaCha20Poly1305 }, 192, 306},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var v wycheproofAEAD
			loadVectors(t, tc.file, &v)
			var c vectorCount
			for _, g := range v.TestGroups {
				alg := tc.algOf(g.KeySize)
				if alg == 0 || g.IvSize != tc.ivBits || g.TagSize != 128 {
					c.notApplicable += len(g.Tests)
					continue
				}
				for _, v := range g.Tests {
					c.applicable++
					key, iv, aad, msg := unhex(t, v.Key), unhex(t, v.Iv), unhex(t, v.Aad), unhex(t, v.Msg)
					blob := append(append(append([]byte{}, iv...), unhex(t, v.Ct)...), unhex(t, v.Tag)...)
					pt, err := Decrypt(alg, key, blob, aad)
					switch v.Result {
					case "valid", "acceptable":
						aead, aerr := NewAEAD(alg, key)
						if err != nil || aerr != nil || !bytes.Equal(pt, msg) {
							t.Errorf("tc %d: decrypt valid case: %v", v.TcID, err)
							continue
						}
						if got := aead.Seal(append([]byte{}, iv...), iv, msg, aad); !bytes.Equal(got, blob) {
							t.Errorf("tc %d: seal differs", v.TcID)
							continue
						}
					default:
						if err == nil {
							t.Errorf("tc %d (%v): invalid case decrypted", v.TcID, v.Flags)
							continue
						}
						if !errors.Is(err, ErrAuthentication) && !errors.Is(err, ErrTruncated) {
							t.Errorf("tc %d: error %v is not ErrAuthentication", v.TcID, err)
							continue
						}
					}
					c.passed++
				}
			}
			c.check(t, tc.file, tc.wantApplicable)
		})
	}
}

func TestXChaChaDraftVector(t *testing.T) {
	var v struct {
		Tests []struct{ ID, Key, Iv, Aad, Msg, Ct, Tag, Result string }
	}
	loadVectors(t, "draft_irtf_cfrg_xchacha03_aead.json", &v)
	var c vectorCount
	for _, tc := range v.Tests {
		c.applicable++
		key, iv, aad, msg := unhex(t, tc.Key), unhex(t, tc.Iv), unhex(t, tc.Aad), unhex(t, tc.Msg)
		blob := append(append(append([]byte{}, iv...), unhex(t, tc.Ct)...), unhex(t, tc.Tag)...)
		pt, err := Decrypt(XChaCha20Poly1305, key, blob, aad)
		aead, _ := NewAEAD(XChaCha20Poly1305, key)
		if err != nil || !bytes.Equal(pt, msg) || !bytes.Equal(aead.Seal(append([]byte{}, iv...), iv, msg, aad), blob) {
			t.Errorf("%s: %v", tc.ID, err)
			continue
		}
		c.passed++
	}
	c.check(t, "draft_irtf_cfrg_xchacha03_aead.json", 1)
}

func TestWycheproofHKDF(t *testing.T) {
	var v struct {
		TestGroups []struct {
			Tests []struct {
				TcID                         int
				Ikm, Salt, Info, Okm, Result string
				Size                         int
			}
		}
	}
	loadVectors(t, "hkdf_sha256_test.json", &v)
	var c vectorCount
	for _, g := range v.TestGroups {
		for _, tc := range g.Tests {
			c.applicable++
			salt := unhex(t, tc.Salt)
			if len(salt) == 0 {
				salt = make([]byte, sha256.Size) // RFC 5869 §2.2: not provided = HashLen zeros
			}
			key, _, err := DeriveKey(unhex(t, tc.Ikm), salt, HKDFSHA256, &KDFParams{Info: unhex(t, tc.Info), KeyLen: tc.Size})
			if tc.Result == "invalid" {
				if !errors.Is(err, ErrInvalidKDF) {
					t.Errorf("tc %d: invalid case gave %v", tc.TcID, err)
					continue
				}
			} else if err != nil || hex.EncodeToString(key) != tc.Okm {
				t.Errorf("tc %d: %v", tc.TcID, err)
				continue
			}
			c.passed++
		}
	}
	c.check(t, "hkdf_sha256_test.json", 86)
}

func TestRFC5869HKDF(t *testing.T) {
	var v struct {
		Tests []struct {
			ID, Ikm, Salt, Info, Okm string
			L                        int
		}
	}
	loadVectors(t, "rfc5869_hkdf_sha256.json", &v)
	var c vectorCount
	for _, tc := range v.Tests {
		c.applicable++
		salt := unhex(t, tc.Salt)
		if len(salt) == 0 {
			salt = make([]byte, sha256.Size)
		}
		key, _, err := DeriveKey(unhex(t, tc.Ikm), salt, HKDFSHA256, &KDFParams{Info: unhex(t, tc.Info), KeyLen: tc.L})
		if err != nil || hex.EncodeToString(key) != tc.Okm {
			t.Errorf("%s: %v", tc.ID, err)
			continue
		}
		c.passed++
	}
	c.check(t, "rfc5869_hkdf_sha256.json", 3)
}

func TestWycheproofPBKDF2(t *testing.T) {
	var v struct {
		TestGroups []struct {
			Tests []struct {
				TcID                       int
				Password, Salt, Dk, Result string
				IterationCount, DkLen      int
			}
		}
	}
	loadVectors(t, "pbkdf2_hmacsha256_test.json", &v)
	var c vectorCount
	for _, g := range v.TestGroups {
		for _, tc := range g.Tests {
			c.applicable++
			key, _, err := DeriveKey(unhex(t, tc.Password), unhex(t, tc.Salt), PBKDF2SHA256,
				&KDFParams{Iterations: uint32(tc.IterationCount), KeyLen: tc.DkLen})
			if err != nil || hex.EncodeToString(key) != tc.Dk {
				t.Errorf("tc %d: %v", tc.TcID, err)
				continue
			}
			c.passed++
		}
	}
	c.check(t, "pbkdf2_hmacsha256_test.json", 60)
}

func TestRFC7914PBKDF2(t *testing.T) {
	var v struct {
		Tests []struct {
			ID, Password, Salt, Dk string
			Iterations, DkLen      int
		}
	}
	loadVectors(t, "rfc7914_pbkdf2_hmac_sha256.json", &v)
	var c vectorCount
	for _, tc := range v.Tests {
		c.applicable++
		key, _, err := DeriveKey([]byte(tc.Password), []byte(tc.Salt), PBKDF2SHA256,
			&KDFParams{Iterations: uint32(tc.Iterations), KeyLen: tc.DkLen})
		if err != nil || hex.EncodeToString(key) != tc.Dk {
			t.Errorf("%s: %v", tc.ID, err)
			continue
		}
		c.passed++
	}
	c.check(t, "rfc7914_pbkdf2_hmac_sha256.json", 2)
}

// TestRFC7914Scrypt runs the RFC's scrypt vectors. Case 4 needs 1 GiB of
// memory: in -short mode it is counted as not applicable.
func TestRFC7914Scrypt(t *testing.T) {
	var v struct {
		Tests []struct {
			ID, Password, Salt, Dk string
			N, R, P, DkLen         int
			Slow                   bool
		}
	}
	loadVectors(t, "rfc7914_scrypt.json", &v)
	var c vectorCount
	want := 4
	for _, tc := range v.Tests {
		if tc.Slow && testing.Short() {
			c.notApplicable++
			want--
			continue
		}
		c.applicable++
		key, _, err := DeriveKey([]byte(tc.Password), []byte(tc.Salt), Scrypt,
			&KDFParams{ScryptN: uint32(tc.N), ScryptR: uint32(tc.R), ScryptP: uint32(tc.P), KeyLen: tc.DkLen})
		if err != nil || hex.EncodeToString(key) != tc.Dk {
			t.Errorf("%s: %v", tc.ID, err)
			continue
		}
		c.passed++
	}
	c.check(t, "rfc7914_scrypt.json", want)
}

// TestRFC9106Argon2id runs the Argon2id vectors. x/crypto/argon2 takes no
// secret or associated data, so the vector that uses them is not applicable.
func TestRFC9106Argon2id(t *testing.T) {
	var v struct {
		Tests []struct {
			ID, Password, Salt, Secret, Ad, Tag string
			Iterations, Parallelism             int
			MemoryKib                           int `json:"memory_kib"`
			TagLen                              int `json:"tag_len"`
		}
	}
	loadVectors(t, "rfc9106_argon2id.json", &v)
	var c vectorCount
	for _, tc := range v.Tests {
		if tc.Secret != "" || tc.Ad != "" {
			c.notApplicable++
			continue
		}
		c.applicable++
		key, _, err := DeriveKey(unhex(t, tc.Password), unhex(t, tc.Salt), Argon2id, &KDFParams{
			Iterations: uint32(tc.Iterations), MemoryKiB: uint32(tc.MemoryKib),
			Parallelism: uint8(tc.Parallelism), KeyLen: tc.TagLen})
		if err != nil || hex.EncodeToString(key) != tc.Tag {
			t.Errorf("%s: %v", tc.ID, err)
			continue
		}
		c.passed++
	}
	c.check(t, "rfc9106_argon2id.json", 13)
}

type fernetVector struct {
	Desc, Token, Now, Src, Secret string
	IV                            []byte
	TTLSec                        int `json:"ttl_sec"`
}

func fernetNow(t *testing.T, s string) time.Time {
	t.Helper()
	now, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return now
}

func TestFernetSpec(t *testing.T) {
	t.Run("generate.json", func(t *testing.T) {
		var vs []struct {
			Token, Now, Src, Secret string
			IV                      []int
		}
		loadVectors(t, "generate.json", &vs)
		var c vectorCount
		for _, v := range vs {
			c.applicable++
			key, err := DecodeFernetKey(v.Secret)
			if err != nil {
				t.Fatal(err)
			}
			iv := make([]byte, len(v.IV))
			for i, b := range v.IV {
				iv[i] = byte(b)
			}
			tok, err := fernetEncryptAt(key, []byte(v.Src), iv, fernetNow(t, v.Now))
			if err != nil || string(tok) != v.Token {
				t.Errorf("generate: got %s, %v; want %s", tok, err, v.Token)
				continue
			}
			c.passed++
		}
		c.check(t, "generate.json", 1)
	})
	t.Run("verify.json", func(t *testing.T) {
		var vs []fernetVector
		loadVectors(t, "verify.json", &vs)
		var c vectorCount
		for _, v := range vs {
			c.applicable++
			key, _ := DecodeFernetKey(v.Secret)
			pt, err := FernetDecrypt(key, []byte(v.Token), &FernetOptions{
				TTL: time.Duration(v.TTLSec) * time.Second, Now: fernetNow(t, v.Now)})
			if err != nil || string(pt) != v.Src {
				t.Errorf("verify: %q, %v", pt, err)
				continue
			}
			// The same token through the Algorithm-level API.
			if pt, err := Decrypt(Fernet, key, []byte(v.Token), nil); err != nil || string(pt) != v.Src {
				t.Errorf("Decrypt(Fernet): %q, %v", pt, err)
				continue
			}
			c.passed++
		}
		c.check(t, "verify.json", 1)
	})
	t.Run("invalid.json", func(t *testing.T) {
		var vs []fernetVector
		loadVectors(t, "invalid.json", &vs)
		var c vectorCount
		for _, v := range vs {
			c.applicable++
			key, _ := DecodeFernetKey(v.Secret)
			pt, err := FernetDecrypt(key, []byte(v.Token), &FernetOptions{
				TTL: time.Duration(v.TTLSec) * time.Second, Now: fernetNow(t, v.Now)})
			if err == nil {
				t.Errorf("%s: accepted, plaintext %q", v.Desc, pt)
				continue
			}
			if !errors.Is(err, ErrAuthentication) && !errors.Is(err, ErrFormat) &&
				!errors.Is(err, ErrTruncated) && !errors.Is(err, ErrKeyExpired) {
				t.Errorf("%s: untyped error %v", v.Desc, err)
				continue
			}
			t.Logf("%s: %v", v.Desc, err)
			c.passed++
		}
		c.check(t, "invalid.json", 8)
	})
}

// TestKDFCheckValues pins the original's defaults with the check values of
// FORMATS.md §7 (password "pw", salt "saltsaltsaltsalt", 32 bytes).
func TestKDFCheckValues(t *testing.T) {
	for _, tc := range []struct {
		kdf  KDF
		want string
	}{
		{Argon2id, "6181889bc40536e92cdf6a7b2fbb7224d5efe5f17b343f67be6a140d27e85bce"},
		{PBKDF2SHA256, "46a3db3ddc901674b6526c53825dba27aad392f74aab734e7418d467d8a6fd42"},
		{Scrypt, "47dde8eb71576b7ec8263b2f65d7d1eeee8367e7e6ada5836862b0bd0c9c4fff"},
		{HKDFSHA256, "ce44669e9c9f152ddd0cdac0b0d82d679fa7899c489a4719c39c7741697d3c9e"},
	} {
		key, salt, err := DeriveKey([]byte("pw"), []byte("saltsaltsaltsalt"), tc.kdf, nil)
		if err != nil {
			t.Fatalf("%v: %v", tc.kdf, err)
		}
		if got := hex.EncodeToString(key); got != tc.want || string(salt) != "saltsaltsaltsalt" {
			t.Errorf("%v: got %s, want %s", tc.kdf, got, tc.want)
		}
	}
}

func TestDeriveKeyRandomSaltAndErrors(t *testing.T) {
	p := &KDFParams{Iterations: 1, MemoryKiB: 64, Parallelism: 1}
	k1, s1, err := DeriveKey([]byte("pw"), nil, Argon2id, p)
	if err != nil || len(s1) != DefaultSaltSize || len(k1) != 32 {
		t.Fatalf("random salt: %d-byte salt, %d-byte key, %v", len(s1), len(k1), err)
	}
	_, s2, _ := DeriveKey([]byte("pw"), nil, Argon2id, p)
	if bytes.Equal(s1, s2) {
		t.Error("two random salts are equal")
	}
	k3, _, _ := DeriveKey([]byte("pw"), s1, Argon2id, p)
	if !bytes.Equal(k1, k3) {
		t.Error("same password and salt gave another key")
	}
	for _, bad := range []struct {
		kdf KDF
		p   KDFParams
	}{
		{0, KDFParams{}},
		{KDF(99), KDFParams{}},
		{Argon2id, KDFParams{MemoryKiB: 1 << 30}},
		{Scrypt, KDFParams{ScryptN: 1000}},
		{Scrypt, KDFParams{ScryptN: 1 << 30}},
		{PBKDF2SHA256, KDFParams{KeyLen: 5000}},
		{HKDFSHA256, KDFParams{KeyLen: 255*32 + 1}},
	} {
		if _, _, err := DeriveKey([]byte("pw"), []byte("salt"), bad.kdf, &bad.p); !errors.Is(err, ErrInvalidKDF) {
			t.Errorf("%v %+v: got %v, want ErrInvalidKDF", bad.kdf, bad.p, err)
		}
	}
	for _, name := range []string{"argon2id", "PBKDF2_SHA256", "pbkdf2-sha512", "scrypt", "hkdf-sha256"} {
		k, err := ParseKDF(name)
		if err != nil {
			t.Errorf("ParseKDF(%q): %v", name, err)
		}
		if k2, _ := ParseKDF(k.String()); k2 != k {
			t.Errorf("%v does not round-trip", k)
		}
	}
	if _, err := ParseKDF("md5"); !errors.Is(err, ErrInvalidKDF) {
		t.Errorf("ParseKDF(md5): %v", err)
	}
}

var _ = base64.URLEncoding
