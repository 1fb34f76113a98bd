package compression

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"sort"
	"sync"
)

// The original's chunked layout (FORMATS.md §6), little-endian:
//
//	header  "CHNK" | u8 version=1 | u8 algorithm | u32 chunk_size | u32 n | u64 index_offset
//	chunks  n compressed chunks, back to back
//	index   "CIDX" | u8 algorithm | u32 chunk_size | u64 n, then per chunk
//	        u32 index | u32 original_size | u32 compressed_size |
//	        u32 offset (from the end of the header) | u64 checksum_len | checksum (MD5)
const (
	chunkedMagic      = "CHNK"
	chunkIndexMagic   = "CIDX"
	chunkedVersion    = 1
	chunkedHeaderSize = 22
	chunkIndexHeader  = 17
	chunkEntrySize    = 24
)

// ChunkedOptions configures CompressChunked. The zero value works: 1 MiB
// chunks, stored uncompressed (Algorithm None) at the Balanced level.
type ChunkedOptions struct {
	ChunkSize int       // bytes of input per chunk (default 1 MiB)
	Algorithm Algorithm // codec of every chunk
	Level     Level     // preset (default Balanced)
}

// CompressChunked appends the CHNK form of src to dst: every ChunkSize bytes
// compressed on their own, followed by a CIDX index with the MD5 of each
// chunk, so that [ChunkedReader] can decompress any chunk or byte range
// without touching the rest. The original's ChunkedCompressor reads it.
func CompressChunked(dst, src []byte, opts ChunkedOptions) ([]byte, error) {
	cs := opts.ChunkSize
	if cs == 0 {
		cs = 1 << 20
	}
	if cs < 0 || uint64(cs) > math.MaxUint32 {
		return dst, fmt.Errorf("%w: chunk size %d", ErrInvalidOption, opts.ChunkSize)
	}
	if !opts.Algorithm.Valid() {
		return dst, fmt.Errorf("%w: %s", ErrUnsupported, opts.Algorithm)
	}
	n := (len(src) + cs - 1) / cs
	if uint64(n) > math.MaxUint32 {
		return dst, fmt.Errorf("%w: %d chunks exceed the format's u32 count", ErrInvalidOption, n)
	}
	base := len(dst)
	dst = append(dst, make([]byte, chunkedHeaderSize)...)
	type entry struct {
		orig, comp, off uint32
		sum             [16]byte
	}
	entries := make([]entry, 0, n)
	for i := range n {
		chunk := src[i*cs : min((i+1)*cs, len(src))]
		off := len(dst) - base - chunkedHeaderSize
		var err error
		if dst, err = Compress(dst, chunk, opts.Algorithm, opts.Level); err != nil {
			return dst[:base], err
		}
		if uint64(len(dst)-base) > math.MaxUint32 {
			return dst[:base], fmt.Errorf("%w: compressed chunks pass the format's 4 GiB offsets", ErrInvalidOption)
		}
		entries = append(entries, entry{orig: uint32(len(chunk)), comp: uint32(len(dst) - base - chunkedHeaderSize - off), off: uint32(off), sum: md5.Sum(chunk)})
	}
	indexOffset := len(dst) - base
	le := binary.LittleEndian
	dst = append(dst, chunkIndexMagic...)
	dst = append(dst, byte(opts.Algorithm))
	dst = le.AppendUint32(dst, uint32(cs))
	dst = le.AppendUint64(dst, uint64(n))
	for i, e := range entries {
		dst = le.AppendUint32(dst, uint32(i))
		dst = le.AppendUint32(dst, e.orig)
		dst = le.AppendUint32(dst, e.comp)
		dst = le.AppendUint32(dst, e.off)
		dst = le.AppendUint64(dst, 16)
		dst = append(dst, e.sum[:]...)
	}
	h := dst[base : base+chunkedHeaderSize]
	copy(h, chunkedMagic)
	h[4], h[5] = chunkedVersion, byte(opts.Algorithm)
	le.PutUint32(h[6:], uint32(cs))
	le.PutUint32(h[10:], uint32(n))
	le.PutUint64(h[14:], uint64(indexOffset))
	return dst, nil
}

// ChunkInfo describes one chunk of a CHNK blob.
type ChunkInfo struct {
	Offset         int64  // offset of the chunk's first byte in the original data
	Size           int    // original size
	FileOffset     int64  // offset of the compressed chunk in the blob
	CompressedSize int    // compressed size
	Checksum       []byte // MD5 of the original chunk (empty when the writer stored none)
}

