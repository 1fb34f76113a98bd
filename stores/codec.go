package stores

import (
	"fmt"

	"github.com/truthound/truthound-go/stores/compression"
	"github.com/truthound/truthound-go/stores/driver"
)

// MaxDocumentSize is the largest decoded document a store reads (1 GiB); a
// compressed body that expands past it is rejected as corrupt rather than
// exhausting memory.
const MaxDocumentSize = 1 << 30

// ParseCompression parses a store compression option: "", "none", "false"
// and "off" mean no compression; "gzip" (also "true", as the original's
// compression=True) and "zstd".
func ParseCompression(s string) (driver.Encoding, error) {
	switch s {
	case "", "none", "false", "off", "identity":
		return driver.Identity, nil
	case "gzip", "gz", "true", "on":
		return driver.Gzip, nil
	case "zstd", "zst":
		return driver.Zstd, nil
	}
	return "", fmt.Errorf("%w: unknown compression %q (want none, gzip or zstd)", ErrInvalid, s)
}

func codecOf(e driver.Encoding) (compression.Algorithm, error) {
	switch e {
	case driver.Identity:
		return compression.None, nil
	case driver.Gzip:
		return compression.Gzip, nil
	case driver.Zstd:
		return compression.Zstd, nil
	}
	return 0, fmt.Errorf("%w: unknown encoding %q", ErrInvalid, e)
}

func encode(doc []byte, e driver.Encoding) ([]byte, error) {
	if e == driver.Identity {
		return doc, nil
	}
	alg, err := codecOf(e)
	if err != nil {
		return nil, err
	}
	return compression.Compress(nil, doc, alg, compression.Balanced)
}

func decode(body []byte, e driver.Encoding) ([]byte, error) {
	if e == driver.Identity {
		return body, nil
	}
	alg, err := codecOf(e)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRead, err)
	}
	doc, err := compression.Decompress(nil, body, alg, MaxDocumentSize)
	if err != nil {
		return nil, fmt.Errorf("%w: %s body: %w", ErrRead, e, err)
	}
	return doc, nil
}
