package activities_test

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"semesterflow/contract"
	"semesterflow/internal/evaluation"
	"semesterflow/plan"
	"semesterflow/store"
)

// evaluationPlanYAML is the publicity department of three and two leaders.
const evaluationPlanYAML = `
term: {id: %[1]s, name: Fall term 2026, starts: 2026-09-01, ends: 2027-01-15, time_zone: Asia/Shanghai}
leaders:
  - {name: Li Wei, email: li.wei.%[1]s@example.edu}
  - {name: Chen Yu, email: chen.yu.%[1]s@example.edu}
departments:
  - id: publicity
    name: Publicity Department
    head: {name: Sun Hao, email: sun.hao.%[1]s@example.edu}
    officers:
      - {name: Ma Li, email: ma.li.%[1]s@example.edu, role: Designer}
      - {name: Guo Rui, email: guo.rui.%[1]s@example.edu}
      - {name: He Xin, email: he.xin.%[1]s@example.edu}
training:
  sessions: [{title: Rules of the Student Union, at: "2026-09-09 19:00"}]
  deadline_days_after_start: 16
evaluation:
  opens: 2027-01-04
  assessments_due: 2027-01-10
  excused_weight: 0.5
  weights: {attendance: 0.3, training: 0.1, tasks: 0.3, assessment: 0.3}
  max_score: 10
`

// evalHarness is a term at its end: a rig whose database holds what the
// term recorded about three officers of the publicity department.
//
// Ma Li came to 5 exchanges of 6 (the sixth excused), acknowledged her
// training on time, handed in 3 tasks on time and 1 late, and Li Wei
// assessed her 8 of 10. Guo Rui came to 3 of 6, acknowledged late, handed
// in nothing and was not assessed. He Xin has no attendance, never
// acknowledged, and the head Sun Hao assessed him 6.
type evalHarness struct {
	*rig
	in contract.EvaluateDepartmentInput
}

// The totals the rules give, with weights 0.3/0.1/0.3/0.3 and an excused
// absence counting 0.5.
var (
	maLiTotal   = 0.3*5.5/6 + 0.1*1 + 0.3*3.5/4 + 0.3*0.8
	guoRuiTotal = (0.3*0.5 + 0.1*0.5) / 0.4
	heXinTotal  = (0.1*0 + 0.3*0.6) / 0.4
)

func newEvalHarness(t *testing.T) *evalHarness {
	t.Helper()
	h := &evalHarness{rig: newPlanRig(t, evaluationPlanYAML)}
	p := h.plan
	d := p.Departments[0]
	h.in = contract.EvaluateDepartmentInput{
		TermID: p.Term.ID, TermName: p.Term.Name, TimeZone: p.Zone(),
		DepartmentID: d.ID, DepartmentName: d.Name, Head: d.Head, Leaders: p.Leaders, Officers: d.Officers,
		Evaluation: *p.Evaluation, At: time.Date(2027, 1, 12, 23, 59, 0, 0, p.Location()),
	}
	h.seed()
	return h
}

