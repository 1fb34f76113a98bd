package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
)

func init() { register(newResultsCmd) }

func newResultsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "results",
		Short: "List, show, query, count, delete and trace stored validation results",
	}
	addStoreFlag(cmd)
	cmd.AddCommand(newResultsListCmd(false), newResultsListCmd(true), newResultsShowCmd(),
		newResultsCountCmd(), newResultsDeleteCmd(), newResultsHistoryCmd())
	return cmd
}

// resultRow is one line of `results list|query|history` output.
type resultRow struct {
	RunID     string            `json:"run_id"`
	RunTime   string            `json:"run_time"`
	DataAsset string            `json:"data_asset"`
	Status    results.Status    `json:"status"`
	Tags      map[string]string `json:"tags,omitempty"`
	Issues    *int64            `json:"total_issues,omitempty"`
	PassRate  *float64          `json:"pass_rate,omitempty"`
}

func rowOfEntry(e stores.Entry) resultRow {
	return resultRow{RunID: e.RunID, RunTime: results.FormatTime(e.RunTime), DataAsset: e.DataAsset,
		Status: e.Status, Tags: e.Tags}
}

func rowOfResult(r *results.ValidationResult) resultRow {
	issues, rate := r.Statistics.TotalIssues, r.Statistics.PassRate()
	return resultRow{RunID: r.RunID, RunTime: results.FormatTime(r.RunTime), DataAsset: r.DataAsset,
		Status: r.Status, Tags: r.Tags, Issues: &issues, PassRate: &rate}
}

func printRows(w io.Writer, format string, rows []resultRow) error {
	if format == "json" {
		if rows == nil {
			rows = []resultRow{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	full := len(rows) > 0 && rows[0].Issues != nil
	if full {
		fmt.Fprintln(tw, "RUN ID\tRUN TIME\tDATA ASSET\tSTATUS\tISSUES\tPASS RATE\tTAGS")
	} else {
		fmt.Fprintln(tw, "RUN ID\tRUN TIME\tDATA ASSET\tSTATUS\tTAGS")
	}
	for _, r := range rows {
		if full {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%.1f%%\t%s\n", r.RunID, r.RunTime, r.DataAsset, r.Status,
				*r.Issues, *r.PassRate*100, formatTags(r.Tags))
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.RunID, r.RunTime, r.DataAsset, r.Status, formatTags(r.Tags))
		}
	}
	return tw.Flush()
}

func formatTags(tags map[string]string) string {
	var parts []string
	for k, v := range tags {
		parts = append(parts, k+"="+v)
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// newResultsListCmd builds `results list` (index only, no bodies read) or,
// with full, `results query` (reads every selected result).
func newResultsListCmd(full bool) *cobra.Command {
	var qf queryFlags
	var output string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List stored results (from the index; no result bodies are read)",
		Args:  cobra.NoArgs,
	}
	if full {
		cmd.Use, cmd.Short = "query", "Query stored results, reading each one (adds issue counts and pass rates)"
	}
	qf.add(cmd, true)
	outputFlag(cmd, &output)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := checkOutput(output); err != nil {
			return err
		}
		q, err := qf.query(time.Now())
		if err != nil {
			return err
		}
		s, err := openStore(cmd)
		if err != nil {
			return err
		}
		defer s.Close()
		var rows []resultRow
		var readErr error
		if full {
			rs, err := s.Query(cmd.Context(), q)
			if err != nil && !errors.Is(err, stores.ErrRead) {
				return err
			}
			readErr = err
			for _, r := range rs {
				rows = append(rows, rowOfResult(r))
			}
		} else {
			es, err := s.List(cmd.Context(), q)
			if err != nil {
				return err
			}
			for _, e := range es {
				rows = append(rows, rowOfEntry(e))
			}
		}
		if err := printRows(cmd.OutOrStdout(), output, rows); err != nil {
			return err
		}
		return readErr
	}
	return cmd
}

func newResultsShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show RUN_ID",
		Short: "Print one stored result as its whole JSON document",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openStore(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			r, err := s.Get(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			doc, err := results.Marshal(r)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", doc)
			return err
		},
	}
}

func newResultsCountCmd() *cobra.Command {
	var qf queryFlags
	var output string
	cmd := &cobra.Command{
		Use:   "count",
		Short: "Count stored results matching the filters",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			q, err := qf.query(time.Now())
			if err != nil {
				return err
			}
			s, err := openStore(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			n, err := s.Count(cmd.Context(), q)
			if err != nil {
				return err
			}
			if output == "json" {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(map[string]int{"count": n})
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), n)
			return err
		},
	}
	qf.add(cmd, false)
	outputFlag(cmd, &output)
	return cmd
}

func newResultsDeleteCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "delete RUN_ID...",
		Short: "Delete stored results; exits 1 if one of them did not exist",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openStore(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			var missing []string
			for _, id := range args {
				ok, err := s.Delete(cmd.Context(), id)
				if err != nil {
					return err
				}
				if !ok {
					missing = append(missing, id)
					continue
				}
				fmt.Fprintln(cmd.OutOrStdout(), "deleted", id)
			}
			if len(missing) > 0 {
				return &exitError{code: 1, err: fmt.Errorf("not found: %s", strings.Join(missing, ", "))}
			}
			return nil
		},
	}
}

func newResultsHistoryCmd() *cobra.Command {
	var output string
	var limit int
	cmd := &cobra.Command{
		Use:   "history DATA_ASSET",
		Short: "Show the newest results of one data asset, newest first",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			s, err := openStore(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			rs, err := s.History(cmd.Context(), args[0], limit)
			if err != nil && !errors.Is(err, stores.ErrRead) {
				return err
			}
			rows := make([]resultRow, 0, len(rs))
			for _, r := range rs {
				rows = append(rows, rowOfResult(r))
			}
			if perr := printRows(cmd.OutOrStdout(), output, rows); perr != nil {
				return perr
			}
			return err
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 10, "at most this many results (0: all)")
	outputFlag(cmd, &output)
	return cmd
}
