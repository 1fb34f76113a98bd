package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/truthound/truthound-go/stores/encryption"
	"github.com/truthound/truthound-go/stores/encryption/keys"
)

func init() { register(newKeysCmd) }

// keysPromptSentinel is the value of a bare --password: ask for it.
const keysPromptSentinel = "\x00prompt"

// keysFlags are the key-store flags shared by the keys subcommands.
type keysFlags struct {
	keystore, password, masterKeyFile string
}

func newKeysCmd() *cobra.Command {
	f := &keysFlags{}
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create, list, rotate and delete keys in a file key store",
		Long: `Manage the keys of a file key store (the original's FileKeyStore format:
one encrypted file per key, {base64url(id)}.key).

The store is protected by a master password (Argon2id, salt in .master_salt)
or a 32-byte master key. The password is taken from --password=PW; a bare
--password asks for it when stdin is a terminal and otherwise reads
$TRUTHOUND_PASSWORD (as encrypt does); without the flag $TRUTHOUND_PASSWORD is
used if set, else the password is asked for on a terminal. A master key file
holds the key as 64 hex digits, base64, or 32 raw bytes.

Key material is never printed.`,
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&f.keystore, "keystore", "", "key store folder (required)")
	pf.StringVar(&f.password, "password", "", "master password as --password=PW (bare --password: ask on a terminal, else $TRUTHOUND_PASSWORD)")
	pf.Lookup("password").NoOptDefVal = keysPromptSentinel
	pf.StringVar(&f.masterKeyFile, "master-key-file", "", "file holding the 32-byte master key instead of a password")

	var alg, typ, ttl string
	create := &cobra.Command{
		Use:   "create ID",
		Short: "Create version 1 of a new key",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			co := &keys.CreateOptions{}
			var err error
			if co.Algorithm, err = encryption.ParseAlgorithm(alg); err != nil {
				return fmt.Errorf("--algorithm: %w", err)
			}
			if co.Type, err = keys.ParseType(typ); err != nil {
				return fmt.Errorf("--type: %w", err)
			}
			if ttl != "" {
				if co.TTL, err = time.ParseDuration(ttl); err != nil || co.TTL <= 0 {
					return fmt.Errorf("--ttl %q: %w: want a positive duration such as 720h", ttl, encryption.ErrInvalidOption)
				}
			}
			m, err := f.manager(cmd)
			if err != nil {
				return err
			}
			k, err := m.Create(cmd.Context(), args[0], co)
			if err != nil {
				return err
			}
			defer k.Destroy()
			fmt.Fprintf(cmd.OutOrStdout(), "created key %q version %d (%v)\n", k.ID, k.Version, k.Algorithm)
			return nil
		},
	}
	create.Flags().StringVar(&alg, "algorithm", "aes-256-gcm", "aes-128-gcm, aes-256-gcm, chacha20-poly1305, xchacha20-poly1305 or fernet")
	create.Flags().StringVar(&typ, "type", "dek", "key type: dek, kek or master")
	create.Flags().StringVar(&ttl, "ttl", "", "lifetime of the key, such as 720h (default: no expiry)")

	var output string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the keys (never their material)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			m, err := f.manager(cmd)
			if err != nil {
				return err
			}
			infos, err := m.List(cmd.Context())
			if err != nil {
				return err
			}
			return keysPrintList(cmd, infos, output)
		},
	}
	outputFlag(list, &output)

	rotate := &cobra.Command{
		Use:   "rotate ID",
		Short: "Make a new version of a key; old versions stay for decryption",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.manager(cmd)
			if err != nil {
				return err
			}
			k, err := m.Rotate(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			defer k.Destroy()
			fmt.Fprintf(cmd.OutOrStdout(), "rotated key %q to version %d\n", k.ID, k.Version)
			return nil
		},
	}

	del := &cobra.Command{
		Use:   "delete ID",
		Short: "Overwrite and remove every version of a key",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.manager(cmd)
			if err != nil {
				return err
			}
			if err := m.Delete(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "deleted key %q\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(create, list, rotate, del)
	return cmd
}

// manager opens the file key store the flags name.
func (f *keysFlags) manager(cmd *cobra.Command) (*keys.Manager, error) {
	if f.keystore == "" {
		return nil, fmt.Errorf("--keystore: %w: a key store folder is required", encryption.ErrInvalidOption)
	}
	var opts keys.FileStoreOptions
	switch {
	case f.masterKeyFile != "" && f.password != "":
		return nil, fmt.Errorf("%w: give --password or --master-key-file, not both", encryption.ErrInvalidOption)
	case f.masterKeyFile != "":
		mk, err := keysReadMasterKey(f.masterKeyFile)
		if err != nil {
			return nil, err
		}
		opts.MasterKey = mk
	default:
		pw, err := keysPassword(cmd, f.password)
		if err != nil {
			return nil, err
		}
		opts.MasterPassword = pw
	}
	s, err := keys.OpenFileStore(f.keystore, opts)
	clear(opts.MasterKey)
	clear(opts.MasterPassword)
	if err != nil {
		return nil, err
	}
	return keys.NewManager(s, nil)
}

// keysPassword returns the master password: the value of --password=PW;
// for a bare --password (as in `truthound encrypt`), asked on the terminal,
// else $TRUTHOUND_PASSWORD; without the flag, $TRUTHOUND_PASSWORD, else asked
// on the terminal.
func keysPassword(cmd *cobra.Command, flag string) ([]byte, error) {
	if flag != "" && flag != keysPromptSentinel {
		return []byte(flag), nil
	}
	fd := int(os.Stdin.Fd())
	tty := term.IsTerminal(fd)
	if env, ok := os.LookupEnv("TRUTHOUND_PASSWORD"); ok && env != "" && (flag == "" || !tty) {
		return []byte(env), nil
	}
	if !tty {
		return nil, fmt.Errorf("%w: no master password: use --password=PW, $TRUTHOUND_PASSWORD or --master-key-file", encryption.ErrInvalidOption)
	}
	fmt.Fprint(cmd.ErrOrStderr(), "Master password: ")
	pw, err := term.ReadPassword(fd)
	fmt.Fprintln(cmd.ErrOrStderr())
	if err != nil {
		return nil, fmt.Errorf("reading password: %w", err)
	}
	if len(pw) == 0 {
		return nil, fmt.Errorf("%w: empty master password", encryption.ErrInvalidOption)
	}
	return pw, nil
}

// keysReadMasterKey reads a 32-byte master key written as hex, base64 or raw
// bytes.
func keysReadMasterKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	defer clear(b)
	if len(b) == 32 {
		return append([]byte(nil), b...), nil
	}
	s := strings.TrimSpace(string(b))
	if k, err := hex.DecodeString(s); err == nil && len(k) == 32 {
		return k, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil && len(k) == 32 {
			return k, nil
		}
	}
	return nil, fmt.Errorf("--master-key-file %s: %w: want 32 bytes as 64 hex digits, base64 or raw", path, encryption.ErrInvalidKey)
}

