package workflows_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	sdkpb "go.temporal.io/api/sdk/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/internal/planfixture"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// TestSemesterRehearsesTheExampleTerm runs the example plan at one plan day
// per second: the directory is saved, every department is onboarded at the
// scaled times, and the term's progress query follows along.
func TestSemesterRehearsesTheExampleTerm(t *testing.T) {
	p := testPlan(t)
	realStart := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	env := testEnv(realStart, wholeTerm)

	var mu sync.Mutex
	var saved int
	kinds := map[string]int{}
	var firstAssignment time.Time
	env.OnActivity(acts.SaveDirectory, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.SaveDirectoryInput) error {
			mu.Lock()
			defer mu.Unlock()
			saved = len(in.Plan.Officers())
			return nil
		})
	env.OnActivity(acts.NotifyOnboarding, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.NotifyOnboardingInput) (contract.DeliveryResult, error) {
			mu.Lock()
			defer mu.Unlock()
			kinds[in.Kind]++
			if in.Kind == contract.NotifyAssignment && firstAssignment.IsZero() {
				firstAssignment = env.Now()
			}
			return contract.DeliveryResult{Sent: len(in.Officers)}, nil
		})
	env.OnActivity(acts.CloseOnboarding, mock.Anything, mock.Anything).Return(nil)

	var midway contract.Progress
	var midwayNow time.Time
	var located contract.OfficerLocation
	var unknownErr error
	env.RegisterDelayedCallback(func() {
		midway = queryAs[contract.Progress](t, env, contract.QueryProgress)
		midwayNow = midway.Clock.Plan(env.Now()).In(p.Location())
		v, err := env.QueryWorkflow(contract.QueryFindOfficer, "MA.LI@example.edu")
		if err != nil {
			t.Errorf("find-officer: %v", err)
		} else if err := v.Get(&located); err != nil {
			t.Error(err)
		}
		_, unknownErr = env.QueryWorkflow(contract.QueryFindOfficer, "nobody@example.edu")
	}, 12*time.Second) // plan 13 September: acknowledgements open

	// On 20 September every department has escalated; a report from
	// before that, arriving late, must not turn the clock back.
	var overdue, afterStale contract.Progress
	env.RegisterDelayedCallback(func() {
		overdue = queryAs[contract.Progress](t, env, contract.QueryProgress)
		env.SignalWorkflow(contract.SignalOnboardingReport, contract.OnboardingReport{
			DepartmentID: "publicity", Seq: 1, Phase: contract.PhaseOnboarding,
			Counts: contract.OnboardingCounts{Officers: 5, Pending: 5},
		})
	}, 19*time.Second)
	env.RegisterDelayedCallback(func() {
		afterStale = queryAs[contract.Progress](t, env, contract.QueryProgress)
	}, 19*time.Second+time.Millisecond)

	env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *p, TimeScale: 86400})
	if !env.IsWorkflowCompleted() {
		t.Fatal("term did not complete")
	}
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("term failed: %v", err)
	}
	var res contract.SemesterResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}

	if saved != 40 {
		t.Errorf("directory saved %d officers, want 40", saved)
	}
	// 8 departments: one assignment batch, two reminder batches, one
	// escalation and one last call each.
	want := map[string]int{contract.NotifyAssignment: 8, contract.NotifyReminder: 24, contract.NotifyEscalation: 8}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s batches, want %d", kinds[k], k, n)
		}
	}
	// 7 September 09:00 in Shanghai is 6 days and 9 hours after the term
	// starts at midnight: 6.375 seconds at a plan day per second.
	if got, want := firstAssignment.Sub(realStart), 6375*time.Millisecond; got.Round(time.Millisecond) != want {
		t.Errorf("first assignment %v after the start, want %v", got, want)
	}
	if midway.Phase != contract.PhaseOnboarding || len(midway.Departments) != 8 || midway.Totals.Officers != 40 || midway.Totals.Pending != 40 {
		t.Errorf("progress on 13 September = phase %q, %d departments, totals %+v", midway.Phase, len(midway.Departments), midway.Totals)
	}
	if got := midwayNow.Format("2006-01-02"); got != "2026-09-13" {
		t.Errorf("plan time midway = %s, want 2026-09-13", got)
	}
	if overdue.Totals.Overdue != 40 {
		t.Errorf("totals on 20 September = %+v, want 40 overdue", overdue.Totals)
	}
	for _, d := range afterStale.Departments {
		if d.Phase != contract.PhaseOverdue || d.Onboarding.Overdue != 5 {
			t.Errorf("after a stale report, %s = %s %+v; want overdue with 5 overdue", d.DepartmentID, d.Phase, d.Onboarding)
		}
	}
	if located.DepartmentID != "publicity" || located.OnboardingWorkflowID != "semester/2026-fall/onboarding/publicity" {
		t.Errorf("find-officer = %+v", located)
	}
	if unknownErr == nil {
		t.Error("find-officer accepted an unknown email")
	}
	if res.Totals.Officers != 40 || res.Totals.Never != 40 {
		t.Errorf("result totals = %+v, want 40 officers who never acknowledged", res.Totals)
	}
	for _, d := range res.Departments {
		if d.Phase != contract.PhaseClosed {
			t.Errorf("%s ended in phase %q", d.DepartmentID, d.Phase)
		}
	}
}

