package filesystem

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/truthound/truthound-go/stores"
)

// The multi-process tests re-execute the test binary as the writer process:
// with TRUTHOUND_FS_CHILD set, TestMain saves results instead of running
// tests and prints "ok <id>" once each Save has returned.

var crashFull = flag.Bool("crash.full", false, "run the full multi-process and crash tests (4×2000 saves, 50 kills)")

func fullCrashRun() bool { return *crashFull || os.Getenv("TRUTHOUND_CRASH_FULL") == "1" }

func TestMain(m *testing.M) {
	if os.Getenv("TRUTHOUND_FS_CHILD") != "" {
		os.Exit(childMain())
	}
	os.Exit(m.Run())
}

// childMain saves TRUTHOUND_FS_N results named TRUTHOUND_FS_PREFIX-<i> into
// the store at TRUTHOUND_FS_BASE.
func childMain() int {
	base := os.Getenv("TRUTHOUND_FS_BASE")
	prefix := os.Getenv("TRUTHOUND_FS_PREFIX")
	n, _ := strconv.Atoi(os.Getenv("TRUTHOUND_FS_N"))
	compact, _ := strconv.Atoi(os.Getenv("TRUTHOUND_FS_COMPACT"))
	s, err := Open(Options{BasePath: base, CompactAfter: compact})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx := context.Background()
	for i := range n {
		id := fmt.Sprintf("%s-%05d", prefix, i)
		if err := s.Save(ctx, newResult(id, i)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Fprintf(os.Stdout, "ok %s\n", id) // os.Stdout is unbuffered
	}
	if err := s.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// child starts a writer process and returns it with a channel of the ids it
// acknowledges (closed when its output ends).
func child(t *testing.T, base, prefix string, n, compact int) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "TRUTHOUND_FS_CHILD=1", "TRUTHOUND_FS_BASE="+base,
		"TRUTHOUND_FS_PREFIX="+prefix, "TRUTHOUND_FS_N="+strconv.Itoa(n), "TRUTHOUND_FS_COMPACT="+strconv.Itoa(compact))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acks := make(chan string, n+1)
	go func() {
		defer close(acks)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "ok "); ok {
				acks <- id
			}
		}
	}()
	return cmd, acks
}

// checkStore opens the store as a new process would, and checks Verify is
// clean and every acknowledged id is listed and readable.
func checkStore(t *testing.T, base string, acked []string) int {
	t.Helper()
	s, err := Open(Options{BasePath: base})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	verifyClean(t, s)
	ids, err := s.ListIDs(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	listed := make(map[string]bool, len(ids))
	for _, id := range ids {
		listed[id] = true
	}
	for _, id := range acked {
		if !listed[id] {
			t.Fatalf("acknowledged save %s is not listed", id)
		}
		if _, err := s.Get(ctx, id); err != nil {
			t.Fatalf("acknowledged save %s: %v", id, err)
		}
	}
	return len(ids)
}

func TestManyProcessesSaveAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-process test skipped in -short mode")
	}
	procs, n := 4, 500
	if fullCrashRun() {
		n = 2000
	}
	base := t.TempDir()
	var wg sync.WaitGroup
	acked := make([][]string, procs)
	for p := range procs {
		cmd, acks := child(t, base, fmt.Sprintf("p%d", p), n, 0)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range acks {
				acked[p] = append(acked[p], id)
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("writer %d: %v", p, err)
			}
		}()
	}
	wg.Wait()
	var all []string
	for p := range procs {
		if len(acked[p]) != n {
			t.Errorf("writer %d acknowledged %d saves, want %d", p, len(acked[p]), n)
		}
		all = append(all, acked[p]...)
	}
	if got := checkStore(t, base, all); got != procs*n {
		t.Fatalf("%d results listed, want %d", got, procs*n)
	}
	t.Logf("%d processes × %d saves: %d listed, verify clean", procs, n, procs*n)
}

func TestKilledWriterLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	kills := 20
	if fullCrashRun() {
		kills = 50
	}
	base := t.TempDir()
	var acked []string
	midSave := 0
	for k := range kills {
		const n = 100000
		// A small compact_after makes some kills land in the middle of a fold.
		cmd, acks := child(t, base, fmt.Sprintf("k%02d", k), n, 20+k%3*40)
		got := 0
		deadline := time.After(time.Duration(30+rand.IntN(400)) * time.Millisecond)
	loop:
		for {
			select {
			case id, ok := <-acks:
				if !ok {
					break loop
				}
				acked = append(acked, id)
				got++
			case <-deadline:
				cmd.Process.Signal(syscall.SIGKILL)
				deadline = nil
			}
		}
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("kill %d: writer was not killed: %v", k, err)
		}
		if got < n {
			midSave++
		}
		checkStore(t, base, acked)
	}
	if midSave != kills {
		t.Errorf("only %d of %d writers were killed mid-run", midSave, kills)
	}
	total := checkStore(t, base, acked)
	t.Logf("%d writers killed with SIGKILL: %d acknowledged saves all present (%d listed), verify clean every time", kills, len(acked), total)
}

// Stores that see their own store used from other processes; a sanity check
// that the child helper works.
func TestChildWriter(t *testing.T) {
	base := t.TempDir()
	cmd, acks := child(t, base, "c", 3, 0)
	var got []string
	for id := range acks {
		got = append(got, id)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("acknowledged %v", got)
	}
	s := openStore(t, base, Options{})
	if n, err := s.Count(ctx, &stores.Query{}); n != 3 || err != nil {
		t.Fatalf("count = %d, %v", n, err)
	}
}
