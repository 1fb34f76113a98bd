package encryption

import (
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// The original's streaming format ("THSE", read only):
//
//	magic 4 "THSE" | version 1 | algorithm 1 (1-4) | chunk size 4 |
//	nonce length 1 | base nonce n | reserved 6 | CRC-32 of all before 4
//	then per chunk: length 4 | ciphertext || tag, and a zero length at the end.
//
// The nonce of chunk i is the base nonce XOR i (as big-endian integers); the
// associated data of every chunk is the caller's, if any. Nothing binds the
// header or the end of the stream.
const legacyStreamMagic = "THSE"

func newLegacyStreamReader(src io.Reader, key, ad []byte) (io.Reader, error) {
	fixed := make([]byte, 11) // magic .. nonce length
	copy(fixed, legacyStreamMagic)
	if _, err := io.ReadFull(src, fixed[4:]); err != nil {
		return nil, headerReadErr(err)
	}
	nonceLen := int(fixed[10])
	rest := make([]byte, nonceLen+6+4)
	if _, err := io.ReadFull(src, rest); err != nil {
		return nil, headerReadErr(err)
	}
	crc := crc32.NewIEEE()
	crc.Write(fixed)
	crc.Write(rest[:nonceLen+6])
	if got, want := crc.Sum32(), binary.BigEndian.Uint32(rest[nonceLen+6:]); got != want {
		return nil, fmt.Errorf("%w: THSE header checksum %08x, want %08x", ErrCorrupt, got, want)
	}
	if fixed[4] != 1 {
		return nil, fmt.Errorf("%w: THSE version %d", ErrFormat, fixed[4])
	}
	alg := Algorithm(fixed[5])
	switch alg {
	case AES128GCM, AES256GCM, ChaCha20Poly1305:
	case XChaCha20Poly1305:
		return nil, fmt.Errorf("%w: THSE streams of the original's XChaCha20 are not supported", ErrInvalidAlgorithm)
	default:
		return nil, fmt.Errorf("%w: THSE algorithm id %d", ErrInvalidAlgorithm, fixed[5])
	}
	if nonceLen != alg.NonceSize() {
		return nil, fmt.Errorf("%w: THSE nonce of %d bytes for %v", ErrFormat, nonceLen, alg)
	}
	cs := binary.BigEndian.Uint32(fixed[6:10])
	if cs == 0 || cs > MaxChunkSize {
		return nil, fmt.Errorf("%w: THSE chunk size %d outside [1, %d]", ErrFormat, cs, MaxChunkSize)
	}
	aead, err := NewAEAD(alg, key)
	if err != nil {
		return nil, err
	}
	if len(ad) == 0 {
		ad = nil
	}
	return &legacyStreamReader{
		src:   src,
		aead:  aead,
		ad:    ad,
		base:  rest[:nonceLen],
		nonce: make([]byte, nonceLen),
		buf:   make([]byte, int(cs)+aead.Overhead()),
	}, nil
}

type legacyStreamReader struct {
	src     io.Reader
	aead    cipher.AEAD
	ad      []byte
	base    []byte
	nonce   []byte
	buf     []byte
	plain   []byte
	counter uint64
	done    bool
	err     error
}

// legacyNonce returns base XOR i, the original's derive_chunk_nonce.
func legacyNonce(dst, base []byte, i uint64) []byte {
	copy(dst, base)
	n := len(dst)
	for k := 0; k < 8 && k < n; k++ {
		dst[n-1-k] ^= byte(i >> (8 * k))
	}
	return dst
}

func (r *legacyStreamReader) Read(p []byte) (int, error) {
	for len(r.plain) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.done {
			return 0, io.EOF
		}
		if err := r.next(); err != nil {
			r.err = err
			return 0, err
		}
	}
	n := copy(p, r.plain)
	r.plain = r.plain[n:]
	return n, nil
}

func (r *legacyStreamReader) next() error {
	var lb [4]byte
	if _, err := io.ReadFull(r.src, lb[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w: THSE stream ends before its end marker (after chunk %d)", ErrTruncated, r.counter)
		}
		return err
	}
	n := binary.BigEndian.Uint32(lb[:])
	if n == 0 {
		var one [1]byte
		if k, _ := io.ReadFull(r.src, one[:]); k != 0 {
			return fmt.Errorf("%w: data after the THSE end marker", ErrFormat)
		}
		r.done = true
		return nil
	}
	if int64(n) > int64(len(r.buf)) || int(n) < r.aead.Overhead() {
		return fmt.Errorf("%w: THSE chunk %d of %d bytes, chunk size allows %d..%d", ErrFormat, r.counter, n, r.aead.Overhead(), len(r.buf))
	}
	ct := r.buf[:n]
	if _, err := io.ReadFull(r.src, ct); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w: THSE chunk %d incomplete", ErrTruncated, r.counter)
		}
		return err
	}
	pt, err := r.aead.Open(ct[:0], legacyNonce(r.nonce, r.base, r.counter), ct, r.ad)
	if err != nil {
		return fmt.Errorf("%w: THSE chunk %d", ErrAuthentication, r.counter)
	}
	r.counter++
	r.plain = pt
	return nil
}
