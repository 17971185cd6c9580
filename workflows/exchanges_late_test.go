package workflows_test

import (
	"fmt"
	"strings"
	"testing"

	"semesterflow/contract"
)

// The series starts on 26 October, after exchange 1 (13 October): nobody
// could sign in at it. Its minutes are due on 28 October at 15:59 and close
// two days later; until then the secretary records who came, and the
// counts and the reports say so.
func TestExchangesSecretaryRecordsAttendanceLate(t *testing.T) {
	s := newSeries(t, exchangesPlan(t))
	record := func(local, email string, meeting int, present []string, excused ...contract.ExcusedOfficer) *updateOutcome {
		return s.recordAttendance(local, contract.RecordAttendanceInput{Email: email, Meeting: meeting, Present: present, Excused: excused})
	}
	guoRuiExcused := contract.ExcusedOfficer{Email: "guo.rui@example.edu", Reason: "Physics exam"}
	sheet := s.querySheet("2026-10-27 09:00", 1, "he.xin@example.edu")
	officersSheet := s.querySheet("2026-10-27 09:00", 1, "ma.li@example.edu")
	before := s.query("2026-10-27 09:00")

	wrongPerson := record("2026-10-27 10:00", "ma.li@example.edu", 1, []string{"ma.li@example.edu"})
	stranger := record("2026-10-27 10:05", "he.xin@example.edu", 1, []string{"zhou.min@example.edu"})
	both := record("2026-10-27 10:10", "he.xin@example.edu", 1, []string{"guo.rui@example.edu"}, guoRuiExcused)
	noReason := record("2026-10-27 10:15", "he.xin@example.edu", 1, nil, contract.ExcusedOfficer{Email: "guo.rui@example.edu", Reason: "  "})
	future := record("2026-10-27 10:20", "he.xin@example.edu", 3, nil)
	unknown := record("2026-10-27 10:25", "he.xin@example.edu", 9, nil)
	// Exchange 2 (27 October) is held on time, sign-in and all.
	s.signIn("2026-10-27 18:45", "ma.li@example.edu")
	signedIn := record("2026-10-28 09:00", "he.xin@example.edu", 2, nil)
	// The secretary records exchange 1 in the next run (the series
	// continued as new after exchange 2).
	recorded := record("2026-10-28 10:00", "He.Xin@example.edu", 1, []string{"ma.li@example.edu", "he.xin@example.edu"}, guoRuiExcused)
	twice := record("2026-10-28 11:00", "sun.hao@example.edu", 1, []string{"ma.li@example.edu"})
	after := s.query("2026-10-28 12:00")
	sheetAfter := s.querySheet("2026-10-28 12:00", 1, "he.xin@example.edu")
	if err := s.run(20, s.planTime("2026-10-26 12:00")); err != nil {
		t.Fatal(err)
	}

	wantRejected := map[*updateOutcome]string{
		wrongPerson: "ma.li@example.edu is neither the secretary nor the head of the Publicity Department; " +
			"the attendance of an exchange nobody could sign in at is recorded by He Xin, who takes its minutes",
		stranger: `"zhou.min@example.edu" is not an officer of the Publicity Department`,
		both:     "Guo Rui is marked both present and excused; choose one",
		noReason: "give the reason Guo Rui was excused from exchange 1",
		future:   "exchange 3 of the Publicity Department is on Tue 10 Nov 2026, 19:00 (Asia/Shanghai); its attendance is taken as officers sign in",
		unknown:  "the Publicity Department has no exchange 9 this term",
		signedIn: "exchange 2 of the Publicity Department does not await its attendance: its sign-in recorded it",
		twice:    "the attendance of exchange 1 of the Publicity Department was already recorded by He Xin on Wed 28 Oct 2026, 10:00 (Asia/Shanghai)",
	}
	for u, want := range wantRejected {
		if u.rejected == nil || u.rejected.Error() != want {
			t.Errorf("rejection = %v\nwant        %s", u.rejected, want)
		}
	}
	if recorded.rejected != nil || recorded.err != nil {
		t.Fatalf("the secretary's recording: rejected %v, failed %v", recorded.rejected, recorded.err)
	}
	if r, ok := recorded.value.(contract.RecordAttendanceResult); !ok || r.Meeting != 1 || r.Present != 2 || r.Excused != 1 || r.Absent != 0 ||
		s.local(r.At) != "10-28 10:00" {
		t.Errorf("the recording's result = %+v", recorded.value)
	}

	// What the secretary's portal page is told, before and after.
	if sheet.err != nil || !sheet.sheet.Awaiting || !sheet.sheet.Recorder || len(sheet.sheet.Officers) != 3 ||
		s.local(sheet.sheet.Until) != "10-30 15:59" || s.local(sheet.sheet.Start) != "10-13 19:00" {
		t.Errorf("the secretary's sheet = %+v (%v), want exchange 1 awaiting until 10-30 15:59 with three officers", sheet.sheet, sheet.err)
	}
	if officersSheet.err != nil || officersSheet.sheet.Recorder || len(officersSheet.sheet.Officers) != 0 {
		t.Errorf("an officer's sheet = %+v (%v), want no recording for her", officersSheet.sheet, officersSheet.err)
	}
	if sheetAfter.err != nil || sheetAfter.sheet.Awaiting || sheetAfter.sheet.RecordedBy != "He Xin" || s.local(sheetAfter.sheet.RecordedAt) != "10-28 10:00" {
		t.Errorf("the sheet once recorded = %+v (%v)", sheetAfter.sheet, sheetAfter.err)
	}

	// One write, of every officer, keyed by the update.
	if len(s.late) != 1 {
		t.Fatalf("%d late attendance writes, want 1", len(s.late))
	}
	l := s.late[0]
	var rows []string
	for _, r := range l.Records {
		rows = append(rows, strings.SplitN(r.Email, "@", 2)[0]+"="+r.Status+":"+r.Reason)
	}
	if strings.Join(rows, " ") != "ma.li=present: guo.rui=excused:Physics exam he.xin=present:" || l.MeetingNumber != 1 || l.By != "he.xin@example.edu" ||
		!strings.HasPrefix(l.Key, "update/") || s.local(l.At) != "10-28 10:00" {
		t.Errorf("late attendance write = %+v", l)
	}
	if !strings.HasSuffix(l.Note, "nobody could sign in: the service was not running over the sign-in window; the attendance was recorded afterwards by He Xin on Wed 28 Oct 2026, 10:00 (Asia/Shanghai)") {
		t.Errorf("meeting note = %q", l.Note)
	}

	// The counts: exchange 1 is unrecorded until the secretary records it.
	if got := counts(before.result); got != "ma.li u1, guo.rui u1, he.xin u1" {
		t.Errorf("counts before exchange 2 = %s", got)
	}
	if got := counts(after.result); got != "ma.li p2, guo.rui e1 a1, he.xin p1 a1" {
		t.Errorf("counts after the recording = %s", got)
	}
	if got := counts(s.result); got != "ma.li p2 a4, guo.rui e1 a5, he.xin p1 a5" {
		t.Errorf("counts at the end = %s", got)
	}
	if c := s.continued[0]; len(c.LateAttendance) != 1 || c.LateAttendance[0].Meeting != 1 || c.LateAttendance[0].RecordedBy != "" ||
		s.local(c.LateAttendance[0].Until) != "10-30 15:59" {
		t.Errorf("the next run gets late attendance %+v, want exchange 1 awaiting until 10-30 15:59", c.LateAttendance)
	}

	// The reports: awaiting, then recorded late by the secretary.
	if r := reportBefore(s, "2026-10-28 10:00"); !strings.HasSuffix(r.Summary, "; 1 recorded late (1 awaiting the secretary)") {
		t.Errorf("report before the recording = %+v", r)
	}
	final := s.reports[len(s.reports)-1]
	if !final.Done || final.Summary != "Publicity Department: 6 of 6 exchanges held; 1 recorded late (1 by the secretary afterwards)" {
		t.Errorf("final report = %+v", final)
	}
	problems := strings.Join(final.Problems, "\n")
	if !strings.Contains(problems, "exchange 1's attendance was recorded late by He Xin: nobody could sign in, as the service was not running over its sign-in window") ||
		strings.Contains(problems, "attendance unrecorded") {
		t.Errorf("final problems:\n%s\nwant exchange 1 recorded late by He Xin, nothing unrecorded", problems)
	}
	// The secretary was told, in the minutes' request, to use the sheet.
	if !strings.Contains(s.minutes[0].in.Instructions, "attendance sheet") {
		t.Errorf("minutes instructions = %q", s.minutes[0].in.Instructions)
	}
}

