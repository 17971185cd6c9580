package plan

import (
	"testing"
	"time"
)

func TestJoinerScheduleCountsFromTheDayTheyJoined(t *testing.T) {
	p := loadExample(t)
	loc := p.Location()
	format := func(tm time.Time) string { return tm.In(loc).Format("2006-01-02 15:04") }
	joined := time.Date(2026, 9, 10, 10, 0, 0, 0, loc) // three days after the assignment day
	s := p.JoinerSchedule(joined)
	if format(s.AssignAt) != "2026-09-10 10:00" || format(s.Deadline) != "2026-09-20 23:59" || format(s.WindowCloses) != "2026-09-27 23:59" {
		t.Errorf("assigned %s, deadline %s, window closes %s", format(s.AssignAt), format(s.Deadline), format(s.WindowCloses))
	}
	if len(s.Reminders) != 2 || format(s.Reminders[0].At) != "2026-09-18 09:00" || format(s.Reminders[1].At) != "2026-09-20 09:00" || s.Reminders[0].DaysLeft != 2 {
		t.Errorf("reminders %+v", s.Reminders)
	}
	early := p.JoinerSchedule(time.Date(2026, 9, 2, 12, 0, 0, 0, loc))
	if base := p.OnboardingSchedule(); !early.AssignAt.Equal(base.AssignAt) || !early.Deadline.Equal(base.Deadline) {
		t.Errorf("joining before the officer list is final: %+v, want the plan's schedule %+v", early, base)
	}
}
