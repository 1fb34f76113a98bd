package compression

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
)

func TestUpstreamAdaptive(t *testing.T) {
	plain := readFixture(t, "upstream", "crypto", "plaintext.bin")
	for name, algo := range map[string]Algorithm{"adaptive.bin": LZ4, "adaptive_gzip.bin": Gzip} {
		blob := readFixture(t, "upstream", "crypto", name)
		h, err := ParseAdaptiveHeader(blob)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if h.Algorithm != algo || h.Stored || int(h.OriginalSize) != len(plain) {
			t.Errorf("%s: header %+v, want %s, %d bytes", name, h, algo, len(plain))
		}
		got, err := DecompressAdaptive(nil, blob, 0)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, plain) {
			t.Errorf("%s does not decode to plaintext.bin", name)
		}
		// Tampering with the declared size is caught.
		bad := bytes.Clone(blob)
		binary.LittleEndian.PutUint32(bad[6:], h.OriginalSize-1)
		if _, err := DecompressAdaptive(nil, bad, 0); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s with a wrong size: %v, want ErrCorrupt", name, err)
		}
	}
}

func TestUpstreamDedup(t *testing.T) {
	plain := readFixture(t, "upstream", "crypto", "plaintext.bin")
	blob := readFixture(t, "upstream", "crypto", "dedup.bin")
	got, err := Dedup{BlockSize: 64}.Reverse(nil, blob, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, bytes.Repeat(plain, 4)) {
		t.Fatalf("dedup.bin does not decode to plaintext.bin ×4 (%d bytes)", len(got))
	}
	// The original passed this input through (3324 is not a multiple of
	// 64, so the copies do not align on blocks); so do we, byte for byte.
	ours, err := Dedup{BlockSize: 64}.Apply(nil, bytes.Repeat(plain, 4))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ours, blob) {
		t.Errorf("our dedup of plaintext ×4 differs from the original's")
	}
}

func TestUpstreamChunked(t *testing.T) {
	plain := readFixture(t, "upstream", "crypto", "plaintext.bin")
	blob := readFixture(t, "upstream", "crypto", "chunked_comp.bin")
	c, err := OpenChunked(bytes.NewReader(blob), int64(len(blob)))
	if err != nil {
		t.Fatal(err)
	}
	if c.Algorithm() != Gzip || c.ChunkSize() != 64 || c.NumChunks() != 52 || c.Size() != int64(len(plain)) {
		t.Fatalf("chunked_comp.bin: %s, chunk %d, %d chunks, %d bytes", c.Algorithm(), c.ChunkSize(), c.NumChunks(), c.Size())
	}
	for _, i := range []int{0, 7, 51} {
		got, err := c.Chunk(nil, i)
		if err != nil {
			t.Fatal(err)
		}
		if want := plain[i*64 : min((i+1)*64, len(plain))]; !bytes.Equal(got, want) {
			t.Errorf("chunk %d differs", i)
		}
	}
	p := make([]byte, 300)
	if n, err := c.ReadAt(p, 1000); err != nil || n != 300 || !bytes.Equal(p, plain[1000:1300]) {
		t.Errorf("ReadAt(300 bytes at 1000) = %d, %v", n, err)
	}
	all, err := DecompressChunked(nil, blob, 0)
	if err != nil || !bytes.Equal(all, plain) {
		t.Fatalf("DecompressChunked: %v", err)
	}
	// Our writer produces the original's bytes, save gzip's header and
	// deflate stream which differ between zlib and klauspost.
	ours, err := CompressChunked(nil, plain, ChunkedOptions{ChunkSize: 64, Algorithm: Gzip})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ours[:14], blob[:14]) {
		t.Errorf("header differs: % x vs % x", ours[:14], blob[:14])
	}
	back, err := DecompressChunked(nil, ours, 0)
	if err != nil || !bytes.Equal(back, plain) {
		t.Errorf("our chunked round trip: %v", err)
	}
}

// TestChunkedTamper flips bytes of the original's chunked blob: every flip
// in a chunk or in the index must be an error, never wrong data.
func TestChunkedTamper(t *testing.T) {
	plain := readFixture(t, "upstream", "crypto", "plaintext.bin")
	blob := readFixture(t, "upstream", "crypto", "chunked_comp.bin")
	for off := 0; off < len(blob); off += 7 {
		bad := bytes.Clone(blob)
		bad[off] ^= 0x55
		got, err := DecompressChunked(nil, bad, 0)
		if err == nil && !bytes.Equal(got, plain) {
			t.Fatalf("flip at %d: wrong data and no error", off)
		}
		if err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrTooLarge) {
			t.Fatalf("flip at %d: untyped error %v", off, err)
		}
	}
	// A checksum mismatch is reported as such.
	bad := bytes.Clone(blob)
	bad[len(bad)-1] ^= 1 // last byte of the last chunk's MD5
	if _, err := DecompressChunked(nil, bad, 0); !errors.Is(err, ErrChecksum) {
		t.Errorf("tampered MD5: %v, want ErrChecksum", err)
	}
}

