package keys

import (
	"bytes"
	"testing"
)

// FuzzUnmarshalRecord feeds arbitrary JSON to the key-record parser. It must
// never panic; a record it accepts must marshal and parse back to the same key.
func FuzzUnmarshalRecord(f *testing.F) {
	f.Add([]byte(`{"key_id": "k1", "key_material": "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=", "algorithm": "aes-256-gcm", "key_type": "dek", "created_at": "2026-11-26T06:48:51.281351+00:00", "expires_at": null, "version": 1, "metadata": {}}`))
	f.Add([]byte(`{"key_id":"x","key_material":"AAAAAAAAAAAAAAAAAAAAAA==","algorithm":"aes-128-gcm","key_type":"kek","created_at":"2024-01-01T00:00:00","expires_at":"2025-01-01T00:00:00Z","version":3,"metadata":{"a":1,"b":"c"}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		k, err := unmarshalRecord(in)
		if err != nil {
			return
		}
		out, err := marshalRecord(k)
		if err != nil {
			t.Fatal(err)
		}
		k2, err := unmarshalRecord(out)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if k2.ID != k.ID || k2.Version != k.Version || !bytes.Equal(k2.Material, k.Material) ||
			k2.Algorithm != k.Algorithm || k2.Type != k.Type || !k2.CreatedAt.Equal(k.CreatedAt.Truncate(1000)) {
			t.Fatalf("round trip changed the key: %v vs %v", k, k2)
		}
	})
}

// FuzzDecodeMaterial checks the environment value decoder never panics and
// only returns material of the asked size.
func FuzzDecodeMaterial(f *testing.F) {
	f.Add("RW-lQddQQjPac454dNSAAG3nvBvTV6782ilkzDca5W4=", 32)
	f.Add("000102030405060708090a0b0c0d0e0f", 16)
	f.Fuzz(func(t *testing.T, v string, size int) {
		size = 16 + (size&1)*16
		b, err := decodeMaterial(v, size)
		if err == nil && len(b) != size {
			t.Fatalf("%d bytes for size %d", len(b), size)
		}
	})
}
