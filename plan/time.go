package plan

import (
	"fmt"
	"math"
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
	t, err := time.ParseInLocation(dateLayout, string(d), loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD)", string(d))
	}
	return t, nil
}

// At returns the day at a time of day in loc. Both must be valid.
func (d Date) At(c ClockTime, loc *time.Location) time.Time {
	day, err := d.In(loc)
	if err != nil {
		panic("plan: " + err.Error())
	}
	return c.on(day)
}

// AddDays returns the date n days later.
func (d Date) AddDays(n int) Date {
	t, err := time.Parse(dateLayout, string(d))
	if err != nil {
		panic("plan: " + err.Error())
	}
	return Date(t.AddDate(0, 0, n).Format(dateLayout))
}

// parse checks the clock time and returns hours and minutes.
func (c ClockTime) parse() (hour, minute int, err error) {
	t, err := time.Parse(clockLayout, string(c))
	if err != nil {
		return 0, 0, fmt.Errorf("%q is not a time of day (want HH:MM)", string(c))
	}
	return t.Hour(), t.Minute(), nil
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
	t, err := time.ParseInLocation(localTimeLayout, string(l), loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date and time (want YYYY-MM-DD HH:MM)", string(l))
	}
	return t, nil
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
	for c.Plan(r).Before(t) {
		r = r.Add(time.Nanosecond)
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

// HumanTime writes an instant the way people read it, in the named time
// zone whatever zone t carries: "Thu 17 Sep 2026, 23:59 (Asia/Shanghai)".
// Times that crossed JSON keep only an offset, which is wrong across a
// daylight-saving change, so callers pass the term's zone by name.
func HumanTime(t time.Time, timeZone string) string {
	loc, err := time.LoadLocation(timeZone)
	if err != nil {
		return t.UTC().Format("Mon 2 Jan 2006, 15:04") + " (UTC)"
	}
	return t.In(loc).Format("Mon 2 Jan 2006, 15:04") + " (" + timeZone + ")"
}
