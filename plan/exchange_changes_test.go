package plan

import (
	"strings"
	"testing"
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
