package portal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"semesterflow/contract"
	"semesterflow/internal/testenv"
	"semesterflow/plan"
	"semesterflow/store"
	"semesterflow/workflows"
)

var signInLink = regexp.MustCompile(`https?://[^\s"<>]+/leaders/welcome/[A-Za-z0-9_\-]+`)

// termRecords starts the rig's term, waits for its directory, and adds the
// records a few weeks of it would leave: onboarding outcomes, two
// exchanges of the Publicity Department with their attendance, and the parts' reports,
// one with something overdue.
func (r *rig) termRecords() *plan.Plan {
	r.t.Helper()
	p := r.startTerm()
	ctx := context.Background()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		var n int
		if err := r.db.QueryRow("SELECT count(*) FROM departments WHERE term_id = ?", r.tag).Scan(&n); err == nil && n == 2 {
			break
		}
		if time.Now().After(deadline) {
			r.t.Fatal("the term's directory was not saved in 30 s")
		}
	}
	due := time.Date(2027, 9, 8, 23, 59, 0, 0, time.UTC)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO onboarding (term_id, officer_email, department_id, status, outcome, assigned_at, deadline_at, acknowledged_at)
		  VALUES (?, ?, 'publicity', 'acknowledged', 'on_time', ?, ?, ?)`, []any{r.tag, r.email("ma.li"), due.AddDate(0, 0, -7), due, due.AddDate(0, 0, -2)}},
		{`INSERT INTO onboarding (term_id, officer_email, department_id, status, outcome, assigned_at, deadline_at)
		  VALUES (?, ?, 'sports', 'closed', 'never', ?, ?)`, []any{r.tag, r.email("du.wei"), due.AddDate(0, 0, -7), due}},
	} {
		if _, err := r.db.Exec(q.sql, q.args...); err != nil {
			r.t.Fatal(err)
		}
	}
	st := store.New(r.db)
	held := time.Date(2027, 9, 15, 11, 0, 0, 0, time.UTC)
	next := held.AddDate(0, 0, 14)
	if err := st.SaveMeetings(ctx, []store.Meeting{
		{TermID: r.tag, DepartmentID: "publicity", Number: 1, StartsAt: held, EndsAt: held.Add(time.Hour), Place: "Room 204"},
		{TermID: r.tag, DepartmentID: "publicity", Number: 2, StartsAt: next, EndsAt: next.Add(time.Hour), Place: "Room 204"},
	}); err != nil {
		r.t.Fatal(err)
	}
	if err := st.RecordAttendance(ctx, []store.Attendance{
		{TermID: r.tag, DepartmentID: "publicity", MeetingNumber: 1, OfficerEmail: r.email("ma.li"), Status: "present", SignedInAt: &held},
		{TermID: r.tag, DepartmentID: "publicity", MeetingNumber: 2, OfficerEmail: r.email("ma.li"), Status: "absent"},
	}, nil); err != nil {
		r.t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO submissions (term_id, kind, scope, slot, author_email, body, submitted_at, due_at)
		 VALUES (?, 'minutes', 'publicity/exchange-1', 'publicity', ?, 'Posters for the book fair: Ma Li, by Friday.', '2027-09-16 10:00Z', '2027-09-17 15:59Z')`,
		`INSERT INTO submissions (term_id, kind, scope, slot, author_email, body, submitted_at, due_at)
		 VALUES (?, 'summary', '2027-10', 'publicity', ?, 'Three events, one poster campaign.', '2027-10-30 10:00Z', '2027-10-31 15:59Z')`,
	} {
		if _, err := r.db.Exec(q, r.tag, r.email("sun.hao")); err != nil {
			r.t.Fatal(err)
		}
	}
	for _, q := range []string{
		`INSERT INTO month_themes (term_id, month, theme, set_by, set_at) VALUES (?, '2027-10', 'Serve the campus', 'li.wei@example.edu', '2027-10-02 02:00Z')`,
		`INSERT INTO competition_results (term_id, month, department_id, rank, mean_total, judges) VALUES (?, '2027-10', 'publicity', 1, 17.5, 2), (?, '2027-10', 'sports', NULL, NULL, 0)`,
		`INSERT INTO collection_slots (term_id, kind, scope, slot, due_at, submitted) VALUES (?, 'summary', '2027-10', 'sports', '2027-10-31 15:59Z', false)`,
	} {
		args := []any{r.tag}
		if strings.Count(q, "?") == 2 {
			args = append(args, r.tag)
		}
		if _, err := r.db.Exec(q, args...); err != nil {
			r.t.Fatal(err)
		}
	}
	if _, err := r.db.Exec(`INSERT INTO evaluations (term_id, officer_email, department_id, total, components, computed_at)
		VALUES (?, ?, 'publicity', 0.75, '[{"name":"attendance","applicable":true,"value":0.5,"share":0.5,"detail":"present at 1 of 2 exchanges"},{"name":"onboarding","applicable":true,"value":1,"share":0.5,"detail":"acknowledged on time"}]', now())`,
		r.tag, r.email("ma.li")); err != nil {
		r.t.Fatal(err)
	}
	key := contract.SemesterWorkflowID(r.tag) + "/first-run"
	for _, rep := range []contract.PartReport{
		{Part: "exchanges/publicity", Seq: 1, Phase: "waiting", Summary: "1 of 8 exchanges held",
			Overdue: []contract.OverdueItem{{Department: "publicity", What: "minutes of exchange 1", Who: "Sun Hao", Due: held.AddDate(0, 0, 2)}}},
		{Part: "month/2027-10", Seq: 1, Phase: "summaries", Summary: "1 of 2 summaries in"},
		{Part: "kickoff", Seq: 1, Phase: "collecting", Summary: "1 of 2 department plans in",
			Next: &contract.Deadline{What: "department plans due", Due: time.Date(2027, 9, 20, 15, 59, 0, 0, time.UTC)}},
	} {
		raw, _ := json.Marshal(rep)
		if _, err := st.SavePartReport(ctx, store.PartReport{TermKey: key, Part: rep.Part, Seq: rep.Seq, Report: raw}); err != nil {
			r.t.Fatal(err)
		}
	}
	return p
}

