package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
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
		if status == AttendancePresent {
			r.SignedInAt = &signed
		}
		if status == AttendanceExcused {
			r.Reason = "exam"
		}
		return r
	}
	first := []Attendance{
		row(1, "ma.li@example.edu", AttendancePresent),
		row(1, "guo.rui@example.edu", AttendanceExcused),
		row(1, "he.xin@example.edu", AttendanceAbsent),
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
	changed := []Attendance{row(1, "he.xin@example.edu", AttendancePresent)}
	if err := s.RecordAttendance(ctx, changed, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordAttendance(ctx, []Attendance{row(2, "ma.li@example.edu", AttendanceAbsent), row(2, "he.xin@example.edu", AttendancePresent)}, nil); err != nil {
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
		"present without a time": {TermID: "t", DepartmentID: "d", MeetingNumber: 1, OfficerEmail: "a@example.edu", Status: AttendancePresent},
		"no meeting":             {TermID: "t", DepartmentID: "d", OfficerEmail: "a@example.edu", Status: AttendanceAbsent},
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
		Invitation: InvitationLate, RecordedLate: true, Note: "nobody could sign in"}
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
	if len(got) != 1 || got[0].Invitation != InvitationLate || !got[0].RecordedLate || got[0].Note != "nobody could sign in" {
		t.Errorf("meetings = %+v, want exchange 3 recorded late with a late invitation", got)
	}
	bad := m
	bad.Invitation = "lost"
	if err := s.SaveMeetingOutcome(ctx, bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("an unknown invitation outcome: %v, want ErrInvalid", err)
	}
	rows := []Attendance{
		{TermID: "2026-fall", DepartmentID: "publicity", MeetingNumber: 3, OfficerEmail: "ma.li@example.edu", Status: AttendanceUnrecorded},
		{TermID: "2026-fall", DepartmentID: "publicity", MeetingNumber: 4, OfficerEmail: "ma.li@example.edu", Status: AttendanceAbsent},
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
