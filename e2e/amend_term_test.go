package e2e

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"semesterflow/contract"
)

// TestAmendedTermRehearsal rehearses the example term at a plan day per
// second while its plan changes twice, and checks each change where people
// would see it, in Postgres and Mailpit:
//   - 9 September (v2): Zhu Lan joins the Publicity Department and
//     acknowledges her training from her email; Guo Rui leaves and gets
//     nothing more; the contest moves from 28 October to 4 November;
//   - 15 October: the secretary hands the minutes of exchange 1 over to an
//     officer, who hands them in from the portal;
//   - 25 October (v3): exchange 2, already invited to, moves from the 27th
//     to the 29th (an updated invite, SEQUENCE 1), and the department's
//     head is replaced;
//   - 2 November: the new head extends the department's October summary,
//     and nobody is escalated for the old date.
func TestAmendedTermRehearsal(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole-term rehearsal takes minutes; run without -short")
	}
	s := newStack(t)
	v1 := s.rehearsalPlan()
	mail := func(name string) string { return name + "." + s.tag + "@example.edu" }

	guoRui := "      - name: Guo Rui\n        email: " + mail("guo.rui") + "\n        role: Officer\n"
	if !strings.Contains(v1, guoRui) {
		t.Fatal("the example changed: Guo Rui's entry is not where the test edits it")
	}
	v2 := strings.Replace(v1, guoRui, "      - name: Zhu Lan\n        email: "+mail("zhu.lan")+"\n        role: Officer\n", 1)
	v2 = strings.Replace(v2, `at: "2026-10-28 19:00"`, `at: "2026-11-04 19:00"`, 1)
	oldHead := "      name: Sun Hao\n      email: " + mail("sun.hao") + "\n"
	v3 := strings.Replace(v2, oldHead, "      name: Deng Yu\n      email: "+mail("deng.yu")+"\n", 1)
	v3 = strings.Replace(v3, "exchanges:\n", "exchanges:\n  changes:\n    - {number: 2, to: \"2026-10-29 19:00\"}\n", 1)
	if v2 == v1 || v3 == v2 || !strings.Contains(v3, "deng.yu") {
		t.Fatal("the test's plan edits did not apply")
	}
	files := []string{s.writePlan(v1), s.writePlan(v2), s.writePlan(v3)}

	started := time.Now()
	if _, errOut, code := s.run("start", "--plan", files[0], "--time-scale", "86400", "--by", "li.wei"); code != 0 {
		t.Fatalf("start exited %d: %s", code, errOut)
	}
	at := func(day float64) { time.Sleep(time.Until(started.Add(time.Duration(day * float64(time.Second))))) }
	apply := func(file string, version int) time.Time {
		t.Helper()
		out, errOut, code := s.run("plan", "apply", "--term", s.tag, "--plan", file, "--by", mail("li.wei"), "--expect-version", strconv.Itoa(version-1))
		if code != 0 || !strings.Contains(out, "now runs plan version "+strconv.Itoa(version)) {
			t.Fatalf("plan apply of version %d exited %d:\n%s%s", version, code, out, errOut)
		}
		return time.Now()
	}

	at(8.5) // 9 September, noon: training was assigned on the 7th
	out, _, _ := s.run("plan", "diff", "--term", s.tag, "--plan", files[1])
	t.Logf("starter plan diff (v2):\n%s", out)
	guoLeft := apply(files[1], 2)
	s.actFromEmail(mail("zhu.lan"), "training", 0, url.Values{"text": {"Read the handbook."}}, "your acknowledgement is recorded")

	at(44.3) // 15 October, 07:12: the minutes of exchange 1 were asked for at 18:20 yesterday
	minutes := contract.MinutesWorkflowID(s.tag, "publicity", 1)
	// The secretary has the request, with its link, before handing it over.
	secretary := s.portalLinks(mail("gao.yang"), "the minutes of exchange 1")
	if out, errOut, code := s.run("hand-over", "--workflow", minutes, "--email", mail("gao.yang"), "--to", mail("he.xin"), "--reason", "I'm ill; He Xin takes the minutes"); code != 0 {
		t.Errorf("hand-over exited %d: %s%s", code, out, errOut)
	}
	s.actFromEmail(mail("he.xin"), "the minutes of exchange 1", 0, url.Values{"text": {"Nine present; the contest moved."}}, "is handed in")
	if status, page := s.followLink(secretary[0], nil); !strings.Contains(page, "was handed over to He Xin") {
		t.Errorf("the secretary's old link: %d\n%s", status, page)
	}

	at(54.5) // 25 October, noon: exchange 2 (the 27th) was invited to on the 24th
	out, _, _ = s.run("plan", "diff", "--term", s.tag, "--plan", files[2])
	t.Logf("starter plan diff (v3):\n%s", out)
	headReplaced := apply(files[2], 3)
	moved := s.mailpit.WaitFor(t, "to:"+mail("ma.li")+` subject:"Moved:"`, 1, 20*time.Second)
	if len(moved) != 1 || !strings.Contains(moved[0].Subject, "exchange 2 on Thu 29 Oct 2026, 19:00") {
		t.Errorf("the updated invite of exchange 2: %+v", moved)
	} else {
		msg := s.mailpit.Message(t, moved[0].ID)
		ics := string(s.mailpit.Part(t, msg.ID, msg.Attachments[0].PartID))
		for _, w := range []string{"SEQUENCE:1\r\n", "DTSTART:20261029T110000Z\r\n", "UID:" + contract.ExchangesWorkflowID(s.tag, "publicity") + "/2@semesterflow\r\n"} {
			if !strings.Contains(strings.ReplaceAll(ics, "\r\n ", ""), w) {
				t.Errorf("the updated invite lacks %q:\n%s", w, ics)
			}
		}
	}

	at(62.5) // 2 November, noon: October's summaries are due tomorrow
	summary := contract.MonthCollectionWorkflowID(s.tag, "2026-10", contract.SummaryKind)
	if out, errOut, code := s.run("extend", "--workflow", summary, "--slot", "publicity", "--email", mail("deng.yu"), "--due", "2026-11-08", "--reason", "new head, new start"); code != 0 {
		t.Errorf("extend exited %d: %s%s", code, out, errOut)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 240*time.Second)
	defer cancel()
	if err := s.temporal.GetWorkflow(ctx, contract.SemesterWorkflowID(s.tag), "").Get(ctx, nil); err != nil {
		t.Fatalf("term workflow: %v", err)
	}

	// Postgres.
	for _, c := range []struct {
		what  string
		query string
		want  int
	}{
		{"plan versions", `SELECT count(*) FROM plan_versions WHERE term_id = $1`, 3},
		{"amendments audited", `SELECT count(*) FROM audit_log WHERE term_id = $1 AND action = 'amend_plan'`, 2},
		{"the joiner acknowledged", `SELECT count(*) FROM onboarding WHERE term_id = $1 AND officer_email = '` + mail("zhu.lan") + `' AND acknowledged_at IS NOT NULL`, 1},
		{"the joiner marked as joined", `SELECT count(*) FROM officers WHERE term_id = $1 AND email = '` + mail("zhu.lan") + `' AND joined_at IS NOT NULL`, 1},
		{"the leaver's record kept", `SELECT count(*) FROM officers WHERE term_id = $1 AND email = '` + mail("guo.rui") + `' AND left_at IS NOT NULL`, 1},
		{"the joiner's evaluation says when she joined", `SELECT count(*) FROM evaluations WHERE term_id = $1 AND officer_email = '` + mail("zhu.lan") + `' AND components::text LIKE '%since joining on 9 Sep 2026%'`, 1},
		{"the leaver evaluated until he left", `SELECT count(*) FROM evaluations WHERE term_id = $1 AND officer_email = '` + mail("guo.rui") + `' AND components::text LIKE '%until leaving on 9 Sep 2026%'`, 1},
		{"the leaders' report lists him as having left", `SELECT count(*) FROM evaluation_reports WHERE term_id = $1 AND department_id = 'publicity' AND text LIKE '%Guo Rui (Officer), left on 9 Sep 2026%'`, 1},
		{"the joiner at every exchange", `SELECT count(*) FROM attendance WHERE term_id = $1 AND officer_email = '` + mail("zhu.lan") + `'`, 6},
		{"the leaver at later exchanges", `SELECT count(*) FROM attendance WHERE term_id = $1 AND officer_email = '` + mail("guo.rui") + `'`, 0},
		{"exchange 2 held at its new time", `SELECT count(*) FROM meetings WHERE term_id = $1 AND department_id = 'publicity' AND number = 2 AND starts_at = '2026-10-29 19:00+08'`, 1},
		{"the contest on its new date", `SELECT count(*) FROM contest WHERE term_id = $1 AND held_at = '2026-11-04 19:00+08'`, 1},
		{"the minutes by the one they were handed to", `SELECT count(*) FROM submissions WHERE term_id = $1 AND kind = 'minutes' AND author_email = '` + mail("he.xin") + `'`, 1},
		{"the hand-over audited", `SELECT count(*) FROM audit_log WHERE term_id = $1 AND action = 'hand_over'`, 1},
		{"the extension audited", `SELECT count(*) FROM audit_log WHERE term_id = $1 AND action = 'extend_deadline' AND actor = '` + mail("deng.yu") + `'`, 1},
		{"October's summary due on the new date", `SELECT count(*) FROM collection_slots WHERE term_id = $1 AND kind = 'summary' AND scope = '2026-10' AND slot = 'publicity' AND due_at = '2026-11-08 23:59+08'`, 1},
	} {
		var n int
		if err := s.db.QueryRow(c.query, s.tag).Scan(&n); err != nil {
			t.Errorf("%s: %v", c.what, err)
		} else if n != c.want {
			t.Errorf("%s: %d, want %d", c.what, n, c.want)
		}
	}

	// Mailpit: nothing more for those who left, nothing about the old dates.
	for _, m := range s.mailpit.Search(t, "to:"+mail("guo.rui")) {
		if m.Created.After(guoLeft.Add(2 * time.Second)) {
			t.Errorf("Guo Rui got %q after he left", m.Subject)
		}
	}
	for _, m := range s.mailpit.Search(t, "to:"+mail("sun.hao")) {
		// He was invited to exchange 2, so he hears that it moved.
		if m.Created.After(headReplaced.Add(2*time.Second)) && !strings.HasPrefix(m.Subject, "Moved:") {
			t.Errorf("the old head got %q after he was replaced", m.Subject)
		}
	}
	if got := s.mailpit.Search(t, "to:"+mail("deng.yu")+` subject:"organisation life"`); len(got) == 0 {
		t.Error("the new head was asked for nothing of organisation life")
	}
	escalated := 0
	for _, m := range s.mailpit.Search(t, "to:"+mail("deng.yu")) {
		msg := s.mailpit.Message(t, m.ID)
		if strings.Contains(msg.Text, "October 2026") && strings.Contains(strings.ToLower(m.Subject), "overdue") {
			escalated++
			if !strings.Contains(msg.Text, "Sun 8 Nov 2026") {
				t.Errorf("the escalation of October's summary names another date:\n%s", msg.Text)
			}
		}
	}
	if escalated > 1 {
		t.Errorf("the new head was escalated %d times for October's summary", escalated)
	}
	if status, _ := s.followLink(secretary[0], nil); status == http.StatusOK {
		t.Errorf("the secretary's old link still offers a form")
	}
}
