package main

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/term"

	"github.com/truthound/truthound-go/stores/encryption"
)

func init() {
	register(newEncryptCmd)
	register(newDecryptCmd)
}

// encFormat is the on-disk format of `truthound encrypt`.
type encFormat string

const (
	encFormatSealed encFormat = "sealed" // THSL header + streamed chunks: any size, key or password
	encFormatStream encFormat = "stream" // THS2 stream: any size, key only
	encFormatRaw    encFormat = "raw"    // nonce || ct || tag (or a Fernet token): whole file in memory
)

// encRawLimit bounds the files the raw format, which is not streamed, reads.
const encRawLimit = 1 << 30

type encFlags struct {
	output    string
	password  bool
	keyFile   string
	algorithm string
	format    string
	kdf       string
	keyID     string
	chunkSize int
	force     bool
}

func (f *encFlags) register(cmd *cobra.Command, encrypting bool) {
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output", "o", "", "output file ('-' for stdout; default FILE.enc / FILE without .enc)")
	fl.BoolVar(&f.password, "password", false, "use a password: asked on a terminal, else read from $TRUTHOUND_PASSWORD")
	fl.StringVar(&f.keyFile, "key-file", "", "file holding the key as hex, base64 or raw bytes")
	fl.StringVar(&f.algorithm, "algorithm", "aes-256-gcm", "aes-128-gcm, aes-256-gcm, chacha20-poly1305, xchacha20-poly1305, fernet (raw only)")
	fl.BoolVarP(&f.force, "force", "f", false, "overwrite the output file")
	if encrypting {
		fl.StringVar(&f.format, "format", string(encFormatSealed), "sealed, stream or raw")
		fl.StringVar(&f.kdf, "kdf", "argon2id", "key derivation for --password: argon2id, scrypt, pbkdf2-sha256, pbkdf2-sha512")
		fl.StringVar(&f.keyID, "key-id", "", "key id to record in the header (sealed and stream)")
		fl.IntVar(&f.chunkSize, "chunk-size", encryption.DefaultChunkSize, "plaintext bytes per chunk (sealed and stream)")
	} else {
		fl.StringVar(&f.format, "format", "", "sealed, stream or raw (default: detected from the file)")
	}
}

func newEncryptCmd() *cobra.Command {
	f := &encFlags{}
	cmd := &cobra.Command{
		Use:   "encrypt FILE",
		Short: "Encrypt a file (any size) with a key file or a password",
		Long: `Encrypt FILE ('-' for stdin) into FILE.enc or -o OUT.

Formats (--format):
  sealed  (default) our authenticated header (algorithm, KDF and salt for a
          password, key id) followed by a chunked stream that binds the header
          into every chunk: streams any size in constant memory, and any
          change, truncation or reordering fails decryption.
  stream  the bare streaming format (key file only).
  raw     the original's blob nonce || ciphertext || tag (a Fernet token for
          --algorithm fernet); read whole into memory, key file only.

The key comes from --key-file (hex, base64 or raw bytes) or --password, which
is asked on a terminal and otherwise read from $TRUTHOUND_PASSWORD. The output
is written to a temporary file and renamed into place when complete.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEncrypt(cmd, f, args[0])
		},
	}
	f.register(cmd, true)
	cmd.AddCommand(newEncryptBenchCmd())
	return cmd
}

func newDecryptCmd() *cobra.Command {
	f := &encFlags{}
	cmd := &cobra.Command{
		Use:   "decrypt FILE",
		Short: "Decrypt a file written by `truthound encrypt` (or a raw blob of the original)",
		Long: `Decrypt FILE ('-' for stdin) into -o OUT (default: FILE without .enc).

The format is detected from the file's magic (sealed "THSL", stream "THS2",
the original's stream "THSE"); anything else is read as a raw blob of
--algorithm. Plaintext goes to a temporary file that is renamed into place
only after the whole input authenticated, so a tampered or truncated input
leaves no output file (with -o -, bytes already written to stdout before the
failure cannot be taken back; the command still fails).

The original's THSE streams cannot detect truncation at a chunk boundary:
prefer the sealed format.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDecrypt(cmd, f, args[0])
		},
	}
	f.register(cmd, false)
	return cmd
}

