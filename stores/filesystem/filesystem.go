package filesystem

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/truthound/truthound-go/stores"
	"github.com/truthound/truthound-go/stores/driver"
)

// Scheme is the URL scheme of the filesystem backend.
const Scheme = "file"

func init() {
	stores.Register(Scheme, openURL)
}

// The defaults of Options.
const (
	DefaultBasePath     = ".truthound/results"
	DefaultNamespace    = "default"
	DefaultPrefix       = "validations"
	DefaultCompactAfter = 1000
)

// Options configures a filesystem store. The zero value stores uncompressed
// results in .truthound/results/default/validations.
type Options struct {
	// BasePath is the root folder (default ".truthound/results").
	BasePath string
	// Namespace is the folder under BasePath (default "default").
	Namespace string
	// Prefix is the folder of results under the namespace (default
	// "validations"). Expectation suites go to "expectations" instead.
	Prefix string
	// Compression encodes the documents written: driver.Identity (.json),
	// driver.Gzip (.json.gz) or driver.Zstd (.json.zst). Reads follow each
	// file's extension whatever this says.
	Compression driver.Encoding
	// CompactAfter is the number of journal lines after which the journal is
	// folded into _index.json (at least a quarter of the results are also
	// allowed, so folding stays amortised O(1) per save). Default 1000.
	CompactAfter int
}

func (o Options) withDefaults() (Options, error) {
	if o.BasePath == "" {
		o.BasePath = DefaultBasePath
	}
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.CompactAfter == 0 {
		o.CompactAfter = DefaultCompactAfter
	}
	if o.CompactAfter < 0 {
		return o, fmt.Errorf("%w: negative CompactAfter %d", driver.ErrInvalid, o.CompactAfter)
	}
	if _, ok := extOf(o.Compression); !ok {
		return o, fmt.Errorf("%w: unknown compression %q (want none, gzip or zstd)", driver.ErrInvalid, o.Compression)
	}
	for _, p := range []struct{ name, v string }{{"namespace", o.Namespace}, {"prefix", o.Prefix}} {
		if p.v == "." || p.v == ".." || strings.ContainsAny(p.v, "/\\\x00") {
			return o, fmt.Errorf("%w: %s %q must be a single folder name", driver.ErrInvalid, p.name, p.v)
		}
	}
	return o, nil
}

// joinParts joins the path parts, skipping empty ones (as the original).
func joinParts(parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return filepath.Join(keep...)
}

func storeOptions(o Options) *stores.Options {
	return &stores.Options{Compression: o.Compression}
}

// Open returns a store of validation results in the folder opts names. The
// folder is created on first use.
func Open(opts Options) (*stores.Store, error) {
	d, err := NewDriver(opts, driver.Results)
	if err != nil {
		return nil, err
	}
	return stores.New(d, storeOptions(opts)), nil
}

// OpenExpectations returns a store of expectation suites in
// {BasePath}/{Namespace}/expectations.
func OpenExpectations(opts Options) (*stores.Expectations, error) {
	d, err := NewDriver(opts, driver.Expectations)
	if err != nil {
		return nil, err
	}
	return stores.NewExpectations(d, storeOptions(opts)), nil
}

// ParseURL returns the Options a "file://" URL names (see the package doc).
func ParseURL(u *url.URL) (Options, error) {
	var o Options
	if !strings.EqualFold(u.Scheme, Scheme) {
		return o, fmt.Errorf("%w: scheme %q is not %q", driver.ErrInvalid, u.Scheme, Scheme)
	}
	popts, rest, err := stores.ParseOptions(u.Query())
	if err != nil {
		return o, err
	}
	if err := stores.UnknownParams(rest, "namespace", "prefix", "compact_after"); err != nil {
		return o, err
	}
	o.Compression = popts.Compression
	o.Namespace = rest.Get("namespace")
	o.Prefix = rest.Get("prefix")
	if v := rest.Get("compact_after"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return o, fmt.Errorf("%w: compact_after=%q is not a positive integer", driver.ErrInvalid, v)
		}
		o.CompactAfter = n
	}
	switch {
	case u.Opaque != "":
		o.BasePath = u.Opaque // file:relative/path
	case u.Host != "" && u.Host != "localhost":
		o.BasePath = u.Host + u.Path // file://relative/path
	default:
		o.BasePath = u.Path // file:///absolute/path
	}
	if o.BasePath == "" {
		o.BasePath = DefaultBasePath
	}
	if _, err := o.withDefaults(); err != nil {
		return o, err
	}
	return o, nil
}

func openURL(_ context.Context, u *url.URL, c driver.Collection) (driver.Driver, stores.Options, error) {
	o, err := ParseURL(u)
	if err != nil {
		return nil, stores.Options{}, err
	}
	d, err := NewDriver(o, c)
	if err != nil {
		return nil, stores.Options{}, err
	}
	return d, *storeOptions(o), nil
}
