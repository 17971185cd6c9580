package plan_test

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"semesterflow/plan"
)

// Run a target with, for example:
//
//	go test ./plan -run '^$' -fuzz '^FuzzDecode$' -fuzztime 60s
//
// Without -fuzz, the seeds below and testdata/fuzz run as ordinary tests.

// seedFiles are every plan under examples/ and testdata/, good and bad.
func seedFiles(f *testing.F) [][]byte {
	f.Helper()
	var files []string
	for _, pattern := range []string{"../examples/*.yaml", "testdata/good/*.yaml", "testdata/bad/*.yaml"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	if len(files) < 10 {
		f.Fatalf("only %d seed plans", len(files))
	}
	var out [][]byte
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// FuzzDecode feeds arbitrary bytes to Decode: it must not panic or hang, a
// refused plan must say where each problem is, and a plan it accepts must
// have calendars that end and are in order, and survive the trip through
// JSON that takes it to the term workflow.
func FuzzDecode(f *testing.F) {
	for _, data := range seedFiles(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := plan.Decode(data)
		if err != nil {
			if p != nil {
				t.Fatal("Decode returned a plan with an error")
			}
			checkProblems(t, err)
			return
		}
		checkValidPlan(t, p)
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("a valid plan does not encode as JSON: %v", err)
		}
		var q plan.Plan
		if err := json.Unmarshal(b, &q); err != nil {
			t.Fatal(err)
		}
		if err := q.Validate(); err != nil {
			t.Fatalf("the plan is valid, but not after the trip to the workflow as JSON: %v", err)
		}
	})
}

// FuzzValidate validates plans as the term workflow receives them, as JSON:
// any of them, defaults absent or not, without a panic and without changing
// the plan.
func FuzzValidate(f *testing.F) {
	for _, data := range seedFiles(f) {
		if p, err := plan.Decode(data); err == nil {
			b, _ := json.Marshal(p)
			f.Add(b)
		}
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"term":{"id":"x","name":"X","starts":"2026-09-01","ends":"2026-12-31","time_zone":"UTC"},"training":{"deadline_days_after_start":3000000},"exchanges":{"first":"2026-09-02 10:00","every_weeks":1317624576693539401},"evaluation":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p plan.Plan
		if json.Unmarshal(data, &p) != nil {
			return
		}
		before, _ := json.Marshal(p)
		err := p.Validate()
		if after, _ := json.Marshal(p); string(before) != string(after) {
			t.Fatalf("Validate changed the plan:\n%s\n%s", before, after)
		}
		if err != nil {
			checkProblems(t, err)
			return
		}
		checkValidPlan(t, &p)
	})
}

