package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/truthound/truthound-go/stores/encryption"
)

// encTestdata returns the shared test-data folder ($TRUTHOUND_TESTDATA or
// ../shared/testdata beside the repository root); it fails when missing and
// $CI is set, and skips otherwise.
func encTestdata(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("TRUTHOUND_TESTDATA"); d != "" {
		return d
	}
	_, file, _, _ := runtime.Caller(0)
	d := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "testdata")
	if _, err := os.Stat(d); err == nil {
		return d
	}
	if os.Getenv("CI") != "" {
		t.Fatal("shared test data not found: set TRUTHOUND_TESTDATA")
	}
	t.Skip("shared test data not found: set TRUTHOUND_TESTDATA")
	return ""
}

// encExec runs the command line and returns its stdout.
func encExec(t *testing.T, args ...string) (string, error) {
	t.Helper()
	return encExecIn(t, "", args...)
}

// encExecIn runs the command line with stdin and returns its stdout.
func encExecIn(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func encWriteKey(t *testing.T, dir string, n int) string {
	t.Helper()
	key := make([]byte, n)
	rand.Read(key)
	p := filepath.Join(dir, "key.hex")
	if err := os.WriteFile(p, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEncryptCommandRoundTrip(t *testing.T) {
	dir := t.TempDir()
	plain := make([]byte, 200_000)
	rand.Read(plain)
	in := filepath.Join(dir, "data.bin")
	os.WriteFile(in, plain, 0o644)
	for _, tc := range []struct {
		alg, format string
		keyLen      int
	}{
		{"aes-256-gcm", "sealed", 32},
		{"aes-128-gcm", "sealed", 16},
		{"chacha20-poly1305", "stream", 32},
		{"xchacha20-poly1305", "raw", 32},
		{"fernet", "raw", 32},
	} {
		t.Run(tc.alg+"-"+tc.format, func(t *testing.T) {
			kf := encWriteKey(t, t.TempDir(), tc.keyLen)
			enc := filepath.Join(dir, tc.alg+"-"+tc.format+".enc")
			if _, err := encExec(t, "encrypt", in, "-o", enc, "--key-file", kf, "--algorithm", tc.alg, "--format", tc.format, "--chunk-size", "4096"); err != nil {
				t.Fatal(err)
			}
			st, _ := os.Stat(enc)
			if st.Mode().Perm() != 0o600 {
				t.Errorf("output mode %v", st.Mode().Perm())
			}
			ct, _ := os.ReadFile(enc)
			if bytes.Contains(ct, plain[:64]) {
				t.Fatal("plaintext in output")
			}
			dec := filepath.Join(dir, tc.alg+"-"+tc.format+".dec")
			args := []string{"decrypt", enc, "-o", dec, "--key-file", kf}
			if tc.format == "raw" {
				args = append(args, "--algorithm", tc.alg)
			}
			if _, err := encExec(t, args...); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(dec)
			if !bytes.Equal(got, plain) {
				t.Fatal("round trip differs")
			}
			// A changed byte fails and leaves no output file behind.
			bad := bytes.Clone(ct)
			bad[len(bad)/2] ^= 1
			os.WriteFile(enc, bad, 0o600)
			out2 := dec + "2"
			if _, err := encExec(t, append(args[:3], "-o", out2, "--key-file", kf, "--algorithm", tc.alg)...); err == nil {
				t.Fatal("tampered file decrypted")
			}
			if _, err := os.Stat(out2); !os.IsNotExist(err) {
				t.Fatal("output left behind after a failed decryption")
			}
			// A truncated file fails too.
			os.WriteFile(enc, ct[:len(ct)-1], 0o600)
			if _, err := encExec(t, append(args[:3], "-o", out2, "--key-file", kf, "--algorithm", tc.alg)...); err == nil {
				t.Fatal("truncated file decrypted")
			}
		})
	}
}

func TestEncryptCommandPassword(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "notes.txt")
	os.WriteFile(in, []byte("validation results\n"), 0o644)
	t.Setenv("TRUTHOUND_PASSWORD", "hunter2")
	if _, err := encExec(t, "encrypt", in, "--password", "--kdf", "scrypt"); err != nil {
		t.Fatal(err)
	}
	ct, _ := os.ReadFile(in + ".enc")
	h, err := encryption.ParseSealedHeader(ct)
	if err != nil || h.KDF != encryption.Scrypt || len(h.Salt) != 16 || !h.Streamed {
		t.Fatalf("header %+v, %v", h, err)
	}
	os.Remove(in)
	if _, err := encExec(t, "decrypt", in+".enc", "--password"); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(in); string(got) != "validation results\n" {
		t.Fatalf("got %q", got)
	}
	t.Setenv("TRUTHOUND_PASSWORD", "wrong")
	if _, err := encExec(t, "decrypt", in+".enc", "-o", "-", "--password"); !errors.Is(err, encryption.ErrAuthentication) {
		t.Fatalf("wrong password: %v", err)
	}
	// Refuses to overwrite without -f.
	if _, err := encExec(t, "encrypt", in, "--password", "--kdf", "scrypt"); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("overwrite: %v", err)
	}
	os.Unsetenv("TRUTHOUND_PASSWORD")
	if _, err := encExec(t, "encrypt", in, "-f", "--password"); !errors.Is(err, encryption.ErrInvalidOption) {
		t.Fatalf("no password source: %v", err)
	}
}

func TestEncryptCommandStdio(t *testing.T) {
	dir := t.TempDir()
	kf := encWriteKey(t, dir, 32)
	in := filepath.Join(dir, "x")
	os.WriteFile(in, []byte("to stdout"), 0o644)
	if _, err := encExec(t, "encrypt", in, "--key-file", kf); err != nil {
		t.Fatal(err)
	}
	out, err := encExec(t, "decrypt", in+".enc", "-o", "-", "--key-file", kf)
	if err != nil || out != "to stdout" {
		t.Fatalf("%q %v", out, err)
	}
	// stdin to stdout, both ways, in every format.
	for _, format := range []string{"sealed", "stream", "raw"} {
		ct, err := encExecIn(t, "from stdin", "encrypt", "-", "--key-file", kf, "--format", format)
		if err != nil {
			t.Fatal(err)
		}
		pt, err := encExecIn(t, ct, "decrypt", "-", "--key-file", kf)
		if err != nil || pt != "from stdin" {
			t.Fatalf("%s: %q %v", format, pt, err)
		}
	}
}

// TestDecryptCommandOriginal decrypts files written by the original: raw
// AES-GCM and ChaCha20 blobs and a THSE stream.
func TestDecryptCommandOriginal(t *testing.T) {
	up := filepath.Join(encTestdata(t), "upstream", "crypto")
	plain, err := os.ReadFile(filepath.Join(up, "plaintext.bin"))
	if err != nil {
		t.Fatal(err)
	}
	kf := filepath.Join(up, "key.hex")
	for _, tc := range []struct{ file, alg string }{
		{"aesgcm.bin", "aes-256-gcm"},
		{"chacha.bin", "chacha20-poly1305"},
		{"stream.bin", "aes-256-gcm"},
	} {
		out, err := encExec(t, "decrypt", filepath.Join(up, tc.file), "-o", "-", "--key-file", kf, "--algorithm", tc.alg)
		if err != nil || out != string(plain) {
			t.Errorf("%s: %d bytes, %v", tc.file, len(out), err)
		}
	}
	fk := filepath.Join(up, "fernet.key")
	out, err := encExec(t, "decrypt", filepath.Join(up, "fernet.bin"), "-o", "-", "--key-file", fk, "--algorithm", "fernet")
	if err != nil || out != string(plain) {
		t.Errorf("fernet.bin: %v", err)
	}
}

func TestEncryptCommandErrors(t *testing.T) {
	dir := t.TempDir()
	kf := encWriteKey(t, dir, 32)
	in := filepath.Join(dir, "in")
	os.WriteFile(in, []byte("x"), 0o644)
	for _, tc := range []struct {
		args []string
		want error
	}{
		{[]string{"encrypt", in, "--key-file", kf, "--format", "zip"}, encryption.ErrInvalidOption},
		{[]string{"encrypt", in, "--key-file", kf, "--algorithm", "des"}, encryption.ErrInvalidAlgorithm},
		{[]string{"encrypt", in, "--key-file", kf, "--algorithm", "aes-128-gcm"}, encryption.ErrInvalidKey},
		{[]string{"encrypt", in, "--key-file", kf, "--algorithm", "fernet"}, encryption.ErrInvalidOption},
		{[]string{"encrypt", in, "--password", "--format", "stream"}, encryption.ErrInvalidOption},
		{[]string{"encrypt", in}, encryption.ErrInvalidOption},
		{[]string{"encrypt", in, "--key-file", kf, "--kdf", "md5"}, encryption.ErrInvalidKDF},
		{[]string{"encrypt", in, "--key-file", kf, "--chunk-size", "3"}, encryption.ErrInvalidOption},
		{[]string{"decrypt", in, "--key-file", kf, "--algorithm", "aes-256-gcm"}, encryption.ErrTruncated},
	} {
		if _, err := encExec(t, tc.args...); !errors.Is(err, tc.want) {
			t.Errorf("%v: got %v, want %v", tc.args[2:], err, tc.want)
		}
	}
}

func TestEncryptBenchCommand(t *testing.T) {
	out, err := encExec(t, "encrypt", "bench", "--output", "json", "--size", "65536", "--duration", "5ms")
	if err != nil {
		t.Fatal(err)
	}
	var res []encBenchResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(res) != 12 {
		t.Fatalf("%d results", len(res))
	}
	apis := map[string]int{}
	for _, r := range res {
		apis[r.API]++
		if r.MBPerSec <= 0 || r.BlockBytes != 65536 {
			t.Errorf("%+v", r)
		}
		if r.API != "raw-library" && r.VsRaw <= 0 {
			t.Errorf("%+v: no ratio", r)
		}
	}
	if apis["raw-library"] != 4 || apis["sealed"] != 4 || apis["stream"] != 4 {
		t.Errorf("apis %v", apis)
	}
	if out, err := encExec(t, "encrypt", "bench", "--size", "1024", "--duration", "1ms"); err != nil || !strings.Contains(out, "VS RAW") {
		t.Errorf("table: %v\n%s", err, out)
	}
	if _, err := encExec(t, "encrypt", "bench", "--output", "xml"); !errors.Is(err, encryption.ErrInvalidOption) {
		t.Errorf("bad output: %v", err)
	}
}
