package encryption_test

import (
	"bytes"
	"fmt"
	"io"

	"github.com/truthound/truthound-go/stores/compression"
	"github.com/truthound/truthound-go/stores/encryption"
)

func ExampleEncrypt() {
	key, _ := encryption.GenerateKey(encryption.AES256GCM)
	blob, _ := encryption.Encrypt(encryption.AES256GCM, key, []byte("sensitive validation results"), nil)
	fmt.Println(len(blob)) // nonce (12) + 28 bytes + tag (16)
	pt, _ := encryption.Decrypt(encryption.AES256GCM, key, blob, nil)
	fmt.Println(string(pt))
	// Output:
	// 56
	// sensitive validation results
}

func ExampleDeriveKey() {
	key, salt, _ := encryption.DeriveKey([]byte("pw"), []byte("saltsaltsaltsalt"), encryption.PBKDF2SHA256, nil)
	fmt.Printf("%x %s\n", key[:8], salt)
	// Output: 46a3db3ddc901674 saltsaltsaltsalt
}

func ExampleSeal() {
	key, _ := encryption.GenerateKey(encryption.AES256GCM)
	blob, _ := encryption.Seal(encryption.KeySecret(key), []byte("result body"),
		&encryption.SealOptions{KeyID: "results-key", KeyVersion: 2, AssociatedData: []byte("default/run-1")})
	h, _ := encryption.ParseSealedHeader(blob)
	fmt.Println(h.Algorithm, h.KeyID, h.KeyVersion)
	pt, _ := encryption.Open(encryption.KeySecret(key), blob, []byte("default/run-1"))
	fmt.Println(string(pt))
	blob[10] ^= 1
	_, err := encryption.Open(encryption.KeySecret(key), blob, []byte("default/run-1"))
	fmt.Println(err)
	// Output:
	// aes-256-gcm results-key 2
	// result body
	// encryption: authentication failed: sealed blob
}

func ExampleNewSealWriter() {
	var buf bytes.Buffer
	secret := encryption.PasswordSecret([]byte("correct horse"))
	w, _ := encryption.NewSealWriter(&buf, secret, &encryption.SealOptions{
		KDF: encryption.Scrypt, KDFParams: &encryption.KDFParams{ScryptN: 1 << 10}})
	io.WriteString(w, "streamed, any size")
	w.Close()
	r, _ := encryption.NewSealReader(&buf, secret, nil)
	pt, _ := io.ReadAll(r)
	fmt.Println(string(pt))
	// Output: streamed, any size
}

func ExamplePipeline() {
	key := make([]byte, 32)
	p := encryption.NewPipeline().
		Compress(compression.Gzip, compression.Balanced).
		Encrypt(encryption.AES256GCM, key).
		Checksum()
	data := bytes.Repeat([]byte("validation result "), 100)
	res, _ := p.Process(data)
	fmt.Println(res.Metrics.CompressionRatio() > 10)
	back, _ := p.Reverse(res.Data)
	fmt.Println(bytes.Equal(back.Data, data))
	// Output:
	// true
	// true
}

func ExampleEnvelope() {
	kek1 := encryption.KEK{ID: "master", Version: 1, Key: make([]byte, 32)}
	env := &encryption.Envelope{KEK: kek1}
	blob, _ := env.Encrypt([]byte("large dataset"), nil)

	kek2 := encryption.KEK{ID: "master", Version: 2, Key: bytes.Repeat([]byte{1}, 32)}
	rotated, _ := encryption.Rewrap(blob, kek1, kek2) // data is not re-encrypted
	h, _ := encryption.ParseEnvelopeHeader(rotated)
	pt, _ := (&encryption.Envelope{KEK: kek2}).Decrypt(rotated, nil)
	fmt.Println(h.KEKID, h.KEKVersion, string(pt))
	// Output: master 2 large dataset
}

func ExampleFernetEncrypt() {
	key, _ := encryption.GenerateKey(encryption.Fernet)
	tok, _ := encryption.FernetEncrypt(key, []byte("hello"))
	pt, _ := encryption.FernetDecrypt(key, tok, nil)
	fmt.Println(string(tok[:4]), string(pt))
	// Output: gAAA hello
}

func ExampleStats() {
	var stats encryption.Stats
	p := encryption.FastPipeline(make([]byte, 32)).WithStats(&stats)
	res, _ := p.Process([]byte("data"))
	p.Reverse(res.Data)
	s := stats.Snapshot()
	fmt.Println(s.Encryptions, s.Decryptions, s.AlgorithmUse[encryption.ChaCha20Poly1305])
	// Output: 1 1 2
}