// FuzzCalendars sets the example plan's numbers at random. Whatever they
// are, the calendars end without a panic; when the plan is valid they are
// in order and within the term.
func FuzzCalendars(f *testing.F) {
	f.Add(16, 7, 2, 0, int64(2), 60, 30, 30, 2, 7, 5, 7, 15, 20, 3, 7, 2)
	f.Add(3000000, 3000000, 800000, 0, int64(1317624576693539401), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	f.Add(1, 0, 0, 1, int64(1000), 1440, 1440, 1440, 136, 136, 28, 28, 28, 28, 28, 136, 136)
	f.Add(-1, -1, -1, -1, int64(-1), -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)
	f.Add(math.MaxInt, math.MinInt, math.MinInt, math.MaxInt, int64(math.MaxInt64), math.MaxInt, math.MinInt, math.MaxInt, math.MaxInt, math.MaxInt, math.MaxInt, math.MinInt, math.MaxInt, math.MinInt, math.MaxInt, math.MaxInt, math.MinInt)
	example := loadExample(f)
	check := func(t *testing.T, deadline, late, remind0, remind1 int, every int64, duration, opens, closes, minutesDue, plansDue,
		recDay, themeDay, entriesDay, scoresDay, summaryDay, atRisk, resultsDue int) {
		p := *example
		k, x, m, c := *p.Kickoff, *p.Exchanges, *p.Months, *p.Contest
		p.Kickoff, p.Exchanges, p.Months, p.Contest = &k, &x, &m, &c
		p.Training.DeadlineDaysAfterStart = deadline
		p.Training.LateWindowDays = &late
		p.Training.RemindDaysBefore = []int{remind0, remind1}
		x.EveryWeeks, x.DurationMinutes, x.SignInOpensMinutesBefore, x.SignInClosesMinutesAfter, x.MinutesDueDays =
			int(every), duration, opens, closes, minutesDue
		k.PlansDueDays = plansDue
		m.RecommendationsDueDay, m.ThemeDueDay, m.EntriesDueDay, m.ScoresDueDay, m.SummaryDueDay = recDay, themeDay, entriesDay, scoresDay, summaryDay
		c.AtRiskDays, c.ResultsDueDays = atRisk, resultsDue
		if err := p.Validate(); err != nil {
			checkProblems(t, err)
			// Even unchecked numbers must not hang or panic a calendar.
			p.ExchangeCalendar()
			p.MonthCalendar()
			p.OnboardingSchedule()
			return
		}
		checkValidPlan(t, &p)
	}
	f.Fuzz(func(t *testing.T, deadline, late, remind0, remind1 int, every int64, duration, opens, closes, minutesDue, plansDue,
		recDay, themeDay, entriesDay, scoresDay, summaryDay, atRisk, resultsDue int) {
		check(t, deadline, late, remind0, remind1, every, duration, opens, closes, minutesDue, plansDue,
			recDay, themeDay, entriesDay, scoresDay, summaryDay, atRisk, resultsDue)
		// The same numbers folded into the ranges a plan allows, so that
		// many more of them make a valid plan whose calendars are checked.
		fold := func(v, n int) int { return (v%n + n) % n }
		check(t, 1+fold(deadline, 140), fold(late, 30), fold(remind0, 20), fold(remind1, 20), int64(1+fold(int(every%1000), 20)),
			1+fold(duration, 1440), fold(opens, 1441), fold(closes, 1441), fold(minutesDue, 10), fold(plansDue, 30),
			1+fold(recDay, 28), 1+fold(themeDay, 28), 1+fold(entriesDay, 28), 1+fold(scoresDay, 28), 1+fold(summaryDay, 28), fold(atRisk, 30), fold(resultsDue, 10))
	})
}

// FuzzClock maps random instants through random clocks: Real must end, and
// within the range a term spans a timer set for Real(t) never wakes before t.
func FuzzClock(f *testing.F) {
	f.Add(int64(0), int64(0), 86400.0, int64(3600))
	f.Add(int64(0), int64(1e9), 1.0, int64(1<<62))
	f.Add(int64(-1<<62), int64(1<<62), 1e300, int64(1<<62))
	f.Fuzz(func(t *testing.T, planAnchor, realAnchor int64, scale float64, offset int64) {
		c := plan.RehearsalClock(time.Unix(0, planAnchor), time.Unix(0, realAnchor), scale)
		at := time.Unix(0, planAnchor).Add(time.Duration(offset))
		r := c.Real(at)
		const year = 366 * 24 * time.Hour
		if scale >= 1 && scale <= 1e6 && time.Duration(offset).Abs() < 10*year && time.Duration(realAnchor-planAnchor).Abs() < 100*year {
			if got := c.Plan(r); got.Before(at) {
				t.Fatalf("Plan(Real(%v)) = %v, before it", at, got)
			}
		}
	})
}

// checkProblems checks a refusal: problems, each saying what and where.
func checkProblems(t *testing.T, err error) {
	t.Helper()
	var verr *plan.ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) == 0 {
		t.Fatalf("error %v (%T) is not a list of problems", err, err)
	}
	for _, pr := range verr.Problems {
		where := pr.Path != "" || strings.Contains(pr.Message, "line ") ||
			strings.HasPrefix(pr.Message, "the plan") || strings.HasPrefix(pr.Message, "the file")
		if pr.Message == "" || !where {
			t.Fatalf("problem %q does not say where it is", pr.String())
		}
	}
}

