package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// MonthTheme is a month's organisation-life theme as it was decided.
type MonthTheme struct {
	bun.BaseModel `bun:"table:month_themes,alias:mth"`

	TermID string `bun:"term_id,pk"`
	// Month is YYYY-MM.
	Month       string `bun:"month,pk"`
	Arrangement string `bun:"arrangement"`
	// Theme is empty when the month has no theme.
	Theme string `bun:"theme"`
	// SetBy is the leader's email, or ThemeSetByFallback.
	SetBy    string    `bun:"set_by"`
	Fallback bool      `bun:"fallback"`
	SetAt    time.Time `bun:"set_at"`
}

// RecordMonthTheme stores a month's theme, with the audit entry of the
// leader who set it when audit is not nil, in one transaction. A month's
// theme is decided once: a second call keeps the first row (ON CONFLICT DO
// NOTHING), and its audit entry, keyed like the first, is dropped.
func (s *Store) RecordMonthTheme(ctx context.Context, t MonthTheme, audit *AuditEntry) error {
	if t.TermID == "" || t.Month == "" || t.SetBy == "" || t.SetAt.IsZero() {
		return invalidf("month theme %s/%s lacks a term, month, setter or time", t.TermID, t.Month)
	}
	if audit != nil {
		if err := checkAudit(*audit); err != nil {
			return err
		}
	}
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(&t).
			On("CONFLICT (term_id, month) DO NOTHING").
			Exec(ctx); err != nil {
			return fmt.Errorf("store: record theme of %s/%s: %w", t.TermID, t.Month, err)
		}
		if audit != nil {
			if _, err := insertAudit(ctx, tx, *audit); err != nil {
				return fmt.Errorf("store: record theme of %s/%s: %w", t.TermID, t.Month, err)
			}
		}
		return nil
	})
}

// MonthThemeOf returns a month's theme; the error wraps sql.ErrNoRows when
// none is recorded yet.
func (s *Store) MonthThemeOf(ctx context.Context, termID, month string) (MonthTheme, error) {
	var t MonthTheme
	if err := s.db.NewSelect().Model(&t).
		Where("term_id = ? AND month = ?", termID, month).
		Scan(ctx); err != nil {
		return MonthTheme{}, fmt.Errorf("store: theme of %s/%s: %w", termID, month, err)
	}
	return t, nil
}

// JudgeScores is one judge's scores for an entry, one per criterion.
type JudgeScores struct {
	Judge  string    `json:"judge"`
	Scores []float64 `json:"scores"`
}

// EntryScores is the detail behind an entry's result.
type EntryScores struct {
	// CriterionMeans is the mean over the judges of each criterion, in
	// the plan's order of criteria.
	CriterionMeans []float64     `json:"criterion_means"`
	ByJudge        []JudgeScores `json:"by_judge"`
}

// CompetitionResult is one department's entry in a month's group-life
// design competition.
type CompetitionResult struct {
	bun.BaseModel `bun:"table:competition_results,alias:cr"`

	TermID       string `bun:"term_id,pk"`
	Month        string `bun:"month,pk"`
	DepartmentID string `bun:"department_id,pk"`
	// Rank is 1 for the winner; nil for an entry no judge scored.
	Rank *int `bun:"rank"`
	// MeanTotal is the mean over the judges who scored of the sum of the
	// criterion scores; nil when nobody scored.
	MeanTotal *float64    `bun:"mean_total"`
	Judges    int         `bun:"judges"`
	Scores    EntryScores `bun:"scores,type:jsonb"`
}

// RecordCompetitionResults stores a month's results in one statement. The
// results are computed from the same scores every time, so a second call
// rewrites nothing (rows are only updated where they differ).
func (s *Store) RecordCompetitionResults(ctx context.Context, rows []CompetitionResult) error {
	if len(rows) == 0 {
		return nil
	}
	rows = append([]CompetitionResult(nil), rows...)
	for i, r := range rows {
		if r.TermID == "" || r.Month == "" || r.DepartmentID == "" {
			return invalidf("competition result %d lacks a term, month or department", i)
		}
		if (r.Rank == nil) != (r.MeanTotal == nil) {
			return invalidf("competition result of %s: a ranked entry needs a mean total, an unranked one none", r.DepartmentID)
		}
		if rows[i].Scores.ByJudge == nil {
			rows[i].Scores.ByJudge = []JudgeScores{}
		}
		if rows[i].Scores.CriterionMeans == nil {
			rows[i].Scores.CriterionMeans = []float64{}
		}
	}
	q := s.db.NewInsert().Model(&rows)
	if _, err := upsert("term_id, month, department_id", "rank", "mean_total", "judges", "scores")(q).Exec(ctx); err != nil {
		return fmt.Errorf("store: record %d competition results: %w", len(rows), err)
	}
	return nil
}

