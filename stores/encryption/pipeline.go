package encryption

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/truthound/truthound-go/stores/compression"
)

// The pipeline format ("THPL", version 1) that [Pipeline.Process] writes.
// Integers are big-endian.
//
//	magic          4  "THPL"
//	version        1  1
//	flags          1  bit 0 compressed, bit 1 encrypted, bit 2 checksum
//	compression    1  compression.Algorithm id (0 when not compressed)
//	original size  8  plaintext length
//	payload           encrypted: a sealed blob ([Seal] format, whose header
//	                  names the algorithm, the KDF and salt for a password,
//	                  and the key id), sealed with these 15 bytes as
//	                  associated data; else the (compressed) data
//	checksum      32  SHA-256 of every byte before it (checksum flag only)
//
// An encrypted pipeline authenticates all of it: its 15-byte header is the
// sealed blob's associated data and the sealed header is bound by the blob
// itself. Unlike the original, a password pipeline stores its salt and KDF
// parameters in the output, so Reverse needs only the password.
const (
	pipeMagic     = "THPL"
	pipeVersion   = 1
	pipeFlagComp  = 1 << 0
	pipeFlagEnc   = 1 << 1
	pipeFlagSum   = 1 << 2
	pipeFlagsAll  = pipeFlagComp | pipeFlagEnc | pipeFlagSum
	pipeHeaderLen = 15
)

// DefaultPipelineLimit bounds the plaintext size [Pipeline.Reverse] accepts
// when Pipeline.Limit is not set: 1 GiB.
const DefaultPipelineLimit = 1 << 30

// Pipeline compresses, encrypts and checksums data, always in that order,
// and reverses it. Build one with [NewPipeline] and its fluent methods, or
// with [SecurePipeline], [FastPipeline] or [PasswordPipeline]. A builder
// error (for example a key of the wrong size) is kept and returned by
// Process and Reverse. A Pipeline is safe for concurrent use once built.
type Pipeline struct {
	compress    bool
	compAlg     compression.Algorithm
	compLevel   compression.Level
	encrypt     bool
	alg         Algorithm
	secret      Secret
	kdf         KDF
	kdfParams   *KDFParams
	keyID       string
	keyVersion  uint32
	checksum    bool
	stats       *Stats
	limit       int64
	err         error
	mu          sync.Mutex
	derivedKey  []byte        // password key for writing
	derivedHead *SealedHeader // its header template
	readCache   struct {
		salt   []byte
		params KDFParams
		kdf    KDF
		key    []byte
	}
}

// NewPipeline returns an empty pipeline: Process copies the data into the
// pipeline format with no stage. Add stages with the fluent methods.
func NewPipeline() *Pipeline { return &Pipeline{} }

func (p *Pipeline) fail(err error) *Pipeline {
	if p.err == nil {
		p.err = err
	}
	return p
}

// Compress adds a compression stage with algorithm a at level l.
func (p *Pipeline) Compress(a compression.Algorithm, l compression.Level) *Pipeline {
	if a == compression.None {
		p.compress = false
		return p
	}
	if _, err := compression.ParseAlgorithm(a.String()); err != nil {
		return p.fail(fmt.Errorf("%w: compression %v", ErrInvalidOption, a))
	}
	p.compress, p.compAlg, p.compLevel = true, a, l
	return p
}

// Encrypt adds an encryption stage with AEAD alg under key.
func (p *Pipeline) Encrypt(alg Algorithm, key []byte) *Pipeline {
	if !alg.IsAEAD() {
		return p.fail(fmt.Errorf("%w: pipelines encrypt with an AEAD, not %v", ErrInvalidAlgorithm, alg))
	}
	if len(key) != alg.KeySize() {
		return p.fail(fmt.Errorf("%w: %v takes a %d-byte key, got %d bytes", ErrInvalidKey, alg, alg.KeySize(), len(key)))
	}
	p.encrypt, p.alg, p.secret = true, alg, KeySecret(key)
	return p
}