func TestSemesterRefusesAnInvalidPlan(t *testing.T) {
	p := testPlan(t)
	p.Departments[1].Officers[0].Email = "bob@"
	p.Term.ID = "Fall 2026"
	env := testEnv(time.Time{}, wholeTerm)
	env.OnActivity(acts.SaveDirectory, mock.Anything, mock.Anything).Return(nil)
	env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *p})
	var appErr *temporal.ApplicationError
	if err := env.GetWorkflowError(); !errors.As(err, &appErr) || appErr.Type() != contract.TypeInvalidPlan || !appErr.NonRetryable() {
		t.Fatalf("error = %v, want a non-retryable InvalidPlan", err)
	}
	// Started from the Temporal CLI or UI, the failed run is where people
	// read why: every problem, with its path.
	for _, want := range []string{`term.id: "Fall 2026" must be lower-case letters`, `departments[1].officers[0].email: "bob@" is not an email address`} {
		if !strings.Contains(appErr.Error(), want) {
			t.Errorf("error = %q, want it to name %q", appErr.Error(), want)
		}
	}
	env.AssertNotCalled(t, "SaveDirectory", mock.Anything, mock.Anything)
}

func queryAs[T any](t *testing.T, env *testsuite.TestWorkflowEnvironment, name string, args ...any) T {
	t.Helper()
	var out T
	v, err := env.QueryWorkflow(name, args...)
	if err != nil {
		t.Fatalf("query %s: %v", name, err)
	}
	if err := v.Get(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// currentDetails is what the Web UI shows as the workflow's current details.
func currentDetails(t *testing.T, env *testsuite.TestWorkflowEnvironment) string {
	t.Helper()
	meta := queryAs[sdkpb.WorkflowMetadata](t, env, "__temporal_workflow_metadata")
	return meta.GetCurrentDetails()
}

// termEnv runs SemesterPlan on the example plan at a plan day per second,
// with every activity mocked to succeed.
func termEnv(t *testing.T) (*testsuite.TestWorkflowEnvironment, *plan.Plan) {
	t.Helper()
	return termEnvClosing(t, func(contract.CloseOnboardingInput) error { return nil })
}

// termEnvClosing is termEnv with closeOnboarding standing in for the
// activity that records who never acknowledged.
func termEnvClosing(t *testing.T, closeOnboarding func(contract.CloseOnboardingInput) error) (*testsuite.TestWorkflowEnvironment, *plan.Plan) {
	t.Helper()
	p := testPlan(t)
	env := testEnv(time.Time{}, wholeTerm)
	env.OnActivity(acts.SaveDirectory, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(acts.CloseOnboarding, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.CloseOnboardingInput) error { return closeOnboarding(in) })
	return env, p
}

// TestSemesterFinishesWhenADepartmentFails: the sports department's
// reminders cannot be delivered (a broken template), which its onboarding
// records and goes on; the academic department's close cannot be stored,
// which fails its onboarding. The term still finishes, and says both.
func TestSemesterFinishesWhenADepartmentFails(t *testing.T) {
	env, p := termEnvClosing(t, func(in contract.CloseOnboardingInput) error {
		for _, e := range in.Emails {
			if e == "liang.chen@example.edu" { // an academic officer
				return contract.BadInput("constraint violated", nil)
			}
		}
		return nil
	})
	env.OnActivity(acts.NotifyOnboarding, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.NotifyOnboardingInput) (contract.DeliveryResult, error) {
			if in.DepartmentID == "sports" && in.Kind == contract.NotifyReminder {
				return contract.DeliveryResult{}, contract.Template("template broken", nil)
			}
			return contract.DeliveryResult{Sent: len(in.Officers)}, nil
		})
	env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *p, TimeScale: 86400})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("term failed: %v", err)
	}
	var res contract.SemesterResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Departments {
		want := contract.PhaseClosed
		if d.DepartmentID == "academic" {
			want = contract.PhaseFailed
		}
		if d.Phase != want {
			t.Errorf("%s ended %q, want %q", d.DepartmentID, d.Phase, want)
		}
		undelivered := len(d.Problems) > 0 && strings.Contains(d.Problems[0], "reminder emails to") && strings.Contains(d.Problems[0], "could not be delivered")
		if (d.DepartmentID == "sports") != undelivered {
			t.Errorf("%s's problems = %q", d.DepartmentID, d.Problems)
		}
	}
}

