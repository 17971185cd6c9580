package workflows_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"semesterflow/contract"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// TestOnboardingCalendarNeverWaitsForTheAssignment: the assignment emails
// take twelve days to go out (an SMTP server refusing them, say). The
// reminders and the escalation still go out on their days, and the
// onboarding ends saying the assignment was late.
func TestOnboardingCalendarNeverWaitsForTheAssignment(t *testing.T) {
	env, p, run := slowOnboardingEnv(t)
	var mu sync.Mutex // the delayed assignment runs beside the reminders
	var sent []string // "kind at", in the order they went out
	record := func(_ context.Context, in contract.NotifyOnboardingInput) (contract.DeliveryResult, error) {
		mu.Lock()
		defer mu.Unlock()
		sent = append(sent, in.Kind+" "+env.Now().In(p.Location()).Format("01-02 15:04"))
		return contract.DeliveryResult{Sent: len(in.Officers)}, nil
	}
	isAssignment := mock.MatchedBy(func(in contract.NotifyOnboardingInput) bool { return in.Kind == contract.NotifyAssignment })
	env.OnActivity(acts.NotifyOnboarding, mock.Anything, isAssignment).After(12 * 24 * time.Hour).Return(record)
	env.OnActivity(acts.NotifyOnboarding, mock.Anything, mock.Anything).Return(record)
	env.OnActivity(acts.CloseOnboarding, mock.Anything, mock.Anything).Return(nil)
	run()
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var got contract.OnboardingProgress
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	want := "reminder 09-15 09:00, reminder 09-17 09:00, escalation 09-17 23:59, assignment 09-19 09:00, reminder 09-23 09:00"
	if strings.Join(sent, ", ") != want {
		t.Errorf("emails went out as\n%s\nwant\n%s", strings.Join(sent, ", "), want)
	}
	if len(got.Problems) != 1 || got.Problems[0] != "the training assignment emails to 3 officers went out 12 days late" {
		t.Errorf("problems = %q", got.Problems)
	}
	for _, o := range got.Officers {
		if !o.Escalated || o.RemindersSent != 3 || o.Outcome != contract.OutcomeNever {
			t.Errorf("%s: %+v, want escalated after 3 reminders, never acknowledged", o.Email, o)
		}
	}
}

// TestOnboardingClosesOnlyAfterTheAssignmentIsRecorded: the assignment's
// activity, which writes the rows, is still on its way when the late
// window closes (a worker far behind). The close, which marks those rows
// "never", is recorded after it, not before rows exist.
func TestOnboardingClosesOnlyAfterTheAssignmentIsRecorded(t *testing.T) {
	env, p, run := slowOnboardingEnv(t)
	var mu sync.Mutex
	var order []string
	note := func(what string) {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, what+" "+env.Now().In(p.Location()).Format("01-02"))
	}
	isAssignment := mock.MatchedBy(func(in contract.NotifyOnboardingInput) bool { return in.Kind == contract.NotifyAssignment })
	env.OnActivity(acts.NotifyOnboarding, mock.Anything, isAssignment).After(30 * 24 * time.Hour).Return(
		func(context.Context, contract.NotifyOnboardingInput) (contract.DeliveryResult, error) {
			note("assignment")
			return contract.DeliveryResult{Sent: 3}, nil
		})
	env.OnActivity(acts.NotifyOnboarding, mock.Anything, mock.Anything).Return(contract.DeliveryResult{}, nil)
	env.OnActivity(acts.CloseOnboarding, mock.Anything, mock.Anything).Return(
		func(context.Context, contract.CloseOnboardingInput) error {
			note("close")
			return nil
		})
	run()
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(order, ", ") != "assignment 10-07, close 10-07" {
		t.Errorf("activities ran as %q, want the assignment, then the close", order)
	}
}

// slowOnboardingEnv is the three-officer department's onboarding on the
// test clock from the term's first day; the test mocks its activities,
// then calls run.
func slowOnboardingEnv(t *testing.T) (*testsuite.TestWorkflowEnvironment, *plan.Plan, func()) {
	t.Helper()
	p := threeOfficers(t)
	start, _ := p.Term.Starts.In(p.Location())
	env := testEnv(start)
	return env, p, func() {
		env.ExecuteWorkflow(workflows.Onboarding, contract.OnboardingInput{
			TermID: p.Term.ID, TermName: p.Term.Name, TimeZone: p.Zone(),
			Department: p.Departments[0], Training: p.Training, Schedule: p.OnboardingSchedule(),
			Clock: plan.ProductionClock(start),
		})
	}
}
