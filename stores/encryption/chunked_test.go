package encryption

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func openChunkedBytes(key, ct []byte, opts *StreamOptions) (*ChunkedReader, error) {
	return OpenChunked(bytes.NewReader(ct), int64(len(ct)), key, opts)
}

func readAllChunked(c *ChunkedReader) ([]byte, error) {
	out := make([]byte, c.Size())
	n, err := c.ReadAt(out, 0)
	if err != nil && !(err == io.EOF && int64(n) == c.Size()) {
		return nil, err
	}
	return out[:n], nil
}

func TestChunkedRandomAccess(t *testing.T) {
	const cs = 64
	for _, alg := range []Algorithm{AES256GCM, XChaCha20Poly1305} {
		key := streamTestKey(t, alg)
		for _, n := range []int{0, 1, cs - 1, cs, cs + 1, 3*cs - 1, 3 * cs, 3*cs + 1, 1000} {
			pt := streamTestData(n)
			opts := &StreamOptions{Algorithm: alg, ChunkSize: cs, AssociatedData: []byte("ad")}
			ct := sealStream(t, key, pt, opts)
			c, err := openChunkedBytes(key, ct, opts)
			if err != nil {
				t.Fatalf("%v n=%d: %v", alg, n, err)
			}
			if c.Size() != int64(n) || c.NumChunks() != max(1, (n+cs-1)/cs) || c.ChunkSize() != cs {
				t.Fatalf("%v n=%d: size %d chunks %d", alg, n, c.Size(), c.NumChunks())
			}
			for i := 0; i < c.NumChunks(); i++ {
				got, err := c.Chunk(i)
				if err != nil || !bytes.Equal(got, pt[i*cs:min(n, (i+1)*cs)]) {
					t.Fatalf("%v n=%d chunk %d: err=%v", alg, n, i, err)
				}
			}
			if _, err := c.Chunk(c.NumChunks()); !errors.Is(err, ErrInvalidOption) {
				t.Fatalf("chunk out of range: %v", err)
			}
			for off := 0; off <= n; off += 13 {
				for _, l := range []int{0, 1, cs - 1, cs, cs + 1, 2*cs + 5} {
					p := make([]byte, l)
					k, err := c.ReadAt(p, int64(off))
					want := pt[off:min(n, off+l)]
					if k != len(want) || !bytes.Equal(p[:k], want) {
						t.Fatalf("%v n=%d ReadAt(%d, %d): %d bytes, err %v", alg, n, l, off, k, err)
					}
					if k < l && err != io.EOF {
						t.Fatalf("short ReadAt without io.EOF: %v", err)
					}
					if k == l && err != nil {
						t.Fatalf("full ReadAt with error %v", err)
					}
				}
			}
			// A section reader streams the whole plaintext.
			got, err := io.ReadAll(io.NewSectionReader(c, 0, c.Size()))
			if err != nil || !bytes.Equal(got, pt) {
				t.Fatalf("section reader: %v", err)
			}
		}
	}
}

