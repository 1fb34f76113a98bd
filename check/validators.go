package check

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"strings"
	"time"

	"github.com/truthound/truthound-go/results"
)

// state is what the validators share: the columns, options and row hashing.
type state struct {
	src    source
	opts   *Options
	rows   int64
	keyIdx []int // resolved key columns (-1: not seen yet)
	seed1  maphash.Seed
	seed2  maphash.Seed
	buf    []byte
}

// hash returns a 16-byte hash of the cells at idx (all columns when idx is nil),
// ignoring trailing nulls so that a row read before a JSONL column appeared hashes
// like the same row with that column null.
func (st *state) hash(row []cell, idx []int) [16]byte {
	b := st.buf[:0]
	n := len(row)
	if idx != nil {
		n = len(idx)
	}
	last := 0
	for j := 0; j < n; j++ {
		var c cell
		if idx != nil {
			c = cellAt(row, idx[j])
		} else {
			c = row[j]
		}
		b = append(b, byte(c.k))
		b = binary.AppendUvarint(b, uint64(len(c.s)))
		b = append(b, c.s...)
		if c.k != kNull {
			last = len(b)
		}
	}
	b = b[:last]
	st.buf = b
	var h [16]byte
	binary.LittleEndian.PutUint64(h[:8], maphash.Bytes(st.seed1, b))
	binary.LittleEndian.PutUint64(h[8:], maphash.Bytes(st.seed2, b))
	return h
}