type keysListEntry struct {
	ID        string `json:"key_id"`
	Version   int    `json:"version"`
	Versions  []int  `json:"versions"`
	Algorithm string `json:"algorithm"`
	Type      string `json:"key_type"`
	CreatedAt string `json:"created_at,omitempty"`
	ExpiresAt string `json:"expires_at,omitempty"`
}

func keysPrintList(cmd *cobra.Command, infos []keys.Info, output string) error {
	entries := make([]keysListEntry, 0, len(infos))
	for _, in := range infos {
		e := keysListEntry{ID: in.ID, Version: in.Version, Versions: in.Versions, Algorithm: in.Algorithm.String(), Type: in.Type.String()}
		if !in.CreatedAt.IsZero() {
			e.CreatedAt = in.CreatedAt.UTC().Format(time.RFC3339)
		}
		if !in.ExpiresAt.IsZero() {
			e.ExpiresAt = in.ExpiresAt.UTC().Format(time.RFC3339)
		}
		entries = append(entries, e)
	}
	out := cmd.OutOrStdout()
	if output == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tVERSION\tVERSIONS\tALGORITHM\tTYPE\tCREATED\tEXPIRES")
	for _, e := range entries {
		vs := make([]string, len(e.Versions))
		for i, v := range e.Versions {
			vs[i] = fmt.Sprint(v)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\n", e.ID, e.Version, strings.Join(vs, ","), e.Algorithm, e.Type,
			keysOrDash(e.CreatedAt), keysOrDash(e.ExpiresAt))
	}
	return tw.Flush()
}

func keysOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
