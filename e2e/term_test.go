package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"semesterflow/contract"
	"semesterflow/internal/testenv"
)

// TestWholeTermRehearsal rehearses the example term on the real stack at
// one plan day per second, about two and a half minutes: the starter, the
// worker, the dev server, Postgres and Mailpit. Officers and heads act
// through the starter during the term; at the end the evaluation report has
// gone to the leaders and every part has left its rows and emails.
func TestWholeTermRehearsal(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole-term rehearsal takes minutes; run without -short")
	}
	s := newStack(t)
	planFile := s.writePlan(s.rehearsalPlan())
	started := time.Now()
	if _, errOut, code := s.run("start", "--plan", planFile, "--time-scale", "86400", "--by", "li.wei"); code != 0 {
		t.Fatalf("start exited %d: %s", code, errOut)
	}
	// at waits until a plan day of the term (1 September is day 0) and a
	// fraction of it, at a day per second.
	at := func(day float64) {
		time.Sleep(time.Until(started.Add(time.Duration(day * float64(time.Second)))))
	}
	mail := func(name string) string { return name + "." + s.tag + "@example.edu" }

	at(7.5) // 7 September, noon: training assigned
	if out, errOut, code := s.run("ack", "--term", s.tag, "--email", mail("chen.jie")); code != 0 {
		t.Errorf("ack exited %d: %s%s", code, out, errOut)
	}
	// Ma Li acknowledges from the link in her assignment email.
	ack := s.portalLinks(mail("ma.li"), "training")
	if status, page := s.followLink(ack[0], url.Values{"text": {"Both sessions."}}); status != http.StatusOK || !strings.Contains(page, "your acknowledgement is recorded") {
		t.Errorf("acknowledging from the link: %d\n%s", status, page)
	}
	if status, page := s.followLink(ack[0], nil); status != http.StatusOK || !strings.Contains(page, "Already done") {
		t.Errorf("the used link: %d\n%s", status, page)
	}
	at(15.9) // 16 September: the kickoff was yesterday; plans due on the 22nd
	plans := contract.KickoffPlansWorkflowID(s.tag)
	if out, errOut, code := s.run("submit", "--workflow", plans, "--email", mail("zhou.min"), "--text", "Training first, then the contest."); code != 0 {
		t.Errorf("submit plan exited %d: %s%s", code, out, errOut)
	}
	if _, errOut, code := s.run("submit", "--workflow", plans, "--email", mail("zhou.min"), "--text", "Again."); code != 1 || !strings.Contains(errOut, "already handed in") {
		t.Errorf("a second plan exited %d: %s", code, errOut)
	}
	// Sun Hao hands in the Publicity Department's plan from the link.
	planLink := s.portalLinks(mail("sun.hao"), "Please hand in the department's plan")
	if status, page := s.followLink(planLink[0], url.Values{"text": {"   "}}); status != http.StatusUnprocessableEntity || !strings.Contains(page, "the text is empty") {
		t.Errorf("an empty plan from the link: %d, want 422 with the validator's words\n%s", status, page)
	}
	if status, page := s.followLink(planLink[0], url.Values{"text": {"Posters for every event."}}); status != http.StatusOK || !strings.Contains(page, "is handed in") {
		t.Errorf("a plan from the link: %d\n%s", status, page)
	}
	at(18.5) // 19 September: the first contest milestone, due on the 20th
	if _, errOut, code := s.run("submit", "--workflow", contract.ContestMilestonesWorkflowID(s.tag), "--email", mail("chen.jie"), "--text", "Reviewed three years of contests."); code != 0 {
		t.Errorf("submit milestone exited %d: %s", code, errOut)
	}

	at(23.5) // 24 September, noon: five departments' plans are overdue
	out, errOut, code := s.run("status", "--term", s.tag)
	for _, want := range []string{"PARTS (as reported by ", "kickoff/plans", "OVERDUE", "Sports Department",
		"the department's plan and suggestions for the term: Sports Department (due Tue 22 Sep 2026, 23:59"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("status on 24 September lacks %q (exit %d):\n%s%s", want, code, out, errOut)
		}
	}
	// One department's view: its own row and overdue items, and the term-wide parts.
	out, errOut, code = s.run("status", "--term", s.tag, "--department", "sports")
	if code != 0 || !strings.Contains(out, "Sports Department") || !strings.Contains(out, "kickoff/plans") ||
		regexp.MustCompile(`(?m)^\s*Publicity Department(\s\s|$)`).MatchString(out) || strings.Contains(out, "exchanges/publicity") {
		t.Errorf("status --department sports exited %d:\n%s%s", code, out, errOut)
	}
	if _, errOut, code := s.run("status", "--term", s.tag, "--department", "chess"); code != 1 || !strings.Contains(errOut, `has no department "chess"`) {
		t.Errorf("status --department chess exited %d: %s", code, errOut)
	}

	// Every other action from the links in the emails, on the plan's calendar.
	handedIn := "is handed in"
	s.actFromEmail(mail("ma.li"), "your milestone for", 0, url.Values{"text": {"Posters up in every dormitory."}}, handedIn)
	out, errOut, code = s.run("request-help", "--term", s.tag, "--email", mail("sun.hao"), "--department", "publicity",
		"--due", "2026-09-30", "--text", "Two people to hand out leaflets")
	task := regexp.MustCompile(`task (\S+),`).FindStringSubmatch(out)
	if code != 0 || task == nil {
		t.Fatalf("request-help exited %d: %s%s", code, out, errOut)
	}
	if out, errOut, code := s.run("assign", "--term", s.tag, "--email", mail("zhang.hua"), "--task", task[1], "--officer", mail("wu.tong")); code != 0 {
		t.Fatalf("assign exited %d: %s%s", code, out, errOut)
	}
	s.actFromEmail(mail("wu.tong"), "help task "+task[1], 0, url.Values{"text": {"Handed out 300 leaflets."}}, handedIn)
	at(30.6) // 1 October: the month opens
	s.actFromEmail(mail("sun.hao"), "recommended theme for October 2026", 0, url.Values{"text": {"Red memories"}}, handedIn)
	s.actFromEmail(mail("sun.hao"), "entry to October 2026", 0, url.Values{"text": {"A photo walk through the old campus."}}, handedIn)
	at(40.5) // 10 October: invitations to the exchanges of the 13th are out
	invitation := s.portalLinks(mail("guo.rui"), "exchange 1")
	if len(invitation) != 2 {
		t.Fatalf("the invitation has %d links, want sign-in and absence", len(invitation))
	}
	// Guo Rui cannot come and says so from the invitation's second link.
	if status, page := s.followLink(invitation[1], url.Values{"text": {"Exam that evening."}}); status != http.StatusOK || !strings.Contains(page, "is excused") {
		t.Errorf("an absence from the link: %d\n%s", status, page)
	}
	at(42.1) // 13 October, 02:24: sign-in opened at 19:40 the day before
	s.actFromEmail(mail("ma.li"), "exchange 1", 0, nil, "you are signed in at exchange 1")
	at(43.8) // 14 October, 19:12: sign-in closed at 18:20, and the secretary was asked for the minutes
	s.actFromEmail(mail("gao.yang"), "the minutes of exchange 1", 0, url.Values{"text": {"Eleven present; plans for the contest."}}, handedIn)
	at(45.6) // 16 October: the judges score the entries
	s.actFromEmail(mail("li.wei"), "scores for October 2026", 0, url.Values{"score0": {"8"}, "score1": {"9"}, "score2": {"7.5"}, "text": {"Well thought out."}}, handedIn)
	at(61.6) // 1 November: October's summaries
	s.actFromEmail(mail("sun.hao"), "summary of October 2026", 0, url.Values{"text": {"Two campaigns and the photo walk."}}, handedIn)
	at(68) // 8 November: October's digest went out early on the 7th, linking to its page
	// The digest is waited for as an officer would wait for their inbox: a
	// worker behind the rehearsal's clock sends it a plan day or two late.
	digestLink := s.portalURL + "/digests/" + s.tag + "/2026-10"
	var linked bool
	var seen []string
	for deadline := time.Now().Add(20 * time.Second); !linked && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		seen = seen[:0]
		for _, m := range s.mailpit.Search(t, "to:"+mail("sun.hao")+` subject:"monthly digest"`) {
			text := s.mailpit.Message(t, m.ID).Text
			linked = linked || strings.Contains(m.Subject, "October 2026") && strings.Contains(text, digestLink)
			seen = append(seen, m.Subject+"\n"+text)
		}
	}
	if !linked {
		t.Errorf("no October digest email links to %s; the digest emails:\n%s", digestLink, strings.Join(seen, "\n---\n"))
	}

	at(125.6) // 4 January: the leaders' assessments
	s.actFromEmail(mail("li.wei"), "assessment of each officer of the Publicity Department", 0, url.Values{"score0": {"9"}, "text": {"Reliable and kind."}}, handedIn)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := s.temporal.GetWorkflow(ctx, contract.SemesterWorkflowID(s.tag), "").Get(ctx, nil); err != nil {
		t.Fatalf("term: %v", err)
	}
	t.Logf("term rehearsed in %s", time.Since(started).Round(time.Second))

	count := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := s.db.QueryRow(query, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	rows := []struct {
		what  string
		query string
		want  int
	}{
		{"officers in the directory", `SELECT count(*) FROM officers WHERE term_id = $1`, 40},
		{"on-time acknowledgements (one from the portal)", `SELECT count(*) FROM onboarding WHERE term_id = $1 AND outcome = 'on_time'`, 2},
		{"the kickoff", `SELECT count(*) FROM kickoff WHERE term_id = $1`, 1},
		{"department plans handed in (one from the portal)", `SELECT count(*) FROM submissions WHERE term_id = $1 AND kind = 'department_plan'`, 2},
		{"the absence reported from the portal", `SELECT count(*) FROM attendance WHERE term_id = $1 AND officer_email LIKE 'guo.rui.%' AND meeting_number = 1 AND status = 'excused'`, 1},
		{"milestones handed in (one from the portal)", `SELECT count(*) FROM submissions WHERE term_id = $1 AND kind = 'milestone'`, 2},
		{"from the portal: a help task done", `SELECT count(*) FROM help_tasks WHERE term_id = $1 AND status = 'done'`, 1},
		{"from the portal: a theme recommendation", `SELECT count(*) FROM submissions WHERE term_id = $1 AND kind = 'theme_recommendation'`, 1},
		{"from the portal: a competition entry", `SELECT count(*) FROM submissions WHERE term_id = $1 AND kind = 'competition_entry'`, 1},
		{"from the portal: a judge's scores", `SELECT count(*) FROM submissions WHERE term_id = $1 AND kind = 'competition_score' AND scores = '[8, 9, 7.5]'`, 1},
		{"from the portal: a sign-in", `SELECT count(*) FROM attendance WHERE term_id = $1 AND officer_email LIKE 'ma.li.%' AND meeting_number = 1 AND status = 'present'`, 1},
		{"from the portal: minutes", `SELECT count(*) FROM submissions WHERE term_id = $1 AND kind = 'minutes'`, 1},
		{"from the portal: October's summary", `SELECT count(*) FROM submissions WHERE term_id = $1 AND kind = 'summary' AND scope = '2026-10'`, 1},
		{"from the portal: an assessment", `SELECT count(*) FROM submissions WHERE term_id = $1 AND kind = 'assessment'`, 1},
		{"exchanges held (8 departments, 6 each)", `SELECT count(*) FROM meetings WHERE term_id = $1`, 48},
		{"attendance rows", `SELECT count(*) FROM attendance WHERE term_id = $1`, 240},
		{"monthly themes (with fallbacks)", `SELECT count(*) FROM month_themes WHERE term_id = $1`, 4},
		{"monthly digests published", `SELECT count(*) FROM month_digests WHERE term_id = $1 AND published_at IS NOT NULL`, 4},
		{"contest record", `SELECT count(*) FROM contest WHERE term_id = $1`, 1},
		{"evaluations", `SELECT count(*) FROM evaluations WHERE term_id = $1`, 40},
		{"evaluation reports", `SELECT count(*) FROM evaluation_reports WHERE term_id = $1 AND sent_at IS NOT NULL`, 8},
	}
	// Every part and collection ended and said so where the term reads it:
	// 8 exchanges, 8 evaluations, the kickoff, the contest, the help desk
	// and 4 months, plus their collections.
	termKey := contract.SemesterWorkflowID(s.tag) + "/%"
	if done, open := count(`SELECT count(*) FROM part_reports WHERE term_key LIKE $1 AND done`, termKey),
		count(`SELECT count(*) FROM part_reports WHERE term_key LIKE $1 AND NOT done`, termKey); done < 23 || open != 0 {
		t.Errorf("part reports: %d done, %d not done; want at least 23 done and none open", done, open)
	}
	for _, r := range rows {
		if got := count(r.query, s.tag); got != r.want {
			t.Errorf("%s: %d, want %d", r.what, got, r.want)
		}
	}
	reports := s.mailpit.Search(t, "to:"+mail("li.wei"))
	evaluationReports := 0
	for _, m := range reports {
		if strings.Contains(strings.ToLower(m.Subject), "evaluation") {
			evaluationReports++
		}
	}
	if evaluationReports != 8 {
		t.Errorf("the leader received %d evaluation reports, want one per department (8)", evaluationReports)
	}
	if got := s.mailpit.Search(t, "to:"+mail("chen.jie")); len(got) == 0 {
		t.Error("Chen Jie received no email")
	}

	// The published digests, one page a month with an index, on the portal.
	phone := testenv.Browser(t, false, false)
	res, err := chromedp.RunResponse(phone, chromedp.Navigate(s.portalURL+"/digests/"+s.tag))
	if err != nil {
		t.Fatal(err)
	}
	index, _ := chromedp.Run(phone, chromedp.Text(chromedp.CSS("body")))
	if months := regexp.MustCompile(`2026-\d\d published`).FindAllString(index, -1); res.Status != http.StatusOK || len(months) != 4 {
		t.Errorf("the digest index answered %d with:\n%s", res.Status, index)
	}
	res, err = chromedp.RunResponse(phone, chromedp.Click(chromedp.CSS(`a[href$="/2026-10"]`)))
	if err != nil {
		t.Fatal(err)
	}
	digest, _ := chromedp.Run(phone, chromedp.Text(chromedp.CSS("body")))
	if res.Status != http.StatusOK || !strings.Contains(digest, "October 2026") {
		t.Errorf("October's digest answered %d with:\n%s", res.Status, digest)
	}
	// The competition's table has a column per criterion; on a phone it
	// scrolls inside the card rather than widening the card and the page.
	if problem := testenv.Overflow(t, phone, ".card"); problem != "" {
		t.Errorf("October's digest does not fit a phone: %s", problem)
	}
	testenv.Screenshot(t, phone, filepath.Join("..", "docs", "screenshots", "portal-digest.png"))

	// What a leader sees in the Temporal Web UI: the term's workflows by
	// search attribute, and the term itself with its progress table.
	ui := strings.TrimRight(testenv.Getenv("TEMPORAL_UI_URL", "http://localhost:8233"), "/")
	browser := testenv.Browser(t, true, true)
	shoot := func(page, waitFor, name string) {
		t.Helper()
		if err := chromedp.Do(browser, chromedp.Navigate(page)); err != nil {
			t.Fatalf("open %s: %v", page, err)
		}
		var text string
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
			text, _ = chromedp.Run(browser, chromedp.Evaluate[string](`document.body.innerText`))
			if strings.Contains(text, waitFor) {
				break
			}
		}
		if !strings.Contains(text, waitFor) {
			t.Errorf("the Temporal UI at %s never showed %q:\n%s", page, waitFor, text)
		}
		testenv.Screenshot(t, browser, filepath.Join("..", "docs", "screenshots", name+".png"))
	}
	query := fmt.Sprintf(`SemesterTerm = "%s"`, s.tag)
	shoot(ui+"/namespaces/default/workflows?query="+url.QueryEscape(query), "Exchanges", "temporal-ui-term-workflows")
	shoot(ui+"/namespaces/default/workflows/"+url.PathEscape(contract.SemesterWorkflowID(s.tag)), "SemesterPlan", "temporal-ui-term")
}

