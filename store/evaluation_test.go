package store

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"semesterflow/contract"
	"semesterflow/internal/evaluation"
	"semesterflow/plan"
)

// seedEvaluationFacts records a term in which Ann came to 3 exchanges of 4
// (one excused), acknowledged her training late, handed in two tasks (one
// late) and a milestone, and was assessed 8 of 10; Bob missed every
// exchange, never acknowledged and was not assessed; Cat (another
// department) came once and has a task written by someone else.
func seedEvaluationFacts(t *testing.T, db *bun.DB, s *Store) {
	t.Helper()
	ctx := context.Background()
	saveDirectory(t, s, sampleDirectory(t, "2026-fall"))

	var att []Attendance
	add := func(dept, email string, statuses ...string) {
		for i, st := range statuses {
			att = append(att, Attendance{TermID: "2026-fall", DepartmentID: dept, MeetingNumber: i + 1, OfficerEmail: email, Status: st})
		}
	}
	add("org", "ann@example.edu", contract.AttendancePresent, contract.AttendancePresent, contract.AttendanceExcused, contract.AttendanceAbsent)
	add("org", "bob@example.edu", contract.AttendanceAbsent, contract.AttendanceAbsent)
	add("pub", "cat@example.edu", contract.AttendancePresent)
	// Another term's attendance must not count.
	att = append(att, Attendance{TermID: "2026-spring", DepartmentID: "org", MeetingNumber: 1, OfficerEmail: "ann@example.edu", Status: contract.AttendanceAbsent})
	if _, err := db.NewInsert().Model(&att).Exec(ctx); err != nil {
		t.Fatal(err)
	}

	assigned, deadline := at(t, "2026-09-07T09:00:00+08:00"), at(t, "2026-09-17T23:59:00+08:00")
	var onb []Onboarding
	for _, e := range []string{"ann@example.edu", "bob@example.edu", "cat@example.edu"} {
		onb = append(onb, Onboarding{TermID: "2026-fall", OfficerEmail: e, DepartmentID: "org", AssignedAt: assigned, DeadlineAt: deadline})
	}
	if err := s.AssignOnboarding(ctx, onb); err != nil {
		t.Fatal(err)
	}
	late := at(t, "2026-09-19T10:00:00+08:00")
	if err := s.RecordAcknowledgement(ctx, Acknowledgement{TermID: "2026-fall", OfficerEmail: "ann@example.edu", Outcome: contract.OutcomeLate, At: late},
		AuditEntry{Key: "update/ack-ann", PlanTime: late}); err != nil {
		t.Fatal(err)
	}
	if err := s.CloseOnboarding(ctx, "2026-fall", []string{"bob@example.edu"}); err != nil {
		t.Fatal(err)
	}

	sub := func(kind, scope, slot, author string, late bool, body string, scores ...float64) Submission {
		return Submission{TermID: "2026-fall", Kind: kind, Scope: scope, Slot: slot, AuthorEmail: author, Body: body, Scores: scores,
			SubmittedAt: at(t, "2026-10-10T10:00:00+08:00"), DueAt: at(t, "2026-10-10T23:59:00+08:00"), Late: late}
	}
	subs := []Submission{
		sub("task", "help/1", "ann@example.edu", "ann@example.edu", false, "done"),
		sub("task", "help/2", "ann@example.edu", "ann@example.edu", true, "done late"),
		sub("milestone", "contest", "question-bank", "ann@example.edu", false, "bank ready"),
		sub("summary", "2026-10", "org", "ann@example.edu", false, "not a task"),
		sub("task", "help/3", "someone", "dan@example.edu", false, "for cat, by dan"),
		sub(evaluation.AssessmentKind, evaluation.AssessmentScope, "ann@example.edu", "chair@example.edu", false, "Reliable and kind.", 8),
		// An assessment in another scope is not the end-of-term one.
		sub(evaluation.AssessmentKind, "midterm", "bob@example.edu", "chair@example.edu", false, "Midterm.", 2),
	}
	if err := s.RecordSubmissions(ctx, subs, nil); err != nil {
		t.Fatal(err)
	}
}

