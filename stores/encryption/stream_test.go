package encryption

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// streamTestdataDir returns the shared test data folder: $TRUTHOUND_TESTDATA
// or ../shared/testdata beside the repository root. Without it the test fails
// under CI and is skipped locally.
func streamTestdataDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("TRUTHOUND_TESTDATA"); d != "" {
		if _, err := os.Stat(d); err == nil {
			return d
		}
	}
	dir, err := os.Getwd()
	if err == nil {
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				cand := filepath.Join(dir, "..", "shared", "testdata")
				if _, err := os.Stat(cand); err == nil {
					return cand
				}
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("shared test data not found: set TRUTHOUND_TESTDATA")
	}
	t.Skip("shared test data not found: set TRUTHOUND_TESTDATA")
	return ""
}

func streamUpstream(t testing.TB) (dir string, key, plain []byte) {
	t.Helper()
	dir = filepath.Join(streamTestdataDir(t), "upstream", "crypto")
	kh, err := os.ReadFile(filepath.Join(dir, "key.hex"))
	if err != nil {
		t.Fatal(err)
	}
	key, err = hex.DecodeString(strings.TrimSpace(string(kh)))
	if err != nil {
		t.Fatal(err)
	}
	plain, err = os.ReadFile(filepath.Join(dir, "plaintext.bin"))
	if err != nil {
		t.Fatal(err)
	}
	return dir, key, plain
}

func streamTestKey(t testing.TB, a Algorithm) []byte {
	t.Helper()
	k := make([]byte, a.KeySize())
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func streamTestData(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>8)
	}
	return b
}

