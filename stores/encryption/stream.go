package encryption

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The streaming format written by [NewWriter] ("THS2", version 1). All
// integers are big-endian.
//
//	header:
//	  magic        4  "THS2"
//	  version      1  1
//	  algorithm    1  an [Algorithm] AEAD id (1-4)
//	  flags        1  0 (reserved; anything else is rejected)
//	  chunk size   4  plaintext bytes per chunk, MinChunkSize..MaxChunkSize
//	  key version  4  StreamOptions.KeyVersion
//	  key id len   1  0..255
//	  key id       n  StreamOptions.KeyID
//	  salt        32  random
//	chunks:
//	  chunk i      AEAD.Seal of chunk-size plaintext bytes (the final chunk
//	               1..chunk-size bytes, or 0 only when the whole stream is
//	               empty), tag included
//
// Each stream uses its own key and nonce prefix, both derived with
// HKDF-SHA256(key, salt, "truthound-go stream v1"), so no two streams under the
// same key share a (key, nonce) pair and a chunk moved from one stream to
// another fails to open. The nonce of chunk i is
// prefix || uint32(i) || last, where last is 1 for the final chunk and 0
// otherwise (age's and Tink's STREAM construction). The associated data of
// every chunk is the whole header followed by StreamOptions.AssociatedData,
// so changing any header byte fails the first chunk. Dropping chunks at the
// end fails because the new final chunk was sealed with last = 0; dropping,
// reordering or duplicating chunks in the middle fails because of the counter;
// appended bytes fail because they change the final chunk.
//
// Chunks sit at fixed offsets, so the same bytes can be read front to back
// with [NewReader] or at random with [OpenChunked].
const (
	streamMagic   = "THS2"
	streamVersion = 1
	streamSaltLen = 32
	// streamFixedLen is the header length up to and including the key id
	// length byte.
	streamFixedLen = 4 + 1 + 1 + 1 + 4 + 4 + 1
	streamInfo     = "truthound-go stream v1"

	// DefaultChunkSize is the plaintext chunk size of streams when
	// StreamOptions.ChunkSize is 0: 64 KiB.
	DefaultChunkSize = 64 << 10
	// MinChunkSize is the smallest chunk size a stream may use.
	MinChunkSize = 16
	// MaxChunkSize is the largest chunk size a stream may use (16 MiB); it
	// bounds the memory a reader allocates for a header it has not yet
	// authenticated.
	MaxChunkSize = 16 << 20

	// MaxStreamHeaderLen is the longest header a stream can have (a 255-byte
	// key id).
	MaxStreamHeaderLen = streamFixedLen + 255 + streamSaltLen

	// maxStreamChunks is the number of chunks the 32-bit counter can name.
	maxStreamChunks = 1 << 32
)

// StreamOptions configures [NewWriter], [NewReader] and [OpenChunked]. A nil
// *StreamOptions or the zero value means AES-256-GCM, 64 KiB chunks and no
// associated data.
type StreamOptions struct {
	// Algorithm is the AEAD of a new stream; 0 means AES256GCM. Fernet is
	// not a streaming algorithm and is rejected. Readers take the algorithm
	// from the header and ignore this field.
	Algorithm Algorithm

	// ChunkSize is the number of plaintext bytes per chunk of a new stream;
	// 0 means DefaultChunkSize. Readers take it from the header.
	ChunkSize int

	// AssociatedData is authenticated with every chunk but not stored: the
	// reader must pass the same bytes.
	AssociatedData []byte

	// KeyID and KeyVersion name the key in the header of a new stream, so a
	// reader can find it in a key manager (see [ReadStreamHeader]). They are
	// authenticated. KeyID is at most 255 bytes.
	KeyID      string
	KeyVersion uint32
}

func (o *StreamOptions) withDefaults() StreamOptions {
	var out StreamOptions
	if o != nil {
		out = *o
	}
	if out.Algorithm == 0 {
		out.Algorithm = AES256GCM
	}
	if out.ChunkSize == 0 {
		out.ChunkSize = DefaultChunkSize
	}
	return out
}

