package workflows_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"semesterflow/contract"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// amendment is one amend-plan Update sent during a term, and its outcome.
type amendment struct {
	rejected string
	failed   error
	result   contract.AmendPlanResult
	done     bool
}

// amend sends the amend-plan Update to the term at a plan time.
func (r *termRun) amend(local string, in contract.AmendPlanInput) *amendment {
	u := &amendment{}
	r.env.RegisterDelayedCallback(func() {
		r.env.UpdateWorkflow(contract.UpdateAmendPlan, "amend-"+local, &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { u.rejected, u.done = err.Error(), true },
			OnComplete: func(v any, err error) {
				u.done, u.failed = true, err
				if res, ok := v.(contract.AmendPlanResult); ok {
					u.result = res
				}
			},
		}, in)
	}, r.at(local))
	return u
}

// savedVersions records what the term asked Postgres to keep.
func (r *termRun) savedVersions() *[]contract.SavePlanVersionInput {
	var saved []contract.SavePlanVersionInput
	r.env.OnActivity(acts.SavePlanVersions, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.SavePlanVersionInput) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			saved = append(saved, in)
			return nil
		})
	return &saved
}

// A month that has not opened is dropped mid-term: the term never runs it,
// the plan's versions are kept, and the same file applied again does nothing.
func TestAmendingAPartThatHasNotStarted(t *testing.T) {
	r := newTermRun(t)
	saved := r.savedVersions()
	amended := testPlan(t, func(p *plan.Plan) { p.Months.Run = p.Months.Run[:len(p.Months.Run)-1] })

	var diff contract.PlanDiff
	r.env.RegisterDelayedCallback(func() {
		diff = queryAs[contract.PlanDiff](t, r.env, contract.QueryPlanDiff, *amended)
	}, r.at("2026-10-20 09:00"))
	first := r.amend("2026-10-20 10:00", contract.AmendPlanInput{Plan: *amended, By: "li.wei@example.edu", ExpectVersion: 1, Source: "months: ..."})
	again := r.amend("2026-10-21 10:00", contract.AmendPlanInput{Plan: *amended, By: "zhang.hua@example.edu"})

	r.env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *r.plan, TimeScale: 86400, StartedBy: "li.wei@example.edu"})
	if err := r.env.GetWorkflowError(); err != nil {
		t.Fatalf("term failed: %v", err)
	}

	if diff.Version != 1 || len(diff.Changes) != 1 || diff.Refused != 0 {
		t.Fatalf("diff before applying: %+v", diff)
	}
	if c := diff.Changes[0]; c.Path != "months.run[2026-12]" || c.Effect != contract.EffectNow {
		t.Errorf("diff: %s %s (%s)", c.Path, c.Effect, c.Reason)
	}
	if !first.done || first.rejected != "" || first.failed != nil {
		t.Fatalf("first amendment: %+v", first)
	}
	if first.result.Version != 2 || len(first.result.Changes) != 1 {
		t.Errorf("first amendment's result: %+v", first.result)
	}
	if again.rejected != "" || again.failed != nil || !again.result.Unchanged || again.result.Version != 2 {
		t.Errorf("the same plan again: %+v", again)
	}
	for _, m := range r.digests {
		if m == "2026-12" {
			t.Errorf("December's digest was published though the month was dropped: %v", r.digests)
		}
	}
	if len(r.digests) != 3 {
		t.Errorf("digests %v, want September to November", r.digests)
	}

	// Version 1 when the term started, version 2 with its audit entry and
	// the directory; nothing for the second, unchanged, file.
	if len(*saved) != 2 {
		t.Fatalf("%d saves of plan versions, want 2: %+v", len(*saved), *saved)
	}
	v1, v2 := (*saved)[0], (*saved)[1]
	if len(v1.Versions) != 1 || v1.Versions[0].Version != 1 || v1.Versions[0].By != "li.wei@example.edu" || v1.AuditKey != "" {
		t.Errorf("version 1 saved as %+v", v1)
	}
	if len(v2.Versions) != 1 || v2.Versions[0].Version != 2 || v2.AuditKey == "" || !v2.Directory ||
		v2.Versions[0].Source != "months: ..." || v2.Versions[0].Hash != contract.PlanHash(*amended) {
		t.Errorf("version 2 saved as %+v", v2)
	}
}