// checkValidPlan checks that a valid plan's calendars are in order and lie
// within the term.
func checkValidPlan(t *testing.T, p *plan.Plan) {
	t.Helper()
	if err := p.Validate(); err != nil {
		t.Fatalf("a plan Decode accepted does not validate: %v", err)
	}
	loc := p.Location()
	start, _ := p.Term.Starts.In(loc)
	end, _ := p.Term.Ends.In(loc)
	endOfTerm := end.AddDate(0, 0, 1)
	inTerm := func(what string, at time.Time) {
		t.Helper()
		if at.Before(start) || !at.Before(endOfTerm) {
			t.Fatalf("%s at %v is outside the term %s to %s", what, at, p.Term.Starts, p.Term.Ends)
		}
	}
	before := func(what string, a, b time.Time) {
		t.Helper()
		if !a.Before(b) {
			t.Fatalf("%s: %v is not before %v", what, a, b)
		}
	}

	s := p.OnboardingSchedule()
	inTerm("the assignment", s.AssignAt)
	inTerm("the late window's end", s.WindowCloses)
	before("assignment and deadline", s.AssignAt, s.Deadline)
	if s.WindowCloses.Before(s.Deadline) {
		t.Fatalf("the late window closes at %v, before the deadline %v", s.WindowCloses, s.Deadline)
	}
	last := s.AssignAt
	for _, r := range s.Reminders {
		before("reminders in order, after the assignment", last, r.At)
		last = r.At
	}
	if len(s.Reminders) > 0 {
		before("the last reminder and the deadline", last, s.Deadline)
	}

	if p.Exchanges != nil {
		cal := p.ExchangeCalendar()
		if len(cal) == 0 || len(cal) > plan.MaxTermDays/7+1 {
			t.Fatalf("%d exchanges", len(cal))
		}
		for i, m := range cal {
			if m.Number != i+1 {
				t.Fatalf("exchange %d has number %d", i+1, m.Number)
			}
			inTerm("an exchange", m.Start)
			before("an exchange's start and end", m.Start, m.End)
			if m.SignInOpens.After(m.Start) || m.SignInCloses.Before(m.Start) || m.MinutesDue.Before(m.End) {
				t.Fatalf("exchange %+v is out of order", m)
			}
			if i > 0 {
				before("one exchange's sign-in and the next's", cal[i-1].SignInCloses, m.SignInOpens)
			}
		}
	}
	if p.Months != nil {
		cal := p.MonthCalendar()
		if len(cal) != len(p.Months.Run) {
			t.Fatalf("%d months for %d in months.run", len(cal), len(p.Months.Run))
		}
		for _, m := range cal {
			inTerm(m.ID+" opening", m.Opens)
			inTerm(m.ID+"'s summaries", m.SummariesDue)
			before(m.ID+" opens before recommendations", m.Opens, m.RecommendationsDue)
			before(m.ID+" opens before entries", m.Opens, m.EntriesDue)
			before(m.ID+"'s summaries open before they are due", m.SummariesOpen, m.SummariesDue)
			if m.ThemeDue.Before(m.RecommendationsDue) || m.ScoresDue.Before(m.EntriesDue) {
				t.Fatalf("%s is out of order: %+v", m.ID, m)
			}
		}
	}
	c := plan.RehearsalClock(start, time.Now(), 86400)
	for _, at := range []time.Time{s.AssignAt, s.Deadline, s.WindowCloses} {
		if c.Plan(c.Real(at)).Before(at) {
			t.Fatalf("a timer for %v would wake early", at)
		}
	}
}

// FuzzExchangeSeries changes the example's exchange series twice, at random
// times with random rhythms. The calendar always ends; when the plan is
// valid its exchanges are numbered 1, 2, ... in order of time, within the
// term.
func FuzzExchangeSeries(f *testing.F) {
	f.Add(int64(60*24*30), 1, int64(60*24*50), 3)
	f.Add(int64(0), 0, int64(-1), -1)
	f.Add(int64(math.MaxInt64), math.MaxInt, int64(math.MinInt64), math.MinInt)
	example := loadExample(f)
	f.Fuzz(func(t *testing.T, firstMinutes int64, firstEvery int, secondMinutes int64, secondEvery int) {
		p := *example
		x := *p.Exchanges
		p.Exchanges = &x
		loc := p.Location()
		base, err := x.First.In(loc)
		if err != nil {
			t.Fatal(err)
		}
		at := func(minutes int64) plan.LocalTime {
			minutes %= 60 * 24 * 400
			return plan.LocalTime(base.Add(time.Duration(minutes) * time.Minute).Format("2006-01-02 15:04"))
		}
		x.From = []plan.ExchangeSeries{{First: at(firstMinutes), EveryWeeks: firstEvery}, {First: at(secondMinutes), EveryWeeks: secondEvery, Where: "Room 204"}}
		cal := p.ExchangeCalendar()
		if p.Validate() != nil {
			return
		}
		checkValidPlan(t, &p)
		start, _ := p.Term.Starts.In(loc)
		end, _ := p.Term.Ends.In(loc)
		for i, m := range cal {
			if m.Number != i+1 || m.Start.Before(start) || !m.Start.Before(end.AddDate(0, 0, 1)) || i > 0 && !m.Start.After(cal[i-1].Start) {
				t.Fatalf("exchange %d (numbered %d) at %v is out of order or outside the term", i+1, m.Number, m.Start)
			}
		}
	})
}