// StreamHeader is the parsed, not yet authenticated, header of a stream
// written by [NewWriter]. It is authenticated by the first chunk read.
type StreamHeader struct {
	Algorithm  Algorithm
	ChunkSize  int
	KeyID      string
	KeyVersion uint32
	salt       []byte
	raw        []byte
}

// Len returns the encoded length of the header in bytes.
func (h *StreamHeader) Len() int { return len(h.raw) }

func (h *StreamHeader) marshal() []byte {
	b := make([]byte, 0, streamFixedLen+len(h.KeyID)+streamSaltLen)
	b = append(b, streamMagic...)
	b = append(b, streamVersion, byte(h.Algorithm), 0)
	b = binary.BigEndian.AppendUint32(b, uint32(h.ChunkSize))
	b = binary.BigEndian.AppendUint32(b, h.KeyVersion)
	b = append(b, byte(len(h.KeyID)))
	b = append(b, h.KeyID...)
	b = append(b, h.salt...)
	return b
}

// ReadStreamHeader reads and parses the header of a stream written by
// [NewWriter] from r, leaving r positioned at the first chunk. It lets a
// caller learn the key id before choosing a key. The header is not
// authenticated until a chunk is opened.
//
// To pick the key and then decrypt a reader that cannot seek, wrap it in a
// bufio.Reader, parse the bytes of Peek(MaxStreamHeaderLen) (fewer for a
// short stream) and pass the bufio.Reader to [NewReader].
func ReadStreamHeader(r io.Reader) (*StreamHeader, error) {
	fixed := make([]byte, streamFixedLen)
	if _, err := io.ReadFull(r, fixed[:4]); err != nil {
		return nil, headerReadErr(err)
	}
	if string(fixed[:4]) != streamMagic {
		return nil, fmt.Errorf("%w: stream magic %q, want %q", ErrFormat, fixed[:4], streamMagic)
	}
	return readStreamHeaderAfterMagic(r, fixed)
}

func readStreamHeaderAfterMagic(r io.Reader, fixed []byte) (*StreamHeader, error) {
	if _, err := io.ReadFull(r, fixed[4:]); err != nil {
		return nil, headerReadErr(err)
	}
	if fixed[4] != streamVersion {
		return nil, fmt.Errorf("%w: stream version %d, want %d", ErrFormat, fixed[4], streamVersion)
	}
	alg := Algorithm(fixed[5])
	if !alg.IsAEAD() {
		return nil, fmt.Errorf("%w: stream algorithm id %d", ErrInvalidAlgorithm, fixed[5])
	}
	if fixed[6] != 0 {
		return nil, fmt.Errorf("%w: stream flags %#x, want 0", ErrFormat, fixed[6])
	}
	cs := binary.BigEndian.Uint32(fixed[7:11])
	if cs < MinChunkSize || cs > MaxChunkSize {
		return nil, fmt.Errorf("%w: stream chunk size %d outside [%d, %d]", ErrFormat, cs, MinChunkSize, MaxChunkSize)
	}
	idLen := int(fixed[15])
	rest := make([]byte, idLen+streamSaltLen)
	if _, err := io.ReadFull(r, rest); err != nil {
		return nil, headerReadErr(err)
	}
	raw := make([]byte, 0, len(fixed)+len(rest))
	raw = append(append(raw, fixed...), rest...)
	return &StreamHeader{
		Algorithm:  alg,
		ChunkSize:  int(cs),
		KeyVersion: binary.BigEndian.Uint32(fixed[11:15]),
		KeyID:      string(rest[:idLen]),
		salt:       rest[idLen:],
		raw:        raw,
	}, nil
}

func headerReadErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: stream header incomplete", ErrTruncated)
	}
	return err
}

