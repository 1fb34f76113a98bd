package encryption

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"testing"

	"github.com/truthound/truthound-go/stores/compression"
	"golang.org/x/crypto/chacha20poly1305"
)

const benchSize = 1 << 20

// BenchmarkSeal compares our sealed format with the raw library on 1 MiB
// blocks: Raw is crypto/cipher (or x/crypto) Seal with a fresh random nonce
// into a reused buffer; Sealed is Sealer.Seal into a reused buffer; SealFunc
// is the one-call Seal, which sets up the cipher and allocates each time.
func BenchmarkSeal(b *testing.B) {
	pt := make([]byte, benchSize)
	rand.Read(pt)
	for _, a := range []Algorithm{AES128GCM, AES256GCM, ChaCha20Poly1305, XChaCha20Poly1305} {
		key := make([]byte, a.KeySize())
		rand.Read(key)
		b.Run(a.String()+"/Raw", func(b *testing.B) {
			var aead cipher.AEAD
			switch a {
			case AES128GCM, AES256GCM:
				blk, _ := aes.NewCipher(key)
				aead, _ = cipher.NewGCM(blk)
			case ChaCha20Poly1305:
				aead, _ = chacha20poly1305.New(key)
			default:
				aead, _ = chacha20poly1305.NewX(key)
			}
			nonce := make([]byte, aead.NonceSize())
			buf := make([]byte, 0, benchSize+64)
			b.SetBytes(benchSize)
			b.ReportAllocs()
			for b.Loop() {
				rand.Read(nonce)
				buf = aead.Seal(buf[:0], nonce, pt, nil)
			}
		})
		b.Run(a.String()+"/Sealed", func(b *testing.B) {
			s, err := NewSealer(KeySecret(key), &SealOptions{Algorithm: a, KeyID: "bench", KeyVersion: 1})
			if err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, 0, benchSize+128)
			b.SetBytes(benchSize)
			b.ReportAllocs()
			for b.Loop() {
				buf, err = s.Seal(buf[:0], pt, nil)
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(a.String()+"/SealFunc", func(b *testing.B) {
			b.SetBytes(benchSize)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Seal(KeySecret(key), pt, &SealOptions{Algorithm: a}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	pt := make([]byte, benchSize)
	rand.Read(pt)
	key := make([]byte, 32)
	rand.Read(key)
	blob, _ := Seal(KeySecret(key), pt, nil)
	b.SetBytes(benchSize)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Open(KeySecret(key), blob, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPipeline(b *testing.B) {
	data := pipelineData()
	for len(data) < benchSize {
		data = append(data, data...)
	}
	data = data[:benchSize]
	key := make([]byte, 32)
	for _, tc := range []struct {
		name string
		p    *Pipeline
	}{
		{"secure-gzip", SecurePipeline(key, compression.Gzip)},
		{"secure-zstd", SecurePipeline(key, compression.Zstd)},
		{"fast", FastPipeline(key)},
	} {
		b.Run(tc.name+"/Process", func(b *testing.B) {
			b.SetBytes(benchSize)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tc.p.Process(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
