package workflows_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"semesterflow/contract"
)

// release3 holds histories of the example term recorded on a dev server
// with the release before "help-desk-beside" and "exchange-gaps" (commit
// 33a1a29), people acting through Updates: the term's last run, one of
// each part, four runs of the publicity department's exchanges (the first,
// the fifth, the last, and a first run in a second rehearsal during which
// Mailpit was stopped over the invitation and sign-in, so the invitation
// went out after sign-in closed), the academic department's first run from
// that rehearsal (its sign-in missed, attendance unrecorded), a minutes
// collection and a help task.
const release3 = "testdata/release-3"

// TestReplayRelease3 replays them with today's workflows: terms started on
// that release must go on exactly as they began.
func TestReplayRelease3(t *testing.T) {
	replayEvery(t, release3, 15)
}

// TestRelease3HistoriesHoldUpdates checks that the recorded histories hold
// the Updates people sent, so that the replay covers their handlers.
func TestRelease3HistoriesHoldUpdates(t *testing.T) {
	want := map[string]map[string]int{
		"term-tasks":                               {contract.UpdateRequestHelp: 2, contract.UpdateAssignTask: 2},
		"term-tasks-t1":                            {contract.UpdateSubmit: 1},
		"term-onboarding-publicity":                {contract.UpdateAcknowledgeTraining: 4},
		"term-kickoff-department_plan":             {contract.UpdateSubmit: 1},
		"term-month-2026-10":                       {contract.UpdateSetTheme: 1},
		"term-exchanges-publicity":                 {contract.UpdateExcuse: 1},
		"term-exchanges-publicity-run5":            {contract.UpdateExcuse: 1},
		"term-exchanges-publicity-run6":            {contract.UpdateSignIn: 1},
		"term-exchanges-publicity-invitation-late": {contract.UpdateExcuse: 1},
		"term-exchanges-publicity-minutes-4":       {contract.UpdateSubmit: 1},
	}
	for name, updates := range want {
		h := readHistory(t, filepath.Join(release3, name+".json.gz"))
		got := map[string]int{}
		for _, e := range h.GetEvents() {
			if a := e.GetWorkflowExecutionUpdateAcceptedEventAttributes(); a != nil {
				got[a.GetAcceptedRequest().GetInput().GetName()]++
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(updates) {
			t.Errorf("%s: accepted Updates %v, want %v", name, got, updates)
		}
	}
}
