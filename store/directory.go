package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Directory is a term with its leaders, departments and officers.
type Directory struct {
	Term        Term
	Leaders     []Leader
	Departments []Department
	Officers    []Officer
	// AmendedAt, when set, is the plan time of an amendment of a running
	// term: officers no longer listed are marked as left then instead of
	// deleted (their records stay), departments are kept for them, and
	// officers new to the term are marked as joined then.
	AmendedAt time.Time
}

// SaveDirectory writes the term's directory in one transaction: it upserts
// the term, leaders, departments and officers on their natural keys and
// removes the term's leaders, officers and departments no longer listed, as
// the directory is re-established from the plan each time. Rows whose
// TermID is empty get d.Term.ID; a different TermID is an error, as are
// duplicate keys and officers of an unlisted department.
//
// Running it twice with the same input changes nothing: unchanged rows are
// not rewritten, so the term's UpdatedAt moves only when its fields change.
func (s *Store) SaveDirectory(ctx context.Context, d Directory) error {
	d, err := normalizeDirectory(d)
	if err != nil {
		return err
	}
	termID := d.Term.ID

	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().
			Model(&d.Term).
			ExcludeColumn("created_at", "updated_at").
			Apply(upsert("id", "name", "starts_on", "ends_on", "time_zone", "workflow_id")).
			Set("updated_at = now()").
			Returning("NULL").
			Exec(ctx); err != nil {
			return fmt.Errorf("term: %w", err)
		}

		// Order matters for the officers' foreign key: departments exist
		// before officers move into them, and officers leave a department
		// before it is deleted.
		if len(d.Departments) > 0 {
			if _, err := tx.NewInsert().
				Model(&d.Departments).
				Apply(upsert("term_id, id", "name", "head_name", "head_email", "position")).
				Returning("NULL").
				Exec(ctx); err != nil {
				return fmt.Errorf("departments: %w", err)
			}
		}
		if len(d.Officers) > 0 {
			if !d.AmendedAt.IsZero() {
				for i := range d.Officers {
					d.Officers[i].JoinedAt = &d.AmendedAt
				}
			}
			// joined_at is never updated: an officer keeps the day they
			// first joined. left_at is cleared for everyone listed.
			if _, err := tx.NewInsert().
				Model(&d.Officers).
				Apply(upsert("term_id, email", "department_id", "name", "role", "position", "left_at")).
				Returning("NULL").
				Exec(ctx); err != nil {
				return fmt.Errorf("officers: %w", err)
			}
		}
		if d.AmendedAt.IsZero() {
			if err := deleteUnlisted(ctx, tx, (*Officer)(nil), "email", termID, officerEmails(d.Officers)); err != nil {
				return fmt.Errorf("officers: %w", err)
			}
			if err := deleteUnlisted(ctx, tx, (*Department)(nil), "id", termID, departmentIDs(d.Departments)); err != nil {
				return fmt.Errorf("departments: %w", err)
			}
		} else if err := markLeft(ctx, tx, termID, officerEmails(d.Officers), d.AmendedAt); err != nil {
			return fmt.Errorf("officers: %w", err)
		}

		if len(d.Leaders) > 0 {
			if _, err := tx.NewInsert().
				Model(&d.Leaders).
				Apply(upsert("term_id, email", "name", "role", "position")).
				Returning("NULL").
				Exec(ctx); err != nil {
				return fmt.Errorf("leaders: %w", err)
			}
		}
		if err := deleteUnlisted(ctx, tx, (*Leader)(nil), "email", termID, leaderEmails(d.Leaders)); err != nil {
			return fmt.Errorf("leaders: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save directory of term %q: %w", termID, err)
	}
	return nil
}

// markLeft marks the term's officers not in keep as left at, unless they
// already left.
func markLeft(ctx context.Context, tx bun.Tx, termID string, keep []string, at time.Time) error {
	q := tx.NewUpdate().Model((*Officer)(nil)).Set("left_at = ?", at).
		Where("term_id = ?", termID).Where("left_at IS NULL")
	if len(keep) > 0 {
		q = q.Where("email NOT IN (?)", bun.List(keep))
	}
	_, err := q.Exec(ctx)
	return err
}

// deleteUnlisted deletes the term's rows of model whose key is not in keep.
// An empty keep deletes them all: bun.List (bun.In's successor) renders an
// empty list as NULL, and "NOT IN (NULL)" would match nothing.
func deleteUnlisted(ctx context.Context, tx bun.Tx, model any, keyCol, termID string, keep []string) error {
	q := tx.NewDelete().Model(model).Where("term_id = ?", termID)
	if len(keep) > 0 {
		q = q.Where("? NOT IN (?)", bun.Ident(keyCol), bun.List(keep))
	}
	_, err := q.Exec(ctx)
	return err
}