// streamCipher is the per-stream state shared by writers and readers: the
// derived AEAD, the chunk associated data and the nonce prefix.
type streamCipher struct {
	aead   cipher.AEAD
	aad    []byte // header || associated data
	prefix []byte // nonceSize-5 bytes
}

func newStreamCipher(h *StreamHeader, key, ad []byte) (*streamCipher, error) {
	if len(key) != h.Algorithm.KeySize() {
		return nil, fmt.Errorf("%w: %v takes a %d-byte key, got %d bytes", ErrInvalidKey, h.Algorithm, h.Algorithm.KeySize(), len(key))
	}
	ks, ns := h.Algorithm.KeySize(), h.Algorithm.NonceSize()
	okm, err := hkdf.Key(sha256.New, key, h.salt, streamInfo, ks+ns-5)
	if err != nil {
		return nil, fmt.Errorf("encryption: stream key derivation: %w", err)
	}
	aead, err := NewAEAD(h.Algorithm, okm[:ks])
	clear(okm[:ks])
	if err != nil {
		return nil, err
	}
	aad := make([]byte, 0, len(h.raw)+len(ad))
	aad = append(append(aad, h.raw...), ad...)
	return &streamCipher{aead: aead, aad: aad, prefix: okm[ks:]}, nil
}

// nonce writes the nonce of chunk i into dst (len NonceSize).
func (c *streamCipher) nonce(dst []byte, i uint64, last bool) []byte {
	n := copy(dst, c.prefix)
	binary.BigEndian.PutUint32(dst[n:], uint32(i))
	dst[n+4] = 0
	if last {
		dst[n+4] = 1
	}
	return dst
}

// open authenticates and decrypts chunk i in place. A final chunk that opens
// only as a non-final one means the stream was cut at a chunk boundary.
//
// A failed in-place Open may wipe its output, so a final chunk is opened into
// a fresh buffer first, keeping the ciphertext for the second attempt.
func (c *streamCipher) open(dst, ct []byte, i uint64, last bool, nonce []byte) ([]byte, error) {
	if !last {
		pt, err := c.aead.Open(dst, c.nonce(nonce, i, false), ct, c.aad)
		if err != nil {
			return nil, fmt.Errorf("%w: stream chunk %d", ErrAuthentication, i)
		}
		return pt, nil
	}
	pt, err := c.aead.Open(nil, c.nonce(nonce, i, true), ct, c.aad)
	if err == nil {
		if dst == nil {
			return pt, nil
		}
		return append(dst, pt...), nil
	}
	if _, err2 := c.aead.Open(nil, c.nonce(nonce, i, false), ct, c.aad); err2 == nil {
		return nil, fmt.Errorf("%w: stream ends after chunk %d, which is not the final chunk", ErrTruncated, i)
	}
	return nil, fmt.Errorf("%w: stream chunk %d", ErrAuthentication, i)
}

// NewWriter returns a writer that encrypts what is written to it into dst in
// the streaming format described at the top of this file: a header, then
// fixed-size chunks each sealed with a counter and a last-chunk flag in the
// nonce and the header in the associated data. key must have the length of
// opts.Algorithm (32 bytes for the default AES-256-GCM).
//
// The header is written before NewWriter returns. Close must be called to
// write the final chunk; it does not close dst. Errors are sticky: after a
// failed Write every later call returns the same error. Memory use is two
// chunk buffers whatever the stream length.
func NewWriter(dst io.Writer, key []byte, opts *StreamOptions) (io.WriteCloser, error) {
	o := opts.withDefaults()
	if !o.Algorithm.IsAEAD() {
		return nil, fmt.Errorf("%w: %v cannot be streamed", ErrInvalidAlgorithm, o.Algorithm)
	}
	if o.ChunkSize < MinChunkSize || o.ChunkSize > MaxChunkSize {
		return nil, fmt.Errorf("%w: chunk size %d outside [%d, %d]", ErrInvalidOption, o.ChunkSize, MinChunkSize, MaxChunkSize)
	}
	if len(o.KeyID) > 255 {
		return nil, fmt.Errorf("%w: key id of %d bytes, at most 255", ErrInvalidOption, len(o.KeyID))
	}
	h := &StreamHeader{Algorithm: o.Algorithm, ChunkSize: o.ChunkSize, KeyID: o.KeyID, KeyVersion: o.KeyVersion,
		salt: make([]byte, streamSaltLen)}
	if _, err := rand.Read(h.salt); err != nil {
		return nil, fmt.Errorf("encryption: reading random salt: %w", err)
	}
	h.raw = h.marshal()
	c, err := newStreamCipher(h, key, o.AssociatedData)
	if err != nil {
		return nil, err
	}
	if _, err := dst.Write(h.raw); err != nil {
		return nil, err
	}
	return &streamWriter{
		dst:   dst,
		c:     c,
		cs:    o.ChunkSize,
		buf:   make([]byte, 0, o.ChunkSize),
		out:   make([]byte, 0, o.ChunkSize+c.aead.Overhead()),
		nonce: make([]byte, o.Algorithm.NonceSize()),
	}, nil
}

