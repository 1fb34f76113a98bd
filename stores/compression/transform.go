package compression

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Transform is a reversible rewrite of the data that makes it compress
// better. The built-in ones write the original's formats (FORMATS.md §6):
// each output starts with a 4-byte magic, and "PASS" | u32 len | data when the
// transform would not help.
type Transform interface {
	// Name identifies the transform in metrics ("deduplication", ...).
	Name() string
	// Apply appends the transformed src to dst.
	Apply(dst, src []byte) ([]byte, error)
	// Reverse appends the original of src to dst, failing with ErrTooLarge
	// past limit bytes and ErrCorrupt on malformed input.
	Reverse(dst, src []byte, limit int64) ([]byte, error)
}

const (
	passMagic  = "PASS"
	dedupMagic = "DDUP"
	deltaMagic = "DLTA"
	rleMagic   = "RLNC"
)

func appendPass(dst, src []byte) []byte {
	dst = append(dst, passMagic...)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(src)))
	return append(dst, src...)
}

// checkLen rejects inputs the u32 length fields cannot describe.
func checkLen(name string, src []byte) error {
	if uint64(len(src)) > math.MaxUint32 {
		return fmt.Errorf("%w: %s: input of %d bytes exceeds the format's 4 GiB", ErrInvalidOption, name, len(src))
	}
	return nil
}

// reversePass handles the PASS wrapper common to every transform; ok is
// false when src does not start with it.
func reversePass(name string, dst, src []byte, limit int64) ([]byte, bool, error) {
	if len(src) < 8 {
		return dst, true, fmt.Errorf("%w: %s: %d bytes is too short", ErrCorrupt, name, len(src))
	}
	if string(src[:4]) != passMagic {
		return dst, false, nil
	}
	n := int64(binary.LittleEndian.Uint32(src[4:8]))
	if n > limit {
		return dst, true, fmt.Errorf("%w: %s: %d bytes > limit %d", ErrTooLarge, name, n, limit)
	}
	if n != int64(len(src)-8) {
		return dst, true, fmt.Errorf("%w: %s: PASS declares %d bytes, has %d", ErrCorrupt, name, n, len(src)-8)
	}
	return append(dst, src[8:]...), true, nil
}

// Dedup is block-level deduplication: the data is cut into BlockSize
// blocks and each repeated block is stored once, as the original's
// DeduplicationTransform ("DDUP" | u32 block | u32 n_unique | u32 n_refs |
// u32 last_block_len, the unique blocks each as u32 len | bytes, then a u32
// index per block). Blocks are compared by content, not only by hash. Input
// shorter than two blocks, or where fewer than 10% of blocks repeat, passes
// through.
type Dedup struct {
	BlockSize int // block size in bytes (0 means 4096, as the original)
}

// Name returns "deduplication".
func (Dedup) Name() string { return "deduplication" }

func (d Dedup) blockSize() (int, error) {
	switch {
	case d.BlockSize == 0:
		return 4096, nil
	case d.BlockSize < 0 || uint64(d.BlockSize) > math.MaxUint32:
		return 0, fmt.Errorf("%w: dedup block size %d", ErrInvalidOption, d.BlockSize)
	}
	return d.BlockSize, nil
}

// Apply appends the DDUP (or PASS) form of src to dst.
func (d Dedup) Apply(dst, src []byte) ([]byte, error) {
	bs, err := d.blockSize()
	if err != nil {
		return dst, err
	}
	if err := checkLen(d.Name(), src); err != nil {
		return dst, err
	}
	if len(src) < 2*bs {
		return appendPass(dst, src), nil
	}
	nblocks := (len(src) + bs - 1) / bs
	seen := make(map[string]uint32, nblocks)
	refs := make([]uint32, nblocks)
	var unique [][]byte
	for i := range nblocks {
		b := src[i*bs : min((i+1)*bs, len(src))]
		if idx, ok := seen[string(b)]; ok {
			refs[i] = idx
			continue
		}
		idx := uint32(len(unique))
		seen[string(b)] = idx
		unique = append(unique, b)
		refs[i] = idx
	}
	if float64(len(unique)) >= float64(nblocks)*0.9 {
		return appendPass(dst, src), nil
	}
	last := len(src) - (nblocks-1)*bs
	dst = append(dst, dedupMagic...)
	for _, v := range []int{bs, len(unique), nblocks, last} {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(v))
	}
	for _, b := range unique {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(b)))
		dst = append(dst, b...)
	}
	for _, r := range refs {
		dst = binary.LittleEndian.AppendUint32(dst, r)
	}
	return dst, nil
}

