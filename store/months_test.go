package store

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"semesterflow/contract"
)

func TestRecordMonthThemeIsDecidedOnce(t *testing.T) {
	db, s := newTestStore(t)
	ctx := context.Background()
	first := MonthTheme{TermID: "2026-fall", Month: "2026-10", Arrangement: "Study the congress report", Theme: "Red memory",
		SetBy: "li.wei@example.edu", SetAt: at(t, "2026-10-03T02:00:00Z")}
	audit := &AuditEntry{Key: "update/u1", TermID: "2026-fall", Actor: "li.wei@example.edu", Action: "set_theme", Subject: "2026-10", PlanTime: first.SetAt}
	if err := s.RecordMonthTheme(ctx, first, audit); err != nil {
		t.Fatal(err)
	}
	// A retry, and a different decision for the same month: both change nothing.
	if err := s.RecordMonthTheme(ctx, first, audit); err != nil {
		t.Fatal(err)
	}
	other := first
	other.Theme, other.SetBy, other.Fallback = "Something else", contract.ThemeSetByFallback, true
	if err := s.RecordMonthTheme(ctx, other, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.MonthThemeOf(ctx, "2026-fall", "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	if got.Theme != "Red memory" || got.SetBy != "li.wei@example.edu" || got.Fallback || got.Arrangement != "Study the congress report" || !got.SetAt.Equal(first.SetAt) {
		t.Errorf("theme = %+v, want the first decision", got)
	}
	if n := count(t, db, "SELECT count(*) FROM audit_log WHERE action = 'set_theme'"); n != 1 {
		t.Errorf("%d audit rows, want 1", n)
	}
	if _, err := s.MonthThemeOf(ctx, "2026-fall", "2026-11"); !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("theme of a month without one: err = %v, want sql.ErrNoRows", err)
	}
	if err := s.RecordMonthTheme(ctx, MonthTheme{TermID: "2026-fall", Month: "2026-12"}, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("theme without setter or time: err = %v, want ErrInvalid", err)
	}
}

func TestRecordMonthThemeWithoutTheme(t *testing.T) {
	_, s := newTestStore(t)
	ctx := context.Background()
	none := MonthTheme{TermID: "2026-fall", Month: "2026-11", SetBy: contract.ThemeSetByFallback, Fallback: true, SetAt: at(t, "2026-11-07T15:59:00Z")}
	if err := s.RecordMonthTheme(ctx, none, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.MonthThemeOf(ctx, "2026-fall", "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	if got.Theme != "" || !got.Fallback || got.SetBy != contract.ThemeSetByFallback {
		t.Errorf("no-theme row = %+v", got)
	}
}

func TestRecordCompetitionResults(t *testing.T) {
	db, s := newTestStore(t)
	ctx := context.Background()
	one, two := 1, 2
	m1, m2 := 25.5, 25.5
	rows := []CompetitionResult{
		{TermID: "2026-fall", Month: "2026-10", DepartmentID: "sports", Judges: 0},
		{TermID: "2026-fall", Month: "2026-10", DepartmentID: "publicity", Rank: &two, MeanTotal: &m2, Judges: 2,
			Scores: EntryScores{CriterionMeans: []float64{8, 9, 8.5}, ByJudge: []JudgeScores{{Judge: "a@example.edu", Scores: []float64{8, 9, 8}}, {Judge: "b@example.edu", Scores: []float64{8, 9, 9}}}}},
		{TermID: "2026-fall", Month: "2026-10", DepartmentID: "organization", Rank: &one, MeanTotal: &m1, Judges: 2,
			Scores: EntryScores{CriterionMeans: []float64{9, 8, 8.5}}},
	}
	if err := s.RecordCompetitionResults(ctx, rows); err != nil {
		t.Fatal(err)
	}
	before := rowVersions(t, db, "competition_results", "department_id")
	if err := s.RecordCompetitionResults(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if after := rowVersions(t, db, "competition_results", "department_id"); len(after) != 3 || after["publicity"] != before["publicity"] {
		t.Errorf("a second identical write rewrote rows: %v -> %v", before, after)
	}
	got, err := s.CompetitionResults(ctx, "2026-fall", "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, r := range got {
		order = append(order, r.DepartmentID)
	}
	if len(got) != 3 || order[0] != "organization" || order[1] != "publicity" || order[2] != "sports" {
		t.Fatalf("results in order %v, want organization, publicity, then the unranked sports", order)
	}
	if got[2].Rank != nil || got[2].MeanTotal != nil || got[2].Judges != 0 {
		t.Errorf("unscored entry = %+v, want no rank and no mean", got[2])
	}
	if p := got[1]; *p.Rank != 2 || *p.MeanTotal != 25.5 || len(p.Scores.ByJudge) != 2 || p.Scores.ByJudge[1].Scores[2] != 9 || p.Scores.CriterionMeans[2] != 8.5 {
		t.Errorf("publicity = %+v", p)
	}
	bad := []CompetitionResult{{TermID: "2026-fall", Month: "2026-10", DepartmentID: "x", Rank: &one}}
	if err := s.RecordCompetitionResults(ctx, bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("ranked without a mean: err = %v, want ErrInvalid", err)
	}
}

func TestMonthDigests(t *testing.T) {
	db, s := newTestStore(t)
	ctx := context.Background()
	oct := MonthDigest{TermID: "2026-fall", Month: "2026-10", HTML: "<p>October</p>", Text: "October", PublishedAt: at(t, "2026-11-07T01:00:00Z")}
	sep := MonthDigest{TermID: "2026-fall", Month: "2026-09", HTML: "<p>September</p>", Text: "September", PublishedAt: at(t, "2026-10-07T01:00:00Z")}
	for _, d := range []MonthDigest{sep, oct, oct} {
		if err := s.SaveMonthDigest(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	before := rowVersions(t, db, "month_digests", "month")
	if err := s.SaveMonthDigest(ctx, oct); err != nil {
		t.Fatal(err)
	}
	if after := rowVersions(t, db, "month_digests", "month"); after["2026-10"] != before["2026-10"] {
		t.Error("saving the same digest again rewrote the row")
	}
	recompiled := oct
	recompiled.HTML = "<p>October, corrected</p>"
	if err := s.SaveMonthDigest(ctx, recompiled); err != nil {
		t.Fatal(err)
	}
	got, err := s.MonthDigestOf(ctx, "2026-fall", "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	if got.HTML != "<p>October, corrected</p>" || got.Text != "October" || !got.PublishedAt.Equal(oct.PublishedAt) {
		t.Errorf("digest = %+v", got)
	}
	list, err := s.MonthDigests(ctx, "2026-fall")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Month != "2026-10" || list[1].Month != "2026-09" || list[0].HTML != "" || list[0].PublishedAt.IsZero() {
		t.Errorf("index = %+v, want October then September without bodies", list)
	}
	if _, err := s.MonthDigestOf(ctx, "2026-fall", "2026-12"); !errors.Is(err, ErrNoDigest) {
		t.Errorf("unpublished month: err = %v, want ErrNoDigest", err)
	}
}
