package plan_test

import (
	"math"
	"testing"
	"time"

	"semesterflow/plan"
)

// A shift of millions of days once wrote a five-digit year, which no Date
// reads back, and the next At panicked.
func TestAddDaysStaysWithinFourDigitYears(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want plan.Date
	}{
		{16, "2026-09-17"},
		{-1, "2026-08-31"},
		{3000000, "9999-12-31"},
		{-3000000, "0000-01-01"},
		{math.MaxInt, "9999-12-31"},
		{math.MinInt, "0000-01-01"},
	} {
		got := plan.Date("2026-09-01").AddDays(tt.n)
		if got != tt.want {
			t.Errorf("AddDays(%d) = %s, want %s", tt.n, got, tt.want)
		}
		got.At("23:59", time.UTC) // must not panic
	}
}

func TestDatesAndTimesSayWhatDoesNotExist(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{errOf(plan.Date("2027-02-29").In(time.UTC)), `"2027-02-29" is not a date: February 2027 has 28 days`},
		{errOf(plan.Date("2028-02-30").In(time.UTC)), `"2028-02-30" is not a date: February 2028 has 29 days`},
		{errOf(plan.Date("2027-2-28").In(time.UTC)), `"2027-2-28" is not a date (want YYYY-MM-DD)`},
		{errOf(plan.LocalTime("2026-09-31 19:00").In(time.UTC)), `"2026-09-31 19:00" is not a date and time: September 2026 has 30 days`},
		{errOf(plan.LocalTime("2026-09-30 25:00").In(time.UTC)), `"2026-09-30 25:00" is not a date and time: hours go from 00 to 23`},
		{errOf(plan.LocalTime("2026-09-30").In(time.UTC)), `"2026-09-30" is not a date and time (want YYYY-MM-DD HH:MM)`},
	} {
		if tt.err == nil || tt.err.Error() != tt.want {
			t.Errorf("error = %v, want %s", tt.err, tt.want)
		}
	}
	// What time.Parse accepted still reads the same.
	for _, ok := range []plan.LocalTime{"2026-09-30 9:05", "2026-09-30  19:00", "2028-02-29 00:00"} {
		if _, err := ok.In(time.UTC); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

func errOf(_ time.Time, err error) error { return err }

// Real stepped a nanosecond at a time until Plan(r) reached t, which never
// happens when a duration saturates: a time centuries from the anchor, or a
// scale so large that one nanosecond of real time overflows plan time.
func TestClockRealEndsWhereDurationsSaturate(t *testing.T) {
	now := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		clock plan.Clock
		at    time.Time
	}{
		{plan.ProductionClock(now), now.AddDate(500, 0, 0)},
		{plan.ProductionClock(now), now.AddDate(-500, 0, 0)},
		{plan.RehearsalClock(now, now, 1e300), now.AddDate(0, 0, 1)},
		{plan.RehearsalClock(now, now, math.Inf(1)), now.AddDate(0, 0, 1)},
	} {
		finishes(t, "Clock.Real", func() { tt.clock.Real(tt.at) })
	}
}
