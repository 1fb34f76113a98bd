package encryption

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzOpenChunked feeds arbitrary bytes to OpenChunked and reads every chunk
// and a few ranges. It must never panic; anything it opens must read back
// consistently.
func FuzzOpenChunked(f *testing.F) {
	for _, n := range []int{0, 1, 16, 17, 70} {
		f.Add(sealStream(f, streamFuzzKey, streamTestData(n), &StreamOptions{ChunkSize: 16}), int64(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, off int64) {
		c, err := openChunkedBytes(streamFuzzKey, in, nil)
		if err != nil {
			return
		}
		all, err := readAllChunked(c)
		if err != nil {
			return // a changed middle chunk is found when read
		}
		p := make([]byte, 20)
		if off < 0 {
			off = -off
		}
		if c.Size() > 0 {
			off %= c.Size()
			n, _ := c.ReadAt(p, off)
			if !bytes.Equal(p[:n], all[off:off+int64(n)]) {
				t.Fatal("ReadAt disagrees with the whole read")
			}
		}
	})
}

// FuzzLegacyChunkedIndex feeds arbitrary index JSON, with the original's
// chunked.bin, to OpenLegacyChunked. It must never panic or read out of
// bounds.
func FuzzLegacyChunkedIndex(f *testing.F) {
	dir := os.Getenv("TRUTHOUND_TESTDATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "testdata")
	}
	ct, _ := os.ReadFile(filepath.Join(dir, "upstream", "crypto", "chunked.bin"))
	idx, _ := os.ReadFile(filepath.Join(dir, "upstream", "crypto", "chunked.idx.json"))
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i)
	}
	f.Add(idx)
	f.Add([]byte(`{"algorithm":"aes-256-gcm","base_nonce":"000000000000000000000000","chunk_size":64,"total_plaintext_size":0,"chunks":[]}`))
	f.Fuzz(func(t *testing.T, index []byte) {
		c, err := OpenLegacyChunked(bytes.NewReader(ct), int64(len(ct)), index, key, nil)
		if err != nil {
			return
		}
		for i := 0; i < c.NumChunks(); i++ {
			c.Chunk(i)
		}
		readAllChunked(c)
	})
}
