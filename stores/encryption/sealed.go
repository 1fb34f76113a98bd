package encryption

import (
	"bufio"
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
)

// The sealed format ("THSL", version 1), what [Seal] and [NewSealWriter]
// write. All integers are big-endian.
//
//	magic        4  "THSL"
//	version      1  1
//	algorithm    1  an AEAD [Algorithm] id (1-4)
//	flags        1  bit 0: password section, bit 1: key-id section,
//	                bit 2: streamed body; other bits must be 0
//	[password]      kdf u8 | p1 u32 | p2 u32 | p3 u32 | info len u8 | info |
//	                salt len u8 (1-255) | salt
//	                (argon2id: p1=t p2=m KiB p3=p; pbkdf2: p1=iterations;
//	                scrypt: p1=N p2=r p3=p; hkdf: info)
//	[key id]        id len u8 (1-255) | id | key version u32
//	nonce           the algorithm's nonce size (one-shot body only)
//	body            one-shot: ciphertext || tag
//	                streamed: a stream of [NewWriter]
//
// The header (everything before the nonce) followed by the caller's
// associated data is the associated data of the body, so changing any header
// byte fails authentication: one-shot bodies bind it directly, streamed
// bodies bind it into every chunk through StreamOptions.AssociatedData.
const (
	sealMagic      = "THSL"
	sealVersion    = 1
	sealFlagPass   = 1 << 0
	sealFlagKeyID  = 1 << 1
	sealFlagStream = 1 << 2
	sealFlagsKnown = sealFlagPass | sealFlagKeyID | sealFlagStream
	sealFixedLen   = 7
)

// Secret is what a sealed blob is encrypted under: a raw key or a password
// from which the key is derived with the KDF named in the header.
type Secret struct {
	key      []byte
	password []byte
}

// KeySecret returns a Secret holding a raw key of the algorithm's size.
func KeySecret(key []byte) Secret { return Secret{key: key} }

// PasswordSecret returns a Secret holding a password; the key is derived with
// SealOptions.KDF and a random salt stored in the header.
func PasswordSecret(password []byte) Secret { return Secret{password: password} }

// IsPassword reports whether s holds a password rather than a key.
func (s Secret) IsPassword() bool { return s.password != nil }

// SealOptions configures [Seal] and [NewSealWriter]. The zero value means
// AES-256-GCM, no key id and, for a password, Argon2id with the original's
// parameters and a random 16-byte salt.
type SealOptions struct {
	// Algorithm is the AEAD; 0 means AES256GCM. Fernet is rejected.
	Algorithm Algorithm
	// KDF derives the key from a password; 0 means Argon2id.
	KDF KDF
	// KDFParams are the KDF's parameters; nil or zero fields take the defaults.
	KDFParams *KDFParams
	// Salt is the KDF salt; empty means a random DefaultSaltSize-byte salt.
	Salt []byte
	// KeyID and KeyVersion name the key in the header (at most 255 bytes).
	KeyID      string
	KeyVersion uint32
	// AssociatedData is authenticated but not stored: Open needs the same.
	AssociatedData []byte
	// ChunkSize is the chunk size of a streamed body; 0 means DefaultChunkSize.
	ChunkSize int
}

// SealedHeader is the parsed header of a sealed blob. It is not authenticated
// until the body opens.
type SealedHeader struct {
	Algorithm  Algorithm
	KDF        KDF // 0 when the blob was sealed under a raw key
	KDFParams  KDFParams
	Salt       []byte
	KeyID      string
	KeyVersion uint32
	Streamed   bool
	raw        []byte
}

// Len returns the encoded length of the header, without the nonce.
func (h *SealedHeader) Len() int { return len(h.raw) }

func (o *SealOptions) withDefaults() SealOptions {
	var out SealOptions
	if o != nil {
		out = *o
	}
	if out.Algorithm == 0 {
		out.Algorithm = AES256GCM
	}
	if out.KDF == 0 {
		out.KDF = Argon2id
	}
	return out
}

