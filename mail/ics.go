package mail

import (
	"fmt"
	"strings"
	"time"
)

// Invite is a meeting to put in people's calendars.
type Invite struct {
	// UID identifies the event across updates, e.g. "semester/2026-fall/kickoff".
	UID         string
	Sequence    int
	Summary     string
	Description string
	Location    string
	Start, End  time.Time
	Organizer   Address
	Attendees   []Address
	// Stamp is when the invite was made; callers pass a fixed time so that a
	// retried send produces the same file.
	Stamp time.Time
	// Cancelled makes it a cancellation (METHOD:CANCEL) of the event with
	// the same UID; its Sequence must be above the last invite's.
	Cancelled bool
}

// CalendarInvite renders an iCalendar (RFC 5545) request, the attachment
// that calendar programs offer to accept. Times are written in UTC, so no
// time zone definitions are needed.
func CalendarInvite(inv Invite) Attachment {
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s)); b.WriteString("\r\n") }
	utc := func(t time.Time) string { return t.UTC().Format("20060102T150405Z") }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//semesterflow//EN")
	method, status := "REQUEST", "CONFIRMED"
	if inv.Cancelled {
		method, status = "CANCEL", "CANCELLED"
	}
	line("METHOD:" + method)
	line("CALSCALE:GREGORIAN")
	line("BEGIN:VEVENT")
	line("UID:" + escapeText(inv.UID) + "@semesterflow")
	line(fmt.Sprintf("SEQUENCE:%d", inv.Sequence))
	line("DTSTAMP:" + utc(inv.Stamp))
	line("DTSTART:" + utc(inv.Start))
	line("DTEND:" + utc(inv.End))
	line("SUMMARY:" + escapeText(inv.Summary))
	if inv.Location != "" {
		line("LOCATION:" + escapeText(inv.Location))
	}
	if inv.Description != "" {
		line("DESCRIPTION:" + escapeText(inv.Description))
	}
	line("ORGANIZER;CN=" + paramText(inv.Organizer.Name) + ":mailto:" + inv.Organizer.Email)
	for _, a := range inv.Attendees {
		line("ATTENDEE;CN=" + paramText(a.Name) + ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:" + a.Email)
	}
	line("STATUS:" + status)
	line("END:VEVENT")
	line("END:VCALENDAR")
	return Attachment{Filename: "invite.ics", ContentType: "text/calendar; method=" + method + "; charset=UTF-8", Data: []byte(b.String())}
}

// escapeText escapes a TEXT value (RFC 5545 3.3.11).
func escapeText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`)
	return r.Replace(s)
}

// paramText quotes a parameter value, which may not contain quotes.
func paramText(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, "'") + `"`
}

// fold breaks a content line into lines of at most 75 octets, continuing
// with a space, without splitting a UTF-8 character.
func fold(s string) string {
	if len(s) <= 75 {
		return s
	}
	var b strings.Builder
	width := 0
	for _, r := range s {
		n := len(string(r))
		if width+n > 75 {
			b.WriteString("\r\n ")
			width = 1
		}
		b.WriteRune(r)
		width += n
	}
	return b.String()
}
