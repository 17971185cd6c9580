package workflows_test

import (
	"path/filepath"
	"strings"
	"testing"

	"go.temporal.io/sdk/worker"

	"semesterflow/workflows"
)

// TestReplayRecordedTerm replays histories of the example term recorded on
// a dev server with the release before the change "calendar-never-waits"
// (the term's last run, and one of each part: onboarding, the kickoff and
// its plans, two runs of a department's exchanges and a minutes
// collection, a month and its summaries, the contest, the help desk, an
// evaluation). Runs under way when the worker is upgraded must go on
// exactly as they began.
func TestReplayRecordedTerm(t *testing.T) {
	files, err := filepath.Glob("testdata/recorded/*.json")
	if err != nil || len(files) < 10 {
		t.Fatalf("recorded histories: %v (%d files)", err, len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			workflows.Register(r)
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatalf("replay: %v", err)
			}
		})
	}
}
