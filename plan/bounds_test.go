package plan_test

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"semesterflow/plan"
)

// loadExample is the example plan, decoded and valid.
func loadExample(t testing.TB) *plan.Plan {
	t.Helper()
	p, err := plan.Load("../examples/fall-term.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// finishes fails the test when f does not return within a second: a
// calendar that loops on a plan's numbers would hang the workflow.
func finishes(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatalf("%s did not return within a second", what)
	}
}

// every_weeks of 1317624576693539401 made 7*every_weeks*k overflow to a
// date before the end of the term on every step, so the calendar never
// returned. It now stops at the term's end whatever the numbers, even on a
// plan that was never validated.
func TestExchangeCalendarEndsWhateverTheRhythm(t *testing.T) {
	p := loadExample(t)
	x := *p.Exchanges
	p.Exchanges = &x
	p.Exchanges.SkipWeeksOf = nil
	for _, every := range []int{1317624576693539401, 1 << 62, 1000, 20, -3} {
		p.Exchanges.EveryWeeks = every
		var cal []plan.Meeting
		finishes(t, "ExchangeCalendar", func() { cal = p.ExchangeCalendar() })
		want := 1
		if every < 1 {
			want = 0
		}
		if len(cal) != want {
			t.Errorf("every %d weeks: %d exchanges, want %d (only the first fits)", every, len(cal), want)
		}
	}
}

// Validate runs in the term workflow on the plan it receives as JSON, where
// optional values may be absent. It must neither panic nor change the plan.
func TestValidateChangesNothingAndTakesAbsentDefaults(t *testing.T) {
	p := loadExample(t)
	p.Training.LateWindowDays = nil
	p.Training.SendTime = ""
	p.Evaluation.ExcusedWeight = nil
	before, _ := json.Marshal(p)
	copied := *p
	if err := p.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	after, _ := json.Marshal(p)
	if string(before) != string(after) || !reflect.DeepEqual(copied, *p) {
		t.Errorf("Validate changed the plan:\n%s\n%s", before, after)
	}
	s := p.OnboardingSchedule()
	if got := s.WindowCloses.Sub(s.Deadline); got != 7*24*time.Hour {
		t.Errorf("late window without late_window_days = %v, want the default 7 days", got)
	}
	if got := s.AssignAt.Format("15:04"); got != "09:00" {
		t.Errorf("assignments without send_time go out at %s, want 09:00", got)
	}
}

// An empty plan, as JSON may carry it, is refused without a panic.
func TestValidateAZeroPlan(t *testing.T) {
	var p plan.Plan
	err := p.Validate()
	if err == nil || !strings.Contains(err.Error(), "term.id: is empty") {
		t.Errorf("Validate = %v", err)
	}
	p.Months, p.Exchanges, p.Contest, p.Kickoff, p.Tasks, p.Evaluation = &plan.Months{}, &plan.Exchanges{}, &plan.Contest{}, &plan.Kickoff{}, &plan.Tasks{}, &plan.Evaluation{}
	if err := p.Validate(); err == nil {
		t.Error("a zero plan with every part validated")
	}
}

// Each part of a plan travels whole in its workflow's input. A part
// Temporal would refuse is refused by Decode, with its path and size,
// rather than by the start call with a gRPC error.
func TestDecodeRefusesAPlanTooLargeToStart(t *testing.T) {
	data, err := os.ReadFile("../examples/fall-term.yaml")
	if err != nil {
		t.Fatal(err)
	}
	long := "    - " + strings.Repeat("Long agenda. ", 3100) + "\n"
	text := strings.Replace(string(data), "  agenda:\n", "  agenda:\n"+strings.Repeat(long, 40), 1)
	_, err = plan.Decode([]byte(text))
	want := "plan has 1 problem:\n  - kickoff: 1.54 MB (1612545 bytes) as JSON, more than the 1.5 MB (1572864 bytes) one part of a plan may take: " +
		"it travels whole in its workflow's input, and Temporal refuses a payload over 2 MB"
	if err == nil || err.Error() != want {
		t.Errorf("Decode = %v\nwant %s", err, want)
	}
}

// minutes_due_days of 0 reads as the default in YAML, but a plan from JSON
// may carry it: the minutes of a long exchange would be due before it ends.
// FuzzCalendars found it.
func TestValidateRefusesMinutesDueBeforeTheExchangeEnds(t *testing.T) {
	p := loadExample(t)
	x := *p.Exchanges
	p.Exchanges = &x
	x.MinutesDueDays, x.DurationMinutes = 0, 300
	want := "plan has 1 problem:\n  - exchanges.minutes_due_days: makes the minutes of the exchange on 2026-10-13 due at 2026-10-13 23:59, before it ends at 2026-10-14 00:00"
	if err := p.Validate(); err == nil || err.Error() != want {
		t.Errorf("Validate = %v\nwant %s", err, want)
	}
}