var (
	_ io.WriteCloser = (*streamWriter)(nil)
	_ io.Reader      = (*streamReader)(nil)
	_ io.Reader      = (*legacyStreamReader)(nil)
)

type streamWriter struct {
	dst     io.Writer
	c       *streamCipher
	cs      int
	buf     []byte // buffered plaintext, at most cs bytes
	out     []byte // sealed chunk
	nonce   []byte
	counter uint64
	err     error
}

// Write encrypts p. A full chunk is sealed only once more data arrives, since
// the final chunk must carry the last flag.
func (w *streamWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	total := len(p)
	for len(p) > 0 {
		if len(w.buf) == w.cs {
			if err := w.seal(w.buf, false); err != nil {
				return total - len(p), err
			}
			w.buf = w.buf[:0]
		}
		// Fast path: whole chunks straight from p when more follows.
		if len(w.buf) == 0 && len(p) > w.cs {
			if err := w.seal(p[:w.cs], false); err != nil {
				return total - len(p), err
			}
			p = p[w.cs:]
			continue
		}
		n := copy(w.buf[len(w.buf):w.cs], p)
		w.buf = w.buf[:len(w.buf)+n]
		p = p[n:]
	}
	return total, nil
}

func (w *streamWriter) seal(pt []byte, last bool) error {
	if w.counter >= maxStreamChunks {
		w.err = fmt.Errorf("%w: stream longer than %d chunks", ErrTooLarge, uint64(maxStreamChunks))
		return w.err
	}
	w.out = w.c.aead.Seal(w.out[:0], w.c.nonce(w.nonce, w.counter, last), pt, w.c.aad)
	w.counter++
	if _, err := w.dst.Write(w.out); err != nil {
		w.err = err
		return err
	}
	return nil
}

// Close seals the buffered data as the final chunk and writes it. It does not
// close the underlying writer. Calling Close again returns nil; Write after
// Close returns ErrClosed.
func (w *streamWriter) Close() error {
	if errors.Is(w.err, ErrClosed) {
		return nil
	}
	if w.err != nil {
		return w.err
	}
	err := w.seal(w.buf, true)
	clear(w.buf[:cap(w.buf)])
	if err != nil {
		return err
	}
	w.err = fmt.Errorf("%w: stream writer", ErrClosed)
	return nil
}

