package stores

import (
	"fmt"
	"time"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores/driver"
)

// OrderField is a field query results can be ordered by.
type OrderField = driver.OrderField

// The order fields. The zero value orders by run time.
const (
	ByRunTime   = driver.ByRunTime
	ByDataAsset = driver.ByDataAsset
	ByStatus    = driver.ByStatus
	ByRunID     = driver.ByRunID
)

// ParseOrderField parses "run_time", "data_asset", "status" or "run_id".
func ParseOrderField(s string) (OrderField, error) { return driver.ParseOrderField(s) }

// Query selects stored results. Zero fields do not filter; the zero Query
// selects everything, newest first.
type Query struct {
	// DataAsset keeps results of this data asset only.
	DataAsset string
	// Status keeps results with this status only.
	Status results.Status
	// Start and End keep results whose run time lies in [Start, End]; a zero
	// bound is open. Naive and aware times compare by their instant (naive
	// times as UTC).
	Start, End time.Time
	// Tags keeps results that have every one of these tags with these values.
	Tags map[string]string
	// OrderBy orders by run time (the default), data asset, status or run id;
	// ties are broken by run id.
	OrderBy OrderField
	// Ascending orders oldest (smallest) first; the default is descending.
	Ascending bool
	// Limit is the most results returned; 0 means no limit.
	Limit int
	// Offset skips this many results first.
	Offset int
}

// filter validates q and returns the driver filter; a nil q selects all.
func (q *Query) filter() (*driver.Filter, error) {
	if q == nil {
		return &driver.Filter{OrderBy: ByRunTime}, nil
	}
	if q.Status != "" && !q.Status.Valid() {
		return nil, fmt.Errorf("%w: unknown status %q (want success, failure, error or warning)", ErrInvalid, q.Status)
	}
	if q.Limit < 0 {
		return nil, fmt.Errorf("%w: negative limit %d", ErrInvalid, q.Limit)
	}
	if q.Offset < 0 {
		return nil, fmt.Errorf("%w: negative offset %d", ErrInvalid, q.Offset)
	}
	if !q.Start.IsZero() && !q.End.IsZero() && q.Start.After(q.End) {
		return nil, fmt.Errorf("%w: start %s is after end %s", ErrInvalid, results.FormatTime(q.Start), results.FormatTime(q.End))
	}
	order, err := driver.ParseOrderField(string(q.OrderBy))
	if err != nil {
		return nil, err
	}
	return &driver.Filter{
		DataAsset: q.DataAsset,
		Status:    string(q.Status),
		Start:     q.Start,
		End:       q.End,
		Tags:      driver.CloneTags(q.Tags),
		OrderBy:   order,
		Ascending: q.Ascending,
		Limit:     q.Limit,
		Offset:    q.Offset,
	}, nil
}