// encSecret returns the secret chosen by the flags.
func encSecret(cmd *cobra.Command, f *encFlags, alg encryption.Algorithm, confirm bool) (encryption.Secret, error) {
	switch {
	case f.password && f.keyFile != "":
		return encryption.Secret{}, fmt.Errorf("%w: give --password or --key-file, not both", encryption.ErrInvalidOption)
	case f.keyFile != "":
		key, err := encReadKeyFile(f.keyFile, alg)
		if err != nil {
			return encryption.Secret{}, err
		}
		return encryption.KeySecret(key), nil
	case f.password:
		pw, err := encPassword(cmd, confirm)
		if err != nil {
			return encryption.Secret{}, err
		}
		return encryption.PasswordSecret(pw), nil
	}
	return encryption.Secret{}, fmt.Errorf("%w: give --key-file FILE or --password", encryption.ErrInvalidOption)
}

// encPassword asks for the password on a terminal, else reads
// $TRUTHOUND_PASSWORD.
func encPassword(cmd *cobra.Command, confirm bool) ([]byte, error) {
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		pw, ok := os.LookupEnv("TRUTHOUND_PASSWORD")
		if !ok || pw == "" {
			return nil, fmt.Errorf("%w: --password: stdin is not a terminal and $TRUTHOUND_PASSWORD is not set", encryption.ErrInvalidOption)
		}
		return []byte(pw), nil
	}
	fmt.Fprint(cmd.ErrOrStderr(), "Password: ")
	pw, err := term.ReadPassword(fd)
	fmt.Fprintln(cmd.ErrOrStderr())
	if err != nil {
		return nil, fmt.Errorf("reading password: %w", err)
	}
	if len(pw) == 0 {
		return nil, fmt.Errorf("%w: empty password", encryption.ErrInvalidOption)
	}
	if confirm {
		fmt.Fprint(cmd.ErrOrStderr(), "Again: ")
		again, err := term.ReadPassword(fd)
		fmt.Fprintln(cmd.ErrOrStderr())
		if err != nil {
			return nil, fmt.Errorf("reading password: %w", err)
		}
		if !bytes.Equal(pw, again) {
			return nil, fmt.Errorf("%w: the passwords differ", encryption.ErrInvalidOption)
		}
	}
	return pw, nil
}

// encReadKeyFile reads a key of alg's size written as raw bytes, hex or
// base64 (standard or URL alphabet, as Fernet keys are).
func encReadKeyFile(path string, alg encryption.Algorithm) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	n := alg.KeySize()
	if len(b) == n {
		return b, nil
	}
	s := strings.TrimSpace(string(b))
	if k, err := hex.DecodeString(s); err == nil && len(k) == n {
		return k, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil && len(k) == n {
			return k, nil
		}
	}
	return nil, fmt.Errorf("%w: %s does not hold a %d-byte %v key (raw, hex or base64)", encryption.ErrInvalidKey, path, n, alg)
}

