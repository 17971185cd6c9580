package portal_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"go.temporal.io/sdk/client"

	"semesterflow/contract"
	"semesterflow/internal/testenv"
	"semesterflow/plan"
)

// A head hands the department's summary to an officer: the officer's email
// brings the request and its link, which works; the head's own link now
// says where the task went, with no form.
func TestHandedOverTaskFromBothLinks(t *testing.T) {
	r := newRig(t)
	ctx := testenv.Browser(t, false, false)
	id := r.startSummaries()
	headLink := r.linkFor(r.email("sun.hao"))

	maLi := plan.Person{Name: "Ma Li", Email: r.email("ma.li")}
	uctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	handle, err := r.temporal.UpdateWorkflow(uctx, client.UpdateWorkflowOptions{
		WorkflowID: id, UpdateName: contract.UpdateHandOver, WaitForStage: client.WorkflowUpdateStageCompleted,
		Args: []any{contract.HandOverInput{Email: r.email("sun.hao"), Slot: "publicity", To: maLi, ToDepartment: "publicity",
			Reason: "I'm ill this week; Ma Li writes it."}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var res contract.HandOverResult
	if err := handle.Get(uctx, &res); err != nil {
		t.Fatalf("hand-over: %v", err)
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(headLink), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	page := bodyText(t, ctx)
	for _, want := range []string{"October's summary for Publicity Department was handed over to Ma Li", "I'm ill this week; Ma Li writes it.", "Ma Li has it now"} {
		if !strings.Contains(page, want) {
			t.Errorf("the head's old link lacks %q:\n%s", want, page)
		}
	}
	if forms, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.forms.length`)); err != nil || forms != 0 {
		t.Errorf("the old link still shows %d forms (%v)", forms, err)
	}

	officerLink := r.linkFor(maLi.Email)
	if err := chromedp.Do(ctx, chromedp.Navigate(officerLink), chromedp.WaitVisible(chromedp.CSS("textarea#text"))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx,
		chromedp.SetValue(chromedp.CSS("textarea#text"), "Posters for every event."),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
	); err != nil {
		t.Fatal(err)
	}
	if page := bodyText(t, ctx); !strings.Contains(page, "Thank you: October's summary for Publicity Department is handed in.") {
		t.Fatalf("the new person could not hand it in:\n%s", page)
	}
	var author string
	r.storedRow(&author, `SELECT author_email FROM submissions WHERE term_id = ? AND kind = 'summary' AND slot = 'publicity'`)
	if author != maLi.Email {
		t.Errorf("stored author %q, want %q", author, maLi.Email)
	}
	var audited int
	r.storedRow(&audited, `SELECT count(*) FROM audit_log WHERE term_id = ? AND action = 'hand_over'`)
	if audited != 1 {
		t.Errorf("%d audit entries of the hand-over, want 1", audited)
	}
}