// newSealHeader builds the header for s and o and returns it with the key.
func newSealHeader(s Secret, o SealOptions, streamed bool) (*SealedHeader, []byte, error) {
	if !o.Algorithm.IsAEAD() {
		return nil, nil, fmt.Errorf("%w: %v cannot be sealed (AEAD only)", ErrInvalidAlgorithm, o.Algorithm)
	}
	if len(o.KeyID) > 255 {
		return nil, nil, fmt.Errorf("%w: key id of %d bytes (max 255)", ErrInvalidOption, len(o.KeyID))
	}
	h := &SealedHeader{Algorithm: o.Algorithm, KeyID: o.KeyID, KeyVersion: o.KeyVersion, Streamed: streamed}
	key := s.key
	if s.IsPassword() {
		var p KDFParams
		if o.KDFParams != nil {
			p = *o.KDFParams
		}
		p = p.withDefaults(o.KDF)
		p.KeyLen = o.Algorithm.KeySize()
		if len(o.Salt) > 255 || len(p.Info) > 255 {
			return nil, nil, fmt.Errorf("%w: salt and info are at most 255 bytes", ErrInvalidOption)
		}
		var salt []byte
		if len(o.Salt) > 0 {
			salt = o.Salt
		}
		k, salt, err := DeriveKey(s.password, salt, o.KDF, &p)
		if err != nil {
			return nil, nil, err
		}
		key, h.KDF, h.KDFParams, h.Salt = k, o.KDF, p, salt
	} else if len(key) != o.Algorithm.KeySize() {
		return nil, nil, fmt.Errorf("%w: %v takes a %d-byte key, got %d bytes", ErrInvalidKey, o.Algorithm, o.Algorithm.KeySize(), len(key))
	}
	h.raw = h.marshal()
	return h, key, nil
}

func kdfFields(k KDF, p KDFParams) (p1, p2, p3 uint32) {
	switch k {
	case Argon2id:
		return p.Iterations, p.MemoryKiB, uint32(p.Parallelism)
	case PBKDF2SHA256, PBKDF2SHA512:
		return p.Iterations, 0, 0
	case Scrypt:
		return p.ScryptN, p.ScryptR, p.ScryptP
	}
	return 0, 0, 0
}

func (h *SealedHeader) marshal() []byte {
	b := make([]byte, 0, 64+len(h.KeyID)+len(h.Salt))
	b = append(b, sealMagic...)
	var flags byte
	if h.KDF != 0 {
		flags |= sealFlagPass
	}
	if h.KeyID != "" {
		flags |= sealFlagKeyID
	}
	if h.Streamed {
		flags |= sealFlagStream
	}
	b = append(b, sealVersion, byte(h.Algorithm), flags)
	if h.KDF != 0 {
		p1, p2, p3 := kdfFields(h.KDF, h.KDFParams)
		b = append(b, byte(h.KDF))
		b = binary.BigEndian.AppendUint32(b, p1)
		b = binary.BigEndian.AppendUint32(b, p2)
		b = binary.BigEndian.AppendUint32(b, p3)
		var info []byte
		if h.KDF == HKDFSHA256 {
			info = h.KDFParams.Info
		}
		b = append(b, byte(len(info)))
		b = append(b, info...)
		b = append(b, byte(len(h.Salt)))
		b = append(b, h.Salt...)
	}
	if h.KeyID != "" {
		b = append(b, byte(len(h.KeyID)))
		b = append(b, h.KeyID...)
		b = binary.BigEndian.AppendUint32(b, h.KeyVersion)
	}
	return b
}

// ParseSealedHeader parses the header at the start of a sealed blob, so a
// caller can learn the key id, algorithm or KDF before choosing a key. The
// header is authenticated only when the body is opened.
func ParseSealedHeader(sealed []byte) (*SealedHeader, error) {
	return readSealedHeader(bufio.NewReader(bytes.NewReader(sealed)))
}

// byteReader is what readSealedHeader needs.
type byteReader interface {
	io.Reader
	io.ByteReader
}