func (h *evalHarness) seed() {
	db := h.db
	t, ctx, p := h.t, context.Background(), h.plan
	o := p.Departments[0].Officers
	ma, guo, he := o[0].Email, o[1].Email, o[2].Email

	var att []store.Attendance
	for i, st := range []string{"present", "present", "present", "excused", "present", "present"} {
		att = append(att, store.Attendance{TermID: p.Term.ID, DepartmentID: "publicity", MeetingNumber: i + 1, OfficerEmail: ma, Status: st})
	}
	for i, st := range []string{"present", "absent", "present", "absent", "absent", "present"} {
		att = append(att, store.Attendance{TermID: p.Term.ID, DepartmentID: "publicity", MeetingNumber: i + 1, OfficerEmail: guo, Status: st})
	}
	if _, err := db.NewInsert().Model(&att).Exec(ctx); err != nil {
		t.Fatal(err)
	}

	s := p.OnboardingSchedule()
	var onb []store.Onboarding
	for _, e := range []string{ma, guo, he} {
		onb = append(onb, store.Onboarding{TermID: p.Term.ID, OfficerEmail: e, DepartmentID: "publicity", AssignedAt: s.AssignAt, DeadlineAt: s.Deadline})
	}
	if err := h.store.AssignOnboarding(ctx, onb); err != nil {
		t.Fatal(err)
	}
	for _, ack := range []store.Acknowledgement{
		{TermID: p.Term.ID, OfficerEmail: ma, Outcome: contract.OutcomeOnTime, At: s.Deadline.Add(-72 * time.Hour)},
		{TermID: p.Term.ID, OfficerEmail: guo, Outcome: contract.OutcomeLate, At: s.Deadline.Add(24 * time.Hour)},
	} {
		if err := h.store.RecordAcknowledgement(ctx, ack, store.AuditEntry{Key: "update/ack/" + ack.OfficerEmail, PlanTime: ack.At}); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.store.CloseOnboarding(ctx, p.Term.ID, []string{he}); err != nil {
		t.Fatal(err)
	}

	due := time.Date(2026, 11, 20, 23, 59, 0, 0, p.Location())
	var subs []store.Submission
	for i, late := range []bool{false, false, true, false} {
		subs = append(subs, store.Submission{TermID: p.Term.ID, Kind: "task", Scope: fmt.Sprintf("help/%d", i+1), Slot: "task",
			AuthorEmail: ma, Body: "done", SubmittedAt: due, DueAt: due, Late: late})
	}
	assess := func(officer, by, text string, score float64) store.Submission {
		return store.Submission{TermID: p.Term.ID, Kind: evaluation.AssessmentKind, Scope: evaluation.AssessmentScope, Slot: officer,
			AuthorEmail: by, Body: text, Scores: []float64{score}, SubmittedAt: h.in.At.AddDate(0, 0, -3), DueAt: h.in.At.AddDate(0, 0, -2)}
	}
	subs = append(subs,
		assess(ma, p.Leaders[0].Email, "Reliable; the October posters were excellent.", 8),
		assess(he, p.Departments[0].Head.Email, "Needs to come to the exchanges.", 6),
	)
	if err := h.store.RecordSubmissions(ctx, subs, nil); err != nil {
		t.Fatal(err)
	}
}

func (h *evalHarness) compute() contract.ComputeEvaluationsResult {
	h.t.Helper()
	var res contract.ComputeEvaluationsResult
	h.run(h.acts.ComputeEvaluations, h.in, &res)
	return res
}

func TestComputeEvaluationsTwiceStoresTheSameRows(t *testing.T) {
	h := newEvalHarness(t)
	first := h.compute()
	rows, err := h.store.Evaluations(context.Background(), h.plan.Term.ID, "publicity")
	if err != nil {
		t.Fatal(err)
	}
	second := h.compute()
	again, _ := h.store.Evaluations(context.Background(), h.plan.Term.ID, "publicity")
	if !reflect.DeepEqual(rows, again) {
		t.Errorf("the second run changed the rows:\n%v\n%v", rows, again)
	}
	if first.Evaluated != 3 || first.Assessed != 2 || len(first.NoTotal) != 0 || !reflect.DeepEqual(first, second) {
		t.Errorf("results %+v and %+v; want 3 evaluated, 2 assessed, both the same", first, second)
	}

	want := map[string]float64{
		h.in.Officers[0].Email: maLiTotal,
		h.in.Officers[1].Email: guoRuiTotal,
		h.in.Officers[2].Email: heXinTotal,
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	for _, r := range rows {
		if r.Total == nil || math.Abs(*r.Total-want[r.OfficerEmail]) > 1e-9 {
			t.Errorf("%s total = %v, want %v", r.OfficerEmail, r.Total, want[r.OfficerEmail])
		}
		if r.DepartmentID != "publicity" || !r.ComputedAt.Equal(h.in.At) || len(r.Components) != 4 {
			t.Errorf("%s row = %+v", r.OfficerEmail, r)
		}
	}
	avg := (maLiTotal + guoRuiTotal + heXinTotal) / 3
	if first.Average == nil || math.Abs(*first.Average-avg) > 1e-9 {
		t.Errorf("average = %v, want %v", first.Average, avg)
	}
}

func TestEvaluationReportReachesEachLeaderOnce(t *testing.T) {
	h := newEvalHarness(t)
	if _, err := h.try(h.acts.SendEvaluationReport, h.in); err == nil || !strings.Contains(err.Error(), "compute the evaluations first") {
		t.Fatalf("a report before the evaluations gave %v, want a refusal", err)
	}
	h.compute()
	first, err := h.try(h.acts.SendEvaluationReport, h.in)
	if err != nil {
		t.Fatal(err)
	}
	second, err := h.try(h.acts.SendEvaluationReport, h.in)
	if err != nil {
		t.Fatal(err)
	}
	if first.Sent != 2 || second.Sent != 0 || second.AlreadySent != 2 {
		t.Errorf("first run %+v, second %+v; want 2 sent, then 2 already sent", first, second)
	}

	for _, l := range h.plan.Leaders {
		msg := h.only(l.Email)
		if !strings.Contains(msg.Subject, "Publicity Department") {
			t.Errorf("subject %q does not name the department", msg.Subject)
		}
		for part, body := range map[string]string{"text": msg.Text, "HTML": msg.HTML} {
			for _, want := range []string{
				"Hi " + l.Name,
				"Ma Li", "Guo Rui", "He Xin",
				evaluation.Points(maLiTotal), evaluation.Points(guoRuiTotal), evaluation.Points(heXinTotal),
				"present 5, excused 1, absent 0 of 6 meetings",
				"3 of 4 tasks and milestones on time, 1 late",
				"training never acknowledged",
				"Not assessed by the leaders: Guo Rui.",
			} {
				if !strings.Contains(body, want) {
					t.Errorf("%s part of %s's report lacks %q", part, l.Name, want)
				}
			}
		}
	}
	for _, p := range append([]plan.Person{h.plan.Departments[0].Head}, h.in.Officers...) {
		if got := h.mailpit.Search(t, "to:"+p.Email); len(got) != 0 {
			t.Errorf("%s received the leaders' report", p.Name)
		}
	}

	rep, err := h.store.EvaluationReport(context.Background(), h.plan.Term.ID, "publicity")
	if err != nil {
		t.Fatal(err)
	}
	if rep.SentAt == nil || !rep.SentAt.Equal(h.in.At) || !strings.Contains(rep.Text, "Hello,") || !strings.Contains(rep.HTML, "Ma Li") {
		t.Errorf("kept report = sent %v, text %q", rep.SentAt, rep.Text)
	}
}

func TestEvaluationSummariesReachEachOfficerOnce(t *testing.T) {
	h := newEvalHarness(t)
	h.compute()
	first, err := h.try(h.acts.SendEvaluationSummaries, h.in)
	if err != nil {
		t.Fatal(err)
	}
	second, err := h.try(h.acts.SendEvaluationSummaries, h.in)
	if err != nil {
		t.Fatal(err)
	}
	if first.Sent != 3 || second.Sent != 0 || second.AlreadySent != 3 {
		t.Errorf("first run %+v, second %+v; want 3 sent, then 3 already sent", first, second)
	}

	o := h.in.Officers
	cases := []struct {
		officer     plan.Person
		want, never []string
	}{
		{o[0], []string{
			evaluation.Points(maLiTotal),
			"present 5, excused 1, absent 0 of 6 meetings; an excused absence counts 0.5",
			"training acknowledged on time",
			"3 of 4 tasks and milestones on time, 1 late",
			"scored 8 of 10 by the leaders",
			"Li Wei", "Reliable; the October posters were excellent.",
		}, []string{"Needs to come to the exchanges."}},
		{o[1], []string{
			evaluation.Points(guoRuiTotal),
			"present 3, excused 0, absent 3 of 6 meetings",
			"training acknowledged late, which counts 0.5",
			"no assessment handed in",
			"Nothing was recorded for tasks and assessment",
		}, []string{"Reliable", "Needs to come", "What your assessor wrote"}},
		{o[2], []string{
			evaluation.Points(heXinTotal),
			"no exchange recorded",
			"training never acknowledged",
			"scored 6 of 10 by the leaders",
			"Sun Hao", "Needs to come to the exchanges.",
		}, []string{"Reliable"}},
	}
	for _, c := range cases {
		msg := h.only(c.officer.Email)
		if !strings.Contains(msg.Text, c.want[0]+" out of 100") {
			t.Errorf("%s's summary does not say the total %s out of 100", c.officer.Name, c.want[0])
		}
		for part, body := range map[string]string{"text": msg.Text, "HTML": msg.HTML} {
			for _, want := range c.want {
				if !strings.Contains(body, want) {
					t.Errorf("%s part of %s's summary lacks %q", part, c.officer.Name, want)
				}
			}
			for _, never := range c.never {
				if strings.Contains(strings.ToLower(body), strings.ToLower(never)) {
					t.Errorf("%s part of %s's summary has %q, which is not theirs", part, c.officer.Name, never)
				}
			}
		}
	}

	rows, _ := h.store.Evaluations(context.Background(), h.plan.Term.ID, "publicity")
	for _, r := range rows {
		if r.SummarySentAt == nil || !r.SummarySentAt.Equal(h.in.At) {
			t.Errorf("%s summary_sent_at = %v, want %v", r.OfficerEmail, r.SummarySentAt, h.in.At)
		}
	}
}

// An officer an amendment took out on 20 November is still evaluated on
// what they did until then: the leaders' report lists them as having left,
// outside the average, and they get no summary.
func TestEvaluationListsWhoLeftWithoutMailingThem(t *testing.T) {
	h := newEvalHarness(t)
	guo := h.in.Officers[1]
	amended := *h.plan
	amended.Departments = append([]plan.Department(nil), h.plan.Departments...)
	amended.Departments[0].Officers = []plan.Person{h.in.Officers[0], h.in.Officers[2]}
	leftAt := time.Date(2026, 11, 20, 15, 0, 0, 0, h.plan.Location())
	h.run(h.acts.SavePlanVersions, contract.SavePlanVersionInput{
		TermID: h.plan.Term.ID, Directory: true,
		Versions: []contract.PlanVersion{{Version: 2, Hash: "v2", Plan: amended, By: h.plan.Leaders[0].Email, At: leftAt}},
	}, nil)
	h.in.Officers = amended.Departments[0].Officers

	res := h.compute()
	if res.Evaluated != 2 || res.Departed != 1 {
		t.Errorf("result %+v, want 2 evaluated and 1 who left", res)
	}
	if avg := (maLiTotal + heXinTotal) / 2; res.Average == nil || math.Abs(*res.Average-avg) > 1e-9 {
		t.Errorf("average = %v, want %v (without Guo Rui, who left)", res.Average, avg)
	}
	rows, err := h.store.Evaluations(context.Background(), h.plan.Term.ID, "publicity")
	if err != nil {
		t.Fatal(err)
	}
	var guoRow *store.Evaluation
	for i := range rows {
		if rows[i].OfficerEmail == guo.Email {
			guoRow = &rows[i]
		}
	}
	if guoRow == nil || guoRow.Total == nil || math.Abs(*guoRow.Total-guoRuiTotal) > 1e-9 {
		t.Fatalf("Guo Rui's evaluation = %+v, want his total %v kept", guoRow, guoRuiTotal)
	}
	if want := "present 3, excused 0, absent 3 of 6 meetings until leaving on 20 Nov 2026"; guoRow.Components[0].Detail != want {
		t.Errorf("attendance detail %q, want %q", guoRow.Components[0].Detail, want)
	}

	if _, err := h.try(h.acts.SendEvaluationReport, h.in); err != nil {
		t.Fatal(err)
	}
	msg := h.only(h.plan.Leaders[0].Email)
	if !strings.Contains(msg.Text, "* Guo Rui, left on 20 Nov 2026: "+evaluation.Points(guoRuiTotal)+" / 100") {
		t.Errorf("the report does not list Guo Rui as having left:\n%s", msg.Text)
	}
	if !strings.Contains(msg.HTML, "left on 20 Nov 2026") || !strings.Contains(msg.Text, "get no summary") {
		t.Errorf("the report does not say who left or that they get no summary")
	}
	if strings.Contains(msg.Text, "Not assessed by the leaders: Guo Rui") {
		t.Errorf("Guo Rui, never asked about, is listed as not assessed")
	}

	sent, err := h.try(h.acts.SendEvaluationSummaries, h.in)
	if err != nil {
		t.Fatal(err)
	}
	if sent.Sent != 2 {
		t.Errorf("%d summaries sent, want 2", sent.Sent)
	}
	if got := h.mailpit.Search(t, "to:"+guo.Email); len(got) != 0 {
		t.Errorf("Guo Rui, who left, received %d emails", len(got))
	}
}