func runEncrypt(cmd *cobra.Command, f *encFlags, in string) error {
	alg, err := encryption.ParseAlgorithm(f.algorithm)
	if err != nil {
		return fmt.Errorf("--algorithm: %w", err)
	}
	format := encFormat(f.format)
	switch format {
	case encFormatSealed, encFormatStream, encFormatRaw:
	default:
		return fmt.Errorf("%w: --format %q (sealed, stream or raw)", encryption.ErrInvalidOption, f.format)
	}
	if alg == encryption.Fernet && format != encFormatRaw {
		return fmt.Errorf("%w: fernet is written only with --format raw", encryption.ErrInvalidOption)
	}
	if f.password && format != encFormatSealed {
		return fmt.Errorf("%w: --format %s cannot store a salt: use --format sealed with --password", encryption.ErrInvalidOption, format)
	}
	kdf, err := encryption.ParseKDF(f.kdf)
	if err != nil {
		return fmt.Errorf("--kdf: %w", err)
	}
	if kdf == encryption.HKDFSHA256 && f.password {
		return fmt.Errorf("%w: hkdf-sha256 is not a password KDF", encryption.ErrInvalidOption)
	}
	secret, err := encSecret(cmd, f, alg, true)
	if err != nil {
		return err
	}
	var key []byte // the raw key, for the raw and stream formats
	if !secret.IsPassword() {
		if key, err = encReadKeyFile(f.keyFile, alg); err != nil {
			return err
		}
	}
	out := f.output
	if out == "" {
		if in == "-" {
			out = "-"
		} else {
			out = in + ".enc"
		}
	}
	return encTranscode(cmd, in, out, f.force, func(src io.Reader, dst io.Writer) error {
		switch format {
		case encFormatRaw:
			pt, err := encReadAll(src)
			if err != nil {
				return err
			}
			blob, err := encryption.Encrypt(alg, key, pt, nil)
			if err != nil {
				return err
			}
			_, err = dst.Write(blob)
			return err
		case encFormatStream:
			w, err := encryption.NewWriter(dst, key, &encryption.StreamOptions{
				Algorithm: alg, ChunkSize: f.chunkSize, KeyID: f.keyID})
			if err != nil {
				return err
			}
			if _, err := io.Copy(w, src); err != nil {
				return err
			}
			return w.Close()
		default:
			w, err := encryption.NewSealWriter(dst, secret, &encryption.SealOptions{
				Algorithm: alg, KDF: kdf, KeyID: f.keyID, ChunkSize: f.chunkSize})
			if err != nil {
				return err
			}
			if _, err := io.Copy(w, src); err != nil {
				return err
			}
			return w.Close()
		}
	})
}

func encReadAll(src io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(src, encRawLimit+1))
	if err != nil {
		return nil, err
	}
	if len(b) > encRawLimit {
		return nil, fmt.Errorf("%w: the raw format holds at most %d bytes: use --format sealed", encryption.ErrTooLarge, encRawLimit)
	}
	return b, nil
}

func runDecrypt(cmd *cobra.Command, f *encFlags, in string) error {
	alg, err := encryption.ParseAlgorithm(f.algorithm)
	if err != nil {
		return fmt.Errorf("--algorithm: %w", err)
	}
	out := f.output
	if out == "" {
		switch {
		case in == "-":
			out = "-"
		case strings.HasSuffix(in, ".enc") && len(in) > 4:
			out = strings.TrimSuffix(in, ".enc")
		default:
			out = in + ".dec"
		}
	}
	return encTranscode(cmd, in, out, f.force, func(src io.Reader, dst io.Writer) error {
		br := bufio.NewReaderSize(src, 256<<10)
		format := encFormat(f.format)
		if format == "" {
			magic, _ := br.Peek(4)
			switch string(magic) {
			case "THSL":
				format = encFormatSealed
			case "THS2", "THSE":
				format = encFormatStream
			default:
				format = encFormatRaw
			}
		}
		var r io.Reader
		switch format {
		case encFormatSealed:
			// The key size depends on the algorithm in the header.
			h, err := encPeekSealedHeader(br)
			if err != nil {
				return err
			}
			secret, err := encSecret(cmd, f, h.Algorithm, false)
			if err != nil {
				return err
			}
			if r, err = encryption.NewSealReader(br, secret, nil); err != nil {
				return err
			}
		case encFormatStream:
			if f.password {
				return fmt.Errorf("%w: stream files are decrypted with --key-file", encryption.ErrInvalidOption)
			}
			h, err := encPeekStreamAlgorithm(br)
			if err != nil {
				return err
			}
			key, err := encReadKeyFile(f.keyFile, h)
			if err != nil {
				return err
			}
			if r, err = encryption.NewReader(br, key, nil); err != nil {
				return err
			}
		case encFormatRaw:
			if f.password {
				return fmt.Errorf("%w: raw blobs are decrypted with --key-file", encryption.ErrInvalidOption)
			}
			key, err := encReadKeyFile(f.keyFile, alg)
			if err != nil {
				return err
			}
			blob, err := encReadAll(br)
			if err != nil {
				return err
			}
			pt, err := encryption.Decrypt(alg, key, blob, nil)
			if err != nil {
				return err
			}
			r = bytes.NewReader(pt)
		default:
			return fmt.Errorf("%w: --format %q (sealed, stream or raw)", encryption.ErrInvalidOption, f.format)
		}
		_, err := io.Copy(dst, r)
		return err
	})
}

