package plan_test

import (
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