// signInLinkFor waits for the count-th sign-in email to email and returns
// its link.
func (r *rig) signInLinkFor(email string, count int) string {
	r.t.Helper()
	msgs := r.mailpit.WaitFor(r.t, "to:"+email+` subject:"sign-in link"`, count, 30*time.Second)
	m := r.mailpit.Message(r.t, msgs[0].ID)
	link := signInLink.FindString(m.Text)
	if link == "" || !strings.Contains(m.HTML, link) {
		r.t.Fatalf("no sign-in link in both parts of the email to %s:\n%s", email, m.Text)
	}
	return link
}

func signInFromBrowser(t *testing.T, r *rig, ctx context.Context, email string, count int) {
	t.Helper()
	// From the portal's front page, as a leader who only knows its address.
	if err := chromedp.Do(ctx, chromedp.Navigate(r.portal.URL), chromedp.WaitVisible(chromedp.CSS("a[href='/leaders']"))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("a[href='/leaders']"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("input#email"))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.SendKeys(chromedp.CSS("input#email"), email), chromedp.Click(chromedp.CSS("button[type=submit]"))); err != nil {
		t.Fatal(err)
	}
	if page := bodyText(t, ctx); !strings.Contains(page, "a sign-in link is on its way") {
		t.Fatalf("after asking for a link:\n%s", page)
	}
	link := r.signInLinkFor(email, count)
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("button[type=submit]"))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("button[type=submit]"))); err != nil {
		t.Fatal(err)
	}
	if page := bodyText(t, ctx); !strings.Contains(page, "Signed in as "+email) {
		t.Fatalf("after the sign-in link:\n%s", page)
	}
}

func navigateText(t *testing.T, ctx context.Context, u string) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	return bodyText(t, ctx)
}

func wantAll(t *testing.T, what, page string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, page)
		}
	}
}

