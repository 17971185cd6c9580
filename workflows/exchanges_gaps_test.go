package workflows_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"semesterflow/contract"
)

// rows writes an exchange's attendance rows, e.g. "ma.li=present
// guo.rui=excused:Trip".
func rows(in contract.RecordMeetingAttendanceInput) string {
	var out []string
	for _, r := range in.Records {
		row := strings.SplitN(r.Email, "@", 2)[0] + "=" + r.Status
		if r.Reason != "" {
			row += ":" + r.Reason
		}
		out = append(out, row)
	}
	return strings.Join(out, " ")
}

// excuseActions lists an exchange's audit actions for excuses, as "email
// reason at".
func excuseActions(s *series, in contract.RecordMeetingAttendanceInput) []string {
	var out []string
	for _, a := range in.Actions {
		if a.Action == contract.ActionExcuse && strings.HasPrefix(a.Key, "update/u") {
			out = append(out, a.Email+" "+a.Reason+" "+s.local(a.At))
		}
	}
	return out
}

// Exchange 1's sign-in closes on 13 October at 19:30 while its invitation
// is still on its way (it takes four days), so the series still holds
// exchange 1 until it goes out on the 14th. An officer who excuses
// himself that evening is excused from exchange 2, in the next run; a late
// sign-in is told exchange 1's sign-in closed.
func TestExchangesExcuseForTheNextExchangeOnceSignInCloses(t *testing.T) {
	s := newSeries(t, exchangesPlan(t))
	s.inviteDelay = 4 * 24 * time.Hour
	lateSignIn := s.signIn("2026-10-13 19:45", "ma.li@example.edu")
	excused := s.excuse("2026-10-13 20:00", "guo.rui@example.edu", "Trip to Xi'an")
	again := s.excuse("2026-10-13 21:00", "guo.rui@example.edu", "Still away")
	oldLink := s.update("2026-10-13 21:05", contract.UpdateExcuse, contract.ExcuseInput{Email: "he.xin@example.edu", Reason: "Ill", Meeting: 1})
	if err := s.run(2, time.Time{}); err != nil {
		t.Fatal(err)
	}

	if excused.rejected != nil || excused.err != nil {
		t.Fatalf("the excuse from exchange 2: rejected %v, failed %v", excused.rejected, excused.err)
	}
	if r, ok := excused.value.(contract.ExcuseResult); !ok || r.Meeting != 2 || s.local(r.Start) != "10-27 19:00" {
		t.Errorf("excuse result = %+v, want exchange 2 on 10-27 19:00", excused.value)
	}
	wantRejected := map[*updateOutcome]string{
		lateSignIn: "sign-in for exchange 1 of the Publicity Department closed at Tue 13 Oct 2026, 19:30 (Asia/Shanghai); it was open from Tue 13 Oct 2026, 18:30 (Asia/Shanghai)",
		again:      `Guo Rui is already excused from exchange 2 of the Publicity Department (since Tue 13 Oct 2026, 20:00 (Asia/Shanghai): "Trip to Xi'an")`,
		oldLink: "exchange 1 of the Publicity Department started at Tue 13 Oct 2026, 19:00 (Asia/Shanghai); an absence is excused before the exchange starts. " +
			"Absences from exchange 2 on Tue 27 Oct 2026, 19:00 (Asia/Shanghai) are taken now",
	}
	for u, want := range wantRejected {
		if u.rejected == nil || u.rejected.Error() != want {
			t.Errorf("rejection = %v\nwant        %s", u.rejected, want)
		}
	}
	if len(s.continued) != 2 {
		t.Fatalf("%d runs continued as new, want 2", len(s.continued))
	}
	if c := s.continued[0].EarlyExcuses; len(c) != 1 || c[0].Meeting != 2 || c[0].Email != "guo.rui@example.edu" {
		t.Errorf("the next run gets excuses %+v, want Guo Rui's from exchange 2", c)
	}
	if len(s.attendance) != 2 {
		t.Fatalf("%d exchanges recorded, want 2", len(s.attendance))
	}
	if got := rows(s.attendance[0]); got != "ma.li=absent guo.rui=absent he.xin=absent" {
		t.Errorf("exchange 1: %s", got)
	}
	// Recorded at exchange 2 as an excuse taken in its own run would be.
	if got := rows(s.attendance[1]); got != "ma.li=absent guo.rui=excused:Trip to Xi'an he.xin=absent" {
		t.Errorf("exchange 2: %s", got)
	}
	if got := excuseActions(s, s.attendance[1]); len(got) != 1 || got[0] != "guo.rui@example.edu Trip to Xi'an 10-13 20:00" {
		t.Errorf("exchange 2's audit: %q, want Guo Rui's excuse of 10-13 20:00", got)
	}
	if got := excuseActions(s, s.attendance[0]); len(got) != 0 {
		t.Errorf("exchange 1's audit has excuses %q", got)
	}
}

