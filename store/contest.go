package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Contest result statuses.
const (
	ContestRecorded = "recorded"
	ContestMissing  = "missing"
)

// ContestResult is the knowledge contest of a term as recorded after it:
// the leaders' results and winners, or the fact that none came in.
type ContestResult struct {
	bun.BaseModel `bun:"table:contest,alias:ct"`

	TermID string    `bun:"term_id,pk"`
	Name   string    `bun:"name"`
	HeldAt time.Time `bun:"held_at"`
	// Status is ContestRecorded or ContestMissing.
	Status  string `bun:"status"`
	Results string `bun:"results"`
	// Winners are department IDs, best first.
	Winners    []string `bun:"winners,type:jsonb"`
	RecordedBy string   `bun:"recorded_by"`
	// RecordedAt is the plan time of the recording (for missing results,
	// the due date).
	RecordedAt time.Time `bun:"recorded_at"`
}

// RecordContestResult stores the contest's result and, when given, the
// audit entry of the person who recorded it, in one transaction. The first
// result of a term wins: a retry, or a "missing" after a recording, changes
// nothing.
func (s *Store) RecordContestResult(ctx context.Context, r ContestResult, audit *AuditEntry) error {
	switch {
	case r.TermID == "" || r.Name == "" || r.HeldAt.IsZero() || r.RecordedAt.IsZero():
		return invalidf("contest result of %q lacks a term, name, date or recording time", r.TermID)
	case r.Status != ContestRecorded && r.Status != ContestMissing:
		return invalidf("contest result status %q is neither %q nor %q", r.Status, ContestRecorded, ContestMissing)
	case r.Status == ContestRecorded && r.RecordedBy == "":
		return invalidf("contest result of %q says nobody recorded it", r.TermID)
	}
	if audit != nil {
		if err := checkAudit(*audit); err != nil {
			return err
		}
	}
	if r.Winners == nil {
		r.Winners = []string{}
	}
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(&r).On("CONFLICT (term_id) DO NOTHING").Exec(ctx); err != nil {
			return fmt.Errorf("store: record contest result of %s: %w", r.TermID, err)
		}
		if audit != nil {
			if _, err := insertAudit(ctx, tx, *audit); err != nil {
				return fmt.Errorf("store: record contest result of %s: %w", r.TermID, err)
			}
		}
		return nil
	})
}

// ContestResultOf returns the term's contest result; ok is false when none
// is recorded yet.
func (s *Store) ContestResultOf(ctx context.Context, termID string) (r ContestResult, ok bool, err error) {
	err = s.db.NewSelect().Model(&r).Where("term_id = ?", termID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return ContestResult{}, false, nil
	}
	if err != nil {
		return ContestResult{}, false, fmt.Errorf("store: contest result of %s: %w", termID, err)
	}
	return r, true, nil
}