// A leader asks for a sign-in link, signs in from the email, follows the
// term on the dashboard and a department's page, and signs out; the link
// works only once.
func TestLeaderSignsInAndFollowsTheTerm(t *testing.T) {
	r := newRig(t)
	r.termRecords()
	ctx := testenv.Browser(t, true, false)
	leader := r.email("li.wei")
	signInFromBrowser(t, r, ctx, leader, 1)
	wantAll(t, "the leader's home", bodyText(t, ctx), "Fall term 2026: you lead the term")

	dash := navigateText(t, ctx, r.portal.URL+"/leaders/"+r.tag)
	// Publicity: Ma Li on time and at one exchange of two, October's
	// summary in, one overdue item; Sports: Du Wei never onboarded, no
	// exchange yet, October's summary missing. Heads are not
	// counted among the officers.
	wantAll(t, "the dashboard", dash, "Publicity Department", "Sports Department", "All 2 departments",
		"50%", "department plans due", "minutes of exchange 1 · Sun Hao", "kickoff", "1 of 2 department plans in")
	cells, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('tbody tr')].slice(0, 3).map(tr => [...tr.cells].map(c => c.textContent.trim()).join('|'))`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Publicity Department|1|1|0|0|0|50%|1|0|1", "Sports Department|1|0|0|0|1|–|0|1|0", "All 2 departments|2|1|0|0|1|50%|1|1|1"}
	if strings.Join(cells, "\n") != strings.Join(want, "\n") {
		t.Errorf("dashboard rows:\n%s\nwant:\n%s", strings.Join(cells, "\n"), strings.Join(want, "\n"))
	}
	// The attendance chart, drawn on the server: one bar per exchange.
	labels, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('figure.chart svg text')].map(e => e.textContent).join('|')`))
	if err != nil || labels != "100%|#1|0%|#2" {
		t.Errorf("the chart's labels are %q (%v), want 100%% at #1 and 0%% at #2", labels, err)
	}
	screenshot(t, ctx, "portal-leaders-dashboard")

	// The dashboard's download, with the browser's session.
	session := browserCookie(t, ctx, "semesterflow_session")
	status, sheet := download(t, r.portal.URL+"/leaders/"+r.tag+"/export/attendance.xlsx", session)
	if status != http.StatusOK || len(sheet) != 3 || sheet[1][4] != "Ma Li" || sheet[1][6] != "present" || sheet[2][6] != "absent" {
		t.Errorf("the attendance download: %d %q", status, sheet)
	}

	dept := navigateText(t, ctx, r.portal.URL+"/leaders/"+r.tag+"/departments/publicity")
	wantAll(t, "the department's page", dept, "Ma Li", "on time", "1 of 2", "Exchange 1", "Exchange 2", "Room 204", "0 of 1", "exchanges/publicity", "1 of 8 exchanges held")

	// The detail pages, followed from the links.
	for _, step := range []struct{ link, what string }{
		{"a[href$='/exchanges/1']", "the exchange's page"},
		{"a[href*='/officers/']", "the officer's record"},
	} {
		navigateText(t, ctx, r.portal.URL+"/leaders/"+r.tag+"/departments/publicity")
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(step.link))); err != nil {
			t.Fatalf("%s: %v", step.what, err)
		}
		page := bodyText(t, ctx)
		switch step.what {
		case "the exchange's page":
			wantAll(t, step.what, page, "Exchange 1: Publicity Department", "Room 204", "Ma Li", "present", "Posters for the book fair: Ma Li, by Friday.")
		default:
			wantAll(t, step.what, page, "Ma Li", "on time", "Exchange 1", "Exchange 2", "absent", "75.0%", "present at 1 of 2 exchanges", "acknowledged on time")
		}
	}
	navigateText(t, ctx, r.portal.URL+"/leaders/"+r.tag)
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("a[href$='/months/2027-10']"))); err != nil {
		t.Fatal(err)
	}
	wantAll(t, "the month's page", bodyText(t, ctx), "Serve the campus", "Publicity Department", "17.5", "not scored", "Three events, one poster campaign.", "Never handed in: Sports Department")

	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(".who button"))); err != nil {
		t.Fatal(err)
	}
	wantAll(t, "after signing out", bodyText(t, ctx), "You are signed out")
	if page := navigateText(t, ctx, r.portal.URL+"/leaders/"+r.tag); !strings.Contains(page, "Email me a sign-in link") || strings.Contains(page, "Publicity Department") {
		t.Errorf("the dashboard after signing out:\n%s", page)
	}
	// The used link signs in no more.
	used := r.signInLinkFor(leader, 1)
	if page := navigateText(t, ctx, used); !strings.Contains(page, "has been used or has expired") {
		t.Errorf("the used link:\n%s", page)
	}
}