// EncryptWithPassword adds an encryption stage with AEAD alg under a key
// derived from password with kdf (0 means Argon2id) and params (nil means the
// defaults). The key is derived once per pipeline with a random salt, and the
// salt and parameters are stored in every output.
func (p *Pipeline) EncryptWithPassword(alg Algorithm, password []byte, kdf KDF, params *KDFParams) *Pipeline {
	if !alg.IsAEAD() {
		return p.fail(fmt.Errorf("%w: pipelines encrypt with an AEAD, not %v", ErrInvalidAlgorithm, alg))
	}
	if kdf == 0 {
		kdf = Argon2id
	}
	if _, ok := kdfNames[kdf]; !ok {
		return p.fail(fmt.Errorf("%w: %v", ErrInvalidKDF, kdf))
	}
	p.encrypt, p.alg, p.secret, p.kdf, p.kdfParams = true, alg, PasswordSecret(password), kdf, params
	return p
}

// KeyID records a key id and version in the encrypted output, so a reader
// can find the key (at most 255 bytes).
func (p *Pipeline) KeyID(id string, version uint32) *Pipeline {
	if len(id) > 255 {
		return p.fail(fmt.Errorf("%w: key id of %d bytes (max 255)", ErrInvalidOption, len(id)))
	}
	p.keyID, p.keyVersion = id, version
	return p
}

// Checksum adds a SHA-256 checksum of the output.
func (p *Pipeline) Checksum() *Pipeline {
	p.checksum = true
	return p
}

// WithStats records every Process and Reverse into s.
func (p *Pipeline) WithStats(s *Stats) *Pipeline {
	p.stats = s
	return p
}

// Limit sets the largest plaintext Reverse accepts (default
// [DefaultPipelineLimit]); larger claims fail with [ErrTooLarge].
func (p *Pipeline) Limit(n int64) *Pipeline {
	p.limit = n
	return p
}

// Err returns the first error of the builder methods, if any.
func (p *Pipeline) Err() error { return p.err }

// SecurePipeline returns the original's secure pipeline: compress with c
// (compression.None for none) at the balanced level, encrypt with
// AES-256-GCM under key, then checksum.
func SecurePipeline(key []byte, c compression.Algorithm) *Pipeline {
	return NewPipeline().Compress(c, compression.Balanced).Encrypt(AES256GCM, key).Checksum()
}

// FastPipeline returns the original's fast pipeline: LZ4 at the fastest
// level, then ChaCha20-Poly1305 under key; no checksum (the AEAD tag already
// authenticates everything).
func FastPipeline(key []byte) *Pipeline {
	return NewPipeline().Compress(compression.LZ4, compression.Fastest).Encrypt(ChaCha20Poly1305, key)
}

// PasswordPipeline returns a secure pipeline whose AES-256-GCM key is derived
// from password with Argon2id (the original's parameters) and a random salt
// stored in the output.
func PasswordPipeline(password []byte, c compression.Algorithm) *Pipeline {
	return NewPipeline().Compress(c, compression.Balanced).EncryptWithPassword(AES256GCM, password, Argon2id, nil).Checksum()
}

// Metrics describes one Process or Reverse.
type Metrics struct {
	// InputSize and OutputSize are the sizes of the data given and returned.
	InputSize, OutputSize int
	// PlaintextSize and CompressedSize are the sizes before and after
	// compression (equal when not compressed).
	PlaintextSize, CompressedSize int
	// CompressTime, EncryptTime and ChecksumTime are the time of each stage
	// (decompression, decryption and verification in Reverse); Total is the
	// whole call.
	CompressTime, EncryptTime, ChecksumTime, Total time.Duration
}

// CompressionRatio returns PlaintextSize / CompressedSize, or 0 when
// CompressedSize is 0.
func (m Metrics) CompressionRatio() float64 {
	if m.CompressedSize == 0 {
		return 0
	}
	return float64(m.PlaintextSize) / float64(m.CompressedSize)
}

// Result is the output of [Pipeline.Process] or [Pipeline.Reverse].
type Result struct {
	// Data is the processed bytes: the pipeline format after Process, the
	// plaintext after Reverse.
	Data    []byte
	Metrics Metrics
}

