package plan

import (
	"sort"
	"time"
)

// OnboardingSchedule is when onboarding's emails go out and its window
// closes, in plan time.
type OnboardingSchedule struct {
	AssignAt     time.Time  `json:"assign_at"`
	Reminders    []Reminder `json:"reminders"`
	Deadline     time.Time  `json:"deadline"`
	WindowCloses time.Time  `json:"window_closes"`
}

// Reminder is one reminder before a deadline.
type Reminder struct {
	At time.Time `json:"at"`
	// DaysLeft counts whole days to the deadline; 0 is the deadline's day.
	DaysLeft int `json:"days_left"`
}

// OnboardingSchedule computes onboarding's times from a valid plan.
// Reminders come out in time order. Times and the late window the plan
// leaves out count as their defaults.
func (p *Plan) OnboardingSchedule() OnboardingSchedule {
	loc := p.Location()
	t := p.Training
	deadlineTime := orDefault(t.DeadlineTime, DefaultDeadlineTime)
	send := orDefault(t.SendTime, DefaultSendTime)
	assignDay := p.Term.Starts
	if t.AssignOn != nil {
		assignDay = *t.AssignOn
	}
	deadlineDay := p.Term.Starts.AddDays(t.DeadlineDaysAfterStart)
	s := OnboardingSchedule{
		AssignAt: assignDay.At(send, loc),
		Deadline: deadlineDay.At(deadlineTime, loc),
	}
	// The late window ends at the same time of day, n calendar days later,
	// so it stays put across a daylight-saving change.
	s.WindowCloses = deadlineDay.AddDays(t.lateWindowDays()).At(deadlineTime, loc)
	days := append([]int(nil), t.RemindDaysBefore...)
	sort.Sort(sort.Reverse(sort.IntSlice(days)))
	for _, d := range days {
		s.Reminders = append(s.Reminders, Reminder{At: deadlineDay.AddDays(-max(d, -maxShiftDays)).At(send, loc), DaysLeft: d})
	}
	return s
}

// JoinerSchedule is onboarding's schedule for officers who join at joined,
// after the officer list was final: assigned at once, with every reminder,
// the deadline and the late window as many calendar days later as they
// joined after the assignment day, at the same local times.
func (p *Plan) JoinerSchedule(joined time.Time) OnboardingSchedule {
	s := p.OnboardingSchedule()
	loc := p.Location()
	days := 0
	if joined.After(s.AssignAt) {
		a, j := s.AssignAt.In(loc), joined.In(loc)
		days = int(time.Date(j.Year(), j.Month(), j.Day(), 12, 0, 0, 0, time.UTC).Sub(time.Date(a.Year(), a.Month(), a.Day(), 12, 0, 0, 0, time.UTC)).Hours() / 24)
	}
	shift := func(t time.Time) time.Time { return t.In(loc).AddDate(0, 0, days) }
	out := OnboardingSchedule{AssignAt: joined, Deadline: shift(s.Deadline), WindowCloses: shift(s.WindowCloses)}
	for _, r := range s.Reminders {
		out.Reminders = append(out.Reminders, Reminder{At: shift(r.At), DaysLeft: r.DaysLeft})
	}
	if out.AssignAt.Before(s.AssignAt) {
		out.AssignAt = s.AssignAt
	}
	return out
}
