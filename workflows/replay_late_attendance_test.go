package workflows_test

import (
	"path/filepath"
	"strings"
	"testing"

	"go.temporal.io/sdk/worker"

	"semesterflow/workflows"
)

// TestReplayExchangesRecordedBeforeLateAttendance replays department
// exchanges recorded on a dev server with the release before the change
// "late-attendance": series that reached a sign-in window only after it had
// closed, so the exchange's attendance is unrecorded. One holds both its
// exchanges in one run and ends; one ends right after its only, missed,
// exchange; one continues as new between two missed exchanges. Such runs
// must go on exactly as they began: they do not wait for the secretary to
// record the attendance.
func TestReplayExchangesRecordedBeforeLateAttendance(t *testing.T) {
	files, err := filepath.Glob("testdata/before-late-attendance/*.json")
	if err != nil || len(files) < 4 {
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
