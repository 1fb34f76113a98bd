package stores

import (
	"context"
	"time"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores/driver"
)

// Entry is the index entry of a stored result: what queries filter on,
// without the result's body.
type Entry struct {
	RunID     string
	DataAsset string
	RunTime   time.Time
	Status    results.Status
	Tags      map[string]string
}

// List returns the index entries of the results q selects (nil: all), in q's
// order. Like ListIDs and Count it reads no result bodies.
func (s *Store) List(ctx context.Context, q *Query) ([]Entry, error) {
	var out []Entry
	for m, err := range s.scan(ctx, "list", q) {
		if err != nil {
			return nil, err
		}
		out = append(out, Entry{RunID: m.ID, DataAsset: m.DataAsset, RunTime: m.RunTime,
			Status: results.Status(m.Status), Tags: driver.CloneTags(m.Tags)})
	}
	return out, nil
}
