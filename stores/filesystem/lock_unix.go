//go:build unix

package filesystem

import (
	"errors"
	"os"
	"syscall"
)

// lockFile is the never-deleted file whose flock serialises the writers of
// one folder across processes.
type lockFile struct {
	f *os.File
}

func openLock(path string) (*lockFile, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	return &lockFile{f: f}, nil
}

// flock applies how to the lock; a nil lockFile (a read-only folder that
// has no lock file, such as one the original wrote) locks nothing.
func (l *lockFile) flock(how int) error {
	if l == nil {
		return nil
	}
	for {
		err := syscall.Flock(int(l.f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// lock takes the exclusive lock (writers).
func (l *lockFile) lock() error { return l.flock(syscall.LOCK_EX) }

// rlock takes the shared lock (readers loading the index).
func (l *lockFile) rlock() error { return l.flock(syscall.LOCK_SH) }

func (l *lockFile) unlock() error { return l.flock(syscall.LOCK_UN) }

func (l *lockFile) close() error {
	if l == nil {
		return nil
	}
	return l.f.Close()
}

// fileID identifies a version of a file: a rewrite by rename changes the
// inode, an append changes the size.
type fileID struct {
	ino   uint64
	size  int64
	mtime int64
	ok    bool
}

func statID(path string) (fileID, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fileID{}, nil
		}
		return fileID{}, err
	}
	id := fileID{size: fi.Size(), mtime: fi.ModTime().UnixNano(), ok: true}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		id.ino = uint64(st.Ino)
	}
	return id, nil
}
