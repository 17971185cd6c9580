package workflows_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
	"semesterflow/workflows"
)

func kickoffPlan(t testing.TB) *plan.Plan {
	return testPlan(t, noRoles, basics, func(p *plan.Plan) {
		p.Leaders[0].Role = "Minister of Organization"
		p.Departments = []plan.Department{pick(t, p, "organization", "Chen Jie"), pick(t, p, "publicity", "Ma Li"), pick(t, p, "sports", "Lu Feng")}
		p.Exchanges, p.Months, p.Contest, p.Tasks, p.Evaluation = nil, nil, nil, nil, nil
		p.Kickoff.Agenda = []string{"Training of the new officers", "Exchanges every two weeks"}
	})
}

// kickoffFixture runs a term's Kickoff from the term's first day with its
// activities mocked and the real Collection as its child.
type kickoffFixture struct {
	t     *testing.T
	env   *testsuite.TestWorkflowEnvironment
	plan  *plan.Plan
	loc   *time.Location
	start time.Time
	in    contract.KickoffInput

	mu          sync.Mutex
	events      []string // "what at local time", in order
	invitations []contract.SendKickoffInvitationsInput
	collection  *contract.CollectionInput
	notified    []contract.NotifyCollectionInput
	stored      []string
	reports     []contract.PartReport
}

func newKickoffFixture(t *testing.T, start string) *kickoffFixture {
	t.Helper()
	return newSlowKickoffFixture(t, start, 0)
}

// newSlowKickoffFixture is the fixture whose directory takes
// directoryDelay of test time to go out.
func newSlowKickoffFixture(t *testing.T, start string, directoryDelay time.Duration) *kickoffFixture {
	t.Helper()
	p := kickoffPlan(t)
	loc := p.Location()
	startAt, err := plan.LocalTime(start).In(loc)
	if err != nil {
		t.Fatal(err)
	}
	f := &kickoffFixture{t: t, env: testEnv(startAt), plan: p, loc: loc, start: startAt}
	f.in = contract.KickoffInputFrom(*p, plan.ProductionClock(startAt), contract.SemesterWorkflowID(p.Term.ID))
	env := f.env
	env.OnActivity(acts.SendDirectory, mock.Anything, mock.Anything).After(directoryDelay).Return(
		func(_ context.Context, in contract.SendDirectoryInput) (contract.DeliveryResult, error) {
			f.record("directory " + in.TermID)
			return contract.DeliveryResult{Sent: 3}, nil
		})
	env.OnActivity(acts.SendKickoffInvitations, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.SendKickoffInvitationsInput) (contract.KickoffInvitationsResult, error) {
			f.record(fmt.Sprintf("invitations to %d heads and %d leaders", len(in.Heads), len(in.Leaders)))
			f.mu.Lock()
			f.invitations = append(f.invitations, in)
			f.mu.Unlock()
			return contract.KickoffInvitationsResult{Invited: len(in.Heads) + len(in.Leaders)}, nil
		})
	env.OnActivity(acts.NotifyCollection, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.NotifyCollectionInput) (contract.DeliveryResult, error) {
			var to []string
			for _, s := range in.Slots {
				people := s.Owners
				if in.Kind == contract.NotifyEscalation {
					people = s.EscalateTo
				}
				for _, p := range people {
					to = append(to, s.Key+"->"+p.Email)
				}
			}
			f.record(in.Kind + " " + strings.Join(to, " "))
			f.mu.Lock()
			f.notified = append(f.notified, in)
			f.mu.Unlock()
			return contract.DeliveryResult{}, nil
		})
	env.OnActivity(acts.RecordCollectionOutcome, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(acts.RecordSubmissions, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.RecordSubmissionsInput) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			for _, s := range in.Submissions {
				f.stored = append(f.stored, in.Kind+"/"+in.Scope+"/"+s.Slot)
			}
			return nil
		})
	env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, args converter.EncodedValues) {
		var in contract.CollectionInput
		if err := args.Get(&in); err != nil {
			t.Error(err)
			return
		}
		f.mu.Lock()
		f.collection = &in
		f.mu.Unlock()
		if info.WorkflowExecution.ID != contract.KickoffPlansWorkflowID("2026-fall") {
			t.Errorf("plans collection started as %q", info.WorkflowExecution.ID)
		}
	})
	env.OnActivity(acts.ReportPart, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.ReportPartInput) error {
			if in.TermKey != contract.SemesterWorkflowID(p.Term.ID) {
				t.Errorf("part report to %q", in.TermKey)
			}
			f.mu.Lock()
			f.reports = append(f.reports, in.Report)
			f.mu.Unlock()
			return nil
		})
	return f
}

