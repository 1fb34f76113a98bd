package compression

import (
	"errors"
	"fmt"
	"io"
)

// Sentinel errors. Every error returned by this package for bad input
// matches one of them with [errors.Is]; the codec library's own error, when
// there is one, is kept in the chain.
var (
	// ErrCorrupt reports input that is not a valid stream of the codec or
	// format: bad magic, truncated data, failed checksum.
	ErrCorrupt = errors.New("compression: corrupt input")
	// ErrTooLarge reports that decompressed output would exceed the limit.
	ErrTooLarge = errors.New("compression: decompressed size exceeds limit")
	// ErrUnsupported reports an unknown algorithm, or an operation the
	// algorithm's library cannot do.
	ErrUnsupported = errors.New("compression: unsupported algorithm")
	// ErrInvalidLevel reports an unknown compression level.
	ErrInvalidLevel = errors.New("compression: invalid level")
	// ErrChecksum reports data whose checksum does not match the stored one.
	// It also matches [ErrCorrupt].
	ErrChecksum = fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	// ErrInvalidOption reports a bad option value (a zero block size, an
	// unknown goal, ...).
	ErrInvalidOption = errors.New("compression: invalid option")
)

// corrupt wraps a decoder error as ErrCorrupt naming the algorithm, keeping
// the cause. An unexpected EOF means truncated input.
func corrupt(a Algorithm, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrCorrupt) || errors.Is(err, ErrTooLarge) {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return fmt.Errorf("%w: %s: truncated input: %w", ErrCorrupt, a, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrCorrupt, a, err)
}
