package store

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
)

// An amendment keeps the records of an officer who left and marks who
// joined, and a retried save of its versions changes nothing.
func TestAmendedDirectoryKeepsWhoLeftAndMarksWhoJoined(t *testing.T) {
	ctx := context.Background()
	_, s := newTestStore(t)
	d := sampleDirectory(t, "2026-fall")
	if err := s.SaveDirectory(ctx, d); err != nil {
		t.Fatal(err)
	}
	left := d.Officers[0]
	amended := sampleDirectory(t, "2026-fall")
	amended.Officers = append(amended.Officers[1:], Officer{Email: "newcomer@example.edu", Name: "Newcomer", DepartmentID: left.DepartmentID})
	when := at(t, "2026-10-05T10:00:00+08:00")
	amended.AmendedAt = when
	for range 2 {
		if err := s.SaveDirectory(ctx, amended); err != nil {
			t.Fatal(err)
		}
	}
	got := loadDirectory(t, s, "2026-fall")
	byEmail := map[string]Officer{}
	for _, o := range got.Officers {
		byEmail[o.Email] = o
	}
	if o, ok := byEmail[left.Email]; !ok || o.LeftAt == nil || !o.LeftAt.Equal(when) {
		t.Errorf("the officer who left: %+v (kept %v)", o, ok)
	}
	if o := byEmail["newcomer@example.edu"]; o.JoinedAt == nil || !o.JoinedAt.Equal(when) || o.LeftAt != nil {
		t.Errorf("the newcomer: joined %v left %v", o.JoinedAt, o.LeftAt)
	}
	if o := byEmail[d.Officers[1].Email]; o.JoinedAt != nil || o.LeftAt != nil {
		t.Errorf("an officer of the first plan: joined %v left %v", o.JoinedAt, o.LeftAt)
	}

	// Coming back clears left_at; joining keeps its first date.
	back := sampleDirectory(t, "2026-fall")
	back.Officers = append(back.Officers, Officer{Email: "newcomer@example.edu", Name: "Newcomer", DepartmentID: left.DepartmentID})
	back.AmendedAt = at(t, "2026-11-01T10:00:00+08:00")
	if err := s.SaveDirectory(ctx, back); err != nil {
		t.Fatal(err)
	}
	got = loadDirectory(t, s, "2026-fall")
	for _, o := range got.Officers {
		if o.Email == left.Email && o.LeftAt != nil {
			t.Errorf("back in the plan, %s still left at %v", o.Email, o.LeftAt)
		}
		if o.Email == "newcomer@example.edu" && !o.JoinedAt.Equal(when) {
			t.Errorf("the newcomer's join moved to %v", o.JoinedAt)
		}
	}
}

func TestPlanVersionsAreKeptOnceEach(t *testing.T) {
	ctx := context.Background()
	_, s := newTestStore(t)
	if err := s.SaveDirectory(ctx, sampleDirectory(t, "2026-fall")); err != nil {
		t.Fatal(err)
	}
	v1 := PlanVersion{TermID: "2026-fall", Version: 1, Hash: "h1", Plan: json.RawMessage(`{"term":{"id":"2026-fall"}}`), MadeBy: "chair@example.edu", PlanTime: at(t, "2026-09-01T09:00:00+08:00")}
	v2 := v1
	v2.Version, v2.Hash, v2.Source = 2, "h2", "term:\n  id: 2026-fall\n"
	v2.Changes = json.RawMessage(`[{"path":"contest.at"}]`)
	audit := &AuditEntry{Key: "amend/2", TermID: "2026-fall", Actor: "chair@example.edu", Action: "amend_plan", Subject: "2", PlanTime: v2.PlanTime}
	for range 2 {
		if err := s.SavePlanVersions(ctx, []PlanVersion{v1, v2}, audit); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.PlanVersions(ctx, "2026-fall")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Version != 1 || got[1].Version != 2 || got[1].Source != v2.Source || got[0].MadeBy != "chair@example.edu" {
		t.Fatalf("versions: %+v", got)
	}
	if string(got[0].Changes) != "[]" {
		t.Errorf("version 1's changes = %s, want []", got[0].Changes)
	}
	entries, err := s.AuditEntries(ctx, "2026-fall")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Action != "amend_plan" {
		t.Errorf("audit: %+v", entries)
	}

	err = s.SavePlanVersions(ctx, []PlanVersion{{TermID: "2026-fall", Version: 3}}, nil)
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("a version without hash or plan: %v, want an invalid-input error", err)
	}
}
