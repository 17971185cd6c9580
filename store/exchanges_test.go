package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"semesterflow/contract"
)

func TestSaveMeetingsUpsertsByNumber(t *testing.T) {
	db, s := newTestStore(t)
	ctx := context.Background()
	first := Meeting{TermID: "2026-fall", DepartmentID: "publicity", Number: 1,
		StartsAt: at(t, "2026-10-13T19:00:00+08:00"), EndsAt: at(t, "2026-10-13T20:00:00+08:00"), Place: "Room 2"}
	second := first
	second.Number, second.StartsAt, second.EndsAt = 2, at(t, "2026-10-27T19:00:00+08:00"), at(t, "2026-10-27T20:00:00+08:00")
	if err := s.SaveMeetings(ctx, []Meeting{first, second}); err != nil {
		t.Fatal(err)
	}
	before := rowVersions(t, db, "meetings", "number")
	if err := s.SaveMeetings(ctx, []Meeting{first}); err != nil {
		t.Fatal(err)
	}
	if after := rowVersions(t, db, "meetings", "number"); after["1"] != before["1"] {
		t.Errorf("saving an unchanged meeting rewrote its row")
	}
	moved := first
	moved.Place = "Room 5"
	if err := s.SaveMeetings(ctx, []Meeting{moved}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Meetings(ctx, "2026-fall", "publicity")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Place != "Room 5" || got[1].Number != 2 || !got[1].StartsAt.Equal(second.StartsAt) {
		t.Errorf("meetings = %+v, want 2 with the first moved to Room 5", got)
	}
	bad := first
	bad.EndsAt = first.StartsAt.Add(-time.Hour)
	if err := s.SaveMeetings(ctx, []Meeting{bad}); !errors.Is(err, ErrInvalid) {
		t.Errorf("a meeting ending before it starts: %v, want ErrInvalid", err)
	}
}

func TestRecordAttendanceKeepsTheFirstAndCounts(t *testing.T) {
	db, s := newTestStore(t)
	ctx := context.Background()
	signed := at(t, "2026-10-13T18:50:00+08:00")
	row := func(meeting int, email, status string) Attendance {
		r := Attendance{TermID: "2026-fall", DepartmentID: "publicity", MeetingNumber: meeting, OfficerEmail: email, Status: status}
		if status == contract.AttendancePresent {
			r.SignedInAt = &signed
		}
		if status == contract.AttendanceExcused {
			r.Reason = "exam"
		}
		return r
	}
	first := []Attendance{
		row(1, "ma.li@example.edu", contract.AttendancePresent),
		row(1, "guo.rui@example.edu", contract.AttendanceExcused),
		row(1, "he.xin@example.edu", contract.AttendanceAbsent),
	}
	audit := []AuditEntry{
		{Key: "update/u1", TermID: "2026-fall", Actor: "ma.li@example.edu", Action: "sign_in", PlanTime: signed},
		{Key: "update/u2", TermID: "2026-fall", Actor: "guo.rui@example.edu", Action: "excuse_absence", PlanTime: signed.Add(-time.Hour),
			Payload: map[string]any{"reason": "exam"}},
	}
	for range 2 {
		if err := s.RecordAttendance(ctx, first, audit); err != nil {
			t.Fatal(err)
		}
	}
	// A later, different record for the same meeting changes nothing.
	changed := []Attendance{row(1, "he.xin@example.edu", contract.AttendancePresent)}
	if err := s.RecordAttendance(ctx, changed, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordAttendance(ctx, []Attendance{row(2, "ma.li@example.edu", contract.AttendanceAbsent), row(2, "he.xin@example.edu", contract.AttendancePresent)}, nil); err != nil {
		t.Fatal(err)
	}

	got, err := s.Attendances(ctx, "2026-fall", "publicity")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1 guo.rui@example.edu excused exam", "1 he.xin@example.edu absent ", "1 ma.li@example.edu present ", "2 he.xin@example.edu present ", "2 ma.li@example.edu absent "}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(got), len(want), got)
	}
	for i, r := range got {
		if s := rowString(r); s != want[i] {
			t.Errorf("row %d = %q, want %q", i, s, want[i])
		}
	}
	if got[2].SignedInAt == nil || !got[2].SignedInAt.Equal(signed) {
		t.Errorf("sign-in time = %v, want %v", got[2].SignedInAt, signed)
	}
	if n := count(t, db, "SELECT count(*) FROM audit_log WHERE term_id = '2026-fall'"); n != 2 {
		t.Errorf("%d audit entries, want 2", n)
	}

	counts, err := s.AttendanceCounts(ctx, "2026-fall")
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := []AttendanceCount{
		{OfficerEmail: "guo.rui@example.edu", Excused: 1},
		{OfficerEmail: "he.xin@example.edu", Present: 1, Absent: 1},
		{OfficerEmail: "ma.li@example.edu", Present: 1, Absent: 1},
	}
	if len(counts) != len(wantCounts) {
		t.Fatalf("counts = %+v, want %+v", counts, wantCounts)
	}
	for i := range counts {
		if counts[i] != wantCounts[i] {
			t.Errorf("counts[%d] = %+v, want %+v", i, counts[i], wantCounts[i])
		}
	}
}

func TestRecordAttendanceRejectsBadRows(t *testing.T) {
	_, s := newTestStore(t)
	ctx := context.Background()
	for name, r := range map[string]Attendance{
		"unknown status":         {TermID: "t", DepartmentID: "d", MeetingNumber: 1, OfficerEmail: "a@example.edu", Status: "late"},
		"present without a time": {TermID: "t", DepartmentID: "d", MeetingNumber: 1, OfficerEmail: "a@example.edu", Status: contract.AttendancePresent},
		"no meeting":             {TermID: "t", DepartmentID: "d", OfficerEmail: "a@example.edu", Status: contract.AttendanceAbsent},
	} {
		if err := s.RecordAttendance(ctx, []Attendance{r}, nil); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}

func rowString(r Attendance) string {
	return fmt.Sprintf("%d %s %s %s", r.MeetingNumber, r.OfficerEmail, r.Status, r.Reason)
}

// TestMeetingOutcomeAndUnrecordedAttendance: an exchange nobody could sign
// in at keeps its row, with how its invitation went and that it was
// recorded late, and its unrecorded attendance counts neither way; an
// invitation sent again later does not undo the outcome.
func TestMeetingOutcomeAndUnrecordedAttendance(t *testing.T) {
	_, s := newTestStore(t)
	ctx := context.Background()
	m := Meeting{TermID: "2026-fall", DepartmentID: "publicity", Number: 3,
		StartsAt: at(t, "2026-11-10T19:00:00+08:00"), EndsAt: at(t, "2026-11-10T20:00:00+08:00"), Place: "Room 2",
		Invitation: contract.InvitationLate, RecordedLate: true, Note: "nobody could sign in"}
	if err := s.SaveMeetingOutcome(ctx, m); err != nil {
		t.Fatal(err)
	}
	plain := m
	plain.Invitation, plain.RecordedLate, plain.Note = "", false, ""
	if err := s.SaveMeetings(ctx, []Meeting{plain}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Meetings(ctx, "2026-fall", "publicity")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Invitation != contract.InvitationLate || !got[0].RecordedLate || got[0].Note != "nobody could sign in" {
		t.Errorf("meetings = %+v, want exchange 3 recorded late with a late invitation", got)
	}
	bad := m
	bad.Invitation = "lost"
	if err := s.SaveMeetingOutcome(ctx, bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("an unknown invitation outcome: %v, want ErrInvalid", err)
	}
	rows := []Attendance{
		{TermID: "2026-fall", DepartmentID: "publicity", MeetingNumber: 3, OfficerEmail: "ma.li@example.edu", Status: contract.AttendanceUnrecorded},
		{TermID: "2026-fall", DepartmentID: "publicity", MeetingNumber: 4, OfficerEmail: "ma.li@example.edu", Status: contract.AttendanceAbsent},
	}
	if err := s.RecordAttendance(ctx, rows, nil); err != nil {
		t.Fatal(err)
	}
	counts, err := s.AttendanceCounts(ctx, "2026-fall")
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 1 || counts[0].Present != 0 || counts[0].Excused != 0 || counts[0].Absent != 1 {
		t.Errorf("counts = %+v, want one absence and the unrecorded exchange left out", counts)
	}
}

// TestRecordLateAttendanceChangesOnlyUnrecordedRows: the secretary records
// an exchange nobody could sign in at. Only its unrecorded rows change (an
// officer's row stored otherwise, and other exchanges, are kept), the note
// and one audit entry are written, and a retry changes nothing.
func TestRecordLateAttendanceChangesOnlyUnrecordedRows(t *testing.T) {
	db, s := newTestStore(t)
	ctx := context.Background()
	m := Meeting{TermID: "2026-fall", DepartmentID: "publicity", Number: 1,
		StartsAt: at(t, "2026-10-13T19:00:00+08:00"), EndsAt: at(t, "2026-10-13T20:00:00+08:00"),
		Invitation: contract.InvitationNone, RecordedLate: true, Note: "nobody could sign in"}
	if err := s.SaveMeetingOutcome(ctx, m); err != nil {
		t.Fatal(err)
	}
	row := func(meeting int, email, status string) Attendance {
		return Attendance{TermID: "2026-fall", DepartmentID: "publicity", MeetingNumber: meeting, OfficerEmail: email, Status: status}
	}
	if err := s.RecordAttendance(ctx, []Attendance{
		row(1, "ma.li@example.edu", contract.AttendanceUnrecorded),
		row(1, "guo.rui@example.edu", contract.AttendanceUnrecorded),
		// Stored otherwise already: a late recording must not overwrite it.
		row(1, "he.xin@example.edu", contract.AttendanceAbsent),
		row(2, "ma.li@example.edu", contract.AttendanceUnrecorded),
	}, nil); err != nil {
		t.Fatal(err)
	}
	late := LateAttendance{
		TermID: "2026-fall", DepartmentID: "publicity", MeetingNumber: 1,
		Officers: []LateAttendanceRow{
			{Email: "ma.li@example.edu", Status: contract.AttendancePresent},
			{Email: "guo.rui@example.edu", Status: contract.AttendanceExcused, Reason: "Physics exam"},
			{Email: "he.xin@example.edu", Status: contract.AttendancePresent},
		},
		Note: "nobody could sign in; the attendance was recorded afterwards by He Xin",
		Audit: AuditEntry{Key: "update/late-1", TermID: "2026-fall", Actor: "he.xin@example.edu", Action: "record_attendance",
			Subject: "exchange/publicity/1", PlanTime: at(t, "2026-10-28T10:00:00+08:00"),
			Payload: map[string]any{"present": []string{"ma.li@example.edu", "he.xin@example.edu"}}},
	}
	changed, err := s.RecordLateAttendance(ctx, late)
	if err != nil {
		t.Fatal(err)
	}
	if changed != 2 {
		t.Errorf("%d rows changed, want Ma Li's and Guo Rui's", changed)
	}
	before := rowVersions(t, db, "attendance", "(meeting_number, officer_email)")
	meetingBefore := rowVersions(t, db, "meetings", "number")
	// The activity retried: nothing changes, nothing is rewritten.
	if changed, err := s.RecordLateAttendance(ctx, late); err != nil || changed != 0 {
		t.Errorf("retry: %d rows changed (%v), want none", changed, err)
	}
	if after := rowVersions(t, db, "attendance", "(meeting_number, officer_email)"); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("a retry rewrote attendance rows:\n%v\n%v", before, after)
	}
	if after := rowVersions(t, db, "meetings", "number"); fmt.Sprint(after) != fmt.Sprint(meetingBefore) {
		t.Errorf("a retry rewrote the meeting's row")
	}

	got, err := s.Attendances(ctx, "2026-fall", "publicity")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1 guo.rui@example.edu excused Physics exam", "1 he.xin@example.edu absent ", "1 ma.li@example.edu present ", "2 ma.li@example.edu unrecorded "}
	if len(got) != len(want) {
		t.Fatalf("rows = %+v, want %q", got, want)
	}
	for i, r := range got {
		if s := rowString(r); s != want[i] {
			t.Errorf("row %d = %q, want %q", i, s, want[i])
		}
		if r.SignedInAt != nil {
			t.Errorf("%s has a sign-in time though nobody signed in", r.OfficerEmail)
		}
	}
	meetings, err := s.Meetings(ctx, "2026-fall", "publicity")
	if err != nil {
		t.Fatal(err)
	}
	if len(meetings) != 1 || meetings[0].Note != late.Note || !meetings[0].RecordedLate {
		t.Errorf("meeting = %+v, want the new note and still recorded late", meetings)
	}
	entries, err := s.AuditEntries(ctx, "2026-fall")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Actor != "he.xin@example.edu" || entries[0].Action != "record_attendance" || entries[0].Subject != "exchange/publicity/1" {
		t.Errorf("audit = %+v, want one record_attendance by He Xin", entries)
	}
	counts, err := s.AttendanceCounts(ctx, "2026-fall")
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := map[string]AttendanceCount{
		"guo.rui@example.edu": {OfficerEmail: "guo.rui@example.edu", Excused: 1},
		"he.xin@example.edu":  {OfficerEmail: "he.xin@example.edu", Absent: 1},
		"ma.li@example.edu":   {OfficerEmail: "ma.li@example.edu", Present: 1},
	}
	for _, c := range counts {
		if c != wantCounts[c.OfficerEmail] {
			t.Errorf("counts of %s = %+v, want %+v", c.OfficerEmail, c, wantCounts[c.OfficerEmail])
		}
	}
}

// TestRecordLateAttendanceInsertsMissingRows: when the secretary's
// recording lands before the series' own write of the unrecorded rows,
// the rows are inserted, and the series' write then keeps them.
func TestRecordLateAttendanceInsertsMissingRows(t *testing.T) {
	_, s := newTestStore(t)
	ctx := context.Background()
	late := LateAttendance{TermID: "2026-fall", DepartmentID: "publicity", MeetingNumber: 1,
		Officers: []LateAttendanceRow{{Email: "ma.li@example.edu", Status: contract.AttendanceAbsent}},
		Audit:    AuditEntry{Key: "update/late-2", TermID: "2026-fall", Actor: "he.xin@example.edu", Action: "record_attendance", PlanTime: at(t, "2026-10-28T10:00:00+08:00")}}
	if changed, err := s.RecordLateAttendance(ctx, late); err != nil || changed != 1 {
		t.Fatalf("%d rows (%v), want 1 inserted", changed, err)
	}
	if err := s.RecordAttendance(ctx, []Attendance{{TermID: "2026-fall", DepartmentID: "publicity", MeetingNumber: 1,
		OfficerEmail: "ma.li@example.edu", Status: contract.AttendanceUnrecorded}}, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.Attendances(ctx, "2026-fall", "publicity")
	if err != nil || len(got) != 1 || got[0].Status != contract.AttendanceAbsent {
		t.Errorf("rows = %+v (%v), want Ma Li absent as recorded", got, err)
	}
}

func TestRecordLateAttendanceRejectsBadInput(t *testing.T) {
	db, s := newTestStore(t)
	ctx := context.Background()
	good := func() LateAttendance {
		return LateAttendance{TermID: "2026-fall", DepartmentID: "publicity", MeetingNumber: 1,
			Officers: []LateAttendanceRow{{Email: "ma.li@example.edu", Status: contract.AttendancePresent}},
			Audit:    AuditEntry{Key: "update/x", TermID: "2026-fall", Actor: "he.xin@example.edu", Action: "record_attendance", PlanTime: at(t, "2026-10-28T10:00:00+08:00")}}
	}
	cases := map[string]func(*LateAttendance){
		"no meeting":              func(l *LateAttendance) { l.MeetingNumber = 0 },
		"no officer":              func(l *LateAttendance) { l.Officers = nil },
		"an officer twice":        func(l *LateAttendance) { l.Officers = append(l.Officers, l.Officers[0]) },
		"excused without reason":  func(l *LateAttendance) { l.Officers[0].Status = contract.AttendanceExcused },
		"unrecorded again":        func(l *LateAttendance) { l.Officers[0].Status = contract.AttendanceUnrecorded },
		"an officer without mail": func(l *LateAttendance) { l.Officers[0].Email = "" },
		"no audit key":            func(l *LateAttendance) { l.Audit.Key = "" },
	}
	for name, spoil := range cases {
		l := good()
		spoil(&l)
		if _, err := s.RecordLateAttendance(ctx, l); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if n := count(t, db, "SELECT count(*) FROM attendance"); n != 0 {
		t.Errorf("refused input wrote %d rows", n)
	}
}

// TestCorrectMeetingInvitation: an invitation stored as undelivered, being
// still on its way when sign-in closed, went out later. The row says late,
// its note says so, and running the correction again changes nothing.
func TestCorrectMeetingInvitation(t *testing.T) {
	db, s := newTestStore(t)
	ctx := context.Background()
	const was, now = "the invitation had not gone out when sign-in closed", "the invitation went out 2 days late, after sign-in closed"
	m := Meeting{TermID: "2026-fall", DepartmentID: "publicity", Number: 1,
		StartsAt: at(t, "2026-10-13T19:00:00+08:00"), EndsAt: at(t, "2026-10-13T20:00:00+08:00"),
		Invitation: contract.InvitationUndelivered, Note: was}
	sent := m
	sent.Number, sent.Invitation, sent.Note = 2, contract.InvitationSent, ""
	for _, m := range []Meeting{m, sent} {
		if err := s.SaveMeetingOutcome(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if changed, err := s.CorrectMeetingInvitation(ctx, "2026-fall", "publicity", 1, contract.InvitationLate, was, now); err != nil || !changed {
		t.Fatalf("correction: changed %v, %v", changed, err)
	}
	before := rowVersions(t, db, "meetings", "number")
	if changed, err := s.CorrectMeetingInvitation(ctx, "2026-fall", "publicity", 1, contract.InvitationLate, was, now); err != nil || changed {
		t.Errorf("retry: changed %v, %v; want nothing changed", changed, err)
	}
	// Only an undelivered invitation is corrected.
	if changed, err := s.CorrectMeetingInvitation(ctx, "2026-fall", "publicity", 2, contract.InvitationLate, was, now); err != nil || changed {
		t.Errorf("a sent invitation: changed %v, %v; want it left alone", changed, err)
	}
	if after := rowVersions(t, db, "meetings", "number"); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("rows rewritten:\n%v\n%v", before, after)
	}
	got, err := s.Meetings(ctx, "2026-fall", "publicity")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Invitation != contract.InvitationLate || got[0].Note != now || got[1].Invitation != contract.InvitationSent {
		t.Errorf("meetings = %+v, want exchange 1 late with the new note, exchange 2 sent", got)
	}
	if _, err := s.CorrectMeetingInvitation(ctx, "2026-fall", "publicity", 1, contract.InvitationUndelivered, was, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("a correction to undelivered: %v, want ErrInvalid", err)
	}
}
