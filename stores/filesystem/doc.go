// Package filesystem is the folder backend of package stores ("file://"),
// laid out as the Python original lays it out, so each can read what the
// other wrote:
//
//	{base}/{namespace}/{prefix}/_index.json          flat index {run_id: {data_asset, run_time, status, file, tags}}
//	{base}/{namespace}/{prefix}/{run_id}.json        pretty JSON
//	{base}/{namespace}/{prefix}/{run_id}.json.gz     gzip (compression=gzip, as the original's compression=True)
//	{base}/{namespace}/{prefix}/{run_id}.json.zst    zstd (our extension; the original cannot read it)
//	{base}/{namespace}/expectations/{suite}.json     expectation suites, no index
//
// Defaults: base ".truthound/results", namespace "default", prefix
// "validations". The original's "concurrent" index format
// ({"version","updated_at","entries":{...}}) is read too; the flat one is
// what we write.
//
// Unlike the original, the backend is safe with many writers and crashes:
//
//   - every data file is written to a temporary file, fsynced and renamed;
//   - writers, in any number of processes, serialise on an flock of ".lock",
//     a file that is never deleted;
//   - a save appends one line to "_journal.log" (fsynced) instead of
//     rewriting the index, so it costs the same at 100,000 results as at
//     1,000; the journal is folded into _index.json by atomic rewrite when it
//     exceeds max(CompactAfter, results/4) lines and on Close;
//   - the journal line is written before the rename, so a writer killed
//     between the two loses nothing: the next writer finishes the rename; a
//     torn last journal line is cut off;
//   - durability: when Save returns, the document has been written to a
//     temporary file and fsynced, its journal line appended and fsynced, the
//     file renamed into place and the folder fsynced, so the save survives a
//     crash on any POSIX file system; a crash between the journal line and
//     the rename is finished by the next writer;
//   - readers in other processes see new saves (they re-read the journal tail
//     when it grows and everything when the index is rewritten);
//   - a missing or corrupt index is rebuilt from the data files (a corrupt
//     one is kept beside as _index.corrupt-<time>.bak), never emptied;
//   - a corrupt data file gives an error wrapping driver.ErrRead that names
//     the file, and every other result stays readable; Verify lists such
//     problems;
//   - a folder this process may read but not write (another user's store, an
//     archive, a read-only mount) opens read-only: queries, Get and Verify
//     work, and Save, Delete and RebuildIndex fail with driver.ErrWrite.
//
// The original ignores the journal, the lock and the temporary files
// (".tmp-<pid>-<random>"): it only reads _index.json and *.json / *.json.gz.
// Temporary files of processes that died are removed when a store opens.
//
// URL form, for stores.Open: "file:///absolute/path" or
// "file://relative/path" (host and path together form a relative path),
// with the optional query parameters
//
//	namespace      the namespace folder (default "default")
//	prefix         the results folder inside it (default "validations")
//	compression    none (default), gzip or zstd
//	compact_after  fold the journal after this many lines (default 1000)
//
// Any other parameter is an error wrapping stores.ErrInvalid.
//
// The backend needs flock, so it builds on Unix systems.
package filesystem
