package workflows_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
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

// contestPlan is a small term with a contest on 28 October and two
// milestones, owned by officers of two departments.
func contestPlan(t testing.TB) *plan.Plan {
	return testPlan(t, noRoles, basics, func(p *plan.Plan) {
		p.Departments = []plan.Department{pick(t, p, "organization", "Lin Yue", "Huang Bo"), pick(t, p, "publicity", "Ma Li")}
		p.Kickoff, p.Exchanges, p.Months, p.Evaluation = nil, nil, nil, nil
		c := p.Contest
		c.Name, c.Where = "Knowledge Contest", "Auditorium"
		c.Milestones = []plan.Milestone{
			{Title: "Question bank", Owner: "Lin.Yue@example.edu", Due: "2026-10-08"},
			{Title: "Registration", Owner: "ma.li@example.edu", Due: "2026-10-21"},
		}
	})
}

// contestFixture runs the Contest with its real milestones collection on
// the test clock; activities are mocked and recorded.
type contestFixture struct {
	t        *testing.T
	env      *testsuite.TestWorkflowEnvironment
	plan     *plan.Plan
	start    time.Time
	children map[string]contract.CollectionInput
	stored   map[string]bool // milestone keys whose submission is stored
	notified []string        // "kind MM-DD HH:MM keys"
	atRisk   []contract.NotifyContestAtRiskInput
	reminded []string // plan times of results reminders
	recorded []contract.RecordContestResultInput
}

func newContestFixture(t *testing.T) *contestFixture {
	t.Helper()
	return newSlowContestFixture(t, 0)
}

// newSlowContestFixture is the fixture whose at-risk notice takes
// atRiskDelay of test time to go out.
func newSlowContestFixture(t *testing.T, atRiskDelay time.Duration) *contestFixture {
	t.Helper()
	p := contestPlan(t)
	start, _ := p.Term.Starts.In(p.Location())
	env := testEnv(start)
	f := &contestFixture{t: t, env: env, plan: p, start: start, children: map[string]contract.CollectionInput{}, stored: map[string]bool{}}
	env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, args converter.EncodedValues) {
		var in contract.CollectionInput
		if err := args.Get(&in); err != nil {
			t.Errorf("child input: %v", err)
		}
		f.children[info.WorkflowExecution.ID] = in
	})
	env.OnActivity(acts.NotifyCollection, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.NotifyCollectionInput) (contract.DeliveryResult, error) {
			var keys []string
			for _, s := range in.Slots {
				keys = append(keys, s.Key)
			}
			f.notified = append(f.notified, in.Kind+" "+f.now()+" "+strings.Join(keys, ","))
			return contract.DeliveryResult{}, nil
		})
	env.OnActivity(acts.RecordSubmissions, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.RecordSubmissionsInput) error {
			for _, s := range in.Submissions {
				f.stored[s.Slot] = true
			}
			return nil
		})
	env.OnActivity(acts.RecordCollectionOutcome, mock.Anything, mock.Anything).Return(nil)
	// The at-risk check reads what the collection stored.
	env.OnActivity(acts.OpenMilestones, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.OpenMilestonesInput) ([]string, error) {
			open := []string{}
			for _, k := range in.Keys {
				if !f.stored[k] {
					open = append(open, k)
				}
			}
			return open, nil
		})
	env.OnActivity(acts.NotifyContestAtRisk, mock.Anything, mock.Anything).After(atRiskDelay).Return(
		func(_ context.Context, in contract.NotifyContestAtRiskInput) (contract.DeliveryResult, error) {
			f.atRisk = append(f.atRisk, in)
			f.notified = append(f.notified, "at-risk "+f.now())
			return contract.DeliveryResult{}, nil
		})
	env.OnActivity(acts.NotifyContestResultsReminder, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.NotifyContestResultsReminderInput) (contract.DeliveryResult, error) {
			f.reminded = append(f.reminded, f.now())
			return contract.DeliveryResult{}, nil
		})
	env.OnActivity(acts.RecordContestResult, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.RecordContestResultInput) error {
			f.recorded = append(f.recorded, in)
			return nil
		}).After(5 * time.Minute) // storing takes a while, so a second leader can arrive meanwhile
	return f
}

// now is the plan time on the test clock, as "MM-DD HH:MM".
func (f *contestFixture) now() string { return f.env.Now().In(f.plan.Location()).Format("01-02 15:04") }

// after converts a plan time "YYYY-MM-DD HH:MM" to a delay from the start.
func (f *contestFixture) after(local string) time.Duration {
	f.t.Helper()
	at, err := plan.LocalTime(local).In(f.plan.Location())
	if err != nil {
		f.t.Fatal(err)
	}
	return at.Sub(f.start)
}