// validator is one check over the stream.
type validator interface {
	observe(st *state, b *batch)
	finish(st *state, elapsed time.Duration) []results.ValidatorResult
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func strp(s string) *string { return &s }

func appendSample[T any](s []T, v T, n int) []T {
	if len(s) < n {
		s = append(s, v)
	}
	return s
}

func toAny[T any](s []T) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// verb returns one when n is 1, else many.
func verb(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// rowCount checks that there are at least MinRows rows.
type rowCount struct{}

func (rowCount) observe(*state, *batch) {}

func (rowCount) finish(st *state, elapsed time.Duration) []results.ValidatorResult {
	minRows := st.opts.MinRows
	v := results.ValidatorResult{ValidatorName: "row_count", Success: st.rows >= minRows, ExecutionTimeMS: ms(elapsed),
		Details: map[string]any{"rows": st.rows, "min_rows": minRows}}
	if !v.Success {
		v.IssueType = strp("row_count")
		v.Count = minRows - st.rows
		v.Severity = results.Critical
		v.Message = strp(fmt.Sprintf("%s, expected at least %d", plural(st.rows, "row", "rows"), minRows))
	}
	return []results.ValidatorResult{v}
}

// rowWidth counts CSV rows whose number of fields differs from the header's.
type rowWidth struct {
	bad     int64
	samples []int64
}

func (v *rowWidth) observe(st *state, b *batch) {
	want := len(st.src.columns())
	for i, w := range b.width {
		if w != want {
			v.bad++
			v.samples = appendSample(v.samples, b.first+int64(i), st.opts.SampleSize)
		}
	}
}

func (v *rowWidth) finish(st *state, elapsed time.Duration) []results.ValidatorResult {
	r := results.ValidatorResult{ValidatorName: "row_width", Success: v.bad == 0, ExecutionTimeMS: ms(elapsed),
		Details: map[string]any{"columns": int64(len(st.src.columns()))}}
	if v.bad > 0 {
		r.IssueType = strp("ragged_rows")
		r.Count = v.bad
		r.Severity = results.High
		r.Message = strp(fmt.Sprintf("%s %s a number of fields other than the header's %d", plural(v.bad, "row", "rows"), verb(v.bad, "has", "have"), len(st.src.columns())))
		r.Details["sample_rows"] = toAny(v.samples)
	}
	return []results.ValidatorResult{r}
}

// notNull counts nulls per column.
type notNull struct {
	nulls   []int64
	samples [][]int64
}

func (v *notNull) observe(st *state, b *batch) {
	for len(v.nulls) < b.ncols {
		// A JSONL column that appears late was null in every earlier row.
		before := b.first - 1
		var s []int64
		for r := int64(1); r <= before && len(s) < st.opts.SampleSize; r++ {
			s = append(s, r)
		}
		v.nulls = append(v.nulls, before)
		v.samples = append(v.samples, s)
	}
	for ri, row := range b.rows {
		for c := 0; c < b.ncols; c++ {
			if cellAt(row, c).k == kNull {
				v.nulls[c]++
				v.samples[c] = appendSample(v.samples[c], b.first+int64(ri), st.opts.SampleSize)
			}
		}
	}
}

func (v *notNull) finish(st *state, elapsed time.Duration) []results.ValidatorResult {
	cols := st.src.columns()
	out := make([]results.ValidatorResult, len(cols))
	for c, name := range cols {
		var n int64
		var samples []int64
		if c < len(v.nulls) {
			n, samples = v.nulls[c], v.samples[c]
		}
		r := results.ValidatorResult{ValidatorName: "not_null", Success: n == 0, Column: strp(name),
			ExecutionTimeMS: ms(elapsed) / float64(len(cols)), Details: map[string]any{"null_count": n}}
		if n > 0 {
			ratio := float64(n) / float64(st.rows)
			r.IssueType = strp("null_values")
			r.Count = n
			switch {
			case st.isKey(c) || ratio >= 0.5:
				r.Severity = results.High
			case ratio >= 0.05:
				r.Severity = results.Medium
			default:
				r.Severity = results.Low
			}
			r.Message = strp(fmt.Sprintf("%s in column %q (%.1f%% of rows)", plural(n, "null value", "null values"), name, 100*ratio))
			r.Details["null_ratio"] = ratio
			r.Details["sample_rows"] = toAny(samples)
		}
		out[c] = r
	}
	return out
}

func (st *state) isKey(c int) bool {
	for _, k := range st.keyIdx {
		if k == c {
			return true
		}
	}
	return false
}

// typeConsistency counts the kinds of each column's values.
type typeConsistency struct {
	counts  [][numKinds]int64
	samples [][numKinds][]string
}

func (v *typeConsistency) observe(st *state, b *batch) {
	for len(v.counts) < b.ncols {
		v.counts = append(v.counts, [numKinds]int64{})
		v.samples = append(v.samples, [numKinds][]string{})
	}
	n := st.opts.SampleSize
	for _, row := range b.rows {
		for c := 0; c < len(row) && c < b.ncols; c++ {
			cl := row[c]
			k := cl.k
			switch k {
			case kNull:
				continue
			case kText:
				k = inferText(cl.s)
			case kString:
				if isDate(cl.s) {
					k = kDate
				}
			}
			v.counts[c][k]++
			if len(v.samples[c][k]) < n {
				v.samples[c][k] = append(v.samples[c][k], cl.s)
			}
		}
	}
}

// dominant returns the kind of a column: the most common one, ints counting for a
// float column; ties go to the earlier kind.
func dominant(counts *[numKinds]int64) (kind, int64) {
	best, bestScore := kNull, int64(0)
	for k := kInt; k < numKinds; k++ {
		score := counts[k]
		if k == kFloat && counts[kFloat] > 0 {
			score += counts[kInt]
		}
		if score > bestScore {
			best, bestScore = k, score
		}
	}
	return best, bestScore
}

func (v *typeConsistency) finish(st *state, elapsed time.Duration) []results.ValidatorResult {
	cols := st.src.columns()
	out := make([]results.ValidatorResult, len(cols))
	for c, name := range cols {
		var counts [numKinds]int64
		var samples [numKinds][]string
		if c < len(v.counts) {
			counts, samples = v.counts[c], v.samples[c]
		}
		dom, matching := dominant(&counts)
		var total int64
		typeCounts := map[string]any{}
		for k := kInt; k < numKinds; k++ {
			total += counts[k]
			if counts[k] > 0 {
				typeCounts[k.String()] = counts[k]
			}
		}
		bad := total - matching
		r := results.ValidatorResult{ValidatorName: "type_consistency", Success: bad == 0, Column: strp(name),
			ExecutionTimeMS: ms(elapsed) / float64(len(cols)),
			Details:         map[string]any{"inferred_type": dom.String(), "type_counts": typeCounts}}
		if bad > 0 {
			var sv []any
			for k := kInt; k < numKinds; k++ {
				if k == dom || (dom == kFloat && k == kInt) {
					continue
				}
				for _, s := range samples[k] {
					if len(sv) < st.opts.SampleSize {
						sv = append(sv, s)
					}
				}
			}
			r.IssueType = strp("mixed_types")
			r.Count = bad
			r.Severity = results.Medium
			r.Message = strp(fmt.Sprintf("%s in column %q %s not of its type %s", plural(bad, "value", "values"), name, verb(bad, "is", "are"), dom))
			r.Details["sample_values"] = sv
		}
		out[c] = r
	}
	return out
}

// duplicateRows counts rows equal to an earlier row.
type duplicateRows struct {
	seen    map[[16]byte]struct{}
	dups    int64
	samples []int64
}

func (v *duplicateRows) observe(st *state, b *batch) {
	for i, row := range b.rows {
		h := st.hash(row, nil)
		if _, ok := v.seen[h]; ok {
			v.dups++
			v.samples = appendSample(v.samples, b.first+int64(i), st.opts.SampleSize)
			continue
		}
		v.seen[h] = struct{}{}
	}
}

func (v *duplicateRows) finish(st *state, elapsed time.Duration) []results.ValidatorResult {
	r := results.ValidatorResult{ValidatorName: "duplicate_rows", Success: v.dups == 0, ExecutionTimeMS: ms(elapsed),
		Details: map[string]any{"duplicate_count": v.dups}}
	if v.dups > 0 {
		r.IssueType = strp("duplicate_rows")
		r.Count = v.dups
		r.Severity = results.Medium
		r.Message = strp(fmt.Sprintf("%s %s an earlier row", plural(v.dups, "row", "rows"), verb(v.dups, "repeats", "repeat")))
		r.Details["sample_rows"] = toAny(v.samples)
	}
	return []results.ValidatorResult{r}
}

// uniqueKey counts rows whose key equals an earlier row's key.
type uniqueKey struct {
	seen     map[[16]byte]struct{}
	dups     int64
	nullKeys int64
	samples  []any
}

func (v *uniqueKey) observe(st *state, b *batch) {
	st.resolveKeys()
rows:
	for _, row := range b.rows {
		for _, c := range st.keyIdx {
			if c < 0 || cellAt(row, c).k == kNull {
				v.nullKeys++
				continue rows
			}
		}
		h := st.hash(row, st.keyIdx)
		if _, ok := v.seen[h]; !ok {
			v.seen[h] = struct{}{}
			continue
		}
		v.dups++
		if len(v.samples) < st.opts.SampleSize {
			if len(st.keyIdx) == 1 {
				v.samples = append(v.samples, cellAt(row, st.keyIdx[0]).s)
			} else {
				parts := make([]any, len(st.keyIdx))
				for j, c := range st.keyIdx {
					parts[j] = cellAt(row, c).s
				}
				v.samples = append(v.samples, parts)
			}
		}
	}
}

func (v *uniqueKey) finish(st *state, elapsed time.Duration) []results.ValidatorResult {
	key := st.opts.Key
	col := key[0]
	if len(key) > 1 {
		col = strings.Join(key, ", ")
	}
	r := results.ValidatorResult{ValidatorName: "unique_key", Success: v.dups == 0, Column: strp(col), ExecutionTimeMS: ms(elapsed),
		Details: map[string]any{"key": toAny(key), "duplicate_count": v.dups, "null_keys": v.nullKeys}}
	if v.dups > 0 {
		r.IssueType = strp("duplicate_keys")
		r.Count = v.dups
		r.Severity = results.High
		r.Message = strp(fmt.Sprintf("%s %s the key of an earlier row", plural(v.dups, "row", "rows"), verb(v.dups, "repeats", "repeat")))
		r.Details["sample_values"] = v.samples
	}
	return []results.ValidatorResult{r}
}

// resolveKeys maps key names to column indexes as columns appear.
func (st *state) resolveKeys() {
	cols := st.src.columns()
	for j, name := range st.opts.Key {
		if st.keyIdx[j] >= 0 {
			continue
		}
		for c, n := range cols {
			if n == name {
				st.keyIdx[j] = c
				break
			}
		}
	}
}
