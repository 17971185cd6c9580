package plan

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Date is a calendar day written as YYYY-MM-DD, read in the term's time zone.
type Date string

// ClockTime is a time of day written as HH:MM (24-hour clock).
type ClockTime string

// LocalTime is a day and time written as "YYYY-MM-DD HH:MM" in the term's
// time zone.
type LocalTime string

const (
	dateLayout      = "2006-01-02"
	clockLayout     = "15:04"
	localTimeLayout = "2006-01-02 15:04"
)

// In returns the start of the day in loc.
func (d Date) In(loc *time.Location) (time.Time, error) {
	y, m, day, ok, why := readDate(string(d))
	if !ok {
		return time.Time{}, notA(string(d), "a date (want YYYY-MM-DD)", "a date", why)
	}
	return time.Date(y, m, day, 0, 0, 0, 0, loc), nil
}

// At returns the day at a time of day in loc. Both must be valid.
func (d Date) At(c ClockTime, loc *time.Location) time.Time {
	day, err := d.In(loc)
	if err != nil {
		panic("plan: " + err.Error())
	}
	return c.on(day)
}

// maxShiftDays keeps day arithmetic far from int overflow while covering
// the whole range of four-digit years.
const maxShiftDays = 4_000_000

// AddDays returns the date n days later. The result stays within the years
// 0000 to 9999, so it always reads back as a Date: a shift past either end
// stops there instead of writing a five-digit or negative year.
func (d Date) AddDays(n int) Date {
	y, m, day, ok, why := readDate(string(d))
	if !ok {
		panic("plan: " + notA(string(d), "a date (want YYYY-MM-DD)", "a date", why).Error())
	}
	n = max(-maxShiftDays, min(n, maxShiftDays))
	t := time.Date(y, m, day+n, 0, 0, 0, 0, time.UTC)
	switch {
	case t.Year() > 9999:
		return "9999-12-31"
	case t.Year() < 0:
		return "0000-01-01"
	}
	return Date(t.Format(dateLayout))
}

// notA words a parse error: the format when why is empty, else what does
// not exist, such as "February 2027 has 28 days".
func notA(s, format, what, why string) error {
	if why == "" {
		return fmt.Errorf("%q is not %s", s, format)
	}
	return fmt.Errorf("%q is not %s: %s", s, what, why)
}

// readDate reads YYYY-MM-DD. When it cannot, why says which part does not
// exist, or is empty when s is not in that format at all.
func readDate(s string) (y int, m time.Month, d int, ok bool, why string) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false, ""
	}
	y, okY := digits(s[0:4])
	mm, okM := digits(s[5:7])
	d, okD := digits(s[8:10])
	if !okY || !okM || !okD {
		return 0, 0, 0, false, ""
	}
	m = time.Month(mm)
	switch {
	case m < 1 || m > 12:
		return 0, 0, 0, false, "months go from 01 to 12"
	case d < 1:
		return 0, 0, 0, false, "days of the month start at 01"
	case d > daysIn(y, m):
		return 0, 0, 0, false, fmt.Sprintf("%s %04d has %d days", m, y, daysIn(y, m))
	}
	return y, m, d, true, ""
}

// daysIn counts the days of a month.
func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// digits reads a short run of ASCII digits, and nothing else, as a number.
func digits(s string) (int, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// readClock reads HH:MM; the hour may have one digit ("9:00"), as
// time.Parse allowed. why is as for readDate.
func readClock(s string) (hour, minute int, ok bool, why string) {
	h, m, found := strings.Cut(s, ":")
	hour, okH := digits(h)
	minute, okM := digits(m)
	switch {
	case !found || !okH || !okM || len(h) > 2 || len(m) != 2:
		return 0, 0, false, ""
	case hour > 23:
		return 0, 0, false, "hours go from 00 to 23"
	case minute > 59:
		return 0, 0, false, "minutes go from 00 to 59"
	}
	return hour, minute, true, ""
}

// parse checks the clock time and returns hours and minutes.
func (c ClockTime) parse() (hour, minute int, err error) {
	hour, minute, ok, why := readClock(string(c))
	if !ok {
		return 0, 0, notA(string(c), "a time of day (want HH:MM)", "a time of day", why)
	}
	return hour, minute, nil
}

// on places the clock time on the given day, keeping the day's location. A
// time that falls in a daylight-saving gap moves forward, as time.Date does.
func (c ClockTime) on(day time.Time) time.Time {
	h, m, err := c.parse()
	if err != nil {
		panic("plan: " + err.Error())
	}
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, day.Location())
}

// In returns the instant in loc.
func (l LocalTime) In(loc *time.Location) (time.Time, error) {
	const format, what = "a date and time (want YYYY-MM-DD HH:MM)", "a date and time"
	day, clock, found := strings.Cut(string(l), " ")
	clock = strings.TrimLeft(clock, " ") // time.Parse took several spaces
	if !found {
		return time.Time{}, notA(string(l), format, what, "")
	}
	y, m, d, ok, why := readDate(day)
	if !ok {
		return time.Time{}, notA(string(l), format, what, why)
	}
	h, mi, ok, why := readClock(clock)
	if !ok {
		return time.Time{}, notA(string(l), format, what, why)
	}
	return time.Date(y, m, d, h, mi, 0, 0, loc), nil
}

// Clock maps plan time, the dates and times written in the plan, to the real
// time of timers. Scale is how many plan seconds pass per real second: 1 in
// production, 86400 to rehearse one plan day per second. The anchors are the
// moment the mapping starts in each time line.
type Clock struct {
	PlanAnchor time.Time `json:"plan_anchor"`
	RealAnchor time.Time `json:"real_anchor"`
	Scale      float64   `json:"scale"`
}

// ProductionClock is the identity mapping: plan time is real time.
func ProductionClock(now time.Time) Clock {
	return Clock{PlanAnchor: now, RealAnchor: now, Scale: 1}
}

// RehearsalClock starts plan time at planStart when real time is now and
// runs it scale times faster.
func RehearsalClock(planStart, now time.Time, scale float64) Clock {
	return Clock{PlanAnchor: planStart, RealAnchor: now, Scale: scale}
}

// Real returns the real time at which plan time t happens, rounded up to
// the nanosecond so that a timer set for it never wakes before t in plan
// time: Plan(Real(t)) is never before t.
func (c Clock) Real(t time.Time) time.Time {
	r := c.RealAnchor.Add(time.Duration(math.Ceil(float64(t.Sub(c.PlanAnchor)) / c.scale())))
	// Rounding can leave r a few nanoseconds early. Doubling the step ends
	// the search in a few dozen steps even where a duration saturates (t
	// centuries away, or a huge scale) and Plan(r) never reaches t.
	for step := time.Nanosecond; c.Plan(r).Before(t) && step < time.Hour; step *= 2 {
		r = r.Add(step)
	}
	return r
}

// Plan returns the plan time at real time t.
func (c Clock) Plan(t time.Time) time.Time {
	return c.PlanAnchor.Add(time.Duration(float64(t.Sub(c.RealAnchor)) * c.scale()))
}

// RealDuration converts a span of plan time to real time.
func (c Clock) RealDuration(d time.Duration) time.Duration {
	return time.Duration(float64(d) / c.scale())
}

func (c Clock) scale() float64 {
	if c.Scale <= 0 {
		return 1
	}
	return c.Scale
}
