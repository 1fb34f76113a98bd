package encryption_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/truthound/truthound-go/stores/encryption"
)

// Encrypt a stream of any length in fixed-size chunks and read it back.
func ExampleNewWriter() {
	key := bytes.Repeat([]byte{1}, 32) // use encryption.GenerateKey in real code
	var sealed bytes.Buffer
	w, err := encryption.NewWriter(&sealed, key, &encryption.StreamOptions{KeyID: "orders", KeyVersion: 2})
	if err != nil {
		panic(err)
	}
	io.Copy(w, strings.NewReader("validation results, however large"))
	if err := w.Close(); err != nil { // writes the final chunk
		panic(err)
	}

	h, _ := encryption.ReadStreamHeader(bytes.NewReader(sealed.Bytes()))
	fmt.Println("key:", h.KeyID, "version", h.KeyVersion, h.Algorithm)

	r, err := encryption.NewReader(&sealed, key, nil)
	if err != nil {
		panic(err)
	}
	plain, err := io.ReadAll(r)
	fmt.Printf("%s %v\n", plain, err)
	// Output:
	// key: orders version 2 aes-256-gcm
	// validation results, however large <nil>
}

// A cut-off stream is an error, never a silent short read.
func ExampleNewReader_truncated() {
	key := bytes.Repeat([]byte{1}, 32)
	var sealed bytes.Buffer
	w, _ := encryption.NewWriter(&sealed, key, &encryption.StreamOptions{ChunkSize: 16})
	w.Write([]byte("three chunks of sixteen bytes...and more"))
	w.Close()

	cut := sealed.Bytes()[:sealed.Len()-24] // drop the final chunk
	r, _ := encryption.NewReader(bytes.NewReader(cut), key, nil)
	_, err := io.ReadAll(r)
	fmt.Println(err)
	// Output:
	// encryption: truncated input: stream ends after chunk 1, which is not the final chunk
}

// Read a byte range of an encrypted stream without decrypting the rest.
func ExampleOpenChunked() {
	key := bytes.Repeat([]byte{2}, 32)
	var sealed bytes.Buffer
	w, _ := encryption.NewWriter(&sealed, key, &encryption.StreamOptions{ChunkSize: 16})
	w.Write([]byte("0123456789abcdef0123456789ABCDEF0123456789"))
	w.Close()

	c, err := encryption.OpenChunked(bytes.NewReader(sealed.Bytes()), int64(sealed.Len()), key, nil)
	if err != nil {
		panic(err)
	}
	p := make([]byte, 8)
	c.ReadAt(p, 28)
	last, _ := c.Chunk(c.NumChunks() - 1)
	fmt.Printf("%d chunks, %d bytes; [28:36] = %s; last chunk = %s\n", c.NumChunks(), c.Size(), p, last)
	// Output:
	// 3 chunks, 42 bytes; [28:36] = CDEF0123; last chunk = 0123456789
}
