package store

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
)

func TestContestResultFirstWins(t *testing.T) {
	db, s := newTestStore(t)
	ctx := context.Background()
	if _, ok, err := s.ContestResultOf(ctx, "2026-fall"); err != nil || ok {
		t.Fatalf("before any result: ok %v, err %v; want none", ok, err)
	}
	r := ContestResult{TermID: "2026-fall", Name: "Knowledge Contest", HeldAt: at(t, "2026-10-28T19:00:00+08:00"),
		Status: ContestRecorded, Results: "Publicity first, sports second.", Winners: []string{"publicity", "sports"},
		RecordedBy: "li.wei@example.edu", RecordedAt: at(t, "2026-10-29T10:00:00+08:00")}
	audit := AuditEntry{Key: "update/abc", TermID: "2026-fall", Actor: "li.wei@example.edu", Action: "record_contest_results",
		Subject: "contest", PlanTime: r.RecordedAt}
	for range 2 {
		if err := s.RecordContestResult(ctx, r, &audit); err != nil {
			t.Fatal(err)
		}
	}
	before := rowVersions(t, db, "contest", "term_id")
	missing := ContestResult{TermID: "2026-fall", Name: "Knowledge Contest", HeldAt: r.HeldAt, Status: ContestMissing,
		RecordedAt: at(t, "2026-10-30T23:59:00+08:00")}
	if err := s.RecordContestResult(ctx, missing, nil); err != nil {
		t.Fatal(err)
	}
	if after := rowVersions(t, db, "contest", "term_id"); !maps.Equal(before, after) {
		t.Errorf("a later 'missing' rewrote the recorded result")
	}
	got, ok, err := s.ContestResultOf(ctx, "2026-fall")
	if err != nil || !ok {
		t.Fatalf("result: ok %v, err %v", ok, err)
	}
	if got.Status != ContestRecorded || got.Results != r.Results || !slices.Equal(got.Winners, r.Winners) || got.RecordedBy != r.RecordedBy {
		t.Errorf("stored %+v, want the leader's result", got)
	}
	if n := count(t, db, "SELECT count(*) FROM audit_log WHERE action = 'record_contest_results'"); n != 1 {
		t.Errorf("%d audit rows, want 1", n)
	}
}

func TestContestResultMissing(t *testing.T) {
	_, s := newTestStore(t)
	ctx := context.Background()
	missing := ContestResult{TermID: "2026-fall", Name: "Knowledge Contest", HeldAt: at(t, "2026-10-28T19:00:00+08:00"),
		Status: ContestMissing, RecordedAt: at(t, "2026-10-30T23:59:00+08:00")}
	if err := s.RecordContestResult(ctx, missing, nil); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.ContestResultOf(ctx, "2026-fall")
	if err != nil || !ok || got.Status != ContestMissing || len(got.Winners) != 0 || got.RecordedBy != "" {
		t.Errorf("result = %+v (ok %v, err %v), want missing with no winners", got, ok, err)
	}
	for _, bad := range []ContestResult{
		{TermID: "2026-fall", Name: "x", HeldAt: missing.HeldAt, RecordedAt: missing.RecordedAt, Status: "maybe"},
		{TermID: "2026-fall", Name: "x", HeldAt: missing.HeldAt, RecordedAt: missing.RecordedAt, Status: ContestRecorded},
		{TermID: "2026-fall", Status: ContestMissing},
	} {
		if err := s.RecordContestResult(ctx, bad, nil); !errors.Is(err, ErrInvalid) {
			t.Errorf("RecordContestResult(%+v) = %v, want ErrInvalid", bad, err)
		}
	}
}