// reportBefore is the last report sent before plan time local.
func reportBefore(s *series, local string) contract.PartReport {
	at := s.planTime(local)
	var last contract.PartReport
	for i, r := range s.reports {
		if s.reportedAt[i].Before(at) {
			last = r
		}
	}
	return last
}

// counts writes each officer's counts so far, e.g. "ma.li p2 a4" for
// present twice and absent four times (e excused, u unrecorded).
func counts(p contract.ExchangesProgress) string {
	var out []string
	for _, o := range p.Officers {
		c := strings.SplitN(o.Email, "@", 2)[0]
		for _, n := range []struct {
			label string
			n     int
		}{{"p", o.Present}, {"e", o.Excused}, {"a", o.Absent}, {"u", o.Unrecorded}} {
			if n.n > 0 {
				c += fmt.Sprintf(" %s%d", n.label, n.n)
			}
		}
		out = append(out, c)
	}
	return strings.Join(out, ", ")
}

// Nobody records exchange 1 while its minutes are open: afterwards the
// recording is refused and the attendance stays unrecorded to the end.
func TestExchangesLateAttendanceAfterItsWindow(t *testing.T) {
	s := newSeries(t, exchangesPlan(t))
	tooLate := s.recordAttendance("2026-10-30 16:00", contract.RecordAttendanceInput{Email: "he.xin@example.edu", Meeting: 1, Present: []string{"ma.li@example.edu"}})
	if err := s.run(20, s.planTime("2026-10-26 12:00")); err != nil {
		t.Fatal(err)
	}
	want := "the attendance of exchange 1 of the Publicity Department could be recorded until Fri 30 Oct 2026, 15:59 (Asia/Shanghai); that has passed, so it stays unrecorded"
	if tooLate.rejected == nil || tooLate.rejected.Error() != want {
		t.Errorf("rejection = %v\nwant        %s", tooLate.rejected, want)
	}
	if len(s.late) != 0 {
		t.Errorf("%d late attendance writes, want none", len(s.late))
	}
	for _, o := range s.result.Officers {
		if o.Unrecorded != 1 {
			t.Errorf("%s: %+v, want exchange 1 unrecorded", o.Email, o)
		}
	}
	final := s.reports[len(s.reports)-1]
	if final.Summary != "Publicity Department: 6 of 6 exchanges held; 1 recorded late (1 unrecorded)" ||
		!strings.Contains(strings.Join(final.Problems, "\n"), "exchange 1: nobody could sign in, as the service was not running over its sign-in window; attendance unrecorded") {
		t.Errorf("final report = %+v", final)
	}
}