func (f *kickoffFixture) record(what string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, f.env.Now().In(f.loc).Format("01-02 15:04")+" "+what)
}

// at runs fn at a plan time of the term.
func (f *kickoffFixture) at(local string, fn func()) {
	t, err := plan.LocalTime(local).In(f.loc)
	if err != nil {
		f.t.Fatal(err)
	}
	f.env.RegisterDelayedCallback(fn, t.Sub(f.start))
}

// submitAt hands in a department's plan to the plans collection.
func (f *kickoffFixture) submitAt(local, email, text string, r *submitResult) {
	f.at(local, func() {
		err := f.env.UpdateWorkflowByID(contract.KickoffPlansWorkflowID("2026-fall"), contract.UpdateSubmit, local+email, &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { r.rejected = err },
			OnComplete: func(v any, err error) {
				r.err = err
				if res, ok := v.(contract.SubmitResult); ok {
					r.value = res
				}
			},
		}, contract.SubmitInput{Email: email, Text: text})
		if err != nil {
			f.t.Errorf("submit %s at %s: %v", email, local, err)
		}
	})
}

func (f *kickoffFixture) progressAt(local string, into *contract.KickoffProgress) {
	f.at(local, func() { *into = queryAs[contract.KickoffProgress](f.t, f.env, contract.QueryProgress) })
}

func (f *kickoffFixture) run() contract.KickoffResult {
	f.t.Helper()
	f.env.ExecuteWorkflow(workflows.Kickoff, f.in)
	if err := f.env.GetWorkflowError(); err != nil {
		f.t.Fatalf("kickoff failed: %v", err)
	}
	var res contract.KickoffResult
	if err := f.env.GetWorkflowResult(&res); err != nil {
		f.t.Fatal(err)
	}
	return res
}

