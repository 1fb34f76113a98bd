package compression

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
)

// DefaultLimit is the decompressed-size limit used when a limit <= 0 is
// given: 1 GiB.
const DefaultLimit int64 = 1 << 30

// Compress appends the compressed form of src to dst, in the standard
// container of the codec, and returns the extended slice. Snappy writes a raw
// snappy block (as the original does); use [NewWriter] for the framing
// format. The zero Level means Balanced.
func Compress(dst, src []byte, a Algorithm, l Level) ([]byte, error) {
	l, err := l.normalize()
	if err != nil {
		return dst, err
	}
	switch a {
	case None:
		return append(dst, src...), nil
	case Snappy:
		return snappyEncode(dst, src, l), nil
	case Zstd:
		enc, err := zstdEncoder(l)
		if err != nil {
			return dst, err
		}
		return enc.EncodeAll(src, dst), nil
	case LZMA:
		// Cap the dictionary at the input size: xz's preset dictionaries
		// (up to 64 MiB) would cost far more than the input itself.
		buf := bytes.NewBuffer(dst)
		w, err := xzWriter(buf, l, len(src))
		if err != nil {
			return dst, err
		}
		if _, err := w.Write(src); err != nil {
			return dst, err
		}
		if err := w.Close(); err != nil {
			return dst, err
		}
		return buf.Bytes(), nil
	}
	if !a.Valid() {
		return dst, fmt.Errorf("%w: %s", ErrUnsupported, a)
	}
	buf := bytes.NewBuffer(dst)
	buf.Grow(len(src)/2 + 64)
	w, release, err := pooledWriter(buf, a, l)
	if err != nil {
		return dst, err
	}
	defer release()
	if _, err := w.Write(src); err != nil {
		return dst, err
	}
	if err := w.Close(); err != nil {
		return dst, err
	}
	return buf.Bytes(), nil
}

// Decompress appends the decompressed form of src to dst and returns the
// extended slice. It fails with ErrTooLarge once more than limit bytes would
// be produced (limit <= 0 means DefaultLimit), and with ErrCorrupt when src
// is not a valid stream of the codec.
func Decompress(dst, src []byte, a Algorithm, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	switch a {
	case None:
		if int64(len(src)) > limit {
			return dst, fmt.Errorf("%w: %d bytes > limit %d", ErrTooLarge, len(src), limit)
		}
		return append(dst, src...), nil
	case Snappy:
		return snappyDecode(dst, src, limit)
	case Zstd:
		return zstdDecode(dst, src, limit)
	}
	if !a.Valid() {
		return dst, fmt.Errorf("%w: %s", ErrUnsupported, a)
	}
	r, release, err := pooledReader(bytes.NewReader(src), a)
	if err != nil {
		return dst, corrupt(a, err)
	}
	defer release()
	out, err := readAllLimit(dst, r, limit, len(src)*3)
	if err != nil {
		return out, corrupt(a, err)
	}
	return out, nil
}

// readAllLimit appends everything r yields to dst, failing with ErrTooLarge
// past limit bytes. hint is the expected output size.
func readAllLimit(dst []byte, r io.Reader, limit int64, hint int) ([]byte, error) {
	start := len(dst)
	if hint < 512 {
		hint = 512
	}
	if int64(hint) > limit+1 {
		hint = int(limit + 1)
	}
	if cap(dst)-len(dst) < hint {
		dst = append(dst[:cap(dst)], make([]byte, hint)...)[:len(dst)]
	}
	var probe [1]byte
	for {
		if len(dst) == cap(dst) {
			// Full: read one byte before growing, so that an output that
			// fits exactly is not copied just to see the end of the stream.
			n, err := io.ReadFull(r, probe[:])
			if n == 0 && (err == io.EOF || err == io.ErrUnexpectedEOF) {
				return dst, nil
			}
			if err != nil && n == 0 {
				return dst[:start], err
			}
			dst = append(dst, probe[0])
			if int64(len(dst)-start) > limit {
				return dst[:start], fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
			}
			continue
		}
		room := cap(dst) - len(dst)
		if over := int64(len(dst)-start) + int64(room) - (limit + 1); over > 0 {
			room -= int(over)
		}
		n, err := r.Read(dst[len(dst) : len(dst)+room])
		dst = dst[:len(dst)+n]
		if int64(len(dst)-start) > limit {
			return dst[:start], fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
		}
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return dst[:start], err
		}
	}
}

