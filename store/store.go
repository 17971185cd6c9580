// Package store persists semesterflow's state in Postgres: the term's
// directory, officers' onboarding, the audit trail of human actions and the
// outbox of emails.
//
// Activities call it and Temporal retries activities, so every write is an
// upsert or an insert on a natural or idempotency key: running a call again
// with the same input changes nothing. Business timestamps come from the
// callers (the workflow's plan clock); the store itself only lets the
// database stamp record-keeping columns such as updated_at and recorded_at.
package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/driver/pgdriver"
)

// Open returns a bun handle on the Postgres database at dsn, for example
// "postgres://postgres@127.0.0.1:5432/semesterflow?sslmode=disable". It does
// not connect yet; the first query does.
func Open(dsn string) *bun.DB {
	return bun.NewDB(sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn))), pgdialect.New())
}

// Store reads and writes semesterflow's tables. It is safe for concurrent
// use, as the underlying *bun.DB is.
type Store struct {
	db *bun.DB
}

// New returns a Store on db. The schema must be in place (see Migrate).
func New(db *bun.DB) *Store {
	return &Store{db: db}
}

// ErrInvalid marks a call rejected before touching the database: retrying
// it cannot help.
var ErrInvalid = errors.New("store: invalid input")

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// upsert turns an insert into "insert or update on conflict", updating cols
// only where one of them differs. The guard keeps an unchanged row untouched:
// no new row version, no trigger-like updated_at bump, so a retried activity
// really changes nothing.
func upsert(conflict string, cols ...string) func(*bun.InsertQuery) *bun.InsertQuery {
	return func(q *bun.InsertQuery) *bun.InsertQuery {
		q = q.On("CONFLICT (" + conflict + ") DO UPDATE")
		current := make([]string, len(cols))
		excluded := make([]string, len(cols))
		for i, c := range cols {
			q = q.Set("? = EXCLUDED.?", bun.Ident(c), bun.Ident(c))
			current[i] = "?TableAlias." + quoteIdent(c)
			excluded[i] = "EXCLUDED." + quoteIdent(c)
		}
		return q.Where("(" + strings.Join(current, ", ") + ") IS DISTINCT FROM (" + strings.Join(excluded, ", ") + ")")
	}
}

// quoteIdent quotes one of this package's own column names; it is never
// given user input.
func quoteIdent(name string) string {
	return `"` + name + `"`
}

// calendarDate keeps a date's year, month and day as written. bun sends
// times in UTC, so a midnight in a zone east of UTC would otherwise land on
// the previous day in a date column.
func calendarDate(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// dedupe returns the distinct non-empty strings of in, in first-seen order.
func dedupe(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}
