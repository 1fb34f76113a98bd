package encryption

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/truthound/truthound-go/stores/compression"
)

var fuzzKey = bytes.Repeat([]byte{7}, 32)

// addOriginal adds an upstream fixture to the fuzz corpus when present.
func addOriginal(f *testing.F, name string) {
	if d := os.Getenv("TRUTHOUND_TESTDATA"); d != "" {
		if b, err := os.ReadFile(filepath.Join(d, "upstream", "crypto", name)); err == nil {
			f.Add(b)
		}
	}
	if b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "testdata", "upstream", "crypto", name)); err == nil {
		f.Add(b)
	}
}

// FuzzSealOpen feeds arbitrary bytes to the sealed-format parser and Open:
// no panic, only typed errors, and anything that opens must be what Seal
// produced (checked by re-sealing and opening the plaintext).
func FuzzSealOpen(f *testing.F) {
	for _, o := range []*SealOptions{nil, {KeyID: "k", KeyVersion: 3}, {Algorithm: XChaCha20Poly1305, AssociatedData: []byte("x")}} {
		b, _ := Seal(KeySecret(fuzzKey), []byte("hello"), o)
		f.Add(b)
	}
	pw, _ := Seal(PasswordSecret([]byte("pw")), []byte("hello"), &SealOptions{KDFParams: cheapKDF})
	f.Add(pw)
	var sb bytes.Buffer
	w, _ := NewSealWriter(&sb, KeySecret(fuzzKey), &SealOptions{ChunkSize: 16})
	w.Write([]byte("a streamed body of several chunks"))
	w.Close()
	f.Add(sb.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseSealedHeader(b)
		if err != nil {
			if !typed(err) {
				t.Fatalf("untyped header error %v", err)
			}
			return
		}
		if h.Len() > len(b) {
			t.Fatalf("header length %d beyond input %d", h.Len(), len(b))
		}
		if h.KDF != 0 {
			return // deriving a fuzzed KDF's key is slow by design
		}
		pt, err := Open(KeySecret(fuzzKey), b, nil)
		if err != nil {
			if !typed(err) {
				t.Fatalf("untyped open error %v", err)
			}
			return
		}
		if re, err := Open(KeySecret(fuzzKey), mustSeal(t, pt), nil); err != nil || !bytes.Equal(re, pt) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func mustSeal(t *testing.T, pt []byte) []byte {
	b, err := Seal(KeySecret(fuzzKey), pt, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzRawDecrypt checks that raw blobs of every AEAD only fail with typed
// errors and that Encrypt/Decrypt round-trip any plaintext.
func FuzzRawDecrypt(f *testing.F) {
	addOriginal(f, "aesgcm.bin")
	addOriginal(f, "chacha.bin")
	f.Add([]byte("short"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, a := range []Algorithm{AES128GCM, AES256GCM, ChaCha20Poly1305, XChaCha20Poly1305} {
			k := fuzzKey[:a.KeySize()]
			if _, err := Decrypt(a, k, b, nil); err != nil && !typed(err) {
				t.Fatalf("%v: untyped %v", a, err)
			}
			blob, err := Encrypt(a, k, b, b)
			if err != nil {
				t.Fatal(err)
			}
			if pt, err := Decrypt(a, k, blob, b); err != nil || !bytes.Equal(pt, b) {
				t.Fatalf("%v round trip: %v", a, err)
			}
		}
	})
}

// FuzzFernetDecrypt: arbitrary tokens fail with typed errors, never panic.
func FuzzFernetDecrypt(f *testing.F) {
	addOriginal(f, "fernet.bin")
	tok, _ := FernetEncrypt(fuzzKey, []byte("hello"))
	f.Add(tok)
	f.Add([]byte("gAAAAA"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pt, err := FernetDecrypt(fuzzKey, b, nil)
		if err != nil {
			if !typed(err) {
				t.Fatalf("untyped %v", err)
			}
			return
		}
		tok, _ := FernetEncrypt(fuzzKey, pt)
		if re, err := FernetDecrypt(fuzzKey, tok, nil); err != nil || !bytes.Equal(re, pt) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// FuzzPipelineReverse feeds our pipeline format and the original's THEP to
// Reverse with a fixed key and a small limit.
func FuzzPipelineReverse(f *testing.F) {
	addOriginal(f, "pipeline.bin")
	for _, p := range []*Pipeline{SecurePipeline(fuzzKey, compression.Gzip), FastPipeline(fuzzKey), NewPipeline().Checksum(), NewPipeline().Compress(compression.Zstd, 0)} {
		r, _ := p.Process([]byte("some validation result text, some validation result text"))
		f.Add(r.Data)
	}
	p := NewPipeline().Encrypt(AES256GCM, fuzzKey).Limit(1 << 20)
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := p.Reverse(b); err != nil && !typed(err) {
			t.Fatalf("untyped %v", err)
		}
	})
}

// FuzzEnvelopeDecrypt feeds our envelopes and the original's to Decrypt and
// Rewrap.
func FuzzEnvelopeDecrypt(f *testing.F) {
	addOriginal(f, "envelope.bin")
	kek := KEK{ID: "kek", Key: fuzzKey}
	env := &Envelope{KEK: kek}
	b, _ := env.Encrypt([]byte("hello"), nil)
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		pt, derr := env.Decrypt(b, nil)
		if derr != nil && !typed(derr) {
			t.Fatalf("untyped %v", derr)
		}
		re, err := Rewrap(b, kek, KEK{ID: "kek2", Key: fuzzKey})
		if err != nil {
			if !typed(err) {
				t.Fatalf("rewrap: untyped %v", err)
			}
			return
		}
		got, err2 := (&Envelope{KEK: KEK{ID: "kek2", Key: fuzzKey}}).Decrypt(re, nil)
		if derr == nil && (err2 != nil || !bytes.Equal(got, pt)) {
			t.Fatalf("rewrapped: %v", err2)
		}
	})
}
