package plan_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"semesterflow/plan"
)

func TestExchangeCalendarSkipsWeeksAndKeepsLocalTime(t *testing.T) {
	p, err := plan.Load("../examples/fall-term.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range p.ExchangeCalendar() {
		got = append(got, m.Start.Format("01-02 15:04"))
	}
	// Every two weeks from 29 September; the National Day week (29 Sep to
	// 4 Oct) and the exam week of 4 January are left out.
	want := "10-13 19:00 10-27 19:00 11-10 19:00 11-24 19:00 12-08 19:00 12-22 19:00"
	if strings.Join(got, " ") != want {
		t.Errorf("exchanges = %s\nwant        %s", strings.Join(got, " "), want)
	}
	m := p.ExchangeCalendar()[0]
	if m.Number != 1 || m.SignInOpens.Format("15:04") != "18:30" || m.SignInCloses.Format("15:04") != "19:30" ||
		m.End.Format("15:04") != "20:00" || m.MinutesDue.Format("01-02 15:04") != "10-15 23:59" {
		t.Errorf("first exchange = %+v", m)
	}
}

func TestExchangeCalendarAcrossDaylightSaving(t *testing.T) {
	p, err := plan.Decode([]byte(`
term: {id: ws, name: WS, starts: 2026-10-01, ends: 2026-11-30, time_zone: Europe/Berlin}
leaders: [{name: A, email: a@example.edu}]
departments: [{id: d, name: D, head: {name: H, email: h@example.edu}, officers: [{name: O, email: o@example.edu}]}]
training: {sessions: [{title: T, at: "2026-10-02 18:00"}], deadline_days_after_start: 10}
exchanges: {first: "2026-10-20 18:00", every_weeks: 1}
`))
	if err != nil {
		t.Fatal(err)
	}
	cal := p.ExchangeCalendar()
	// Summer time ends on 25 October: the meeting stays at 18:00 local, so
	// the gap between the first two is a week and an hour.
	if cal[0].Start.Format("15:04 -0700") != "18:00 +0200" || cal[1].Start.Format("15:04 -0700") != "18:00 +0100" {
		t.Errorf("meetings at %s and %s", cal[0].Start, cal[1].Start)
	}
	if gap := cal[1].Start.Sub(cal[0].Start); gap != 7*24*time.Hour+time.Hour {
		t.Errorf("gap = %v, want 169h", gap)
	}
	if len(cal) != 6 {
		t.Errorf("%d weekly meetings from 20 Oct to 30 Nov, want 6", len(cal))
	}
}

func TestMonthCalendar(t *testing.T) {
	p, err := plan.Load("../examples/fall-term.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cal := p.MonthCalendar()
	if len(cal) != 4 {
		t.Fatalf("%d months, want 4", len(cal))
	}
	sep, dec := cal[0], cal[3]
	check := func(what string, got time.Time, want string) {
		t.Helper()
		if s := got.Format("2006-01-02 15:04"); s != want {
			t.Errorf("%s = %s, want %s", what, s, want)
		}
	}
	check("September opens", sep.Opens, "2026-09-01 09:00")
	check("September's theme", sep.ThemeDue, "2026-09-07 23:59")
	check("September's scores", sep.ScoresDue, "2026-09-20 23:59")
	check("September's summaries open", sep.SummariesOpen, "2026-10-01 09:00")
	check("September's summaries", sep.SummariesDue, "2026-10-03 23:59")
	check("December's summaries", dec.SummariesDue, "2027-01-03 23:59")
	if sep.Name != "September 2026" {
		t.Errorf("name = %q", sep.Name)
	}
}

func TestSecretary(t *testing.T) {
	p, err := plan.Load("../examples/fall-term.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Departments[0].Secretary().Email; got != "wu.tong@example.edu" {
		t.Errorf("secretary = %s, want the officer with the role Secretary", got)
	}
	d := p.Departments[0]
	d.Officers = d.Officers[:2]
	if got := d.Secretary().Email; got != d.Head.Email {
		t.Errorf("without a secretary = %s, want the head", got)
	}
}

// TestZeroWrittenIsHonoured: numbers written as 0 where 0 means something
// (plans due on the meeting's day, sign-in from the start, minutes due on
// the exchange's day, the contest checked for risk on its day and its
// results due that day, no late acknowledgements) are kept, not replaced
// by their defaults; numbers left out still get them.
func TestZeroWrittenIsHonoured(t *testing.T) {
	base := `
term: {id: 2026-fall, name: Fall, starts: 2026-09-01, ends: 2027-01-15, time_zone: Asia/Shanghai}
leaders: [{name: Li Wei, email: li.wei@example.edu}]
departments:
  - id: organization
    name: Organization Department
    head: {name: Zhou Min, email: zhou.min@example.edu}
    officers: [{name: Chen Jie, email: chen.jie@example.edu}]
training:
  sessions: [{title: Rules, at: "2026-09-03 19:00"}]
  deadline_days_after_start: 14
  %s
kickoff:
  at: "2026-09-15 19:00"
  agenda: [The term's plan]
  %s
exchanges:
  first: "2026-09-29 19:00"
  %s
contest:
  name: Knowledge Contest
  at: "2026-10-28 19:00"
  milestones: [{title: Questions, owner: chen.jie@example.edu, due: 2026-10-20}]
  %s
`
	zero, err := plan.Decode([]byte(fmt.Sprintf(base,
		"late_window_days: 0",
		"plans_due_days: 0",
		"sign_in_opens_minutes_before: 0\n  minutes_due_days: 0",
		"at_risk_days: 0\n  results_due_days: 0")))
	if err != nil {
		t.Fatal(err)
	}
	unset, err := plan.Decode([]byte(fmt.Sprintf(base, "", "", "", "")))
	if err != nil {
		t.Fatal(err)
	}
	type numbers struct{ late, plans, opens, closes, minutes, atRisk, results int }
	of := func(p *plan.Plan) numbers {
		return numbers{*p.Training.LateWindowDays, p.Kickoff.PlansDueDays, p.Exchanges.SignInOpensMinutesBefore,
			p.Exchanges.SignInClosesMinutesAfter, p.Exchanges.MinutesDueDays, p.Contest.AtRiskDays, p.Contest.ResultsDueDays}
	}
	if got, want := of(zero), (numbers{0, 0, 0, 30, 0, 0, 0}); got != want {
		t.Errorf("written as 0: %+v, want %+v", got, want)
	}
	if got, want := of(unset), (numbers{7, 7, 30, 30, 2, 7, 2}); got != want {
		t.Errorf("left out: %+v, want the defaults %+v", got, want)
	}
	m := zero.ExchangeCalendar()[0]
	if !m.SignInOpens.Equal(m.Start) || m.MinutesDue.Format("01-02 15:04") != "09-29 23:59" {
		t.Errorf("first exchange = %+v, want sign-in from its start and minutes due that day", m)
	}
	s := zero.OnboardingSchedule()
	if !s.WindowCloses.Equal(s.Deadline) {
		t.Errorf("late window closes %v, want at the deadline %v", s.WindowCloses, s.Deadline)
	}
	// As JSON, the way the term workflow takes it, the plan keeps them.
	b, err := json.Marshal(zero)
	if err != nil {
		t.Fatal(err)
	}
	var back plan.Plan
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := of(&back); got != of(zero) {
		t.Errorf("after JSON: %+v, want %+v", got, of(zero))
	}
}
