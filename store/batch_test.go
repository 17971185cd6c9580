package store

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"

	"semesterflow/internal/testenv"
)

// queryCounter counts the statements bun sends.
type queryCounter struct{ n atomic.Int64 }

// BeforeQuery counts the statement.
func (c *queryCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	c.n.Add(1)
	return ctx
}

// AfterQuery does nothing; counting once per statement is enough.
func (c *queryCounter) AfterQuery(context.Context, *bun.QueryEvent) {}

// countQueries returns how many statements run sends.
func countQueries(t *testing.T, c *queryCounter, run func() error) int64 {
	t.Helper()
	before := c.n.Load()
	if err := run(); err != nil {
		t.Fatal(err)
	}
	return c.n.Load() - before
}

// bigDirectory has one department and n officers.
func bigDirectory(t *testing.T, termID string, n int) Directory {
	t.Helper()
	d := sampleDirectory(t, termID)
	d.Officers = nil
	for i := range n {
		d.Officers = append(d.Officers, Officer{Email: fmt.Sprintf("officer%02d@example.edu", i), DepartmentID: "org", Name: "O", Position: i})
	}
	return d
}

func TestBatchesDoNotScaleRoundTrips(t *testing.T) {
	db, _ := newTestStore(t)
	counter := &queryCounter{}
	s := New(db.WithQueryHook(counter))
	ctx := context.Background()

	small, big := bigDirectory(t, "small", 2), bigDirectory(t, "big", 50)
	tests := []struct {
		name string
		run  func(d Directory) func() error
	}{
		{"SaveDirectory", func(d Directory) func() error {
			return func() error { return s.SaveDirectory(ctx, d) }
		}},
		{"AssignOnboarding", func(d Directory) func() error {
			return func() error { return s.AssignOnboarding(ctx, onboardingRows(t, d)) }
		}},
		{"MarkReminded", func(d Directory) func() error {
			return func() error { return s.MarkReminded(ctx, d.Term.ID, officerEmails(d.Officers), 1) }
		}},
		{"MarkEscalated", func(d Directory) func() error {
			return func() error {
				return s.MarkEscalated(ctx, d.Term.ID, officerEmails(d.Officers), at(t, "2026-09-15T00:00:00Z"))
			}
		}},
		{"CloseOnboarding", func(d Directory) func() error {
			return func() error { return s.CloseOnboarding(ctx, d.Term.ID, officerEmails(d.Officers)) }
		}},
		{"ClaimOutbox", func(d Directory) func() error {
			return func() error {
				_, err := s.ClaimOutbox(ctx, outboxRows(officerEmails(d.Officers)...))
				return err
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nSmall := countQueries(t, counter, tt.run(small))
			nBig := countQueries(t, counter, tt.run(big))
			if nBig != nSmall {
				t.Errorf("%d statements for 50 officers, %d for 2: want the same", nBig, nSmall)
			}
			t.Logf("%d statements per call", nBig)
		})
	}
}

func TestEmptyInputsAreNoOps(t *testing.T) {
	// No migrations: any statement would fail on the missing tables.
	db := testenv.OpenBun(t, testenv.Postgres(t))
	s := New(db)
	ctx := context.Background()
	when := at(t, "2026-09-15T00:00:00Z")

	tests := []struct {
		name string
		run  func() error
	}{
		{"AssignOnboarding", func() error { return s.AssignOnboarding(ctx, nil) }},
		{"MarkReminded", func() error { return s.MarkReminded(ctx, "t", nil, 1) }},
		{"MarkEscalated", func() error { return s.MarkEscalated(ctx, "t", []string{}, when) }},
		{"CloseOnboarding", func() error { return s.CloseOnboarding(ctx, "t", nil) }},
		{"ClaimOutbox", func() error {
			keys, err := s.ClaimOutbox(ctx, nil)
			if len(keys) != 0 {
				return fmt.Errorf("got keys %v, want none", keys)
			}
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); err != nil {
				t.Errorf("%s with empty input: %v, want nil", tt.name, err)
			}
		})
	}
}