func (p *Pipeline) writeKey() (*SealedHeader, []byte, error) {
	if !p.secret.IsPassword() {
		h := &SealedHeader{Algorithm: p.alg, KeyID: p.keyID, KeyVersion: p.keyVersion}
		h.raw = h.marshal()
		return h, p.secret.key, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.derivedKey == nil {
		h, key, err := newSealHeader(p.secret, SealOptions{Algorithm: p.alg, KDF: p.kdf, KDFParams: p.kdfParams,
			KeyID: p.keyID, KeyVersion: p.keyVersion}, false)
		if err != nil {
			return nil, nil, err
		}
		p.derivedKey, p.derivedHead = key, h
	}
	return p.derivedHead, p.derivedKey, nil
}

// Process runs data through the stages and returns the pipeline format
// described at the top of this file, with metrics.
func (p *Pipeline) Process(data []byte) (*Result, error) {
	if p.err != nil {
		return nil, p.err
	}
	start := time.Now()
	m := Metrics{InputSize: len(data), PlaintextSize: len(data)}
	var flags, compID byte
	if p.compress {
		flags |= pipeFlagComp
		compID = byte(p.compAlg)
	}
	if p.encrypt {
		flags |= pipeFlagEnc
	}
	if p.checksum {
		flags |= pipeFlagSum
	}
	out := make([]byte, 0, pipeHeaderLen+len(data)+128)
	out = append(out, pipeMagic...)
	out = append(out, pipeVersion, flags, compID)
	out = binary.BigEndian.AppendUint64(out, uint64(len(data)))
	payload := data
	if p.compress {
		t := time.Now()
		c, err := compression.Compress(nil, data, p.compAlg, p.compLevel)
		if err != nil {
			return nil, err
		}
		payload = c
		m.CompressTime = time.Since(t)
	}
	m.CompressedSize = len(payload)
	if p.encrypt {
		t := time.Now()
		h, key, err := p.writeKey()
		if err == nil {
			header := bytes.Clone(out)
			out, err = sealWithKey(out, h, key, payload, header)
		}
		m.EncryptTime = time.Since(t)
		p.stats.Record(OpEncrypt, p.alg, int64(len(payload)), int64(len(out)), m.EncryptTime, err)
		if err != nil {
			return nil, err
		}
	} else {
		out = append(out, payload...)
	}
	if p.checksum {
		t := time.Now()
		sum := sha256.Sum256(out)
		out = append(out, sum[:]...)
		m.ChecksumTime = time.Since(t)
	}
	m.OutputSize = len(out)
	m.Total = time.Since(start)
	return &Result{Data: out, Metrics: m}, nil
}

func (p *Pipeline) readKey(h *SealedHeader) ([]byte, error) {
	if h.KDF == 0 {
		return h.key(p.secret)
	}
	if !p.secret.IsPassword() {
		return nil, fmt.Errorf("%w: data was encrypted under a password, not a key", ErrInvalidKey)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	c := &p.readCache
	if c.key != nil && c.kdf == h.KDF && bytes.Equal(c.salt, h.Salt) && kdfParamsEqual(c.params, h.KDFParams) {
		return c.key, nil
	}
	key, err := h.key(p.secret)
	if err != nil {
		return nil, err
	}
	// The previous key is not zeroed: a concurrent Reverse may still use it.
	c.key, c.kdf, c.salt, c.params = key, h.KDF, bytes.Clone(h.Salt), h.KDFParams
	return key, nil
}

func kdfParamsEqual(a, b KDFParams) bool {
	return a.Iterations == b.Iterations && a.MemoryKiB == b.MemoryKiB && a.Parallelism == b.Parallelism &&
		a.ScryptN == b.ScryptN && a.ScryptR == b.ScryptR && a.ScryptP == b.ScryptP &&
		bytes.Equal(a.Info, b.Info) && a.KeyLen == b.KeyLen
}

// Reverse undoes Process: it verifies the checksum, decrypts and decompresses
// data written by [Pipeline.Process], or by the original's pipeline (the
// "THEP" format, see [ReverseOriginal]). The stages are read from the data;
// the pipeline supplies the key or password. A bad checksum fails with
// [ErrCorrupt]; a wrong key or any changed byte of encrypted data with
// [ErrAuthentication]; a size above the limit with [ErrTooLarge].
func (p *Pipeline) Reverse(data []byte) (*Result, error) {
	if p.err != nil {
		return nil, p.err
	}
	if len(data) >= 4 && string(data[:4]) == thepMagic {
		start := time.Now()
		pt, err := reverseTHEP(data, p.secret.key, p.maxSize())
		p.stats.Record(OpDecrypt, AES256GCM, int64(len(pt)), int64(len(data)), time.Since(start), err)
		if err != nil {
			return nil, err
		}
		return &Result{Data: pt, Metrics: Metrics{InputSize: len(data), OutputSize: len(pt), PlaintextSize: len(pt), Total: time.Since(start)}}, nil
	}
	start := time.Now()
	m := Metrics{InputSize: len(data)}
	if len(data) < 4 || string(data[:4]) != pipeMagic {
		return nil, fmt.Errorf("%w: not pipeline data (magic %q, want %q or %q)", ErrFormat, data[:min(4, len(data))], pipeMagic, thepMagic)
	}
	if len(data) < pipeHeaderLen {
		return nil, fmt.Errorf("%w: pipeline data of %d bytes", ErrTruncated, len(data))
	}
	if data[4] != pipeVersion {
		return nil, fmt.Errorf("%w: pipeline version %d (want %d)", ErrFormat, data[4], pipeVersion)
	}
	flags, compID := data[5], compression.Algorithm(data[6])
	if flags&^pipeFlagsAll != 0 {
		return nil, fmt.Errorf("%w: pipeline flags 0x%02x", ErrFormat, flags)
	}
	if (flags&pipeFlagComp == 0) != (compID == 0) {
		return nil, fmt.Errorf("%w: pipeline compression id %d with flags 0x%02x", ErrFormat, compID, flags)
	}
	size := binary.BigEndian.Uint64(data[7:15])
	if size > uint64(p.maxSize()) {
		return nil, fmt.Errorf("%w: pipeline claims %d bytes, limit %d", ErrTooLarge, size, p.maxSize())
	}
	body := data[pipeHeaderLen:]
	if flags&pipeFlagSum != 0 {
		t := time.Now()
		if len(body) < sha256.Size {
			return nil, fmt.Errorf("%w: pipeline checksum missing", ErrTruncated)
		}
		n := len(data) - sha256.Size
		sum := sha256.Sum256(data[:n])
		if subtle.ConstantTimeCompare(sum[:], data[n:]) != 1 {
			return nil, fmt.Errorf("%w: pipeline SHA-256 checksum mismatch", ErrCorrupt)
		}
		body = data[pipeHeaderLen:n]
		m.ChecksumTime = time.Since(t)
	}
	payload := body
	if flags&pipeFlagEnc != 0 {
		t := time.Now()
		pt, alg, err := p.open(body, data[:pipeHeaderLen])
		m.EncryptTime = time.Since(t)
		p.stats.Record(OpDecrypt, alg, int64(len(pt)), int64(len(body)), m.EncryptTime, err)
		if err != nil {
			return nil, err
		}
		payload = pt
	}
	m.CompressedSize = len(payload)
	out := payload
	if flags&pipeFlagComp != 0 {
		t := time.Now()
		d, err := compression.Decompress(nil, payload, compID, int64(size))
		if err != nil {
			if errors.Is(err, compression.ErrTooLarge) {
				return nil, fmt.Errorf("%w: pipeline data decompresses past its size %d", ErrCorrupt, size)
			}
			return nil, fmt.Errorf("%w: pipeline decompression: %w", ErrCorrupt, err)
		}
		out = d
		m.CompressTime = time.Since(t)
	} else if flags&pipeFlagEnc == 0 {
		out = bytes.Clone(payload)
	}
	if uint64(len(out)) != size {
		return nil, fmt.Errorf("%w: pipeline data of %d bytes, header says %d", ErrCorrupt, len(out), size)
	}
	m.PlaintextSize, m.OutputSize = len(out), len(out)
	m.Total = time.Since(start)
	return &Result{Data: out, Metrics: m}, nil
}

func (p *Pipeline) maxSize() int64 {
	if p.limit > 0 {
		return p.limit
	}
	return DefaultPipelineLimit
}

func (p *Pipeline) open(sealed, header []byte) ([]byte, Algorithm, error) {
	if p.secret.key == nil && p.secret.password == nil {
		return nil, 0, fmt.Errorf("%w: pipeline data is encrypted and the pipeline has no key", ErrInvalidKey)
	}
	h, err := ParseSealedHeader(sealed)
	if err != nil {
		return nil, 0, err
	}
	if h.Streamed {
		return nil, h.Algorithm, fmt.Errorf("%w: streamed body inside pipeline data", ErrFormat)
	}
	key, err := p.readKey(h)
	if err != nil {
		return nil, h.Algorithm, err
	}
	aead, err := NewAEAD(h.Algorithm, key)
	if err != nil {
		return nil, h.Algorithm, err
	}
	pt, err := openAEAD(aead, h.raw, sealed[h.Len():], header)
	return pt, h.Algorithm, err
}
