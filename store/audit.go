package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// RecordAudit writes one audit entry. An entry whose Key is already
// recorded is dropped (ON CONFLICT (key) DO NOTHING), so a retry changes
// nothing. Key, TermID, Actor, Action and PlanTime are required; ID and
// RecordedAt are set by the database.
func (s *Store) RecordAudit(ctx context.Context, e AuditEntry) error {
	if err := checkAudit(e); err != nil {
		return err
	}
	if _, err := insertAudit(ctx, s.db, e); err != nil {
		return fmt.Errorf("store: record audit %q: %w", e.Key, err)
	}
	return nil
}

// AuditEntries returns the term's audit entries in the order they were
// recorded (by ID).
func (s *Store) AuditEntries(ctx context.Context, termID string) ([]AuditEntry, error) {
	var entries []AuditEntry
	if err := s.db.NewSelect().
		Model(&entries).
		Where("term_id = ?", termID).
		Order("id").
		Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: audit entries of term %q: %w", termID, err)
	}
	return entries, nil
}

// insertAudit inserts e unless its key exists and reports whether it did.
func insertAudit(ctx context.Context, db bun.IDB, e AuditEntry) (bool, error) {
	if e.Payload == nil {
		// The column is NOT NULL; bun would send a nil map as NULL.
		e.Payload = map[string]any{}
	}
	res, err := db.NewInsert().
		Model(&e).
		ExcludeColumn("id", "recorded_at").
		On("CONFLICT (key) DO NOTHING").
		Returning("NULL").
		Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("audit: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("audit: %w", err)
	}
	return n == 1, nil
}

func checkAudit(e AuditEntry) error {
	switch {
	case e.Key == "":
		return invalidf("audit entry has no key")
	case e.TermID == "", e.Actor == "", e.Action == "":
		return invalidf("audit entry %q needs a term ID, an actor and an action", e.Key)
	case e.PlanTime.IsZero():
		return invalidf("audit entry %q has no plan time", e.Key)
	}
	return nil
}

// withDefault fills e's empty identifying fields from def.
func withDefault(e, def AuditEntry) AuditEntry {
	if e.TermID == "" {
		e.TermID = def.TermID
	}
	if e.Actor == "" {
		e.Actor = def.Actor
	}
	if e.Action == "" {
		e.Action = def.Action
	}
	if e.Subject == "" {
		e.Subject = def.Subject
	}
	if e.PlanTime.IsZero() {
		e.PlanTime = def.PlanTime
	}
	return e
}
