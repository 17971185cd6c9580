package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Kickoff is a term's ministerial kickoff meeting as it was announced.
type Kickoff struct {
	bun.BaseModel `bun:"table:kickoff,alias:k"`

	TermID   string    `bun:"term_id,pk"`
	StartsAt time.Time `bun:"starts_at"`
	EndsAt   time.Time `bun:"ends_at"`
	Place    string    `bun:"place"`
	// Agenda lists the term's main tasks presented at the meeting.
	Agenda []string `bun:"agenda,type:jsonb"`
	// Invited counts the distinct people invited: heads and leaders.
	Invited    int    `bun:"invited"`
	WorkflowID string `bun:"workflow_id"`
	// RecordedAt is stamped by the database when the row is first written.
	RecordedAt time.Time `bun:"recorded_at"`
}

// SaveKickoff records the term's kickoff meeting, or updates it when the
// plan moved it. Saving the same meeting again changes nothing.
func (s *Store) SaveKickoff(ctx context.Context, k Kickoff) error {
	if k.TermID == "" || k.StartsAt.IsZero() || k.EndsAt.IsZero() {
		return invalidf("save kickoff: term %q lacks an ID, a start or an end", k.TermID)
	}
	if k.EndsAt.Before(k.StartsAt) {
		return invalidf("save kickoff of term %q: it ends (%s) before it starts (%s)", k.TermID, k.EndsAt, k.StartsAt)
	}
	if k.Invited < 0 {
		return invalidf("save kickoff of term %q: %d invited", k.TermID, k.Invited)
	}
	for i, item := range k.Agenda {
		if strings.TrimSpace(item) == "" {
			return invalidf("save kickoff of term %q: agenda item %d is empty", k.TermID, i+1)
		}
	}
	if k.Agenda == nil {
		// The column is NOT NULL; bun would send a nil slice as NULL.
		k.Agenda = []string{}
	}
	if _, err := s.db.NewInsert().
		Model(&k).
		ExcludeColumn("recorded_at").
		Apply(upsert("term_id", "starts_at", "ends_at", "place", "agenda", "invited", "workflow_id")).
		Returning("NULL").
		Exec(ctx); err != nil {
		return fmt.Errorf("store: save kickoff of term %q: %w", k.TermID, err)
	}
	return nil
}

// Kickoff returns the term's kickoff meeting; an unknown term is an error
// wrapping sql.ErrNoRows.
func (s *Store) Kickoff(ctx context.Context, termID string) (Kickoff, error) {
	var k Kickoff
	if err := s.db.NewSelect().Model(&k).Where("term_id = ?", termID).Scan(ctx); err != nil {
		return Kickoff{}, fmt.Errorf("store: kickoff of term %q: %w", termID, err)
	}
	return k, nil
}
