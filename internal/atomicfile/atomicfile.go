// Package atomicfile writes files so that a reader, or the system after a
// crash, sees either the old content or the new one, never a torn mix: the
// data goes to a temporary file in the same folder, is fsynced, and is then
// renamed over the target, whose folder is fsynced in turn.
//
// Temporary files are named ".tmp-<pid>-<random>" so they are hidden, are
// ignored by every reader of the stores (which only look at names ending in
// ".json", ".json.gz" or ".json.zst"), and can be told apart from those of a
// live process by Stale.
package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// TempPrefix starts the name of every temporary file this package creates.
const TempPrefix = ".tmp-"

// IsTemp reports whether name (a base name) is one of this package's
// temporary files.
func IsTemp(name string) bool { return strings.HasPrefix(name, TempPrefix) }

// tempName returns a fresh temporary file name for this process.
func tempName() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return TempPrefix + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:]), nil
}

// WriteTemp writes data to a new temporary file in dir, fsyncs it, and
// returns its base name. The caller renames it into place (os.Rename) or
// removes it.
func WriteTemp(dir string, data []byte, perm os.FileMode) (string, error) {
	for range 4 {
		name, err := tempName()
		if err != nil {
			return "", err
		}
		path := filepath.Join(dir, name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, werr := f.Write(data)
		if werr == nil {
			werr = f.Sync()
		}
		cerr := f.Close()
		if werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(path)
			return "", werr
		}
		return name, nil
	}
	return "", fmt.Errorf("atomicfile: could not create a unique temporary file in %s", dir)
}

// SyncDir fsyncs the folder dir, making the creation, renaming and removal of
// the names in it durable.
func SyncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// WriteFile atomically replaces dir/name with data: temporary file, fsync,
// rename, fsync of dir. When it returns nil the new content is durable.
func WriteFile(dir, name string, data []byte, perm os.FileMode) error {
	tmp, err := WriteTemp(dir, data, perm)
	if err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(dir, tmp), filepath.Join(dir, name)); err != nil {
		os.Remove(filepath.Join(dir, tmp))
		return err
	}
	return SyncDir(dir)
}

// Stale reports whether name is a temporary file left by a process that no
// longer runs (so it can be removed). Temporary files of live processes,
// including this one, are not stale.
func Stale(name string) bool {
	if !IsTemp(name) {
		return false
	}
	rest := strings.TrimPrefix(name, TempPrefix)
	i := strings.IndexByte(rest, '-')
	if i <= 0 {
		return true
	}
	pid, err := strconv.Atoi(rest[:i])
	if err != nil || pid <= 0 {
		return true
	}
	if pid == os.Getpid() {
		return false
	}
	return !alive(pid)
}

// alive reports whether a process with this pid exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
