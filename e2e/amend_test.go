package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"semesterflow/contract"
)

// TestAmendingARunningTerm: the officer list is final only after the term
// began. A leader looks at the diff of the new plan file and applies it
// before onboarding starts: the late officer gets their assignment like the
// others, Postgres keeps both versions and the audit entry, and applying the
// file again changes nothing. Once onboarding is under way, a change to it
// is refused with its reason, and nothing changes.
func TestAmendingARunningTerm(t *testing.T) {
	s := newStack(t)
	// Officers are assigned their training on the 5th; a plan day passes in
	// four seconds.
	first := strings.Replace(s.smallPlan(), "  deadline_days_after_start: 3", "  assign_on: 2026-09-05\n  deadline_days_after_start: 7", 1)
	planFile := s.writePlan(first)
	newcomer := s.email("qian.lu")
	withNewcomer := strings.Replace(first, "      - {name: Guo Rui, email: "+s.email("guo.rui")+"}",
		"      - {name: Guo Rui, email: "+s.email("guo.rui")+"}\n      - {name: Qian Lu, email: "+newcomer+"}", 1)
	if withNewcomer == first {
		t.Fatal("the test's plan edit did not apply")
	}
	v2 := s.writePlan(withNewcomer)

	if _, errOut, code := s.run("start", "--plan", planFile, "--time-scale", "21600", "--by", "li.wei"); code != 0 {
		t.Fatalf("starter start exited %d: %s", code, errOut)
	}
	s.waitForRow(`SELECT count(*) FROM plan_versions WHERE term_id = $1`, 1)

	out, errOut, code := s.run("plan", "diff", "--term", s.tag, "--plan", v2)
	if code != 0 {
		t.Fatalf("plan diff exited %d: %s", code, errOut)
	}
	for _, want := range []string{"runs plan version 1", "[applies now]", "departments[publicity].officers[" + newcomer + "]",
		"officer of the Publicity Department Qian Lu <" + newcomer + "> joins", "1 change, none refused",
		"--expect-version 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan diff lacks %q:\n%s", want, out)
		}
	}
	t.Logf("starter plan diff:\n%s", out)

	out, errOut, code = s.run("plan", "apply", "--term", s.tag, "--plan", v2, "--by", s.email("li.wei"), "--expect-version", "1")
	if code != 0 || !strings.Contains(out, "now runs plan version 2, with 1 change") {
		t.Fatalf("plan apply exited %d:\n%s%s", code, out, errOut)
	}
	out, errOut, code = s.run("plan", "apply", "--term", s.tag, "--plan", v2, "--by", s.email("li.wei"))
	if code != 0 || !strings.Contains(out, "nothing changed") {
		t.Errorf("the same file applied again exited %d:\n%s%s", code, out, errOut)
	}
	_, errOut, code = s.run("plan", "apply", "--term", s.tag, "--plan", v2, "--by", s.email("li.wei"), "--expect-version", "1")
	if code != 1 || !strings.Contains(errOut, "the plan is at version 2 now, not 1") {
		t.Errorf("a stale --expect-version exited %d: %s", code, errOut)
	}

	// The late officer is assigned with everyone else.
	if got := s.mailpit.WaitFor(t, "to:"+newcomer, 1, 60*time.Second); len(got) == 0 {
		t.Fatalf("no assignment email reached the officer added by the amendment")
	}
	var joined bool
	if err := s.db.QueryRow(`SELECT joined_at IS NOT NULL FROM officers WHERE term_id = $1 AND email = $2`, s.tag, newcomer).Scan(&joined); err != nil || !joined {
		t.Errorf("the newcomer's directory row: joined %v (%v)", joined, err)
	}
	var versions, audited int
	var hashes string
	if err := s.db.QueryRow(`SELECT count(*), string_agg(made_by, ',' ORDER BY version), count(DISTINCT hash) FROM plan_versions WHERE term_id = $1`, s.tag).
		Scan(&versions, &hashes, new(int)); err != nil {
		t.Fatal(err)
	}
	if versions != 2 || hashes != "li.wei,"+s.email("li.wei") {
		t.Errorf("plan versions: %d, made by %s", versions, hashes)
	}
	if err := s.db.QueryRow(`SELECT count(*) FROM audit_log WHERE term_id = $1 AND action = 'amend_plan' AND actor = $2`, s.tag, s.email("li.wei")).Scan(&audited); err != nil || audited != 1 {
		t.Errorf("%d audit entries of the amendment, want 1 (%v)", audited, err)
	}

	// Onboarding is under way now: another change to the roster is refused.
	v3 := s.writePlan(strings.Replace(withNewcomer, "{name: Qian Lu,", "{name: Qian Lu Jr,", 1))
	out, _, code = s.run("plan", "diff", "--term", s.tag, "--plan", v3)
	if code != 0 || !strings.Contains(out, "[refused]") || !strings.Contains(out, "onboarding is under way") {
		t.Errorf("diff once onboarding runs exited %d:\n%s", code, out)
	}
	_, errOut, code = s.run("plan", "apply", "--term", s.tag, "--plan", v3, "--by", s.email("li.wei"))
	if code != 1 || !strings.Contains(errOut, "nothing of it applies") {
		t.Errorf("apply of a refused change exited %d: %s", code, errOut)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	var result contract.SemesterResult
	if err := s.temporal.GetWorkflow(ctx, contract.SemesterWorkflowID(s.tag), "").Get(ctx, &result); err != nil {
		t.Fatalf("term workflow: %v", err)
	}
	if result.Totals.Officers != 5 {
		t.Errorf("the term ended with %d officers onboarded, want 5", result.Totals.Officers)
	}
	if err := s.db.QueryRow(`SELECT count(*) FROM plan_versions WHERE term_id = $1`, s.tag).Scan(&versions); err != nil || versions != 2 {
		t.Errorf("%d plan versions after the refusal, want 2 (%v)", versions, err)
	}
}