func TestChunkedConcurrent(t *testing.T) {
	key := streamTestKey(t, AES256GCM)
	pt := streamTestData(10000)
	c, err := openChunkedBytes(key, sealStream(t, key, pt, &StreamOptions{ChunkSize: 100}), nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			p := make([]byte, 250)
			for off := g * 7; off+250 <= len(pt); off += 333 {
				if _, err := c.ReadAt(p, int64(off)); err != nil || !bytes.Equal(p, pt[off:off+250]) {
					t.Errorf("concurrent ReadAt at %d: %v", off, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}

func TestChunkedTamperEveryByte(t *testing.T) {
	key := streamTestKey(t, AES256GCM)
	opts := &StreamOptions{ChunkSize: 16}
	ct := sealStream(t, key, streamTestData(40), opts)
	for i := range ct {
		mod := bytes.Clone(ct)
		mod[i] ^= 0x20
		c, err := openChunkedBytes(key, mod, opts)
		if err != nil {
			continue
		}
		if _, err := readAllChunked(c); err == nil {
			t.Fatalf("byte %d changed: whole file read without error", i)
		} else if !errors.Is(err, ErrAuthentication) {
			t.Fatalf("byte %d changed: %v", i, err)
		}
	}
}

func TestChunkedTruncationDetectedAtOpen(t *testing.T) {
	key := streamTestKey(t, AES256GCM)
	opts := &StreamOptions{ChunkSize: 16}
	ct := sealStream(t, key, streamTestData(16*5+3), opts)
	for n := 0; n < len(ct); n++ {
		if _, err := openChunkedBytes(key, ct[:n], opts); err == nil {
			t.Fatalf("truncated to %d of %d bytes: opened", n, len(ct))
		} else if !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrAuthentication) && !errors.Is(err, ErrFormat) {
			t.Fatalf("truncated to %d: untyped %v", n, err)
		}
	}
	hlen := streamFixedLen + streamSaltLen
	for k := 1; k <= 5; k++ {
		if _, err := openChunkedBytes(key, ct[:hlen+k*32], opts); !errors.Is(err, ErrTruncated) {
			t.Fatalf("cut after chunk %d: %v", k, err)
		}
	}
	for _, extra := range [][]byte{{1}, make([]byte, 32), ct[hlen : hlen+32]} {
		if _, err := openChunkedBytes(key, append(bytes.Clone(ct), extra...), opts); err == nil {
			t.Fatalf("%d trailing bytes: opened", len(extra))
		}
	}
}

func TestChunkedUpstream(t *testing.T) {
	dir, key, plain := streamUpstream(t)
	ct, err := os.ReadFile(filepath.Join(dir, "chunked.bin"))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := os.ReadFile(filepath.Join(dir, "chunked.idx.json"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := OpenLegacyChunked(bytes.NewReader(ct), int64(len(ct)), idx, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.NumChunks() != 52 || c.Size() != int64(len(plain)) {
		t.Fatalf("chunks %d size %d", c.NumChunks(), c.Size())
	}
	got, err := readAllChunked(c)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("decrypt all: %v", err)
	}
	ch, err := c.Chunk(51)
	if err != nil || !bytes.Equal(ch, plain[51*64:]) {
		t.Fatalf("last chunk: %v", err)
	}
	p := make([]byte, 100)
	if _, err := c.ReadAt(p, 1000); err != nil || !bytes.Equal(p, plain[1000:1100]) {
		t.Fatalf("range: %v", err)
	}
	// Every ciphertext byte is authenticated.
	for i := 0; i < len(ct); i += 7 {
		mod := bytes.Clone(ct)
		mod[i] ^= 1
		c, err := OpenLegacyChunked(bytes.NewReader(mod), int64(len(mod)), idx, key, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := readAllChunked(c); !errors.Is(err, ErrAuthentication) && !errors.Is(err, ErrFormat) {
			t.Fatalf("byte %d: %v", i, err)
		}
	}
	// Index edits are caught by the consistency checks.
	s := string(idx)
	edits := map[string]string{
		"truncated file": "",
		"total size":     strings.Replace(s, `"total_plaintext_size": 3324`, `"total_plaintext_size": 3325`, 1),
		"offset":         strings.Replace(s, `"offset": 84}`, `"offset": 85}`, 1),
		"nonce":          strings.Replace(s, `"nonce": "dd008fc292865b2fff9fd821"`, `"nonce": "dd008fc292865b2fff9fd822"`, 1),
		"algorithm":      strings.Replace(s, `"aes-256-gcm"`, `"rot13"`, 1),
		"chunk size":     strings.Replace(s, `"chunk_size": 64`, `"chunk_size": 65`, 1),
		"not json":       s[:100],
	}
	for name, e := range edits {
		data := ct
		if name == "truncated file" {
			e, data = s, ct[:len(ct)-80]
		}
		if e == s && name != "truncated file" {
			t.Fatalf("%s: edit did not apply", name)
		}
		if _, err := OpenLegacyChunked(bytes.NewReader(data), int64(len(data)), []byte(e), key, nil); err == nil {
			t.Errorf("%s: opened", name)
		}
	}
}