func TestChunkedRoundTrip(t *testing.T) {
	in := randomBytes(10_000, 3)
	copy(in[5000:], bytes.Repeat([]byte("abc"), 1000))
	for _, a := range Algorithms() {
		for _, cs := range []int{64, 999, 1000, 1001, 10_000, 20_000} {
			for _, size := range []int{0, 1, 999, 1000, 1001, len(in)} {
				if cs == 64 && size > 1001 && (raceEnabled || a == Brotli || a == LZMA || a == BZ2) {
					continue // 157 chunks of a heavy codec: slow, and nothing new
				}
				src := in[:size]
				blob, err := CompressChunked(nil, src, ChunkedOptions{ChunkSize: cs, Algorithm: a, Level: Fastest})
				if err != nil {
					t.Fatal(err)
				}
				c, err := OpenChunked(bytes.NewReader(blob), int64(len(blob)))
				if err != nil {
					t.Fatalf("%s cs=%d size=%d: %v", a, cs, size, err)
				}
				if c.Size() != int64(size) || c.NumChunks() != (size+cs-1)/cs {
					t.Fatalf("%s cs=%d size=%d: Size %d, %d chunks", a, cs, size, c.Size(), c.NumChunks())
				}
				for _, r := range [][2]int{{0, size}, {size / 3, size / 2}, {max(size-5, 0), size}} {
					p := make([]byte, r[1]-r[0])
					n, err := c.ReadAt(p, int64(r[0]))
					if n != len(p) || (err != nil && !(err.Error() == "EOF" && r[1] == size)) || !bytes.Equal(p, src[r[0]:r[1]]) {
						t.Fatalf("%s cs=%d size=%d: ReadAt%v = %d, %v", a, cs, size, r, n, err)
					}
				}
			}
		}
	}
	if _, err := CompressChunked(nil, in, ChunkedOptions{ChunkSize: -1}); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("negative chunk size: %v", err)
	}
}

func TestTransformsRoundTrip(t *testing.T) {
	inputs := map[string][]byte{
		"empty": {},
		"one":   {7},
		"two":   {7, 7},
		"runs":  append(bytes.Repeat([]byte{0}, 1000), bytes.Repeat([]byte{1, 2, 3}, 100)...),
		"ramp": func() []byte {
			b := make([]byte, 5000)
			for i := range b {
				b[i] = byte(i)
			}
			return b
		}(),
		"random":  randomBytes(5000, 4),
		"repeats": bytes.Repeat(randomBytes(256, 5), 40),
		"long":    bytes.Repeat([]byte{9}, 70000),
	}
	transforms := []Transform{Dedup{BlockSize: 64}, Dedup{}, Delta{}, RunLength{}, RunLength{MinRun: 2}}
	for _, tr := range transforms {
		for name, in := range inputs {
			t.Run(fmt.Sprintf("%s/%v/%s", tr.Name(), tr, name), func(t *testing.T) {
				out, err := tr.Apply([]byte("x"), in)
				if err != nil {
					t.Fatal(err)
				}
				got, err := tr.Reverse([]byte("y"), out[1:], int64(len(in))+1)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got[1:], in) || got[0] != 'y' {
					t.Fatalf("round trip differs: %d bytes in, %d out", len(in), len(got)-1)
				}
			})
		}
	}
	// What helps is applied, what does not passes through.
	check := func(tr Transform, in []byte, magic string) {
		t.Helper()
		out, _ := tr.Apply(nil, in)
		if string(out[:4]) != magic {
			t.Errorf("%s on %d bytes wrote %q, want %q", tr.Name(), len(in), out[:4], magic)
		}
	}
	check(Dedup{BlockSize: 64}, inputs["repeats"], "DDUP")
	check(Dedup{BlockSize: 64}, inputs["random"], "PASS")
	check(Delta{}, inputs["ramp"], "DLTA")
	check(Delta{}, inputs["random"], "PASS")
	check(RunLength{}, inputs["runs"], "RLNC")
	check(RunLength{}, inputs["random"], "PASS")
}

