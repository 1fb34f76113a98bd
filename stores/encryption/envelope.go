package encryption

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
)

// The envelope format ("THEV", version 1) that [Envelope.Encrypt] writes. All
// integers are big-endian.
//
//	magic         4  "THEV"
//	version       1  1
//	algorithm     1  AEAD id of the data
//	kek algorithm 1  AEAD id the data key is wrapped with
//	kek id len    1  1-255
//	kek id        n
//	kek version   4
//	wrapped len   2  length of the wrapped data key
//	wrapped key      kek nonce || encrypted data key || tag
//	nonce            data nonce
//	body             ciphertext || tag
//
// The data key is wrapped with associated data = every byte before "wrapped
// len", so the KEK id, version and both algorithms are authenticated by the
// KEK. The body's associated data is magic || version || algorithm || the
// caller's associated data, which leaves the KEK section out: [Rewrap]
// replaces only that section, and the body (under a data key that is random
// per item) is never re-encrypted.
const (
	envMagic   = "THEV"
	envVersion = 1
)

// KEK is a key-encryption key: it wraps the per-item data keys of
// [Envelope]. ID and Version are recorded in every envelope.
type KEK struct {
	// ID names the key (1-255 bytes).
	ID string
	// Version is the key's version, recorded next to the id.
	Version uint32
	// Key is the key material, of Algorithm's key size.
	Key []byte
	// Algorithm is the AEAD that wraps data keys; 0 means AES256GCM.
	Algorithm Algorithm
}

func (k KEK) alg() Algorithm {
	if k.Algorithm == 0 {
		return AES256GCM
	}
	return k.Algorithm
}

// Envelope encrypts each item under a fresh random data key and stores that
// key wrapped by a key-encryption key, so rotating the KEK re-wraps data keys
// ([Rewrap]) without touching the data.
type Envelope struct {
	// KEK wraps and unwraps data keys.
	KEK KEK
	// Algorithm encrypts the data; 0 means AES256GCM.
	Algorithm Algorithm
}

// EnvelopeHeader describes an envelope, ours or the original's. It is not
// authenticated until the envelope is opened.
type EnvelopeHeader struct {
	Algorithm    Algorithm
	KEKAlgorithm Algorithm
	KEKID        string
	KEKVersion   uint32
	// Original is true for the original's envelope format (JSON header, no
	// authenticated KEK id and no KEK version).
	Original bool

	wrapAD  []byte // associated data of the wrapped key
	wrapped []byte
	body    []byte // nonce || ct || tag
	kekEnd  int    // offset of "wrapped len" (ours)
}

func (e *Envelope) alg() Algorithm {
	if e.Algorithm == 0 {
		return AES256GCM
	}
	return e.Algorithm
}

// Encrypt draws a random data key, encrypts plaintext under it with aad, and
// returns the envelope with the data key wrapped by e.KEK.
func (e *Envelope) Encrypt(plaintext, aad []byte) ([]byte, error) {
	alg, kalg := e.alg(), e.KEK.alg()
	if !alg.IsAEAD() || !kalg.IsAEAD() {
		return nil, fmt.Errorf("%w: envelopes take AEAD algorithms, got %v and %v", ErrInvalidAlgorithm, alg, kalg)
	}
	if len(e.KEK.ID) == 0 || len(e.KEK.ID) > 255 {
		return nil, fmt.Errorf("%w: KEK id of %d bytes (1-255)", ErrInvalidOption, len(e.KEK.ID))
	}
	kaead, err := NewAEAD(kalg, e.KEK.Key)
	if err != nil {
		return nil, err
	}
	dek, err := GenerateKey(alg)
	if err != nil {
		return nil, err
	}
	defer zero(dek)
	daead, err := NewAEAD(alg, dek)
	if err != nil {
		return nil, err
	}
	out := envKEKSection(alg, e.KEK.ID, e.KEK.Version, kalg)
	wrapped, err := sealAEAD(nil, nil, kaead, dek, out)
	if err != nil {
		return nil, err
	}
	out = binary.BigEndian.AppendUint16(out, uint16(len(wrapped)))
	out = append(out, wrapped...)
	return sealAEAD(out, nil, daead, plaintext, envBodyAD(alg, aad))
}

// envKEKSection returns magic .. kek version.
func envKEKSection(alg Algorithm, id string, version uint32, kalg Algorithm) []byte {
	b := make([]byte, 0, 16+len(id))
	b = append(b, envMagic...)
	b = append(b, envVersion, byte(alg), byte(kalg), byte(len(id)))
	b = append(b, id...)
	return binary.BigEndian.AppendUint32(b, version)
}