// Changes that touch what is running or over are refused, with their paths
// and reasons, and nothing of the amendment applies.
func TestAmendmentsRefusedWhole(t *testing.T) {
	r := newTermRun(t)
	saved := r.savedVersions()
	mixed := testPlan(t, func(p *plan.Plan) {
		p.Months.Run = p.Months.Run[:len(p.Months.Run)-1] // would apply
		p.Exchanges.First = "2026-09-16 19:00"            // exchanges are under way
		p.Term.ID = "2026-autumn"
	})
	refused := r.amend("2026-10-20 10:00", contract.AmendPlanInput{Plan: *mixed, By: "li.wei@example.edu"})
	stranger := r.amend("2026-10-20 11:00", contract.AmendPlanInput{Plan: *testPlan(t, func(p *plan.Plan) { p.Term.Name = "Autumn" }), By: "ma.li@example.edu"})
	stale := r.amend("2026-10-20 12:00", contract.AmendPlanInput{Plan: *testPlan(t, func(p *plan.Plan) { p.Term.Name = "Autumn" }), By: "li.wei@example.edu", ExpectVersion: 3})
	bad := *testPlan(t)
	bad.Departments[0].Head.Email = "" // as the Temporal CLI could send it
	invalid := r.amend("2026-10-20 13:00", contract.AmendPlanInput{Plan: bad, By: "li.wei@example.edu"})

	r.runTerm()
	for name, c := range map[string]struct {
		u    *amendment
		want []string
	}{
		"mixed":    {refused, []string{"nothing of it applies", "exchanges.first: exchange 1 was held on Tue 13 Oct 2026, 19:00 (Asia/Shanghai) (its sign-in opened); it cannot be moved", "term.id: the term's ID names its workflows"}},
		"stranger": {stranger, []string{`"ma.li@example.edu" is not a leader of Fall term 2026`}},
		"stale":    {stale, []string{"the plan is at version 1 now, not 3"}},
		"invalid":  {invalid, []string{"departments[0].head.email"}},
	} {
		if c.u.rejected == "" {
			t.Errorf("%s: not refused (%+v)", name, c.u)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(c.u.rejected, w) {
				t.Errorf("%s: refusal %q does not say %q", name, c.u.rejected, w)
			}
		}
		if strings.Contains(c.u.rejected, "months.run") {
			t.Errorf("%s: a change that could apply is listed among the refused: %q", name, c.u.rejected)
		}
	}
	if len(r.digests) != 4 {
		t.Errorf("digests %v: a refused amendment dropped a month", r.digests)
	}
	if len(*saved) != 1 {
		t.Errorf("%d saves of plan versions, want only version 1's", len(*saved))
	}
}

