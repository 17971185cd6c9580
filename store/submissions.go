package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Submission is one slot's answer in a collection, for example the
// publicity department's summary for October.
type Submission struct {
	bun.BaseModel `bun:"table:submissions,alias:sb"`

	TermID      string    `bun:"term_id,pk"`
	Kind        string    `bun:"kind,pk"`
	Scope       string    `bun:"scope,pk"`
	Slot        string    `bun:"slot,pk"`
	AuthorEmail string    `bun:"author_email"`
	Body        string    `bun:"body"`
	Scores      []float64 `bun:"scores,type:jsonb"`
	SubmittedAt time.Time `bun:"submitted_at"`
	DueAt       time.Time `bun:"due_at"`
	Late        bool      `bun:"late"`
	WorkflowID  string    `bun:"workflow_id"`
	RecordedAt  time.Time `bun:"recorded_at,nullzero,scanonly"`
}

// RecordSubmissions stores a batch of submissions and their audit entries
// in one transaction. A submission already stored for its slot is kept as
// it is and its audit entry, keyed like the first, is dropped: a retry
// changes nothing.
func (s *Store) RecordSubmissions(ctx context.Context, subs []Submission, audit []AuditEntry) error {
	if len(subs) == 0 && len(audit) == 0 {
		return nil
	}
	for i, sub := range subs {
		if sub.TermID == "" || sub.Kind == "" || sub.Slot == "" || sub.AuthorEmail == "" || sub.SubmittedAt.IsZero() || sub.DueAt.IsZero() {
			return invalidf("submission %d (%s/%s/%s) lacks a term, kind, slot, author or time", i, sub.Kind, sub.Scope, sub.Slot)
		}
		if sub.Scores == nil {
			subs[i].Scores = []float64{}
		}
	}
	for _, e := range audit {
		if err := checkAudit(e); err != nil {
			return err
		}
	}
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if len(subs) > 0 {
			if _, err := tx.NewInsert().Model(&subs).
				On("CONFLICT (term_id, kind, scope, slot) DO NOTHING").
				Exec(ctx); err != nil {
				return fmt.Errorf("store: record submissions: %w", err)
			}
		}
		for _, e := range audit {
			if _, err := insertAudit(ctx, tx, e); err != nil {
				return fmt.Errorf("store: record submissions: %w", err)
			}
		}
		return nil
	})
}

// Submissions lists a collection's submissions by slot.
func (s *Store) Submissions(ctx context.Context, termID, kind, scope string) ([]Submission, error) {
	var out []Submission
	if err := s.db.NewSelect().Model(&out).
		Where("term_id = ? AND kind = ? AND scope = ?", termID, kind, scope).
		Order("slot").
		Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: submissions %s/%s of %s: %w", kind, scope, termID, err)
	}
	return out, nil
}

// CollectionSlot is how one slot of a collection ended.
type CollectionSlot struct {
	bun.BaseModel `bun:"table:collection_slots,alias:cs"`

	TermID    string    `bun:"term_id,pk"`
	Kind      string    `bun:"kind,pk"`
	Scope     string    `bun:"scope,pk"`
	Slot      string    `bun:"slot,pk"`
	Label     string    `bun:"label"`
	Owners    []string  `bun:"owners,type:jsonb"`
	DueAt     time.Time `bun:"due_at"`
	Submitted bool      `bun:"submitted"`
	Late      bool      `bun:"late"`
}

// RecordCollectionSlots stores how a collection's slots ended, in one
// statement; a slot already recorded is kept.
func (s *Store) RecordCollectionSlots(ctx context.Context, slots []CollectionSlot) error {
	if len(slots) == 0 {
		return nil
	}
	for i, sl := range slots {
		if sl.TermID == "" || sl.Kind == "" || sl.Slot == "" || sl.DueAt.IsZero() {
			return invalidf("collection slot %d (%s/%s/%s) lacks a term, kind, slot or due date", i, sl.Kind, sl.Scope, sl.Slot)
		}
		if sl.Owners == nil {
			slots[i].Owners = []string{}
		}
	}
	if _, err := s.db.NewInsert().Model(&slots).
		On("CONFLICT (term_id, kind, scope, slot) DO NOTHING").
		Exec(ctx); err != nil {
		return fmt.Errorf("store: record collection slots: %w", err)
	}
	return nil
}