func TestEvaluationFactsReadWhatTheTermRecorded(t *testing.T) {
	db, s := newTestStore(t)
	seedEvaluationFacts(t, db, s)
	due := time.Date(2026, 10, 8, 23, 59, 0, 0, time.UTC)
	if err := s.RecordCollectionSlots(context.Background(), []CollectionSlot{
		{TermID: "2026-fall", Kind: "milestone", Scope: "contest", Slot: "m1", Owners: []string{"ann@example.edu"}, DueAt: due, Submitted: true},
		{TermID: "2026-fall", Kind: "milestone", Scope: "contest", Slot: "m2", Owners: []string{"cat@example.edu"}, DueAt: due},
		{TermID: "2026-fall", Kind: "summary", Scope: "2026-10", Slot: "x", Owners: []string{"cat@example.edu"}, DueAt: due},
		{TermID: "2025-spring", Kind: "task", Scope: "tasks", Slot: "t1", Owners: []string{"cat@example.edu"}, DueAt: due},
	}); err != nil {
		t.Fatal(err)
	}

	facts, err := s.EvaluationFacts(context.Background(), "2026-fall", []string{"ann@example.edu", "bob@example.edu", "cat@example.edu", "new@example.edu"})
	if err != nil {
		t.Fatal(err)
	}
	ann := facts["ann@example.edu"]
	if ann.Present != 2 || ann.Excused != 1 || ann.Absent != 1 {
		t.Errorf("Ann's attendance = %d/%d/%d, want present 2, excused 1, absent 1", ann.Present, ann.Excused, ann.Absent)
	}
	if ann.TrainingOutcome != contract.OutcomeLate {
		t.Errorf("Ann's training = %q, want late", ann.TrainingOutcome)
	}
	if ann.TasksOnTime != 2 || ann.TasksLate != 1 {
		t.Errorf("Ann's tasks = %d on time, %d late; want 2 (a task and a milestone) and 1", ann.TasksOnTime, ann.TasksLate)
	}
	if !ann.Assessed || !slices.Equal(ann.Scores, []float64{8}) || ann.Assessor != "chair@example.edu" || ann.Comment != "Reliable and kind." {
		t.Errorf("Ann's assessment = %v %v %q %q", ann.Assessed, ann.Scores, ann.Assessor, ann.Comment)
	}
	if ann.TasksMissed != 0 {
		t.Errorf("Ann missed %d tasks, want 0", ann.TasksMissed)
	}
	if cat := facts["cat@example.edu"]; cat.TasksMissed != 1 {
		t.Errorf("Cat missed %d tasks, want the milestone asked of her and never handed in", cat.TasksMissed)
	}
	bob := facts["bob@example.edu"]
	if bob.Present != 0 || bob.Absent != 2 || bob.TrainingOutcome != contract.OutcomeNever || bob.TasksOnTime+bob.TasksLate != 0 || bob.Assessed {
		t.Errorf("Bob's facts = %+v; want 2 absences, never, no task, not assessed (the midterm does not count)", bob)
	}
	if cat := facts["cat@example.edu"]; cat.Present != 1 || cat.TrainingOutcome != contract.OutcomePending || cat.TasksOnTime != 0 {
		t.Errorf("Cat's facts = %+v; want 1 presence, pending, no task of her own", cat)
	}
	if n, ok := facts["new@example.edu"]; !ok || n.TrainingOutcome != "" || n.Present+n.Excused+n.Absent != 0 {
		t.Errorf("an officer with no record = %+v, %v; want present with zero facts", n, ok)
	}
}