// childStarts records the IDs of the workflows the term itself starts in
// env (not its parts' own children).
func childStarts(env *testsuite.TestWorkflowEnvironment, termID string) func() map[string]bool {
	var mu sync.Mutex
	ids := map[string]bool{}
	env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, _ converter.EncodedValues) {
		if info.ParentWorkflowExecution != nil && info.ParentWorkflowExecution.ID == termID {
			mu.Lock()
			defer mu.Unlock()
			ids[info.WorkflowExecution.ID] = true
		}
	})
	return func() map[string]bool {
		mu.Lock()
		defer mu.Unlock()
		return maps.Clone(ids)
	}
}

// continuedInput is the input a run that continued as new hands its next run.
func continuedInput(t *testing.T, env *testsuite.TestWorkflowEnvironment) contract.SemesterInput {
	t.Helper()
	var can *workflow.ContinueAsNewError
	if err := env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("error = %v, want continue-as-new", err)
	}
	var next contract.SemesterInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	return next
}

func TestSemesterContinuesAsNewWithItsState(t *testing.T) {
	env, p := termEnv(t)
	termID := contract.SemesterWorkflowID(p.Term.ID)
	realStart := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	env.SetStartTime(realStart)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: termID})
	firstRun := childStarts(env, termID)
	env.OnActivity(acts.NotifyOnboarding, mock.Anything, mock.Anything).Return(contract.DeliveryResult{}, nil)
	// Temporal suggests continue-as-new once a history grows long; here it
	// does so on plan day 10, while the departments are onboarding.
	env.RegisterDelayedCallback(func() { env.SetContinueAsNewSuggested(true) }, 10*time.Second)
	env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *p, TimeScale: 86400, StartedBy: "li.wei"})
	next := continuedInput(t, env)
	st := next.State
	if st == nil || !st.DirectorySaved || !st.OnboardingStarted || st.Phase != contract.PhaseOnboarding || st.Departments[0].ReportSeq == 0 {
		t.Fatalf("carried state = %+v; want the directory saved and onboarding started", st)
	}
	if next.StartedBy != "li.wei" || next.TimeScale != 86400 || next.Plan.Term.ID != "2026-fall" {
		t.Errorf("carried input lost its settings: %+v", next)
	}
	if len(st.Departments) != 8 || st.Clock.Scale != 86400 {
		t.Errorf("carried %d departments and clock %+v", len(st.Departments), st.Clock)
	}
	env.AssertNumberOfCalls(t, "SaveDirectory", 1)

	// By 10 September the kickoff, the exchanges, September, the contest,
	// the help desk and onboarding have started; the next run must know.
	want := []string{"kickoff", "month/2026-09", "contest", "tasks", "onboarding"}
	for _, d := range p.Departments {
		want = append(want, "exchanges/"+d.ID)
	}
	for _, name := range want {
		if !slices.Contains(st.Started, name) {
			t.Errorf("the carried state does not say %q started: started = %q", name, st.Started)
		}
	}

	// The next run, in an environment where nothing of the first run is
	// running, so a part started again shows as a new start. It continues
	// as new itself five plan days on.
	env2, _ := termEnv(t)
	env2.SetStartTime(realStart.Add(10 * time.Second))
	env2.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: termID})
	secondRun := childStarts(env2, termID)
	env2.OnActivity(acts.NotifyOnboarding, mock.Anything, mock.Anything).Return(contract.DeliveryResult{}, nil)
	env2.RegisterDelayedCallback(func() { env2.SetContinueAsNewSuggested(true) }, 5*time.Second)
	env2.ExecuteWorkflow(workflows.SemesterPlan, next)
	after := continuedInput(t, env2).State
	var again []string
	for id := range secondRun() {
		if firstRun()[id] {
			again = append(again, id)
		}
	}
	if len(again) > 0 {
		slices.Sort(again)
		t.Errorf("after continue-as-new the term started %d workflows of the first run again: %q", len(again), again)
	}
	for _, name := range st.Started {
		if !slices.Contains(after.Started, name) {
			t.Errorf("the second run forgot that %q started: started = %q", name, after.Started)
		}
	}
	env2.AssertNotCalled(t, "SaveDirectory", mock.Anything, mock.Anything)
}

