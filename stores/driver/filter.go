package driver

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// OrderField is a field query results can be ordered by.
type OrderField string

// The order fields. The zero value orders by run time.
const (
	ByRunTime   OrderField = "run_time"
	ByDataAsset OrderField = "data_asset"
	ByStatus    OrderField = "status"
	ByRunID     OrderField = "run_id"
)

// ParseOrderField parses "run_time", "data_asset", "status" or "run_id"
// ("" means run_time).
func ParseOrderField(s string) (OrderField, error) {
	switch f := OrderField(strings.ToLower(strings.TrimSpace(s))); f {
	case "":
		return ByRunTime, nil
	case ByRunTime, ByDataAsset, ByStatus, ByRunID:
		return f, nil
	case "id":
		return ByRunID, nil
	}
	return "", fmt.Errorf("%w: unknown order field %q (want run_time, data_asset, status or run_id)", ErrInvalid, s)
}

// Filter is a validated query as drivers receive it. Zero fields do not
// filter. Start and End are inclusive.
type Filter struct {
	DataAsset string
	Status    string
	Start     time.Time
	End       time.Time
	// Tags must all be present with equal values.
	Tags      map[string]string
	OrderBy   OrderField
	Ascending bool
	// Limit <= 0 means no limit.
	Limit  int
	Offset int
}

// Match reports whether m passes the filters of f (not its order or paging).
func (f *Filter) Match(m *Meta) bool {
	if f.DataAsset != "" && m.DataAsset != f.DataAsset {
		return false
	}
	if f.Status != "" && m.Status != f.Status {
		return false
	}
	if !f.Start.IsZero() && m.RunTime.Before(f.Start) {
		return false
	}
	if !f.End.IsZero() && m.RunTime.After(f.End) {
		return false
	}
	for k, v := range f.Tags {
		if got, ok := m.Tags[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// Compare orders a and b as f says (ties broken by id, so the order is total
// and paging is stable).
func (f *Filter) Compare(a, b *Meta) int {
	var c int
	switch f.OrderBy {
	case ByDataAsset:
		c = cmp.Compare(a.DataAsset, b.DataAsset)
	case ByStatus:
		c = cmp.Compare(a.Status, b.Status)
	case ByRunID:
		c = 0
	default:
		c = a.RunTime.Compare(b.RunTime)
	}
	if c == 0 {
		c = cmp.Compare(a.ID, b.ID)
	}
	if !f.Ascending {
		c = -c
	}
	return c
}

// Select returns the metas of all that match f, ordered, offset and limited.
// It is the whole query engine of drivers with an in-memory index.
func Select(all []Meta, f *Filter) []Meta {
	out := make([]Meta, 0, len(all))
	for i := range all {
		if f.Match(&all[i]) {
			out = append(out, all[i])
		}
	}
	slices.SortFunc(out, func(a, b Meta) int { return f.Compare(&a, &b) })
	return Page(out, f)
}

// Page applies f's offset and limit to sorted metas.
func Page(sorted []Meta, f *Filter) []Meta {
	if f.Offset > 0 {
		if f.Offset >= len(sorted) {
			return nil
		}
		sorted = sorted[f.Offset:]
	}
	if f.Limit > 0 && f.Limit < len(sorted) {
		sorted = sorted[:f.Limit]
	}
	return sorted
}

// CountMatches counts the metas of all that match f.
func CountMatches(all []Meta, f *Filter) int {
	n := 0
	for i := range all {
		if f.Match(&all[i]) {
			n++
		}
	}
	return n
}

// CloneTags returns a copy of tags (nil for an empty map).
func CloneTags(tags map[string]string) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		out[k] = v
	}
	return out
}
