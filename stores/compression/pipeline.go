package compression

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"time"
)

// Pipeline chains transforms, a codec and a checksum, as the original's
// CompressionPipeline: Process runs the stages in order, Reverse undoes them
// in reverse order. Like the original, the output carries no pipeline header:
// reversing needs a pipeline built with the same stages. Each transform stage
// writes its own magic (PASS when it does not help), the codec stage writes
// the codec's standard container, the checksum stage prepends the 32-byte
// SHA-256 of what follows.
//
// Build one with the fluent methods; a bad argument is reported by Err,
// Process and Reverse. A built Pipeline is safe for concurrent use.
//
//	p := compression.NewPipeline().Dedup(1024).Compress(compression.Zstd, 0).Checksum()
type Pipeline struct {
	stages []stage
	err    error
	// Limit bounds every intermediate and the final output of Reverse
	// (<= 0: DefaultLimit).
	Limit int64
}

type stageKind uint8

const (
	stageTransform stageKind = iota
	stageCompress
	stageChecksum
)

type stage struct {
	kind      stageKind
	transform Transform
	algorithm Algorithm
	level     Level
}

func (s stage) name() string {
	switch s.kind {
	case stageTransform:
		return s.transform.Name()
	case stageCompress:
		return "compress_" + s.algorithm.String()
	default:
		return "checksum"
	}
}

// NewPipeline returns an empty pipeline (Process copies its input).
func NewPipeline() *Pipeline { return &Pipeline{} }

// Transform adds a transform stage.
func (p *Pipeline) Transform(t Transform) *Pipeline {
	if t == nil && p.err == nil {
		p.err = fmt.Errorf("%w: nil transform", ErrInvalidOption)
	}
	p.stages = append(p.stages, stage{kind: stageTransform, transform: t})
	return p
}

// Dedup adds block deduplication with the given block size (0: 4096).
func (p *Pipeline) Dedup(blockSize int) *Pipeline {
	if _, err := (Dedup{BlockSize: blockSize}).blockSize(); err != nil && p.err == nil {
		p.err = err
	}
	return p.Transform(Dedup{BlockSize: blockSize})
}

// Delta adds delta encoding.
func (p *Pipeline) Delta() *Pipeline { return p.Transform(Delta{}) }

// RunLength adds run-length encoding with the default minimum run (4).
func (p *Pipeline) RunLength() *Pipeline { return p.Transform(RunLength{}) }

// Compress adds a codec stage.
func (p *Pipeline) Compress(a Algorithm, l Level) *Pipeline {
	if p.err == nil {
		if !a.Valid() {
			p.err = fmt.Errorf("%w: %s", ErrUnsupported, a)
		} else if _, err := l.normalize(); err != nil {
			p.err = err
		}
	}
	p.stages = append(p.stages, stage{kind: stageCompress, algorithm: a, level: l})
	return p
}

// Checksum adds a SHA-256 checksum stage, verified by Reverse.
func (p *Pipeline) Checksum() *Pipeline {
	p.stages = append(p.stages, stage{kind: stageChecksum})
	return p
}

// Err returns the first invalid argument given to a builder method.
func (p *Pipeline) Err() error { return p.err }

// StageMetrics describes what one stage did in Process.
type StageMetrics struct {
	Name       string        // "deduplication", "compress_zstd", "checksum", ...
	InputSize  int64         // bytes in
	OutputSize int64         // bytes out
	Time       time.Duration // time spent
}

// PipelineMetrics describes a Process call.
type PipelineMetrics struct {
	InputSize  int64          // bytes given to Process
	OutputSize int64          // bytes it produced
	Time       time.Duration  // total time
	Stages     []StageMetrics // per stage, in order
}

// Ratio returns InputSize / OutputSize.
func (m PipelineMetrics) Ratio() float64 {
	if m.OutputSize == 0 {
		return 0
	}
	return float64(m.InputSize) / float64(m.OutputSize)
}

// Process runs data through every stage and returns the result and its
// metrics.
func (p *Pipeline) Process(data []byte) ([]byte, PipelineMetrics, error) {
	m := PipelineMetrics{InputSize: int64(len(data))}
	if p.err != nil {
		return nil, m, p.err
	}
	start := time.Now()
	cur := data
	for _, s := range p.stages {
		t0 := time.Now()
		var (
			out []byte
			err error
		)
		switch s.kind {
		case stageTransform:
			out, err = s.transform.Apply(nil, cur)
		case stageCompress:
			out, err = Compress(nil, cur, s.algorithm, s.level)
		case stageChecksum:
			sum := sha256.Sum256(cur)
			out = append(append(make([]byte, 0, len(cur)+sha256.Size), sum[:]...), cur...)
		}
		if err != nil {
			return nil, m, fmt.Errorf("pipeline stage %s: %w", s.name(), err)
		}
		m.Stages = append(m.Stages, StageMetrics{Name: s.name(), InputSize: int64(len(cur)), OutputSize: int64(len(out)), Time: time.Since(t0)})
		cur = out
	}
	if len(p.stages) == 0 {
		cur = bytes.Clone(data)
	}
	m.Time = time.Since(start)
	m.OutputSize = int64(len(cur))
	return cur, m, nil
}

// Reverse undoes Process: it runs the stages' inverses in reverse order,
// verifying the checksum (ErrChecksum) and bounding every output by Limit.
func (p *Pipeline) Reverse(data []byte) ([]byte, error) {
	if p.err != nil {
		return nil, p.err
	}
	limit := p.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	cur := data
	for i := len(p.stages) - 1; i >= 0; i-- {
		s := p.stages[i]
		var (
			out []byte
			err error
		)
		switch s.kind {
		case stageTransform:
			out, err = s.transform.Reverse(nil, cur, limit)
		case stageCompress:
			out, err = Decompress(nil, cur, s.algorithm, limit)
		case stageChecksum:
			if len(cur) < sha256.Size {
				err = fmt.Errorf("%w: %d bytes, shorter than the checksum", ErrCorrupt, len(cur))
				break
			}
			sum := sha256.Sum256(cur[sha256.Size:])
			if !bytes.Equal(sum[:], cur[:sha256.Size]) {
				err = ErrChecksum
				break
			}
			out = cur[sha256.Size:]
		}
		if err != nil {
			return nil, fmt.Errorf("pipeline stage %s: %w", s.name(), err)
		}
		cur = out
	}
	if len(p.stages) == 0 {
		cur = bytes.Clone(data)
	}
	return cur, nil
}