func readSealedHeader(r byteReader) (*SealedHeader, error) {
	var raw []byte
	fail := func(err error) (*SealedHeader, error) {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("%w: sealed header ends after %d bytes", ErrTruncated, len(raw))
		}
		return nil, err
	}
	read := func(n int) ([]byte, error) {
		start := len(raw)
		raw = append(raw, make([]byte, n)...)
		_, err := io.ReadFull(r, raw[start:])
		return raw[start:], err
	}
	u8 := func() (byte, error) {
		b, err := r.ReadByte()
		if err == nil {
			raw = append(raw, b)
		}
		return b, err
	}
	u32 := func() (uint32, error) {
		b, err := read(4)
		if err != nil {
			return 0, err
		}
		return binary.BigEndian.Uint32(b), nil
	}
	fixed, err := read(sealFixedLen)
	if err != nil {
		if len(raw) > 0 && string(fixed[:min(4, len(fixed))]) != sealMagic[:min(4, len(fixed))] {
			return nil, fmt.Errorf("%w: not a sealed blob (magic %q)", ErrFormat, fixed[:min(4, len(fixed))])
		}
		return fail(err)
	}
	if string(fixed[:4]) != sealMagic {
		return nil, fmt.Errorf("%w: not a sealed blob (magic %q, want %q)", ErrFormat, fixed[:4], sealMagic)
	}
	if fixed[4] != sealVersion {
		return nil, fmt.Errorf("%w: sealed version %d (want %d)", ErrFormat, fixed[4], sealVersion)
	}
	h := &SealedHeader{Algorithm: Algorithm(fixed[5])}
	if !h.Algorithm.IsAEAD() {
		return nil, fmt.Errorf("%w: sealed algorithm id %d", ErrFormat, fixed[5])
	}
	flags := fixed[6]
	if flags&^sealFlagsKnown != 0 {
		return nil, fmt.Errorf("%w: sealed flags 0x%02x", ErrFormat, flags)
	}
	h.Streamed = flags&sealFlagStream != 0
	if flags&sealFlagPass != 0 {
		k, err := u8()
		if err != nil {
			return fail(err)
		}
		h.KDF = KDF(k)
		if _, ok := kdfNames[h.KDF]; !ok {
			return nil, fmt.Errorf("%w: sealed kdf id %d", ErrFormat, k)
		}
		var p [3]uint32
		for i := range p {
			if p[i], err = u32(); err != nil {
				return fail(err)
			}
		}
		n, err := u8()
		if err != nil {
			return fail(err)
		}
		info, err := read(int(n))
		if err != nil {
			return fail(err)
		}
		kp := KDFParams{KeyLen: h.Algorithm.KeySize(), Info: bytes.Clone(info)}
		switch h.KDF {
		case Argon2id:
			if p[2] > 255 {
				return nil, fmt.Errorf("%w: argon2id parallelism %d", ErrFormat, p[2])
			}
			kp.Iterations, kp.MemoryKiB, kp.Parallelism = p[0], p[1], uint8(p[2])
		case PBKDF2SHA256, PBKDF2SHA512:
			kp.Iterations = p[0]
		case Scrypt:
			kp.ScryptN, kp.ScryptR, kp.ScryptP = p[0], p[1], p[2]
		}
		if h.KDF != HKDFSHA256 && n != 0 {
			return nil, fmt.Errorf("%w: info given for %v", ErrFormat, h.KDF)
		}
		if err := kp.withDefaults(h.KDF).validate(h.KDF); err != nil || (h.KDF != HKDFSHA256 && p[0] == 0) {
			return nil, fmt.Errorf("%w: sealed kdf parameters %v %v", ErrFormat, h.KDF, p)
		}
		h.KDFParams = kp
		if n, err = u8(); err != nil {
			return fail(err)
		}
		if n == 0 {
			return nil, fmt.Errorf("%w: empty salt", ErrFormat)
		}
		salt, err := read(int(n))
		if err != nil {
			return fail(err)
		}
		h.Salt = bytes.Clone(salt)
	}
	if flags&sealFlagKeyID != 0 {
		n, err := u8()
		if err != nil {
			return fail(err)
		}
		if n == 0 {
			return nil, fmt.Errorf("%w: empty key id", ErrFormat)
		}
		id, err := read(int(n))
		if err != nil {
			return fail(err)
		}
		h.KeyID = string(id)
		if h.KeyVersion, err = u32(); err != nil {
			return fail(err)
		}
	}
	h.raw = raw
	return h, nil
}