// ChunkedReader reads a CHNK blob through an io.ReaderAt: opening it reads
// the header and index only, and every read decompresses (and verifies the
// MD5 of) just the chunks it covers. It implements io.ReaderAt over the
// decompressed data and is safe for concurrent use.
type ChunkedReader struct {
	r         io.ReaderAt
	algorithm Algorithm
	chunkSize int
	chunks    []ChunkInfo
	size      int64

	mu        sync.Mutex
	lastIndex int
	last      []byte
}

var _ io.ReaderAt = (*ChunkedReader)(nil)

// OpenChunked parses the header and index of the CHNK blob of the given size
// in r and checks that they are consistent.
func OpenChunked(r io.ReaderAt, size int64) (*ChunkedReader, error) {
	var h [chunkedHeaderSize]byte
	if size < chunkedHeaderSize {
		return nil, fmt.Errorf("%w: CHNK: %d bytes, shorter than the header", ErrCorrupt, size)
	}
	if _, err := r.ReadAt(h[:], 0); err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	if string(h[:4]) != chunkedMagic {
		return nil, fmt.Errorf("%w: CHNK: bad magic %q", ErrCorrupt, h[:4])
	}
	if h[4] != chunkedVersion {
		return nil, fmt.Errorf("%w: CHNK: version %d", ErrUnsupported, h[4])
	}
	c := &ChunkedReader{r: r, algorithm: Algorithm(h[5]), chunkSize: int(le.Uint32(h[6:])), lastIndex: -1}
	n := int64(le.Uint32(h[10:]))
	indexOffset := le.Uint64(h[14:])
	if !c.algorithm.Valid() {
		return nil, fmt.Errorf("%w: CHNK: %w: id %d", ErrCorrupt, ErrUnsupported, h[5])
	}
	if c.chunkSize == 0 {
		return nil, fmt.Errorf("%w: CHNK: zero chunk size", ErrCorrupt)
	}
	if indexOffset < chunkedHeaderSize || indexOffset > uint64(size) || uint64(size)-indexOffset < chunkIndexHeader {
		return nil, fmt.Errorf("%w: CHNK: index offset %d outside the %d-byte blob", ErrCorrupt, indexOffset, size)
	}
	idxLen := uint64(size) - indexOffset
	if uint64(n) > (idxLen-chunkIndexHeader)/chunkEntrySize {
		return nil, fmt.Errorf("%w: CHNK: %d chunks cannot fit in a %d-byte index", ErrCorrupt, n, idxLen)
	}
	idx := make([]byte, idxLen)
	if _, err := r.ReadAt(idx, int64(indexOffset)); err != nil && err != io.EOF {
		return nil, err
	}
	if string(idx[:4]) != chunkIndexMagic {
		return nil, fmt.Errorf("%w: CIDX: bad magic %q", ErrCorrupt, idx[:4])
	}
	if Algorithm(idx[4]) != c.algorithm || le.Uint32(idx[5:]) != uint32(c.chunkSize) || le.Uint64(idx[9:]) != uint64(n) {
		return nil, fmt.Errorf("%w: CIDX disagrees with the CHNK header", ErrCorrupt)
	}
	p := idx[chunkIndexHeader:]
	dataLen := int64(indexOffset) - chunkedHeaderSize
	c.chunks = make([]ChunkInfo, n)
	for i := range n {
		if len(p) < chunkEntrySize {
			return nil, fmt.Errorf("%w: CIDX: truncated at chunk %d", ErrCorrupt, i)
		}
		if le.Uint32(p) != uint32(i) {
			return nil, fmt.Errorf("%w: CIDX: entry %d is numbered %d", ErrCorrupt, i, le.Uint32(p))
		}
		ci := &c.chunks[i]
		ci.Offset = c.size
		ci.Size = int(le.Uint32(p[4:]))
		ci.CompressedSize = int(le.Uint32(p[8:]))
		off := int64(le.Uint32(p[12:]))
		sumLen := le.Uint64(p[16:])
		p = p[chunkEntrySize:]
		switch {
		case sumLen != 0 && sumLen != md5.Size:
			return nil, fmt.Errorf("%w: CIDX: chunk %d checksum of %d bytes", ErrCorrupt, i, sumLen)
		case uint64(len(p)) < sumLen:
			return nil, fmt.Errorf("%w: CIDX: truncated checksum of chunk %d", ErrCorrupt, i)
		case ci.Size > c.chunkSize:
			return nil, fmt.Errorf("%w: CIDX: chunk %d of %d bytes > chunk size %d", ErrCorrupt, i, ci.Size, c.chunkSize)
		case off+int64(ci.CompressedSize) > dataLen:
			return nil, fmt.Errorf("%w: CIDX: chunk %d overruns the data", ErrCorrupt, i)
		}
		ci.Checksum = p[:sumLen:sumLen]
		p = p[sumLen:]
		ci.FileOffset = chunkedHeaderSize + off
		c.size += int64(ci.Size)
	}
	return c, nil
}

