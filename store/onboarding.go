package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"semesterflow/contract"
)

// AssignOnboarding inserts onboarding rows in one statement. Existing rows
// are left as they are (ON CONFLICT DO NOTHING), so a retry after an
// acknowledgement never resets it. Empty Status and Outcome default to
// OnboardingAssigned and OutcomePending. Each row's term must exist.
func (s *Store) AssignOnboarding(ctx context.Context, rows []Onboarding) error {
	if len(rows) == 0 {
		return nil
	}
	rows = append([]Onboarding(nil), rows...)
	for i := range rows {
		r := &rows[i]
		if r.TermID == "" || r.OfficerEmail == "" {
			return invalidf("assign onboarding: row %d has no term ID or officer email", i)
		}
		if r.Status == "" {
			r.Status = OnboardingAssigned
		}
		if r.Outcome == "" {
			r.Outcome = contract.OutcomePending
		}
	}
	if _, err := s.db.NewInsert().
		Model(&rows).
		ExcludeColumn("updated_at").
		On("CONFLICT (term_id, officer_email) DO NOTHING").
		Returning("NULL").
		Exec(ctx); err != nil {
		return fmt.Errorf("store: assign onboarding: %w", err)
	}
	return nil
}

// Acknowledgement is an officer's confirmation that they took the training.
type Acknowledgement struct {
	TermID       string
	OfficerEmail string
	// Outcome is OutcomeOnTime or OutcomeLate; the workflow decides which
	// from its deadline.
	Outcome string
	// Note is optional free text from the officer.
	Note string
	// At is the plan time of the acknowledgement.
	At time.Time
}

// RecordAcknowledgement marks one officer's onboarding acknowledged with
// outcome on_time or late at the given plan time, with the optional note,
// and writes the audit entry, in one transaction.
//
// It is idempotent on audit.Key: a second call with the same key changes
// nothing. It only acknowledges a row still assigned, so it never turns an
// acknowledgement back, overwrites an earlier acknowledgement time or
// reopens a closed row; such a call still records its audit entry, as the
// person did act. An officer without an onboarding row is an error wrapping
// sql.ErrNoRows, and then no audit entry is written.
//
// The audit entry's empty fields default to the acknowledgement's: TermID,
// Subject and Actor to the term and officer email, Action to
// ActionAcknowledgeTraining, PlanTime to ack.At.
func (s *Store) RecordAcknowledgement(ctx context.Context, ack Acknowledgement, audit AuditEntry) error {
	if ack.TermID == "" || ack.OfficerEmail == "" {
		return invalidf("record acknowledgement: term ID or officer email is empty")
	}
	if ack.Outcome != contract.OutcomeOnTime && ack.Outcome != contract.OutcomeLate {
		return invalidf("record acknowledgement of %q: outcome %q is neither %q nor %q",
			ack.OfficerEmail, ack.Outcome, contract.OutcomeOnTime, contract.OutcomeLate)
	}
	if ack.At.IsZero() {
		return invalidf("record acknowledgement of %q: no time", ack.OfficerEmail)
	}
	audit = withDefault(audit, AuditEntry{
		TermID:   ack.TermID,
		Actor:    ack.OfficerEmail,
		Action:   ActionAcknowledgeTraining,
		Subject:  ack.OfficerEmail,
		PlanTime: ack.At,
	})
	if err := checkAudit(audit); err != nil {
		return err
	}

	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// The audit key doubles as the acknowledgement's idempotency key:
		// if it is already there, this exact call has already committed.
		inserted, err := insertAudit(ctx, tx, audit)
		if err != nil {
			return err
		}
		if !inserted {
			return nil
		}
		res, err := tx.NewUpdate().
			Model((*Onboarding)(nil)).
			Set("status = ?", OnboardingAcknowledged).
			Set("outcome = ?", ack.Outcome).
			Set("acknowledged_at = ?", ack.At).
			Set("note = ?", ack.Note).
			Set("updated_at = now()").
			Where("term_id = ? AND officer_email = ?", ack.TermID, ack.OfficerEmail).
			Where("status = ?", OnboardingAssigned).
			Exec(ctx)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			return nil
		}
		// Distinguish "already acknowledged or closed" (fine, keep the
		// audit entry) from "no such onboarding" (a caller bug: roll back).
		exists, err := tx.NewSelect().
			Model((*Onboarding)(nil)).
			Where("term_id = ? AND officer_email = ?", ack.TermID, ack.OfficerEmail).
			Exists(ctx)
		if err != nil {
			return err
		}
		if !exists {
			return fmt.Errorf("no onboarding: %w", sql.ErrNoRows)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: record acknowledgement of %q in term %q: %w", ack.OfficerEmail, ack.TermID, err)
	}
	return nil
}

