package activities_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"semesterflow/contract"
	"semesterflow/internal/testenv"
	"semesterflow/plan"
	"semesterflow/store"
)

// exchangeRig runs the exchange activities on a rig, for a term whose ID
// is the rig's tag.
type exchangeRig struct {
	*rig
	termID string
	head   plan.Person
	people []plan.Person // the officers; the last is the secretary
}

func newExchangeRig(t *testing.T) *exchangeRig {
	t.Helper()
	r := &exchangeRig{rig: newRig(t)}
	r.termID, r.head = r.tag, r.person("Sun Hao")
	for _, n := range []string{"Ma Li", "Guo Rui", "He Xin"} {
		r.people = append(r.people, r.person(n))
	}
	return r
}

func (r *exchangeRig) invitation() contract.NotifyExchangeInput {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	start := time.Date(2026, 11, 10, 19, 0, 0, 0, loc)
	return contract.NotifyExchangeInput{
		TermID: r.termID, TermName: "Fall term 2026", TimeZone: plan.MustZone("Asia/Shanghai"),
		DepartmentID: "publicity", DepartmentName: "Publicity Department", Where: "Meeting room 2",
		Meeting: plan.Meeting{Number: 3, Span: plan.Span{Start: start, End: start.Add(time.Hour)},
			SignInOpens: start.Add(-30 * time.Minute), SignInCloses: start.Add(30 * time.Minute),
			MinutesDue: time.Date(2026, 11, 12, 23, 59, 0, 0, loc)},
		Total: 6, Secretary: r.people[2],
		Recipients: append(append([]plan.Person(nil), r.people...), r.head),
		Head:       r.head.Email,
		Stamp:      time.Date(2026, 11, 7, 9, 0, 0, 0, loc),
	}
}

func TestExchangeInvitationWithCalendarInviteArrivesOnce(t *testing.T) {
	r := newExchangeRig(t)
	in := r.invitation()
	results := []contract.DeliveryResult{r.deliver(r.acts.NotifyExchange, in), r.deliver(r.acts.NotifyExchange, in)}
	if results[0].Sent != 4 || results[1].Sent != 0 || results[1].AlreadySent != 4 {
		t.Errorf("runs = %+v, want 4 sent then 4 already sent", results)
	}

	var invites []string
	for _, p := range in.Recipients {
		msg := r.only(p.Email)
		if msg.Subject != "Publicity Department: exchange 3 on Tue 10 Nov 2026, 19:00 (Asia/Shanghai)" {
			t.Errorf("subject %q", msg.Subject)
		}
		command := "sign-in --term " + r.termID + " --email " + p.Email
		isOfficer := p.Email != r.head.Email
		if strings.Contains(msg.Text, command) != isOfficer {
			t.Errorf("%s's email has the sign-in command: %v, want %v", p.Name, !isOfficer, isOfficer)
		}
		if isSecretary := strings.Contains(msg.Text, "You take the minutes"); isSecretary != (p.Email == in.Secretary.Email) {
			t.Errorf("%s's email says they take the minutes: %v", p.Name, isSecretary)
		}
		if len(msg.Attachments) != 1 || !strings.HasPrefix(msg.Attachments[0].ContentType, "text/calendar") {
			t.Fatalf("%s's attachments = %+v, want one text/calendar", p.Name, msg.Attachments)
		}
		invites = append(invites, attachment(t, r.mailpit, msg.ID, msg.Attachments[0].PartID))
	}
	ics := strings.ReplaceAll(invites[0], "\r\n ", "")
	for _, want := range []string{
		"METHOD:REQUEST\r\n",
		"UID:semester/" + r.termID + "/exchanges/publicity/3@semesterflow\r\n",
		"DTSTAMP:20261107T010000Z\r\n",
		"DTSTART:20261110T110000Z\r\n",
		"DTEND:20261110T120000Z\r\n",
		"LOCATION:Meeting room 2\r\n",
		"mailto:" + r.head.Email + "\r\n",
	} {
		if !strings.Contains(ics, want) {
			t.Errorf("calendar invite lacks %q:\n%s", want, ics)
		}
	}
	if n := strings.Count(ics, "ATTENDEE;"); n != 4 {
		t.Errorf("invite lists %d attendees, want 4", n)
	}
	for i, other := range invites[1:] {
		if other != invites[0] {
			t.Errorf("invite %d differs from the first; every recipient should get the same event", i+1)
		}
	}

	meetings, err := r.store.Meetings(context.Background(), r.termID, "publicity")
	if err != nil {
		t.Fatal(err)
	}
	if len(meetings) != 1 || meetings[0].Number != 3 || !meetings[0].StartsAt.Equal(in.Meeting.Start) || meetings[0].Place != "Meeting room 2" {
		t.Errorf("meetings = %+v, want exchange 3 once", meetings)
	}
}