// key returns the key for h from s, deriving it when s is a password.
func (h *SealedHeader) key(s Secret) ([]byte, error) {
	if h.KDF == 0 {
		if s.IsPassword() {
			return nil, fmt.Errorf("%w: blob was sealed under a key, not a password", ErrInvalidKey)
		}
		if len(s.key) != h.Algorithm.KeySize() {
			return nil, fmt.Errorf("%w: %v takes a %d-byte key, got %d bytes", ErrInvalidKey, h.Algorithm, h.Algorithm.KeySize(), len(s.key))
		}
		return s.key, nil
	}
	if !s.IsPassword() {
		return nil, fmt.Errorf("%w: blob was sealed under a password, not a key", ErrInvalidKey)
	}
	k, _, err := DeriveKey(s.password, h.Salt, h.KDF, &h.KDFParams)
	return k, err
}

func sealAD(header, aad []byte) []byte {
	ad := make([]byte, 0, len(header)+len(aad))
	return append(append(ad, header...), aad...)
}

// Seal encrypts plaintext under s into a sealed blob whose header names the
// algorithm, the KDF and salt when s is a password, and the key id and version
// when given. The header is authenticated.
func Seal(s Secret, plaintext []byte, opts *SealOptions) ([]byte, error) {
	o := opts.withDefaults()
	h, key, err := newSealHeader(s, o, false)
	if err != nil {
		return nil, err
	}
	if s.IsPassword() {
		defer zero(key)
	}
	return sealWithKey(nil, h, key, plaintext, o.AssociatedData)
}

// sealWithKey appends header || nonce || ct || tag to dst.
func sealWithKey(dst []byte, h *SealedHeader, key, plaintext, aad []byte) ([]byte, error) {
	aead, err := NewAEAD(h.Algorithm, key)
	if err != nil {
		return nil, err
	}
	return sealAEAD(dst, h.raw, aead, plaintext, aad)
}

func sealAEAD(dst, header []byte, aead cipher.AEAD, plaintext, aad []byte) ([]byte, error) {
	ns := aead.NonceSize()
	hl := len(dst) + len(header)
	out := slices.Grow(dst, len(header)+ns+len(plaintext)+aead.Overhead())
	out = append(out, header...)
	out = out[:hl+ns]
	nonce := out[hl : hl+ns]
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	ad := header
	if len(aad) > 0 {
		ad = sealAD(header, aad)
	}
	return aead.Seal(out, nonce, plaintext, ad), nil
}

// Open decrypts a sealed blob written by [Seal] or [NewSealWriter] with s and
// the same associated data. A wrong key or password, other associated data or
// any changed byte fails with [ErrAuthentication]; a blob cut short with
// [ErrTruncated] or [ErrAuthentication]; another format with [ErrFormat].
func Open(s Secret, sealed, aad []byte) ([]byte, error) {
	h, err := ParseSealedHeader(sealed)
	if err != nil {
		return nil, err
	}
	key, err := h.key(s)
	if err != nil {
		return nil, err
	}
	if s.IsPassword() {
		defer zero(key)
	}
	body := sealed[h.Len():]
	if h.Streamed {
		if len(body) < 4 || string(body[:4]) != streamMagic {
			return nil, fmt.Errorf("%w: sealed stream body does not start with %q", ErrFormat, streamMagic)
		}
		r, err := NewReader(bytes.NewReader(body), key, &StreamOptions{AssociatedData: sealAD(h.raw, aad)})
		if err != nil {
			return nil, err
		}
		return io.ReadAll(r)
	}
	aead, err := NewAEAD(h.Algorithm, key)
	if err != nil {
		return nil, err
	}
	return openAEAD(aead, h.raw, body, aad)
}