// TestTransformWireFormats pins the byte layouts of FORMATS.md §6 with
// hand-built blobs as the original writes them.
func TestTransformWireFormats(t *testing.T) {
	le := binary.LittleEndian
	// DDUP, block 4: "abcdabcdabcdxy" -> unique ["abcd", "xy"], refs 0 0 0 1, last 2.
	var ddup []byte
	ddup = append(ddup, "DDUP"...)
	for _, v := range []uint32{4, 2, 4, 2} {
		ddup = le.AppendUint32(ddup, v)
	}
	ddup = append(le.AppendUint32(ddup, 4), "abcd"...)
	ddup = append(le.AppendUint32(ddup, 2), "xy"...)
	for _, r := range []uint32{0, 0, 0, 1} {
		ddup = le.AppendUint32(ddup, r)
	}
	src := []byte("abcdabcdabcdxy")
	if got, err := (Dedup{BlockSize: 4}).Reverse(nil, ddup, 0); err != nil || string(got) != string(src) {
		t.Errorf("DDUP reverse: %q, %v", got, err)
	}
	if got, _ := (Dedup{BlockSize: 4}).Apply(nil, src); !bytes.Equal(got, ddup) {
		t.Errorf("DDUP apply:\n% x\nwant\n% x", got, ddup)
	}
	// DLTA of 10 11 13 10.
	dlta := append(le.AppendUint32([]byte("DLTA"), 4), 10, 1, 2, 0xfd)
	if got, err := (Delta{}).Reverse(nil, dlta, 0); err != nil || !bytes.Equal(got, []byte{10, 11, 13, 10}) {
		t.Errorf("DLTA reverse: %v, %v", got, err)
	}
	// RLNC: run of 6 'a', literal "xyz".
	rlnc := append(le.AppendUint32([]byte("RLNC"), 9), 0, 6, 'a', 0x83, 'x', 'y', 'z')
	if got, err := (RunLength{}).Reverse(nil, rlnc, 0); err != nil || string(got) != "aaaaaaxyz" {
		t.Errorf("RLNC reverse: %q, %v", got, err)
	}
	if got, _ := (RunLength{}).Apply(nil, []byte("aaaaaaxyz")); !bytes.Equal(got, rlnc) {
		t.Errorf("RLNC apply: % x, want % x", got, rlnc)
	}
	// Bad input is typed.
	for _, bad := range [][]byte{nil, []byte("DDUP"), []byte("XXXXXXXXXXXXXXXXXXXXXXXX"), append(le.AppendUint32([]byte("PASS"), 99), 1)} {
		for _, tr := range []Transform{Dedup{}, Delta{}, RunLength{}} {
			if _, err := tr.Reverse(nil, bad, 0); !errors.Is(err, ErrCorrupt) {
				t.Errorf("%s.Reverse(%q) = %v, want ErrCorrupt", tr.Name(), bad, err)
			}
		}
	}
	// A dedup blob that expands past the limit.
	bomb := []byte("DDUP")
	for _, v := range []uint32{1 << 20, 1, 1000, 0} {
		bomb = le.AppendUint32(bomb, v)
	}
	bomb = append(le.AppendUint32(bomb, 1<<10), make([]byte, 1<<10)...)
	for range 1000 {
		bomb = le.AppendUint32(bomb, 0)
	}
	if _, err := (Dedup{}).Reverse(nil, bomb, 100_000); !errors.Is(err, ErrTooLarge) {
		t.Errorf("dedup bomb: %v, want ErrTooLarge", err)
	}
}

func TestPipeline(t *testing.T) {
	plain := bytes.Repeat(readFixture(t, "upstream", "crypto", "plaintext.bin")[:3072], 8)
	p := NewPipeline().Dedup(1024).RunLength().Delta().Compress(Zstd, High).Checksum()
	out, m, err := p.Process(plain)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Stages) != 5 || m.InputSize != int64(len(plain)) || m.OutputSize != int64(len(out)) || m.Ratio() < 5 {
		t.Errorf("metrics %+v", m)
	}
	if m.Stages[0].OutputSize >= m.Stages[0].InputSize {
		t.Errorf("dedup did not shrink 8 aligned copies: %+v", m.Stages[0])
	}
	back, err := p.Reverse(out)
	if err != nil || !bytes.Equal(back, plain) {
		t.Fatalf("Reverse: %v", err)
	}
	bad := bytes.Clone(out)
	bad[40] ^= 1
	if _, err := p.Reverse(bad); !errors.Is(err, ErrChecksum) {
		t.Errorf("tampered pipeline output: %v, want ErrChecksum", err)
	}
	if _, _, err := NewPipeline().Dedup(-1).Process(plain); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("Dedup(-1): %v", err)
	}
	if err := NewPipeline().Compress(Algorithm(99), 0).Err(); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Compress(99): %v", err)
	}
	// The original's checksum layout: SHA-256 of the rest, prepended.
	c, _, _ := NewPipeline().Checksum().Process([]byte("abc"))
	if fmt.Sprintf("%x", c[:32]) != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" || string(c[32:]) != "abc" {
		t.Errorf("checksum stage wrote % x", c)
	}
	// Limit applies to Reverse.
	big, _, _ := NewPipeline().Compress(Gzip, 0).Process(make([]byte, 1<<20))
	lp := NewPipeline().Compress(Gzip, 0)
	lp.Limit = 1000
	if _, err := lp.Reverse(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("pipeline limit: %v", err)
	}
}