// encPeekSealedHeader parses the sealed header at the start of br without
// consuming it.
func encPeekSealedHeader(br *bufio.Reader) (*encryption.SealedHeader, error) {
	b, _ := br.Peek(br.Size())
	return encryption.ParseSealedHeader(b)
}

// encPeekStreamAlgorithm returns the algorithm of a THS2 stream (byte 5) or
// AES-256-GCM for the original's THSE streams, without consuming input.
func encPeekStreamAlgorithm(br *bufio.Reader) (encryption.Algorithm, error) {
	b, _ := br.Peek(6)
	if len(b) == 6 && string(b[:4]) == "THS2" {
		a := encryption.Algorithm(b[5])
		if !a.IsAEAD() {
			return 0, fmt.Errorf("%w: stream algorithm id %d", encryption.ErrFormat, b[5])
		}
		return a, nil
	}
	return encryption.AES256GCM, nil
}

// encTranscode runs fn from in to out ('-' for stdin/stdout). A file output is
// written to a temporary file in the same folder and renamed into place only
// when fn succeeded, so a failed decryption leaves nothing behind.
func encTranscode(cmd *cobra.Command, in, out string, force bool, fn func(io.Reader, io.Writer) error) error {
	var src io.Reader = cmd.InOrStdin()
	if in != "-" {
		fh, err := os.Open(in)
		if err != nil {
			return err
		}
		defer fh.Close()
		src = fh
	}
	if out == "-" {
		bw := bufio.NewWriterSize(cmd.OutOrStdout(), 256<<10)
		if err := fn(src, bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	if _, err := os.Stat(out); err == nil && !force {
		return fmt.Errorf("%s already exists (use -f to overwrite)", out)
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp*")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(tmp, 256<<10)
	if err := fn(src, bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	ok = true
	return nil
}

// encBenchResult is one line of `truthound encrypt bench`.
type encBenchResult struct {
	Algorithm  string  `json:"algorithm"`
	API        string  `json:"api"` // raw-library, sealed, stream
	BlockBytes int     `json:"block_bytes"`
	MBPerSec   float64 `json:"mb_per_s"`
	VsRaw      float64 `json:"vs_raw,omitempty"`
}

func newEncryptBenchCmd() *cobra.Command {
	var output string
	var size int
	var dur time.Duration
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure encryption throughput: our API against the raw library, and the streaming format",
		Long: `For every AEAD, encrypt --size byte blocks for --duration each through
the raw library (crypto/cipher, x/crypto), through our sealed format
(Sealer.Seal, header and random nonce included), and through the streaming
format (NewWriter to io.Discard, 64 KiB chunks), in the same run; the three
are measured round-robin in 5 rounds so that load from other processes
affects them alike. MB/s are
10^6 bytes per second of plaintext; vs_raw is the ratio to the raw library.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "json" && output != "table" {
				return fmt.Errorf("%w: --output %q (json or table)", encryption.ErrInvalidOption, output)
			}
			if size < 1 || dur <= 0 {
				return fmt.Errorf("%w: --size and --duration must be positive", encryption.ErrInvalidOption)
			}
			res, err := encBench(size, dur)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if output == "json" {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "ALGORITHM\tAPI\tBLOCK\tMB/s\tVS RAW\t")
			for _, r := range res {
				vs := "-"
				if r.VsRaw > 0 {
					vs = fmt.Sprintf("%.2fx", r.VsRaw)
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%s\t\n", r.Algorithm, r.API, r.BlockBytes, r.MBPerSec, vs)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&output, "output", "table", "json or table")
	cmd.Flags().IntVar(&size, "size", 1<<20, "block size in bytes")
	cmd.Flags().DurationVar(&dur, "duration", 300*time.Millisecond, "time per measurement")
	return cmd
}

// encRounds is the number of rounds the measurements of one algorithm are
// interleaved in, so that load from other processes spreads over all of them.
const encRounds = 5

// encMeasure runs each fn repeatedly, round-robin over encRounds rounds of
// d/encRounds each, and returns MB/s for n bytes per call of each.
func encMeasure(n int, d time.Duration, fns ...func() error) ([]float64, error) {
	calls := make([]int, len(fns))
	spent := make([]time.Duration, len(fns))
	for _, fn := range fns { // warm up
		if err := fn(); err != nil {
			return nil, err
		}
	}
	slot := d / encRounds
	for r := 0; r < encRounds; r++ {
		for i, fn := range fns {
			start := time.Now()
			for time.Since(start) < slot {
				if err := fn(); err != nil {
					return nil, err
				}
				calls[i]++
			}
			spent[i] += time.Since(start)
		}
	}
	out := make([]float64, len(fns))
	for i := range fns {
		out[i] = float64(n) * float64(calls[i]) / spent[i].Seconds() / 1e6
	}
	return out, nil
}

func encBench(size int, d time.Duration) ([]encBenchResult, error) {
	pt := make([]byte, size)
	rand.Read(pt)
	var out []encBenchResult
	for _, alg := range []encryption.Algorithm{encryption.AES128GCM, encryption.AES256GCM, encryption.ChaCha20Poly1305, encryption.XChaCha20Poly1305} {
		key := make([]byte, alg.KeySize())
		rand.Read(key)
		var aead cipher.AEAD
		var err error
		switch alg {
		case encryption.AES128GCM, encryption.AES256GCM:
			blk, _ := aes.NewCipher(key)
			aead, err = cipher.NewGCM(blk)
		case encryption.ChaCha20Poly1305:
			aead, err = chacha20poly1305.New(key)
		default:
			aead, err = chacha20poly1305.NewX(key)
		}
		if err != nil {
			return nil, err
		}
		nonce := make([]byte, aead.NonceSize())
		buf := make([]byte, 0, size+256)
		sealer, err := encryption.NewSealer(encryption.KeySecret(key), &encryption.SealOptions{Algorithm: alg})
		if err != nil {
			return nil, err
		}
		mbps, err := encMeasure(size, d,
			func() error {
				rand.Read(nonce)
				buf = aead.Seal(buf[:0], nonce, pt, nil)
				return nil
			},
			func() error {
				var err error
				buf, err = sealer.Seal(buf[:0], pt, nil)
				return err
			},
			func() error {
				w, err := encryption.NewWriter(io.Discard, key, &encryption.StreamOptions{Algorithm: alg})
				if err != nil {
					return err
				}
				if _, err := w.Write(pt); err != nil {
					return err
				}
				return w.Close()
			})
		if err != nil {
			return nil, err
		}
		raw, sealed, stream := mbps[0], mbps[1], mbps[2]
		name := alg.String()
		out = append(out,
			encBenchResult{Algorithm: name, API: "raw-library", BlockBytes: size, MBPerSec: raw},
			encBenchResult{Algorithm: name, API: "sealed", BlockBytes: size, MBPerSec: sealed, VsRaw: sealed / raw},
			encBenchResult{Algorithm: name, API: "stream", BlockBytes: size, MBPerSec: stream, VsRaw: stream / raw})
	}
	return out, nil
}