func TestSemesterCancelledByALeader(t *testing.T) {
	env, p := termEnv(t)
	env.OnActivity(acts.NotifyOnboarding, mock.Anything, mock.Anything).Return(contract.DeliveryResult{}, nil)
	var notice contract.TermCancelledInput
	env.OnActivity(acts.NotifyTermCancelled, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.TermCancelledInput) (contract.DeliveryResult, error) {
			notice = in
			return contract.DeliveryResult{Sent: 50}, nil
		}).Once()

	rejections := map[string]string{}
	cancelAt := func(name string, in contract.CancelTermInput) {
		env.RegisterDelayedCallback(func() {
			env.UpdateWorkflow(contract.UpdateCancelTerm, name, &testsuite.TestUpdateCallback{
				OnAccept:   func() {},
				OnReject:   func(err error) { rejections[name] = err.Error() },
				OnComplete: func(any, error) {},
			}, in)
		}, 10*time.Second)
	}
	cancelAt("stranger", contract.CancelTermInput{Email: "ma.li@example.edu", Reason: "bored"})
	cancelAt("no reason", contract.CancelTermInput{Email: "li.wei@example.edu"})
	cancelAt("leader", contract.CancelTermInput{Email: "Li.Wei@example.edu", Reason: "The elections were moved."})

	env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *p, TimeScale: 86400})
	if err := env.GetWorkflowError(); !temporal.IsCanceledError(err) {
		t.Fatalf("term ended with %v, want cancelled", err)
	}
	if rejections["stranger"] != `"ma.li@example.edu" is not a leader of Fall term 2026; only leaders can cancel the term` {
		t.Errorf("stranger: %q", rejections["stranger"])
	}
	if rejections["no reason"] != "give a reason: everyone involved is told why the term stops" {
		t.Errorf("no reason: %q", rejections["no reason"])
	}
	if _, rejected := rejections["leader"]; rejected {
		t.Errorf("the leader's cancellation was rejected: %s", rejections["leader"])
	}
	if notice.By != "li.wei@example.edu" || notice.Reason != "The elections were moved." || notice.At.In(p.Location()).Format("01-02") != "09-11" {
		t.Errorf("notice = by %q, reason %q, at %v", notice.By, notice.Reason, notice.At)
	}
}

