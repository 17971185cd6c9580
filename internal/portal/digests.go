package portal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Digest is a month's published digest as the portal serves it.
type Digest struct {
	TermID string
	Month  string
	// HTML is the complete page; empty in a listing.
	HTML        string
	PublishedAt time.Time
}

// ErrNoDigest is returned, wrapped, for a month whose digest is not
// published yet.
var ErrNoDigest = errors.New("no digest published for that month")

// DigestTable reads the digests the worker archives in the month_digests
// table (see store.SaveMonthDigest) with plain SQL, so the portal links a
// Postgres driver but neither bun nor the store.
type DigestTable struct {
	db *sql.DB
}

// NewDigestTable reads digests from db, a Postgres database that store
// migrated.
func NewDigestTable(db *sql.DB) *DigestTable { return &DigestTable{db: db} }

// MonthDigests lists a term's digests, newest month first, without pages.
func (t *DigestTable) MonthDigests(ctx context.Context, termID string) ([]Digest, error) {
	rows, err := t.db.QueryContext(ctx,
		"SELECT month, published_at FROM month_digests WHERE term_id = $1 ORDER BY month DESC", termID)
	if err != nil {
		return nil, fmt.Errorf("digests of %s: %w", termID, err)
	}
	defer rows.Close()
	var out []Digest
	for rows.Next() {
		d := Digest{TermID: termID}
		if err := rows.Scan(&d.Month, &d.PublishedAt); err != nil {
			return nil, fmt.Errorf("digests of %s: %w", termID, err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("digests of %s: %w", termID, err)
	}
	return out, nil
}

// MonthDigestOf returns a month's digest with its page.
func (t *DigestTable) MonthDigestOf(ctx context.Context, termID, month string) (Digest, error) {
	d := Digest{TermID: termID, Month: month}
	err := t.db.QueryRowContext(ctx,
		"SELECT html, published_at FROM month_digests WHERE term_id = $1 AND month = $2", termID, month).
		Scan(&d.HTML, &d.PublishedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Digest{}, fmt.Errorf("%w: %s/%s", ErrNoDigest, termID, month)
	}
	if err != nil {
		return Digest{}, fmt.Errorf("digest of %s/%s: %w", termID, month, err)
	}
	return d, nil
}