// An officer added and one removed mid-term: the department's exchanges
// take the new roster from the next exchange not yet invited to. The one
// who left keeps the attendance recorded while they served.
func TestAmendedRosterTakesEffectFromTheNextExchange(t *testing.T) {
	r := newTermRun(t)
	r.savedVersions()
	amended := testPlan(t, zhuLanForGuoRui)
	var diff contract.PlanDiff
	r.env.RegisterDelayedCallback(func() {
		diff = queryAs[contract.PlanDiff](t, r.env, contract.QueryPlanDiff, *amended)
	}, r.at("2026-10-20 09:00"))
	u := r.amend("2026-10-20 10:00", contract.AmendPlanInput{Plan: *amended, By: "li.wei@example.edu"})

	r.runTerm()
	if u.rejected != "" || u.failed != nil || u.result.Version != 2 {
		t.Fatalf("amendment: %+v", u)
	}
	if diff.Refused != 0 || len(diff.Changes) != 2 {
		t.Fatalf("diff: %+v", diff)
	}
	for _, c := range diff.Changes {
		if c.Effect != contract.EffectNext || !strings.Contains(c.Reason, "next exchange not yet invited to") {
			t.Errorf("%s: %s (%s)", c.Path, c.Effect, c.Reason)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	// Exchange 1 was on 13 October, exchange 2 on 27 October.
	if _, ok := r.attendance["publicity/1/guo.rui@example.edu"]; !ok {
		t.Errorf("Guo Rui's attendance at exchange 1, before he left, is missing")
	}
	if _, ok := r.attendance["publicity/1/zhu.lan@example.edu"]; ok {
		t.Errorf("Zhu Lan is recorded at an exchange held before she joined")
	}
	last := 0
	for key := range r.attendance {
		var n int
		if _, err := fmt.Sscanf(key, "publicity/%d/", &n); err == nil && n > last {
			last = n
		}
	}
	if last < 2 {
		t.Fatalf("the publicity department held %d exchanges", last)
	}
	for n := 2; n <= last; n++ {
		if _, ok := r.attendance[fmt.Sprintf("publicity/%d/zhu.lan@example.edu", n)]; !ok {
			t.Errorf("Zhu Lan is not in the attendance of exchange %d", n)
		}
		if _, ok := r.attendance[fmt.Sprintf("publicity/%d/guo.rui@example.edu", n)]; ok {
			t.Errorf("Guo Rui is in the attendance of exchange %d, after he left", n)
		}
	}
	if _, ok := r.attendance["organization/2/wu.tong@example.edu"]; !ok {
		t.Errorf("another department's roster changed")
	}
}

// Once onboarding has started, an officer who joins is assigned the
// training at once with a deadline counted from the day they joined, and
// acknowledges in their own onboarding; one who leaves gets no more
// reminders and is not escalated.
func TestOfficersJoiningAndLeavingDuringOnboarding(t *testing.T) {
	r := newTermRun(t)
	r.savedVersions()
	type sent struct {
		kind, department string
		deadline         string
		to               []string
	}
	var batches []sent
	r.env.OnActivity(acts.NotifyOnboarding, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.NotifyOnboardingInput) (contract.DeliveryResult, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			b := sent{kind: in.Kind, department: in.DepartmentID, deadline: in.Deadline.In(r.plan.Location()).Format("2006-01-02 15:04")}
			for _, o := range in.Officers {
				b.to = append(b.to, o.Email)
			}
			batches = append(batches, b)
			return contract.DeliveryResult{Sent: len(in.Officers)}, nil
		})
	amended := testPlan(t, zhuLanForGuoRui)
	u := r.amend("2026-09-10 10:00", contract.AmendPlanInput{Plan: *amended, By: "li.wei@example.edu"})
	var where contract.OfficerLocation
	r.env.RegisterDelayedCallback(func() {
		where = queryAs[contract.OfficerLocation](t, r.env, contract.QueryFindOfficer, "zhu.lan@example.edu")
	}, r.at("2026-09-11 09:00"))
	joinerID := contract.JoinerOnboardingWorkflowID(r.plan.Term.ID, "publicity", 2)
	r.act("2026-09-12 10:00", joinerID, contract.UpdateAcknowledgeTraining, "joiner acks", contract.AcknowledgeInput{Email: "zhu.lan@example.edu"})
	r.act("2026-09-12 11:00", contract.OnboardingWorkflowID(r.plan.Term.ID, "publicity"), contract.UpdateAcknowledgeTraining,
		"leaver acks", contract.AcknowledgeInput{Email: "guo.rui@example.edu"})

	r.runTerm()
	if u.rejected != "" || u.failed != nil || u.result.Version != 2 {
		t.Fatalf("amendment: %+v", u)
	}
	if where.OnboardingWorkflowID != joinerID {
		t.Errorf("find-officer sends Zhu Lan to %q, want %q", where.OnboardingWorkflowID, joinerID)
	}
	if got := r.updates["joiner acks"]; got != "" {
		t.Errorf("Zhu Lan's acknowledgement: %q", got)
	}
	if got := r.updates["leaver acks"]; !strings.Contains(got, "left the Publicity Department") {
		t.Errorf("Guo Rui's acknowledgement after leaving: %q", got)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var joinerAssigned bool
	for _, b := range batches {
		if b.department != "publicity" {
			continue
		}
		has := func(email string) bool { return slicesContains(b.to, email) }
		if b.kind == contract.NotifyAssignment && has("zhu.lan@example.edu") {
			joinerAssigned = true
			if len(b.to) != 1 || b.deadline != "2026-09-20 23:59" {
				t.Errorf("the joiner's assignment: %+v, want only her, due three days after the others (17 September)", b)
			}
		}
		if b.kind != contract.NotifyAssignment && has("guo.rui@example.edu") {
			t.Errorf("Guo Rui got a %s after he left: %+v", b.kind, b)
		}
	}
	if !joinerAssigned {
		t.Errorf("no assignment to the officer who joined: %+v", batches)
	}
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The contest moves a week later three weeks before it: the milestones
// still to come keep their distance from it, the at-risk check and the
// results follow, and a leader cannot record results on the old date.
func TestContestMovedWhilePrepared(t *testing.T) {
	r := newTermRun(t)
	r.savedVersions()
	var atRisk, reminded string
	var milestones []string
	r.env.OnActivity(acts.NotifyContestAtRisk, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.NotifyContestAtRiskInput) (contract.DeliveryResult, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			atRisk = in.ContestAt.In(r.plan.Location()).Format("2006-01-02 15:04")
			for _, m := range in.Open {
				milestones = append(milestones, m.Title+" "+m.Due.In(r.plan.Location()).Format("01-02"))
			}
			return contract.DeliveryResult{}, nil
		})
	r.env.OnActivity(acts.NotifyContestResultsReminder, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.NotifyContestResultsReminderInput) (contract.DeliveryResult, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			reminded = in.ContestAt.In(r.plan.Location()).Format("2006-01-02 15:04")
			return contract.DeliveryResult{}, nil
		})
	// Nothing was done: every milestone is open at the at-risk check.
	r.env.OnActivity(acts.OpenMilestones, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.OpenMilestonesInput) ([]string, error) { return in.Keys, nil })
	moved := testPlan(t, func(p *plan.Plan) { p.Contest.At = "2026-11-04 19:00" })
	var diff contract.PlanDiff
	r.env.RegisterDelayedCallback(func() {
		diff = queryAs[contract.PlanDiff](t, r.env, contract.QueryPlanDiff, *moved)
	}, r.at("2026-10-07 09:00"))
	u := r.amend("2026-10-07 10:00", contract.AmendPlanInput{Plan: *moved, By: "li.wei@example.edu"})
	// The next file is written from the last one: its milestones still
	// carry the dates it wrote, which must not read as moving them back.
	later := testPlan(t, func(p *plan.Plan) { p.Contest.At = "2026-11-04 19:00"; p.Contest.Where = "Library hall" })
	again := r.amend("2026-10-09 10:00", contract.AmendPlanInput{Plan: *later, By: "li.wei@example.edu"})
	contest := contract.ContestWorkflowID(r.plan.Term.ID)
	r.act("2026-10-29 10:00", contest, contract.UpdateRecordResults, "results on the old date", contract.RecordResultsInput{Email: "li.wei@example.edu", Text: "Publicity won."})

	r.runTerm()
	if u.rejected != "" || u.failed != nil || u.result.Version != 2 {
		t.Fatalf("amendment: %+v", u)
	}
	if again.rejected != "" || again.failed != nil || len(again.result.Changes) != 1 || again.result.Changes[0].Path != "contest.where" {
		t.Errorf("the next file, written from the last: %+v", again)
	}
	paths := map[string]string{}
	for _, c := range diff.Changes {
		paths[c.Path] = c.Effect
	}
	for _, p := range []string{"contest.at", "contest.milestones[Question bank]", "contest.milestones[Preliminary round]"} {
		if paths[p] != contract.EffectNow {
			t.Errorf("%s: %q in the diff %v", p, paths[p], paths)
		}
	}
	if _, moved := paths["contest.milestones[Review of previous years' contests]"]; moved {
		t.Errorf("a milestone already due moved with the contest: %v", paths)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if atRisk != "2026-11-04 19:00" {
		t.Errorf("the at-risk notice names the contest on %q, want the new date", atRisk)
	}
	for _, m := range milestones {
		if strings.HasPrefix(m, "Preliminary round") && m != "Preliminary round 10-28" {
			t.Errorf("open milestone %q, want it due a week later, 10-28", m)
		}
	}
	if reminded != "" && reminded != "2026-11-04 19:00" {
		t.Errorf("the results reminder names the contest on %s", reminded)
	}
	if got := r.updates["results on the old date"]; !strings.Contains(got, "takes place on Wed 4 Nov 2026, 19:00") {
		t.Errorf("results recorded on the old date: %q", got)
	}
}

// Two days before exchange 3, already invited to, it moves two days later
// and exchange 4 is cancelled: exchange 3's attendees get an updated
// invite with the same number and SEQUENCE 1, it is held at its new time,
// exchange 4 is never invited to nor recorded, and exchange 5 follows as
// planned. The held exchanges cannot move.
func TestExchangeMovedAndCancelledMidTerm(t *testing.T) {
	r := newTermRun(t)
	r.savedVersions()
	changed := testPlan(t, func(p *plan.Plan) {
		p.Exchanges.Changes = []plan.ExchangeChange{{Number: 3, To: "2026-11-12 19:00", Where: "Room 101"}, {Number: 4, Cancelled: true}}
	})
	var diff contract.PlanDiff
	r.env.RegisterDelayedCallback(func() {
		diff = queryAs[contract.PlanDiff](t, r.env, contract.QueryPlanDiff, *changed)
	}, r.at("2026-11-08 09:00"))
	u := r.amend("2026-11-08 10:00", contract.AmendPlanInput{Plan: *changed, By: "li.wei@example.edu"})
	held := r.amend("2026-11-08 11:00", contract.AmendPlanInput{Plan: *testPlan(t, func(p *plan.Plan) {
		p.Exchanges.Changes = []plan.ExchangeChange{{Number: 2, Cancelled: true}}
	}), By: "li.wei@example.edu"})

	r.runTerm()
	if u.rejected != "" || u.failed != nil || u.result.Version != 2 {
		t.Fatalf("amendment: %+v", u)
	}
	if len(diff.Changes) != 1 || diff.Changes[0].Effect != contract.EffectNow || !strings.Contains(diff.Changes[0].Reason, "exchange 3 to Thu 12 Nov 2026, 19:00") ||
		!strings.Contains(diff.Changes[0].Reason, "exchange 4 cancelled") {
		t.Errorf("diff: %+v", diff.Changes)
	}
	if !strings.Contains(held.rejected, "exchange 2 was held on Tue 27 Oct 2026, 19:00") {
		t.Errorf("cancelling a held exchange: %q", held.rejected)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	got := strings.Join(r.notices["publicity"], ", ")
	if want := "1 10-13 seq0, 2 10-27 seq0, 3 11-10 seq0, 3 11-12 seq1 moved, 5 12-08 seq0, 6 12-22 seq0"; got != want {
		t.Errorf("publicity's exchange emails:\n%s\nwant\n%s", got, want)
	}
	if _, ok := r.attendance["publicity/3/ma.li@example.edu"]; !ok {
		t.Error("exchange 3 was not held after it moved")
	}
	for key := range r.attendance {
		if strings.HasPrefix(key, "publicity/4/") {
			t.Fatalf("the cancelled exchange 4 has attendance: %s", key)
		}
	}
	if _, ok := r.attendance["publicity/5/ma.li@example.edu"]; !ok {
		t.Error("exchange 5 was not held")
	}
}

// An exchange cancelled after its invitation went out: those invited get a
// cancellation of the same event, SEQUENCE 1, and nobody's attendance is
// taken for it.
func TestInvitedExchangeCancelled(t *testing.T) {
	r := newTermRun(t)
	r.savedVersions()
	u := r.amend("2026-11-08 10:00", contract.AmendPlanInput{Plan: *testPlan(t, func(p *plan.Plan) {
		p.Exchanges.Changes = []plan.ExchangeChange{{Number: 3, Cancelled: true}}
	}), By: "li.wei@example.edu"})
	r.runTerm()
	if u.rejected != "" || u.failed != nil {
		t.Fatalf("amendment: %+v", u)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	got := strings.Join(r.notices["publicity"], ", ")
	if want := "1 10-13 seq0, 2 10-27 seq0, 3 11-10 seq0, 3 11-10 seq1 cancelled, 4 11-24 seq0, 5 12-08 seq0, 6 12-22 seq0"; got != want {
		t.Errorf("publicity's exchange emails:\n%s\nwant\n%s", got, want)
	}
	for key := range r.attendance {
		if strings.HasPrefix(key, "publicity/3/") {
			t.Fatalf("the cancelled exchange 3 has attendance: %s", key)
		}
	}
}

// The publicity head resigns mid-term: the new head is asked for what the
// running month still needs from the department, the next month asks the
// new head from the start, and the old head is asked for nothing more.
func TestHeadReplacedMidTerm(t *testing.T) {
	r := newTermRun(t)
	r.savedVersions()
	replaced := testPlan(t, func(p *plan.Plan) {
		p.Departments[1].Head = plan.Person{Name: "Deng Yu", Email: "deng.yu@example.edu"}
	})
	var diff contract.PlanDiff
	r.env.RegisterDelayedCallback(func() {
		diff = queryAs[contract.PlanDiff](t, r.env, contract.QueryPlanDiff, *replaced)
	}, r.at("2026-10-20 09:00"))
	u := r.amend("2026-10-20 10:00", contract.AmendPlanInput{Plan: *replaced, By: "li.wei@example.edu"})
	r.runTerm()
	if u.rejected != "" || u.failed != nil || u.result.Version != 2 {
		t.Fatalf("amendment: %+v (diff %+v)", u, diff.Changes)
	}
	if len(diff.Changes) != 1 || diff.Changes[0].Path != "departments[publicity].head" || diff.Changes[0].Effect == contract.EffectRefused {
		t.Errorf("diff: %+v", diff.Changes)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var toNew, toOldAfter []string
	seenNew := false
	for _, a := range r.asked {
		if !strings.Contains(a, "/publicity: ") {
			continue
		}
		if strings.Contains(a, "deng.yu@example.edu") {
			toNew = append(toNew, a)
			seenNew = true
		} else if seenNew && strings.Contains(a, "sun.hao@example.edu") {
			toOldAfter = append(toOldAfter, a)
		}
	}
	if len(toNew) < 2 {
		t.Errorf("the new head was asked for %v; want October's open requests and November's", toNew)
	}
	if len(toOldAfter) > 0 {
		t.Errorf("the old head was still asked after leaving: %v", toOldAfter)
	}
}

// runTerm runs the example term to its end and fails the test if it fails.
func (r *termRun) runTerm() {
	r.t.Helper()
	r.env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *r.plan, TimeScale: 86400})
	if err := r.env.GetWorkflowError(); err != nil {
		r.t.Fatalf("term failed: %v", err)
	}
}

// zhuLanForGuoRui has Guo Rui leave the Publicity Department and Zhu Lan
// join it.
func zhuLanForGuoRui(p *plan.Plan) {
	pub := &p.Departments[1]
	var kept []plan.Person
	for _, o := range pub.Officers {
		if o.Email != "guo.rui@example.edu" {
			kept = append(kept, o)
		}
	}
	pub.Officers = append(kept, plan.Person{Name: "Zhu Lan", Email: "zhu.lan@example.edu"})
}

// New judges and criteria before October's scoring opens: October is
// scored by them; November starts with them.
func TestJudgingChangedBeforeScoringOpens(t *testing.T) {
	r := newTermRun(t)
	r.savedVersions()
	judging := testPlan(t, func(p *plan.Plan) {
		p.Months.Judges = p.Months.Judges[:1]
		p.Months.Criteria = append(p.Months.Criteria, "teamwork")
	})
	u := r.amend("2026-10-10 10:00", contract.AmendPlanInput{Plan: *judging, By: "li.wei@example.edu"})
	entries := contract.MonthCollectionWorkflowID(r.plan.Term.ID, "2026-10", contract.KindCompetitionEntry)
	r.act("2026-10-12 10:00", entries, contract.UpdateSubmit, "entry", contract.SubmitInput{Email: "sun.hao@example.edu", Text: "A poster walk."})
	r.runTerm()
	if u.rejected != "" || u.failed != nil || u.result.Version != 2 {
		t.Fatalf("amendment: %+v", u)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var october []string
	for _, a := range r.asked {
		if strings.Contains(a, "October 2026") && strings.Contains(a, "score") {
			october = append(october, a)
		}
	}
	if len(october) == 0 {
		t.Fatalf("nobody was asked to score October's entries: %v", r.asked)
	}
	for _, a := range october {
		if strings.Contains(a, "zhang.hua@example.edu") || !strings.Contains(a, "li.wei@example.edu") {
			t.Errorf("October's scores asked of the wrong judges: %s", a)
		}
	}
}

// The series changed from 17 November on: weekly at 18:30 in Room 204.
// The exchanges held keep their dates; the later ones follow the new
// rhythm, and the numbers go on past the old calendar's last.
func TestExchangeSeriesChangedFromADateOn(t *testing.T) {
	r := newTermRun(t)
	r.savedVersions()
	changed := testPlan(t, func(p *plan.Plan) {
		p.Exchanges.From = []plan.ExchangeSeries{{First: "2026-11-17 18:30", EveryWeeks: 1, Where: "Room 204"}}
	})
	var diff contract.PlanDiff
	r.env.RegisterDelayedCallback(func() {
		diff = queryAs[contract.PlanDiff](t, r.env, contract.QueryPlanDiff, *changed)
	}, r.at("2026-11-08 09:00"))
	u := r.amend("2026-11-08 10:00", contract.AmendPlanInput{Plan: *changed, By: "li.wei@example.edu"})

	r.runTerm()
	if u.rejected != "" || u.failed != nil || u.result.Version != 2 {
		t.Fatalf("amendment: %+v", u)
	}
	if len(diff.Changes) != 1 || diff.Changes[0].Effect != contract.EffectNow || !strings.Contains(diff.Changes[0].Reason, "exchange 4 to Tue 17 Nov 2026, 18:30") {
		t.Errorf("diff: %+v", diff.Changes)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if got := strings.Join(r.notices["publicity"], ", "); !strings.HasPrefix(got, "1 10-13 seq0, 2 10-27 seq0, 3 11-10 seq0, 4 11-17 seq0, 5 11-24 seq0, 6 12-01 seq0") {
		t.Errorf("publicity's exchange emails:\n%s\nwant the first three as planned, then weekly from 17 November", got)
	}
	if _, ok := r.attendance["publicity/7/ma.li@example.edu"]; !ok {
		t.Error("exchange 7, which only the new series has, was not held")
	}
}

// A plan too large for an Update is uploaded and sent by reference: the
// term reads it, diffs it packed as a query, applies it, and from then on
// carries it by reference. One whose changes are refused is refused after
// acceptance, in the same words, and changes nothing.
func TestAmendingWithAPlanByReference(t *testing.T) {
	r := newTermRun(t)
	saved := r.savedVersions()
	amended := testPlan(t, func(p *plan.Plan) { p.Months.Run = p.Months.Run[:len(p.Months.Run)-1] })
	refusedPlan := testPlan(t, func(p *plan.Plan) {
		p.Months.Run = p.Months.Run[:len(p.Months.Run)-1]
		p.Exchanges.First = "2026-09-16 19:00"
	})
	chunks := map[string][]contract.PlanChunk{}
	refOf := func(p *plan.Plan) *contract.PlanRef {
		ref, cs, err := contract.SplitPlan(*p)
		if err != nil {
			t.Fatal(err)
		}
		chunks[ref.Hash] = cs
		return &ref
	}
	goodRef, badRef := refOf(amended), refOf(refusedPlan)
	servePackedPlan(r.env, func(hash string, i int) string { return chunks[hash][i].Data })

	packed, err := contract.PackPlan(*amended)
	if err != nil {
		t.Fatal(err)
	}
	var diff contract.PlanDiff
	r.env.RegisterDelayedCallback(func() {
		diff = queryAs[contract.PlanDiff](t, r.env, contract.QueryPlanDiffPacked, packed)
	}, r.at("2026-10-20 09:00"))
	refused := r.amend("2026-10-20 10:00", contract.AmendPlanInput{PlanRef: badRef, By: "li.wei@example.edu"})
	applied := r.amend("2026-10-20 11:00", contract.AmendPlanInput{PlanRef: goodRef, By: "li.wei@example.edu", ExpectVersion: 1})
	r.runTerm()

	if len(diff.Changes) != 1 || diff.Changes[0].Path != "months.run[2026-12]" || diff.NewHash != contract.PlanHash(*amended) {
		t.Errorf("the packed diff: %+v", diff)
	}
	if refused.rejected != "" || refused.failed == nil ||
		!strings.Contains(refused.failed.Error(), "exchanges.first: exchange 1 was held on Tue 13 Oct 2026") {
		t.Errorf("the refused plan by reference: rejected %q, failed %v", refused.rejected, refused.failed)
	}
	if applied.failed != nil || applied.rejected != "" || applied.result.Version != 2 {
		t.Fatalf("the plan by reference: %+v", applied)
	}
	if len(r.digests) != 3 {
		t.Errorf("digests %v, want September to November: the amendment by reference did not apply", r.digests)
	}
	if len(*saved) != 2 {
		t.Fatalf("%d saves of plan versions, want version 1's and version 2's", len(*saved))
	}
	if v2 := (*saved)[1].Versions[0]; v2.Version != 2 || v2.PlanRef == nil || *v2.PlanRef != *goodRef || v2.Plan.Term.ID != "" {
		t.Errorf("version 2 saved with reference %+v and a plan for %q; want the uploaded reference alone", v2.PlanRef, v2.Plan.Term.ID)
	}
}