// MarkReminded records that reminder number reminder went to the listed
// officers: reminders_sent becomes greatest(reminders_sent, reminder), so
// repeating it or recording an older reminder changes nothing.
func (s *Store) MarkReminded(ctx context.Context, termID string, emails []string, reminder int) error {
	emails = dedupe(emails)
	if len(emails) == 0 {
		return nil
	}
	if reminder < 0 {
		return invalidf("mark reminded: reminder %d is negative", reminder)
	}
	// Filtering on reminders_sent < reminder rather than writing
	// greatest(...) leaves rows already there untouched.
	if _, err := s.db.NewUpdate().
		Model((*Onboarding)(nil)).
		Set("reminders_sent = ?", reminder).
		Set("updated_at = now()").
		Where("term_id = ?", termID).
		Where("officer_email IN (?)", bun.List(emails)).
		Where("reminders_sent < ?", reminder).
		Exec(ctx); err != nil {
		return fmt.Errorf("store: mark reminded in term %q: %w", termID, err)
	}
	return nil
}

// MarkEscalated records that the listed officers' lateness was escalated
// at the given plan time. Rows already escalated keep their first time.
func (s *Store) MarkEscalated(ctx context.Context, termID string, emails []string, at time.Time) error {
	emails = dedupe(emails)
	if len(emails) == 0 {
		return nil
	}
	if at.IsZero() {
		return invalidf("mark escalated: no time")
	}
	if _, err := s.db.NewUpdate().
		Model((*Onboarding)(nil)).
		Set("escalated_at = ?", at).
		Set("updated_at = now()").
		Where("term_id = ?", termID).
		Where("officer_email IN (?)", bun.List(emails)).
		Where("escalated_at IS NULL").
		Exec(ctx); err != nil {
		return fmt.Errorf("store: mark escalated in term %q: %w", termID, err)
	}
	return nil
}

// CloseOnboarding sets outcome never and status closed for the listed
// officers whose onboarding is still assigned; acknowledged and already
// closed rows are untouched.
func (s *Store) CloseOnboarding(ctx context.Context, termID string, emails []string) error {
	emails = dedupe(emails)
	if len(emails) == 0 {
		return nil
	}
	if _, err := s.db.NewUpdate().
		Model((*Onboarding)(nil)).
		Set("status = ?", OnboardingClosed).
		Set("outcome = ?", contract.OutcomeNever).
		Set("updated_at = now()").
		Where("term_id = ?", termID).
		Where("officer_email IN (?)", bun.List(emails)).
		Where("status = ?", OnboardingAssigned).
		Exec(ctx); err != nil {
		return fmt.Errorf("store: close onboarding in term %q: %w", termID, err)
	}
	return nil
}

// Onboardings returns the term's onboarding rows ordered as the directory
// lists people: by the position of the row's department, then by the
// officer's position, then by email. Rows whose department or officer is no
// longer in the directory come after the others.
func (s *Store) Onboardings(ctx context.Context, termID string) ([]Onboarding, error) {
	var rows []Onboarding
	if err := s.db.NewSelect().
		Model(&rows).
		Join("LEFT JOIN departments AS d ON d.term_id = ob.term_id AND d.id = ob.department_id").
		Join("LEFT JOIN officers AS o ON o.term_id = ob.term_id AND o.email = ob.officer_email").
		Where("ob.term_id = ?", termID).
		OrderExpr("d.position NULLS LAST, ob.department_id, o.position NULLS LAST, ob.officer_email").
		Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: onboardings of term %q: %w", termID, err)
	}
	return rows, nil
}
