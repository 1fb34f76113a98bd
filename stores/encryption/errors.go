package encryption

import "errors"

// Sentinel errors of the package. Every failure wraps exactly one of these
// (or ErrInvalidAlgorithm / ErrInvalidKey from algorithm.go), so callers test
// with errors.Is; the message adds what exactly was wrong.
var (
	// ErrAuthentication is returned when a ciphertext, tag, header or index
	// fails authentication: wrong key, wrong password, wrong associated data or
	// any tampered byte.
	ErrAuthentication = errors.New("encryption: authentication failed")

	// ErrTruncated is returned when input ends before the format says it
	// should, for example a blob shorter than its nonce and tag or a stream
	// without its final chunk.
	ErrTruncated = errors.New("encryption: truncated input")

	// ErrFormat is returned for input that is not in the expected format: a bad
	// magic, an unknown version, an impossible length or trailing data.
	ErrFormat = errors.New("encryption: malformed input")

	// ErrCorrupt is returned when an integrity check that is not an AEAD tag
	// fails, such as the SHA-256 checksum of a pipeline.
	ErrCorrupt = errors.New("encryption: corrupt data")

	// ErrInvalidKDF is returned for an unknown key-derivation function or
	// invalid KDF parameters.
	ErrInvalidKDF = errors.New("encryption: invalid key derivation")

	// ErrInvalidOption is returned for an invalid or unsupported option.
	ErrInvalidOption = errors.New("encryption: invalid option")

	// ErrKeyNotFound is returned when a key id is not known.
	ErrKeyNotFound = errors.New("encryption: key not found")

	// ErrKeyExpired is returned when a key is used after its expiry.
	ErrKeyExpired = errors.New("encryption: key expired")

	// ErrTooLarge is returned when input exceeds a size limit.
	ErrTooLarge = errors.New("encryption: input too large")

	// ErrClosed is returned when a writer or reader is used after Close.
	ErrClosed = errors.New("encryption: use after close")
)
