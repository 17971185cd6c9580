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
	"semesterflow/workflows"
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

// startTerm starts a term whose plan names the rig's people, far enough
// ahead that none of its parts starts during the test: the portal looks
// people up in it.
func (r *rig) startTerm() *plan.Plan {
	r.t.Helper()
	p, err := plan.Decode([]byte(`
term: {id: ` + r.tag + `, name: Fall term 2026, starts: 2027-09-01, ends: 2027-12-31, time_zone: Asia/Shanghai}
leaders: [{name: Li Wei, email: ` + r.email("li.wei") + `}]
departments:
  - id: publicity
    name: Publicity Department
    head: {name: Sun Hao, email: ` + r.email("sun.hao") + `}
    officers: [{name: Ma Li, email: ` + r.email("ma.li") + `}]
  - id: sports
    name: Sports Department
    head: {name: Yuan Jun, email: ` + r.email("yuan.jun") + `}
    officers: [{name: Du Wei, email: ` + r.email("du.wei") + `}]
training:
  sessions: [{title: Rules, at: "2027-09-02 19:00"}]
  deadline_days_after_start: 7
`))
	if err != nil {
		r.t.Fatal(err)
	}
	r.start(contract.SemesterWorkflowID(r.tag), workflows.SemesterPlan, contract.SemesterInput{Plan: *p, StartedBy: "test"})
	return p
}

// The head hands the department's summary over from the form on its own
// page: an officer of another department is refused in plain words, an
// officer of the department takes it and gets the request, and the head's
// link then says where it went.
func TestHeadHandsATaskOverFromThePortal(t *testing.T) {
	r := newRig(t)
	ctx := testenv.Browser(t, false, false)
	r.startTerm()
	id := r.startSummaries()
	link := r.linkFor(r.email("sun.hao"))

	handOver := func(to, reason string) string {
		t.Helper()
		if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(link)); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.RunResponse(ctx,
			chromedp.SetValue(chromedp.CSS("#handover_to"), to),
			chromedp.SetValue(chromedp.CSS("#handover_reason"), reason),
			chromedp.Click(chromedp.CSS("form.handover button")),
		); err != nil {
			t.Fatal(err)
		}
		return bodyText(t, ctx)
	}
	if page := handOver(r.email("du.wei"), "Busy"); !strings.Contains(page, "is not in the Publicity Department; hand it to one of its officers") {
		t.Errorf("a hand-over to another department's officer:\n%s", page)
	}
	if task := r.task(id, "publicity", r.email("sun.hao")); !task.Owner {
		t.Fatal("a refused hand-over moved the task")
	}
	screenshot(t, ctx, "portal-handover-refused")
	if page := handOver(r.email("ma.li"), "I'm ill this week"); !strings.Contains(page, "Ma Li now has the task for Publicity Department") {
		t.Fatalf("the hand-over:\n%s", page)
	}
	if task := r.task(id, "publicity", r.email("ma.li")); !task.Owner {
		t.Error("Ma Li does not have the task")
	}
	if newLink := r.linkFor(r.email("ma.li")); newLink == link {
		t.Error("Ma Li got the head's link")
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	if page := bodyText(t, ctx); !strings.Contains(page, "was handed over to Ma Li") || !strings.Contains(page, "I'm ill this week") {
		t.Errorf("the head's link after the hand-over:\n%s", page)
	}
}
