package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/truthound/truthound-go/stores/compression"
)

func init() {
	register(newCompressCmd)
	register(newDecompressCmd)
}

// extensions are the file name suffixes of each codec's standard format.
var extensions = map[compression.Algorithm]string{
	compression.Gzip:    ".gz",
	compression.Zstd:    ".zst",
	compression.LZ4:     ".lz4",
	compression.Snappy:  ".sz",
	compression.Brotli:  ".br",
	compression.Deflate: ".zz",
	compression.LZMA:    ".xz",
	compression.BZ2:     ".bz2",
}

func algorithmFromName(name string) (compression.Algorithm, bool) {
	ext := strings.ToLower(filepath.Ext(name))
	for a, e := range extensions {
		if e == ext {
			return a, true
		}
	}
	switch ext {
	case ".zstd":
		return compression.Zstd, true
	case ".zlib":
		return compression.Deflate, true
	case ".snappy":
		return compression.Snappy, true
	}
	return compression.None, false
}

// sniff recognises a codec by its magic bytes (brotli has none).
func sniff(b []byte) (compression.Algorithm, bool) {
	switch {
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		return compression.Gzip, true
	case bytes.HasPrefix(b, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return compression.Zstd, true
	case bytes.HasPrefix(b, []byte{0x04, 0x22, 0x4d, 0x18}):
		return compression.LZ4, true
	case bytes.HasPrefix(b, []byte("\xff\x06\x00\x00sNaPpY")):
		return compression.Snappy, true
	case bytes.HasPrefix(b, []byte("\xfd7zXZ\x00")):
		return compression.LZMA, true
	case bytes.HasPrefix(b, []byte("BZh")):
		return compression.BZ2, true
	case len(b) >= 2 && b[0]&0x0f == 8 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0:
		return compression.Deflate, true
	}
	return compression.None, false
}

func newCompressCmd() *cobra.Command {
	var algo, level, out string
	var force bool
	cmd := &cobra.Command{
		Use:   "compress FILE",
		Short: "Compress a file into the codec's standard format (gzip, zstd, lz4, ...)",
		Long: `Compress FILE ("-" for standard input) with the chosen codec, in its standard
format: the output opens with gzip -d, zstd -d, lz4 -d, brotli -d, xz -d,
bzip2 -d. The output is FILE plus the codec's extension unless -o is given
("-" for standard output). Snappy writes the snappy framing format.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := compression.ParseLevel(level)
			if err != nil {
				return err
			}
			var a compression.Algorithm
			switch {
			case cmd.Flags().Changed("algorithm"):
				if a, err = compression.ParseAlgorithm(algo); err != nil {
					return err
				}
			default:
				var ok bool
				if a, ok = algorithmFromName(out); !ok {
					a = compression.Zstd
				}
			}
			if out == "" {
				if args[0] == "-" {
					out = "-"
				} else {
					out = args[0] + extensions[a]
				}
			}
			return transcode(cmd, args[0], out, force, func(w io.Writer) (io.WriteCloser, error) {
				return compression.NewWriter(w, a, l)
			}, nil)
		},
	}
	cmd.Flags().StringVarP(&algo, "algorithm", "a", "zstd", "codec: none, gzip, zstd, lz4, snappy, brotli, deflate, lzma (xz), bz2")
	cmd.Flags().StringVarP(&level, "level", "l", "balanced", "level: fastest, fast, balanced, high, maximum")
	cmd.Flags().StringVarP(&out, "output", "o", "", "output file (default FILE + extension, - for stdout)")
	cmd.Flags().BoolVarP(&force, "force", "f", false, "overwrite an existing output file")
	cmd.AddCommand(newCompressBenchCmd())
	return cmd
}

func newDecompressCmd() *cobra.Command {
	var algo, out string
	var force bool
	cmd := &cobra.Command{
		Use:   "decompress FILE",
		Short: "Decompress a file in a codec's standard format",
		Long: `Decompress FILE ("-" for standard input). The codec is -a, else the file's
extension (.gz .zst .lz4 .sz .br .zz .xz .bz2), else its magic bytes (brotli has
none). The output is FILE without its extension unless -o is given ("-" for
standard output).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var (
				a     compression.Algorithm
				known bool
				err   error
			)
			if cmd.Flags().Changed("algorithm") {
				if a, err = compression.ParseAlgorithm(algo); err != nil {
					return err
				}
				known = true
			} else {
				a, known = algorithmFromName(args[0])
			}
			if out == "" {
				switch {
				case args[0] == "-":
					out = "-"
				case known && strings.EqualFold(filepath.Ext(args[0]), extensions[a]) || known && filepath.Ext(args[0]) != "":
					out = strings.TrimSuffix(args[0], filepath.Ext(args[0]))
				default:
					return fmt.Errorf("%s has no known extension: name the output with -o", args[0])
				}
			}
			return transcode(cmd, args[0], out, force, nil, func(r *bufio.Reader) (io.ReadCloser, error) {
				if !known {
					head, _ := r.Peek(16)
					var ok bool
					if a, ok = sniff(head); !ok {
						return nil, fmt.Errorf("%w: cannot tell the codec of %s: give -a", compression.ErrUnsupported, args[0])
					}
				}
				return compression.NewReader(r, a)
			})
		},
	}
	cmd.Flags().StringVarP(&algo, "algorithm", "a", "", "codec (default: from the extension or the magic bytes)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "output file (default FILE without extension, - for stdout)")
	cmd.Flags().BoolVarP(&force, "force", "f", false, "overwrite an existing output file")
	return cmd
}

// transcode copies in to out through a compressing writer or a
// decompressing reader. A file output is written to a temporary file and
// renamed into place only when everything succeeded.
func transcode(cmd *cobra.Command, in, out string, force bool,
	wrapW func(io.Writer) (io.WriteCloser, error), wrapR func(*bufio.Reader) (io.ReadCloser, error)) error {
	var src io.Reader = cmd.InOrStdin()
	if in != "-" {
		f, err := os.Open(in)
		if err != nil {
			return err
		}
		defer f.Close()
		src = f
	}
	var (
		dst     io.Writer = cmd.OutOrStdout()
		tmp     *os.File
		tmpName string
	)
	if out != "-" {
		if _, err := os.Stat(out); err == nil && !force {
			return fmt.Errorf("%s already exists (use -f to overwrite)", out)
		}
		var err error
		if tmp, err = os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp*"); err != nil {
			return err
		}
		tmpName = tmp.Name()
		defer func() {
			if tmp != nil {
				tmp.Close()
				os.Remove(tmpName)
			}
		}()
		dst = tmp
	}
	bw := bufio.NewWriterSize(dst, 256<<10)
	if wrapW != nil {
		w, err := wrapW(bw)
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, src); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
	} else {
		r, err := wrapR(bufio.NewReaderSize(src, 256<<10))
		if err != nil {
			return err
		}
		defer r.Close()
		if _, err := io.Copy(bw, r); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if tmp == nil {
		return nil
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmpName, out); err != nil {
		return err
	}
	tmp = nil
	return nil
}