// Algorithm returns the codec of the chunks.
func (c *ChunkedReader) Algorithm() Algorithm { return c.algorithm }

// ChunkSize returns the chunk size the blob was written with.
func (c *ChunkedReader) ChunkSize() int { return c.chunkSize }

// NumChunks returns the number of chunks.
func (c *ChunkedReader) NumChunks() int { return len(c.chunks) }

// Size returns the size of the decompressed data.
func (c *ChunkedReader) Size() int64 { return c.size }

// Chunks returns the index entries.
func (c *ChunkedReader) Chunks() []ChunkInfo { return append([]ChunkInfo(nil), c.chunks...) }

// Chunk appends the decompressed chunk i to dst, reading only that chunk
// and verifying its size and MD5.
func (c *ChunkedReader) Chunk(dst []byte, i int) ([]byte, error) {
	if i < 0 || i >= len(c.chunks) {
		return dst, fmt.Errorf("%w: chunk %d of %d", ErrInvalidOption, i, len(c.chunks))
	}
	ci := c.chunks[i]
	comp := make([]byte, ci.CompressedSize)
	if _, err := c.r.ReadAt(comp, ci.FileOffset); err != nil && !(err == io.EOF && ci.CompressedSize == 0) {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return dst, err
	}
	start := len(dst)
	out, err := Decompress(dst, comp, c.algorithm, int64(max(ci.Size, 1)))
	if err != nil {
		return dst[:start], fmt.Errorf("chunk %d: %w", i, err)
	}
	if len(out)-start != ci.Size {
		return dst[:start], fmt.Errorf("%w: chunk %d decodes to %d bytes, index says %d", ErrCorrupt, i, len(out)-start, ci.Size)
	}
	if len(ci.Checksum) > 0 {
		sum := md5.Sum(out[start:])
		if !bytes.Equal(sum[:], ci.Checksum) {
			return dst[:start], fmt.Errorf("chunk %d: %w", i, ErrChecksum)
		}
	}
	return out, nil
}

// ReadAt reads decompressed bytes at off, touching only the chunks that
// cover [off, off+len(p)).
func (c *ChunkedReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("%w: negative offset %d", ErrInvalidOption, off)
	}
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		if pos >= c.size {
			return n, io.EOF
		}
		i := sort.Search(len(c.chunks), func(i int) bool { return c.chunks[i].Offset+int64(c.chunks[i].Size) > pos })
		data, err := c.cached(i)
		if err != nil {
			return n, err
		}
		n += copy(p[n:], data[pos-c.chunks[i].Offset:])
	}
	return n, nil
}

// cached returns chunk i, keeping the last one decoded for sequential reads.
func (c *ChunkedReader) cached(i int) ([]byte, error) {
	c.mu.Lock()
	if c.lastIndex == i {
		b := c.last
		c.mu.Unlock()
		return b, nil
	}
	c.mu.Unlock()
	b, err := c.Chunk(nil, i)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.lastIndex, c.last = i, b
	c.mu.Unlock()
	return b, nil
}

// WriteTo writes the whole decompressed data to w, chunk by chunk.
func (c *ChunkedReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	var buf []byte
	for i := range c.chunks {
		var err error
		if buf, err = c.Chunk(buf[:0], i); err != nil {
			return total, err
		}
		n, err := w.Write(buf)
		total += int64(n)
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// DecompressChunked appends the whole data of a CHNK blob to dst, failing
// with ErrTooLarge when its index declares more than limit bytes (<= 0:
// DefaultLimit).
func DecompressChunked(dst, src []byte, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	c, err := OpenChunked(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		return dst, err
	}
	if c.size > limit {
		return dst, fmt.Errorf("%w: CHNK declares %d bytes > limit %d", ErrTooLarge, c.size, limit)
	}
	start := len(dst)
	for i := range c.chunks {
		if dst, err = c.Chunk(dst, i); err != nil {
			return dst[:start], err
		}
	}
	return dst, nil
}
