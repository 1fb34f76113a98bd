package check

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// kind is the type of a cell.
type kind uint8

const (
	kNull kind = iota
	kInt
	kFloat
	kBool
	kDate
	kString
	kObject
	kArray
	kText // CSV field, type not yet inferred
	numKinds
)

var kindNames = [numKinds]string{"null", "int", "float", "bool", "date", "string", "object", "array", "text"}

func (k kind) String() string { return kindNames[k] }

// cell is one value of a row: its text (a JSON number or nested value as written)
// and its kind.
type cell struct {
	s string
	k kind
}

// batch is a run of consecutive rows.
type batch struct {
	rows  [][]cell
	width []int // CSV: the number of fields of each row
	first int64 // 1-based number of rows[0]
	ncols int   // columns known once the batch was read
	slab  []cell
}

// reset empties b for the next rows, keeping its memory.
func (b *batch) reset(first int64) {
	b.rows, b.width, b.slab = b.rows[:0], b.width[:0], b.slab[:0]
	b.first = first
}

// row returns n null cells from the batch's slab; appending to it never
// overwrites another row.
func (b *batch) row(n int) []cell {
	if len(b.slab)+n > cap(b.slab) {
		c := min(max(n*batchSize, 2*cap(b.slab)), maxBatchCells+n)
		b.slab = make([]cell, 0, max(c, n))
	}
	i := len(b.slab)
	b.slab = b.slab[:i+n]
	r := b.slab[i : i+n : i+n]
	clear(r)
	return r
}

func cellAt(row []cell, i int) cell {
	if i < len(row) {
		return row[i]
	}
	return cell{}
}

// source reads rows into batches.
type source interface {
	// next fills b (up to batchSize rows); it returns io.EOF with no rows at the end.
	next(b *batch) error
	columns() []string
}

// A batch holds up to batchSize rows and stops early past maxBatchCells cells, so
// wide inputs do not need large batches.
const (
	batchSize     = 1024
	maxBatchCells = 1 << 18
)

// full reports whether b should take no more rows.
func (b *batch) full() bool {
	return len(b.rows) >= batchSize || len(b.slab) >= maxBatchCells
}

// csvSource reads CSV: a header line, then data rows.
type csvSource struct {
	r    *csv.Reader
	cols []string
	row  int64
}

func newCSVSource(r io.Reader, comma rune) (*csvSource, error) {
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true // next copies what it keeps
	s := &csvSource{r: cr}
	hdr, err := cr.Read()
	if err == io.EOF {
		return s, nil
	}
	if err != nil {
		return nil, csvErr(err)
	}
	if len(hdr) > 0 {
		hdr[0] = strings.TrimPrefix(hdr[0], "\ufeff")
	}
	for i, h := range hdr {
		if h == "" {
			hdr[i] = fmt.Sprintf("column_%d", i+1)
		}
	}
	s.cols = slices.Clone(hdr)
	return s, nil
}

func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%w: CSV line %d, column %d: %v", ErrInvalidInput, pe.Line, pe.Column, pe.Err)
	}
	return err
}

func (s *csvSource) columns() []string { return s.cols }

func (s *csvSource) next(b *batch) error {
	b.reset(s.row + 1)
	if s.cols == nil {
		return io.EOF
	}
	for !b.full() {
		rec, err := s.r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return csvErr(err)
		}
		row := b.row(len(s.cols))
		for i := 0; i < len(rec) && i < len(s.cols); i++ {
			if rec[i] != "" {
				row[i] = cell{rec[i], kText}
			}
		}
		b.rows = append(b.rows, row)
		b.width = append(b.width, len(rec))
		s.row++
	}
	b.ncols = len(s.cols)
	if len(b.rows) == 0 {
		return io.EOF
	}
	return nil
}

// jsonlSource reads one JSON object per line; blank lines are skipped. Columns are
// the keys, in the order they first appear.
type jsonlSource struct {
	r       *bufio.Reader
	cols    []string
	index   map[string]int
	row     int64
	line    int64
	long    []byte
	maxCols int
	pairs   []colCell
}