// Reverse appends the data of a DDUP or PASS blob to dst.
func (d Dedup) Reverse(dst, src []byte, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	out, ok, err := reversePass(d.Name(), dst, src, limit)
	if ok || err != nil {
		return out, err
	}
	if string(src[:4]) != dedupMagic || len(src) < 20 {
		return dst, fmt.Errorf("%w: dedup: bad magic %q", ErrCorrupt, src[:4])
	}
	le := binary.LittleEndian
	bs, nUnique, nRefs, last := int64(le.Uint32(src[4:])), int64(le.Uint32(src[8:])), int64(le.Uint32(src[12:])), int64(le.Uint32(src[16:]))
	rest := src[20:]
	// Every unique block costs at least 4 bytes and every ref 4: reject
	// counts the input cannot hold before allocating for them.
	if nUnique*4+nRefs*4 > int64(len(rest)) {
		return dst, fmt.Errorf("%w: dedup: %d blocks and %d refs do not fit in %d bytes", ErrCorrupt, nUnique, nRefs, len(rest))
	}
	unique := make([][]byte, 0, nUnique)
	for range nUnique {
		if len(rest) < 4 {
			return dst, fmt.Errorf("%w: dedup: truncated block table", ErrCorrupt)
		}
		n := int64(le.Uint32(rest))
		if n > int64(len(rest)-4) || n > bs {
			return dst, fmt.Errorf("%w: dedup: block of %d bytes overruns the input or the block size %d", ErrCorrupt, n, bs)
		}
		unique = append(unique, rest[4:4+n])
		rest = rest[4+n:]
	}
	if int64(len(rest)) != nRefs*4 {
		return dst, fmt.Errorf("%w: dedup: %d bytes of references for %d refs", ErrCorrupt, len(rest), nRefs)
	}
	start := len(dst)
	for i := range nRefs {
		r := int64(le.Uint32(rest[i*4:]))
		if r >= nUnique {
			return dst[:start], fmt.Errorf("%w: dedup: reference %d to block %d of %d", ErrCorrupt, i, r, nUnique)
		}
		b := unique[r]
		if i == nRefs-1 && last > 0 && last < int64(len(b)) {
			b = b[:last]
		}
		if int64(len(dst)-start)+int64(len(b)) > limit {
			return dst[:start], fmt.Errorf("%w: dedup output exceeds %d bytes", ErrTooLarge, limit)
		}
		dst = append(dst, b...)
	}
	return dst, nil
}

// Delta stores the first byte and then each byte's difference from the one
// before (mod 256), as the original's DeltaEncodingTransform ("DLTA" | u32
// len | first byte | diffs). The output is the same size as the input, so
// Apply passes the data through unless the differences have an order-0
// entropy at least 5% below that of the bytes themselves.
type Delta struct{}

// Name returns "delta_encoding".
func (Delta) Name() string { return "delta_encoding" }

// Apply appends the DLTA (or PASS) form of src to dst.
func (d Delta) Apply(dst, src []byte) ([]byte, error) {
	if err := checkLen(d.Name(), src); err != nil {
		return dst, err
	}
	if len(src) < 2 {
		return appendPass(dst, src), nil
	}
	var plain, diff [256]int
	plain[src[0]]++
	diff[src[0]]++
	for i := 1; i < len(src); i++ {
		plain[src[i]]++
		diff[src[i]-src[i-1]]++
	}
	if entropy(&diff, len(src)) >= 0.95*entropy(&plain, len(src)) {
		return appendPass(dst, src), nil
	}
	dst = append(dst, deltaMagic...)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(src)))
	dst = append(dst, src[0])
	for i := 1; i < len(src); i++ {
		dst = append(dst, src[i]-src[i-1])
	}
	return dst, nil
}

func entropy(freq *[256]int, n int) float64 {
	var h float64
	for _, c := range freq {
		if c > 0 {
			p := float64(c) / float64(n)
			h -= p * math.Log2(p)
		}
	}
	return h
}

