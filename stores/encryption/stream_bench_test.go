package encryption

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const streamBenchSize = 8 << 20 // bytes per benchmark operation

var streamBenchAlgs = []Algorithm{AES256GCM, ChaCha20Poly1305, XChaCha20Poly1305}

// BenchmarkStreamSeal compares NewWriter with sealing the same 64 KiB chunks
// through the raw cipher.AEAD (no header, no buffering, no writer).
func BenchmarkStreamSeal(b *testing.B) {
	data := streamTestData(streamBenchSize)
	for _, alg := range streamBenchAlgs {
		key := make([]byte, alg.KeySize())
		rand.Read(key)
		b.Run(alg.String()+"/raw", func(b *testing.B) {
			aead, _ := NewAEAD(alg, key)
			out := make([]byte, 0, DefaultChunkSize+aead.Overhead())
			nonce := make([]byte, aead.NonceSize())
			b.SetBytes(streamBenchSize)
			b.ReportAllocs()
			for b.Loop() {
				for i := 0; i < len(data); i += DefaultChunkSize {
					binary.BigEndian.PutUint32(nonce[len(nonce)-5:], uint32(i))
					out = aead.Seal(out[:0], nonce, data[i:i+DefaultChunkSize], nil)
					io.Discard.Write(out)
				}
			}
		})
		b.Run(alg.String()+"/stream", func(b *testing.B) {
			b.SetBytes(streamBenchSize)
			b.ReportAllocs()
			for b.Loop() {
				w, err := NewWriter(io.Discard, key, &StreamOptions{Algorithm: alg})
				if err != nil {
					b.Fatal(err)
				}
				w.Write(data)
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStreamOpen compares NewReader with opening the same chunks through
// the raw cipher.AEAD.
func BenchmarkStreamOpen(b *testing.B) {
	data := streamTestData(streamBenchSize)
	for _, alg := range streamBenchAlgs {
		key := make([]byte, alg.KeySize())
		rand.Read(key)
		b.Run(alg.String()+"/raw", func(b *testing.B) {
			aead, _ := NewAEAD(alg, key)
			nonce := make([]byte, aead.NonceSize())
			var sealed [][]byte
			for i := 0; i < len(data); i += DefaultChunkSize {
				binary.BigEndian.PutUint32(nonce[len(nonce)-5:], uint32(i))
				sealed = append(sealed, aead.Seal(nil, nonce, data[i:i+DefaultChunkSize], nil))
			}
			pt := make([]byte, DefaultChunkSize)
			b.SetBytes(streamBenchSize)
			b.ReportAllocs()
			for b.Loop() {
				for k, ct := range sealed {
					binary.BigEndian.PutUint32(nonce[len(nonce)-5:], uint32(k*DefaultChunkSize))
					if _, err := aead.Open(pt[:0], nonce, ct, nil); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
		b.Run(alg.String()+"/stream", func(b *testing.B) {
			var buf bytes.Buffer
			w, _ := NewWriter(&buf, key, &StreamOptions{Algorithm: alg})
			w.Write(data)
			w.Close()
			ct := buf.Bytes()
			p := make([]byte, DefaultChunkSize)
			b.SetBytes(streamBenchSize)
			b.ReportAllocs()
			for b.Loop() {
				r, err := NewReader(bytes.NewReader(ct), key, nil)
				if err != nil {
					b.Fatal(err)
				}
				for {
					_, err := r.Read(p)
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkChunkedGiB writes a 1 GiB stream to a temporary file, then times
// opening it and reading 4 KiB from its first, middle and last chunks.
// Opening authenticates the final chunk, so every open pays for one chunk.
func BenchmarkChunkedGiB(b *testing.B) {
	const size = 1 << 30
	key := make([]byte, 32)
	rand.Read(key)
	path := filepath.Join(b.TempDir(), "gib.enc")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w, err := NewWriter(f, key, nil)
	if err != nil {
		b.Fatal(err)
	}
	block := streamTestData(4 << 20)
	for n := 0; n < size; n += len(block) {
		if _, err := w.Write(block); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	st, _ := f.Stat()
	defer f.Close()
	p := make([]byte, 4096)
	read := func(b *testing.B, off int64, reopen bool) {
		c, err := OpenChunked(f, st.Size(), key, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if reopen {
				if c, err = OpenChunked(f, st.Size(), key, nil); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := c.ReadAt(p, off); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("open+first", func(b *testing.B) { read(b, 0, true) })
	b.Run("open+last", func(b *testing.B) { read(b, size-4096, true) })
	b.Run("first", func(b *testing.B) { read(b, 0, false) })
	b.Run("middle", func(b *testing.B) { read(b, size/2, false) })
	b.Run("second-to-last", func(b *testing.B) { read(b, size-DefaultChunkSize-4096, false) })
	b.Run("last", func(b *testing.B) { read(b, size-4096, false) })
}

// BenchmarkStreamVsRaw alternates the raw AEAD and the streaming format on the
// same 8 MiB in every iteration, so that load from other processes hits both
// alike, and reports throughput of each (best iteration) and their ratio.
// "open" compares with opening chunks already in memory; "open-from-reader"
// with reading each chunk from an io.Reader first, as a stream must.
func BenchmarkStreamVsRaw(b *testing.B) {
	data := streamTestData(streamBenchSize)
	for _, alg := range streamBenchAlgs {
		key := make([]byte, alg.KeySize())
		rand.Read(key)
		aead, _ := NewAEAD(alg, key)
		nonce := make([]byte, aead.NonceSize())
		out := make([]byte, 0, DefaultChunkSize+aead.Overhead())
		var sealed [][]byte
		for i := 0; i < len(data); i += DefaultChunkSize {
			binary.BigEndian.PutUint32(nonce[len(nonce)-5:], uint32(i))
			sealed = append(sealed, aead.Seal(nil, nonce, data[i:i+DefaultChunkSize], nil))
		}
		var sbuf bytes.Buffer
		sw, _ := NewWriter(&sbuf, key, &StreamOptions{Algorithm: alg})
		sw.Write(data)
		sw.Close()
		stream := sbuf.Bytes()
		pt := make([]byte, DefaultChunkSize)

		rawSeal := func() {
			for i := 0; i < len(data); i += DefaultChunkSize {
				binary.BigEndian.PutUint32(nonce[len(nonce)-5:], uint32(i))
				out = aead.Seal(out[:0], nonce, data[i:i+DefaultChunkSize], nil)
				io.Discard.Write(out)
			}
		}
		streamSeal := func() {
			w, _ := NewWriter(io.Discard, key, &StreamOptions{Algorithm: alg})
			w.Write(data)
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
		}
		rawOpen := func() {
			for k, ct := range sealed {
				binary.BigEndian.PutUint32(nonce[len(nonce)-5:], uint32(k*DefaultChunkSize))
				if _, err := aead.Open(pt[:0], nonce, ct, nil); err != nil {
					b.Fatal(err)
				}
			}
		}
		// rawOpenRead is rawOpen on chunks read from an io.Reader, the copy
		// any stream decryption pays.
		joined := bytes.Join(sealed, nil)
		ctBuf := make([]byte, DefaultChunkSize+aead.Overhead())
		rawOpenRead := func() {
			src := bytes.NewReader(joined)
			for k := range sealed {
				if _, err := io.ReadFull(src, ctBuf); err != nil {
					b.Fatal(err)
				}
				binary.BigEndian.PutUint32(nonce[len(nonce)-5:], uint32(k*DefaultChunkSize))
				if _, err := aead.Open(pt[:0], nonce, ctBuf, nil); err != nil {
					b.Fatal(err)
				}
			}
		}
		streamOpen := func() {
			r, err := NewReader(bytes.NewReader(stream), key, nil)
			if err != nil {
				b.Fatal(err)
			}
			for {
				if _, err := r.Read(pt); err == io.EOF {
					return
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
		for _, dir := range []struct {
			name        string
			raw, stream func()
		}{{"seal", rawSeal, streamSeal}, {"open", rawOpen, streamOpen}, {"open-from-reader", rawOpenRead, streamOpen}} {
			b.Run(alg.String()+"/"+dir.name, func(b *testing.B) {
				var rawBest, streamBest time.Duration = 1 << 62, 1 << 62
				b.SetBytes(2 * streamBenchSize)
				for b.Loop() {
					t0 := time.Now()
					dir.raw()
					t1 := time.Now()
					dir.stream()
					t2 := time.Now()
					rawBest = min(rawBest, t1.Sub(t0))
					streamBest = min(streamBest, t2.Sub(t1))
				}
				mbps := func(d time.Duration) float64 { return streamBenchSize / d.Seconds() / 1e6 }
				b.ReportMetric(mbps(rawBest), "raw-MB/s")
				b.ReportMetric(mbps(streamBest), "stream-MB/s")
				b.ReportMetric(rawBest.Seconds()/streamBest.Seconds(), "stream/raw")
			})
		}
	}
}
