package plan

import (
	"strings"
	"testing"
	"time"
)

func TestExchangeMovedAndCancelledKeepTheOthersNumbers(t *testing.T) {
	p := loadExample(t)
	before := p.ExchangeCalendar()
	p.Exchanges.Changes = []ExchangeChange{
		{Number: 3, To: "2026-11-12 19:00", Where: "Room 101"},
		{Number: 4, Cancelled: true},
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	after := p.ExchangeCalendar()
	if len(after) != len(before)-1 {
		t.Fatalf("%d exchanges after, want %d", len(after), len(before)-1)
	}
	byNumber := map[int]Meeting{}
	for _, m := range after {
		byNumber[m.Number] = m
	}
	if _, ok := byNumber[4]; ok {
		t.Error("exchange 4 is still on the calendar")
	}
	m3 := byNumber[3]
	if m3.Start.In(p.Location()).Format("2006-01-02 15:04") != "2026-11-12 19:00" || m3.Where != "Room 101" ||
		m3.End.Sub(m3.Start) != before[2].End.Sub(before[2].Start) || m3.SignInOpens.After(m3.Start) {
		t.Errorf("moved exchange 3: %+v", m3)
	}
	if !byNumber[5].Start.Equal(before[4].Start) || !byNumber[2].Start.Equal(before[1].Start) {
		t.Error("the other exchanges moved")
	}
}

func TestExchangeChangesAreChecked(t *testing.T) {
	for _, c := range []struct {
		changes []ExchangeChange
		want    string
	}{
		{[]ExchangeChange{{Number: 99, Cancelled: true}}, "exchanges.changes[0].number: is 99; the calendar has exchanges 1 to"},
		{[]ExchangeChange{{Number: 2, Cancelled: true}, {Number: 2, Where: "Hall"}}, "exchanges.changes[1].number: exchange 2 is changed twice"},
		{[]ExchangeChange{{Number: 2, Cancelled: true, To: "2026-10-20 19:00"}}, "exchanges.changes[0]: cancels exchange 2 and moves it too"},
		{[]ExchangeChange{{Number: 2}}, "changes nothing of exchange 2"},
		{[]ExchangeChange{{Number: 2, To: "2026-12-30 19:00"}}, "exchanges.changes[0].to: 2026-12-30 19:00 is not before exchange 3"},
		{[]ExchangeChange{{Number: 2, To: "2026-10-13"}}, "exchanges.changes[0].to"},
	} {
		p := loadExample(t)
		p.Exchanges.Changes = c.changes
		err := p.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.changes, err, c.want)
		}
	}
}

// From the series change on, the exchanges follow its day, time, rhythm
// and place; those before keep theirs, and the numbers follow on.
func TestExchangeSeriesChangesFromAnExchangeOn(t *testing.T) {
	p := loadExample(t)
	before := p.ExchangeCalendar()
	loc := p.Location()
	day := func(m Meeting) string { return m.Start.In(loc).Format("2006-01-02 15:04") }
	cut := before[2].Start.In(loc).AddDate(0, 0, 1) // the day after exchange 3
	first := LocalTime(cut.Format("2006-01-02") + " 18:30")
	p.Exchanges.From = []ExchangeSeries{{First: first, EveryWeeks: 3, Where: "Room 204"}}
	p.Exchanges.Changes = []ExchangeChange{{Number: 5, Where: "The hall"}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	after := p.ExchangeCalendar()
	for i := range 3 {
		if !after[i].Start.Equal(before[i].Start) || after[i].Where != "" {
			t.Errorf("exchange %d moved to %s at %q; it comes before the change", i+1, day(after[i]), after[i].Where)
		}
	}
	if day(after[3]) != string(first) || after[3].Number != 4 || after[3].Where != "Room 204" {
		t.Errorf("exchange 4 = %s at %q, want %s in Room 204", day(after[3]), after[3].Where, first)
	}
	if len(after) < 5 || after[4].Start.Sub(after[3].Start) != 21*24*time.Hour || after[4].Where != "The hall" {
		t.Fatalf("exchange 5 = %+v; want three weeks after exchange 4, in the hall (its own change)", after[4])
	}
	for _, m := range after[5:] {
		if m.Where != "Room 204" || m.Start.In(loc).Format("15:04") != "18:30" {
			t.Errorf("exchange %d = %s at %q, want 18:30 in Room 204", m.Number, day(m), m.Where)
		}
	}
}

func TestExchangeSeriesChangesAreChecked(t *testing.T) {
	for _, c := range []struct {
		from []ExchangeSeries
		want string
	}{
		{[]ExchangeSeries{{First: "2026-08-01 19:00"}}, "exchanges.from[0].first"},
		{[]ExchangeSeries{{First: "2026-11-03 19:00"}, {First: "2026-10-20 19:00"}}, "exchanges.from[1].first: 2026-10-20 19:00 is not after exchanges.from[0].first (2026-11-03 19:00)"},
		{[]ExchangeSeries{{First: "2026-11-03 19:00", EveryWeeks: 99}}, "exchanges.from[0].every_weeks: must be from 1 to"},
		{[]ExchangeSeries{{First: "2026-11-03", EveryWeeks: 1}}, "exchanges.from[0].first"},
	} {
		p := loadExample(t)
		p.Exchanges.From = c.from
		err := p.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("from %+v: error %v, want %q", c.from, err, c.want)
		}
	}
}
