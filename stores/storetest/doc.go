// Package storetest is the conformance suite every backend of package stores
// must pass, and the benchmarks every backend runs.
//
// A backend's tests provide a Harness, which makes new, empty stores, and call
// RunConformanceTests:
//
//	func TestConformance(t *testing.T) {
//		storetest.RunConformanceTests(t, newHarness)
//	}
//
// The suite checks, through the portable *stores.Store, what users rely on
// whatever the backend: create, read, replace and delete; every query filter
// and their combinations against a reference model; ordering (run time
// descending by default, ties broken by run id in the same direction) and
// paging; counts; hostile ids (path traversal, separators, control
// characters, invalid UTF-8, overlong) rejected with ErrInvalid and nothing
// written; ids that differ only in case or Unicode normalisation kept
// apart; unicode ids, assets and tags; a 10 MB result; a store of more than
// 1,000 results (an object-store listing page); concurrent writers and
// readers; not-found, closed-store and cancelled-context errors; expectation
// suites; and reading back the results written by the Python original (the
// fixtures of shared/testdata/upstream, located through the environment
// variable TRUTHOUND_TESTDATA or by walking up from the working directory to
// a folder shared/testdata).
//
// Harnesses may also implement Snapshotter (list what the backend has
// written, so rejected calls are shown to write nothing) and Reopener (open
// another store over the same place, so persistence and two stores sharing
// one place are checked); the subtests that need them are skipped, with a
// message, for harnesses that do not.
//
// The fixture test fails when the test data is missing and the environment
// variable CI is set; otherwise it is skipped with a message. In -short mode
// the 10 MB result and the store of ManyResults results are skipped.
//
// Times follow package results: a naive run time (Location NaiveZone)
// compares as UTC, and every comparison is by instant, to the microsecond,
// so a SQL backend keeps run times as UTC instants with microseconds, and ids
// and assets compare by code point (a binary collation).
package storetest