// A head signs in on a phone and sees their own department, but neither
// the term's dashboard nor another department.
func TestHeadSeesOnlyTheirDepartment(t *testing.T) {
	r := newRig(t)
	p := r.termRecords()
	ctx := testenv.Browser(t, false, false)
	head := r.email("sun.hao")
	signInFromBrowser(t, r, ctx, head, 1)
	wantAll(t, "the head's home", bodyText(t, ctx), "Publicity Department, Fall term 2026: you head the department")

	own := navigateText(t, ctx, r.portal.URL+"/leaders/"+r.tag+"/departments/publicity")
	wantAll(t, "the head's department", own, "Publicity Department", "Ma Li", "Exchange 1")
	if strings.Contains(own, "back to the dashboard") {
		t.Errorf("a head is offered the leaders' dashboard:\n%s", own)
	}
	if over := testenv.Overflow(t, ctx, ".card"); over != "" {
		t.Errorf("the department's page does not fit a phone: %s", over)
	}
	screenshot(t, ctx, "portal-head-department")

	if status, _ := download(t, r.portal.URL+"/leaders/"+r.tag+"/export/attendance.csv", browserCookie(t, ctx, "semesterflow_session")); status != http.StatusForbidden {
		t.Errorf("a head downloading the term's attendance: %d, want 403", status)
	}
	// The head asks for help from the page, once the help desk is open.
	desk := contract.HelpDeskInputFrom(*p, plan.ProductionClock(time.Now()), "")
	desk.Opens = time.Now().Add(-time.Hour)
	r.start(contract.HelpDeskWorkflowID(r.tag), workflows.HelpDesk, desk)
	page := submitForm(t, ctx, "form[action$='/request-help']", map[string]string{"due": "2027-10-08"}, false)
	wantAll(t, "a help request without a text", page, "Nothing was changed: Say what help the department needs.")
	page = submitForm(t, ctx, "form[action$='/request-help']", map[string]string{"due": "2027-10-08", "text": "Two people to hang posters"}, false)
	wantAll(t, "a help request", page, "Your request is sent: help needed by 2027-10-08.")
	var requester string
	r.storedRow(&requester, "SELECT requester FROM help_tasks WHERE term_id = ? AND department_id = 'publicity'")
	if requester != head {
		t.Errorf("the help task was requested by %q, want the head", requester)
	}

	wantAll(t, "the head's officer's record", navigateText(t, ctx, r.portal.URL+"/leaders/"+r.tag+"/officers/"+r.email("ma.li")), "Ma Li", "75.0%")
	for path, why := range map[string]string{
		"/leaders/" + r.tag:                                       "The term's dashboard is for its leaders",
		"/leaders/" + r.tag + "/departments/sports":               "You can see the department you head",
		"/leaders/" + r.tag + "/departments/sports/exchanges/1":   "You can see the department you head",
		"/leaders/" + r.tag + "/months/2027-10":                   "is for the term's leaders",
		"/leaders/" + r.tag + "/officers/" + r.email("du.wei"):    "your own department's officers",
		"/leaders/" + r.tag + "/officers/" + r.email("nobody.at"): "your own department's officers",
	} {
		page := navigateText(t, ctx, r.portal.URL+path)
		if !strings.Contains(page, why) || strings.Contains(page, "Du Wei") || strings.Contains(page, "All 2 departments") {
			t.Errorf("%s as a head:\n%s", path, page)
		}
	}
}

