package store

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"semesterflow/internal/testenv"
)

// newTestStore returns a migrated, empty database and a Store on it.
func newTestStore(t *testing.T) (*bun.DB, *Store) {
	t.Helper()
	db := testenv.OpenBun(t, testenv.Postgres(t))
	if _, err := Migrate(context.Background(), db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db, New(db)
}

// at parses an RFC 3339 plan time.
func at(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("parse time %q: %v", s, err)
	}
	return tm
}

// sampleDirectory is a small term: two leaders, two departments, three
// officers. Row TermIDs are left empty so SaveDirectory fills them in.
func sampleDirectory(t *testing.T, termID string) Directory {
	t.Helper()
	// A zone east of UTC: midnight local is the previous day in UTC, which
	// would shift a naively stored date.
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatalf("load zone: %v", err)
	}
	return Directory{
		Term: Term{
			ID:         termID,
			Name:       "Fall 2026",
			StartsOn:   time.Date(2026, 9, 1, 0, 0, 0, 0, shanghai),
			EndsOn:     time.Date(2027, 1, 15, 0, 0, 0, 0, shanghai),
			TimeZone:   "Asia/Shanghai",
			WorkflowID: "semester-" + termID,
		},
		Leaders: []Leader{
			{Email: "chair@example.edu", Name: "Chair", Role: "chair", Position: 0},
			{Email: "deputy@example.edu", Name: "Deputy", Role: "deputy", Position: 1},
		},
		Departments: []Department{
			{ID: "org", Name: "Organization", HeadName: "Olga", HeadEmail: "olga@example.edu", Position: 0},
			{ID: "pub", Name: "Publicity", HeadName: "Pavel", HeadEmail: "pavel@example.edu", Position: 1},
		},
		Officers: []Officer{
			{Email: "ann@example.edu", DepartmentID: "org", Name: "Ann", Position: 0},
			{Email: "bob@example.edu", DepartmentID: "org", Name: "Bob", Position: 1},
			{Email: "cat@example.edu", DepartmentID: "pub", Name: "Cat", Position: 0},
		},
	}
}

// saveDirectory saves d or fails the test.
func saveDirectory(t *testing.T, s *Store, d Directory) {
	t.Helper()
	if err := s.SaveDirectory(context.Background(), d); err != nil {
		t.Fatalf("SaveDirectory: %v", err)
	}
}

// loadDirectory loads the term's directory or fails the test.
func loadDirectory(t *testing.T, s *Store, termID string) Directory {
	t.Helper()
	d, err := s.LoadDirectory(context.Background(), termID)
	if err != nil {
		t.Fatalf("LoadDirectory(%q): %v", termID, err)
	}
	return d
}

// rowVersions returns every row's xmin of the table, keyed by its text form
// of the primary key. xmin changes whenever Postgres writes a new row
// version, so equal maps mean nothing was rewritten.
func rowVersions(t *testing.T, db *bun.DB, table, key string) map[string]string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(),
		"SELECT "+key+"::text, xmin::text FROM "+table)
	if err != nil {
		t.Fatalf("read row versions of %s: %v", table, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatalf("scan row versions of %s: %v", table, err)
		}
		out[k] = v
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read row versions of %s: %v", table, err)
	}
	return out
}

// onboardingRows assigns onboarding to every officer of d, assigned and due
// at fixed plan times.
func onboardingRows(t *testing.T, d Directory) []Onboarding {
	t.Helper()
	rows := make([]Onboarding, 0, len(d.Officers))
	for _, o := range d.Officers {
		rows = append(rows, Onboarding{
			TermID:       d.Term.ID,
			OfficerEmail: o.Email,
			DepartmentID: o.DepartmentID,
			AssignedAt:   at(t, "2026-09-01T01:00:00Z"),
			DeadlineAt:   at(t, "2026-09-14T15:59:00Z"),
		})
	}
	return rows
}

// onboardingByEmail returns the term's onboarding rows keyed by email.
func onboardingByEmail(t *testing.T, s *Store, termID string) map[string]Onboarding {
	t.Helper()
	rows, err := s.Onboardings(context.Background(), termID)
	if err != nil {
		t.Fatalf("Onboardings: %v", err)
	}
	out := make(map[string]Onboarding, len(rows))
	for _, r := range rows {
		out[r.OfficerEmail] = r
	}
	return out
}

// count returns the number of rows of a query such as
// "SELECT count(*) FROM audit_log".
func count(t *testing.T, db *bun.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
