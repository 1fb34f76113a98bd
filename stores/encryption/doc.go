// Package encryption encrypts and decrypts data with the algorithms of the
// truthound stores: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305, the real
// XChaCha20-Poly1305 and Fernet; derives keys from passwords; and writes and
// reads the sealed, pipeline, envelope, streaming and chunked formats.
package encryption
