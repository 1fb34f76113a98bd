package compression

import (
	"bufio"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/andybalholm/brotli"
	dsbzip2 "github.com/dsnet/compress/bzip2"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// NewWriter returns a writer that compresses what is written to it into w,
// in the codec's standard container (snappy: the snappy framing format, which
// `python-snappy -c` and other framing tools read). Close flushes the last
// block and writes the trailer; it does not close w. The zero Level means
// Balanced.
func NewWriter(w io.Writer, a Algorithm, l Level) (io.WriteCloser, error) {
	l, err := l.normalize()
	if err != nil {
		return nil, err
	}
	if !a.Valid() {
		return nil, fmt.Errorf("%w: %s", ErrUnsupported, a)
	}
	lvl := native[a][l-1]
	switch a {
	case None:
		return nopWriteCloser{w}, nil
	case Gzip:
		return gzip.NewWriterLevel(w, lvl)
	case Deflate:
		return zlib.NewWriterLevel(w, lvl)
	case Zstd:
		return zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(lvl)), zstd.WithEncoderConcurrency(1))
	case LZ4:
		zw := lz4.NewWriter(w)
		if err := zw.Apply(lz4.CompressionLevelOption(lz4Level(lvl))); err != nil {
			return nil, err
		}
		return zw, nil
	case Snappy:
		opts := []s2.WriterOption{s2.WriterSnappyCompat()}
		switch lvl {
		case 1:
			opts = append(opts, s2.WriterBetterCompression())
		case 2:
			opts = append(opts, s2.WriterBestCompression())
		}
		return s2.NewWriter(w, opts...), nil
	case Brotli:
		return brotli.NewWriterLevel(w, lvl), nil
	case LZMA:
		return &lazyXZ{w: w, l: l, dict: xzDict[lvl]}, nil
	case BZ2:
		return dsbzip2.NewWriter(w, &dsbzip2.WriterConfig{Level: lvl})
	}
	return nil, fmt.Errorf("%w: %s", ErrUnsupported, a)
}

// NewReader returns a reader of the decompressed content of r, which holds
// the codec's standard container (snappy: the framing format). Errors of the
// codec match ErrCorrupt; errors of r itself come through unchanged. The
// reader does not bound the output: wrap it in an [io.LimitedReader] when r
// is untrusted. Close releases the decoder; it does not close r.
func NewReader(r io.Reader, a Algorithm) (io.ReadCloser, error) {
	if !a.Valid() {
		return nil, fmt.Errorf("%w: %s", ErrUnsupported, a)
	}
	src := &srcReader{r: r}
	var (
		dec io.Reader
		cl  func() error
	)
	switch a {
	case None:
		return io.NopCloser(r), nil
	case Gzip:
		zr, err := gzip.NewReader(src)
		if err != nil {
			return nil, src.wrap(a, err)
		}
		dec, cl = zr, zr.Close
	case Deflate:
		zr, err := zlib.NewReader(src)
		if err != nil {
			return nil, src.wrap(a, err)
		}
		dec, cl = zr, zr.Close
	case Zstd:
		zr, err := zstd.NewReader(src, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, src.wrap(a, err)
		}
		dec, cl = zr, func() error { zr.Close(); return nil }
	case LZ4:
		dec = lz4.NewReader(src)
	case Snappy:
		dec = s2.NewReader(src)
	case Brotli:
		dec = brotli.NewReader(src)
	case LZMA:
		zr, err := xz.NewReader(bufio.NewReader(src))
		if err != nil {
			return nil, src.wrap(a, err)
		}
		dec = zr
	case BZ2:
		dec = bzip2.NewReader(src)
	}
	return &decodeReader{a: a, src: src, r: dec, close: cl}, nil
}

// lz4Level maps the lz4 tool's level (0..12) onto the library's: 0 is the
// fast compressor, 1..9 the HC levels, anything above 9 the deepest HC.
func lz4Level(n int) lz4.CompressionLevel {
	switch {
	case n <= 0:
		return lz4.Fast
	case n >= 9:
		return lz4.Level9
	default:
		return lz4.Level1 << (n - 1)
	}
}

// xzDict is the dictionary size of the xz presets 0..9.
var xzDict = [10]int{256 << 10, 1 << 20, 2 << 20, 4 << 20, 4 << 20, 8 << 20, 8 << 20, 16 << 20, 32 << 20, 64 << 20}

// xzWriter returns an .xz writer for the preset of l; size >= 0 caps the
// dictionary at the input size.
func xzWriter(w io.Writer, l Level, size int) (io.WriteCloser, error) {
	dict := xzDict[native[LZMA][l-1]]
	if size >= 0 && size < dict {
		dict = max(size, lzma.MinDictCap)
	}
	cfg := xz.WriterConfig{DictCap: dict}
	return cfg.NewWriter(w)
}

// lazyXZ holds back the first dictionary-size bytes so that a short stream
// gets a dictionary of its own size: the xz library allocates the whole
// preset dictionary (up to 64 MiB) up front.
type lazyXZ struct {
	w    io.Writer
	l    Level
	dict int
	buf  []byte
	zw   io.WriteCloser
}

func (z *lazyXZ) Write(p []byte) (int, error) {
	if z.zw != nil {
		return z.zw.Write(p)
	}
	if len(z.buf)+len(p) < z.dict {
		z.buf = append(z.buf, p...)
		return len(p), nil
	}
	if err := z.start(-1); err != nil {
		return 0, err
	}
	return z.zw.Write(p)
}

// start opens the xz writer (size >= 0 caps its dictionary) and hands it
// the held-back bytes.
func (z *lazyXZ) start(size int) error {
	zw, err := xzWriter(z.w, z.l, size)
	if err != nil {
		return err
	}
	z.zw = zw
	buf := z.buf
	z.buf = nil
	_, err = zw.Write(buf)
	return err
}