// ---- snappy ----

func snappyEncode(dst, src []byte, l Level) []byte {
	n := s2.MaxEncodedLen(len(src))
	if n < 0 {
		n = len(src) + len(src)/6 + 32
	}
	start := len(dst)
	dst = grow(dst, n)
	var out []byte
	switch native[Snappy][l-1] {
	case 0:
		out = s2.EncodeSnappy(dst[start:start+n], src)
	case 1:
		out = s2.EncodeSnappyBetter(dst[start:start+n], src)
	default:
		out = s2.EncodeSnappyBest(dst[start:start+n], src)
	}
	return dst[:start+len(out)]
}

func snappyDecode(dst, src []byte, limit int64) ([]byte, error) {
	n, err := s2.DecodedLen(src)
	if err != nil {
		return dst, corrupt(Snappy, err)
	}
	if int64(n) > limit {
		return dst, fmt.Errorf("%w: snappy block declares %d bytes > limit %d", ErrTooLarge, n, limit)
	}
	start := len(dst)
	dst = grow(dst, n)
	if _, err := s2.Decode(dst[start:start+n], src); err != nil {
		return dst[:start], corrupt(Snappy, err)
	}
	return dst[:start+n], nil
}

// grow returns dst with room for n more bytes after len(dst), len unchanged.
func grow(dst []byte, n int) []byte {
	if cap(dst)-len(dst) >= n {
		return dst
	}
	return append(dst[:cap(dst)], make([]byte, n-(cap(dst)-len(dst)))...)[:len(dst)]
}

// ---- zstd ----

var (
	zstdEncOnce [Maximum + 1]sync.Once
	zstdEnc     [Maximum + 1]*zstd.Encoder
	zstdEncErr  [Maximum + 1]error
	zstdDecPool sync.Pool
)

// zstdEncoder returns the shared one-shot encoder for l (EncodeAll is safe
// for concurrent use).
func zstdEncoder(l Level) (*zstd.Encoder, error) {
	zstdEncOnce[l].Do(func() {
		zstdEnc[l], zstdEncErr[l] = zstd.NewWriter(nil,
			zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(native[Zstd][l-1])))
	})
	return zstdEnc[l], zstdEncErr[l]
}

func zstdDecode(dst, src []byte, limit int64) ([]byte, error) {
	d, _ := zstdDecPool.Get().(*zstd.Decoder)
	if d == nil {
		var err error
		d, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecodeAllCapLimit(true),
			zstd.WithDecoderMaxMemory(uint64(DefaultLimit)))
		if err != nil {
			return dst, err
		}
	}
	defer zstdDecPool.Put(d)
	// When the frame declares its size, decode it in one call with the
	// capacity capped at the limit; otherwise stream it.
	var h zstd.Header
	if err := h.Decode(src); err == nil && h.HasFCS {
		if h.FrameContentSize > uint64(limit) {
			return dst, fmt.Errorf("%w: zstd frame declares %d bytes > limit %d", ErrTooLarge, h.FrameContentSize, limit)
		}
		start := len(dst)
		// Room for the declared size; a later frame or a lying header
		// stops at the limit through the cap.
		want := int(h.FrameContentSize)
		if want < 64 {
			want = 64
		}
		dst = grow(dst, want)
		lim := int64(cap(dst) - start)
		if lim > limit {
			lim = limit
		}
		out, err := d.DecodeAll(src, dst[:start:start+int(lim)])
		if err == nil {
			return out, nil
		}
		if !errors.Is(err, zstd.ErrDecoderSizeExceeded) {
			return dst[:start], corrupt(Zstd, err)
		}
		// More than one frame, or content beyond the declared size: stream.
		dst = dst[:start]
	}
	if err := d.Reset(bytes.NewReader(src)); err != nil {
		return dst, corrupt(Zstd, err)
	}
	out, err := readAllLimit(dst, d, limit, len(src)*3)
	if err != nil {
		if errors.Is(err, zstd.ErrDecoderSizeExceeded) || errors.Is(err, zstd.ErrWindowSizeExceeded) {
			return out, fmt.Errorf("%w: %w", ErrTooLarge, err)
		}
		return out, corrupt(Zstd, err)
	}
	return out, nil
}
