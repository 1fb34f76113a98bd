package stores

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/truthound/truthound-go/stores/driver"
)

// Opener opens the driver named by a URL for collection c, and returns the
// options of the portable layer the URL asks for (compression). Openers must
// reject query parameters they do not know with an error wrapping ErrInvalid
// that names them.
type Opener func(ctx context.Context, u *url.URL, c driver.Collection) (driver.Driver, Options, error)

var (
	registryMu sync.RWMutex
	registry   = map[string]Opener{}
)

// aliases maps backend names as the original spells them to URL schemes.
var aliases = map[string]string{
	"filesystem": "file",
	"memory":     "mem",
	"gcs":        "gs",
	"azure":      "azblob",
	"database":   "sqlite",
	"postgresql": "postgres",
}

// Register makes a backend available to Open under a URL scheme, as
// database/sql.Register does for drivers. Backend packages of this module
// register themselves when imported; a custom backend calls Register from its
// own package. It panics if scheme is empty, o is nil, or the scheme is
// already registered.
func Register(scheme string, o Opener) {
	scheme = strings.ToLower(scheme)
	if scheme == "" || o == nil {
		panic("stores: Register with an empty scheme or a nil opener")
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[scheme]; dup {
		panic("stores: Register called twice for scheme " + scheme)
	}
	registry[scheme] = o
}

// Backends returns the URL schemes Open can open, sorted. A backend is listed
// once its package has been imported.
func Backends() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]string, 0, len(registry))
	for s := range registry {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// Available reports whether the backend called name can be opened: name is a
// URL scheme ("file", "mem") or the original's backend name ("filesystem",
// "memory").
func Available(name string) bool {
	name = strings.ToLower(name)
	if s, ok := aliases[name]; ok {
		name = s
	}
	registryMu.RLock()
	defer registryMu.RUnlock()
	_, ok := registry[name]
	return ok
}

func openDriver(ctx context.Context, rawURL string, c driver.Collection) (driver.Driver, Options, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error repeats the URL, which may hold a password: keep only
		// the reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, Options{}, fmt.Errorf("%w: store URL does not parse: %v", ErrInvalid, err)
	}
	rawURL = redact(rawURL)
	if u.Scheme == "" {
		return nil, Options{}, fmt.Errorf("%w: store URL %q has no scheme (want one of %s)",
			ErrInvalid, rawURL, strings.Join(schemesList(), ", "))
	}
	scheme := strings.ToLower(u.Scheme)
	registryMu.RLock()
	o, ok := registry[scheme]
	registryMu.RUnlock()
	if !ok {
		return nil, Options{}, fmt.Errorf("%w: no backend for scheme %q in %q (have %s)",
			ErrInvalid, u.Scheme, rawURL, strings.Join(schemesList(), ", "))
	}
	return o(ctx, u, c)
}

func schemesList() []string {
	var out []string
	for _, s := range Backends() {
		out = append(out, s+"://")
	}
	return out
}

// Open opens the result store named by a URL, such as
// "file:///var/lib/truthound?namespace=prod&compression=gzip" or "mem://".
// The backend's package must have been imported (the truthound command
// imports them all). Errors wrap ErrInvalid for a bad URL, an unknown scheme
// or an unknown option, and ErrConnection when the backend cannot be reached.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	d, opts, err := openDriver(ctx, rawURL, driver.Results)
	if err != nil {
		return nil, &Error{Op: "open", Backend: redact(rawURL), Kind: kindOf(err, ErrConnection), Err: err}
	}
	return New(d, &opts), nil
}

// OpenExpectations opens the expectation-suite store named by a URL (the same
// URLs as Open).
func OpenExpectations(ctx context.Context, rawURL string) (*Expectations, error) {
	d, opts, err := openDriver(ctx, rawURL, driver.Expectations)
	if err != nil {
		return nil, &Error{Op: "open", Backend: redact(rawURL), Kind: kindOf(err, ErrConnection), Err: err}
	}
	return NewExpectations(d, &opts), nil
}

// ParseOptions takes the portable layer's options out of a URL's query
// (compression) and returns the remaining parameters for the backend.
func ParseOptions(q url.Values) (Options, url.Values, error) {
	rest := url.Values{}
	var o Options
	for k, v := range q {
		switch k {
		case "compression":
			enc, err := ParseCompression(v[len(v)-1])
			if err != nil {
				return o, nil, err
			}
			o.Compression = enc
		default:
			rest[k] = v
		}
	}
	return o, rest, nil
}

// UnknownParams returns an error wrapping ErrInvalid naming the parameters of
// q that are not in known, or nil when there are none.
func UnknownParams(q url.Values, known ...string) error {
	var bad []string
	for k := range q {
		if !slices.Contains(known, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	return fmt.Errorf("%w: unknown option(s) %s (known: %s)", ErrInvalid, strings.Join(bad, ", "), strings.Join(known, ", "))
}

// redact hides the password of a URL for messages; a URL that does not parse
// is not shown at all.
func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			return u.Redacted()
		}
	}
	return rawURL
}
