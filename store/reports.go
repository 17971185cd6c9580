package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// PartReport is the latest report of one part of a running term, kept as
// the JSON the part sent.
type PartReport struct {
	bun.BaseModel `bun:"table:part_reports,alias:pr"`

	// TermKey names one execution of a term: its workflow ID and first run ID.
	TermKey string          `bun:"term_key,pk"`
	Part    string          `bun:"part,pk"`
	Seq     int             `bun:"seq"`
	Done    bool            `bun:"done"`
	Report  json.RawMessage `bun:"report,type:jsonb"`
	// Version orders the changes of one term; the store assigns it.
	Version    int64     `bun:"version"`
	ReportedAt time.Time `bun:"reported_at,nullzero,default:current_timestamp"`
}

// SavePartReport stores a part's report unless a report with the same or a
// higher Seq is already stored, and says whether it did. A retry, or a
// report overtaken by a newer one, changes nothing.
func (s *Store) SavePartReport(ctx context.Context, r PartReport) (bool, error) {
	if r.TermKey == "" || r.Part == "" || r.Seq < 1 || len(r.Report) == 0 || !json.Valid(r.Report) {
		return false, invalidf("part report %q of term %q needs a term, a part, a seq of 1 or more and a JSON report", r.Part, r.TermKey)
	}
	saved := false
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// One writer per term at a time, so versions commit in the order
		// they are taken and a reader's cursor never passes an uncommitted
		// one.
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", "part_reports/"+r.TermKey); err != nil {
			return err
		}
		res, err := tx.NewInsert().Model(&r).
			ExcludeColumn("reported_at").
			Value("version", "nextval('part_report_version')").
			On("CONFLICT (term_key, part) DO UPDATE").
			Set("seq = EXCLUDED.seq, done = EXCLUDED.done, report = EXCLUDED.report, version = EXCLUDED.version, reported_at = now()").
			Where("pr.seq < EXCLUDED.seq").
			Returning("NULL").
			Exec(ctx)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		saved = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: save report of %s: %w", r.Part, err)
	}
	return saved, nil
}

// PartReportsSince returns a term's reports changed after version after,
// oldest change first, at most limit of them.
func (s *Store) PartReportsSince(ctx context.Context, termKey string, after int64, limit int) ([]PartReport, error) {
	if termKey == "" || limit < 1 {
		return nil, invalidf("part reports need a term and a limit of 1 or more")
	}
	var out []PartReport
	err := s.db.NewSelect().Model(&out).
		Where("term_key = ?", termKey).
		Where("version > ?", after).
		Order("version").
		Limit(int64(limit)).
		Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: part reports of %s: %w", termKey, err)
	}
	return out, nil
}