// The term's only exchange was missed: the series does not end while its
// attendance may still be recorded. Its minutes close on 20 October at
// 15:59.
func TestExchangesWaitForLateAttendanceBeforeEnding(t *testing.T) {
	t.Run("nobody records it", func(t *testing.T) {
		s := newSeries(t, exchangesPlan(t, oneExchange))
		if err := s.run(3, s.planTime("2026-10-16 12:00")); err != nil {
			t.Fatal(err)
		}
		if s.runs != 1 || s.local(s.endedAt) != "10-20 15:59" {
			t.Errorf("%d runs, ended %s; want one run ending when the minutes close, 10-20 15:59", s.runs, s.local(s.endedAt))
		}
		var waiting *contract.PartReport
		for i, r := range s.reports {
			if r.Phase == contract.PhaseAwaitingAttendance {
				waiting = &s.reports[i]
			}
		}
		if waiting == nil || waiting.Done || waiting.Next == nil || s.local(waiting.Next.Due) != "10-20 15:59" ||
			waiting.Next.What != "the attendance of exchange 1 of the Publicity Department, from He Xin" {
			t.Errorf("report while waiting = %+v", waiting)
		}
		if last := s.reports[len(s.reports)-1]; !last.Done || s.result.Phase != contract.PhaseDone || s.result.Officers[0].Unrecorded != 1 {
			t.Errorf("last report %+v, result %+v", last, s.result)
		}
	})

	t.Run("the secretary records it", func(t *testing.T) {
		s := newSeries(t, exchangesPlan(t, oneExchange))
		done := s.recordAttendance("2026-10-19 09:00", contract.RecordAttendanceInput{Email: "he.xin@example.edu", Meeting: 1,
			Present: []string{"ma.li@example.edu", "guo.rui@example.edu"}})
		if err := s.run(3, s.planTime("2026-10-16 12:00")); err != nil {
			t.Fatal(err)
		}
		if done.rejected != nil || done.err != nil || s.local(s.endedAt) != "10-19 09:00" {
			t.Errorf("recording %+v; series ended %s, want at once after it, 10-19 09:00", done, s.local(s.endedAt))
		}
		got := s.result.Officers
		if got[0].Present != 1 || got[1].Present != 1 || got[2].Absent != 1 || got[0].Unrecorded+got[1].Unrecorded+got[2].Unrecorded != 0 {
			t.Errorf("counts = %+v, want Ma Li and Guo Rui present, He Xin absent", got)
		}
		last := s.reports[len(s.reports)-1]
		if !last.Done || last.Summary != "Publicity Department: 1 of 1 exchanges held; 1 recorded late (1 by the secretary afterwards)" {
			t.Errorf("last report = %+v", last)
		}
		if len(s.attendance) != 1 || s.attendance[0].Records[0].Status != contract.AttendanceUnrecorded {
			t.Errorf("the series' own write = %+v, want exchange 1 unrecorded", s.attendance)
		}
	})
}

// The portal finds an exchange's series from its minutes' workflow ID
// alone, and nothing else passes for one.
func TestExchangesOfMinutes(t *testing.T) {
	id, n, ok := contract.ExchangesOfMinutes(contract.MinutesWorkflowID("2026-fall", "publicity", 3))
	if !ok || n != 3 || id != contract.ExchangesWorkflowID("2026-fall", "publicity") {
		t.Errorf("minutes of exchange 3: %q %d %v", id, n, ok)
	}
	for _, other := range []string{
		contract.CollectionWorkflowID("2026-fall", "kickoff", "department_plan"),
		contract.ExchangesWorkflowID("2026-fall", "publicity"),
		"semester/2026-fall/exchanges/publicity/minutes-0",
		"semester/2026-fall/exchanges/publicity/minutes-3x",
		"semester/2026-fall/month/2026-10/minutes-3",
		"other/2026-fall/exchanges/publicity/minutes-3",
	} {
		if id, n, ok := contract.ExchangesOfMinutes(other); ok {
			t.Errorf("%s taken for the minutes of exchange %d of %s", other, n, id)
		}
	}
}