// Every invitation takes 18 days, so the series holds exchange 2 in the
// same run as exchange 1: an excuse taken after exchange 1's sign-in
// closed counts at exchange 2 all the same.
func TestExchangesExcuseForTheNextExchangeInTheSameRun(t *testing.T) {
	s := newSeries(t, exchangesPlan(t))
	s.inviteDelay = 18 * 24 * time.Hour
	excused := s.excuse("2026-10-14 09:00", "he.xin@example.edu", "Family visit")
	if err := s.run(1, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if excused.rejected != nil || excused.err != nil {
		t.Fatalf("the excuse: rejected %v, failed %v", excused.rejected, excused.err)
	}
	if len(s.attendance) < 2 || s.attendance[1].MeetingNumber != 2 {
		t.Fatalf("attendance = %+v, want exchange 2 held in the first run", s.attendance)
	}
	if got := rows(s.attendance[1]); got != "ma.li=absent guo.rui=absent he.xin=excused:Family visit" {
		t.Errorf("exchange 2: %s", got)
	}
	if got := excuseActions(s, s.attendance[1]); len(got) != 1 || got[0] != "he.xin@example.edu Family visit 10-14 09:00" {
		t.Errorf("exchange 2's audit: %q", got)
	}
}

// Exchange 1's invitation goes out four days late, on 14 October, after
// its sign-in closed: the meeting's row, stored as undelivered then, is
// corrected to late, and the part says it went out late.
func TestExchangesInvitationOutAfterSignInClosedIsCorrected(t *testing.T) {
	s := newSeries(t, exchangesPlan(t))
	s.inviteDelay = 4 * 24 * time.Hour
	if err := s.run(20, time.Time{}); err != nil {
		t.Fatal(err)
	}
	first := s.attendance[0].Outcome
	if first == nil || first.Invitation != contract.InvitationUndelivered || first.Note != "the invitation had not gone out when sign-in closed" {
		t.Fatalf("exchange 1 stored at sign-in close as %+v", first)
	}
	if len(s.corrected) != 6 {
		t.Fatalf("%d corrections, want one per exchange: %+v", len(s.corrected), s.corrected)
	}
	c := s.corrected[0]
	if c.MeetingNumber != 1 || c.Invitation != contract.InvitationLate || c.NoteWas != first.Note ||
		c.NoteNow != "the invitation went out 4 days late, after sign-in closed" {
		t.Errorf("exchange 1's correction = %+v", c)
	}
	final := s.reports[len(s.reports)-1]
	problems := strings.Join(final.Problems, "\n")
	if !strings.Contains(problems, "the invitation to exchange 1 went out 4 days late") ||
		strings.Contains(problems, "undelivered") || strings.Contains(problems, "could not be") {
		t.Errorf("final problems:\n%s\nwant exchange 1's invitation late, nothing undelivered", problems)
	}
}

// Guo Rui excuses himself from exchange 2 on 13 October, after exchange 1;
// then the worker is away from the 14th until after exchange 2's sign-in
// (27 October), so nobody could sign in at it. He stays excused; the
// others are unrecorded until the secretary records them, and her sheet
// does not change him.
func TestExchangesMissedExchangeKeepsExcuses(t *testing.T) {
	s := newSeries(t, exchangesPlan(t))
	s.inviteDelay = 4 * 24 * time.Hour
	s.resume = map[int]time.Time{2: s.planTime("2026-10-28 12:00")}
	s.excuse("2026-10-13 20:00", "guo.rui@example.edu", "Trip to Xi'an")
	recorded := s.recordAttendance("2026-10-29 10:00", contract.RecordAttendanceInput{Email: "he.xin@example.edu", Meeting: 2,
		Present: []string{"ma.li@example.edu", "he.xin@example.edu"}})
	after := s.query("2026-10-29 11:00")
	if err := s.run(3, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if len(s.attendance) < 2 || s.attendance[1].MeetingNumber != 2 || s.attendance[1].Outcome == nil || !s.attendance[1].Outcome.RecordedLate {
		t.Fatalf("attendance = %+v, want exchange 2 recorded late", s.attendance)
	}
	if got := rows(s.attendance[1]); got != "ma.li=unrecorded guo.rui=excused:Trip to Xi'an he.xin=unrecorded" {
		t.Errorf("exchange 2: %s", got)
	}
	if got := excuseActions(s, s.attendance[1]); len(got) != 1 {
		t.Errorf("exchange 2's audit: %q, want Guo Rui's excuse", got)
	}
	if recorded.rejected != nil || recorded.err != nil {
		t.Fatalf("the recording: rejected %v, failed %v", recorded.rejected, recorded.err)
	}
	if r, ok := recorded.value.(contract.RecordAttendanceResult); !ok || r.Present != 2 || r.Excused != 1 || r.Absent != 0 {
		t.Errorf("the recording's result = %+v, want 2 present and Guo Rui excused", recorded.value)
	}
	if len(s.late) != 1 || rows(contract.RecordMeetingAttendanceInput{Records: s.late[0].Records}) != "ma.li=present guo.rui=excused:Trip to Xi'an he.xin=present" {
		t.Errorf("late attendance writes = %+v", s.late)
	}
	// Exchange 1: all absent; exchange 2: Guo Rui excused once.
	if got := counts(after.result); got != "ma.li p1 a1, guo.rui e1 a1, he.xin p1 a1" {
		t.Errorf("counts after the recording = %s", got)
	}
}

// The secretary records exchange 1 (nobody could sign in at it) on 27
// October, and its store write takes two weeks, as it would while the
// database is away. Exchange 2 that evening and exchange 3 on 10 November
// are held on time all the same, and the recording is counted and stored.
func TestExchangesLateAttendanceWriteNeverHoldsTheCalendar(t *testing.T) {
	s := newSeries(t, exchangesPlan(t))
	s.lateDelay = 14 * 24 * time.Hour
	recorded := s.recordAttendance("2026-10-27 10:00", contract.RecordAttendanceInput{Email: "he.xin@example.edu", Meeting: 1,
		Present: []string{"ma.li@example.edu"}})
	s.signIn("2026-10-27 18:45", "guo.rui@example.edu")
	if err := s.run(20, s.planTime("2026-10-26 12:00")); err != nil {
		t.Fatal(err)
	}
	if recorded.rejected != nil || recorded.err != nil {
		t.Fatalf("the recording: rejected %v, failed %v", recorded.rejected, recorded.err)
	}
	if r, ok := recorded.value.(contract.RecordAttendanceResult); !ok || s.local(r.At) != "10-27 10:00" {
		t.Errorf("the recording's result = %+v", recorded.value)
	}
	var held []string
	for i, a := range s.attendance {
		held = append(held, s.local(s.attendedAt[i])+" "+rows(a))
	}
	want := []string{
		"10-26 12:00 ma.li=unrecorded guo.rui=unrecorded he.xin=unrecorded",
		"10-27 19:30 ma.li=absent guo.rui=present he.xin=absent",
		"11-10 19:30 ma.li=absent guo.rui=absent he.xin=absent",
	}
	if len(held) < 3 || strings.Join(held[:3], "\n") != strings.Join(want, "\n") {
		t.Errorf("attendance stored:\n%s\nwant first:\n%s", strings.Join(held, "\n"), strings.Join(want, "\n"))
	}
	var invited []string
	for _, inv := range s.invitations {
		invited = append(invited, fmt.Sprintf("%d %s", inv.in.Meeting.Number, s.local(inv.at)))
	}
	if len(invited) < 2 || invited[1] != "3 11-07 09:00" {
		t.Errorf("invitations %q, want exchange 3's on 11-07 09:00", invited)
	}
	if len(s.late) != 1 {
		t.Errorf("%d late attendance writes, want 1", len(s.late))
	}
	if got := counts(s.result); got != "ma.li p1 a5, guo.rui p1 a5, he.xin a6" {
		t.Errorf("counts at the end = %s", got)
	}
	final := s.reports[len(s.reports)-1]
	if !final.Done || !strings.HasSuffix(final.Summary, "1 recorded late (1 by the secretary afterwards)") {
		t.Errorf("final report = %+v", final)
	}
}

// The series reaches exchange 1 at 19:10 on 13 October, after it started
// but while its sign-in is open: the invitation, with its sign-in link,
// still goes out, late, and Ma Li signs in.
func TestExchangesInvitationWhileSignInIsOpen(t *testing.T) {
	s := newSeries(t, exchangesPlan(t))
	signedIn := s.signIn("2026-10-13 19:15", "ma.li@example.edu")
	if err := s.run(1, s.planTime("2026-10-13 19:10")); err != nil {
		t.Fatal(err)
	}
	if len(s.invitations) < 1 || s.invitations[0].in.Meeting.Number != 1 || s.local(s.invitations[0].at) != "10-13 19:10" {
		t.Fatalf("invitations = %+v, want exchange 1's at once", s.invitations)
	}
	if signedIn.rejected != nil || signedIn.err != nil {
		t.Errorf("sign-in: rejected %v, failed %v", signedIn.rejected, signedIn.err)
	}
	if o := s.attendance[0].Outcome; o == nil || o.Invitation != contract.InvitationLate || o.RecordedLate {
		t.Errorf("exchange 1 stored as %+v, want its invitation late", o)
	}
}