// The sign-in form, asked with plain HTTP: it tells nobody whose address
// is known, sends at most three links per address in 15 minutes, refuses a
// post from another site and an address that is not one, and the session
// cookie is HttpOnly, SameSite and Secure behind TLS.
func TestSignInFormRefusesWhatItShould(t *testing.T) {
	r := newRig(t)
	r.termRecords()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values, header map[string]string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, r.portal.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, string(body)
	}

	stranger := r.email("nobody")
	res, body := post("/leaders/sign-in", url.Values{"email": {stranger}}, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "a sign-in link is on its way") {
		t.Errorf("an unknown address: %d\n%s", res.StatusCode, body)
	}
	res, body = post("/leaders/sign-in", url.Values{"email": {"li.wei at example"}}, nil)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "is not an email address") {
		t.Errorf("a malformed address: %d\n%s", res.StatusCode, body)
	}
	leader := r.email("li.wei")
	if res, _ := post("/leaders/sign-in", url.Values{"email": {leader}}, map[string]string{"Origin": "https://evil.example"}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a post from another site: %d, want 403", res.StatusCode)
	}
	for range 5 {
		if res, _ := post("/leaders/sign-in", url.Values{"email": {strings.ToUpper(leader)}}, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("asking for a link: %d", res.StatusCode)
		}
	}
	link := r.signInLinkFor(leader, 3)
	time.Sleep(time.Second) // what a fourth link would have needed to arrive
	if got := len(r.mailpit.Search(t, "to:"+leader)); got != 3 {
		t.Errorf("five asks sent %d links, want 3", got)
	}
	if got := len(r.mailpit.Search(t, "to:"+stranger)); got != 0 {
		t.Errorf("an unknown address got %d emails", got)
	}

	u, _ := url.Parse(link)
	res, _ = post(u.Path, nil, map[string]string{"X-Forwarded-Proto": "https"})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("using the link: %d, want 303", res.StatusCode)
	}
	cookie := res.Header.Get("Set-Cookie")
	for _, want := range []string{"semesterflow_session=", "Path=/leaders", "Max-Age=43200", "HttpOnly", "Secure", "SameSite=Lax"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("the session cookie %q lacks %s", cookie, want)
		}
	}
	if res, body := post(u.Path, nil, nil); res.StatusCode != http.StatusGone || !strings.Contains(body, "has been used or has expired") {
		t.Errorf("the link posted again: %d\n%s", res.StatusCode, body)
	}
	// An expired link is refused the same way.
	if _, err := r.db.Exec("UPDATE portal_sign_ins SET expires_at = now() - interval '1 second' WHERE used_at IS NULL AND email = ?", leader); err != nil {
		t.Fatal(err)
	}
	other := r.signInLinkFor(leader, 3)
	for _, l := range r.mailpit.Search(t, "to:"+leader) {
		if m := signInLink.FindString(r.mailpit.Message(t, l.ID).Text); m != link {
			other = m
			break
		}
	}
	ou, _ := url.Parse(other)
	if res, body := post(ou.Path, nil, nil); res.StatusCode != http.StatusGone || !strings.Contains(body, "has been used or has expired") {
		t.Errorf("an expired link: %d\n%s", res.StatusCode, body)
	}
	var stored int
	if err := r.db.QueryRow("SELECT count(*) FROM portal_sign_ins WHERE token_hash LIKE '%' || ? || '%'", u.Path[len("/leaders/welcome/"):]).Scan(&stored); err != nil || stored != 0 {
		t.Errorf("the database keeps the token itself (%d rows, %v), not only its hash", stored, err)
	}
}

// submitAction sends the dashboard's form for action.
func submitAction(t *testing.T, ctx context.Context, action string, fields map[string]string, tick bool) string {
	t.Helper()
	return submitForm(t, ctx, "form[action$='/actions/"+action+"']", fields, tick)
}

