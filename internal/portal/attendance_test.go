package portal_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"semesterflow/contract"
	"semesterflow/internal/testenv"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// Two exchanges were over before their series could open sign-in (the
// worker was down over them), so their attendance is unrecorded. The
// secretary opens exchange 1's minutes link in his email, finds an
// attendance sheet above the minutes, is told in the validator's words what
// is wrong with a sheet that marks Ma Li both present and excused, and with
// an excuse without its reason, records the attendance, and still hands in
// the minutes. For exchange 2 he hands in the minutes first: the sheet
// stays until he records the attendance.
func TestSecretaryRecordsLateAttendanceFromTheMinutesLink(t *testing.T) {
	r := newRig(t)
	ctx := testenv.Browser(t, false, false)
	now := time.Now().Truncate(time.Second)
	d := r.department()
	secretary := d.Officers[1]
	// Exchanges 1 and 2 ended four and two hours ago: nobody signed in.
	// Exchange 3 is in a week, so the series runs on.
	meeting := func(n int, start time.Time) contract.ExchangeMeeting {
		return contract.ExchangeMeeting{InviteAt: start.AddDate(0, 0, -3), Meeting: plan.Meeting{
			Number: n, Span: plan.Span{Start: start, End: start.Add(time.Hour)},
			SignInOpens: start.Add(-30 * time.Minute), SignInCloses: start.Add(30 * time.Minute), MinutesDue: start.Add(48 * time.Hour),
		}}
	}
	id := contract.ExchangesWorkflowID(r.tag, d.ID)
	r.start(id, workflows.Exchanges, contract.ExchangesInput{
		TermID: r.tag, TermName: "Fall term 2026", TimeZone: plan.MustZone("Asia/Shanghai"), Department: d, Secretary: secretary,
		Meetings: []contract.ExchangeMeeting{meeting(1, now.Add(-5*time.Hour)), meeting(2, now.Add(-3*time.Hour)), meeting(3, now.AddDate(0, 0, 7))}, SendTime: "09:00",
		Clock: plan.ProductionClock(now),
	})
	for _, n := range []int{1, 2} {
		minutesID := contract.MinutesWorkflowID(r.tag, d.ID, n)
		t.Cleanup(func() { _ = r.temporal.TerminateWorkflow(context.Background(), minutesID, "", "test over") })
	}

	statuses := func(meeting int) string {
		t.Helper()
		rows, err := r.db.QueryContext(context.Background(),
			`SELECT officer_email, status, reason FROM attendance WHERE term_id = ? AND meeting_number = ? ORDER BY officer_email`, r.tag, meeting)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var email, status, reason string
			if err := rows.Scan(&email, &status, &reason); err != nil {
				t.Fatal(err)
			}
			out = append(out, strings.SplitN(email, ".", 2)[0]+"="+status+":"+reason)
		}
		return strings.Join(out, " ")
	}
	var unrecorded int
	r.storedRow(&unrecorded, `SELECT count(*) FROM attendance WHERE term_id = ? AND status = 'unrecorded' HAVING count(*) = 4`)
	for _, n := range []int{1, 2} {
		if got := statuses(n); got != "guo=unrecorded: ma=unrecorded:" {
			t.Fatalf("exchange %d's rows before the secretary acts: %s", n, got)
		}
	}
	// The secretary's two requests for minutes, by exchange.
	minutesLink := map[int]string{}
	for _, m := range r.mailpit.WaitFor(t, "to:"+secretary.Email, 2, 30*time.Second) {
		for _, n := range []int{1, 2} {
			if strings.Contains(m.Subject, fmt.Sprintf("minutes of exchange %d ", n)) {
				minutesLink[n] = linkPattern.FindString(r.mailpit.Message(t, m.ID).Text)
			}
		}
	}
	if minutesLink[1] == "" || minutesLink[2] == "" {
		t.Fatalf("minutes links %v, want one for each exchange", minutesLink)
	}
	link := minutesLink[1]
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	page := bodyText(t, ctx)
	for _, want := range []string{"Attendance at exchange 1", "Mark each officer present, excused (with the reason) or absent", "Ma Li", "Guo Rui", "Reason, if excused",
		"Record the attendance", "Minutes", "Your text", "attendance sheet"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the minutes page lacks %q:\n%s", want, page)
		}
	}
	fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	if err != nil || !fits {
		t.Errorf("the page is wider than a 390-pixel phone screen (%v)", err)
	}
	screenshot(t, ctx, "portal-attendance")

	// submitSheet presses the sheet's button and returns the page and its
	// status.
	submitSheet := func(steps ...chromedp.Action[chromedp.Void]) (string, int64) {
		t.Helper()
		res, err := chromedp.RunResponse(ctx, append(steps, chromedp.Click(chromedp.CSS("form.sheet button[type=submit]")))...)
		if err != nil {
			t.Fatal(err)
		}
		return bodyText(t, ctx), res.Status
	}
	radio := func(row int, status string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(`input[name="status` + string(rune('0'+row)) + `"][value="` + status + `"]`))
	}

	// Ma Li both present and excused: only an altered form can say so, and
	// the workflow's validator refuses it; the sheet comes back as sent.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`document.querySelector('form.sheet').insertAdjacentHTML('beforeend', '<input type="hidden" name="status0" value="excused">'), true`)); err != nil {
		t.Fatal(err)
	}
	page, status := submitSheet(radio(0, "present"), radio(1, "present"), chromedp.SendKeys(chromedp.CSS("#reason0"), "Exam that evening"))
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "Ma Li is marked both present and excused; choose one") {
		t.Errorf("a sheet marking Ma Li twice: %d\n%s", status, page)
	}
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`document.querySelector('#reason0').value + '|' + document.querySelector('input[name="status1"][value="present"]').checked`))
	if err != nil || kept != "Exam that evening|true" {
		t.Errorf("the refused sheet kept %q (%v), want the reason and Guo Rui present", kept, err)
	}
	screenshot(t, ctx, "portal-attendance-refused")

	// Excused without the reason: refused in the validator's words too.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#reason0').value = '', true`)); err != nil {
		t.Fatal(err)
	}
	page, status = submitSheet(radio(0, "excused"))
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "give the reason Ma Li was excused from exchange 1") {
		t.Errorf("an excuse without its reason: %d\n%s", status, page)
	}
	if got := statuses(1); got != "guo=unrecorded: ma=unrecorded:" {
		t.Fatalf("refused sheets changed the rows: %s", got)
	}

	page, status = submitSheet(radio(0, "excused"), chromedp.SendKeys(chromedp.CSS("#reason0"), "Exam that evening"), radio(1, "present"))
	if status != http.StatusOK || !strings.Contains(page, "the attendance of exchange 1 is recorded, 1 present, 1 excused and 0 absent") ||
		!strings.Contains(page, "The minutes can still be handed in from the same link") {
		t.Fatalf("after recording the attendance: %d\n%s", status, page)
	}
	if got := statuses(1); got != "guo=present: ma=excused:Exam that evening" {
		t.Errorf("rows after the secretary recorded them: %s", got)
	}
	var actor string
	r.storedRow(&actor, `SELECT actor FROM audit_log WHERE term_id = ? AND action = 'record_attendance' AND subject LIKE '%/1'`)
	if actor != secretary.Email {
		t.Errorf("audit actor = %q, want the secretary", actor)
	}
	var p contract.ExchangesProgress
	r.query(id, contract.QueryProgress, &p)
	// Exchange 2 is still unrecorded.
	if c := p.Officers; c[0].Excused != 1 || c[1].Present != 1 || c[0].Unrecorded != 1 || c[1].Unrecorded != 1 ||
		!strings.Contains(strings.Join(p.Problems, "\n"), "exchange 1's attendance was recorded late by Guo Rui") {
		t.Errorf("the series has %+v, problems %q", c, p.Problems)
	}

	// The link again: the attendance is recorded, the minutes form works
	// as before.
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("textarea#text"))); err != nil {
		t.Fatal(err)
	}
	page = bodyText(t, ctx)
	if !strings.Contains(page, "recorded by Guo Rui on") || strings.Contains(page, "Record the attendance") {
		t.Errorf("the minutes page once the attendance is recorded:\n%s", page)
	}
	if page := submitPage(t, ctx, link, "Ma Li reported on the poster campaign; we decided on two stands.", ""); !strings.Contains(page, "is handed in") {
		t.Errorf("after handing in the minutes:\n%s", page)
	}
	var minutes string
	r.storedRow(&minutes, `SELECT body FROM submissions WHERE term_id = ? AND kind = 'minutes'`)
	if !strings.HasPrefix(minutes, "Ma Li reported") {
		t.Errorf("stored minutes = %q", minutes)
	}

	// Exchange 2: the minutes first, from the form below the sheet.
	link = minutesLink[2]
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.CSS("textarea#text"), "A short exchange about the freshers' fair."),
		chromedp.Click(chromedp.CSS("form:not(.sheet) button[type=submit]")),
	); err != nil {
		t.Fatal(err)
	}
	if page := bodyText(t, ctx); !strings.Contains(page, "is handed in") || !strings.Contains(page, "Thank you") {
		t.Fatalf("after handing in exchange 2's minutes:\n%s", page)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	if page := bodyText(t, ctx); !strings.Contains(page, "was handed in by "+secretary.Email) || !strings.Contains(page, "Attendance at exchange 2") {
		t.Fatalf("exchange 2's page once its minutes are in, want the sheet and the minutes done:\n%s", page)
	}
	if textareas, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('textarea').length`)); err != nil || textareas != 0 {
		t.Errorf("the minutes form is still offered once they are in (%d, %v)", textareas, err)
	}
	page, status = submitSheet(radio(0, "absent"), radio(1, "present"))
	if status != http.StatusOK || !strings.Contains(page, "the attendance of exchange 2 is recorded, 1 present, 0 excused and 1 absent.") ||
		strings.Contains(page, "The minutes can still be handed in") {
		t.Fatalf("after recording exchange 2's attendance: %d\n%s", status, page)
	}
	if got := statuses(2); got != "guo=present: ma=absent:" {
		t.Errorf("exchange 2's rows: %s", got)
	}
	var end contract.ExchangesProgress // fresh: zero counts are left out of the answer
	r.query(id, contract.QueryProgress, &end)
	if c := end.Officers; c[0].Absent != 1 || c[1].Present != 2 || c[0].Unrecorded+c[1].Unrecorded != 0 {
		t.Errorf("the series' counts once both are recorded: %+v", c)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	if page := bodyText(t, ctx); !strings.Contains(page, "Already done") {
		t.Errorf("exchange 2's link once both are done:\n%s", page)
	}
}
