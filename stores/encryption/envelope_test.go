package encryption

import (
	"bytes"
	"errors"
	"testing"
)

func TestEnvelopeRoundTripAndRewrap(t *testing.T) {
	kek1 := KEK{ID: "kek", Version: 1, Key: sealKey(t, AES256GCM)}
	kek2 := KEK{ID: "kek", Version: 2, Key: sealKey(t, XChaCha20Poly1305), Algorithm: XChaCha20Poly1305}
	pt := bytes.Repeat([]byte("large dataset "), 100)
	for _, alg := range []Algorithm{0, AES128GCM, ChaCha20Poly1305, XChaCha20Poly1305} {
		env := &Envelope{KEK: kek1, Algorithm: alg}
		blob, err := env.Encrypt(pt, []byte("item-7"))
		if err != nil {
			t.Fatal(err)
		}
		h, err := ParseEnvelopeHeader(blob)
		if err != nil || h.KEKID != "kek" || h.KEKVersion != 1 || h.Original {
			t.Fatalf("header %+v, %v", h, err)
		}
		got, err := env.Decrypt(blob, []byte("item-7"))
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("%v: %v", alg, err)
		}
		// Rotation: the data key is re-wrapped, the body bytes are unchanged.
		re, err := Rewrap(blob, kek1, kek2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasSuffix(re, blob[len(blob)-len(pt)-16:]) || !bytes.Equal(re[len(re)-len(pt)-16-h.Algorithm.NonceSize():], h.body) {
			t.Fatal("rewrap changed the encrypted data")
		}
		h2, _ := ParseEnvelopeHeader(re)
		if h2.KEKVersion != 2 || h2.KEKAlgorithm != XChaCha20Poly1305 {
			t.Fatalf("rewrapped header %+v", h2)
		}
		if got, err := (&Envelope{KEK: kek2}).Decrypt(re, []byte("item-7")); err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("after rewrap: %v", err)
		}
		if _, err := (&Envelope{KEK: kek1}).Decrypt(re, []byte("item-7")); err == nil {
			t.Fatal("old KEK opens the rewrapped envelope")
		}
		if _, err := env.Decrypt(blob, []byte("item-8")); !errors.Is(err, ErrAuthentication) {
			t.Fatalf("other aad: %v", err)
		}
		for i := range blob {
			m := bytes.Clone(blob)
			m[i] ^= 0x10
			if _, err := env.Decrypt(m, []byte("item-7")); err == nil || !typed(err) {
				t.Fatalf("byte %d changed: %v", i, err)
			}
		}
		for n := range blob {
			if _, err := env.Decrypt(blob[:n], []byte("item-7")); err == nil || !typed(err) {
				t.Fatalf("cut to %d: %v", n, err)
			}
		}
	}
	if _, err := (&Envelope{KEK: KEK{Key: kek1.Key}}).Encrypt(pt, nil); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("KEK without id: %v", err)
	}
	if _, err := Rewrap([]byte("junk"), kek1, kek2); err == nil || !typed(err) {
		t.Errorf("rewrap junk: %v", err)
	}
}

func TestEnvelopeRewrapOriginal(t *testing.T) {
	dir, key, plain := originalCrypto(t)
	orig := readFixture(t, dir, "envelope.bin")
	newKEK := KEK{ID: "kek-2024", Version: 3, Key: sealKey(t, AES256GCM)}
	re, err := Rewrap(orig, KEK{ID: "kek", Key: key}, newKEK)
	if err != nil {
		t.Fatal(err)
	}
	got, err := (&Envelope{KEK: newKEK}).Decrypt(re, nil)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("rewrapped original: %v", err)
	}
}