// submitForm fills the form matching the selector form, sends it, and
// returns the page it leads to.
func submitForm(t *testing.T, ctx context.Context, form string, fields map[string]string, tick bool) string {
	t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for name, value := range fields {
		steps = append(steps, chromedp.SetValue(chromedp.CSS(form+" [name="+name+"]"), value))
	}
	if tick {
		steps = append(steps, chromedp.Click(chromedp.CSS(form+" input[name=confirm]")))
	}
	steps = append(steps, chromedp.Click(chromedp.CSS(form+" button[type=submit]")))
	if _, err := chromedp.RunResponse(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	return bodyText(t, ctx)
}

// A leader acts from the dashboard: what a workflow's validator refuses
// is shown in its words with nothing changed, an action on a part that is
// not running says so, cancelling needs the box ticked, and then stops
// the term. A form posted without the session's token is refused.
func TestLeaderActsFromTheDashboard(t *testing.T) {
	r := newRig(t)
	p := r.termRecords()
	// The help desk on its own, not yet open: its validator refuses.
	r.start(contract.HelpDeskWorkflowID(r.tag), workflows.HelpDesk, contract.HelpDeskInputFrom(*p, plan.ProductionClock(time.Now()), ""))
	ctx := testenv.Browser(t, true, false)
	signInFromBrowser(t, r, ctx, r.email("li.wei"), 1)
	dashURL := r.portal.URL + "/leaders/" + r.tag
	navigateText(t, ctx, dashURL)

	page := submitAction(t, ctx, "assign", map[string]string{"task": "t1", "officer": r.email("ma.li")}, false)
	if !strings.Contains(page, "Nothing was changed:") || strings.Contains(page, "not taken") || strings.Contains(page, contract.Unexpected) {
		t.Errorf("assigning before the help desk opens:\n%s", page)
	}
	if kept, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#officer').value`)); err != nil || kept != r.email("ma.li") {
		t.Errorf("the refused form kept %q (%v), want the officer typed", kept, err)
	}
	screenshot(t, ctx, "portal-leaders-refused")

	page = submitAction(t, ctx, "theme", map[string]string{"month": "2027-10", "theme": "Serve the campus"}, false)
	wantAll(t, "a theme for a month not running", page, "Nothing was changed: That month's organisation life is not running")

	page = submitAction(t, ctx, "cancel", map[string]string{"reason": "The elections moved."}, false)
	wantAll(t, "cancelling without the box", page, "Tick the box to confirm")
	desc, err := r.temporal.DescribeWorkflowExecution(context.Background(), contract.SemesterWorkflowID(r.tag), "")
	if err != nil || desc.WorkflowExecutionInfo.Status.String() != "Running" {
		t.Fatalf("the term after a refused cancel: %v %v", desc.GetWorkflowExecutionInfo().GetStatus(), err)
	}

	// Posts that did not come from the session's own page: with the
	// session's cookie but no form token, and with neither.
	session := browserCookie(t, ctx, "semesterflow_session")
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range []struct {
		cookie string
		want   int
	}{{session, http.StatusForbidden}, {"", http.StatusSeeOther}} {
		forged, _ := http.NewRequest(http.MethodPost, dashURL+"/actions/cancel", strings.NewReader(url.Values{"reason": {"x"}, "confirm": {"yes"}}.Encode()))
		forged.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if tc.cookie != "" {
			forged.AddCookie(&http.Cookie{Name: "semesterflow_session", Value: tc.cookie})
		}
		res, err := noRedirect.Do(forged)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("a cancel without the form token (session cookie %v): %d, want %d", tc.cookie != "", res.StatusCode, tc.want)
		}
	}

	page = submitAction(t, ctx, "cancel", map[string]string{"reason": "The elections moved."}, true)
	wantAll(t, "cancelling", page, "The term is being cancelled")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		desc, err := r.temporal.DescribeWorkflowExecution(context.Background(), contract.SemesterWorkflowID(r.tag), "")
		if err == nil && desc.WorkflowExecutionInfo.Status.String() != "Running" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the term still runs 30 s after the leader cancelled it (%v)", err)
		}
	}
}