func TestSemesterProgressGroupsOverdueByDepartment(t *testing.T) {
	env, p := termEnv(t)
	env.OnActivity(acts.NotifyOnboarding, mock.Anything, mock.Anything).Return(contract.DeliveryResult{}, nil)
	due := time.Date(2026, 9, 18, 23, 59, 0, 0, p.Location())
	// From plan day 19 the store holds one collection's report; the term
	// reads it at its next read, within a second.
	var reported atomic.Bool
	env.RegisterDelayedCallback(func() { reported.Store(true) }, 19*time.Second)
	env.OnActivity(acts.PartReportsSince, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.PartReportsInput) (contract.PartReportsPage, error) {
			if !reported.Load() || in.After > 0 {
				return contract.PartReportsPage{Cursor: in.After}, nil
			}
			return contract.PartReportsPage{Cursor: 1, Reports: []contract.PartReport{{
				Part: "month/2026-09/recommendations", Seq: 1, Phase: "open",
				Overdue: []contract.OverdueItem{
					{Department: "publicity", What: "department plan: Publicity Department", Due: due},
					{What: "the arrangement of the Youth League Committee", Due: due},
				},
				Next: &contract.Deadline{What: "department plan: Sports Department", Due: due.AddDate(0, 0, 5)},
			}}}, nil
		})
	var got contract.Progress
	env.RegisterDelayedCallback(func() {
		got = queryAs[contract.Progress](t, env, contract.QueryProgress)
	}, 20*time.Second+time.Millisecond)
	env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *p, TimeScale: 86400})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if len(got.Overdue) != 9 {
		t.Fatalf("overdue groups = %d, want 8 departments and the term-wide group: %+v", len(got.Overdue), got.Overdue)
	}
	pub := got.Overdue[1]
	if pub.Department != "publicity" || len(pub.Items) != 2 || pub.Items[0].What != "training acknowledgements: 5 of 5 officers" ||
		pub.Items[1].What != "department plan: Publicity Department" {
		t.Errorf("publicity overdue = %+v", pub)
	}
	if last := got.Overdue[8]; last.Department != "" || len(last.Items) != 1 {
		t.Errorf("term-wide group = %+v", last)
	}
	found := false
	for i, d := range got.Upcoming {
		found = found || d.What == "department plan: Sports Department"
		if i > 0 && d.Due.Before(got.Upcoming[i-1].Due) {
			t.Errorf("upcoming is not in time order: %+v", got.Upcoming)
		}
	}
	if !found || len(got.Upcoming) > 10 {
		t.Errorf("upcoming = %+v; want at most ten, including the reported next deadline", got.Upcoming)
	}
}

// A run that must continue as new while it starts parts in batches first
// takes the confirmations already in its history, so the next run knows
// those parts started and does not start them again (at 1,000 departments
// it once did nothing else, run after run).
func TestSemesterKeepsTheStartsItMadeJustBeforeContinuing(t *testing.T) {
	p, err := planfixture.Scale(testPlan(t), 80, 2)
	if err != nil {
		t.Fatal(err)
	}
	env := testEnv(time.Time{}, wholeTerm, quiet)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: contract.SemesterWorkflowID(p.Term.ID)})
	// The 80 exchanges start at 09:00 on the first day, in batches of 50
	// a millisecond apart; the suggestion comes between the batches.
	firstBatch := time.Duration(float64(9*time.Hour) / 86400)
	env.RegisterDelayedCallback(func() { env.SetContinueAsNewSuggested(true) }, firstBatch+time.Millisecond/2)
	env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *p, TimeScale: 86400})
	st := continuedInput(t, env).State
	if st == nil || len(st.Started) < 50 {
		t.Fatalf("carried %d parts as started; want at least the first batch of 50, whose starts were confirmed", len(st.Started))
	}
}