// attachment downloads one part of a message from Mailpit.
func attachment(t *testing.T, mp *testenv.Mailpit, id, part string) string {
	t.Helper()
	resp, err := http.Get(mp.API + "/api/v1/message/" + url.PathEscape(id) + "/part/" + url.PathEscape(part))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("attachment %s/%s: %s %v", id, part, resp.Status, err)
	}
	return string(body)
}

func TestRecordAttendanceTwiceWritesOnce(t *testing.T) {
	r := newExchangeRig(t)
	ctx := context.Background()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	signed := time.Date(2026, 11, 10, 18, 47, 0, 0, loc)
	in := contract.RecordMeetingAttendanceInput{
		TermID: r.termID, DepartmentID: "publicity", MeetingNumber: 3, At: signed.Add(43 * time.Minute),
		Records: []contract.AttendanceRecord{
			{Email: r.people[0].Email, Status: contract.AttendancePresent, SignedInAt: &signed},
			{Email: r.people[1].Email, Status: contract.AttendanceExcused, Reason: "Exam"},
			{Email: r.people[2].Email, Status: contract.AttendanceAbsent},
		},
		Actions: []contract.AttendanceAction{
			{Key: "update/excuse-1", Email: r.people[1].Email, Action: contract.ActionExcuse, Reason: "Exam", At: signed.Add(-24 * time.Hour)},
			{Key: "update/sign-in-1", Email: r.people[0].Email, Action: contract.ActionSignIn, At: signed},
		},
	}
	for range 2 {
		if _, err := r.env.ExecuteActivity(r.acts.RecordAttendance, in); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := r.store.Attendances(ctx, r.termID, "publicity")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]store.Attendance{}
	for _, row := range rows {
		got[row.OfficerEmail] = row
	}
	if len(rows) != 3 || got[r.people[0].Email].Status != "present" || got[r.people[1].Email].Reason != "Exam" || got[r.people[2].Email].Status != "absent" {
		t.Errorf("attendance rows = %+v", rows)
	}
	audit, err := r.store.AuditEntries(ctx, r.termID)
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 2 || audit[0].Action != "excuse_absence" || audit[0].Payload["reason"] != "Exam" || audit[1].Actor != r.people[0].Email ||
		audit[1].Subject != "exchange/publicity/3" {
		t.Errorf("audit = %+v, want the excuse and the sign-in once each", audit)
	}
}

// TestRecordLateAttendanceTwiceChangesOnce: the secretary's late recording
// of an exchange nobody could sign in at replaces its unrecorded rows and
// notes who recorded what once, however often the activity runs.
func TestRecordLateAttendanceTwiceChangesOnce(t *testing.T) {
	r := newExchangeRig(t)
	ctx := context.Background()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	start := time.Date(2026, 11, 10, 19, 0, 0, 0, loc)
	unrecorded := contract.RecordMeetingAttendanceInput{TermID: r.termID, DepartmentID: "publicity", MeetingNumber: 3, At: start.Add(30 * time.Minute),
		Outcome: &contract.MeetingOutcome{Span: plan.Span{Start: start, End: start.Add(time.Hour)}, Invitation: contract.InvitationNone, RecordedLate: true, Note: "nobody could sign in"}}
	for _, p := range r.people {
		unrecorded.Records = append(unrecorded.Records, contract.AttendanceRecord{Email: p.Email, Status: contract.AttendanceUnrecorded})
	}
	if _, err := r.env.ExecuteActivity(r.acts.RecordAttendance, unrecorded); err != nil {
		t.Fatal(err)
	}
	in := contract.RecordLateAttendanceInput{
		TermID: r.termID, DepartmentID: "publicity", MeetingNumber: 3,
		Key: "update/record-1", By: r.people[2].Email, At: time.Date(2026, 11, 12, 10, 0, 0, 0, loc),
		Records: []contract.AttendanceRecord{
			{Email: r.people[0].Email, Status: contract.AttendancePresent},
			{Email: r.people[1].Email, Status: contract.AttendanceExcused, Reason: "Exam"},
			{Email: r.people[2].Email, Status: contract.AttendanceAbsent},
		},
		Note: "nobody could sign in; recorded afterwards by He Xin",
	}
	var changed []int
	for range 2 {
		v, err := r.env.ExecuteActivity(r.acts.RecordLateAttendance, in)
		if err != nil {
			t.Fatal(err)
		}
		var res contract.RecordLateAttendanceResult
		if err := v.Get(&res); err != nil {
			t.Fatal(err)
		}
		changed = append(changed, res.Changed)
	}
	if changed[0] != 3 || changed[1] != 0 {
		t.Errorf("rows changed by the two runs: %v, want 3 then 0", changed)
	}
	rows, err := r.store.Attendances(ctx, r.termID, "publicity")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range rows {
		got = append(got, row.OfficerEmail[:strings.Index(row.OfficerEmail, ".")]+"="+row.Status+":"+row.Reason)
	}
	if strings.Join(got, " ") != "guo=excused:Exam he=absent: ma=present:" {
		t.Errorf("attendance rows %v", got)
	}
	meetings, err := r.store.Meetings(ctx, r.termID, "publicity")
	if err != nil || len(meetings) != 1 || meetings[0].Note != in.Note || !meetings[0].RecordedLate {
		t.Errorf("meeting = %+v (%v), want its note replaced and still recorded late", meetings, err)
	}
	audit, err := r.store.AuditEntries(ctx, r.termID)
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 1 || audit[0].Actor != r.people[2].Email || audit[0].Action != contract.ActionRecordAttendance ||
		audit[0].Subject != "exchange/publicity/3" || fmt.Sprint(audit[0].Payload["present"]) != "["+r.people[0].Email+"]" {
		t.Errorf("audit = %+v, want one record_attendance by He Xin naming who came", audit)
	}

	// A refused input is not retried: the store says why.
	bad := in
	bad.Key, bad.Records = "update/record-2", []contract.AttendanceRecord{{Email: r.people[0].Email, Status: contract.AttendanceExcused}}
	if _, err := r.env.ExecuteActivity(r.acts.RecordLateAttendance, bad); err == nil || !strings.Contains(err.Error(), "excused without a reason") {
		t.Errorf("an excuse without a reason: %v", err)
	}
}

