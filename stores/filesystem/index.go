package filesystem

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// indexEntry is one result as the index knows it.
type indexEntry struct {
	ID        string
	DataAsset string
	RunTime   string // as written (Python isoformat), kept verbatim
	Status    string
	File      string
	Tags      map[string]string
}

var errNotIndex = errors.New("not an index")

// parseIndex reads an _index.json in either of the original's formats: the
// flat {run_id: {"data_asset","run_time","status","file","tags"}} one, or
// the "concurrent" {"version","updated_at","entries":{id:{"item_id",
// "metadata",...}}} one. Entries come back in file order.
func parseIndex(data []byte) ([]indexEntry, error) {
	if ents, err := parseFlatFast(data); err == nil {
		return ents, nil
	}
	return parseIndexSlow(data)
}

// parseIndexSlow is parseIndex with encoding/json only.
func parseIndexSlow(data []byte) ([]indexEntry, error) {
	keys, vals, err := orderedObject(data)
	if err != nil {
		return nil, err
	}
	if i := slices.Index(keys, "entries"); i >= 0 && slices.Contains(keys, "version") {
		if ekeys, evals, err := orderedObject(vals[i]); err == nil && looksConcurrent(evals) {
			return parseConcurrent(ekeys, evals)
		}
	}
	out := make([]indexEntry, 0, len(keys))
	for i, k := range keys {
		var v struct {
			DataAsset *string                    `json:"data_asset"`
			RunTime   *string                    `json:"run_time"`
			Status    *string                    `json:"status"`
			File      *string                    `json:"file"`
			Tags      map[string]json.RawMessage `json:"tags"`
		}
		if err := json.Unmarshal(vals[i], &v); err != nil {
			return nil, fmt.Errorf("entry %q: %w", k, err)
		}
		if v.DataAsset == nil || v.RunTime == nil || v.Status == nil {
			return nil, fmt.Errorf("entry %q: %w: data_asset, run_time or status missing", k, errNotIndex)
		}
		e := indexEntry{ID: k, DataAsset: *v.DataAsset, RunTime: *v.RunTime, Status: *v.Status}
		if v.File != nil {
			e.File = *v.File
		}
		e.Tags = tagStrings(v.Tags)
		out = append(out, e)
	}
	return out, nil
}

func looksConcurrent(vals []json.RawMessage) bool {
	for _, v := range vals {
		var probe map[string]json.RawMessage
		if json.Unmarshal(v, &probe) != nil {
			return false
		}
		_, a := probe["item_id"]
		_, b := probe["metadata"]
		if !a && !b {
			return false
		}
	}
	return true
}

