package check

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// benchData returns n rows of a realistic CSV (or JSONL) table.
func benchData(n int, jsonl bool) []byte {
	var b bytes.Buffer
	countries := []string{"US", "DE", "FR", "JP", "GB"}
	if !jsonl {
		b.WriteString("id,email,age,score,signup_date,country,active\n")
	}
	for i := 0; i < n; i++ {
		email := fmt.Sprintf("user%d@example.com", i)
		if i%97 == 0 {
			email = ""
		}
		if jsonl {
			fmt.Fprintf(&b, `{"id": %d, "email": %q, "age": %d, "score": %d.%d, "signup_date": "2024-%02d-%02d", "country": %q, "active": %v}`+"\n",
				i, email, 18+i%60, i%100, i%10, 1+i%12, 1+i%28, countries[i%5], i%2 == 0)
		} else {
			fmt.Fprintf(&b, "%d,%s,%d,%d.%d,2024-%02d-%02d,%s,%v\n", i, email, 18+i%60, i%100, i%10, 1+i%12, 1+i%28, countries[i%5], i%2 == 0)
		}
	}
	return b.Bytes()
}

func BenchmarkRun(b *testing.B) {
	for _, f := range []Format{CSV, JSONL} {
		data := benchData(100_000, f == JSONL)
		b.Run(f.String()+"-100k", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Run(context.Background(), bytes.NewReader(data), f, Options{Key: []string{"id"}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
