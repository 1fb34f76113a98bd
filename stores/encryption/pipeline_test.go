package encryption

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/truthound/truthound-go/stores/compression"
)

func pipelineData() []byte {
	return bytes.Repeat([]byte(`{"validator_name":"not_null","success":false,"column":"email"},`), 200)
}

func TestPipelines(t *testing.T) {
	key := sealKey(t, AES256GCM)
	data := pipelineData()
	var stats Stats
	for _, tc := range []struct {
		name string
		p    *Pipeline
	}{
		{"secure-gzip", SecurePipeline(key, compression.Gzip)},
		{"secure-zstd", SecurePipeline(key, compression.Zstd)},
		{"secure-none", SecurePipeline(key, compression.None)},
		{"fast", FastPipeline(key)},
		{"password", NewPipeline().Compress(compression.Gzip, compression.Fast).EncryptWithPassword(XChaCha20Poly1305, []byte("pw"), Argon2id, cheapKDF).Checksum()},
		{"custom", NewPipeline().Compress(compression.Zstd, compression.High).Encrypt(AES128GCM, key[:16]).KeyID("k1", 3).Checksum()},
		{"compress-only", NewPipeline().Compress(compression.Snappy, compression.Balanced)},
		{"checksum-only", NewPipeline().Checksum()},
		{"empty", NewPipeline()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.p.WithStats(&stats)
			res, err := tc.p.Process(data)
			if err != nil {
				t.Fatal(err)
			}
			m := res.Metrics
			if m.InputSize != len(data) || m.OutputSize != len(res.Data) || m.PlaintextSize != len(data) {
				t.Errorf("metrics %+v", m)
			}
			if tc.p.compress && m.CompressionRatio() <= 2 {
				t.Errorf("compression ratio %.2f", m.CompressionRatio())
			}
			back, err := tc.p.Reverse(res.Data)
			if err != nil || !bytes.Equal(back.Data, data) {
				t.Fatalf("reverse: %v", err)
			}
			if tc.p.encrypt && bytes.Contains(res.Data, []byte("not_null")) {
				t.Error("plaintext visible in encrypted output")
			}
			// Every single-byte change is detected when there is a checksum or
			// encryption.
			if tc.p.encrypt || tc.p.checksum {
				for i := range res.Data {
					mod := bytes.Clone(res.Data)
					mod[i] ^= 0x04
					if _, err := tc.p.Reverse(mod); err == nil || !typed(err) {
						t.Fatalf("byte %d changed: %v", i, err)
					}
				}
			}
			for _, n := range []int{0, 3, 10, len(res.Data) - 1} {
				if _, err := tc.p.Reverse(res.Data[:n]); err == nil || !typed(err) {
					t.Fatalf("cut to %d: %v", n, err)
				}
			}
		})
	}
	s := stats.Snapshot()
	if s.Encryptions != 6 || s.Decryptions < 6 || s.Failures == 0 || s.AlgorithmUse[AES256GCM] == 0 ||
		s.AlgorithmUse[ChaCha20Poly1305] == 0 || s.PlaintextBytes == 0 || s.Throughput() <= 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestPasswordPipelineStoresSalt(t *testing.T) {
	data := pipelineData()
	p1 := NewPipeline().Compress(compression.Gzip, 0).EncryptWithPassword(AES256GCM, []byte("pw"), Scrypt, &KDFParams{ScryptN: 16, ScryptR: 1, ScryptP: 1}).Checksum()
	res, err := p1.Process(data)
	if err != nil {
		t.Fatal(err)
	}
	// A fresh pipeline with only the password reads it: salt and KDF come
	// from the data.
	p2 := NewPipeline().EncryptWithPassword(AES256GCM, []byte("pw"), 0, nil)
	back, err := p2.Reverse(res.Data)
	if err != nil || !bytes.Equal(back.Data, data) {
		t.Fatalf("reverse with a fresh pipeline: %v", err)
	}
	if _, err := NewPipeline().EncryptWithPassword(AES256GCM, []byte("wrong"), 0, nil).Reverse(res.Data); !errors.Is(err, ErrAuthentication) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := NewPipeline().Reverse(res.Data); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("no key: %v", err)
	}
	h, err := ParseSealedHeader(res.Data[pipeHeaderLen:])
	if err != nil || h.KDF != Scrypt || len(h.Salt) != DefaultSaltSize {
		t.Fatalf("sealed header in pipeline: %+v %v", h, err)
	}
}

func TestPipelineBuilderErrors(t *testing.T) {
	if _, err := NewPipeline().Encrypt(AES256GCM, make([]byte, 5)).Process(nil); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("short key: %v", err)
	}
	if _, err := NewPipeline().Encrypt(Fernet, make([]byte, 32)).Process(nil); !errors.Is(err, ErrInvalidAlgorithm) {
		t.Errorf("fernet: %v", err)
	}
	if _, err := NewPipeline().Compress(compression.Algorithm(99), 0).Process(nil); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("bad compression: %v", err)
	}
	if err := NewPipeline().KeyID(string(make([]byte, 300)), 1).Err(); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("long key id: %v", err)
	}
	big := make([]byte, 5000)
	rand.Read(big)
	res, _ := NewPipeline().Process(big)
	if _, err := NewPipeline().Limit(100).Reverse(res.Data); !errors.Is(err, ErrTooLarge) {
		t.Errorf("limit: %v", err)
	}
	if _, err := NewPipeline().Reverse([]byte("nope, not a pipeline")); !errors.Is(err, ErrFormat) {
		t.Errorf("foreign data: %v", err)
	}
}

func TestReverseOriginalErrors(t *testing.T) {
	dir, key, plain := originalCrypto(t)
	b := readFixture(t, dir, "pipeline.bin")
	got, err := ReverseOriginal(b, key, 0)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("ReverseOriginal: %v", err)
	}
	if _, err := ReverseOriginal(b, key, 100); !errors.Is(err, ErrTooLarge) {
		t.Errorf("limit: %v", err)
	}
	if _, err := ReverseOriginal(b, nil, 0); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("no key: %v", err)
	}
}

func TestPipelineConcurrent(t *testing.T) {
	p := NewPipeline().Compress(compression.Zstd, 0).EncryptWithPassword(AES256GCM, []byte("pw"), Argon2id, cheapKDF).Checksum()
	other, _ := NewPipeline().EncryptWithPassword(AES256GCM, []byte("pw"), Argon2id, cheapKDF).Process([]byte("other salt"))
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func() {
			var err error
			for i := 0; i < 20 && err == nil; i++ {
				var r *Result
				if r, err = p.Process([]byte("concurrent")); err == nil {
					_, err = p.Reverse(r.Data)
				}
				if err == nil {
					_, err = p.Reverse(other.Data) // another salt: replaces the read cache
				}
			}
			done <- err
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
