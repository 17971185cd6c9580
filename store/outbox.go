package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// ClaimOutbox records the emails about to be sent (insert, ON CONFLICT DO
// NOTHING) and returns the keys of those not yet sent, in input order and
// without repeats; the caller sends only these and then calls MarkSent.
// Rows are stored as pending whatever their Status and SentAt say; a key
// already recorded keeps its stored fields.
//
// A claim is not a lease: two callers claiming the same key at once both
// get it back. Temporal runs one attempt of an activity at a time, which is
// what this relies on.
func (s *Store) ClaimOutbox(ctx context.Context, rows []OutboxEmail) ([]string, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	rows = append([]OutboxEmail(nil), rows...)
	keys := make([]string, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		if r.Key == "" {
			return nil, invalidf("claim outbox: row %d has no key", i)
		}
		r.Status = OutboxPending
		r.SentAt = nil
		keys = append(keys, r.Key)
	}
	keys = dedupe(keys)

	var pending []string
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().
			Model(&rows).
			ExcludeColumn("created_at", "sent_at").
			On("CONFLICT (key) DO NOTHING").
			Returning("NULL").
			Exec(ctx); err != nil {
			return err
		}
		return tx.NewSelect().
			Model((*OutboxEmail)(nil)).
			Column("key").
			Where("key IN (?)", bun.List(keys)).
			Where("status = ?", OutboxPending).
			Scan(ctx, &pending)
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim outbox: %w", err)
	}

	// The select returns rows in no particular order; give them back in
	// the caller's.
	isPending := make(map[string]bool, len(pending))
	for _, k := range pending {
		isPending[k] = true
	}
	out := make([]string, 0, len(pending))
	for _, k := range keys {
		if isPending[k] {
			out = append(out, k)
		}
	}
	return out, nil
}

// MarkSent records that the email with the key was sent at the given real
// time, when the SMTP server accepted it (a retry may record it long after).
// Marking it again keeps the first time. An unknown key is an error wrapping
// sql.ErrNoRows.
func (s *Store) MarkSent(ctx context.Context, key string, at time.Time) error {
	if at.IsZero() {
		return invalidf("mark sent %q: no time", key)
	}
	res, err := s.db.NewUpdate().
		Model((*OutboxEmail)(nil)).
		Set("status = ?", OutboxSent).
		Set("sent_at = ?", at).
		Where("key = ?", key).
		Where("status = ?", OutboxPending).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: mark sent %q: %w", key, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: mark sent %q: %w", key, err)
	} else if n == 1 {
		return nil
	}
	// Nothing updated: already sent (fine) or never claimed (caller bug).
	exists, err := s.db.NewSelect().Model((*OutboxEmail)(nil)).Where("key = ?", key).Exists(ctx)
	if err != nil {
		return fmt.Errorf("store: mark sent %q: %w", key, err)
	}
	if !exists {
		return fmt.Errorf("store: mark sent %q: not in the outbox: %w", key, sql.ErrNoRows)
	}
	return nil
}

// Outbox returns the workflow's emails ordered by when they were claimed,
// then by key.
func (s *Store) Outbox(ctx context.Context, workflowID string) ([]OutboxEmail, error) {
	var rows []OutboxEmail
	if err := s.db.NewSelect().
		Model(&rows).
		Where("workflow_id = ?", workflowID).
		Order("created_at", "key").
		Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: outbox of workflow %q: %w", workflowID, err)
	}
	return rows, nil
}
