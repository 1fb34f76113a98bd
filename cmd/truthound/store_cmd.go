package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/truthound/truthound-go/stores"
	"github.com/truthound/truthound-go/stores/driver"
)

func init() { register(newStoreCmd) }

func newStoreCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "store",
		Short: "Inspect and repair stores: backends, verify, rebuild-index",
	}
	addStoreFlag(cmd)
	cmd.AddCommand(&cobra.Command{
		Use:   "backends",
		Short: "List the store backends (URL schemes) this command can open",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, b := range stores.Backends() {
				fmt.Fprintf(cmd.OutOrStdout(), "%s://\n", b)
			}
			return nil
		},
	}, newStoreVerifyCmd(), newStoreRebuildCmd())
	return cmd
}

// verifyStore checks a store: the backend's own consistency check when it has
// one, then that every result the index lists reads and decodes and that it
// matches its index entry. It returns one line per problem.
func verifyStore(cmd *cobra.Command, s *stores.Store) (problems []string, checked int, err error) {
	ctx := cmd.Context()
	if v, ok := s.Driver().(driver.Verifier); ok {
		ps, err := v.Verify(ctx)
		if err != nil {
			return nil, 0, err
		}
		problems = append(problems, ps...)
	}
	entries, err := s.List(ctx, &stores.Query{OrderBy: stores.ByRunID, Ascending: true})
	if err != nil {
		return nil, 0, err
	}
	for _, e := range entries {
		checked++
		r, err := s.Get(ctx, e.RunID)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", e.RunID, err))
			continue
		}
		switch {
		case r.DataAsset != e.DataAsset:
			problems = append(problems, fmt.Sprintf("%s: index says data_asset %q, document %q", e.RunID, e.DataAsset, r.DataAsset))
		case r.Status != e.Status:
			problems = append(problems, fmt.Sprintf("%s: index says status %q, document %q", e.RunID, e.Status, r.Status))
		case !r.RunTime.Equal(e.RunTime):
			problems = append(problems, fmt.Sprintf("%s: index and document disagree on run_time", e.RunID))
		}
	}
	return problems, checked, nil
}

func newStoreVerifyCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check that index and data agree and every document parses; exits 1 listing the problems",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			s, err := openStore(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			problems, checked, err := verifyStore(cmd, s)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if output == "json" {
				if problems == nil {
					problems = []string{}
				}
				json.NewEncoder(w).Encode(map[string]any{"checked": checked, "problems": problems, "ok": len(problems) == 0})
			} else {
				for _, p := range problems {
					fmt.Fprintln(w, p)
				}
				fmt.Fprintf(w, "%d results checked, %d problems\n", checked, len(problems))
			}
			if len(problems) > 0 {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	outputFlag(cmd, &output)
	return cmd
}

func newStoreRebuildCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "rebuild-index",
		Short: "Recreate the store's index from its data",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := openStore(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			rb, ok := s.Driver().(driver.IndexRebuilder)
			if !ok {
				return fmt.Errorf("%s: this backend keeps no index to rebuild", storeURL(cmd))
			}
			if err := s.Init(cmd.Context()); err != nil {
				return err
			}
			if err := rb.RebuildIndex(cmd.Context()); err != nil {
				return err
			}
			n, err := s.Count(cmd.Context(), nil)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "index rebuilt: %d results\n", n)
			return nil
		},
	}
}
