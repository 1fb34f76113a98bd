package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/truthound/truthound-go/check"
	"github.com/truthound/truthound-go/results"
)

func init() { register(newCheckCmd) }

// checkFlags are the options of `truthound check`.
type checkFlags struct {
	asset, format, output string
	keys, tags            []string
	minRows               int64
}

func newCheckCmd() *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check FILE...",
		Short: "Run the built-in validators over CSV or JSON-lines files and save the results",
		Long: `Check reads each FILE (CSV or JSON lines; "-" is standard input; a .gz suffix is
decompressed), runs the built-in validators (row count, row width, nulls, type
consistency, duplicate rows, unique key), saves the validation result to the store and
prints a summary. It exits 1 when a result's status is failure.`,
		Example: `  truthound check testdata/sample.csv --key id
  truthound check --store file:///var/dq --tag env=prod --output json data.jsonl`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runCheck(cmd, args, &f) },
	}
	addStoreFlag(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.asset, "asset", "", "data asset name saved with the result (default: the file path)")
	fl.StringArrayVar(&f.tags, "tag", nil, "tag the result, as key=value (repeatable)")
	fl.StringSliceVar(&f.keys, "key", nil, "key column(s) that must be unique (repeatable or comma-separated)")
	fl.StringVar(&f.format, "format", "", "input format: csv or jsonl (default: from the file extension, else the content)")
	fl.StringVarP(&f.output, "output", "o", "table", "output: table or json")
	fl.Int64Var(&f.minRows, "min-rows", 1, "least number of data rows")
	return cmd
}

func runCheck(cmd *cobra.Command, files []string, f *checkFlags) error {
	if f.output != "table" && f.output != "json" {
		return fmt.Errorf("bad --output %q: want table or json", f.output)
	}
	format, err := check.ParseFormat(f.format)
	if err != nil {
		return err
	}
	tags, err := parseTags(f.tags)
	if err != nil {
		return err
	}
	if f.minRows < 1 {
		return fmt.Errorf("bad --min-rows %d: must be at least 1", f.minRows)
	}
	ctx := cmd.Context()
	st, err := openStore(cmd)
	if err != nil {
		return err
	}
	defer st.Close()
	out := cmd.OutOrStdout()
	failed := 0
	for _, file := range files {
		opts := check.Options{DataAsset: f.asset, Key: f.keys, MinRows: f.minRows, Tags: tags}
		var res *results.ValidationResult
		if file == "-" {
			res, err = check.Run(ctx, cmd.InOrStdin(), format, opts)
		} else {
			res, err = check.RunFile(ctx, file, format, opts)
		}
		if err != nil {
			return err
		}
		if err := st.Save(ctx, res); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		if f.output == "json" {
			doc, err := results.Marshal(res)
			if err != nil {
				return err
			}
			if _, err := out.Write(append(doc, '\n')); err != nil {
				return err
			}
		} else if err := printCheck(out, res); err != nil {
			return err
		}
		if res.Status == results.Failure {
			failed++
		}
	}
	if failed > 0 {
		return &exitError{code: 1}
	}
	return nil
}

// printCheck writes the summary table of one result.
func printCheck(w io.Writer, r *results.ValidationResult) error {
	s := r.Statistics
	fmt.Fprintf(w, "%s: %s (%d rows, %d columns)\n", r.DataAsset, r.Status, s.TotalRows, s.TotalColumns)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VALIDATOR\tCOLUMN\tSTATUS\tCOUNT\tSEVERITY\tMESSAGE")
	for i := range r.Results {
		v := &r.Results[i]
		status := "pass"
		switch {
		case v.Errored():
			status = "error"
		case !v.Success:
			status = "fail"
		}
		sev := "-"
		if v.Severity != "" {
			sev = string(v.Severity)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", v.ValidatorName, orDash(v.Column), status, v.Count, sev, orDash(v.Message))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d of %d validators passed, %d issues (%d critical, %d high, %d medium, %d low)\nrun id: %s\n",
		s.PassedValidators, s.TotalValidators, s.TotalIssues, s.CriticalIssues, s.HighIssues, s.MediumIssues, s.LowIssues, r.RunID)
	return err
}

func orDash(s *string) string {
	if s == nil || *s == "" {
		return "-"
	}
	return strings.NewReplacer("\n", " ", "\t", " ").Replace(*s)
}
