package workflows_test

import "testing"

// TestReplayExchangesRecordedBeforeLateAttendance replays department
// exchanges recorded on a dev server with the release before the change
// "late-attendance": series that reached a sign-in window only after it had
// closed, so the exchange's attendance is unrecorded. One holds both its
// exchanges in one run and ends; one ends right after its only, missed,
// exchange; one continues as new between two missed exchanges. Such runs
// must go on exactly as they began: they do not wait for the secretary to
// record the attendance.
func TestReplayExchangesRecordedBeforeLateAttendance(t *testing.T) {
	replayEvery(t, "testdata/before-late-attendance", 4)
}