func envBodyAD(alg Algorithm, aad []byte) []byte {
	ad := make([]byte, 0, 6+len(aad))
	ad = append(ad, envMagic...)
	ad = append(ad, envVersion, byte(alg))
	return append(ad, aad...)
}

// maxOriginalEnvHeader bounds the JSON header of the original's envelopes.
const maxOriginalEnvHeader = 1 << 16

// ParseEnvelopeHeader parses an envelope written by [Envelope.Encrypt] or by
// the original, so a caller can find the KEK by id before opening it.
func ParseEnvelopeHeader(blob []byte) (*EnvelopeHeader, error) {
	if len(blob) >= 4 && string(blob[:4]) == envMagic {
		return parseEnvelope(blob)
	}
	return parseOriginalEnvelope(blob)
}

func parseEnvelope(b []byte) (*EnvelopeHeader, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("%w: envelope header of %d bytes", ErrTruncated, len(b))
	}
	if b[4] != envVersion {
		return nil, fmt.Errorf("%w: envelope version %d (want %d)", ErrFormat, b[4], envVersion)
	}
	h := &EnvelopeHeader{Algorithm: Algorithm(b[5]), KEKAlgorithm: Algorithm(b[6])}
	if !h.Algorithm.IsAEAD() || !h.KEKAlgorithm.IsAEAD() {
		return nil, fmt.Errorf("%w: envelope algorithm ids %d, %d", ErrFormat, b[5], b[6])
	}
	n := int(b[7])
	if n == 0 {
		return nil, fmt.Errorf("%w: empty KEK id", ErrFormat)
	}
	if len(b) < 8+n+4+2 {
		return nil, fmt.Errorf("%w: envelope header", ErrTruncated)
	}
	h.KEKID = string(b[8 : 8+n])
	h.KEKVersion = binary.BigEndian.Uint32(b[8+n:])
	h.kekEnd = 8 + n + 4
	h.wrapAD = b[:h.kekEnd]
	wl := int(binary.BigEndian.Uint16(b[h.kekEnd:]))
	if want := h.KEKAlgorithm.NonceSize() + h.Algorithm.KeySize() + 16; wl != want {
		return nil, fmt.Errorf("%w: wrapped key of %d bytes, want %d", ErrFormat, wl, want)
	}
	rest := b[h.kekEnd+2:]
	if len(rest) < wl+h.Algorithm.NonceSize()+16 {
		return nil, fmt.Errorf("%w: envelope of %d bytes", ErrTruncated, len(b))
	}
	h.wrapped, h.body = rest[:wl], rest[wl:]
	return h, nil
}

// The original's envelope: u32 BE header length | JSON {"kek_id", "algorithm",
// "key_len", "nonce_len", "tag_len"} | wrapped data key (key_len bytes,
// nonce || ct || tag under the KEK) | data nonce || ct || tag. Nothing in its
// header is authenticated.
type originalEnvHeader struct {
	KEKID     *string `json:"kek_id"`
	Algorithm *string `json:"algorithm"`
	KeyLen    *int    `json:"key_len"`
	NonceLen  *int    `json:"nonce_len"`
	TagLen    *int    `json:"tag_len"`
}