// A union of 120 departments starts its onboardings in steps of 50, and
// every department is onboarding once the officer list is final.
func TestLargeUnionStartsEveryOnboarding(t *testing.T) {
	p, err := planfixture.Scale(testPlan(t), 120, 2)
	if err != nil {
		t.Fatal(err)
	}
	p.Kickoff, p.Exchanges, p.Months, p.Contest, p.Tasks, p.Evaluation = nil, nil, nil, nil, nil, nil
	env := testEnv(time.Time{}, wholeTerm, quiet)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: contract.SemesterWorkflowID(p.Term.ID)})
	assign := p.OnboardingSchedule().AssignAt
	start, _ := p.Term.Starts.In(p.Location())
	onboarding := 0
	env.RegisterDelayedCallback(func() {
		onboarding = departmentsOnboarding(t, env, p)
		env.SetContinueAsNewSuggested(true)
	}, time.Duration(float64(assign.Sub(start)+24*time.Hour)/86400))
	env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *p, TimeScale: 86400})
	st := continuedInput(t, env).State
	if onboarding != 120 || !st.OnboardingStarted {
		t.Errorf("%d of 120 departments onboarding a day after the assignment (started %v)", onboarding, st.OnboardingStarted)
	}
}

// A large union's term ends with the totals and the departments with
// something outstanding, not a row for every department: a
// 1,000-department term's result was 530 KB, past the 256 KiB mark.
func TestLargeUnionResultListsWhatIsOutstanding(t *testing.T) {
	p, err := planfixture.Scale(testPlan(t), 120, 2)
	if err != nil {
		t.Fatal(err)
	}
	p.Kickoff, p.Exchanges, p.Months, p.Contest, p.Tasks, p.Evaluation = nil, nil, nil, nil, nil, nil
	env := testEnv(time.Time{}, wholeTerm, quiet)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: contract.SemesterWorkflowID(p.Term.ID)})
	env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *p, TimeScale: 86400})
	var res contract.SemesterResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	// Nobody acknowledged, so every department has something outstanding.
	if len(res.Departments) != contract.ProgressDepartmentsUpTo || res.MoreDepartments != 120-contract.ProgressDepartmentsUpTo {
		t.Errorf("the result lists %d departments and %d more, want %d and %d",
			len(res.Departments), res.MoreDepartments, contract.ProgressDepartmentsUpTo, 120-contract.ProgressDepartmentsUpTo)
	}
	if res.Totals.Officers != 240 || res.Totals.Never != 240 {
		t.Errorf("totals %+v, want 240 officers who never acknowledged", res.Totals)
	}
	for _, d := range res.Departments {
		if d.Onboarding.Never == 0 {
			t.Errorf("%s is listed with nothing outstanding: %+v", d.DepartmentID, d.Onboarding)
		}
	}
}

// The term's current details in the Web UI list every department of a
// small union, and the totals and the first 40 departments still
// onboarding of a large one: redrawing a thousand rows for each report
// once kept a 1,000-department term's workflow task past the deadlock
// check for good.
func TestTermDetailsStayShortForALargeUnion(t *testing.T) {
	for _, tc := range []struct {
		departments int
		want        []string
		wantRows    int
	}{
		{8, []string{"| Sports Department | onboarding | 0 | 0 |"}, 8},
		{120, []string{"| all 120 departments | onboarding | 0 | 0 |", "| … and 80 more |"}, 42},
	} {
		p, err := planfixture.Scale(testPlan(t), tc.departments, 2)
		if err != nil {
			t.Fatal(err)
		}
		if tc.departments == 8 {
			p = testPlan(t)
		}
		p.Kickoff, p.Exchanges, p.Months, p.Contest, p.Tasks, p.Evaluation = nil, nil, nil, nil, nil, nil
		env := testEnv(time.Time{}, wholeTerm, quiet)
		env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: contract.SemesterWorkflowID(p.Term.ID)})
		start, _ := p.Term.Starts.In(p.Location())
		var details string
		env.RegisterDelayedCallback(func() {
			details = currentDetails(t, env)
			env.CancelWorkflow()
		}, time.Duration(float64(p.OnboardingSchedule().AssignAt.Sub(start)+24*time.Hour)/86400))
		env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *p, TimeScale: 86400})
		for _, want := range tc.want {
			if !strings.Contains(details, want) {
				t.Errorf("%d departments: the details lack %q:\n%s", tc.departments, want, details)
			}
		}
		if rows := strings.Count(details, "\n| ") - 1; rows != tc.wantRows { // less the header
			t.Errorf("%d departments: the details have %d rows, want %d:\n%s", tc.departments, rows, tc.wantRows, details)
		}
	}
}