// rehearsalPlan is the example plan as a rehearsal at a plan day per second
// runs it on this stack.
func (s *stack) rehearsalPlan() string {
	s.t.Helper()
	data, err := os.ReadFile("../examples/fall-term.yaml")
	if err != nil {
		s.t.Fatal(err)
	}
	// The example's people, made unique to this run so Mailpit searches
	// only see its messages.
	plan := strings.ReplaceAll(string(data), "@example.edu", "."+s.tag+"@example.edu")
	plan = strings.Replace(plan, "id: 2026-fall", "id: "+s.tag, 1)
	// At a plan day per second an hour of sign-in lasts 42 ms; almost a
	// day on either side of the start gives an officer nearly two seconds
	// to sign in from the invitation's link, even on a busy machine.
	plan = strings.Replace(plan, "sign_in_opens_minutes_before: 30", "sign_in_opens_minutes_before: 1400", 1)
	plan = strings.Replace(plan, "sign_in_closes_minutes_after: 30", "sign_in_closes_minutes_after: 1400", 1)
	// The minutes are asked for when sign-in closes, 18:20 the next day;
	// due two days after the exchange and taken two days late, they would
	// be open 3.2 s, no more than a busy machine's lag between the plan's
	// clock, the request and the secretary's answer. A week gives 8 s.
	return strings.Replace(plan, "minutes_due_days: 2", "minutes_due_days: 7", 1)
}