func TestSaveEvaluationsTwiceChangesNothing(t *testing.T) {
	db, s := newTestStore(t)
	ctx := context.Background()
	seedEvaluationFacts(t, db, s)
	facts, err := s.EvaluationFacts(ctx, "2026-fall", []string{"ann@example.edu", "bob@example.edu"})
	if err != nil {
		t.Fatal(err)
	}
	rules := evaluation.Rules{Weights: plan.Weights{Attendance: 0.3, Training: 0.1, Tasks: 0.3, Assessment: 0.3}, ExcusedWeight: 0.5, MaxScore: 10}
	computed := at(t, "2027-01-12T23:59:00+08:00")
	var rows []Evaluation
	for _, e := range []string{"ann@example.edu", "bob@example.edu"} {
		res := evaluation.Score(facts[e], rules)
		rows = append(rows, Evaluation{TermID: "2026-fall", OfficerEmail: e, DepartmentID: "org", Total: res.Total, Components: res.Components, ComputedAt: computed})
	}
	if err := s.SaveEvaluations(ctx, rows); err != nil {
		t.Fatal(err)
	}
	versions := rowVersions(t, db, "evaluations", "officer_email")
	if err := s.SaveEvaluations(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if again := rowVersions(t, db, "evaluations", "officer_email"); !maps.Equal(again, versions) {
		t.Errorf("saving the same evaluations again rewrote rows: %v -> %v", versions, again)
	}

	got, err := s.Evaluations(ctx, "2026-fall", "org")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d evaluations, want 2", len(got))
	}
	ann := got[0]
	if ann.OfficerEmail != "ann@example.edu" || ann.Total == nil || *ann.Total != *rows[0].Total || !ann.ComputedAt.Equal(computed) {
		t.Errorf("Ann's row = %+v, want total %v computed at %v", ann, *rows[0].Total, computed)
	}
	if len(ann.Components) != 4 || ann.Components[0].Detail != "present 2, excused 1, absent 1 of 4 meetings; an excused absence counts 0.5" ||
		ann.Components[0].Counts["meetings"] != 4 || ann.Components[3].Comment != "Reliable and kind." {
		t.Errorf("Ann's components did not round-trip: %+v", ann.Components)
	}

	// New facts replace the evaluation; the summary's sent time stays.
	sent := at(t, "2027-01-13T09:00:00+08:00")
	if err := s.MarkSummariesSent(ctx, "2026-fall", []string{"ann@example.edu"}, sent); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSummariesSent(ctx, "2026-fall", []string{"ann@example.edu"}, sent.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	full := 1.0
	rows[0].Total = &full
	if err := s.SaveEvaluations(ctx, rows[:1]); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Evaluations(ctx, "2026-fall", "org")
	if *got[0].Total != 1 || got[0].SummarySentAt == nil || !got[0].SummarySentAt.Equal(sent) {
		t.Errorf("after recomputing: total %v, summary sent %v; want 1 and %v", *got[0].Total, got[0].SummarySentAt, sent)
	}
	if got[1].SummarySentAt != nil {
		t.Errorf("Bob's summary marked sent: %v", got[1].SummarySentAt)
	}

	bad := 1.5
	if err := s.SaveEvaluations(ctx, []Evaluation{{TermID: "2026-fall", OfficerEmail: "x@example.edu", DepartmentID: "org", Total: &bad, ComputedAt: computed}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("a total of 1.5 gave %v, want ErrInvalid", err)
	}
}

func TestEvaluationReportKeepsItsFirstSentTime(t *testing.T) {
	db, s := newTestStore(t)
	ctx := context.Background()
	if _, err := s.EvaluationReport(ctx, "2026-fall", "org"); !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("missing report gave %v, want sql.ErrNoRows", err)
	}
	r := EvaluationReport{TermID: "2026-fall", DepartmentID: "org", Subject: "Evaluations", HTML: "<p>table</p>", Text: "table"}
	if err := s.SaveEvaluationReport(ctx, r); err != nil {
		t.Fatal(err)
	}
	sent := at(t, "2027-01-13T09:00:00+08:00")
	if err := s.MarkEvaluationReportSent(ctx, "2026-fall", "org", sent); err != nil {
		t.Fatal(err)
	}
	versions := rowVersions(t, db, "evaluation_reports", "department_id")
	if err := s.SaveEvaluationReport(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkEvaluationReportSent(ctx, "2026-fall", "org", sent.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if again := rowVersions(t, db, "evaluation_reports", "department_id"); !maps.Equal(again, versions) {
		t.Errorf("saving and marking the same report again rewrote it")
	}
	got, err := s.EvaluationReport(ctx, "2026-fall", "org")
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != "table" || got.HTML != "<p>table</p>" || got.SentAt == nil || !got.SentAt.Equal(sent) {
		t.Errorf("report = %+v, want the text and sent at %v", got, sent)
	}
}
