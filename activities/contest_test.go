package activities_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"semesterflow/contract"
	"semesterflow/internal/testenv"
	"semesterflow/plan"
	"semesterflow/store"
)

// partsHarness runs the contest's and the help desk's activities on a
// rig, for a term whose ID is the rig's tag.
type partsHarness struct {
	*rig
	termID string
	loc    *time.Location
}

func newPartsHarness(t *testing.T) *partsHarness {
	t.Helper()
	r := newRig(t)
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return &partsHarness{rig: r, termID: r.tag, loc: loc}
}

func (h *partsHarness) at(local string) time.Time {
	h.t.Helper()
	t, err := plan.LocalTime(local).In(h.loc)
	if err != nil {
		h.t.Fatal(err)
	}
	return t
}

func (h *partsHarness) contains(what string, msg testenv.MailMessage, wants ...string) {
	h.t.Helper()
	for part, body := range map[string]string{"text": msg.Text, "HTML": msg.HTML} {
		for _, w := range wants {
			if !strings.Contains(body, w) {
				h.t.Errorf("%s: %s part lacks %q", what, part, w)
			}
		}
	}
}

func TestContestAtRiskNoticeReachesEachLeaderOnce(t *testing.T) {
	h := newPartsHarness(t)
	leaders := []plan.Person{h.person("Li Wei"), h.person("Zhang Hua")}
	in := contract.NotifyContestAtRiskInput{
		TermID: h.termID, TermName: "Fall term 2026", TimeZone: plan.MustZone("Asia/Shanghai"),
		ContestName: "Knowledge Contest", ContestAt: h.at("2026-10-28 19:00"), Where: "Auditorium", Total: 5,
		Open: []contract.ContestMilestone{
			{Key: "m4", Title: "Registration", Owner: h.person("Huang Bo"), Due: h.at("2026-10-16 23:59")},
			{Key: "m5", Title: "Preliminary round", Owner: h.person("Zhao Ning"), Due: h.at("2026-10-21 23:59")},
		},
		Leaders: leaders,
	}
	first := h.deliver(h.acts.NotifyContestAtRisk, in)
	second := h.deliver(h.acts.NotifyContestAtRisk, in)
	if first.Sent != 2 || second.Sent != 0 || second.AlreadySent != 2 {
		t.Errorf("first run %+v, second %+v; want 2 sent, then 2 already sent", first, second)
	}
	for _, l := range leaders {
		msg := h.only(l.Email)
		if msg.Subject != "Knowledge Contest at risk: 2 milestones still open" {
			t.Errorf("subject %q", msg.Subject)
		}
		h.contains(l.Name+"'s notice", msg, l.Name, "Registration", "Huang Bo", "Fri 16 Oct 2026, 23:59 (Asia/Shanghai)",
			"Preliminary round", "Zhao Ning", "Wed 28 Oct 2026, 19:00 (Asia/Shanghai)", "2 of its 5")
	}
}

func TestContestResultsReminderAndRecording(t *testing.T) {
	h := newPartsHarness(t)
	ctx := context.Background()
	leader := h.person("Li Wei")
	reminder := contract.NotifyContestResultsReminderInput{
		TermID: h.termID, TermName: "Fall term 2026", TimeZone: plan.MustZone("Asia/Shanghai"), ContestName: "Knowledge Contest",
		ContestAt: h.at("2026-10-28 19:00"), ResultsDue: h.at("2026-10-30 23:59"),
		Leaders: []plan.Person{leader}, Departments: []string{"organization", "publicity"},
	}
	h.deliver(h.acts.NotifyContestResultsReminder, reminder)
	if again := h.deliver(h.acts.NotifyContestResultsReminder, reminder); again.Sent != 0 || again.AlreadySent != 1 {
		t.Errorf("second run %+v, want nothing sent", again)
	}
	msg := h.only(leader.Email)
	h.contains("reminder", msg, "Fri 30 Oct 2026, 23:59 (Asia/Shanghai)",
		"starter record-results --term "+h.termID+" --email "+leader.Email, "organization", "publicity")

	rec := contract.RecordContestResultInput{
		TermID: h.termID, Name: "Knowledge Contest", HeldAt: reminder.ContestAt,
		Text: "Publicity first.", Winners: []string{"publicity"}, By: leader.Email, At: h.at("2026-10-29 10:00"), AuditKey: "update/results-1",
	}
	for range 2 {
		if _, err := h.env.ExecuteActivity(h.acts.RecordContestResult, rec); err != nil {
			t.Fatal(err)
		}
	}
	missing := contract.RecordContestResultInput{TermID: h.termID, Name: "Knowledge Contest", HeldAt: reminder.ContestAt, Missing: true, At: reminder.ResultsDue}
	if _, err := h.env.ExecuteActivity(h.acts.RecordContestResult, missing); err != nil {
		t.Fatal(err)
	}
	got, ok, err := h.store.ContestResultOf(ctx, h.termID)
	if err != nil || !ok {
		t.Fatalf("contest row: ok %v, err %v", ok, err)
	}
	if got.Status != store.ContestRecorded || got.Results != "Publicity first." || !slices.Equal(got.Winners, []string{"publicity"}) || got.RecordedBy != leader.Email {
		t.Errorf("contest row = %+v, want the leader's results", got)
	}
	audit, err := h.store.AuditEntries(ctx, h.termID)
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 1 || audit[0].Action != "record_contest_results" || audit[0].Actor != leader.Email {
		t.Errorf("audit = %+v, want one record_contest_results by the leader", audit)
	}
}

func TestOpenMilestonesReadsTheSubmissions(t *testing.T) {
	h := newPartsHarness(t)
	if _, err := h.env.ExecuteActivity(h.acts.RecordSubmissions, contract.RecordSubmissionsInput{
		TermID: h.termID, Kind: "milestone", Scope: "contest",
		Submissions: []contract.SubmissionRecord{{Slot: "m2", Author: "lin.yue@example.edu", At: h.at("2026-10-07 12:00"), Due: h.at("2026-10-08 23:59")}},
	}); err != nil {
		t.Fatal(err)
	}
	v, err := h.env.ExecuteActivity(h.acts.OpenMilestones, contract.OpenMilestonesInput{
		TermID: h.termID, Kind: "milestone", Scope: "contest", Keys: []string{"m1", "m2", "m3"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var open []string
	if err := v.Get(&open); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(open, []string{"m1", "m3"}) {
		t.Errorf("open = %v, want m1 and m3", open)
	}
}