func newCompressBenchCmd() *cobra.Command {
	var output, algos, levels string
	var minTime time.Duration
	cmd := &cobra.Command{
		Use:   "bench FILE...",
		Short: "Measure ratio, speed and memory of every codec and level on files",
		Long: `For each FILE (each member of a .zip), and each codec and level: ratio,
compress and decompress MB/s through truthound and through the codec's library
called directly on the same data in the same run, and peak heap memory.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var opts compression.BenchOptions
			opts.MinTime = minTime
			if output != "table" && output != "json" {
				return fmt.Errorf("--output %q: want table or json", output)
			}
			for _, s := range splitList(algos) {
				a, err := compression.ParseAlgorithm(s)
				if err != nil {
					return err
				}
				opts.Algorithms = append(opts.Algorithms, a)
			}
			for _, s := range splitList(levels) {
				l, err := compression.ParseLevel(s)
				if err != nil {
					return err
				}
				opts.Levels = append(opts.Levels, l)
			}
			var results []compression.BenchResult
			for _, path := range args {
				inputs, err := benchInputs(path)
				if err != nil {
					return err
				}
				for _, in := range inputs {
					rs, err := compression.Bench(cmd.Context(), in.name, in.data, opts)
					if err != nil {
						return err
					}
					results = append(results, rs...)
				}
			}
			w := cmd.OutOrStdout()
			if output == "json" {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(results)
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "file\talgorithm\tlevel\tratio\tcomp MB/s\tdecomp MB/s\traw comp MB/s\traw decomp MB/s\tpeak mem\t")
			for _, r := range results {
				fmt.Fprintf(tw, "%s\t%s\t%s(%d)\t%.3f\t%.1f\t%.1f\t%.1f\t%.1f\t%s\t\n", r.Name, r.AlgorithmName, r.LevelName,
					r.NativeLevel, r.Ratio, r.CompressMBps, r.DecompressMBps, r.RawCompressMBps, r.RawDecompressMBps, humanBytes(r.PeakMemory))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&output, "output", "table", "output format: table or json")
	cmd.Flags().StringVar(&algos, "algorithms", "", "comma-separated codecs (default: all)")
	cmd.Flags().StringVar(&levels, "levels", "", "comma-separated levels (default: all)")
	cmd.Flags().DurationVar(&minTime, "min-time", 100*time.Millisecond, "minimum time per measurement")
	return cmd
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

type benchInput struct {
	name string
	data []byte
}

// benchInputs reads a file, or every member of a .zip.
func benchInputs(path string) ([]benchInput, error) {
	if !strings.EqualFold(filepath.Ext(path), ".zip") {
		b, err := os.ReadFile(path)
		return []benchInput{{filepath.Base(path), b}}, err
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	var out []benchInput
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, benchInput{filepath.Base(path) + "/" + f.Name, b})
	}
	if len(out) == 0 {
		return nil, errors.New(path + ": empty zip")
	}
	return out, nil
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
