package compression

import (
	"fmt"
	"strings"
)

// Algorithm identifies a codec. Its numeric value is a permanent wire id
// written into the ADPT and CHNK headers; a retired id is never reused.
type Algorithm uint8

// The codecs and their wire ids (FORMATS.md §6).
const (
	None    Algorithm = 0 // no compression
	Gzip    Algorithm = 1 // gzip (RFC 1952)
	Zstd    Algorithm = 2 // Zstandard frame
	LZ4     Algorithm = 3 // LZ4 frame format
	Snappy  Algorithm = 4 // snappy: raw block one-shot, framing format streaming
	Brotli  Algorithm = 5 // brotli
	Deflate Algorithm = 6 // deflate in the zlib wrapper (RFC 1950)
	LZMA    Algorithm = 7 // LZMA2 in the .xz container
	BZ2     Algorithm = 8 // bzip2
)

// Algorithms lists every algorithm in wire-id order.
func Algorithms() []Algorithm {
	return []Algorithm{None, Gzip, Zstd, LZ4, Snappy, Brotli, Deflate, LZMA, BZ2}
}

var algorithmNames = [...]string{"none", "gzip", "zstd", "lz4", "snappy", "brotli", "deflate", "lzma", "bz2"}

// String returns the algorithm's name as the original spells it ("gzip",
// "zstd", ...), or "algorithm(N)" for an unknown id.
func (a Algorithm) String() string {
	if int(a) < len(algorithmNames) {
		return algorithmNames[a]
	}
	return fmt.Sprintf("algorithm(%d)", uint8(a))
}

// Valid reports whether a is a known algorithm.
func (a Algorithm) Valid() bool { return int(a) < len(algorithmNames) }

// ParseAlgorithm parses an algorithm name, case-insensitively. Besides the
// names String returns it accepts the common aliases "identity", "gz",
// "zst", "br", "zlib", "xz" and "bzip2". An unknown name gives
// ErrUnsupported.
func ParseAlgorithm(s string) (Algorithm, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	for i, name := range algorithmNames {
		if n == name {
			return Algorithm(i), nil
		}
	}
	switch n {
	case "identity":
		return None, nil
	case "gz":
		return Gzip, nil
	case "zst", "zstandard":
		return Zstd, nil
	case "br":
		return Brotli, nil
	case "zlib":
		return Deflate, nil
	case "xz":
		return LZMA, nil
	case "bzip2":
		return BZ2, nil
	}
	return None, fmt.Errorf("%w: %q (want one of %s)", ErrUnsupported, s, strings.Join(algorithmNames[:], ", "))
}

// Level is a compression preset. The zero value means Balanced.
//
// Per codec (FORMATS.md §6): gzip and deflate 1/3/6/8/9; zstd 1/3/6/12/19,
// which the Go encoder maps to its four levels fastest/default/better/best
// (so High and Maximum both use "best"); lz4 0/3/6/9/12, where 0 is the fast
// (non-HC) compressor and the Go library's deepest HC level is 9, so High
// and Maximum coincide; brotli 0/2/4/8/11; lzma (xz) 0/2/5/7/9 as the xz
// presets' dictionary sizes; bz2 1/3/6/8/9 (block size ×100 KB). Snappy has
// no levels in the original: Fastest to Balanced write plain snappy, High and
// Maximum the slower, denser snappy-compatible encoders of klauspost/s2.
type Level int

// The presets.
const (
	Fastest  Level = iota + 1 // fastest, lowest ratio
	Fast                      // fast
	Balanced                  // the default
	High                      // better ratio, slower
	Maximum                   // best ratio, slowest
)

// Levels lists the presets from Fastest to Maximum.
func Levels() []Level { return []Level{Fastest, Fast, Balanced, High, Maximum} }

var levelNames = [...]string{"balanced", "fastest", "fast", "balanced", "high", "maximum"}

// String returns "fastest", "fast", "balanced", "high" or "maximum" (the
// zero value prints as "balanced"), or "level(N)" when out of range.
func (l Level) String() string {
	if l >= 0 && int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("level(%d)", int(l))
}

// ParseLevel parses a level name, case-insensitively ("FASTEST", "fast",
// ...). An unknown name gives ErrInvalidLevel.
func ParseLevel(s string) (Level, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	for i, name := range levelNames[1:] {
		if n == name {
			return Level(i + 1), nil
		}
	}
	return 0, fmt.Errorf("%w: %q (want fastest, fast, balanced, high or maximum)", ErrInvalidLevel, s)
}

// normalize maps the zero value to Balanced and rejects out-of-range levels.
func (l Level) normalize() (Level, error) {
	if l == 0 {
		return Balanced, nil
	}
	if l < Fastest || l > Maximum {
		return 0, fmt.Errorf("%w: %d", ErrInvalidLevel, int(l))
	}
	return l, nil
}

// native is the codec's own level for each preset, indexed [algorithm][level-1].
var native = [...][5]int{
	Gzip:    {1, 3, 6, 8, 9},
	Zstd:    {1, 3, 6, 12, 19},
	LZ4:     {0, 3, 6, 9, 12},
	Snappy:  {0, 0, 0, 1, 2},
	Brotli:  {0, 2, 4, 8, 11},
	Deflate: {1, 3, 6, 8, 9},
	LZMA:    {0, 2, 5, 7, 9},
	BZ2:     {1, 3, 6, 8, 9},
}

// NativeLevel returns the codec's own level number that l maps to for a
// (as listed in FORMATS.md §6). It is 0 for None.
func NativeLevel(a Algorithm, l Level) (int, error) {
	l, err := l.normalize()
	if err != nil {
		return 0, err
	}
	if !a.Valid() {
		return 0, fmt.Errorf("%w: %s", ErrUnsupported, a)
	}
	return native[a][l-1], nil
}
