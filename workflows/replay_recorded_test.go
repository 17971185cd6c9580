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
	replayEvery(t, "testdata/recorded", 10)
}

// replayEvery replays every history recorded under dir, of which there
// must be at least least, with today's workflows.
func replayEvery(t *testing.T, dir string, least int) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) < least {
		t.Fatalf("recorded histories in %s: %v (%d files)", dir, err, len(files))
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