// anyUpdate records how an update ended.
type anyUpdate struct {
	rejected, err error
	value         any
}

func (u *anyUpdate) callbacks() *testsuite.TestUpdateCallback {
	return &testsuite.TestUpdateCallback{
		OnAccept:   func() {},
		OnReject:   func(err error) { u.rejected = err },
		OnComplete: func(v any, err error) { u.value, u.err = v, err },
	}
}

// rejection is the rejection's message, or "" when the update was taken.
func (u *anyUpdate) rejection() string {
	if u.rejected != nil {
		return u.rejected.Error()
	}
	return ""
}

// submitMilestone completes a milestone in the collection at a plan time.
func (f *contestFixture) submitMilestone(local, email string) *anyUpdate {
	u := &anyUpdate{}
	f.env.RegisterDelayedCallback(func() {
		if err := f.env.UpdateWorkflowByID(contract.ContestMilestonesWorkflowID("2026-fall"), contract.UpdateSubmit, "submit-"+email,
			u.callbacks(), contract.SubmitInput{Email: email, Text: "done"}); err != nil {
			f.t.Errorf("submit %s: %v", email, err)
		}
	}, f.after(local))
	return u
}

func (f *contestFixture) recordResults(local string, in contract.RecordResultsInput) *anyUpdate {
	u := &anyUpdate{}
	f.env.RegisterDelayedCallback(func() {
		f.env.UpdateWorkflow(contract.UpdateRecordResults, fmt.Sprintf("results-%s-%d", local, len(in.Winners)), u.callbacks(), in)
	}, f.after(local))
	return u
}

func (f *contestFixture) run() contract.ContestProgress {
	f.t.Helper()
	f.env.ExecuteWorkflow(workflows.Contest, contract.ContestInputFrom(*f.plan, plan.ProductionClock(f.start), ""))
	if err := f.env.GetWorkflowError(); err != nil {
		f.t.Fatalf("contest failed: %v", err)
	}
	var got contract.ContestProgress
	if err := f.env.GetWorkflowResult(&got); err != nil {
		f.t.Fatal(err)
	}
	return got
}

func TestContestMilestonesOnTimeAndResultsRecorded(t *testing.T) {
	f := newContestFixture(t)
	f.submitMilestone("2026-10-07 12:00", "lin.yue@example.edu")
	f.submitMilestone("2026-10-20 12:00", "ma.li@example.edu")
	ok := f.recordResults("2026-10-29 10:00", contract.RecordResultsInput{
		Email: "Zhang.Hua@example.edu", Text: " Publicity won, Organization second. ", Winners: []string{"publicity", " organization"}})
	got := f.run()

	in, found := f.children["semester/2026-fall/contest/milestone"]
	if !found {
		t.Fatalf("milestones collection not started; children %v", f.children)
	}
	if in.Kind != "milestone" || in.Scope != "contest" || in.Part != "contest/milestones" || in.TextRequired || in.LateDays != 6 ||
		!slices.Equal(in.RemindDaysBefore, []int{3, 1}) {
		t.Errorf("collection input = kind %q scope %q part %q text required %v late days %d reminders %v",
			in.Kind, in.Scope, in.Part, in.TextRequired, in.LateDays, in.RemindDaysBefore)
	}
	want := []struct{ key, label, owner, ownerName, due string }{
		{"m1", "Question bank", "lin.yue@example.edu", "Lin Yue", "2026-10-08 23:59"},
		{"m2", "Registration", "ma.li@example.edu", "Ma Li", "2026-10-21 23:59"},
	}
	if len(in.Slots) != len(want) {
		t.Fatalf("slots = %+v", in.Slots)
	}
	for i, w := range want {
		s := in.Slots[i]
		if s.Key != w.key || s.Label != w.label || len(s.Owners) != 1 || s.Owners[0].Email != w.owner || s.Owners[0].Name != w.ownerName ||
			s.Due.In(f.plan.Location()).Format("2006-01-02 15:04") != w.due {
			t.Errorf("slot %d = %+v, want %+v", i, s, w)
		}
		if len(s.EscalateTo) != 2 || s.EscalateTo[0].Email != "li.wei@example.edu" || s.EscalateTo[1].Email != "zhang.hua@example.edu" {
			t.Errorf("slot %s escalates to %+v, want the two leaders", s.Key, s.EscalateTo)
		}
	}

	if len(f.atRisk) != 0 {
		t.Errorf("at-risk notice sent with every milestone done: %+v", f.atRisk)
	}
	if ok.rejected != nil || ok.err != nil {
		t.Fatalf("results: rejected %v, err %v", ok.rejected, ok.err)
	}
	if len(f.recorded) != 1 || f.recorded[0].Missing || f.recorded[0].By != "zhang.hua@example.edu" ||
		f.recorded[0].Text != "Publicity won, Organization second." || !slices.Equal(f.recorded[0].Winners, []string{"publicity", "organization"}) ||
		!strings.HasPrefix(f.recorded[0].AuditKey, "update/") {
		t.Errorf("recorded %+v", f.recorded)
	}
	if len(f.reminded) != 0 {
		t.Errorf("results reminder sent after the results were in: %v", f.reminded)
	}
	if got.Phase != contract.ContestResultsRecorded || got.Results == nil || got.ResultsMissing || !got.AtRiskChecked || len(got.OpenAtRisk) != 0 {
		t.Errorf("progress = %+v", got)
	}
	if got.Milestones == nil || len(got.Milestones.Submissions) != 2 || len(got.Milestones.Missing) != 0 {
		t.Errorf("milestones result = %+v, want both in", got.Milestones)
	}
}