// waitForRow waits until query (with the term's ID as $1) counts want.
func (s *stack) waitForRow(query string, want int) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		if err := s.db.QueryRow(query, s.tag).Scan(&n); err != nil {
			s.t.Fatal(err)
		}
		if n >= want {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s counted %d after 30 s, want %d", query, n, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestAmendingATermWithALargePlan: a union whose plan is too large for a
// query or an Update (20 more departments of 150 officers, over 192 KiB of JSON) is started by
// reference; its new version is diffed packed and applied by reference,
// and one made against a version that is no longer the term's is refused,
// changing nothing.
func TestAmendingATermWithALargePlan(t *testing.T) {
	s := newStack(t)
	var volunteers strings.Builder
	for d := range 20 {
		fmt.Fprintf(&volunteers, "  - id: volunteers-%02d\n    name: Volunteer Corps %02d\n    head: {name: Head %02d, email: %s}\n    officers:\n",
			d, d, d, s.email(fmt.Sprintf("head.%02d", d)))
		for i := range 150 {
			fmt.Fprintf(&volunteers, "      - {name: Volunteer %02d-%03d, email: %s}\n", d, i, s.email(fmt.Sprintf("volunteer.%02d.%03d", d, i)))
		}
	}
	// Onboarding is due long after the test, so nobody is mailed.
	first := strings.Replace(s.smallPlan(), "training:\n", volunteers.String()+"training:\n", 1)
	first = strings.Replace(first, "  deadline_days_after_start: 3", "  assign_on: 2026-12-20\n  deadline_days_after_start: 115", 1)
	newcomer := s.email("qian.lu")
	second := strings.Replace(first, "      - {name: Guo Rui, email: "+s.email("guo.rui")+"}",
		"      - {name: Guo Rui, email: "+s.email("guo.rui")+"}\n      - {name: Qian Lu, email: "+newcomer+"}", 1)
	refused := strings.Replace(second, "starts: 2026-09-01", "starts: 2026-09-02", 1)
	if second == first || refused == second {
		t.Fatal("the test's plan edits did not apply")
	}

	out, errOut, code := s.run("start", "--plan", s.writePlan(first), "--time-scale", "21600", "--by", "li.wei")
	if code != 0 || !strings.Contains(out, "Stored the plan") {
		t.Fatalf("starter start exited %d:\n%s%s", code, out, errOut)
	}
	s.waitForRow(`SELECT count(*) FROM plan_versions WHERE term_id = $1`, 1)

	v2 := s.writePlan(second)
	out, errOut, code = s.run("plan", "diff", "--term", s.tag, "--plan", v2)
	if code != 0 || !strings.Contains(out, "departments[publicity].officers["+newcomer+"]") || !strings.Contains(out, "1 change, none refused") {
		t.Fatalf("plan diff of the large plan exited %d:\n%s%s", code, out, errOut)
	}
	out, errOut, code = s.run("plan", "apply", "--term", s.tag, "--plan", v2, "--by", s.email("li.wei"), "--expect-version", "1")
	if code != 0 || !strings.Contains(out, "Stored the new plan") || !strings.Contains(out, "now runs plan version 2, with 1 change") {
		t.Fatalf("plan apply of the large plan exited %d:\n%s%s", code, out, errOut)
	}
	_, errOut, code = s.run("plan", "apply", "--term", s.tag, "--plan", s.writePlan(refused), "--by", s.email("li.wei"), "--expect-version", "1")
	if code != 1 || !strings.Contains(errOut, "the plan is at version 2 now, not 1") {
		t.Errorf("a large plan against a stale version exited %d: %s", code, errOut)
	}

	var versions int
	var hasNewcomer bool
	if err := s.db.QueryRow(`SELECT count(*), bool_or(version = 2 AND plan::text LIKE '%' || $2 || '%') FROM plan_versions WHERE term_id = $1`, s.tag, newcomer).
		Scan(&versions, &hasNewcomer); err != nil {
		t.Fatal(err)
	}
	if versions != 2 || !hasNewcomer {
		t.Errorf("%d plan versions (want 2), version 2 holds the newcomer: %v", versions, hasNewcomer)
	}
	var joined bool
	if err := s.db.QueryRow(`SELECT joined_at IS NOT NULL FROM officers WHERE term_id = $1 AND email = $2`, s.tag, newcomer).Scan(&joined); err != nil || !joined {
		t.Errorf("the newcomer's directory row: joined %v (%v)", joined, err)
	}
	if _, errOut, code := s.run("cancel", "--term", s.tag, "--email", s.email("li.wei"), "--reason", "the test is over"); code != 0 {
		t.Fatalf("cancel exited %d: %s", code, errOut)
	}
	// Everyone in the large plan is told, before the worker is stopped in
	// the middle of the notice.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := s.temporal.GetWorkflow(ctx, contract.SemesterWorkflowID(s.tag), "").Get(ctx, nil); !temporal.IsCanceledError(err) {
		t.Fatalf("the cancelled term ended with %v, want a cancellation", err)
	}
	var told, pending int
	if err := s.db.QueryRow(`SELECT count(*) FILTER (WHERE status = 'sent'), count(*) FILTER (WHERE status <> 'sent') FROM email_outbox
		WHERE workflow_id = $1 AND purpose = 'term-cancelled'`, contract.SemesterWorkflowID(s.tag)).Scan(&told, &pending); err != nil {
		t.Fatal(err)
	}
	if told < 20*151 || pending != 0 {
		t.Errorf("the cancellation notice went to %d people with %d pending, want every one of the %d volunteers and heads at least", told, pending, 20*151)
	}
}
