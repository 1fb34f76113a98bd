// Package encryption encrypts and decrypts data with the algorithms of the
// truthound stores: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305, the real
// XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha) and Fernet; derives keys from
// passwords (Argon2id, PBKDF2-SHA256/SHA512, scrypt, HKDF-SHA256, with the
// original's defaults); and writes and reads these formats:
//
//   - raw blobs nonce || ciphertext || tag and Fernet tokens, exactly as the
//     original ([Encrypt], [Decrypt], [FernetEncrypt], [FernetDecrypt]);
//   - the sealed format "THSL" that we write by default: a versioned header
//     naming the algorithm, the KDF and salt when a password is used, and the
//     key id and version, authenticated as associated data so that changing
//     any byte fails ([Seal], [Open], [Sealer]); with a streamed body it
//     handles any size in constant memory ([NewSealWriter], [NewSealReader]);
//   - pipelines compress → encrypt → checksum ("THPL"; [Pipeline],
//     [SecurePipeline], [FastPipeline], [PasswordPipeline]), which also read
//     the original's "THEP" pipeline output ([ReverseOriginal]);
//   - envelope encryption with a random data key per item wrapped by a
//     key-encryption key whose id is recorded ("THEV"; [Envelope], [Rewrap]),
//     which also reads the original's envelopes;
//   - streaming ("THS2"; [NewWriter], [NewReader]) and chunked random access
//     ([OpenChunked]) formats, which also read the original's "THSE" streams
//     and chunked files.
//
// The original's THEP, THSE, chunked-index and envelope headers are not
// authenticated, and its THSE streams cannot detect truncation at a chunk
// boundary: they are read for compatibility only and never written.
//
// Every error wraps one of the package's sentinel errors ([ErrAuthentication],
// [ErrTruncated], [ErrFormat], [ErrCorrupt], ...), to be tested with
// errors.Is. [Stats] counts operations, bytes, time and algorithm use.
package encryption