func TestContestAtRiskRemindedAndResultsMissing(t *testing.T) {
	f := newContestFixture(t)
	f.submitMilestone("2026-10-08 20:00", "lin.yue@example.edu")
	got := f.run()

	wantNotified := []string{
		"request 09-01 09:00 m1,m2",
		"reminder 10-05 09:00 m1",
		"reminder 10-07 09:00 m1",
		"reminder 10-18 09:00 m2",
		"reminder 10-20 09:00 m2",
		"at-risk 10-21 19:00",
		"escalation 10-21 23:59 m2",
	}
	if strings.Join(f.notified, "\n") != strings.Join(wantNotified, "\n") {
		t.Errorf("notifications:\n%s\nwant:\n%s", strings.Join(f.notified, "\n"), strings.Join(wantNotified, "\n"))
	}
	if len(f.atRisk) != 1 {
		t.Fatalf("at-risk notices = %d, want 1", len(f.atRisk))
	}
	n := f.atRisk[0]
	if len(n.Open) != 1 || n.Open[0].Title != "Registration" || n.Open[0].Owner.Name != "Ma Li" || n.Total != 2 ||
		len(n.Leaders) != 2 || n.ContestName != "Knowledge Contest" {
		t.Errorf("at-risk notice = %+v, want Registration by Ma Li open, to both leaders", n)
	}
	if !slices.Equal(f.reminded, []string{"10-30 09:00"}) {
		t.Errorf("results reminders at %v, want 10-30 09:00", f.reminded)
	}
	if len(f.recorded) != 1 || !f.recorded[0].Missing || f.recorded[0].At.In(f.plan.Location()).Format("01-02 15:04") != "10-30 23:59" {
		t.Errorf("recorded %+v, want the results missing at the due date", f.recorded)
	}
	if got.Phase != contract.ContestResultsMissing || !got.ResultsMissing || got.Results != nil ||
		len(got.OpenAtRisk) != 1 || got.OpenAtRisk[0].Key != "m2" {
		t.Errorf("progress = %+v", got)
	}
	if got.Milestones == nil || !slices.Equal(got.Milestones.Missing, []string{"m2"}) {
		t.Errorf("milestones result = %+v, want m2 missing", got.Milestones)
	}
}

// TestContestNeverWaitsForTheAtRiskNotice: the at-risk notice takes twelve
// days to go out, past the contest. The results reminder and the missing
// results are still on their days, and the contest says the notice was late.
func TestContestNeverWaitsForTheAtRiskNotice(t *testing.T) {
	f := newSlowContestFixture(t, 12*24*time.Hour)
	f.submitMilestone("2026-10-08 20:00", "lin.yue@example.edu")
	got := f.run()
	if !slices.Equal(f.reminded, []string{"10-30 09:00"}) {
		t.Errorf("results reminders at %v, want 10-30 09:00", f.reminded)
	}
	if len(f.recorded) != 1 || !f.recorded[0].Missing {
		t.Errorf("recorded %+v, want the results missing", f.recorded)
	}
	if !slices.Contains(f.notified, "at-risk 11-02 19:00") {
		t.Errorf("notifications %v, want the at-risk notice twelve days late", f.notified)
	}
	if len(got.Problems) != 1 || got.Problems[0] != "the notice to the leaders that Knowledge Contest is at risk went out 12 days late" {
		t.Errorf("problems = %q", got.Problems)
	}
}

