// Package results holds the validation result model of truthound (ValidationResult,
// ValidatorResult, Statistics, Status, ExpectationSuite) and a JSON codec that reads and
// writes the same bytes as the Python original (FORMATS.md §1).
//
// Marshal writes what the original's filesystem store writes: json.dumps with indent=2
// and ensure_ascii=True, floats in Python repr (0.0, 1e-05), keys in the original's
// order. Unmarshal reads that and more: bare NaN/Infinity tokens, unknown keys (kept and
// written back in their order), key order of free-form objects (details, metadata,
// runtime_environment, tags: kept), numbers in free-form objects kept exactly as
// json.Number, so a document written by the original round-trips byte for byte.
//
// Times follow Python's datetime: a naive datetime is a time.Time whose Location is
// NaiveZone (written without an offset, compared as if UTC); an aware one is written
// with a +HH:MM offset.
package results