// departmentsOnboarding asks the term about each department in turn, as
// `starter status --department` does, since a large union's whole-term
// answer lists only the first 50 with something outstanding.
func departmentsOnboarding(t *testing.T, env *testsuite.TestWorkflowEnvironment, p *plan.Plan) int {
	t.Helper()
	n := 0
	for _, d := range p.Departments {
		one := queryAs[contract.Progress](t, env, contract.QueryProgress, contract.ProgressRequest{Department: d.ID})
		if len(one.Departments) == 1 && one.Departments[0].Phase == contract.PhaseOnboarding {
			n++
		}
	}
	return n
}

// A run that grows long while a large union's onboardings start in steps
// continues as new between two steps; the next run starts the departments
// left, none twice. Meanwhile a change of the plan is refused, because
// departments are half-way between waiting and onboarding.
func TestLargeUnionOnboardingStartsAcrossRuns(t *testing.T) {
	p, err := planfixture.Scale(testPlan(t), 120, 2)
	if err != nil {
		t.Fatal(err)
	}
	p.Kickoff, p.Exchanges, p.Months, p.Contest, p.Tasks, p.Evaluation = nil, nil, nil, nil, nil, nil
	termID := contract.SemesterWorkflowID(p.Term.ID)
	start, _ := p.Term.Starts.In(p.Location())
	assignAfter := time.Duration(float64(p.OnboardingSchedule().AssignAt.Sub(start)) / 86400)
	realStart := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

	env := testEnv(realStart, wholeTerm, quiet)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: termID})
	firstRun := childStarts(env, termID)
	// The suggestion comes between the first step and the second, which
	// start a millisecond apart.
	env.RegisterDelayedCallback(func() { env.SetContinueAsNewSuggested(true) }, assignAfter+time.Millisecond/2)
	env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *p, TimeScale: 86400})
	next := continuedInput(t, env)
	st := next.State
	if st.OnboardingStartedFor != 50 || st.OnboardingStarted || slices.Contains(st.Started, "onboarding") {
		t.Fatalf("carried onboarding started for %d departments (all: %v, started %q); want the first step of 50 and no more",
			st.OnboardingStartedFor, st.OnboardingStarted, st.Started)
	}
	if n := len(firstRun()); n != 50 {
		t.Errorf("the first run started %d onboardings, want 50", n)
	}

	env2 := testEnv(realStart.Add(assignAfter+time.Millisecond), wholeTerm, quiet)
	env2.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: termID})
	secondRun := childStarts(env2, termID)
	amended := *p
	amended.Leaders = append(slices.Clone(p.Leaders), plan.Person{Name: "New Leader", Email: "new.leader@example.edu"})
	var refused string
	env2.RegisterDelayedCallback(func() {
		env2.UpdateWorkflow(contract.UpdateAmendPlan, "amend", &testsuite.TestUpdateCallback{
			OnAccept:   func() {},
			OnReject:   func(err error) { refused = err.Error() },
			OnComplete: func(any, error) {},
		}, contract.AmendPlanInput{Plan: amended, By: p.Leaders[0].Email})
	}, 0)
	onboarding := 0
	env2.RegisterDelayedCallback(func() {
		onboarding = departmentsOnboarding(t, env2, p)
		env2.SetContinueAsNewSuggested(true)
	}, time.Second)
	env2.ExecuteWorkflow(workflows.SemesterPlan, next)
	after := continuedInput(t, env2).State

	if !strings.Contains(refused, "onboarding is being started (50 of 120 departments so far)") {
		t.Errorf("an amendment while onboarding starts: rejection %q", refused)
	}
	second := secondRun()
	if len(second) != 70 {
		t.Errorf("the second run started %d onboardings, want the 70 left", len(second))
	}
	for id := range second {
		if firstRun()[id] {
			t.Errorf("%s started in both runs", id)
		}
	}
	if !after.OnboardingStarted || !slices.Contains(after.Started, "onboarding") {
		t.Errorf("after the second run onboarding started = %v (started %q)", after.OnboardingStarted, after.Started)
	}
	if onboarding != 120 {
		t.Errorf("%d of 120 departments onboarding after the second run", onboarding)
	}
}

