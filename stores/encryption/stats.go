package encryption

import (
	"fmt"
	"sync"
	"time"
)

// Operation is the kind of operation a [Stats] records.
type Operation uint8

// The operations.
const (
	OpEncrypt Operation = 1
	OpDecrypt Operation = 2
)

// String returns "encrypt" or "decrypt".
func (o Operation) String() string {
	switch o {
	case OpEncrypt:
		return "encrypt"
	case OpDecrypt:
		return "decrypt"
	}
	return fmt.Sprintf("Operation(%d)", uint8(o))
}

// ParseOperation parses "encrypt" or "decrypt".
func ParseOperation(s string) (Operation, error) {
	switch s {
	case "encrypt":
		return OpEncrypt, nil
	case "decrypt":
		return OpDecrypt, nil
	}
	return 0, fmt.Errorf("%w: unknown operation %q", ErrInvalidOption, s)
}

// Stats accumulates operation counts, byte counts, time and per-algorithm use.
// The zero value is ready; it is safe for concurrent use. A nil *Stats
// records nothing, so callers need not check.
type Stats struct {
	mu sync.Mutex
	s  StatsSnapshot
}

// StatsSnapshot is a copy of the figures of a [Stats].
type StatsSnapshot struct {
	// Operations counts every recorded operation; Encryptions, Decryptions
	// and Failures break it down.
	Operations, Encryptions, Decryptions, Failures int64
	// PlaintextBytes and CiphertextBytes are the sizes on either side of the
	// successful operations.
	PlaintextBytes, CiphertextBytes int64
	// Duration is the total time spent in successful operations.
	Duration time.Duration
	// AlgorithmUse counts operations per algorithm (those whose algorithm
	// was known).
	AlgorithmUse map[Algorithm]int64
}

// Record adds one operation of alg on plaintextBytes/ciphertextBytes that took
// d; a non-nil err counts it as a failure only.
func (s *Stats) Record(op Operation, alg Algorithm, plaintextBytes, ciphertextBytes int64, d time.Duration, err error) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.s.Operations++
	if s.s.AlgorithmUse == nil {
		s.s.AlgorithmUse = make(map[Algorithm]int64)
	}
	if alg != 0 {
		s.s.AlgorithmUse[alg]++
	}
	if err != nil {
		s.s.Failures++
		return
	}
	switch op {
	case OpEncrypt:
		s.s.Encryptions++
	case OpDecrypt:
		s.s.Decryptions++
	}
	s.s.PlaintextBytes += plaintextBytes
	s.s.CiphertextBytes += ciphertextBytes
	s.s.Duration += d
}

// Snapshot returns a copy of the current figures.
func (s *Stats) Snapshot() StatsSnapshot {
	if s == nil {
		return StatsSnapshot{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.s
	out.AlgorithmUse = make(map[Algorithm]int64, len(s.s.AlgorithmUse))
	for k, v := range s.s.AlgorithmUse {
		out.AlgorithmUse[k] = v
	}
	return out
}

// Reset clears all figures.
func (s *Stats) Reset() {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.s = StatsSnapshot{}
	s.mu.Unlock()
}

// Throughput returns the plaintext bytes per second over the recorded time,
// or 0 when no time was recorded.
func (s StatsSnapshot) Throughput() float64 {
	if s.Duration <= 0 {
		return 0
	}
	return float64(s.PlaintextBytes) / s.Duration.Seconds()
}
