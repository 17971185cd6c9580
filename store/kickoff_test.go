package store

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"
)

func sampleKickoff(t *testing.T) Kickoff {
	t.Helper()
	return Kickoff{
		TermID:     "2026-fall",
		StartsAt:   at(t, "2026-09-15T11:00:00Z"),
		EndsAt:     at(t, "2026-09-15T13:00:00Z"),
		Place:      "Student Activity Centre, meeting room 1",
		Agenda:     []string{"Training of the new officers", "Exchanges every two weeks"},
		Invited:    10,
		WorkflowID: "semester/2026-fall/kickoff",
	}
}

func TestSaveKickoffTwiceKeepsOneUnchangedRow(t *testing.T) {
	ctx := context.Background()
	db, s := newTestStore(t)
	k := sampleKickoff(t)
	if err := s.SaveKickoff(ctx, k); err != nil {
		t.Fatal(err)
	}
	before := rowVersions(t, db, "kickoff", "term_id")
	if err := s.SaveKickoff(ctx, k); err != nil {
		t.Fatal(err)
	}
	if after := rowVersions(t, db, "kickoff", "term_id"); !maps.Equal(before, after) {
		t.Errorf("saving the same kickoff again rewrote the row: %v -> %v", before, after)
	}
	got, err := s.Kickoff(ctx, k.TermID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.StartsAt.Equal(k.StartsAt) || !got.EndsAt.Equal(k.EndsAt) || got.Place != k.Place ||
		!slices.Equal(got.Agenda, k.Agenda) || got.Invited != 10 || got.WorkflowID != k.WorkflowID || got.RecordedAt.IsZero() {
		t.Errorf("kickoff = %+v, want %+v", got, k)
	}
}

func TestSaveKickoffMovedMeetingUpdatesTheRow(t *testing.T) {
	ctx := context.Background()
	db, s := newTestStore(t)
	k := sampleKickoff(t)
	if err := s.SaveKickoff(ctx, k); err != nil {
		t.Fatal(err)
	}
	k.StartsAt, k.EndsAt = at(t, "2026-09-16T11:00:00Z"), at(t, "2026-09-16T12:30:00Z")
	k.Agenda = append(k.Agenda, "The knowledge contest")
	if err := s.SaveKickoff(ctx, k); err != nil {
		t.Fatal(err)
	}
	got, err := s.Kickoff(ctx, k.TermID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.StartsAt.Equal(k.StartsAt) || len(got.Agenda) != 3 {
		t.Errorf("kickoff = %+v, want the moved meeting with 3 agenda items", got)
	}
	if n := count(t, db, "SELECT count(*) FROM kickoff"); n != 1 {
		t.Errorf("%d kickoff rows, want 1", n)
	}
}

func TestSaveKickoffRejectsBadInput(t *testing.T) {
	_, s := newTestStore(t)
	for name, change := range map[string]func(*Kickoff){
		"no term":           func(k *Kickoff) { k.TermID = "" },
		"no start":          func(k *Kickoff) { k.StartsAt = time.Time{} },
		"ends before":       func(k *Kickoff) { k.EndsAt = k.StartsAt.Add(-1) },
		"empty agenda item": func(k *Kickoff) { k.Agenda = []string{"ok", " "} },
	} {
		k := sampleKickoff(t)
		change(&k)
		if err := s.SaveKickoff(context.Background(), k); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error = %v, want ErrInvalid", name, err)
		}
	}
	if _, err := s.Kickoff(context.Background(), "2026-fall"); !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("Kickoff of a term never saved: error = %v, want sql.ErrNoRows", err)
	}
}
