package encryption

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/truthound/truthound-go/stores/compression"
)

func TestStats(t *testing.T) {
	var s Stats
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Record(OpEncrypt, AES256GCM, 1000, 1028, time.Millisecond, nil)
			s.Record(OpDecrypt, ChaCha20Poly1305, 1000, 1028, time.Millisecond, nil)
			s.Record(OpDecrypt, ChaCha20Poly1305, 0, 1028, time.Millisecond, ErrAuthentication)
		}()
	}
	wg.Wait()
	snap := s.Snapshot()
	if snap.Operations != 24 || snap.Encryptions != 8 || snap.Decryptions != 8 || snap.Failures != 8 ||
		snap.PlaintextBytes != 16000 || snap.CiphertextBytes != 16448 || snap.Duration != 16*time.Millisecond ||
		snap.AlgorithmUse[AES256GCM] != 8 || snap.AlgorithmUse[ChaCha20Poly1305] != 16 {
		t.Fatalf("%+v", snap)
	}
	if got := snap.Throughput(); got != 16000/0.016 {
		t.Errorf("throughput %v", got)
	}
	snap.AlgorithmUse[AES256GCM] = 99 // a copy
	if s.Snapshot().AlgorithmUse[AES256GCM] != 8 {
		t.Error("snapshot shares its map")
	}
	s.Reset()
	if s.Snapshot().Operations != 0 || (StatsSnapshot{}).Throughput() != 0 {
		t.Error("reset")
	}
	var nilStats *Stats
	nilStats.Record(OpEncrypt, AES256GCM, 1, 1, 1, nil) // no panic
	if nilStats.Snapshot().Operations != 0 {
		t.Error("nil stats")
	}
	for _, op := range []Operation{OpEncrypt, OpDecrypt} {
		if got, err := ParseOperation(op.String()); err != nil || got != op {
			t.Errorf("%v: %v %v", op, got, err)
		}
	}
	if _, err := ParseOperation("hash"); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("ParseOperation(hash): %v", err)
	}
	if Operation(9).String() != "Operation(9)" || KDF(9).String() != "KDF(9)" {
		t.Error("unknown enum names")
	}
}

func TestFernetKeyEncoding(t *testing.T) {
	key, _ := GenerateKey(Fernet)
	s := EncodeFernetKey(key)
	if len(s) != 44 {
		t.Fatalf("%q", s)
	}
	for _, in := range []string{s, s[:43], " " + s + "\n"} {
		if got, err := DecodeFernetKey(in); err != nil || !bytes.Equal(got, key) {
			t.Errorf("%q: %v", in, err)
		}
	}
	for _, bad := range []string{"", "abc", s[:40], "!!" + s[2:]} {
		if _, err := DecodeFernetKey(bad); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := FernetEncrypt(key[:16], nil); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("short key: %v", err)
	}
	if _, err := FernetDecrypt(key[:16], nil, nil); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("short key: %v", err)
	}
	tok, _ := FernetEncrypt(key, []byte("x"))
	if _, err := FernetDecrypt(key, tok, &FernetOptions{TTL: time.Minute, Now: time.Now().Add(2 * time.Minute)}); !errors.Is(err, ErrKeyExpired) {
		t.Errorf("expired: %v", err)
	}
	other, _ := GenerateKey(Fernet)
	if _, err := FernetDecrypt(other, tok, nil); !errors.Is(err, ErrAuthentication) {
		t.Errorf("other key: %v", err)
	}
}

// TestPasswordPipelineDefaults runs the password pipeline with the original's
// Argon2id parameters (64 MiB) once.
func TestPasswordPipelineDefaults(t *testing.T) {
	p := PasswordPipeline([]byte("my_password"), compression.Gzip)
	res, err := p.Process(pipelineData())
	if err != nil {
		t.Fatal(err)
	}
	h, err := ParseSealedHeader(res.Data[pipeHeaderLen:])
	if err != nil || h.KDF != Argon2id || h.KDFParams.Iterations != 3 || h.KDFParams.MemoryKiB != 65536 || h.KDFParams.Parallelism != 4 {
		t.Fatalf("%+v %v", h, err)
	}
	back, err := PasswordPipeline([]byte("my_password"), compression.None).Reverse(res.Data)
	if err != nil || !bytes.Equal(back.Data, pipelineData()) {
		t.Fatal(err)
	}
	if (Metrics{}).CompressionRatio() != 0 {
		t.Error("ratio of nothing")
	}
}

// TestTHEPMalformed edits the original's pipeline header: every edit is
// caught (by the CRC, or by the checks of the fields).
func TestTHEPMalformed(t *testing.T) {
	dir, key, _ := originalCrypto(t)
	b := readFixture(t, dir, "pipeline.bin")
	for name, m := range map[string][]byte{
		"version":   append([]byte("THEP\x02"), b[5:]...),
		"reserved":  append(append([]byte{}, b[:7]...), append([]byte{1}, b[8:]...)...),
		"stages":    append([]byte("THEP\x01\x00\x09"), b[7:]...),
		"no stages": []byte("THEP\x01\x00\x00\x00"),
		"short":     b[:6],
	} {
		if _, err := ReverseOriginal(m, key, 0); err == nil || !typed(err) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
