package compression

import (
	"bytes"
	"compress/bzip2"
	"fmt"
	"io"

	"github.com/andybalholm/brotli"
	dsbzip2 "github.com/dsnet/compress/bzip2"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
)

// rawCodec drives a codec's library directly, the way a careful caller
// would (one reusable encoder and decoder, Reset between calls), with none
// of this package's pooling, limits or error wrapping. Bench and the
// benchmarks compare the package against it. Not safe for concurrent use.
type rawCodec struct {
	a   Algorithm
	lvl int
	buf bytes.Buffer
	gzw *gzip.Writer
	gzr *gzip.Reader
	zlw *zlib.Writer
	zlr io.ReadCloser
	zse *zstd.Encoder
	zsd *zstd.Decoder
	lzw *lz4.Writer
	lzr *lz4.Reader
	brw *brotli.Writer
	brr *brotli.Reader
	bzw *dsbzip2.Writer
	out []byte // reused output of the block codecs
}

func newRawCodec(a Algorithm, l Level) (*rawCodec, error) {
	l, err := l.normalize()
	if err != nil {
		return nil, err
	}
	if !a.Valid() {
		return nil, fmt.Errorf("%w: %s", ErrUnsupported, a)
	}
	r := &rawCodec{a: a, lvl: native[a][l-1]}
	switch a {
	case Gzip:
		r.gzw, err = gzip.NewWriterLevel(nil, r.lvl)
	case Deflate:
		r.zlw, err = zlib.NewWriterLevel(nil, r.lvl)
	case Zstd:
		if r.zse, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(r.lvl))); err == nil {
			r.zsd, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
		}
	case LZ4:
		r.lzw = lz4.NewWriter(nil)
		err = r.lzw.Apply(lz4.CompressionLevelOption(lz4Level(r.lvl)))
		r.lzr = lz4.NewReader(nil)
	case Brotli:
		r.brw = brotli.NewWriterLevel(nil, r.lvl)
		r.brr = brotli.NewReader(nil)
	case BZ2:
		r.bzw, err = dsbzip2.NewWriter(nil, &dsbzip2.WriterConfig{Level: r.lvl})
	}
	return r, err
}

// compress returns the codec's output for src (valid until the next call).
func (r *rawCodec) compress(src []byte) ([]byte, error) {
	r.buf.Reset()
	var w io.WriteCloser
	switch r.a {
	case None:
		r.buf.Write(src)
		return r.buf.Bytes(), nil
	case Snappy:
		if n := s2.MaxEncodedLen(len(src)); len(r.out) < n {
			r.out = make([]byte, n)
		}
		switch r.lvl {
		case 0:
			return s2.EncodeSnappy(r.out, src), nil
		case 1:
			return s2.EncodeSnappyBetter(r.out, src), nil
		}
		return s2.EncodeSnappyBest(r.out, src), nil
	case Zstd:
		r.out = r.zse.EncodeAll(src, r.out[:0])
		return r.out, nil
	case Gzip:
		r.gzw.Reset(&r.buf)
		w = r.gzw
	case Deflate:
		r.zlw.Reset(&r.buf)
		w = r.zlw
	case LZ4:
		r.lzw.Reset(&r.buf)
		w = r.lzw
	case Brotli:
		r.brw.Reset(&r.buf)
		w = r.brw
	case BZ2:
		if err := r.bzw.Reset(&r.buf); err != nil {
			return nil, err
		}
		w = r.bzw
	case LZMA:
		var err error
		if w, err = (&xz.WriterConfig{DictCap: min(max(len(src), 4096), xzDict[r.lvl])}).NewWriter(&r.buf); err != nil {
			return nil, err
		}
	}
	if _, err := w.Write(src); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return r.buf.Bytes(), nil
}

// decompress appends the decoded src to dst.
func (r *rawCodec) decompress(dst, src []byte) ([]byte, error) {
	var rd io.Reader
	br := bytes.NewReader(src)
	switch r.a {
	case None:
		return append(dst, src...), nil
	case Snappy:
		n, err := s2.DecodedLen(src)
		if err != nil {
			return nil, err
		}
		out, err := s2.Decode(grow(dst, n)[len(dst):len(dst)+n], src)
		return dst[:len(dst)+len(out)], err
	case Zstd:
		return r.zsd.DecodeAll(src, dst)
	case Gzip:
		if r.gzr == nil {
			var err error
			if r.gzr, err = gzip.NewReader(br); err != nil {
				return nil, err
			}
		} else if err := r.gzr.Reset(br); err != nil {
			return nil, err
		}
		rd = r.gzr
	case Deflate:
		if r.zlr == nil {
			var err error
			if r.zlr, err = zlib.NewReader(br); err != nil {
				return nil, err
			}
		} else if err := r.zlr.(zlib.Resetter).Reset(br, nil); err != nil {
			return nil, err
		}
		rd = r.zlr
	case LZ4:
		r.lzr.Reset(br)
		rd = r.lzr
	case Brotli:
		if err := r.brr.Reset(br); err != nil {
			return nil, err
		}
		rd = r.brr
	case LZMA:
		xr, err := xz.NewReader(br)
		if err != nil {
			return nil, err
		}
		rd = xr
	case BZ2:
		rd = bzip2.NewReader(br)
	}
	// Read straight into dst's spare capacity, growing it when full (what
	// io.ReadAll does, appending to dst), but probe with one byte first so
	// an output that fits exactly is not copied to see the end.
	var probe [1]byte
	for {
		if len(dst) == cap(dst) {
			n, err := io.ReadFull(rd, probe[:])
			if n == 0 {
				if err == io.EOF {
					return dst, nil
				}
				return dst, err
			}
			dst = append(dst, probe[0])
			continue
		}
		n, err := rd.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return dst, err
		}
	}
}
