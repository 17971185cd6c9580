package workflows_test

import (
	"testing"

	"go.temporal.io/sdk/worker"

	"semesterflow/workflows"
)

// TestReplayOnboardingRecordedBeforeTheLastCall replays a department's
// onboarding recorded on a dev server before the last-call reminder was
// added (workflow.GetVersion "last-call-reminder"). One officer acknowledged
// on time, one late, one never: a run that was under way when the worker
// was upgraded must go on exactly as it began, without the new reminder.
func TestReplayOnboardingRecordedBeforeTheLastCall(t *testing.T) {
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflow(workflows.Onboarding)
	if err := r.ReplayWorkflowHistoryFromJSONFile(nil, "testdata/onboarding-before-last-call.json"); err != nil {
		t.Fatalf("replay: %v", err)
	}
}
