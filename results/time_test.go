package results

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestParseFormatTime(t *testing.T) {
	cases := []struct {
		in, out string
		want    time.Time
		naive   bool
	}{
		{"2024-01-02T03:04:05.678901", "2024-01-02T03:04:05.678901", time.Date(2024, 1, 2, 3, 4, 5, 678901000, time.UTC), true},
		{"2024-01-03T00:00:00", "2024-01-03T00:00:00", time.Date(2024, 1, 3, 0, 0, 0, 0, time.UTC), true},
		{"2024-01-04T12:00:00.000001", "2024-01-04T12:00:00.000001", time.Date(2024, 1, 4, 12, 0, 0, 1000, time.UTC), true},
		{"2024-01-02 03:04:05.5", "2024-01-02T03:04:05.500000", time.Date(2024, 1, 2, 3, 4, 5, 500000000, time.UTC), true},
		{"2024-01-02T03:04:05.123456789", "2024-01-02T03:04:05.123456", time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC), true},
		{"2024-01-02T03:04:05Z", "2024-01-02T03:04:05+00:00", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), false},
		{"2024-01-02T03:04:05+00:00", "2024-01-02T03:04:05+00:00", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), false},
		{"2024-01-02T03:04:05.1-05:30", "2024-01-02T03:04:05.100000-05:30", time.Date(2024, 1, 2, 8, 34, 5, 100000000, time.UTC), false},
		{"2024-01-02T03:04:05+0200", "2024-01-02T03:04:05+02:00", time.Date(2024, 1, 2, 1, 4, 5, 0, time.UTC), false},
		{"2024-01-02T03:04+01", "2024-01-02T03:04:00+01:00", time.Date(2024, 1, 2, 2, 4, 0, 0, time.UTC), false},
		{"2024-01-02", "2024-01-02T00:00:00", time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), true},
		{"0001-01-01T00:00:00", "0001-01-01T00:00:00", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"2024-02-29T23:59:59.999999+05:45:30", "2024-02-29T23:59:59.999999+05:45:30", time.Date(2024, 2, 29, 18, 14, 29, 999999000, time.UTC), false},
	}
	for _, c := range cases {
		got, err := ParseTime(c.in)
		if err != nil {
			t.Errorf("ParseTime(%q): %v", c.in, err)
			continue
		}
		if !got.Equal(c.want) {
			t.Errorf("ParseTime(%q) = %v, want %v", c.in, got, c.want)
		}
		if IsNaive(got) != c.naive {
			t.Errorf("ParseTime(%q): naive = %v", c.in, IsNaive(got))
		}
		if s := FormatTime(got); s != c.out {
			t.Errorf("FormatTime(ParseTime(%q)) = %q, want %q", c.in, s, c.out)
		}
	}
}

func TestParseTimeRejects(t *testing.T) {
	for _, s := range []string{"", "2024", "2024-1-2", "2024-13-01", "2024-02-30", "2023-02-29", "2024-01-02T", "2024-01-02T24:00:00",
		"2024-01-02T03:60:00", "2024-01-02T03:04:05.", "2024-01-02T03:04:05.1234567890", "2024-01-02T03:04:05+", "2024-01-02T03:04:05+5",
		"2024-01-02T03:04:05+05:", "2024-01-02T03:04:05 UTC", "0000-01-01", "2024-01-02T03:04:05Zx", "２０２４-01-01"} {
		if _, err := ParseTime(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseTime(%q): err = %v, want ErrInvalid", s, err)
		}
	}
}

func TestNaiveAwareMixCompares(t *testing.T) {
	naive, _ := ParseTime("2024-01-02T03:00:00")
	aware, _ := ParseTime("2024-01-02T04:00:00+02:00") // 02:00 UTC
	utc, _ := ParseTime("2024-01-02T03:00:00Z")
	if !aware.Before(naive) || !naive.After(aware) {
		t.Error("a naive time must compare with an aware one as if UTC")
	}
	if !naive.Equal(utc) || naive.Compare(utc) != 0 {
		t.Error("naive 03:00 must equal 03:00Z")
	}
	ts := []time.Time{naive, aware, utc.Add(time.Minute)}
	slices.SortFunc(ts, time.Time.Compare)
	if ts[0] != aware || ts[1] != naive {
		t.Errorf("sorted: %v", ts)
	}
	// Naive keeps its wall clock, regardless of the machine's zone.
	if FormatTime(Naive(time.Date(2024, 5, 6, 7, 8, 9, 0, time.FixedZone("x", 3600)))) != "2024-05-06T07:08:09" {
		t.Error("Naive() changed the wall clock")
	}
	if FormatTime(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)) != "2024-05-06T07:08:09+00:00" {
		t.Error("UTC must be written +00:00, never Z")
	}
}