// colCell is a cell and its column, while a JSON line is parsed.
type colCell struct {
	col int
	c   cell
}

func newJSONLSource(r io.Reader, maxCols int) *jsonlSource {
	return &jsonlSource{r: bufio.NewReaderSize(r, 64<<10), index: map[string]int{}, maxCols: maxCols}
}

func (s *jsonlSource) columns() []string { return s.cols }

// readLine returns the next line (valid until the next call), reading lines longer
// than the buffer into s.long.
func (s *jsonlSource) readLine() ([]byte, error) {
	line, err := s.r.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return line, err
	}
	s.long = append(s.long[:0], line...)
	for err == bufio.ErrBufferFull {
		line, err = s.r.ReadSlice('\n')
		s.long = append(s.long, line...)
	}
	return s.long, err
}

func (s *jsonlSource) next(b *batch) error {
	b.reset(s.row + 1)
	for !b.full() {
		line, err := s.readLine()
		if len(line) == 0 && err == io.EOF {
			break
		}
		if err != nil && err != io.EOF {
			return err
		}
		s.line++
		line = bytes.TrimSpace(line)
		if s.line == 1 {
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
		}
		if len(line) == 0 {
			continue
		}
		row, perr := s.parse(line, b)
		if perr != nil {
			return fmt.Errorf("%w: JSONL line %d: %v", ErrInvalidInput, s.line, perr)
		}
		b.rows = append(b.rows, row)
		s.row++
	}
	b.ncols = len(s.cols)
	if len(b.rows) == 0 {
		return io.EOF
	}
	return nil
}

// parse splits a JSON object line into cells, adding new keys as columns.
func (s *jsonlSource) parse(line []byte, b *batch) ([]cell, error) {
	if !json.Valid(line) {
		var v any
		err := json.Unmarshal(line, &v)
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	if line[0] != '{' {
		return nil, errors.New("want a JSON object")
	}
	ls := string(line) // one allocation; cells are substrings of it
	i := 1
	for {
		i = skipWS(line, i)
		if line[i] == '}' {
			break
		}
		if line[i] == ',' {
			i = skipWS(line, i+1)
		}
		end := skipValue(line, i)
		key, err := jsonString(ls[i:end])
		if err != nil {
			return nil, err
		}
		i = skipWS(line, end)
		i = skipWS(line, i+1) // ':'
		end = skipValue(line, i)
		c, err := jsonCell(ls[i:end])
		if err != nil {
			return nil, err
		}
		i = end
		col, ok := s.index[key]
		if !ok {
			if len(s.cols) >= s.maxCols {
				return nil, fmt.Errorf("more than %d columns", s.maxCols)
			}
			col = len(s.cols)
			s.index[key] = col
			s.cols = append(s.cols, key)
		}
		s.pairs = append(s.pairs, colCell{col, c})
	}
	// The row is as wide as its last column: sparse rows stay small.
	width := 0
	for _, p := range s.pairs {
		width = max(width, p.col+1)
	}
	row := b.row(width)
	for _, p := range s.pairs {
		row[p.col] = p.c // a repeated key keeps its last value, as JSON decoders do
	}
	s.pairs = s.pairs[:0]
	return row, nil
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the valid JSON value starting at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		for i++; i < len(b); i++ {
			switch b[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return i
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = skipValue(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return i
	default:
		for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
			i++
		}
		return i
	}
}

func jsonString(raw string) (string, error) {
	if strings.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1], nil
	}
	var s string
	err := json.Unmarshal([]byte(raw), &s)
	return s, err
}

func jsonCell(raw string) (cell, error) {
	switch raw[0] {
	case 'n':
		return cell{}, nil
	case 't', 'f':
		return cell{raw, kBool}, nil
	case '"':
		s, err := jsonString(raw)
		return cell{s, kString}, err
	case '{':
		return cell{raw, kObject}, nil
	case '[':
		return cell{raw, kArray}, nil
	}
	if strings.ContainsAny(raw, ".eE") {
		return cell{raw, kFloat}, nil
	}
	return cell{raw, kInt}, nil
}
