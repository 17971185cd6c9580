package mail

import (
	"strings"
	"testing"
	"time"
)

func TestCalendarInvite(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	inv := CalendarInvite(Invite{
		UID:         "semester/2026-fall/kickoff",
		Summary:     "Ministerial meeting; all departments, Fall 2026",
		Description: "Agenda:\n1. Training\n2. Exchanges every two weeks, with sign-in and minutes, and a long line that must be folded to fit",
		Location:    "Student Activity Centre, room 1",
		Start:       time.Date(2026, 9, 15, 19, 0, 0, 0, loc),
		End:         time.Date(2026, 9, 15, 21, 0, 0, 0, loc),
		Organizer:   Address{Name: "Organization Department", Email: "organization@semesterflow.local"},
		Attendees:   []Address{{Name: "Sun \"Hao\"", Email: "sun.hao@example.edu"}},
		Stamp:       time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
	})
	if inv.ContentType != "text/calendar; method=REQUEST; charset=UTF-8" || inv.Filename != "invite.ics" {
		t.Errorf("attachment = %s %s", inv.Filename, inv.ContentType)
	}
	ics := string(inv.Data)
	unfolded := strings.ReplaceAll(ics, "\r\n ", "")
	for _, want := range []string{
		"METHOD:REQUEST\r\n",
		"DTSTART:20260915T110000Z\r\n",
		"DTEND:20260915T130000Z\r\n",
		"SUMMARY:Ministerial meeting\\; all departments\\, Fall 2026\r\n",
		"UID:semester/2026-fall/kickoff@semesterflow\r\n",
		"ATTENDEE;CN=\"Sun 'Hao'\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:sun.hao@example.edu\r\n",
	} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("invite lacks %q:\n%s", want, unfolded)
		}
	}
	for _, l := range strings.Split(ics, "\r\n") {
		if len(l) > 75 {
			t.Errorf("line longer than 75 octets: %q", l)
		}
	}
	if !strings.Contains(unfolded, "DESCRIPTION:Agenda:\\n1. Training\\n2.") {
		t.Errorf("line breaks in the description are not escaped:\n%s", ics)
	}
}

// A moved exchange's invite and a cancellation keep the event's UID and
// raise its SEQUENCE, so a calendar replaces or removes the event.
func TestCalendarInviteUpdateAndCancel(t *testing.T) {
	base := Invite{UID: "semester/2026-fall/exchanges/publicity/3", Summary: "Publicity Department: exchange 3",
		Start: time.Date(2026, 11, 12, 11, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 12, 12, 0, 0, 0, time.UTC),
		Organizer: Address{Name: "Organization Department", Email: "organization@semesterflow.local"}, Stamp: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	moved := base
	moved.Sequence = 1
	cancel := base
	cancel.Sequence, cancel.Cancelled = 2, true
	for _, c := range []struct {
		inv         Invite
		contentType string
		want        []string
	}{
		{moved, "text/calendar; method=REQUEST; charset=UTF-8", []string{"METHOD:REQUEST\r\n", "SEQUENCE:1\r\n", "STATUS:CONFIRMED\r\n", "UID:semester/2026-fall/exchanges/publicity/3@semesterflow\r\n"}},
		{cancel, "text/calendar; method=CANCEL; charset=UTF-8", []string{"METHOD:CANCEL\r\n", "SEQUENCE:2\r\n", "STATUS:CANCELLED\r\n", "UID:semester/2026-fall/exchanges/publicity/3@semesterflow\r\n"}},
	} {
		a := CalendarInvite(c.inv)
		if a.ContentType != c.contentType {
			t.Errorf("content type %q, want %q", a.ContentType, c.contentType)
		}
		for _, w := range c.want {
			if !strings.Contains(string(a.Data), w) {
				t.Errorf("lacks %q:\n%s", w, a.Data)
			}
		}
	}
}