func (z *lazyXZ) Close() error {
	if z.zw == nil {
		if err := z.start(len(z.buf)); err != nil {
			return err
		}
	}
	return z.zw.Close()
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// srcReader records the errors of the underlying reader so that they can be
// told apart from decoding errors.
type srcReader struct {
	r   io.Reader
	err error
}

func (s *srcReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// wrap returns err unchanged when it came from the source, else as ErrCorrupt.
func (s *srcReader) wrap(a Algorithm, err error) error {
	if s.err != nil && errors.Is(err, s.err) {
		return err
	}
	return corrupt(a, err)
}

// decodeReader translates decoder errors to ErrCorrupt.
type decodeReader struct {
	a     Algorithm
	src   *srcReader
	r     io.Reader
	close func() error
	err   error
}

func (d *decodeReader) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		err = d.src.wrap(d.a, err)
		d.err = err
	}
	return n, err
}

func (d *decodeReader) Close() error {
	if d.close != nil {
		c := d.close
		d.close = nil
		return c()
	}
	return nil
}

// ---- pools for the one-shot API ----

var (
	gzipWriters [Maximum + 1]sync.Pool
	zlibWriters [Maximum + 1]sync.Pool
	lz4Writers  [Maximum + 1]sync.Pool
	brWriters   [Maximum + 1]sync.Pool
	gzipReaders sync.Pool
	zlibReaders sync.Pool
	lz4Readers  sync.Pool
	brReaders   sync.Pool
	bz2Writers  [Maximum + 1]sync.Pool
)

// pooledWriter returns a writer into w for one-shot compression and a
// function that returns it to its pool.
func pooledWriter(w io.Writer, a Algorithm, l Level) (io.WriteCloser, func(), error) {
	lvl := native[a][l-1]
	switch a {
	case Gzip:
		if zw, ok := gzipWriters[l].Get().(*gzip.Writer); ok {
			zw.Reset(w)
			return zw, func() { gzipWriters[l].Put(zw) }, nil
		}
		zw, err := gzip.NewWriterLevel(w, lvl)
		return zw, func() { gzipWriters[l].Put(zw) }, err
	case Deflate:
		if zw, ok := zlibWriters[l].Get().(*zlib.Writer); ok {
			zw.Reset(w)
			return zw, func() { zlibWriters[l].Put(zw) }, nil
		}
		zw, err := zlib.NewWriterLevel(w, lvl)
		return zw, func() { zlibWriters[l].Put(zw) }, err
	case LZ4:
		if zw, ok := lz4Writers[l].Get().(*lz4.Writer); ok {
			zw.Reset(w)
			return zw, func() { lz4Writers[l].Put(zw) }, nil
		}
		zw := lz4.NewWriter(w)
		err := zw.Apply(lz4.CompressionLevelOption(lz4Level(lvl)))
		return zw, func() { lz4Writers[l].Put(zw) }, err
	case Brotli:
		if zw, ok := brWriters[l].Get().(*brotli.Writer); ok {
			zw.Reset(w)
			return zw, func() { brWriters[l].Put(zw) }, nil
		}
		zw := brotli.NewWriterLevel(w, lvl)
		return zw, func() { brWriters[l].Put(zw) }, nil
	case BZ2:
		if zw, ok := bz2Writers[l].Get().(*dsbzip2.Writer); ok {
			if err := zw.Reset(w); err == nil {
				return zw, func() { bz2Writers[l].Put(zw) }, nil
			}
		}
		zw, err := dsbzip2.NewWriter(w, &dsbzip2.WriterConfig{Level: lvl})
		return zw, func() { bz2Writers[l].Put(zw) }, err
	}
	return nil, nil, fmt.Errorf("%w: %s", ErrUnsupported, a)
}

// pooledReader returns a decoder of r for one-shot decompression and a
// function that returns it to its pool.
func pooledReader(r io.Reader, a Algorithm) (io.Reader, func(), error) {
	nop := func() {}
	switch a {
	case Gzip:
		if zr, ok := gzipReaders.Get().(*gzip.Reader); ok {
			if err := zr.Reset(r); err != nil {
				gzipReaders.Put(zr)
				return nil, nop, err
			}
			return zr, func() { gzipReaders.Put(zr) }, nil
		}
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, nop, err
		}
		return zr, func() { gzipReaders.Put(zr) }, nil
	case Deflate:
		if zr, ok := zlibReaders.Get().(io.ReadCloser); ok {
			if err := zr.(zlib.Resetter).Reset(r, nil); err != nil {
				zlibReaders.Put(zr)
				return nil, nop, err
			}
			return zr, func() { zlibReaders.Put(zr) }, nil
		}
		zr, err := zlib.NewReader(r)
		if err != nil {
			return nil, nop, err
		}
		return zr, func() { zlibReaders.Put(zr) }, nil
	case LZ4:
		zr, ok := lz4Readers.Get().(*lz4.Reader)
		if ok {
			zr.Reset(r)
		} else {
			zr = lz4.NewReader(r)
		}
		return zr, func() { lz4Readers.Put(zr) }, nil
	case Brotli:
		zr, ok := brReaders.Get().(*brotli.Reader)
		if ok {
			if err := zr.Reset(r); err != nil {
				return nil, nop, err
			}
		} else {
			zr = brotli.NewReader(r)
		}
		return zr, func() { brReaders.Put(zr) }, nil
	case LZMA:
		zr, err := xz.NewReader(r)
		return zr, nop, err
	case BZ2:
		return bzip2.NewReader(r), nop, nil
	}
	return nil, nop, fmt.Errorf("%w: %s", ErrUnsupported, a)
}
