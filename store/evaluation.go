package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"semesterflow/contract"
	"semesterflow/internal/evaluation"
)

// Evaluation is one officer's end-of-semester evaluation.
type Evaluation struct {
	bun.BaseModel `bun:"table:evaluations,alias:ev"`

	TermID       string `bun:"term_id,pk"`
	OfficerEmail string `bun:"officer_email,pk"`
	DepartmentID string `bun:"department_id"`
	// Total is 0 to 1; nil when nothing weighted was recorded.
	Total      *float64               `bun:"total"`
	Components []evaluation.Component `bun:"components,type:jsonb"`
	// ComputedAt is the plan time of the computation.
	ComputedAt time.Time `bun:"computed_at"`
	// SummarySentAt is the plan time the officer's summary went out.
	SummarySentAt *time.Time `bun:"summary_sent_at"`
}

// EvaluationReport is the report on a department's evaluations sent to the
// leaders, kept as it was sent.
type EvaluationReport struct {
	bun.BaseModel `bun:"table:evaluation_reports,alias:er"`

	TermID       string `bun:"term_id,pk"`
	DepartmentID string `bun:"department_id,pk"`
	Subject      string `bun:"subject"`
	HTML         string `bun:"html"`
	Text         string `bun:"text"`
	// SentAt is the plan time the report went out; nil until then.
	SentAt *time.Time `bun:"sent_at"`
}

