package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// PlanVersion is one version of a term's plan.
type PlanVersion struct {
	bun.BaseModel `bun:"table:plan_versions,alias:pv"`

	TermID  string `bun:"term_id,pk"`
	Version int    `bun:"version,pk"`
	// Hash identifies the plan's content (see contract.PlanHash).
	Hash string `bun:"hash"`
	// Plan is the validated plan as JSON; Source the file as written.
	Plan   json.RawMessage `bun:"plan,type:jsonb"`
	Source string          `bun:"source"`
	MadeBy string          `bun:"made_by"`
	// PlanTime is when it was made on the plan clock.
	PlanTime time.Time `bun:"plan_time"`
	// Changes are the amendment's changes against the version before, as
	// JSON; [] for version 1.
	Changes    json.RawMessage `bun:"changes,type:jsonb"`
	RecordedAt time.Time       `bun:"recorded_at,nullzero"`
}

// SavePlanVersions stores versions of a term's plan and, when audit is not
// nil, the audit entry of the amendment, in one transaction. A version
// already stored is kept as it is (ON CONFLICT DO NOTHING), so a retry
// changes nothing.
func (s *Store) SavePlanVersions(ctx context.Context, versions []PlanVersion, audit *AuditEntry) error {
	for i := range versions {
		v := &versions[i]
		switch {
		case v.TermID == "" || v.Version < 1 || v.Hash == "" || v.MadeBy == "" || v.PlanTime.IsZero():
			return invalidf("plan version %d of term %q needs a term, a version from 1, a hash, its author and a plan time", v.Version, v.TermID)
		case len(v.Plan) == 0:
			return invalidf("plan version %d of term %q has no plan", v.Version, v.TermID)
		case len(v.Changes) == 0:
			v.Changes = json.RawMessage("[]")
		}
	}
	if audit != nil {
		if err := checkAudit(*audit); err != nil {
			return err
		}
	}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if len(versions) > 0 {
			if _, err := tx.NewInsert().Model(&versions).
				ExcludeColumn("recorded_at").
				On("CONFLICT (term_id, version) DO NOTHING").
				Returning("NULL").
				Exec(ctx); err != nil {
				return err
			}
		}
		if audit != nil {
			if _, err := insertAudit(ctx, tx, *audit); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save plan versions: %w", err)
	}
	return nil
}

// PlanVersions returns every version of the term's plan, oldest first.
func (s *Store) PlanVersions(ctx context.Context, termID string) ([]PlanVersion, error) {
	var out []PlanVersion
	if err := s.db.NewSelect().Model(&out).Where("term_id = ?", termID).Order("version").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: plan versions of term %q: %w", termID, err)
	}
	return out, nil
}

// PlanChunk is one piece of a plan's JSON (see contract.PlanRef).
type PlanChunk struct {
	bun.BaseModel `bun:"table:plan_chunks,alias:pc"`

	TermID     string    `bun:"term_id,pk"`
	Hash       string    `bun:"hash,pk"`
	Index      int       `bun:"idx,pk"`
	Data       string    `bun:"data"`
	RecordedAt time.Time `bun:"recorded_at,nullzero"`
}

// SavePlanChunk stores one chunk. A chunk stored already is kept: the same
// term, hash and index always hold the same bytes, whose hash the reader
// checks.
func (s *Store) SavePlanChunk(ctx context.Context, c PlanChunk) error {
	if c.TermID == "" || c.Hash == "" || c.Index < 0 || c.Data == "" {
		return invalidf("plan chunk %d of term %q needs a term, a hash, an index from 0 and data", c.Index, c.TermID)
	}
	if _, err := s.db.NewInsert().Model(&c).
		ExcludeColumn("recorded_at").
		On("CONFLICT (term_id, hash, idx) DO NOTHING").
		Returning("NULL").
		Exec(ctx); err != nil {
		return fmt.Errorf("store: save chunk %d of plan %s of term %q: %w", c.Index, c.Hash, c.TermID, err)
	}
	return nil
}

// ErrNoPlanChunk is returned, wrapped, for a chunk that is not stored.
var ErrNoPlanChunk = errors.New("store: plan chunk not stored")

// LoadPlanChunk reads one chunk; ErrNoPlanChunk when it is not stored.
func (s *Store) LoadPlanChunk(ctx context.Context, termID, hash string, index int) (string, error) {
	var c PlanChunk
	err := s.db.NewSelect().Model(&c).
		Where("term_id = ? AND hash = ? AND idx = ?", termID, hash, index).
		Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: chunk %d of plan %s of term %q: %w", index, hash, termID, ErrNoPlanChunk)
	}
	if err != nil {
		return "", fmt.Errorf("store: chunk %d of plan %s of term %q: %w", index, hash, termID, err)
	}
	return c.Data, nil
}