// normalizeDirectory copies d's slices (so the caller's are not modified),
// fills in term IDs and checks what the database would otherwise reject
// with a less helpful message.
func normalizeDirectory(d Directory) (Directory, error) {
	termID := d.Term.ID
	if termID == "" {
		return d, invalidf("save directory: term ID is empty")
	}
	d.Term.StartsOn = calendarDate(d.Term.StartsOn)
	d.Term.EndsOn = calendarDate(d.Term.EndsOn)

	fixTerm := func(what, key, rowTerm string) (string, error) {
		if rowTerm != "" && rowTerm != termID {
			return "", invalidf("save directory of term %q: %s %q belongs to term %q", termID, what, key, rowTerm)
		}
		return termID, nil
	}
	var err error

	d.Leaders = append([]Leader(nil), d.Leaders...)
	leaders := map[string]bool{}
	for i := range d.Leaders {
		l := &d.Leaders[i]
		if l.TermID, err = fixTerm("leader", l.Email, l.TermID); err != nil {
			return d, err
		}
		if l.Email == "" || leaders[l.Email] {
			return d, invalidf("save directory of term %q: leader email %q is empty or repeated", termID, l.Email)
		}
		leaders[l.Email] = true
	}

	d.Departments = append([]Department(nil), d.Departments...)
	departments := map[string]bool{}
	for i := range d.Departments {
		dep := &d.Departments[i]
		if dep.TermID, err = fixTerm("department", dep.ID, dep.TermID); err != nil {
			return d, err
		}
		if dep.ID == "" || departments[dep.ID] {
			return d, invalidf("save directory of term %q: department ID %q is empty or repeated", termID, dep.ID)
		}
		departments[dep.ID] = true
	}

	d.Officers = append([]Officer(nil), d.Officers...)
	officers := map[string]bool{}
	for i := range d.Officers {
		o := &d.Officers[i]
		if o.TermID, err = fixTerm("officer", o.Email, o.TermID); err != nil {
			return d, err
		}
		if o.Email == "" || officers[o.Email] {
			return d, invalidf("save directory of term %q: officer email %q is empty or repeated", termID, o.Email)
		}
		officers[o.Email] = true
		if !departments[o.DepartmentID] {
			return d, invalidf("save directory of term %q: officer %q is in unlisted department %q", termID, o.Email, o.DepartmentID)
		}
	}
	return d, nil
}

func leaderEmails(ls []Leader) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Email
	}
	return out
}

func departmentIDs(ds []Department) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func officerEmails(os []Officer) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.Email
	}
	return out
}

// LoadDirectory reads a term's directory from one consistent snapshot.
// Leaders and departments are ordered by position; officers by their
// department's position, then their own position (ties broken by email or
// ID). An unknown term is an error wrapping sql.ErrNoRows.
func (s *Store) LoadDirectory(ctx context.Context, termID string) (Directory, error) {
	var d Directory
	// Repeatable read so a concurrent SaveDirectory cannot show officers of
	// a department list from before it.
	opts := &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	err := s.db.RunInTx(ctx, opts, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewSelect().Model(&d.Term).Where("?TableAlias.id = ?", termID).Scan(ctx); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("term not found: %w", err)
			}
			return fmt.Errorf("term: %w", err)
		}
		if err := tx.NewSelect().Model(&d.Leaders).
			Where("term_id = ?", termID).
			Order("position", "email").
			Scan(ctx); err != nil {
			return fmt.Errorf("leaders: %w", err)
		}
		if err := tx.NewSelect().Model(&d.Departments).
			Where("term_id = ?", termID).
			Order("position", "id").
			Scan(ctx); err != nil {
			return fmt.Errorf("departments: %w", err)
		}
		if err := tx.NewSelect().Model(&d.Officers).
			Join("JOIN departments AS d ON d.term_id = o.term_id AND d.id = o.department_id").
			Where("o.term_id = ?", termID).
			OrderExpr("d.position, d.id, o.position, o.email").
			Scan(ctx); err != nil {
			return fmt.Errorf("officers: %w", err)
		}
		return nil
	})
	if err != nil {
		return Directory{}, fmt.Errorf("store: load directory of term %q: %w", termID, err)
	}
	return d, nil
}

// ServingOfficer finds an officer of the term whom no amendment took out;
// found is false when there is none.
func (s *Store) ServingOfficer(ctx context.Context, termID, email string) (o Officer, found bool, err error) {
	err = s.db.NewSelect().Model(&o).
		Where("term_id = ? AND email = ? AND left_at IS NULL", termID, email).
		Scan(ctx)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Officer{}, false, nil
	case err != nil:
		return Officer{}, false, fmt.Errorf("store: officer %s of %s: %w", email, termID, err)
	}
	return o, true, nil
}