// browserCookie reads a cookie the browser holds for the current page,
// HttpOnly or not.
func browserCookie(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	var value string
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		res, err := cdp.Call(ctx, target, network.GetCookies, network.GetCookiesParams{})
		for _, c := range res.Cookies {
			if c.Name == name {
				value = c.Value
			}
		}
		return err
	}))
	if err != nil || value == "" {
		t.Fatalf("the browser has no cookie %s (%v)", name, err)
	}
	return value
}

// download fetches u with the session cookie and reads the XLSX it
// returns; other answers give their status and no rows.
func download(t *testing.T, u, session string) (int, [][]string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.AddCookie(&http.Cookie{Name: "semesterflow_session", Value: session})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.HasSuffix(u, ".xlsx") {
		return res.StatusCode, nil
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
		t.Errorf("the download's Content-Disposition is %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, rows
}

// A head, whom an officer's overdue summary escalates to, extends it from
// the department's page, after handing it to an officer of another
// department was refused: the collection, a real one, decides both, in
// its own words.
func TestHeadExtendsAndHandsOverAnOverdueTask(t *testing.T) {
	r := newRig(t)
	r.termRecords()
	now := time.Now()
	in := contract.CollectionInput{
		TermID: r.tag, TermName: "Fall term 2026", TimeZone: plan.MustZone("Asia/Shanghai"),
		Kind: "summary", Scope: "2026-11", Title: "November's summary", Opens: now.Add(-2 * time.Hour), LateDays: 3,
		Slots: []contract.Slot{{Key: "publicity", Label: "Publicity Department", Due: now.Add(-time.Hour), Department: "publicity",
			Owners:     []plan.Person{{Name: "Ma Li", Email: r.email("ma.li")}},
			EscalateTo: []plan.Person{{Name: "Sun Hao", Email: r.email("sun.hao")}}}},
		SendTime: "09:00", TextRequired: true, Clock: plan.ProductionClock(now),
		ReportTo: contract.SemesterWorkflowID(r.tag) + "/first-run", Part: "month/2026-11/summary",
	}
	id := r.startCollection(in)
	ctx := testenv.Browser(t, false, false)
	signInFromBrowser(t, r, ctx, r.email("sun.hao"), 1)
	deptURL := r.portal.URL + "/leaders/" + r.tag + "/departments/publicity"
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		if strings.Contains(navigateText(t, ctx, deptURL), "November's summary: Publicity Department") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the overdue summary is not on the department's page:\n%s", bodyText(t, ctx))
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("details summary"))); err != nil {
		t.Fatal(err)
	}
	page := submitForm(t, ctx, "form[action$='/hand-over']", map[string]string{"to": r.email("du.wei"), "reason": "Ma Li is ill."}, false)
	if !strings.Contains(page, "Nothing was changed:") || strings.Contains(page, "has the task now") {
		t.Errorf("handing the publicity summary to an officer of sports:\n%s", page)
	}
	navigateText(t, ctx, deptURL)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("details summary"))); err != nil {
		t.Fatal(err)
	}
	due := now.AddDate(0, 0, 5).In(plan.MustZone("Asia/Shanghai").Location()).Format("2006-01-02")
	page = submitForm(t, ctx, "form[action$='/extend']", map[string]string{"due": due, "reason": "The book fair moved."}, false)
	wantAll(t, "extending", page, "The deadline moved to "+due)
	var task contract.CollectionTask
	r.query(id, contract.QueryTask, &task, "publicity", r.email("ma.li"))
	if got := task.Slot.Due.In(plan.MustZone("Asia/Shanghai").Location()).Format("2006-01-02"); got != due {
		t.Errorf("the slot is due %s after the extension, want %s", got, due)
	}
	var audited int
	r.storedRow(&audited, "SELECT count(*) FROM audit_log WHERE term_id = ? AND action = 'extend_deadline'")
	if audited != 1 {
		t.Errorf("%d extensions audited, want 1", audited)
	}
}