// NewReader returns a reader that decrypts and authenticates a stream from
// src. It reads both our format (written by [NewWriter]) and the original's
// "THSE" streams; the format is recognised by its magic.
//
// For our format every chunk is authenticated before any of its bytes are
// returned, and the reader returns an error wrapping ErrTruncated if the
// stream ends before its final chunk, ErrAuthentication for a wrong key,
// wrong associated data or any changed, reordered, duplicated or foreign
// chunk, and never io.EOF before the final chunk has been authenticated.
//
// The original's THSE format cannot detect truncation at a chunk boundary
// followed by a forged end marker, nor chunks dropped from the end when the
// end marker is kept in place, because its chunks carry no last-chunk flag
// and its header is protected only by a CRC. This reader requires the end
// marker and rejects data after it, but cannot do better than that: prefer
// our format for anything new. Its XChaCha20 variant is not supported (it is
// not the real XChaCha20-Poly1305).
func NewReader(src io.Reader, key []byte, opts *StreamOptions) (io.Reader, error) {
	o := opts.withDefaults()
	magic := make([]byte, streamFixedLen)
	if _, err := io.ReadFull(src, magic[:4]); err != nil {
		return nil, headerReadErr(err)
	}
	switch string(magic[:4]) {
	case streamMagic:
	case legacyStreamMagic:
		return newLegacyStreamReader(src, key, o.AssociatedData)
	default:
		return nil, fmt.Errorf("%w: stream magic %q, want %q or %q", ErrFormat, magic[:4], streamMagic, legacyStreamMagic)
	}
	h, err := readStreamHeaderAfterMagic(src, magic)
	if err != nil {
		return nil, err
	}
	c, err := newStreamCipher(h, key, o.AssociatedData)
	if err != nil {
		return nil, err
	}
	enc := h.ChunkSize + c.aead.Overhead()
	return &streamReader{
		src:   src,
		c:     c,
		cs:    h.ChunkSize,
		enc:   enc,
		buf:   make([]byte, enc+1),
		nonce: make([]byte, h.Algorithm.NonceSize()),
	}, nil
}

type streamReader struct {
	src     io.Reader
	c       *streamCipher
	cs, enc int
	buf     []byte // enc+1: one chunk and one look-ahead byte
	carry   int    // look-ahead bytes at buf[0] (0 or 1)
	plain   []byte // decrypted bytes not yet returned
	nonce   []byte
	counter uint64
	done    bool
	err     error
}

// Read returns decrypted, authenticated bytes.
func (r *streamReader) Read(p []byte) (int, error) {
	if len(r.plain) > 0 {
		n := copy(p, r.plain)
		r.plain = r.plain[n:]
		return n, nil
	}
	if r.err != nil {
		return 0, r.err
	}
	if r.done {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	direct := len(p) >= r.cs
	pt, err := r.next(p, direct)
	if err != nil {
		r.err = err
		return 0, err
	}
	if direct {
		return len(pt), nil
	}
	n := copy(p, pt)
	r.plain = pt[n:]
	return n, nil
}

// next reads, authenticates and decrypts the next chunk, into p when direct
// and in place otherwise.
func (r *streamReader) next(p []byte, direct bool) ([]byte, error) {
	if r.counter >= maxStreamChunks {
		return nil, fmt.Errorf("%w: stream longer than %d chunks", ErrFormat, uint64(maxStreamChunks))
	}
	if r.carry == 1 {
		r.buf[0] = r.buf[r.enc]
	}
	n, err := io.ReadFull(r.src, r.buf[r.carry:])
	have := r.carry + n
	last := false
	switch {
	case err == nil:
		r.carry = 1
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		last = true
		r.carry = 0
	default:
		return nil, err
	}
	ct := r.buf[:min(have, r.enc)]
	if len(ct) < r.c.aead.Overhead() {
		if r.counter == 0 && len(ct) == 0 {
			return nil, fmt.Errorf("%w: stream has no chunks", ErrTruncated)
		}
		return nil, fmt.Errorf("%w: stream chunk %d is %d bytes, shorter than its tag", ErrTruncated, r.counter, len(ct))
	}
	dst := ct[:0]
	if direct {
		dst = p[:0]
	}
	pt, err := r.c.open(dst, ct, r.counter, last, r.nonce)
	if err != nil {
		return nil, err
	}
	if last && len(pt) == 0 && r.counter > 0 {
		return nil, fmt.Errorf("%w: empty final chunk %d", ErrFormat, r.counter)
	}
	r.counter++
	r.done = last
	return pt, nil
}