func TestKickoffInvitesCollectsPlansAndNamesTheMissing(t *testing.T) {
	f := newKickoffFixture(t, "2026-09-01 00:00")
	var onTime, late, wrong submitResult
	f.submitAt("2026-09-17 21:00", "zhou.min@example.edu", "Training in September, contest in October.", &onTime)
	f.submitAt("2026-09-18 10:00", "ma.li@example.edu", "An officer is not the head.", &wrong)
	f.submitAt("2026-09-24 08:00", "sun.hao@example.edu", "Posters for every event.", &late)
	var invited, meeting, collecting contract.KickoffProgress
	f.progressAt("2026-09-10 12:00", &invited)
	f.progressAt("2026-09-15 20:00", &meeting)
	f.progressAt("2026-09-16 09:00", &collecting)
	res := f.run()

	// The directory, the invitations and the plans' requests go out at the
	// term's start (beside each other, so in no set order); the reminder
	// and the escalation reach only the departments still missing.
	slices.Sort(f.events)
	want := []string{
		"09-01 00:00 directory 2026-fall",
		"09-01 00:00 invitations to 3 heads and 2 leaders",
		"09-01 00:00 request organization->zhou.min@example.edu publicity->sun.hao@example.edu sports->yuan.jun@example.edu",
		"09-21 09:00 reminder publicity->sun.hao@example.edu sports->yuan.jun@example.edu",
		"09-22 23:59 escalation publicity->li.wei@example.edu publicity->zhang.hua@example.edu sports->li.wei@example.edu sports->zhang.hua@example.edu",
	}
	if got := strings.Join(f.events, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("what happened:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}

	if len(f.invitations) != 1 {
		t.Fatalf("%d invitation batches, want 1", len(f.invitations))
	}
	inv := f.invitations[0]
	starts := time.Date(2026, 9, 15, 19, 0, 0, 0, f.loc)
	if !inv.Starts.Equal(starts) || !inv.Ends.Equal(starts.Add(2*time.Hour)) || inv.Where != "Student Activity Centre, meeting room 1" ||
		!slices.Equal(inv.Agenda, []string{"Training of the new officers", "Exchanges every two weeks"}) {
		t.Errorf("invitation: %s to %s at %q, agenda %q", inv.Starts, inv.Ends, inv.Where, inv.Agenda)
	}
	if !inv.Stamp.Equal(f.start) {
		t.Errorf("invite stamped %s, want the plan time it went out, %s", inv.Stamp, f.start)
	}
	if inv.Heads[1].DepartmentName != "Publicity Department" || inv.Heads[1].Head.Email != "sun.hao@example.edu" || inv.Leaders[0].Email != "li.wei@example.edu" {
		t.Errorf("invitees: heads %+v, leaders %+v", inv.Heads, inv.Leaders)
	}

	c := f.collection
	if c == nil {
		t.Fatal("the plans collection was not started")
	}
	due := time.Date(2026, 9, 22, 23, 59, 0, 0, f.loc)
	if c.Kind != "department_plan" || c.Scope != "kickoff" || !c.Opens.Equal(f.start) || c.LateDays != 3 || !c.TextRequired ||
		!slices.Equal(c.RemindDaysBefore, []int{1}) || c.ReportTo != "semester/2026-fall" || c.Part != "kickoff/plans" {
		t.Errorf("collection: %+v", *c)
	}
	if len(c.Slots) != 3 {
		t.Fatalf("collection has %d slots, want one per department", len(c.Slots))
	}
	for i, d := range f.plan.Departments {
		s := c.Slots[i]
		if s.Key != d.ID || s.Label != d.Name || !s.Due.Equal(due) || len(s.Owners) != 1 || s.Owners[0] != d.Head || len(s.EscalateTo) != 2 {
			t.Errorf("slot %d = %+v, want %s owned by %s, due %s, escalated to the leaders", i, s, d.ID, d.Head.Email, due)
		}
	}

	if onTime.err != nil || onTime.rejected != nil || onTime.value.Late || late.err != nil || late.rejected != nil || !late.value.Late {
		t.Errorf("on time %+v, late %+v", onTime, late)
	}
	if wrong.rejected == nil || !strings.Contains(wrong.rejected.Error(), "ma.li@example.edu is not among those who hand in the department's plan and suggestions") {
		t.Errorf("an officer's submission: rejected with %v", wrong.rejected)
	}
	if !slices.Equal(f.stored, []string{"department_plan/kickoff/organization", "department_plan/kickoff/publicity"}) {
		t.Errorf("stored %v", f.stored)
	}

	if !slices.Equal(res.HandedIn, []string{"organization", "publicity"}) || !slices.Equal(res.Late, []string{"publicity"}) ||
		!slices.Equal(res.Missing, []string{"sports"}) || res.Invited != 5 {
		t.Errorf("result = %+v", res)
	}
	if res.Summary != "2 of 3 department plans in; missing: Sports Department" {
		t.Errorf("summary %q", res.Summary)
	}

	for _, c := range []struct {
		name  string
		got   contract.KickoffProgress
		phase string
	}{{"10 Sep", invited, "invited"}, {"during the meeting", meeting, "meeting"}, {"16 Sep", collecting, "collecting plans"}} {
		if c.got.Phase != c.phase || c.got.Invited != 5 || c.got.DirectorySent != 3 || c.got.Departments != 3 ||
			c.got.PlansWorkflowID != "semester/2026-fall/kickoff/department_plan" || !c.got.PlansDue.Equal(due) {
			t.Errorf("progress on %s = %+v, want phase %q", c.name, c.got, c.phase)
		}
	}

	var kickoffPhases []string
	var last contract.PartReport
	// Reports are stored beside the calendar; the term orders them by number.
	slices.SortStableFunc(f.reports, func(a, b contract.PartReport) int { return a.Seq - b.Seq })
	for _, r := range f.reports {
		if r.Part == "kickoff" {
			kickoffPhases = append(kickoffPhases, r.Phase)
			last = r
		}
	}
	if !slices.Equal(kickoffPhases, []string{"starting", "invited", "meeting", "collecting plans", "done"}) {
		t.Errorf("kickoff reported phases %v", kickoffPhases)
	}
	if !last.Done || last.Summary != res.Summary {
		t.Errorf("last kickoff report = %+v", last)
	}
	plansReported := false
	for _, r := range f.reports {
		if r.Part == "kickoff/plans" && r.Done {
			plansReported = true
		}
	}
	if !plansReported {
		t.Errorf("the plans collection never reported to the term as done; reports: %+v", f.reports)
	}
}

func TestKickoffAfterTheMeetingInvitesNobodyButCollectsPlans(t *testing.T) {
	f := newKickoffFixture(t, "2026-09-16 08:00")
	res := f.run()
	if len(f.invitations) != 0 {
		t.Errorf("invitations to a past meeting went out: %+v", f.invitations)
	}
	if !slices.Contains(f.events, "09-16 08:00 directory 2026-fall") {
		t.Errorf("events %v, want the directory at the start", f.events)
	}
	if f.collection == nil || !f.collection.Opens.Equal(f.start) {
		t.Fatalf("collection %+v, want it open from the start", f.collection)
	}
	if !slices.Equal(res.Missing, []string{"organization", "publicity", "sports"}) || len(res.HandedIn) != 0 || res.Invited != 0 {
		t.Errorf("result = %+v", res)
	}
}

// TestKickoffNeverWaitsForTheDirectory: the directory takes five days to
// go out. The invitations and the request for plans still go out at the
// start, and the kickoff's last report says the directory was late.
func TestKickoffNeverWaitsForTheDirectory(t *testing.T) {
	f := newSlowKickoffFixture(t, "2026-09-01 08:00", 5*24*time.Hour)
	f.run()
	slices.Sort(f.events)
	if len(f.events) < 3 || f.events[0] != "09-01 08:00 invitations to 3 heads and 2 leaders" ||
		!strings.HasPrefix(f.events[1], "09-01 08:00 request ") || f.events[2] != "09-06 08:00 directory 2026-fall" {
		t.Errorf("events %q, want the invitations and the request at the start, the directory five days later", f.events)
	}
	slices.SortStableFunc(f.reports, func(a, b contract.PartReport) int { return a.Seq - b.Seq })
	var last contract.PartReport
	for _, r := range f.reports {
		if r.Part == "kickoff" {
			last = r
		}
	}
	if !last.Done || !slices.Equal(last.Problems, []string{"the personnel directory went out 5 days late"}) {
		t.Errorf("last kickoff report = %+v", last)
	}
}

func TestKickoffWithoutAMeetingFails(t *testing.T) {
	p := threeOfficers(t)
	env := testEnv(time.Time{})
	env.ExecuteWorkflow(workflows.Kickoff, contract.KickoffInputFrom(*p, plan.ProductionClock(time.Now()), ""))
	err := env.GetWorkflowError()
	if err == nil || !strings.Contains(err.Error(), "the plan has no kickoff meeting (kickoff.at)") {
		t.Errorf("error = %v, want the missing meeting named", err)
	}
}

func TestKickoffInputFromTheExamplePlan(t *testing.T) {
	p := testPlan(t)
	in := contract.KickoffInputFrom(*p, plan.ProductionClock(time.Time{}), "semester/2026-fall")
	loc := p.Location()
	if !in.Starts.Equal(time.Date(2026, 9, 15, 19, 0, 0, 0, loc)) || !in.Ends.Equal(time.Date(2026, 9, 15, 21, 0, 0, 0, loc)) ||
		!in.PlansDue.Equal(time.Date(2026, 9, 22, 23, 59, 0, 0, loc)) {
		t.Errorf("meeting %s to %s, plans due %s", in.Starts, in.Ends, in.PlansDue)
	}
	if len(in.Departments) != 8 || in.Departments[1].Head.Email != "sun.hao@example.edu" || len(in.Leaders) != 2 || len(in.Agenda) != 5 {
		t.Errorf("input: %d departments, %d leaders, %d agenda items", len(in.Departments), len(in.Leaders), len(in.Agenda))
	}
	if contract.KickoffWorkflowID("2026-fall") != "semester/2026-fall/kickoff" {
		t.Errorf("workflow ID %q", contract.KickoffWorkflowID("2026-fall"))
	}
}