func parseConcurrent(keys []string, vals []json.RawMessage) ([]indexEntry, error) {
	out := make([]indexEntry, 0, len(keys))
	for i, k := range keys {
		var v struct {
			ItemID   string                     `json:"item_id"`
			File     string                     `json:"file"`
			Path     string                     `json:"file_path"`
			Metadata map[string]json.RawMessage `json:"metadata"`
		}
		if err := json.Unmarshal(vals[i], &v); err != nil {
			return nil, fmt.Errorf("entry %q: %w", k, err)
		}
		e := indexEntry{ID: k}
		if v.ItemID != "" {
			e.ID = v.ItemID
		}
		str := func(key string) string {
			var s string
			if raw, ok := v.Metadata[key]; ok {
				_ = json.Unmarshal(raw, &s)
			}
			return s
		}
		e.DataAsset, e.RunTime, e.Status = str("data_asset"), str("run_time"), str("status")
		e.File = v.File
		if e.File == "" {
			e.File = str("file")
		}
		if e.File == "" && v.Path != "" {
			e.File = baseName(v.Path)
		}
		if raw, ok := v.Metadata["tags"]; ok {
			var tags map[string]json.RawMessage
			if json.Unmarshal(raw, &tags) == nil {
				e.Tags = tagStrings(tags)
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// baseName returns the last element of a '/' or '\' separated path.
func baseName(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' || p[i] == '\\' {
			return p[i+1:]
		}
	}
	return p
}

// tagStrings converts tag values to strings: strings as they are, anything
// else as its JSON text.
func tagStrings(raw map[string]json.RawMessage) map[string]string {
	if len(raw) == 0 {
		return nil
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[k] = s
		} else {
			out[k] = string(bytes.TrimSpace(v))
		}
	}
	return out
}

// orderedObject splits a JSON object into its keys and raw values, in order.
func orderedObject(data []byte) ([]string, []json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, fmt.Errorf("%w: top level is not a JSON object", errNotIndex)
	}
	var keys []string
	var vals []json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, ok := tok.(string)
		if !ok {
			return nil, nil, fmt.Errorf("%w: key is not a string", errNotIndex)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		keys = append(keys, k)
		vals = append(vals, v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	if _, err := dec.Token(); err == nil {
		return nil, nil, fmt.Errorf("%w: data after the top-level object", errNotIndex)
	}
	return keys, vals, nil
}

// appendIndex writes entries as the original's flat _index.json, formatted
// as Python's json.dumps(obj, indent=2) does (ensure_ascii included).
func appendIndex(b []byte, entries []*indexEntry) []byte {
	if len(entries) == 0 {
		return append(b, "{}"...)
	}
	b = append(b, "{\n"...)
	for i, e := range entries {
		b = append(b, "  "...)
		b = appendPyString(b, e.ID)
		b = append(b, ": {\n    \"data_asset\": "...)
		b = appendPyString(b, e.DataAsset)
		b = append(b, ",\n    \"run_time\": "...)
		b = appendPyString(b, e.RunTime)
		b = append(b, ",\n    \"status\": "...)
		b = appendPyString(b, e.Status)
		b = append(b, ",\n    \"file\": "...)
		b = appendPyString(b, e.File)
		b = append(b, ",\n    \"tags\": "...)
		if len(e.Tags) == 0 {
			b = append(b, "{}"...)
		} else {
			b = append(b, "{\n"...)
			keys := make([]string, 0, len(e.Tags))
			for k := range e.Tags {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for j, k := range keys {
				b = append(b, "      "...)
				b = appendPyString(b, k)
				b = append(b, ": "...)
				b = appendPyString(b, e.Tags[k])
				if j < len(keys)-1 {
					b = append(b, ',')
				}
				b = append(b, '\n')
			}
			b = append(b, "    }"...)
		}
		b = append(b, "\n  }"...)
		if i < len(entries)-1 {
			b = append(b, ',')
		}
		b = append(b, '\n')
	}
	return append(b, '}')
}

// appendPyString appends s as a JSON string the way Python's json module
// writes it with ensure_ascii=True.
func appendPyString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"':
				b = append(b, '\\', '"')
			case c == '\\':
				b = append(b, '\\', '\\')
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\b':
				b = append(b, '\\', 'b')
			case c == '\f':
				b = append(b, '\\', 'f')
			case c < 0x20 || c == 0x7f:
				b = appendU(b, rune(c))
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			b = appendU(appendU(b, r1), r2)
		} else {
			b = appendU(b, r)
		}
	}
	return append(b, '"')
}

func appendU(b []byte, r rune) []byte {
	b = append(b, '\\', 'u')
	h := strconv.FormatInt(int64(r), 16)
	for range 4 - len(h) {
		b = append(b, '0')
	}
	return append(b, h...)
}

// jrec is one line of the journal.
type jrec struct {
	Op        string            `json:"op"` // "put" or "del"
	ID        string            `json:"id"`
	File      string            `json:"file,omitempty"`
	Tmp       string            `json:"tmp,omitempty"`
	DataAsset string            `json:"data_asset,omitempty"`
	RunTime   string            `json:"run_time,omitempty"`
	Status    string            `json:"status,omitempty"`
	Tags      map[string]string `json:"tags,omitempty"`
}

// splitJournal parses the complete lines of data, returning the records,
// the length of the complete part, and one message per line that does not
// parse (a torn final line without '\n' is not complete and not reported).
func splitJournal(data []byte, firstLine int) (recs []jrec, used int, bad []string) {
	line := firstLine
	for {
		i := bytes.IndexByte(data[used:], '\n')
		if i < 0 {
			return recs, used, bad
		}
		raw := data[used : used+i]
		used += i + 1
		line++
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		var r jrec
		if err := json.Unmarshal(raw, &r); err != nil || r.ID == "" || (r.Op != "put" && r.Op != "del") {
			bad = append(bad, fmt.Sprintf("%s line %d does not parse", journalName, line))
			continue
		}
		recs = append(recs, r)
	}
}
