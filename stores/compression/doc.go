// Package compression compresses and decompresses byte slices and streams
// with the codecs of the truthound stores, and builds the original's
// higher-level formats on top of them.
//
// Every [Algorithm] has a permanent wire id (FORMATS.md §6) and writes the
// standard container of its codec, so the output of [Compress] and
// [NewWriter] opens with the reference tool (gzip, zstd, lz4, brotli, xz,
// bzip2) and their output opens here:
//
//	id  name     container
//	0   none     the bytes as they are
//	1   gzip     RFC 1952 gzip member(s)
//	2   zstd     zstd frame(s)
//	3   lz4      LZ4 frame format
//	4   snappy   raw snappy block for Compress/Decompress (as the original);
//	             the snappy framing format for NewWriter/NewReader
//	5   brotli   raw brotli stream
//	6   deflate  RFC 1950 zlib stream (as the original's zlib module)
//	7   lzma     .xz container
//	8   bz2      bzip2 stream
//
// The five [Level] presets map onto each codec's native levels as in
// FORMATS.md §6 (gzip 1/3/6/8/9, zstd 1/3/6/12/19, lz4 0/3/6/9/12, brotli
// 0/2/4/8/11, lzma 0/2/5/7/9, bz2 1/3/6/8/9). Where the Go library has fewer
// levels than the reference tool the nearest one is used; see [Level].
//
// Decompression is bounded: [Decompress] fails with [ErrTooLarge] once the
// output would pass its limit, so a decompression bomb costs at most limit
// bytes of memory. Bad input fails with [ErrCorrupt] (the library's own
// error kept in the chain); an unknown algorithm with [ErrUnsupported]. Every
// codec here compresses as well as decompresses, in pure Go.
//
// On top of the codecs, with the original's wire formats (FORMATS.md §6):
//
//   - [Adaptive] picks a codec per input by compressing a sample with every
//     candidate and scoring the measured sizes, times or memory against a
//     [Goal]; it writes the 10-byte "ADPT" header ([DecompressAdaptive]).
//   - [Pipeline] chains [Dedup], [Delta] and [RunLength] transforms, a codec
//     and a SHA-256 checksum; Process and Reverse.
//   - [CompressChunked] writes "CHNK" chunks with a "CIDX" index (MD5 per
//     chunk); [ChunkedReader] decompresses one chunk or a byte range.
//   - [Metrics], [Measure] and [Stats] report sizes, ratios, times and
//     throughput per algorithm; [Bench] compares every codec and level with
//     the codec's library called directly.
package compression
