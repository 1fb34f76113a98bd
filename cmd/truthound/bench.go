package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/truthound/truthound-go/results"
	"github.com/truthound/truthound-go/stores"
)

func init() { register(newBenchCmd) }

func newBenchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the speed of a store",
	}
	cmd.AddCommand(newBenchStoreCmd())
	return cmd
}

// benchStoreOpts are the flags of `bench store`.
type benchStoreOpts struct {
	store   string
	n       int
	raw     int
	queries int
	output  string
	scratch string
	seed    uint64
}

func newBenchStoreCmd() *cobra.Command {
	var o benchStoreOpts
	cmd := &cobra.Command{
		Use:   "store",
		Short: "Save N results, then get, query and count them; compare saves with a hand-written durable write",
		Long: `Saves N realistic results into the store, timing each save, then times gets,
queries and counts. In the same run it times a hand-written durable write of
the same document bytes (temporary file, fsync, rename, fsync of the folder)
into a scratch folder, spread over the run, and reports the ratio.

Without --store a fresh temporary folder store is used and removed afterwards.
With --store the results are added to that store (ids bench_<time>_<n>).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runBenchStore(cmd, &o) },
	}
	fl := cmd.Flags()
	fl.StringVar(&o.store, "store", "", "store URL (default: a temporary file:// store)")
	fl.IntVar(&o.n, "n", 1000, "number of results to save")
	fl.IntVar(&o.raw, "raw", 2000, "number of hand-written durable writes to compare with (at most --n)")
	fl.IntVar(&o.queries, "queries", 20, "repetitions of each query")
	fl.StringVar(&o.scratch, "scratch", "", "folder for the hand-written writes (default: a temporary folder beside a file:// store)")
	fl.Uint64Var(&o.seed, "seed", 1, "seed of the generated results")
	outputFlag(cmd, &o.output)
	return cmd
}

// benchFigures summarises a series of durations, in milliseconds.
type benchFigures struct {
	Count     int     `json:"count"`
	OpsPerSec float64 `json:"ops_per_sec"`
	MeanMs    float64 `json:"mean_ms"`
	P50Ms     float64 `json:"p50_ms"`
	P99Ms     float64 `json:"p99_ms"`
	First10Ms float64 `json:"first_10pct_mean_ms"`
	Last10Ms  float64 `json:"last_10pct_mean_ms"`
	// LastVsFirst is Last10Ms / First10Ms: how much slower saves got as the
	// store grew.
	LastVsFirst float64 `json:"last_vs_first"`
}

func summarise(ds []time.Duration) benchFigures {
	f := benchFigures{Count: len(ds)}
	if len(ds) == 0 {
		return f
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	mean := func(ds []time.Duration) float64 {
		var sum time.Duration
		for _, d := range ds {
			sum += d
		}
		return ms(sum) / float64(len(ds))
	}
	f.MeanMs = mean(ds)
	if f.MeanMs > 0 {
		f.OpsPerSec = 1000 / f.MeanMs
	}
	tenth := max(len(ds)/10, 1)
	f.First10Ms = mean(ds[:tenth])
	f.Last10Ms = mean(ds[len(ds)-tenth:])
	if f.First10Ms > 0 {
		f.LastVsFirst = f.Last10Ms / f.First10Ms
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	f.P50Ms = ms(sorted[len(sorted)/2])
	f.P99Ms = ms(sorted[min(len(sorted)*99/100, len(sorted)-1)])
	return f
}

// benchQuery is the latency of one kind of query.
type benchQuery struct {
	Name    string  `json:"name"`
	Matches int     `json:"matches"`
	P50Ms   float64 `json:"p50_ms"`
	MeanMs  float64 `json:"mean_ms"`
}

// benchReport is what `bench store` prints.
type benchReport struct {
	Store    string  `json:"store"`
	N        int     `json:"n"`
	DocBytes float64 `json:"doc_bytes_mean"`
	// Save: every save through the store.
	Save benchFigures `json:"save"`
	// Raw: the hand-written durable write of the same bytes, sampled over
	// the run.
	Raw benchFigures `json:"raw_durable_write"`
	// SaveVsRawMean and SaveVsRawP50: Save / Raw.
	SaveVsRawMean float64      `json:"save_vs_raw_mean"`
	SaveVsRawP50  float64      `json:"save_vs_raw_p50"`
	Get           benchFigures `json:"get"`
	Queries       []benchQuery `json:"queries"`
	CloseMs       float64      `json:"close_ms"`
}

var benchAssets = []string{"customers.csv", "orders.parquet", "events.jsonl", "s3://bucket/sales/2024.csv", "warehouse.public.payments"}

// benchResult makes a realistic result: a dozen validators, tags, numbers.
func benchResult(rng *rand.Rand, prefix string, i int, t0 time.Time) *results.ValidationResult {
	cols := []string{"id", "email", "amount", "country", "created_at", "status"}
	names := []string{"not_null", "unique", "range", "regex", "in_set", "type"}
	vs := make([]results.ValidatorResult, 0, 12)
	for j := range 12 {
		col := cols[j%len(cols)]
		ok := rng.IntN(10) > 1
		v := results.ValidatorResult{ValidatorName: names[j%len(names)], Success: ok, Column: &col,
			ExecutionTimeMS: float64(rng.IntN(5000)) / 100}
		if !ok {
			n := int64(rng.IntN(500) + 1)
			msg := fmt.Sprintf("%d values of %s failed %s", n, col, v.ValidatorName)
			it := v.ValidatorName + "_violation"
			v.Count, v.Message, v.IssueType = n, &msg, &it
			v.Severity = []results.Severity{results.Critical, results.High, results.Medium, results.Low}[rng.IntN(4)]
			v.Details = map[string]any{"sample": []any{rng.IntN(1000), rng.IntN(1000)}, "threshold": 0.95}
		}
		vs = append(vs, v)
	}
	r := results.FromValidators(benchAssets[i%len(benchAssets)], t0.Add(time.Duration(i)*time.Second), vs,
		int64(10000+rng.IntN(90000)), int64(len(cols)))
	r.RunID = fmt.Sprintf("%s_%07d", prefix, i)
	r.Tags = map[string]string{"env": []string{"prod", "staging", "dev"}[i%3], "team": "data-quality", "pipeline": fmt.Sprintf("p%d", i%17)}
	return r
}

// rawDurableWrite is the baseline: write data to a temporary file, fsync,
// rename over name, fsync the folder.
func rawDurableWrite(dir, name string, data []byte) error {
	tmp := filepath.Join(dir, "."+name+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// fileStoreDir returns the local folder of a file:// URL ("" otherwise).
func fileStoreDir(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || !strings.EqualFold(u.Scheme, "file") {
		return ""
	}
	switch {
	case u.Opaque != "":
		return u.Opaque
	case u.Host != "" && u.Host != "localhost":
		return u.Host + u.Path
	}
	return u.Path
}

func runBenchStore(cmd *cobra.Command, o *benchStoreOpts) error {
	if err := checkOutput(o.output); err != nil {
		return err
	}
	if o.n <= 0 {
		return fmt.Errorf("--n %d: want a positive number of results", o.n)
	}
	if o.raw < 0 || o.queries <= 0 {
		return fmt.Errorf("--raw and --queries must be positive")
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	storeURL := o.store
	if storeURL == "" {
		tmp, err := os.MkdirTemp("", "truthound-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		storeURL = "file://" + tmp
	}
	s, err := stores.Open(ctx, storeURL)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Init(ctx); err != nil {
		return err
	}
	scratch := o.scratch
	if scratch == "" {
		parent := ""
		if dir := fileStoreDir(storeURL); dir != "" {
			parent = filepath.Dir(filepath.Clean(dir))
		}
		tmp, err := os.MkdirTemp(parent, ".truthound-bench-raw-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		scratch = tmp
	}

	rep := benchReport{Store: storeURL, N: o.n}
	rng := rand.New(rand.NewPCG(o.seed, 0x7275746866))
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, results.NaiveZone)
	prefix := "bench_" + time.Now().UTC().Format("20060102T150405")
	raw := min(o.raw, o.n)
	every := 0
	if raw > 0 {
		every = o.n / raw
	}
	saves := make([]time.Duration, 0, o.n)
	var raws []time.Duration
	ids := make([]string, 0, o.n)
	var docBytes int
	for i := range o.n {
		r := benchResult(rng, prefix, i, t0)
		start := time.Now()
		if err := s.Save(ctx, r); err != nil {
			return err
		}
		saves = append(saves, time.Since(start))
		ids = append(ids, r.RunID)
		if every > 0 && i%every == 0 && len(raws) < raw {
			doc, err := results.Marshal(r)
			if err != nil {
				return err
			}
			docBytes += len(doc)
			start := time.Now()
			if err := rawDurableWrite(scratch, fmt.Sprintf("raw_%07d.json", i), doc); err != nil {
				return fmt.Errorf("hand-written durable write: %w", err)
			}
			raws = append(raws, time.Since(start))
		}
	}
	rep.Save, rep.Raw = summarise(saves), summarise(raws)
	if len(raws) > 0 {
		rep.DocBytes = float64(docBytes) / float64(len(raws))
		rep.SaveVsRawMean = rep.Save.MeanMs / rep.Raw.MeanMs
		rep.SaveVsRawP50 = rep.Save.P50Ms / rep.Raw.P50Ms
	}

	gets := make([]time.Duration, 0, min(o.n, 1000))
	for range cap(gets) {
		id := ids[rng.IntN(len(ids))]
		start := time.Now()
		if _, err := s.Get(ctx, id); err != nil {
			return err
		}
		gets = append(gets, time.Since(start))
	}
	rep.Get = summarise(gets)

	type q struct {
		name string
		run  func() (int, error)
	}
	list := func(q *stores.Query) func() (int, error) {
		return func() (int, error) {
			ids, err := s.ListIDs(ctx, q)
			return len(ids), err
		}
	}
	qs := []q{
		{"list asset, newest 10", list(&stores.Query{DataAsset: benchAssets[1], Limit: 10})},
		{"list tag env=prod, newest 100", list(&stores.Query{Tags: map[string]string{"env": "prod"}, Limit: 100})},
		{"list all ids", list(nil)},
		{"count status=failure", func() (int, error) { return s.Count(ctx, &stores.Query{Status: results.Failure}) }},
		{"query asset, newest 10 (bodies)", func() (int, error) {
			rs, err := s.Query(ctx, &stores.Query{DataAsset: benchAssets[2], Limit: 10})
			return len(rs), err
		}},
	}
	for _, qq := range qs {
		ds := make([]time.Duration, 0, o.queries)
		var matches int
		for range o.queries {
			start := time.Now()
			n, err := qq.run()
			if err != nil {
				return fmt.Errorf("%s: %w", qq.name, err)
			}
			ds = append(ds, time.Since(start))
			matches = n
		}
		f := summarise(ds)
		rep.Queries = append(rep.Queries, benchQuery{Name: qq.name, Matches: matches, P50Ms: f.P50Ms, MeanMs: f.MeanMs})
	}
	start := time.Now()
	if err := s.Close(); err != nil {
		return err
	}
	rep.CloseMs = float64(time.Since(start)) / float64(time.Millisecond)
	return printBench(cmd.OutOrStdout(), o.output, &rep)
}

func printBench(w io.Writer, format string, rep *benchReport) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "store\t%s\n", rep.Store)
	fmt.Fprintf(tw, "results\t%d (document %.0f bytes)\n\n", rep.N, rep.DocBytes)
	fmt.Fprintln(tw, "operation\tcount\tops/s\tmean ms\tp50 ms\tp99 ms\tfirst 10% ms\tlast 10% ms\tlast/first")
	row := func(name string, f benchFigures) {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.2f\n", name, f.Count, f.OpsPerSec,
			f.MeanMs, f.P50Ms, f.P99Ms, f.First10Ms, f.Last10Ms, f.LastVsFirst)
	}
	row("save", rep.Save)
	row("raw durable write", rep.Raw)
	row("get", rep.Get)
	fmt.Fprintf(tw, "\nsave / raw\tmean %.2fx\tp50 %.2fx\n\n", rep.SaveVsRawMean, rep.SaveVsRawP50)
	fmt.Fprintln(tw, "query\tmatches\tp50 ms\tmean ms")
	for _, q := range rep.Queries {
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\n", q.Name, q.Matches, q.P50Ms, q.MeanMs)
	}
	fmt.Fprintf(tw, "\nclose (fold journal)\t%.1f ms\n", rep.CloseMs)
	return tw.Flush()
}
