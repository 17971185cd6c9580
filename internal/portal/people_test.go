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
	"semesterflow/store"
	"semesterflow/workflows"
)

// department is two officers of the Publicity Department, headed by Sun Hao.
func (r *rig) department() plan.Department {
	return plan.Department{ID: "publicity", Name: "Publicity Department",
		Head: plan.Person{Name: "Sun Hao", Email: r.email("sun.hao")},
		Officers: []plan.Person{
			{Name: "Ma Li", Email: r.email("ma.li")},
			{Name: "Guo Rui", Email: r.email("guo.rui")},
		}}
}

// start starts a workflow on the rig's worker and ends it with the test.
func (r *rig) start(id string, fn, in any) {
	r.t.Helper()
	if _, err := r.temporal.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: id, TaskQueue: r.queue}, fn, in); err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { _ = r.temporal.TerminateWorkflow(context.Background(), id, "", "test over") })
}

// submitPage opens link in the browser, photographs the form as shot
// when set, fills the textarea when text is set, presses the form's button
// and returns the page it leads to.
func submitPage(t *testing.T, ctx context.Context, link, text, shot string) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("button[type=submit]"))); err != nil {
		t.Fatal(err)
	}
	if shot != "" {
		screenshot(t, ctx, shot)
	}
	steps := []chromedp.Action[chromedp.Void]{}
	if text != "" {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS("textarea#text"), text))
	}
	steps = append(steps, chromedp.Click(chromedp.CSS("button[type=submit]")))
	if _, err := chromedp.RunResponse(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	return bodyText(t, ctx)
}

// An officer signs in at an exchange, and another reports an absence, from
// the two links in the invitation.
func TestOfficersSignInAndReportAbsenceFromTheInvitation(t *testing.T) {
	r := newRig(t)
	ctx := testenv.Browser(t, false, false)
	now := time.Now().Truncate(time.Second)
	d := r.department()
	// Sign-in is open now; the exchange starts in two minutes, so an absence
	// can still be reported.
	meeting := contract.ExchangeMeeting{InviteAt: now, Meeting: plan.Meeting{
		Number: 1, Span: plan.Span{Start: now.Add(2 * time.Minute), End: now.Add(time.Hour)},
		SignInOpens: now, SignInCloses: now.Add(30 * time.Minute), MinutesDue: now.Add(48 * time.Hour),
	}}
	id := contract.ExchangesWorkflowID(r.tag, d.ID)
	r.start(id, workflows.Exchanges, contract.ExchangesInput{
		TermID: r.tag, TermName: "Fall term 2026", TimeZone: plan.MustZone("Asia/Shanghai"), Department: d, Secretary: d.Officers[1],
		Where: "Student Activity Centre, room 2", Meetings: []contract.ExchangeMeeting{meeting}, SendTime: "09:00",
		Clock: plan.ProductionClock(now),
	})

	maLi := r.linksFor(d.Officers[0].Email)
	if len(maLi) != 2 {
		t.Fatalf("Ma Li's invitation has %d links, want sign-in and absence", len(maLi))
	}
	if page := submitPage(t, ctx, maLi[0], "", "portal-sign-in"); !strings.Contains(page, "you are signed in at exchange 1") {
		t.Errorf("after signing in:\n%s", page)
	}
	guoRui := r.linksFor(d.Officers[1].Email)
	if page := submitPage(t, ctx, guoRui[1], "Exam that evening.", ""); !strings.Contains(page, "your absence from exchange 1 is excused") {
		t.Errorf("after reporting an absence:\n%s", page)
	}
	// Ma Li's absence link, now that she has signed in: nothing to excuse.
	if err := chromedp.Do(ctx, chromedp.Navigate(maLi[1]), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	if page := bodyText(t, ctx); !strings.Contains(page, "Already done") || !strings.Contains(page, "no absence to excuse") {
		t.Errorf("Ma Li's absence link after signing in:\n%s", page)
	}

	var p contract.ExchangesProgress
	r.query(id, contract.QueryProgress, &p)
	if p.Next == nil || strings.Join(p.Next.SignedIn, ",") != d.Officers[0].Email || strings.Join(p.Next.Excused, ",") != d.Officers[1].Email {
		t.Errorf("the exchange has %+v; want Ma Li signed in and Guo Rui excused", p.Next)
	}
}

// An officer acknowledges the training from the assignment email.
func TestOfficerAcknowledgesTrainingFromTheEmail(t *testing.T) {
	r := newRig(t)
	ctx := testenv.Browser(t, false, false)
	now := time.Now().Truncate(time.Second)
	d := r.department()
	dir := store.Directory{
		Term:        store.Term{ID: r.tag, Name: "Fall term 2026", StartsOn: now, EndsOn: now.AddDate(0, 4, 0), TimeZone: "Asia/Shanghai", WorkflowID: contract.SemesterWorkflowID(r.tag)},
		Departments: []store.Department{{ID: d.ID, Name: d.Name, HeadName: d.Head.Name, HeadEmail: d.Head.Email}},
	}
	for i, o := range d.Officers {
		dir.Officers = append(dir.Officers, store.Officer{Email: o.Email, DepartmentID: d.ID, Name: o.Name, Position: i})
	}
	if err := store.New(r.db).SaveDirectory(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	id := contract.OnboardingWorkflowID(r.tag, d.ID)
	r.start(id, workflows.Onboarding, contract.OnboardingInput{
		TermID: r.tag, TermName: "Fall term 2026", TimeZone: plan.MustZone("Asia/Shanghai"), Department: d,
		Training: plan.Training{Sessions: []plan.TrainingSession{{Title: "Rules of the Student Union", At: "2026-09-02 19:00", Where: "Room 101"}}},
		Schedule: plan.OnboardingSchedule{AssignAt: now, Deadline: now.Add(time.Hour), WindowCloses: now.Add(2 * time.Hour)},
		Clock:    plan.ProductionClock(now),
	})
	link := r.linksFor(d.Officers[0].Email)[0]
	if page := submitPage(t, ctx, link, "Attended the first session.", "portal-acknowledge"); !strings.Contains(page, "Thank you, Ma Li: your acknowledgement is recorded.") {
		t.Errorf("after acknowledging:\n%s", page)
	}
	var p contract.OnboardingProgress
	r.query(id, contract.QueryProgress, &p)
	if p.Officers[0].Outcome != contract.OutcomeOnTime || p.Officers[1].Outcome != contract.OutcomePending {
		t.Errorf("outcomes %s and %s, want Ma Li on time and Guo Rui pending", p.Officers[0].Outcome, p.Officers[1].Outcome)
	}
	var note string
	r.storedRow(&note, `SELECT note FROM onboarding WHERE term_id = ? AND outcome = 'on_time'`)
	if note != "Attended the first session." {
		t.Errorf("stored note %q", note)
	}
}
