package portal_test

import (
	"strings"
	"testing"
	"time"

	"semesterflow/contract"
	"semesterflow/internal/links"
	"semesterflow/internal/testenv"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// TestAnInternalFailureShowsTheGenericSentence: when the workflow fails an
// Update for a reason of ours (here the store refuses the acknowledgement
// of an onboarding started without its term), the officer reads the
// generic sentence, not the store's words, and nothing is recorded.
func TestAnInternalFailureShowsTheGenericSentence(t *testing.T) {
	r := newRig(t)
	ctx := testenv.Browser(t, false, false)
	now := time.Now().Truncate(time.Second)
	d := r.department()
	id := contract.OnboardingWorkflowID(r.tag, d.ID)
	// No term ID: the workflow runs, but the store takes no row of it.
	r.start(id, workflows.Onboarding, contract.OnboardingInput{
		TermName: "Fall term 2026", TimeZone: plan.MustZone("Asia/Shanghai"), Department: d,
		Training: plan.Training{Sessions: []plan.TrainingSession{{Title: "Rules of the Student Union", At: "2026-09-02 19:00", Where: "Room 101"}}},
		Schedule: plan.OnboardingSchedule{AssignAt: now.Add(-time.Minute), Deadline: now.Add(time.Hour), WindowCloses: now.Add(2 * time.Hour)},
		Clock:    plan.ProductionClock(now),
	})
	link, err := r.signer.URL(r.portal.URL, links.Claims{Person: d.Officers[0].Email, WorkflowID: id, Action: links.Acknowledge, Expires: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	page := submitPage(t, ctx, link, "Attended the first session.", "")
	if !strings.Contains(page, contract.Unexpected) {
		t.Errorf("the page does not say %q:\n%s", contract.Unexpected, page)
	}
	for _, internal := range []string{"store", "invalid input", "term ID", "could not record"} {
		if strings.Contains(page, internal) {
			t.Errorf("the page shows the internal %q:\n%s", internal, page)
		}
	}
	var p contract.OnboardingProgress
	r.query(id, contract.QueryProgress, &p)
	if p.Officers[0].Outcome != contract.OutcomePending {
		t.Errorf("Ma Li's outcome is %s, want pending: nothing was recorded", p.Officers[0].Outcome)
	}
}