// Reverse appends the data of a DLTA or PASS blob to dst.
func (d Delta) Reverse(dst, src []byte, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	out, ok, err := reversePass(d.Name(), dst, src, limit)
	if ok || err != nil {
		return out, err
	}
	if string(src[:4]) != deltaMagic {
		return dst, fmt.Errorf("%w: delta: bad magic %q", ErrCorrupt, src[:4])
	}
	n := int64(binary.LittleEndian.Uint32(src[4:8]))
	if n > limit {
		return dst, fmt.Errorf("%w: delta: %d bytes > limit %d", ErrTooLarge, n, limit)
	}
	body := src[8:]
	if int64(len(body)) != n || n == 0 {
		return dst, fmt.Errorf("%w: delta: declares %d bytes, has %d", ErrCorrupt, n, len(body))
	}
	start := len(dst)
	dst = grow(dst, len(body))[:start+len(body)]
	out = dst[start:]
	prev := body[0]
	out[0] = prev
	for i := 1; i < len(body); i++ {
		prev += body[i]
		out[i] = prev
	}
	return dst, nil
}

// RunLength is byte run-length encoding, as the original's
// RunLengthTransform ("RLNC" | u32 len | tokens: 0x00 count value for a run
// of MinRun..255 equal bytes, 0x80|n followed by n literal bytes for
// n <= 127). Apply passes the data through when the encoding is not smaller.
type RunLength struct {
	MinRun int // shortest run encoded as a run (0 means 4, as the original)
}

// Name returns "run_length".
func (RunLength) Name() string { return "run_length" }

// Apply appends the RLNC (or PASS) form of src to dst.
func (t RunLength) Apply(dst, src []byte) ([]byte, error) {
	minRun := t.MinRun
	if minRun == 0 {
		minRun = 4
	}
	if minRun < 2 || minRun > 255 {
		return dst, fmt.Errorf("%w: run-length MinRun %d (want 2..255)", ErrInvalidOption, t.MinRun)
	}
	if err := checkLen(t.Name(), src); err != nil {
		return dst, err
	}
	if len(src) < 2 {
		return appendPass(dst, src), nil
	}
	start := len(dst)
	dst = append(dst, rleMagic...)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(src)))
	runAt := func(i int) int {
		n := 1
		for i+n < len(src) && src[i+n] == src[i] && n < 255 {
			n++
		}
		return n
	}
	for i := 0; i < len(src); {
		if n := runAt(i); n >= minRun {
			dst = append(dst, 0, byte(n), src[i])
			i += n
			continue
		}
		lit := i
		for i < len(src) && i-lit < 127 && runAt(i) < minRun {
			i++
		}
		dst = append(dst, byte(i-lit)|0x80)
		dst = append(dst, src[lit:i]...)
	}
	if len(dst)-start >= len(src)+8 {
		return appendPass(dst[:start], src), nil
	}
	return dst, nil
}

// Reverse appends the data of an RLNC or PASS blob to dst.
func (t RunLength) Reverse(dst, src []byte, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	out, ok, err := reversePass(t.Name(), dst, src, limit)
	if ok || err != nil {
		return out, err
	}
	if string(src[:4]) != rleMagic {
		return dst, fmt.Errorf("%w: run-length: bad magic %q", ErrCorrupt, src[:4])
	}
	n := int64(binary.LittleEndian.Uint32(src[4:8]))
	if n > limit {
		return dst, fmt.Errorf("%w: run-length: %d bytes > limit %d", ErrTooLarge, n, limit)
	}
	start := len(dst)
	body := src[8:]
	for i := 0; i < len(body) && int64(len(dst)-start) < n; {
		m := body[i]
		i++
		switch {
		case m == 0:
			if i+2 > len(body) {
				return dst[:start], fmt.Errorf("%w: run-length: truncated run", ErrCorrupt)
			}
			for range body[i] {
				dst = append(dst, body[i+1])
			}
			i += 2
		case m&0x80 != 0:
			l := int(m & 0x7f)
			if i+l > len(body) {
				return dst[:start], fmt.Errorf("%w: run-length: truncated literal", ErrCorrupt)
			}
			dst = append(dst, body[i:i+l]...)
			i += l
		default:
			return dst[:start], fmt.Errorf("%w: run-length: bad token %#x", ErrCorrupt, m)
		}
	}
	if int64(len(dst)-start) < n {
		return dst[:start], fmt.Errorf("%w: run-length: decodes to %d bytes, header says %d", ErrCorrupt, len(dst)-start, n)
	}
	return dst[:start+int(n)], nil
}
