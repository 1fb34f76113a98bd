package check

import (
	"bufio"
	"context"
	"fmt"
	"hash/maphash"
	"io"
	"maps"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/truthound/truthound-go/results"
)

// Options configures a check. The zero value works.
type Options struct {
	// DataAsset names the input in the result ("stdin" for Run, the path for RunFile
	// when empty).
	DataAsset string
	// Key names the column(s) whose values must be unique together (unique_key);
	// none when empty.
	Key []string
	// MinRows is the least number of data rows (row_count); 1 when 0.
	MinRows int64
	// SampleSize is how many sample values or row numbers a finding lists; 5 when 0.
	SampleSize int
	// Comma is the CSV field separator; ',' when 0 (RunFile uses '\t' for .tsv).
	Comma rune
	// RunTime is the time of the run; the current local time, naive, when zero (as
	// the original does).
	RunTime time.Time
	// Tags are copied into the result.
	Tags map[string]string
	// MaxColumns bounds the number of columns (the work per row grows with it);
	// 10000 when 0. More columns are an error wrapping ErrInvalidInput.
	MaxColumns int
}

func (o Options) withDefaults() (Options, error) {
	if o.DataAsset == "" {
		o.DataAsset = "stdin"
	}
	if o.MinRows == 0 {
		o.MinRows = 1
	}
	if o.MinRows < 0 {
		return o, fmt.Errorf("%w: MinRows %d is negative", ErrInvalidOption, o.MinRows)
	}
	if o.SampleSize == 0 {
		o.SampleSize = 5
	}
	if o.SampleSize < 0 {
		return o, fmt.Errorf("%w: SampleSize %d is negative", ErrInvalidOption, o.SampleSize)
	}
	if o.Comma == 0 {
		o.Comma = ','
	}
	if o.MaxColumns == 0 {
		o.MaxColumns = 10000
	}
	if o.MaxColumns < 0 {
		return o, fmt.Errorf("%w: MaxColumns %d is negative", ErrInvalidOption, o.MaxColumns)
	}
	if o.Comma == '"' || o.Comma == '\r' || o.Comma == '\n' || o.Comma == 0xFFFD {
		return o, fmt.Errorf("%w: bad CSV separator %q", ErrInvalidOption, o.Comma)
	}
	seen := map[string]bool{}
	for _, k := range o.Key {
		if k == "" || seen[k] {
			return o, fmt.Errorf("%w: key columns %q: empty or repeated name", ErrInvalidOption, o.Key)
		}
		seen[k] = true
	}
	if o.RunTime.IsZero() {
		o.RunTime = results.Naive(time.Now())
	}
	return o, nil
}

// Run reads r in the given format and runs the validators over it (see the package
// documentation). Errors wrap ErrInvalidOption for bad options and ErrInvalidInput
// for malformed input; ctx is checked between batches of rows.
func Run(ctx context.Context, r io.Reader, format Format, opts Options) (*results.ValidationResult, error) {
	start := time.Now()
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if format == Auto {
		br := bufio.NewReader(r)
		format = sniff(br)
		r = br
	}
	var src source
	switch format {
	case CSV:
		cs, err := newCSVSource(r, o.Comma)
		if err != nil {
			return nil, err
		}
		if len(cs.cols) > o.MaxColumns {
			return nil, fmt.Errorf("%w: %d columns, more than %d", ErrInvalidInput, len(cs.cols), o.MaxColumns)
		}
		src = cs
		if cs.cols != nil {
			for _, k := range o.Key {
				if !contains(cs.cols, k) {
					return nil, fmt.Errorf("%w: key column %q is not in the header %q", ErrInvalidOption, k, cs.cols)
				}
			}
		}
	case JSONL:
		src = newJSONLSource(r, o.MaxColumns)
	default:
		return nil, fmt.Errorf("%w: unknown format %v", ErrInvalidOption, format)
	}
	st := &state{src: src, opts: &o, seed1: maphash.MakeSeed(), seed2: maphash.MakeSeed()}
	vs := []validator{rowCount{}}
	if format == CSV {
		vs = append(vs, &rowWidth{})
	}
	if len(o.Key) > 0 {
		st.keyIdx = make([]int, len(o.Key))
		for i := range st.keyIdx {
			st.keyIdx[i] = -1
		}
		vs = append(vs, &uniqueKey{seen: map[[16]byte]struct{}{}})
	}
	vs = append(vs, &duplicateRows{seen: map[[16]byte]struct{}{}})
	nn, tc := &notNull{}, &typeConsistency{}
	vs = append(vs, nn, tc)
	elapsed := make([]time.Duration, len(vs))
	var b batch
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		err := src.next(&b)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		st.rows += int64(len(b.rows))
		for i, v := range vs {
			t0 := time.Now()
			v.observe(st, &b)
			elapsed[i] += time.Since(t0)
		}
	}
	if len(o.Key) > 0 {
		st.resolveKeys()
		for j, c := range st.keyIdx {
			if c < 0 && st.rows > 0 {
				return nil, fmt.Errorf("%w: key column %q is not in the input", ErrInvalidOption, o.Key[j])
			}
		}
	}
	// Per-column results are grouped by column: not_null then type_consistency.
	var out []results.ValidatorResult
	var perCol [2][]results.ValidatorResult
	for i, v := range vs {
		rs := v.finish(st, elapsed[i])
		switch v {
		case validator(nn):
			perCol[0] = rs
		case validator(tc):
			perCol[1] = rs
		default:
			out = append(out, rs...)
		}
	}
	for c := range perCol[0] {
		out = append(out, perCol[0][c], perCol[1][c])
	}
	cols := src.columns()
	res := results.FromValidators(o.DataAsset, o.RunTime, out, st.rows, int64(len(cols)))
	res.Statistics.ExecutionTimeMS = ms(time.Since(start))
	res.Tags = maps.Clone(o.Tags)
	if res.Tags == nil {
		res.Tags = map[string]string{}
	}
	colNames := make([]any, len(cols))
	for i, c := range cols {
		colNames[i] = c
	}
	res.Metadata = map[string]any{"format": format.String(), "columns": colNames}
	res.RuntimeEnvironment = map[string]any{"go": runtime.Version(), "os": runtime.GOOS, "arch": runtime.GOARCH}
	return res, nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// sniff returns JSONL when the first byte that is not white space or part of a
// UTF-8 byte order mark is '{', else CSV.
func sniff(br *bufio.Reader) Format {
	for n := 1; n <= 4096; n++ {
		b, _ := br.Peek(n)
		if len(b) < n {
			return CSV
		}
		switch b[n-1] {
		case ' ', '\t', '\r', '\n', 0xEF, 0xBB, 0xBF:
			continue
		case '{':
			return JSONL
		}
		return CSV
	}
	return CSV
}

// RunFile runs the check over the file at path. A ".gz" suffix is decompressed;
// the format comes from the extension when format is Auto (see FormatFromPath), else
// from the content; DataAsset defaults to path.
func RunFile(ctx context.Context, path string, format Format, opts Options) (*results.ValidationResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrInvalidInput, path, err)
		}
		defer zr.Close()
		r = zr
	}
	if format == Auto {
		format = FormatFromPath(path)
	}
	if opts.DataAsset == "" {
		opts.DataAsset = path
	}
	if opts.Comma == 0 && strings.HasSuffix(strings.TrimSuffix(strings.ToLower(path), ".gz"), ".tsv") {
		opts.Comma = '\t'
	}
	res, err := Run(ctx, r, format, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}