func TestAdaptive(t *testing.T) {
	text := bytes.Repeat([]byte(`{"validator_name": "not_null", "success": false, "count": 5}, `), 600)
	random := randomBytes(20_000, 6)
	for _, g := range []Goal{GoalBalanced, GoalSpeed, GoalRatio, GoalLowMemory} {
		// Balanced samples 16 KiB of the 38 KB; the others judge all of it.
		opts := AdaptiveOptions{Goal: g}
		if g == GoalBalanced {
			opts.SampleSize = 16 << 10
		}
		ad, err := NewAdaptive(opts)
		if err != nil {
			t.Fatal(err)
		}
		out, res, err := ad.Compress([]byte("pre"), text)
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored || res.Algorithm == None || len(res.Trials) != 8 || res.CompressedSize != int64(len(out)-3) {
			t.Errorf("%s: result %+v", g, res.Metrics)
		}
		back, err := DecompressAdaptive(nil, out[3:], 0)
		if err != nil || !bytes.Equal(back, text) {
			t.Fatalf("%s: %v", g, err)
		}
		// The winner has the lowest cost among the candidates that shrank the sample.
		for _, tr := range res.Trials {
			if tr.Err == nil && tr.CompressedSize < tr.SampleSize && tr.Cost < costOf(res.Trials, res.Algorithm) {
				t.Errorf("%s: picked %s but %s costs less", g, res.Algorithm, tr.Algorithm)
			}
		}
		t.Logf("%s picks %s (ratio %.1f)", g, res.Algorithm, res.Ratio())
		// Random data is stored as is.
		out, res, err = ad.Compress(nil, random)
		if err != nil || !res.Stored || !bytes.Equal(out[10:], random) || string(out[:6]) != "ADPT\x00\x01" {
			t.Errorf("%s: random data not stored: %v %+v", g, err, res.Metrics)
		}
	}
	ad, _ := NewAdaptive(AdaptiveOptions{Goal: GoalRatio})
	if out, res, _ := ad.Compress(nil, []byte("tiny")); !res.Stored || len(out) != 14 {
		t.Errorf("tiny input not stored")
	}
	// Restricted to one codec, as the original's adaptive_gzip.bin.
	ad, _ = NewAdaptive(AdaptiveOptions{Algorithms: []Algorithm{Gzip}})
	if _, res, _ := ad.Compress(nil, text); res.Algorithm != Gzip {
		t.Errorf("restricted to gzip, picked %s", res.Algorithm)
	}
	// Options and headers are checked.
	if _, err := NewAdaptive(AdaptiveOptions{Goal: 9}); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("goal 9: %v", err)
	}
	if _, err := ParseGoal("BEST_RATIO"); err != nil {
		t.Errorf("ParseGoal(BEST_RATIO): %v", err)
	}
	for _, bad := range [][]byte{[]byte("ADPT"), []byte("XDPT\x00\x01\x00\x00\x00\x00"), []byte("ADPT\x0c\x00\x01\x00\x00\x00x"), []byte("ADPT\x00\x01\x05\x00\x00\x00ab")} {
		if _, err := DecompressAdaptive(nil, bad, 0); !errors.Is(err, ErrCorrupt) {
			t.Errorf("DecompressAdaptive(%q) = %v, want ErrCorrupt", bad, err)
		}
	}
	if _, err := DecompressAdaptive(nil, []byte("ADPT\x00\x01\xff\xff\xff\x00"), 1000); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ADPT over the limit: %v", err)
	}
}

func costOf(trials []Trial, a Algorithm) float64 {
	for _, t := range trials {
		if t.Algorithm == a {
			return t.Cost
		}
	}
	return -1
}
