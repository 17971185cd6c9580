package workflows_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"semesterflow/contract"
)

// release4 holds histories of the amended rehearsal (e2e
// TestAmendedTermRehearsal) recorded on a dev server with the release of
// the living plan: the term's run that took two amendments, the parts that
// took them (rosters, a calendar with a moved exchange, the moved contest
// and its rescheduled milestones, new heads for organisation life and the
// help desk, an officer who left onboarding, the onboarding of one who
// joined), a hand-over and an extension.
const release4 = "testdata/release-4"

// TestReplayRelease4 replays them with today's workflows.
func TestReplayRelease4(t *testing.T) {
	replayEvery(t, release4, 12)
}

// TestRelease4HistoriesHoldTheAmendments checks that the recorded
// histories hold what the amendments sent, so the replay covers the code
// that takes them.
func TestRelease4HistoriesHoldTheAmendments(t *testing.T) {
	want := map[string]string{
		"term":                               "update " + contract.UpdateAmendPlan + " 2",
		"term-exchanges-publicity":           "signal " + contract.SignalExchangesCalendar + " 1",
		"term-exchanges-publicity-run2":      "signal " + contract.SignalExchangesRoster + " 1",
		"term-contest":                       "signal " + contract.SignalContestPlan + " 1",
		"term-contest-milestone":             "signal " + contract.SignalCollectionSlots + " 1",
		"term-month-2026-10":                 "signal " + contract.SignalDepartmentPeople + " 1",
		"term-month-2026-10-summary":         "update " + contract.UpdateExtendDeadline + " 1",
		"term-exchanges-publicity-minutes-1": "update " + contract.UpdateHandOver + " 1",
		"term-onboarding-publicity":          "signal " + contract.SignalOnboardingLeft + " 1",
		"term-tasks":                         "signal " + contract.SignalDepartmentPeople + " 1",
	}
	for name, w := range want {
		h := readHistory(t, filepath.Join(release4, name+".json.gz"))
		got := map[string]int{}
		for _, e := range h.GetEvents() {
			if a := e.GetWorkflowExecutionUpdateAcceptedEventAttributes(); a != nil {
				got["update "+a.GetAcceptedRequest().GetInput().GetName()]++
			}
			if a := e.GetWorkflowExecutionSignaledEventAttributes(); a != nil {
				got["signal "+a.GetSignalName()]++
			}
		}
		var kind, what string
		var n int
		if _, err := fmt.Sscanf(w, "%s %s %d", &kind, &what, &n); err != nil {
			t.Fatal(err)
		}
		if got[kind+" "+what] != n {
			t.Errorf("%s holds %v, want %d %s %s", name, got, n, kind, what)
		}
	}
}