// After an amendment: the moved exchange's updated invite (same UID,
// SEQUENCE 1, "Moved:" with both times), then its cancellation (METHOD:
// CANCEL, SEQUENCE 2), each arriving once, and the meeting's row follows.
func TestExchangeUpdatedInviteAndCancellation(t *testing.T) {
	r := newExchangeRig(t)
	first := r.invitation()
	r.deliver(r.acts.NotifyExchange, first)

	moved := r.invitation()
	moved.MovedFrom, moved.Sequence = first.Meeting.Start, 1
	moved.Meeting.Start = first.Meeting.Start.AddDate(0, 0, 2)
	moved.Meeting.End = moved.Meeting.Start.Add(time.Hour)
	moved.Where, moved.Stamp = "Room 101", first.Stamp.AddDate(0, 0, 1)
	if res := r.deliver(r.acts.NotifyExchange, moved); res.Sent != 4 {
		t.Errorf("updated invites sent: %+v, want 4", res)
	}
	cancel := moved
	cancel.Cancelled, cancel.Sequence, cancel.MovedFrom = true, 2, time.Time{}
	for range 2 {
		r.deliver(r.acts.NotifyExchange, cancel)
	}

	for _, c := range []struct {
		subject string
		want    []string
	}{
		{"Moved: Publicity Department: exchange 3 on Thu 12 Nov 2026, 19:00 (Asia/Shanghai)",
			[]string{"METHOD:REQUEST\r\n", "SEQUENCE:1\r\n", "DTSTART:20261112T110000Z\r\n", "LOCATION:Room 101\r\n"}},
		{"Cancelled: Publicity Department: exchange 3 on Thu 12 Nov 2026, 19:00 (Asia/Shanghai)",
			[]string{"METHOD:CANCEL\r\n", "SEQUENCE:2\r\n", "STATUS:CANCELLED\r\n"}},
	} {
		msgs := r.mailpit.Search(t, fmt.Sprintf(`to:%s subject:"%s"`, r.people[0].Email, c.subject))
		if len(msgs) != 1 {
			t.Errorf("%d emails %q to %s, want 1", len(msgs), c.subject, r.people[0].Email)
			continue
		}
		msg := r.mailpit.Message(t, msgs[0].ID)
		ics := strings.ReplaceAll(attachment(t, r.mailpit, msg.ID, msg.Attachments[0].PartID), "\r\n ", "")
		for _, w := range append(c.want, "UID:semester/"+r.termID+"/exchanges/publicity/3@semesterflow\r\n") {
			if !strings.Contains(ics, w) {
				t.Errorf("%s: the calendar file lacks %q:\n%s", c.subject, w, ics)
			}
		}
	}
	if moved := r.mailpit.Search(t, "to:"+r.people[0].Email+` subject:"Moved:"`); len(moved) == 1 {
		if msg := r.mailpit.Message(t, moved[0].ID); !strings.Contains(msg.Text, "It was to take place on Tue 10 Nov 2026, 19:00 (Asia/Shanghai).") {
			t.Errorf("the updated invite does not say when it was:\n%s", msg.Text)
		}
	}
	meetings, err := r.store.Meetings(context.Background(), r.termID, "publicity")
	if err != nil {
		t.Fatal(err)
	}
	if len(meetings) != 1 || !meetings[0].StartsAt.Equal(moved.Meeting.Start) || meetings[0].Place != "Room 101" || !strings.Contains(meetings[0].Note, "cancelled") {
		t.Errorf("meetings = %+v, want exchange 3 at its new time, noted as cancelled", meetings)
	}
}