// CompetitionResults lists a month's results: ranked entries by rank, then
// the unranked ones by department ID.
func (s *Store) CompetitionResults(ctx context.Context, termID, month string) ([]CompetitionResult, error) {
	var out []CompetitionResult
	if err := s.db.NewSelect().Model(&out).
		Where("term_id = ? AND month = ?", termID, month).
		OrderExpr("rank ASC NULLS LAST, department_id").
		Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: competition results of %s/%s: %w", termID, month, err)
	}
	return out, nil
}

// MonthDigest is the compiled digest of a month's organisation life, as
// archived and published.
type MonthDigest struct {
	bun.BaseModel `bun:"table:month_digests,alias:md"`

	TermID string `bun:"term_id,pk"`
	Month  string `bun:"month,pk"`
	// HTML is the complete page the officers' portal serves.
	HTML        string    `bun:"html"`
	Text        string    `bun:"text"`
	PublishedAt time.Time `bun:"published_at"`
}

// SaveMonthDigest archives a month's digest. A digest compiled again
// replaces the archived one; the same digest leaves the row untouched.
func (s *Store) SaveMonthDigest(ctx context.Context, d MonthDigest) error {
	if d.TermID == "" || d.Month == "" || d.HTML == "" || d.PublishedAt.IsZero() {
		return invalidf("month digest %s/%s lacks a term, month, HTML or publication time", d.TermID, d.Month)
	}
	q := s.db.NewInsert().Model(&d)
	if _, err := upsert("term_id, month", "html", "text", "published_at")(q).Exec(ctx); err != nil {
		return fmt.Errorf("store: save digest of %s/%s: %w", d.TermID, d.Month, err)
	}
	return nil
}

// ErrNoDigest is returned, wrapped, for a month whose digest is not
// published yet, so the portal can answer "not found".
var ErrNoDigest = errors.New("store: no digest published for that month")

// MonthDigestOf returns a month's published digest with its page.
func (s *Store) MonthDigestOf(ctx context.Context, termID, month string) (MonthDigest, error) {
	var d MonthDigest
	err := s.db.NewSelect().Model(&d).
		Where("term_id = ? AND month = ?", termID, month).
		Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return MonthDigest{}, fmt.Errorf("%w: %s/%s", ErrNoDigest, termID, month)
	}
	if err != nil {
		return MonthDigest{}, fmt.Errorf("store: digest of %s/%s: %w", termID, month, err)
	}
	return d, nil
}

// MonthDigests lists a term's published digests by month, newest first,
// without their bodies (HTML and Text are left empty): the portal's index.
func (s *Store) MonthDigests(ctx context.Context, termID string) ([]MonthDigest, error) {
	var out []MonthDigest
	if err := s.db.NewSelect().Model(&out).
		Column("term_id", "month", "published_at").
		Where("term_id = ?", termID).
		Order("month DESC").
		Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: digests of %s: %w", termID, err)
	}
	return out, nil
}

// Standing is a stored competition result with its department's name.
type Standing struct {
	CompetitionResult
	DepartmentName string `bun:"department_name"`
}

// Standings lists a month's results as the emails show them: ranked
// entries by rank, then the unranked ones in the plan's order of
// departments.
func (s *Store) Standings(ctx context.Context, termID, month string) ([]Standing, error) {
	var out []Standing
	if err := s.db.NewSelect().Model((*CompetitionResult)(nil)).
		ColumnExpr("cr.*").
		ColumnExpr("COALESCE(d.name, cr.department_id) AS department_name").
		Join("LEFT JOIN departments AS d ON d.term_id = cr.term_id AND d.id = cr.department_id").
		Where("cr.term_id = ? AND cr.month = ?", termID, month).
		OrderExpr("cr.rank ASC NULLS LAST, d.position, cr.department_id").
		Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: standings of %s/%s: %w", termID, month, err)
	}
	return out, nil
}

// PeopleNames names the term's people with these addresses, as its
// directory lists them: leaders, heads and officers. An address it does not
// list is left out.
func (s *Store) PeopleNames(ctx context.Context, termID string, emails []string) (map[string]string, error) {
	names := make(map[string]string, len(emails))
	emails = dedupe(emails)
	if len(emails) == 0 {
		return names, nil
	}
	var rows []struct {
		Email string `bun:"email"`
		Name  string `bun:"name"`
	}
	if err := s.db.NewRaw(`SELECT email, name FROM officers WHERE term_id = ? AND email IN (?)
		UNION ALL SELECT head_email, head_name FROM departments WHERE term_id = ? AND head_email IN (?)
		UNION ALL SELECT email, name FROM leaders WHERE term_id = ? AND email IN (?)`,
		termID, bun.List(emails), termID, bun.List(emails), termID, bun.List(emails)).
		Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("store: names of %d people of %s: %w", len(emails), termID, err)
	}
	for _, r := range rows {
		names[r.Email] = r.Name
	}
	return names, nil
}