func sealStream(t testing.TB, key, pt []byte, opts *StreamOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, key, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(pt); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func openStream(key, ct []byte, opts *StreamOptions) ([]byte, error) {
	r, err := NewReader(bytes.NewReader(ct), key, opts)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func TestStreamRoundTripBoundaries(t *testing.T) {
	const cs = 64
	lengths := []int{0, 1, cs - 1, cs, cs + 1, 2*cs - 1, 2 * cs, 2*cs + 1, 10*cs - 1, 10 * cs, 10*cs + 1}
	for _, alg := range []Algorithm{AES128GCM, AES256GCM, ChaCha20Poly1305, XChaCha20Poly1305} {
		key := streamTestKey(t, alg)
		for _, n := range lengths {
			pt := streamTestData(n)
			opts := &StreamOptions{Algorithm: alg, ChunkSize: cs, KeyID: "k1", KeyVersion: 3}
			ct := sealStream(t, key, pt, opts)
			chunks := max(1, (n+cs-1)/cs)
			wantLen := streamFixedLen + 2 + streamSaltLen + n + chunks*16
			if len(ct) != wantLen {
				t.Errorf("%v n=%d: ciphertext %d bytes, want %d", alg, n, len(ct), wantLen)
			}
			got, err := openStream(key, ct, opts)
			if err != nil {
				t.Fatalf("%v n=%d: %v", alg, n, err)
			}
			if !bytes.Equal(got, pt) {
				t.Fatalf("%v n=%d: round trip mismatch", alg, n)
			}
			// Odd-sized reads and writes give the same result.
			var buf bytes.Buffer
			w, _ := NewWriter(&buf, key, opts)
			for i := 0; i < n; i += 7 {
				if _, err := w.Write(pt[i:min(n, i+7)]); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			r, err := NewReader(iotest.OneByteReader(&buf), key, opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err = io.ReadAll(iotest.OneByteReader(r))
			if err != nil || !bytes.Equal(got, pt) {
				t.Fatalf("%v n=%d: small reads/writes: err=%v equal=%v", alg, n, err, bytes.Equal(got, pt))
			}
		}
	}
}

func TestStreamHeader(t *testing.T) {
	key := streamTestKey(t, AES256GCM)
	ct := sealStream(t, key, []byte("hello"), &StreamOptions{KeyID: "orders", KeyVersion: 7})
	r := bytes.NewReader(ct)
	h, err := ReadStreamHeader(r)
	if err != nil {
		t.Fatal(err)
	}
	if h.KeyID != "orders" || h.KeyVersion != 7 || h.Algorithm != AES256GCM || h.ChunkSize != DefaultChunkSize {
		t.Fatalf("header %+v", h)
	}
	if h.Len() != len(ct)-r.Len() {
		t.Fatalf("Len %d, consumed %d", h.Len(), len(ct)-r.Len())
	}
	// Peek the header of a non-seekable stream, then decrypt it.
	long := sealStream(t, key, []byte("hello"), &StreamOptions{KeyID: strings.Repeat("k", 255)})
	if len(long) != MaxStreamHeaderLen+5+16 {
		t.Fatalf("longest header: stream of %d bytes", len(long))
	}
	br := bufio.NewReader(iotest.HalfReader(bytes.NewReader(long)))
	peek, _ := br.Peek(MaxStreamHeaderLen)
	h, err = ReadStreamHeader(bytes.NewReader(peek))
	if err != nil || len(h.KeyID) != 255 {
		t.Fatalf("peeked header: %v", err)
	}
	if got, err := io.ReadAll(streamMust(NewReader(br, key, nil))); err != nil || string(got) != "hello" {
		t.Fatalf("after peek: %q %v", got, err)
	}
}

func streamMust[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestStreamTamperEveryByte(t *testing.T) {
	key := streamTestKey(t, AES256GCM)
	opts := &StreamOptions{ChunkSize: 16, AssociatedData: []byte("ad")}
	pt := streamTestData(50) // 4 chunks: 16, 16, 16, 2
	ct := sealStream(t, key, pt, opts)
	for i := range ct {
		for _, bit := range []byte{0x01, 0x80} {
			mod := bytes.Clone(ct)
			mod[i] ^= bit
			if got, err := openStream(key, mod, opts); err == nil {
				t.Fatalf("byte %d ^ %#x accepted: %q", i, bit, got)
			}
		}
	}
}

func TestStreamTruncation(t *testing.T) {
	key := streamTestKey(t, ChaCha20Poly1305)
	opts := &StreamOptions{Algorithm: ChaCha20Poly1305, ChunkSize: 32}
	pt := streamTestData(32*4 + 5)
	ct := sealStream(t, key, pt, opts)
	for n := 0; n < len(ct); n++ {
		_, err := openStream(key, ct[:n], opts)
		if err == nil {
			t.Fatalf("truncated to %d of %d bytes accepted", n, len(ct))
		}
		if !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrAuthentication) {
			t.Fatalf("truncated to %d: error %v is neither ErrTruncated nor ErrAuthentication", n, err)
		}
	}
	// At every chunk boundary the error says truncated.
	hlen := streamFixedLen + streamSaltLen
	for k := 1; k <= 4; k++ {
		_, err := openStream(key, ct[:hlen+k*(32+16)], opts)
		if !errors.Is(err, ErrTruncated) {
			t.Fatalf("cut after chunk %d: %v, want ErrTruncated", k, err)
		}
	}
	// Trailing data.
	for _, extra := range [][]byte{{0}, ct[len(ct)-20:], ct[hlen : hlen+48]} {
		if _, err := openStream(key, append(bytes.Clone(ct), extra...), opts); err == nil {
			t.Fatalf("trailing %d bytes accepted", len(extra))
		}
	}
}

func TestStreamReorderDuplicateSwap(t *testing.T) {
	key := streamTestKey(t, AES256GCM)
	opts := &StreamOptions{ChunkSize: 16}
	pt := streamTestData(16*4 + 3)
	a := sealStream(t, key, pt, opts)
	b := sealStream(t, key, pt, opts)
	hlen := streamFixedLen + streamSaltLen
	enc := 32
	chunk := func(s []byte, i int) []byte { return s[hlen+i*enc : min(len(s), hlen+(i+1)*enc)] }
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	cases := map[string][]byte{
		"swap 0 1":        join(a[:hlen], chunk(a, 1), chunk(a, 0), chunk(a, 2), chunk(a, 3), chunk(a, 4)),
		"duplicate 1":     join(a[:hlen], chunk(a, 0), chunk(a, 1), chunk(a, 1), chunk(a, 2), chunk(a, 3), chunk(a, 4)),
		"drop 2":          join(a[:hlen], chunk(a, 0), chunk(a, 1), chunk(a, 3), chunk(a, 4)),
		"chunk from b":    join(a[:hlen], chunk(a, 0), chunk(b, 1), chunk(a, 2), chunk(a, 3), chunk(a, 4)),
		"header from b":   join(b[:hlen], a[hlen:]),
		"last moved up":   join(a[:hlen], chunk(a, 4)),
		"final not final": join(a[:hlen], chunk(a, 0), chunk(a, 1), chunk(a, 2), chunk(a, 3)),
	}
	for name, ct := range cases {
		if _, err := openStream(key, ct, opts); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := openStream(key, a, &StreamOptions{AssociatedData: []byte("x")}); !errors.Is(err, ErrAuthentication) {
		t.Errorf("wrong associated data: %v", err)
	}
	if _, err := openStream(streamTestKey(t, AES256GCM), a, opts); !errors.Is(err, ErrAuthentication) {
		t.Errorf("wrong key: %v", err)
	}
}

func TestStreamErrors(t *testing.T) {
	key := streamTestKey(t, AES256GCM)
	var buf bytes.Buffer
	for _, o := range []*StreamOptions{
		{ChunkSize: 8}, {ChunkSize: MaxChunkSize + 1}, {Algorithm: Fernet}, {Algorithm: 99},
		{KeyID: strings.Repeat("x", 256)},
	} {
		if _, err := NewWriter(&buf, key, o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
	if _, err := NewWriter(&buf, key[:16], nil); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("short key: %v", err)
	}
	w, _ := NewWriter(&buf, key, nil)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := w.Write([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close: %v", err)
	}
	for name, in := range map[string][]byte{
		"empty":     nil,
		"magic":     []byte("XXXX0000"),
		"short":     []byte("THS2\x01"),
		"version":   append([]byte("THS2\x09\x02\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00"), make([]byte, 32)...),
		"algorithm": append([]byte("THS2\x01\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00"), make([]byte, 32)...),
		"chunk":     append([]byte("THS2\x01\x02\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00"), make([]byte, 32)...),
		"no chunks": append([]byte("THS2\x01\x02\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00"), make([]byte, 32)...),
	} {
		if _, err := openStream(key, in, nil); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrInvalidAlgorithm) {
			t.Errorf("%s: untyped error %v", name, err)
		}
	}
	// A failing destination makes the error sticky.
	fw, err := NewWriter(&streamFailAfter{n: streamFixedLen + streamSaltLen}, key, &StreamOptions{ChunkSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(make([]byte, 100)); err == nil {
		t.Fatal("write to failing writer succeeded")
	}
	if err := fw.Close(); err == nil {
		t.Fatal("Close after failed write succeeded")
	}
}

type streamFailAfter struct{ n int }

func (f *streamFailAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, errors.New("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

func TestStreamUpstreamTHSE(t *testing.T) {
	dir, key, plain := streamUpstream(t)
	ct, err := os.ReadFile(filepath.Join(dir, "stream.bin"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := openStream(key, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, plain) {
		t.Fatal("stream.bin does not decrypt to plaintext.bin")
	}
	// What the original format can and cannot catch.
	if _, err := openStream(key, ct[:len(ct)-4], nil); !errors.Is(err, ErrTruncated) {
		t.Errorf("missing end marker: %v", err)
	}
	if _, err := openStream(key, append(bytes.Clone(ct), 0), nil); !errors.Is(err, ErrFormat) {
		t.Errorf("trailing byte: %v", err)
	}
	mod := bytes.Clone(ct)
	mod[40] ^= 1
	if _, err := openStream(key, mod, nil); !errors.Is(err, ErrAuthentication) {
		t.Errorf("flipped chunk byte: %v", err)
	}
	mod = bytes.Clone(ct)
	mod[12] ^= 1
	if _, err := openStream(key, mod, nil); !errors.Is(err, ErrCorrupt) {
		t.Errorf("flipped header byte: %v", err)
	}
	wrong := bytes.Clone(key)
	wrong[0] ^= 1
	if _, err := openStream(wrong, ct, nil); !errors.Is(err, ErrAuthentication) {
		t.Errorf("wrong key: %v", err)
	}
	// The documented weakness: cut at a chunk boundary and re-add the end
	// marker, and the original format cannot tell.
	cut := append(bytes.Clone(ct[:33+84*10]), 0, 0, 0, 0)
	if got, err := openStream(key, cut, nil); err != nil || !bytes.Equal(got, plain[:640]) {
		t.Errorf("THSE truncation with forged end marker: err=%v (expected to go undetected)", err)
	}
}

// TestStreamMemoryFlat pushes 128 MiB through NewWriter and NewReader over a
// pipe and checks that the bytes allocated stay a few chunk buffers.
func TestStreamMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 128 MiB")
	}
	const total = 128 << 20
	key := streamTestKey(t, AES256GCM)
	block := streamTestData(1 << 20)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	pr, pw := io.Pipe()
	go func() {
		w, err := NewWriter(pw, key, nil)
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		for n := 0; n < total; n += len(block) {
			if _, err := w.Write(block); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(w.Close())
	}()
	r, err := NewReader(pr, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.CopyBuffer(io.Discard, r, make([]byte, 1<<20))
	if err != nil || n != total {
		t.Fatalf("copied %d bytes: %v", n, err)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Fatalf("allocated %d bytes to stream %d bytes; want flat (< 4 MiB)", alloc, total)
	} else {
		t.Logf("allocated %d bytes to stream %d MiB", alloc, total>>20)
	}
}

// streamTHSE builds a THSE stream as the original's StreamingEncryptor writes
// it, with the header fields given (for testing the reader's checks).
func streamTHSE(t *testing.T, version, algID byte, cs uint32, nonce, key, ad, pt []byte) []byte {
	t.Helper()
	h := []byte("THSE")
	h = append(h, version, algID)
	h = binary.BigEndian.AppendUint32(h, cs)
	h = append(h, byte(len(nonce)))
	h = append(h, nonce...)
	h = append(h, make([]byte, 6)...)
	h = binary.BigEndian.AppendUint32(h, crc32.ChecksumIEEE(h))
	out := h
	if alg := Algorithm(algID); alg.IsAEAD() && alg.NonceSize() == len(nonce) && cs > 0 {
		aead, err := NewAEAD(alg, key)
		if err != nil {
			t.Fatal(err)
		}
		n := make([]byte, len(nonce))
		for i := 0; i*int(cs) < len(pt); i++ {
			ct := aead.Seal(nil, legacyNonce(n, nonce, uint64(i)), pt[i*int(cs):min(len(pt), (i+1)*int(cs))], ad)
			out = binary.BigEndian.AppendUint32(out, uint32(len(ct)))
			out = append(out, ct...)
		}
	}
	return binary.BigEndian.AppendUint32(out, 0)
}

func TestStreamTHSEVariants(t *testing.T) {
	pt := streamTestData(1000)
	for _, alg := range []Algorithm{AES128GCM, AES256GCM, ChaCha20Poly1305} {
		key := streamTestKey(t, alg)
		nonce := streamTestKey(t, AES128GCM)[:12]
		// 3-byte chunks: 334 of them, so the counter XOR spans two bytes.
		in := streamTHSE(t, 1, byte(alg), 3, nonce, key, []byte("aad"), pt)
		got, err := openStream(key, in, &StreamOptions{AssociatedData: []byte("aad")})
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("%v: %v", alg, err)
		}
		if _, err := openStream(key, in, nil); !errors.Is(err, ErrAuthentication) {
			t.Fatalf("%v without its associated data: %v", alg, err)
		}
	}
	key := streamTestKey(t, AES256GCM)
	n12 := make([]byte, 12)
	for name, c := range map[string]struct {
		in   []byte
		want error
	}{
		"version":     {streamTHSE(t, 2, 2, 64, n12, key, nil, pt), ErrFormat},
		"xchacha":     {streamTHSE(t, 1, 4, 64, make([]byte, 24), key, nil, pt), ErrInvalidAlgorithm},
		"algorithm":   {streamTHSE(t, 1, 9, 64, n12, key, nil, pt), ErrInvalidAlgorithm},
		"nonce size":  {streamTHSE(t, 1, 2, 64, make([]byte, 8), key, nil, pt), ErrFormat},
		"chunk size":  {streamTHSE(t, 1, 2, 0, n12, key, nil, pt), ErrFormat},
		"header only": {streamTHSE(t, 1, 2, 64, n12, key, nil, pt)[:20], ErrTruncated},
		"long chunk":  {streamTHSE(t, 1, 2, 16, n12, key, nil, pt)[:33], ErrTruncated},
	} {
		if name == "long chunk" {
			// A length prefix larger than chunk size + tag.
			c.in = binary.BigEndian.AppendUint32(c.in, 1000)
			c.want = ErrFormat
		}
		if _, err := openStream(key, c.in, nil); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	// A chunk cut short.
	in := streamTHSE(t, 1, 2, 64, n12, key, nil, pt)
	if _, err := openStream(key, in[:33+4+40], nil); !errors.Is(err, ErrTruncated) {
		t.Errorf("chunk cut short: %v", err)
	}
}
