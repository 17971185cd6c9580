package workflows_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"semesterflow/activities"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// TestSemesterRehearsesTheExampleTerm runs the example plan at one plan day
// per second: the directory is saved, every department is onboarded at the
// scaled times, and the term's progress query follows along.
func TestSemesterRehearsesTheExampleTerm(t *testing.T) {
	p, err := plan.Load("../examples/fall-term.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	realStart := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	env.SetStartTime(realStart)
	env.RegisterWorkflow(workflows.Onboarding)
	env.RegisterActivity(&activities.Activities{})

	var mu sync.Mutex
	var saved int
	kinds := map[string]int{}
	var firstAssignment time.Time
	env.OnActivity(acts.SaveDirectory, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.SaveDirectoryInput) error {
			mu.Lock()
			defer mu.Unlock()
			saved = len(in.Plan.Officers())
			return nil
		})
	env.OnActivity(acts.NotifyOnboarding, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.NotifyOnboardingInput) (activities.DeliveryResult, error) {
			mu.Lock()
			defer mu.Unlock()
			kinds[in.Kind]++
			if in.Kind == activities.NotifyAssignment && firstAssignment.IsZero() {
				firstAssignment = env.Now()
			}
			return activities.DeliveryResult{Sent: len(in.Officers)}, nil
		})
	env.OnActivity(acts.CloseOnboarding, mock.Anything, mock.Anything).Return(nil)

	var midway workflows.Progress
	var midwayNow time.Time
	var located workflows.OfficerLocation
	var unknownErr error
	env.RegisterDelayedCallback(func() {
		midway = queryAs[workflows.Progress](t, env, workflows.QueryProgress)
		midwayNow = midway.Clock.Plan(env.Now()).In(p.Location())
		v, err := env.QueryWorkflow(workflows.QueryFindOfficer, "MA.LI@example.edu")
		if err != nil {
			t.Errorf("find-officer: %v", err)
		} else if err := v.Get(&located); err != nil {
			t.Error(err)
		}
		_, unknownErr = env.QueryWorkflow(workflows.QueryFindOfficer, "nobody@example.edu")
	}, 12*time.Second) // plan 13 September: acknowledgements open

	env.ExecuteWorkflow(workflows.SemesterPlan, workflows.SemesterInput{Plan: *p, TimeScale: 86400})
	if !env.IsWorkflowCompleted() {
		t.Fatal("term did not complete")
	}
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("term failed: %v", err)
	}
	var res workflows.SemesterResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}

	if saved != 40 {
		t.Errorf("directory saved %d officers, want 40", saved)
	}
	// 8 departments: one assignment batch, two reminder batches and one
	// escalation each.
	want := map[string]int{activities.NotifyAssignment: 8, activities.NotifyReminder: 16, activities.NotifyEscalation: 8}
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
	if midway.Phase != workflows.PhaseOnboarding || len(midway.Departments) != 8 || midway.Totals.Officers != 40 || midway.Totals.Pending != 40 {
		t.Errorf("progress on 13 September = phase %q, %d departments, totals %+v", midway.Phase, len(midway.Departments), midway.Totals)
	}
	if got := midwayNow.Format("2006-01-02"); got != "2026-09-13" {
		t.Errorf("plan time midway = %s, want 2026-09-13", got)
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
		if d.Phase != workflows.PhaseClosed {
			t.Errorf("%s ended in phase %q", d.DepartmentID, d.Phase)
		}
	}
}

func TestSemesterRefusesAnInvalidPlan(t *testing.T) {
	p, err := plan.Load("../examples/fall-term.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p.Departments[1].Officers[0].Email = "bob@"
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{})
	env.ExecuteWorkflow(workflows.SemesterPlan, workflows.SemesterInput{Plan: *p})
	var appErr *temporal.ApplicationError
	if err := env.GetWorkflowError(); !errors.As(err, &appErr) || appErr.Type() != "InvalidPlan" || !appErr.NonRetryable() {
		t.Fatalf("error = %v, want a non-retryable InvalidPlan", err)
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