func openAEAD(aead cipher.AEAD, header, body, aad []byte) ([]byte, error) {
	ns := aead.NonceSize()
	if len(body) < ns+aead.Overhead() {
		return nil, fmt.Errorf("%w: sealed body of %d bytes is shorter than nonce and tag", ErrTruncated, len(body))
	}
	ad := header
	if len(aad) > 0 {
		ad = sealAD(header, aad)
	}
	pt, err := aead.Open(nil, body[:ns], body[ns:], ad)
	if err != nil {
		return nil, fmt.Errorf("%w: sealed blob", ErrAuthentication)
	}
	return pt, nil
}

// NewSealWriter returns a writer that encrypts everything written to it into
// dst as a sealed blob with a streamed body: the sealed header, then a stream
// of [NewWriter] whose chunks all bind the header. Memory stays at one chunk
// whatever the size. Close writes the final chunk and does not close dst.
// [Open] and [NewSealReader] read the result.
func NewSealWriter(dst io.Writer, s Secret, opts *SealOptions) (io.WriteCloser, error) {
	o := opts.withDefaults()
	h, key, err := newSealHeader(s, o, true)
	if err != nil {
		return nil, err
	}
	if _, err := dst.Write(h.raw); err != nil {
		return nil, err
	}
	w, err := NewWriter(dst, key, &StreamOptions{
		Algorithm:      o.Algorithm,
		ChunkSize:      o.ChunkSize,
		AssociatedData: sealAD(h.raw, o.AssociatedData),
	})
	if s.IsPassword() {
		zero(key)
	}
	return w, err
}

// NewSealReader returns a reader of the plaintext of a sealed blob read from
// src, either a one-shot blob (read whole) or a streamed one (read a chunk at
// a time, so memory stays flat). Errors are those of [Open] and [NewReader];
// the reader returns io.EOF only after the authenticated final chunk.
func NewSealReader(src io.Reader, s Secret, aad []byte) (io.Reader, error) {
	br := bufio.NewReader(src)
	h, err := readSealedHeader(br)
	if err != nil {
		return nil, err
	}
	key, err := h.key(s)
	if err != nil {
		return nil, err
	}
	if !h.Streamed {
		body, err := io.ReadAll(br)
		if err != nil {
			return nil, err
		}
		aead, err := NewAEAD(h.Algorithm, key)
		if err != nil {
			return nil, err
		}
		pt, err := openAEAD(aead, h.raw, body, aad)
		if err != nil {
			return nil, err
		}
		return bytes.NewReader(pt), nil
	}
	if m, _ := br.Peek(4); string(m) != streamMagic {
		return nil, fmt.Errorf("%w: sealed stream body does not start with %q", ErrFormat, streamMagic)
	}
	r, err := NewReader(br, key, &StreamOptions{AssociatedData: sealAD(h.raw, aad)})
	if s.IsPassword() {
		zero(key)
	}
	return r, err
}

// Sealer seals many blobs under one key with the same header, keeping the
// cipher set up between calls (and, for a password, deriving the key once).
// It is safe for concurrent use.
type Sealer struct {
	h    *SealedHeader
	aead cipher.AEAD
}

// NewSealer returns a Sealer for s and opts (opts.ChunkSize is ignored; a
// password's key is derived now, with one salt for all blobs).
func NewSealer(s Secret, opts *SealOptions) (*Sealer, error) {
	o := opts.withDefaults()
	h, key, err := newSealHeader(s, o, false)
	if err != nil {
		return nil, err
	}
	aead, err := NewAEAD(h.Algorithm, key)
	if s.IsPassword() {
		zero(key)
	}
	if err != nil {
		return nil, err
	}
	return &Sealer{h: h, aead: aead}, nil
}

// Seal appends the sealed blob of plaintext with associated data aad to dst
// and returns it, as [Seal] would write it; [Open] reads it.
func (s *Sealer) Seal(dst, plaintext, aad []byte) ([]byte, error) {
	return sealAEAD(dst, s.h.raw, s.aead, plaintext, aad)
}

// Header returns the header every blob of s starts with.
func (s *Sealer) Header() *SealedHeader { return s.h }
