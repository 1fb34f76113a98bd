package encryption

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/truthound/truthound-go/stores/compression"
)

// The original's pipeline output, "THEP" (read only). Its layout, as measured
// on what the original wrote (big-endian):
//
//	magic     4  "THEP"
//	version   1  1
//	stages    2  stage count
//	reserved  1  0
//	stage        type u8 (1 compression, 2 encryption, 4 checksum) |
//	             JSON length u16 | JSON parameters, once per stage
//	crc       4  CRC-32 (IEEE) of every header byte before it
//	payload      the output of the last stage; the checksum stage writes
//	             digest length u8 | SHA-256 digest | its input, the
//	             encryption stage nonce || ciphertext || tag with no
//	             associated data, the compression stage the codec's stream
//
// Nothing but the CRC protects the header, so the stage list itself can be
// edited without a key: we check every field we use against the payload.
const (
	thepMagic       = "THEP"
	thepStageComp   = 1
	thepStageEnc    = 2
	thepStageSum    = 4
	thepMaxStages   = 8
	thepMaxJSONSize = 4096
)

type thepStage struct {
	kind         byte
	Algorithm    string `json:"algorithm"`
	OriginalSize *int64 `json:"original_size"`
	NonceSize    *int   `json:"nonce_size"`
	TagSize      *int   `json:"tag_size"`
	Checksum     string `json:"checksum"`
}

// ReverseOriginal reverses the original's pipeline output ("THEP": see the
// layout above) under key, the raw key of its encryption stage (nil when it
// has none), and returns the plaintext, which may be at most limit bytes
// (limit <= 0: [DefaultPipelineLimit]). [Pipeline.Reverse] calls it for THEP
// input.
func ReverseOriginal(data, key []byte, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultPipelineLimit
	}
	return reverseTHEP(data, key, limit)
}

func parseTHEP(data []byte) ([]thepStage, []byte, error) {
	if len(data) < 8 {
		return nil, nil, fmt.Errorf("%w: THEP header of %d bytes", ErrTruncated, len(data))
	}
	if string(data[:4]) != thepMagic {
		return nil, nil, fmt.Errorf("%w: magic %q, want %q", ErrFormat, data[:4], thepMagic)
	}
	if data[4] != 1 || data[7] != 0 {
		return nil, nil, fmt.Errorf("%w: THEP version %d, reserved %d", ErrFormat, data[4], data[7])
	}
	n := int(binary.BigEndian.Uint16(data[5:7]))
	if n > thepMaxStages {
		return nil, nil, fmt.Errorf("%w: THEP header lists %d stages", ErrFormat, n)
	}
	off := 8
	stages := make([]thepStage, 0, n)
	for i := 0; i < n; i++ {
		if len(data) < off+3 {
			return nil, nil, fmt.Errorf("%w: THEP stage %d", ErrTruncated, i)
		}
		st := thepStage{kind: data[off]}
		l := int(binary.BigEndian.Uint16(data[off+1:]))
		off += 3
		if l > thepMaxJSONSize {
			return nil, nil, fmt.Errorf("%w: THEP stage %d parameters of %d bytes", ErrFormat, i, l)
		}
		if len(data) < off+l {
			return nil, nil, fmt.Errorf("%w: THEP stage %d parameters", ErrTruncated, i)
		}
		if err := json.Unmarshal(data[off:off+l], &st); err != nil {
			return nil, nil, fmt.Errorf("%w: THEP stage %d parameters: %v", ErrFormat, i, err)
		}
		off += l
		stages = append(stages, st)
	}
	if len(data) < off+4 {
		return nil, nil, fmt.Errorf("%w: THEP header CRC", ErrTruncated)
	}
	if crc32.ChecksumIEEE(data[:off]) != binary.BigEndian.Uint32(data[off:]) {
		return nil, nil, fmt.Errorf("%w: THEP header CRC mismatch", ErrCorrupt)
	}
	return stages, data[off+4:], nil
}

func reverseTHEP(data, key []byte, limit int64) ([]byte, error) {
	stages, payload, err := parseTHEP(data)
	if err != nil {
		return nil, err
	}
	owned := false
	for i := len(stages) - 1; i >= 0; i-- {
		st := stages[i]
		switch st.kind {
		case thepStageSum:
			if st.Algorithm != "sha256" {
				return nil, fmt.Errorf("%w: THEP checksum %q", ErrFormat, st.Algorithm)
			}
			if len(payload) < 1+sha256.Size || payload[0] != sha256.Size {
				return nil, fmt.Errorf("%w: THEP checksum stage output", ErrTruncated)
			}
			digest, rest := payload[1:1+sha256.Size], payload[1+sha256.Size:]
			want, err := hex.DecodeString(st.Checksum)
			sum := sha256.Sum256(rest)
			if err != nil || !bytes.Equal(want, digest) || subtle.ConstantTimeCompare(sum[:], digest) != 1 {
				return nil, fmt.Errorf("%w: THEP SHA-256 checksum mismatch", ErrCorrupt)
			}
			payload = rest
		case thepStageEnc:
			alg, err := ParseAlgorithm(st.Algorithm)
			if err != nil || !alg.IsAEAD() || alg == XChaCha20Poly1305 {
				// The original's "XChaCha20" is not the real algorithm.
				return nil, fmt.Errorf("%w: THEP encryption %q", ErrInvalidAlgorithm, st.Algorithm)
			}
			if st.NonceSize != nil && *st.NonceSize != alg.NonceSize() || st.TagSize != nil && *st.TagSize != 16 {
				return nil, fmt.Errorf("%w: THEP %v nonce/tag sizes", ErrFormat, alg)
			}
			if key == nil {
				return nil, fmt.Errorf("%w: THEP data is encrypted and no key was given", ErrInvalidKey)
			}
			pt, err := Decrypt(alg, key, payload, nil)
			if err != nil {
				return nil, err
			}
			payload, owned = pt, true
		case thepStageComp:
			ca, err := compression.ParseAlgorithm(st.Algorithm)
			if err != nil {
				return nil, fmt.Errorf("%w: THEP compression %q", ErrFormat, st.Algorithm)
			}
			lim := limit
			if st.OriginalSize != nil {
				if *st.OriginalSize < 0 || *st.OriginalSize > limit {
					return nil, fmt.Errorf("%w: THEP original size %d, limit %d", ErrTooLarge, *st.OriginalSize, limit)
				}
				lim = *st.OriginalSize
			}
			d, err := compression.Decompress(nil, payload, ca, max(lim, 1))
			if err != nil {
				if errors.Is(err, compression.ErrTooLarge) && st.OriginalSize == nil {
					return nil, fmt.Errorf("%w: THEP data past %d bytes", ErrTooLarge, limit)
				}
				return nil, fmt.Errorf("%w: THEP decompression: %w", ErrCorrupt, err)
			}
			if st.OriginalSize != nil && int64(len(d)) != *st.OriginalSize {
				return nil, fmt.Errorf("%w: THEP data of %d bytes, header says %d", ErrCorrupt, len(d), *st.OriginalSize)
			}
			payload, owned = d, true
		default:
			return nil, fmt.Errorf("%w: THEP stage type %d", ErrFormat, st.kind)
		}
	}
	if int64(len(payload)) > limit {
		return nil, fmt.Errorf("%w: THEP data of %d bytes, limit %d", ErrTooLarge, len(payload), limit)
	}
	if !owned {
		payload = bytes.Clone(payload)
	}
	return payload, nil
}