func TestContestResultsRejectedWithReasons(t *testing.T) {
	f := newContestFixture(t)
	f.submitMilestone("2026-10-01 12:00", "lin.yue@example.edu")
	f.submitMilestone("2026-10-01 12:00", "ma.li@example.edu")
	good := contract.RecordResultsInput{Email: "li.wei@example.edu", Text: "Publicity won.", Winners: []string{"publicity"}}
	early := f.recordResults("2026-10-28 18:00", good)
	stranger := f.recordResults("2026-10-29 09:00", contract.RecordResultsInput{Email: "ma.li@example.edu", Text: "We won."})
	empty := f.recordResults("2026-10-29 09:01", contract.RecordResultsInput{Email: "li.wei@example.edu", Text: "  "})
	unknown := f.recordResults("2026-10-29 09:02", contract.RecordResultsInput{Email: "li.wei@example.edu", Text: "x", Winners: []string{"sports"}})
	twice := f.recordResults("2026-10-29 09:03", contract.RecordResultsInput{Email: "li.wei@example.edu", Text: "x", Winners: []string{"publicity", "publicity"}})
	var before contract.ContestProgress
	f.env.RegisterDelayedCallback(func() { before = queryAs[contract.ContestProgress](t, f.env, contract.QueryProgress) }, f.after("2026-10-29 09:30"))
	ok := f.recordResults("2026-10-29 10:00", good)
	// The contest ends once the results are in, so a second leader can only
	// arrive while the first one's are being stored.
	again := f.recordResults("2026-10-29 10:01", contract.RecordResultsInput{Email: "zhang.hua@example.edu", Text: "Other."})
	got := f.run()

	for name, c := range map[string]struct {
		u    *anyUpdate
		want string
	}{
		"before the contest": {early, "Knowledge Contest takes place on Wed 28 Oct 2026, 19:00 (Asia/Shanghai); record its results after it has started"},
		"not a leader":       {stranger, "ma.li@example.edu is not a leader of Fall term 2026; only the leaders record the results of Knowledge Contest"},
		"empty text":         {empty, "the text is empty; write the results of Knowledge Contest"},
		"unknown winner":     {unknown, `"sports" is not a department of Fall term 2026; name winners by department ID (organization, publicity)`},
		"winner twice":       {twice, "publicity is listed twice among the winners"},
		"accepted":           {ok, ""},
		"already recorded":   {again, "the results of Knowledge Contest were already recorded by li.wei@example.edu on Thu 29 Oct 2026, 10:00 (Asia/Shanghai)"},
	} {
		if got := c.u.rejection(); got != c.want {
			t.Errorf("%s: rejection %q, want %q", name, got, c.want)
		}
	}
	if before.Phase != contract.ContestDay || before.Results != nil {
		t.Errorf("after the rejections the contest is %q with results %+v; want contest day, none", before.Phase, before.Results)
	}
	if len(f.recorded) != 1 || f.recorded[0].By != "li.wei@example.edu" {
		t.Errorf("recorded %+v, want only Li Wei's results", f.recorded)
	}
	if got.Results == nil || got.Results.Text != "Publicity won." {
		t.Errorf("results = %+v", got.Results)
	}
}

func TestContestInputFromThePlan(t *testing.T) {
	p := testPlan(t)
	in := contract.ContestInputFrom(*p, plan.ProductionClock(time.Now()), "semester/2026-fall")
	loc := p.Location()
	f := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04") }
	if f(in.At) != "2026-10-28 19:00" || f(in.AtRiskAt) != "2026-10-21 19:00" || f(in.ResultsReminderAt) != "2026-10-30 09:00" ||
		f(in.ResultsDue) != "2026-10-30 23:59" || f(in.Opens) != "2026-09-01 09:00" || in.MilestonesLateDays != 6 {
		t.Errorf("times: at %s, at risk %s, reminder %s, due %s, opens %s, late days %d",
			f(in.At), f(in.AtRiskAt), f(in.ResultsReminderAt), f(in.ResultsDue), f(in.Opens), in.MilestonesLateDays)
	}
	if len(in.Milestones) != 5 || in.Milestones[0].Key != "m1" || in.Milestones[0].Owner.Name != "Chen Jie" || in.Milestones[4].Key != "m5" {
		t.Errorf("milestones = %+v", in.Milestones)
	}
	if len(in.Departments) != 8 || len(in.Leaders) != 2 || in.ReportTo != "semester/2026-fall" {
		t.Errorf("departments %d, leaders %d, term workflow %q", len(in.Departments), len(in.Leaders), in.ReportTo)
	}
}
