package keys_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/truthound/truthound-go/stores/encryption"
	"github.com/truthound/truthound-go/stores/encryption/keys"
)

// Create, rotate and list keys in a file key store under a master password.
func ExampleManager() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "keys")
	defer os.RemoveAll(dir)

	store, err := keys.OpenFileStore(dir, keys.FileStoreOptions{MasterPassword: []byte("master secret")})
	if err != nil {
		panic(err)
	}
	m, _ := keys.NewManager(store, &keys.ManagerOptions{RotationOverlap: 7 * 24 * time.Hour})

	k1, _ := m.Create(ctx, "validation_key_2024", nil)
	blob, _ := encryption.Encrypt(k1.Algorithm, k1.Material, []byte("results"), nil)

	k2, _ := m.Rotate(ctx, "validation_key_2024")
	fmt.Println(k2) // material is never printed

	// Data written under version 1 still opens during the overlap.
	old, _ := m.GetVersion(ctx, "validation_key_2024", 1)
	pt, _ := encryption.Decrypt(old.Algorithm, old.Material, blob, nil)
	fmt.Println(string(pt))

	infos, _ := m.List(ctx)
	for _, in := range infos {
		fmt.Println(in.ID, in.Version, in.Versions, in.Algorithm)
	}
	// Output:
	// key "validation_key_2024" v2 (aes-256-gcm, dek)
	// results
	// validation_key_2024 2 [1 2] aes-256-gcm
}

// Keys from the environment, for containers and CI.
func ExampleEnvStore() {
	os.Setenv("TRUTHOUND_KEY_ORDERS", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
	defer os.Unsetenv("TRUTHOUND_KEY_ORDERS")

	m, _ := keys.NewManager(&keys.EnvStore{}, nil)
	k, err := m.Get(context.Background(), "orders")
	fmt.Println(k, len(k.Material), err)
	// Output:
	// key "orders" v1 (aes-256-gcm, dek) 32 <nil>
}
