package results

import (
	"bytes"
	"os"
	"testing"
)

func FuzzUnmarshal(f *testing.F) {
	{
		for _, name := range []string{"run_20240102_030405_a1b2c3d4.json", "custom-id.with.dots.json"} {
			if data, err := os.ReadFile(testdataPathNoSkip("upstream/fs-plain/default/validations/" + name)); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte(minimal(`, "results": [{"validator_name": "v", "success": false, "details": {"x": NaN, "b": [1E5, -0.0, "\ud800"]}, "execution_time_ms": 3}], "zz": {"b": 1, "a": 2}`)))
	f.Add([]byte(minimal(`, "tags": {"b": "x", "a": "\u00e9\ud83d\ude00"}, "statistics": {"execution_time_ms": Infinity, "other": null}`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Unmarshal(data)
		if err != nil {
			return
		}
		out, err := Marshal(r)
		if err != nil {
			t.Fatalf("Marshal after a successful Unmarshal: %v", err)
		}
		if outc, err := Marshal(r.Clone()); err != nil || !bytes.Equal(outc, out) {
			t.Fatalf("clone writes differently (%v):\n%s\n%s", err, outc, out)
		}
		r2, err := Unmarshal(out)
		if err != nil {
			t.Fatalf("Unmarshal(Marshal(r)): %v\n%s", err, out)
		}
		out2, err := Marshal(r2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("round trip not stable:\n%s\n%s", out, out2)
		}
		c, err := MarshalCompact(r2)
		if err != nil {
			t.Fatal(err)
		}
		r3, err := Unmarshal(c)
		if err != nil {
			t.Fatalf("Unmarshal(MarshalCompact): %v\n%s", err, c)
		}
		if out3, _ := Marshal(r3); !bytes.Equal(out, out3) {
			t.Fatalf("compact round trip differs:\n%s\n%s", out, out3)
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2024-01-02T03:04:05.678901", "2024-01-02 03:04:05Z", "2024-01-02T03:04:05.1-05:30", "2024-01-02", "2024-02-29T23:59:59+05:45:30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := ParseTime(s)
		if err != nil {
			return
		}
		out := FormatTime(tm)
		back, err := ParseTime(out)
		if err != nil {
			t.Fatalf("ParseTime(FormatTime(ParseTime(%q)) = %q): %v", s, out, err)
		}
		if !back.Equal(tm) || IsNaive(back) != IsNaive(tm) || FormatTime(back) != out {
			t.Fatalf("%q -> %q -> %v, want %v", s, out, back, tm)
		}
	})
}
