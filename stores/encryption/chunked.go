package encryption

import (
	"bytes"
	"crypto/cipher"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// ChunkedReader decrypts a chunked encrypted file at random: one chunk or any
// byte range, reading only the chunks that hold it. It is safe for concurrent
// use and implements io.ReaderAt over the plaintext, so
// io.NewSectionReader(c, 0, c.Size()) gives a seekable reader.
//
// Our streams (written by [NewWriter]) are chunked files: chunk i of a stream
// with chunk size cs sits at header length + i*(cs+tag). The chunk index is
// authenticated without being stored: the counter in each chunk's nonce
// binds its position, and the last-chunk flag binds the number of chunks.
// [OpenChunked] authenticates the final chunk before returning, so a
// truncated or extended file is rejected before any read is answered.
//
// The original's chunked files (ciphertext plus a JSON index) are opened with
// [OpenLegacyChunked]; their index is not authenticated.
type ChunkedReader struct {
	r    io.ReaderAt
	n    int   // number of chunks
	cs   int   // plaintext chunk size
	size int64 // plaintext size

	aead cipher.AEAD
	ad   []byte
	// Our format.
	c    *streamCipher
	base int64 // offset of chunk 0
	enc  int64 // stored size of a full chunk
	// lastPT is the final chunk's plaintext, authenticated by OpenChunked.
	lastPT []byte
	// The original's format: per chunk offset, stored length (with the
	// 4-byte prefix) and nonce.
	legacy []legacyChunk

	bufs sync.Pool
}

type legacyChunk struct {
	off, stored int64
	nonce       []byte
}

var _ io.ReaderAt = (*ChunkedReader)(nil)

// OpenChunked opens a stream written by [NewWriter] for random access. r holds
// size bytes of ciphertext. Only opts.AssociatedData is used; the algorithm
// and chunk size come from the header. OpenChunked reads the header and the
// final chunk; it returns an error wrapping ErrTruncated or ErrAuthentication
// if the final chunk is missing or does not authenticate.
func OpenChunked(r io.ReaderAt, size int64, key []byte, opts *StreamOptions) (*ChunkedReader, error) {
	o := opts.withDefaults()
	h, err := ReadStreamHeader(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, err
	}
	c, err := newStreamCipher(h, key, o.AssociatedData)
	if err != nil {
		return nil, err
	}
	ov := int64(c.aead.Overhead())
	enc := int64(h.ChunkSize) + ov
	body := size - int64(h.Len())
	if body < ov {
		return nil, fmt.Errorf("%w: chunked file has %d bytes after its header, less than one chunk", ErrTruncated, body)
	}
	n := (body + enc - 1) / enc
	if n > maxStreamChunks {
		return nil, fmt.Errorf("%w: %d chunks", ErrFormat, n)
	}
	lastEnc := body - (n-1)*enc
	if lastEnc < ov || (n > 1 && lastEnc == ov) {
		// The final chunk would be shorter than a tag, or empty in a
		// stream of several chunks: the file was cut inside a chunk.
		return nil, fmt.Errorf("%w: chunked file ends inside chunk %d", ErrTruncated, n-1)
	}
	cr := &ChunkedReader{
		r: r, n: int(n), cs: h.ChunkSize, aead: c.aead, c: c,
		base: int64(h.Len()), enc: enc,
		size: (n-1)*int64(h.ChunkSize) + lastEnc - ov,
	}
	cr.bufs.New = func() any { b := make([]byte, enc); return &b }
	// Authenticate the final chunk now: it proves the number of chunks.
	ct := make([]byte, lastEnc)
	if err := readFullAt(r, ct, cr.base+(n-1)*enc); err != nil {
		return nil, err
	}
	var nb [24]byte
	if cr.lastPT, err = c.open(nil, ct, uint64(n-1), true, nb[:h.Algorithm.NonceSize()]); err != nil {
		return nil, err
	}
	return cr, nil
}

// legacyIndexJSON is the original's chunk index (ChunkIndex.to_bytes).
type legacyIndexJSON struct {
	Algorithm          string `json:"algorithm"`
	BaseNonce          string `json:"base_nonce"`
	ChunkSize          int64  `json:"chunk_size"`
	TotalPlaintextSize int64  `json:"total_plaintext_size"`
	Chunks             []struct {
		Index          int64  `json:"index"`
		Nonce          string `json:"nonce"`
		PlaintextSize  int64  `json:"plaintext_size"`
		CiphertextSize int64  `json:"ciphertext_size"`
		Offset         int64  `json:"offset"`
	} `json:"chunks"`
}

// OpenLegacyChunked opens a chunked file written by the original's
// ChunkedEncryptor: r holds size bytes of ciphertext and index is the JSON of
// its ChunkIndex. opts.AssociatedData must be the aad the original used, if
// any.
//
// The index is checked for consistency (chunk sizes, contiguous offsets, the
// nonce of each chunk, the total size, the file size) and each chunk is
// authenticated when read, but the original does not authenticate the index
// itself: dropping chunks from the end of both the file and the index goes
// unnoticed. Prefer [NewWriter] and [OpenChunked] for anything new.
func OpenLegacyChunked(r io.ReaderAt, size int64, index []byte, key []byte, opts *StreamOptions) (*ChunkedReader, error) {
	o := opts.withDefaults()
	var ix legacyIndexJSON
	dec := json.NewDecoder(bytes.NewReader(index))
	if err := dec.Decode(&ix); err != nil {
		return nil, fmt.Errorf("%w: chunk index: %v", ErrFormat, err)
	}
	alg, err := ParseAlgorithm(ix.Algorithm)
	if err != nil {
		return nil, err
	}
	if alg == XChaCha20Poly1305 || !alg.IsAEAD() {
		return nil, fmt.Errorf("%w: chunked files of the original's %v are not supported", ErrInvalidAlgorithm, alg)
	}
	aead, err := NewAEAD(alg, key)
	if err != nil {
		return nil, err
	}
	base, err := hex.DecodeString(ix.BaseNonce)
	if err != nil || len(base) != alg.NonceSize() {
		return nil, fmt.Errorf("%w: chunk index base nonce %q", ErrFormat, ix.BaseNonce)
	}
	if ix.ChunkSize < 1 || ix.ChunkSize > MaxChunkSize {
		return nil, fmt.Errorf("%w: chunk index chunk size %d outside [1, %d]", ErrFormat, ix.ChunkSize, MaxChunkSize)
	}
	if len(ix.Chunks) == 0 && ix.TotalPlaintextSize != 0 {
		return nil, fmt.Errorf("%w: chunk index has no chunks for %d bytes", ErrFormat, ix.TotalPlaintextSize)
	}
	ov := int64(aead.Overhead())
	chunks := make([]legacyChunk, len(ix.Chunks))
	var off, total int64
	want := make([]byte, len(base))
	for i, ch := range ix.Chunks {
		last := i == len(ix.Chunks)-1
		nonce, err := hex.DecodeString(ch.Nonce)
		switch {
		case ch.Index != int64(i):
			err = fmt.Errorf("index %d at position %d", ch.Index, i)
		case err != nil || !bytes.Equal(nonce, legacyNonce(want, base, uint64(i))):
			err = fmt.Errorf("chunk %d nonce %q is not the base nonce XOR %d", i, ch.Nonce, i)
		case ch.PlaintextSize < 1 || ch.PlaintextSize > ix.ChunkSize || (!last && ch.PlaintextSize != ix.ChunkSize):
			err = fmt.Errorf("chunk %d plaintext size %d with chunk size %d", i, ch.PlaintextSize, ix.ChunkSize)
		case ch.CiphertextSize != ch.PlaintextSize+ov+4:
			err = fmt.Errorf("chunk %d ciphertext size %d for %d plaintext bytes", i, ch.CiphertextSize, ch.PlaintextSize)
		case ch.Offset != off:
			err = fmt.Errorf("chunk %d at offset %d, want %d", i, ch.Offset, off)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: chunk index: %v", ErrFormat, err)
		}
		chunks[i] = legacyChunk{off: off, stored: ch.CiphertextSize, nonce: nonce}
		off += ch.CiphertextSize
		total += ch.PlaintextSize
	}
	if total != ix.TotalPlaintextSize {
		return nil, fmt.Errorf("%w: chunk index sizes add up to %d, total_plaintext_size is %d", ErrFormat, total, ix.TotalPlaintextSize)
	}
	if off > size {
		return nil, fmt.Errorf("%w: chunk index needs %d bytes, file has %d", ErrTruncated, off, size)
	}
	if off < size {
		return nil, fmt.Errorf("%w: %d bytes after the last indexed chunk", ErrFormat, size-off)
	}
	ad := o.AssociatedData
	if len(ad) == 0 {
		ad = nil
	}
	cr := &ChunkedReader{r: r, n: len(chunks), cs: int(ix.ChunkSize), size: total, aead: aead, ad: ad, legacy: chunks}
	enc := ix.ChunkSize + ov + 4
	cr.bufs.New = func() any { b := make([]byte, enc); return &b }
	return cr, nil
}

// NumChunks returns the number of chunks.
func (c *ChunkedReader) NumChunks() int { return c.n }

// ChunkSize returns the plaintext size of every chunk but the last.
func (c *ChunkedReader) ChunkSize() int { return c.cs }

// Size returns the plaintext size in bytes.
func (c *ChunkedReader) Size() int64 { return c.size }

// Chunk returns the decrypted chunk i (0-based), reading only that chunk.
func (c *ChunkedReader) Chunk(i int) ([]byte, error) {
	bp := c.bufs.Get().(*[]byte)
	defer c.bufs.Put(bp)
	pt, err := c.chunk(*bp, i)
	if err != nil {
		return nil, err
	}
	return bytes.Clone(pt), nil
}

// chunk reads chunk i into buf and decrypts it in place.
func (c *ChunkedReader) chunk(buf []byte, i int) ([]byte, error) {
	if i < 0 || i >= c.n {
		return nil, fmt.Errorf("%w: chunk %d of %d", ErrInvalidOption, i, c.n)
	}
	var nb [24]byte
	nonce := nb[:c.aead.NonceSize()]
	if c.legacy != nil {
		lc := c.legacy[i]
		ct := buf[:lc.stored]
		if err := readFullAt(c.r, ct, lc.off); err != nil {
			return nil, err
		}
		if binary.BigEndian.Uint32(ct) != uint32(lc.stored-4) {
			return nil, fmt.Errorf("%w: chunk %d length prefix %d, index says %d", ErrFormat, i, binary.BigEndian.Uint32(ct), lc.stored-4)
		}
		copy(nonce, lc.nonce)
		pt, err := c.aead.Open(ct[4:4], nonce, ct[4:], c.ad)
		if err != nil {
			return nil, fmt.Errorf("%w: chunk %d", ErrAuthentication, i)
		}
		return pt, nil
	}
	last := i == c.n-1
	if last && c.lastPT != nil {
		return append(buf[:0], c.lastPT...), nil
	}
	off := c.base + int64(i)*c.enc
	n := c.enc
	if last {
		n = int64(c.aead.Overhead()) + c.size - int64(i)*int64(c.cs)
	}
	ct := buf[:n]
	if err := readFullAt(c.r, ct, off); err != nil {
		return nil, err
	}
	return c.c.open(ct[:0], ct, uint64(i), last, nonce)
}

func readFullAt(r io.ReaderAt, p []byte, off int64) error {
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		return fmt.Errorf("%w: chunk at offset %d: read %d of %d bytes", ErrTruncated, off, n, len(p))
	}
	return err
}

// ReadAt reads len(p) plaintext bytes starting at plaintext offset off,
// decrypting only the chunks that hold them. It follows io.ReaderAt: when
// fewer than len(p) bytes remain it returns them with io.EOF.
func (c *ChunkedReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("%w: negative offset %d", ErrInvalidOption, off)
	}
	if off >= c.size {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	bp := c.bufs.Get().(*[]byte)
	defer c.bufs.Put(bp)
	n := 0
	for n < len(p) && off < c.size {
		i := int(off / int64(c.cs))
		pt, err := c.chunk(*bp, i)
		if err != nil {
			return n, err
		}
		k := copy(p[n:], pt[off-int64(i)*int64(c.cs):])
		n += k
		off += int64(k)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
