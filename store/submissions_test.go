package store

import (
	"context"
	"testing"
)

func TestRecordSubmissionsKeepsTheFirst(t *testing.T) {
	_, s := newTestStore(t)
	ctx := context.Background()
	first := Submission{TermID: "2026-fall", Kind: "summary", Scope: "2026-10", Slot: "publicity",
		AuthorEmail: "ma.li@example.edu", Body: "Posters and a talk.", SubmittedAt: at(t, "2026-11-02T10:00:00+08:00"),
		DueAt: at(t, "2026-11-03T23:59:00+08:00")}
	audit := AuditEntry{Key: "submit/2026-fall/2026-10/summary/publicity", TermID: "2026-fall", Actor: "ma.li@example.edu",
		Action: "submit_summary", PlanTime: first.SubmittedAt}
	for range 2 {
		if err := s.RecordSubmissions(ctx, []Submission{first}, []AuditEntry{audit}); err != nil {
			t.Fatal(err)
		}
	}
	second := first
	second.AuthorEmail, second.Body = "sun.hao@example.edu", "Something else."
	if err := s.RecordSubmissions(ctx, []Submission{second}, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.Submissions(ctx, "2026-fall", "summary", "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].AuthorEmail != "ma.li@example.edu" || got[0].Body != "Posters and a talk." || len(got[0].Scores) != 0 {
		t.Fatalf("submissions = %+v, want only the first", got)
	}
	entries, err := s.AuditEntries(ctx, "2026-fall")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("%d audit entries, want 1", len(entries))
	}
	if err := s.RecordSubmissions(ctx, []Submission{{TermID: "2026-fall", Kind: "summary"}}, nil); err == nil {
		t.Error("a submission without slot, author or time was accepted")
	}
}
