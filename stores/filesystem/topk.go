package filesystem

import (
	"slices"

	"github.com/truthound/truthound-go/stores/driver"
)

// selectMetas is driver.Select, faster when the filter asks for a few
// results out of many ("newest 10"): it keeps the best offset+limit matches
// in a bounded heap instead of sorting every match.
func selectMetas(all []driver.Meta, f *driver.Filter) []driver.Meta {
	k := f.Offset + f.Limit
	if f.Limit <= 0 || k <= 0 || k > len(all)/8 {
		return driver.Select(all, f)
	}
	// h is a max-heap under f.Compare: h[0] is the worst of the best k.
	h := make([]driver.Meta, 0, k)
	less := func(i, j int) bool { return f.Compare(&h[i], &h[j]) > 0 }
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			c := l
			if r := l + 1; r < len(h) && less(r, l) {
				c = r
			}
			if !less(c, i) {
				return
			}
			h[i], h[c] = h[c], h[i]
			i = c
		}
	}
	for i := range all {
		m := &all[i]
		if !f.Match(m) {
			continue
		}
		if len(h) < k {
			h = append(h, *m)
			for j := len(h) - 1; j > 0; {
				p := (j - 1) / 2
				if !less(j, p) {
					break
				}
				h[j], h[p] = h[p], h[j]
				j = p
			}
			continue
		}
		if f.Compare(m, &h[0]) < 0 {
			h[0] = *m
			down(0)
		}
	}
	slices.SortFunc(h, func(a, b driver.Meta) int { return f.Compare(&a, &b) })
	return driver.Page(h, f)
}
