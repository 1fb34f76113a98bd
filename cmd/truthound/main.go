// Command truthound stores, queries and checks data-validation results, and
// compresses and encrypts files with the formats of the truthound stores.
//
// Every subcommand lives in its own file of this package and adds itself to
// the root command through [register], so the command tree is assembled in
// one place: [newRootCmd].
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// subcommands holds the constructors of the top-level subcommands. Each file
// of this package appends its own in an init function.
var subcommands []func() *cobra.Command

// register adds a top-level subcommand constructor.
func register(newCmd func() *cobra.Command) {
	subcommands = append(subcommands, newCmd)
}

// exitError carries a process exit code through cobra without printing a
// second error message (for example `check` exits 1 on a failed validation).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "truthound",
		Short:         "Store, query, compress and encrypt data-validation results",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	for _, newCmd := range subcommands {
		root.AddCommand(newCmd())
	}
	return root
}

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes the command line args with the process's standard streams
// and returns the process exit code.
func run(args []string) int {
	return runWith(args, os.Stdout, os.Stderr)
}

// runWith executes the command line args writing to stdout and stderr and
// returns the exit code: 0 on success, the code of an *exitError, else 2.
func runWith(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "truthound:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "truthound:", err)
	return 2
}