func parseOriginalEnvelope(b []byte) (*EnvelopeHeader, error) {
	if len(b) < 5 {
		return nil, fmt.Errorf("%w: envelope of %d bytes", ErrTruncated, len(b))
	}
	hl := binary.BigEndian.Uint32(b)
	if hl == 0 || hl > maxOriginalEnvHeader || b[4] != '{' {
		return nil, fmt.Errorf("%w: not an envelope (no %q magic, no JSON header)", ErrFormat, envMagic)
	}
	if uint64(len(b)) < 4+uint64(hl) {
		return nil, fmt.Errorf("%w: envelope header of %d bytes in %d", ErrTruncated, hl, len(b))
	}
	var j originalEnvHeader
	dec := json.NewDecoder(bytes.NewReader(b[4 : 4+hl]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("%w: envelope JSON header: %v", ErrFormat, err)
	}
	if j.KEKID == nil || j.Algorithm == nil || j.KeyLen == nil || j.NonceLen == nil || j.TagLen == nil {
		return nil, fmt.Errorf("%w: envelope JSON header lacks a field", ErrFormat)
	}
	alg, err := ParseAlgorithm(*j.Algorithm)
	if err != nil || !alg.IsAEAD() {
		return nil, fmt.Errorf("%w: envelope algorithm %q", ErrFormat, *j.Algorithm)
	}
	if *j.NonceLen != alg.NonceSize() || *j.TagLen != 16 || *j.KeyLen != alg.NonceSize()+alg.KeySize()+16 {
		return nil, fmt.Errorf("%w: envelope sizes key %d nonce %d tag %d for %v", ErrFormat, *j.KeyLen, *j.NonceLen, *j.TagLen, alg)
	}
	rest := b[4+hl:]
	if len(rest) < *j.KeyLen+alg.NonceSize()+16 {
		return nil, fmt.Errorf("%w: envelope of %d bytes", ErrTruncated, len(b))
	}
	return &EnvelopeHeader{Algorithm: alg, KEKAlgorithm: alg, KEKID: *j.KEKID, Original: true,
		wrapped: rest[:*j.KeyLen], body: rest[*j.KeyLen:]}, nil
}

// unwrap returns the data key of h under kek.
func (h *EnvelopeHeader) unwrap(kek KEK) ([]byte, error) {
	if kek.ID != "" && h.KEKID != kek.ID {
		return nil, fmt.Errorf("%w: envelope needs KEK %q, have %q", ErrKeyNotFound, h.KEKID, kek.ID)
	}
	if kek.alg() != h.KEKAlgorithm {
		return nil, fmt.Errorf("%w: envelope KEK algorithm %v, have %v", ErrInvalidKey, h.KEKAlgorithm, kek.alg())
	}
	kaead, err := NewAEAD(h.KEKAlgorithm, kek.Key)
	if err != nil {
		return nil, err
	}
	dek, err := openAEAD(kaead, nil, h.wrapped, h.wrapAD)
	if err != nil {
		return nil, fmt.Errorf("%w: wrapped data key (wrong KEK?)", ErrAuthentication)
	}
	if len(dek) != h.Algorithm.KeySize() {
		return nil, fmt.Errorf("%w: data key of %d bytes", ErrFormat, len(dek))
	}
	return dek, nil
}

// Decrypt opens an envelope written by [Envelope.Encrypt] or by the original
// (whose associated data must be nil) under e.KEK. An envelope that names
// another KEK id fails with [ErrKeyNotFound] (for the original's format only
// when e.KEK.ID is set); a wrong KEK, other associated data or any changed
// byte with [ErrAuthentication].
func (e *Envelope) Decrypt(blob, aad []byte) ([]byte, error) {
	h, err := ParseEnvelopeHeader(blob)
	if err != nil {
		return nil, err
	}
	dek, err := h.unwrap(e.KEK)
	if err != nil {
		return nil, err
	}
	defer zero(dek)
	daead, err := NewAEAD(h.Algorithm, dek)
	if err != nil {
		return nil, err
	}
	var ad []byte
	if !h.Original {
		ad = envBodyAD(h.Algorithm, aad)
	} else if len(aad) > 0 {
		return nil, fmt.Errorf("%w: the original's envelopes take no associated data", ErrInvalidOption)
	}
	pt, err := openAEAD(daead, nil, h.body, ad)
	if err != nil {
		return nil, fmt.Errorf("%w: envelope body", ErrAuthentication)
	}
	return pt, nil
}

// Rewrap returns blob with its data key unwrapped by oldKEK and wrapped again
// by newKEK, recording newKEK's id and version. The encrypted data is copied
// unchanged. An envelope of the original's format, whose body cannot be
// bound to our header, is instead decrypted and encrypted again as ours
// (under a new data key, with nil associated data, as before).
func Rewrap(blob []byte, oldKEK, newKEK KEK) ([]byte, error) {
	h, err := ParseEnvelopeHeader(blob)
	if err != nil {
		return nil, err
	}
	if h.Original {
		// The original's body has no associated data; ours binds
		// envBodyAD, so the body has to be encrypted again.
		pt, err := (&Envelope{KEK: oldKEK}).Decrypt(blob, nil)
		if err != nil {
			return nil, err
		}
		return (&Envelope{KEK: newKEK, Algorithm: h.Algorithm}).Encrypt(pt, nil)
	}
	dek, err := h.unwrap(oldKEK)
	if err != nil {
		return nil, err
	}
	defer zero(dek)
	kalg := newKEK.alg()
	if !kalg.IsAEAD() || len(newKEK.ID) == 0 || len(newKEK.ID) > 255 {
		return nil, fmt.Errorf("%w: new KEK %q (%v)", ErrInvalidOption, newKEK.ID, kalg)
	}
	kaead, err := NewAEAD(kalg, newKEK.Key)
	if err != nil {
		return nil, err
	}
	out := envKEKSection(h.Algorithm, newKEK.ID, newKEK.Version, kalg)
	wrapped, err := sealAEAD(nil, nil, kaead, dek, out)
	if err != nil {
		return nil, err
	}
	out = binary.BigEndian.AppendUint16(out, uint16(len(wrapped)))
	out = append(out, wrapped...)
	return append(out, h.body...), nil
}
