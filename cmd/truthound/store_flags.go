package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
)

// defaultStoreURL is the store used when neither --store nor TRUTHOUND_STORE
// is given: the seed's default folder.
const defaultStoreURL = "file://.truthound/results"

// addStoreFlag adds --store to cmd and its subcommands.
func addStoreFlag(cmd *cobra.Command) {
	cmd.PersistentFlags().String("store", "",
		"store URL (default $TRUTHOUND_STORE, else "+defaultStoreURL+")")
}

// storeURL returns the store URL from --store, TRUTHOUND_STORE or the default.
func storeURL(cmd *cobra.Command) string {
	if f := cmd.Flag("store"); f != nil && f.Value.String() != "" {
		return f.Value.String()
	}
	if env := os.Getenv("TRUTHOUND_STORE"); env != "" {
		return env
	}
	return defaultStoreURL
}

// openStore opens the result store cmd names.
func openStore(cmd *cobra.Command) (*stores.Store, error) {
	return stores.Open(cmd.Context(), storeURL(cmd))
}

// queryFlags are the filters shared by `results list|query|count`.
type queryFlags struct {
	asset, status, since, until, orderBy string
	tags                                 []string
	limit, offset                        int
	asc                                  bool
}

func (f *queryFlags) add(cmd *cobra.Command, paging bool) {
	fl := cmd.Flags()
	fl.StringVar(&f.asset, "asset", "", "only results of this data asset")
	fl.StringVar(&f.status, "status", "", "only results with this status (success, failure, error, warning)")
	fl.StringVar(&f.since, "since", "", "only results run at or after this time (ISO time, or a duration ago such as 24h or 7d)")
	fl.StringVar(&f.until, "until", "", "only results run at or before this time (ISO time, or a duration ago)")
	fl.StringArrayVar(&f.tags, "tag", nil, "only results with this tag, as key=value (repeatable)")
	if paging {
		fl.StringVar(&f.orderBy, "order-by", "run_time", "order by run_time, data_asset, status or run_id")
		fl.BoolVar(&f.asc, "asc", false, "ascending order (default: descending)")
		fl.IntVar(&f.limit, "limit", 0, "at most this many results (0: all)")
		fl.IntVar(&f.offset, "offset", 0, "skip this many results first")
	}
}

func (f *queryFlags) query(now time.Time) (*stores.Query, error) {
	q := &stores.Query{DataAsset: f.asset, Ascending: f.asc, Limit: f.limit, Offset: f.offset}
	if f.status != "" {
		st, err := results.ParseStatus(f.status)
		if err != nil {
			return nil, fmt.Errorf("--status: %w", err)
		}
		q.Status = st
	}
	var err error
	if q.Start, err = parseWhen(f.since, now); err != nil {
		return nil, fmt.Errorf("--since: %w", err)
	}
	if q.End, err = parseWhen(f.until, now); err != nil {
		return nil, fmt.Errorf("--until: %w", err)
	}
	if q.OrderBy, err = stores.ParseOrderField(f.orderBy); err != nil {
		return nil, fmt.Errorf("--order-by: %w", err)
	}
	tags, err := parseTags(f.tags)
	if err != nil {
		return nil, err
	}
	q.Tags = tags
	return q, nil
}

// parseTags parses key=value pairs.
func parseTags(pairs []string) (map[string]string, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	tags := make(map[string]string, len(pairs))
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--tag %q: want key=value", p)
		}
		tags[k] = v
	}
	return tags, nil
}

// parseWhen parses an ISO time (as results.ParseTime) or a duration before
// now such as "90m", "24h" or "7d". The empty string is the zero time.
func parseWhen(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := results.ParseTime(s); err == nil {
		return t, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if _, err := fmt.Sscanf(d, "%d", &days); err == nil && fmt.Sprint(days) == d && days >= 0 {
			return now.Add(-time.Duration(days) * 24 * time.Hour), nil
		}
	}
	if dur, err := time.ParseDuration(s); err == nil && dur >= 0 {
		return now.Add(-dur), nil
	}
	return time.Time{}, fmt.Errorf("%q is neither an ISO time nor a duration such as 24h or 7d", s)
}

// outputFlag adds --output table|json.
func outputFlag(cmd *cobra.Command, v *string) {
	cmd.Flags().StringVar(v, "output", "table", "output format: table or json")
}

func checkOutput(v string) error {
	if v != "table" && v != "json" {
		return fmt.Errorf("--output %q: want table or json", v)
	}
	return nil
}