// EvaluationFacts reads what the term recorded about each of the officers:
// attendance at the exchanges, the training outcome, the tasks and
// milestones they handed in, and the leaders' assessment. Every officer
// asked for is in the result, with zero facts when nothing was recorded.
// The reads share one snapshot, so a row written meanwhile is either seen
// by all of them or by none.
func (s *Store) EvaluationFacts(ctx context.Context, termID string, emails []string) (map[string]evaluation.Facts, error) {
	emails = dedupe(emails)
	if termID == "" {
		return nil, invalidf("evaluation facts: no term ID")
	}
	facts := make(map[string]evaluation.Facts, len(emails))
	for _, e := range emails {
		facts[e] = evaluation.Facts{}
	}
	if len(emails) == 0 {
		return facts, nil
	}
	err := s.db.RunInTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}, func(ctx context.Context, tx bun.Tx) error {
		var att []struct {
			Email   string `bun:"officer_email"`
			Present int    `bun:"present"`
			Excused int    `bun:"excused"`
			Absent  int    `bun:"absent"`
		}
		if err := tx.NewSelect().Model((*Attendance)(nil)).
			Column("officer_email").
			ColumnExpr("count(*) FILTER (WHERE status = ?) AS present", contract.AttendancePresent).
			ColumnExpr("count(*) FILTER (WHERE status = ?) AS excused", contract.AttendanceExcused).
			ColumnExpr("count(*) FILTER (WHERE status = ?) AS absent", contract.AttendanceAbsent).
			Where("term_id = ? AND officer_email IN (?)", termID, bun.List(emails)).
			Group("officer_email").
			Scan(ctx, &att); err != nil {
			return fmt.Errorf("attendance: %w", err)
		}
		for _, r := range att {
			f := facts[r.Email]
			f.Present, f.Excused, f.Absent = r.Present, r.Excused, r.Absent
			facts[r.Email] = f
		}

		var amended []Officer
		if err := tx.NewSelect().Model(&amended).
			Column("email", "joined_at", "left_at").
			Where("term_id = ? AND email IN (?) AND (joined_at IS NOT NULL OR left_at IS NOT NULL)", termID, bun.List(emails)).
			Scan(ctx); err != nil {
			return fmt.Errorf("officers: %w", err)
		}
		for _, o := range amended {
			f := facts[o.Email]
			f.JoinedAt, f.LeftAt = o.JoinedAt, o.LeftAt
			facts[o.Email] = f
		}

		var onb []Onboarding
		if err := tx.NewSelect().Model(&onb).
			Column("officer_email", "outcome").
			Where("term_id = ? AND officer_email IN (?)", termID, bun.List(emails)).
			Scan(ctx); err != nil {
			return fmt.Errorf("onboarding: %w", err)
		}
		for _, r := range onb {
			f := facts[r.OfficerEmail]
			f.TrainingOutcome = r.Outcome
			facts[r.OfficerEmail] = f
		}

		var done []struct {
			Email  string `bun:"author_email"`
			OnTime int    `bun:"on_time"`
			Late   int    `bun:"late"`
		}
		if err := tx.NewSelect().Model((*Submission)(nil)).
			Column("author_email").
			ColumnExpr("count(*) FILTER (WHERE NOT late) AS on_time").
			ColumnExpr("count(*) FILTER (WHERE late) AS late").
			Where("term_id = ? AND kind IN (?) AND author_email IN (?)", termID, bun.List(evaluation.TaskKinds), bun.List(emails)).
			Group("author_email").
			Scan(ctx, &done); err != nil {
			return fmt.Errorf("tasks: %w", err)
		}
		for _, r := range done {
			f := facts[r.Email]
			f.TasksOnTime, f.TasksLate = r.OnTime, r.Late
			facts[r.Email] = f
		}

		// Tasks and milestones asked of an officer and never handed in.
		var missed []struct {
			Email  string `bun:"email"`
			Missed int    `bun:"missed"`
		}
		if err := tx.NewSelect().
			TableExpr("collection_slots AS cs, jsonb_array_elements_text(cs.owners) AS owner(email)").
			ColumnExpr("owner.email AS email").
			ColumnExpr("count(*) AS missed").
			Where("cs.term_id = ? AND cs.kind IN (?) AND NOT cs.submitted AND owner.email IN (?)", termID, bun.List(evaluation.TaskKinds), bun.List(emails)).
			GroupExpr("owner.email").
			Scan(ctx, &missed); err != nil {
			return fmt.Errorf("missed tasks: %w", err)
		}
		for _, r := range missed {
			f := facts[r.Email]
			f.TasksMissed = r.Missed
			facts[r.Email] = f
		}

		var assessed []Submission
		if err := tx.NewSelect().Model(&assessed).
			Where("term_id = ? AND kind = ? AND scope = ? AND slot IN (?)", termID, evaluation.AssessmentKind, evaluation.AssessmentScope, bun.List(emails)).
			Scan(ctx); err != nil {
			return fmt.Errorf("assessments: %w", err)
		}
		for _, r := range assessed {
			f := facts[r.Slot]
			f.Assessed, f.Scores, f.Assessor, f.Comment = true, r.Scores, r.AuthorEmail, r.Body
			facts[r.Slot] = f
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: evaluation facts of %s: %w", termID, err)
	}
	return facts, nil
}

// DepartedOfficers lists the officers an amendment of the plan took out of
// the department during the term, in the department's order; their records
// stay, and so does their place in its evaluation.
func (s *Store) DepartedOfficers(ctx context.Context, termID, departmentID string) ([]Officer, error) {
	var out []Officer
	if err := s.db.NewSelect().Model(&out).
		Where("term_id = ? AND department_id = ? AND left_at IS NOT NULL", termID, departmentID).
		Order("position", "email").
		Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: officers who left %s/%s: %w", termID, departmentID, err)
	}
	return out, nil
}