// A department's report that comes while a large term stores its state
// before continuing as new goes with the next run's input, and the next
// run applies it: lost, the term waited for that department forever.
func TestReportsThatComeWhileTheStateIsStoredAreKept(t *testing.T) {
	// onboardingUnderWay is a term whose departments are all onboarding.
	onboardingUnderWay := func(depts int) (*plan.Plan, *contract.SemesterState) {
		p, err := planfixture.Scale(testPlan(t), depts, 1)
		if err != nil {
			t.Fatal(err)
		}
		p.Kickoff, p.Exchanges, p.Months, p.Contest, p.Tasks, p.Evaluation = nil, nil, nil, nil, nil, nil
		start, _ := p.Term.Starts.In(p.Location())
		st := &contract.SemesterState{Clock: plan.Clock{PlanAnchor: start, RealAnchor: start, Scale: 86400},
			Phase: contract.PhaseOnboarding, DirectorySaved: true, OnboardingStarted: true, PlanVersionsSaved: true, Started: []string{"onboarding"}}
		for _, d := range p.Departments {
			st.Departments = append(st.Departments, contract.DepartmentProgress{DepartmentID: d.ID, Name: d.Name, Phase: contract.PhaseOnboarding, ReportSeq: 5,
				Onboarding: contract.OnboardingCounts{Officers: 1, Pending: 1}, Problems: []string{"the training assignment emails to 1 officer went out 2 h late"}})
			st.Children = append(st.Children, contract.OnboardingWorkflowID(p.Term.ID, d.ID))
		}
		return p, st
	}
	p, state := onboardingUnderWay(1000)
	start, _ := p.Term.Starts.In(p.Location())
	env := testEnv(start, wholeTerm, quiet)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: contract.SemesterWorkflowID(p.Term.ID)})
	last := contract.OnboardingReport{DepartmentID: p.Departments[6].ID, Seq: 99, Phase: contract.PhaseClosed,
		Counts: contract.OnboardingCounts{Officers: 1, OnTime: 1}}
	var once sync.Once
	env.OnActivity(acts.SavePlanChunk, mock.Anything, mock.Anything).Return(
		func(context.Context, contract.SavePlanChunkInput) error {
			once.Do(func() { env.SignalWorkflow(contract.SignalOnboardingReport, last) })
			return nil
		})
	env.RegisterDelayedCallback(func() { env.SetContinueAsNewSuggested(true) }, time.Second)
	env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *p, TimeScale: 86400, State: state})
	next := continuedInput(t, env)
	if next.StateRef == nil {
		t.Fatalf("the state of 1,000 departments went by value; the test needs it stored")
	}
	if !slices.ContainsFunc(next.Reports, func(r contract.OnboardingReport) bool { return r.DepartmentID == last.DepartmentID && r.Seq == 99 }) {
		t.Fatalf("the report that came while the state was stored is not in the next input: %+v", next.Reports)
	}

	// The next run, from a small state by value, applies what it carries
	// and ends once every department has.
	small, state := onboardingUnderWay(10)
	for i := range state.Departments {
		state.Departments[i].Phase = contract.PhaseClosed
	}
	state.Departments[6].Phase = contract.PhaseOverdue
	last.DepartmentID = small.Departments[6].ID
	env2 := testEnv(start, wholeTerm, quiet)
	env2.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: contract.SemesterWorkflowID(small.Term.ID)})
	env2.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *small, TimeScale: 86400, State: state, Reports: []contract.OnboardingReport{last}})
	var result contract.SemesterResult
	if err := env2.GetWorkflowResult(&result); err != nil {
		t.Fatalf("the next run: %v", err)
	}
	if got := result.Departments[6]; got.Phase != contract.PhaseClosed || got.Onboarding.OnTime != 1 {
		t.Errorf("the carried report was not applied: %+v", got)
	}
}