// SaveEvaluations writes a batch of evaluations in one statement, replacing
// an officer's earlier evaluation only where something differs: computing
// again from the same facts at the same plan time changes nothing. The
// summary's sent time is kept.
func (s *Store) SaveEvaluations(ctx context.Context, rows []Evaluation) error {
	if len(rows) == 0 {
		return nil
	}
	rows = append([]Evaluation(nil), rows...)
	for i := range rows {
		r := &rows[i]
		if r.TermID == "" || r.OfficerEmail == "" || r.DepartmentID == "" || r.ComputedAt.IsZero() {
			return invalidf("save evaluations: row %d (%s) lacks a term, officer, department or time", i, r.OfficerEmail)
		}
		if r.Total != nil && (*r.Total < 0 || *r.Total > 1) {
			return invalidf("save evaluations: %s has total %g, outside 0 to 1", r.OfficerEmail, *r.Total)
		}
		if r.Components == nil {
			r.Components = []evaluation.Component{}
		}
		r.SummarySentAt = nil
	}
	if _, err := s.db.NewInsert().Model(&rows).
		ExcludeColumn("summary_sent_at").
		Apply(upsert("term_id, officer_email", "department_id", "total", "components", "computed_at")).
		Returning("NULL").
		Exec(ctx); err != nil {
		return fmt.Errorf("store: save %d evaluations: %w", len(rows), err)
	}
	return nil
}

// Evaluations lists a department's evaluations in a term by officer email.
func (s *Store) Evaluations(ctx context.Context, termID, departmentID string) ([]Evaluation, error) {
	var out []Evaluation
	if err := s.db.NewSelect().Model(&out).
		Where("term_id = ? AND department_id = ?", termID, departmentID).
		Order("officer_email").
		Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: evaluations of %s/%s: %w", termID, departmentID, err)
	}
	return out, nil
}

// MarkSummariesSent records when the officers' summaries went out; a
// summary already marked keeps its first time.
func (s *Store) MarkSummariesSent(ctx context.Context, termID string, emails []string, at time.Time) error {
	emails = dedupe(emails)
	if len(emails) == 0 {
		return nil
	}
	if termID == "" || at.IsZero() {
		return invalidf("mark summaries sent: no term ID or time")
	}
	if _, err := s.db.NewUpdate().Model((*Evaluation)(nil)).
		Set("summary_sent_at = ?", at).
		Where("term_id = ? AND officer_email IN (?)", termID, bun.List(emails)).
		Where("summary_sent_at IS NULL").
		Exec(ctx); err != nil {
		return fmt.Errorf("store: mark %d summaries sent: %w", len(emails), err)
	}
	return nil
}

// SaveEvaluationReport keeps the leaders' report of a department as
// rendered, replacing an earlier render only where it differs. Its sent
// time is kept.
func (s *Store) SaveEvaluationReport(ctx context.Context, r EvaluationReport) error {
	if r.TermID == "" || r.DepartmentID == "" {
		return invalidf("save evaluation report: no term or department")
	}
	r.SentAt = nil
	if _, err := s.db.NewInsert().Model(&r).
		ExcludeColumn("sent_at").
		Apply(upsert("term_id, department_id", "subject", "html", "text")).
		Returning("NULL").
		Exec(ctx); err != nil {
		return fmt.Errorf("store: save evaluation report of %s/%s: %w", r.TermID, r.DepartmentID, err)
	}
	return nil
}

// MarkEvaluationReportSent records when the report went out; a report
// already marked keeps its first time.
func (s *Store) MarkEvaluationReportSent(ctx context.Context, termID, departmentID string, at time.Time) error {
	if at.IsZero() {
		return invalidf("mark evaluation report sent: no time")
	}
	if _, err := s.db.NewUpdate().Model((*EvaluationReport)(nil)).
		Set("sent_at = ?", at).
		Where("term_id = ? AND department_id = ?", termID, departmentID).
		Where("sent_at IS NULL").
		Exec(ctx); err != nil {
		return fmt.Errorf("store: mark evaluation report of %s/%s sent: %w", termID, departmentID, err)
	}
	return nil
}

// EvaluationReport returns a department's report; sql.ErrNoRows (wrapped)
// when there is none.
func (s *Store) EvaluationReport(ctx context.Context, termID, departmentID string) (EvaluationReport, error) {
	var r EvaluationReport
	if err := s.db.NewSelect().Model(&r).
		Where("term_id = ? AND department_id = ?", termID, departmentID).
		Scan(ctx); err != nil {
		return EvaluationReport{}, fmt.Errorf("store: evaluation report of %s/%s: %w", termID, departmentID, err)
	}
	return r, nil
}
