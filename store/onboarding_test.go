package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"

	"semesterflow/contract"
)

// setupOnboarding saves the sample directory and assigns onboarding to all
// its officers.
func setupOnboarding(t *testing.T, s *Store) Directory {
	t.Helper()
	d := sampleDirectory(t, "2026-fall")
	saveDirectory(t, s, d)
	if err := s.AssignOnboarding(context.Background(), onboardingRows(t, d)); err != nil {
		t.Fatalf("AssignOnboarding: %v", err)
	}
	return d
}

// ackAnn acknowledges Ann's training with the audit key.
func ackAnn(t *testing.T, s *Store, key, outcome, note string, when time.Time) {
	t.Helper()
	err := s.RecordAcknowledgement(context.Background(),
		Acknowledgement{TermID: "2026-fall", OfficerEmail: "ann@example.edu", Outcome: outcome, Note: note, At: when},
		AuditEntry{Key: key, WorkflowID: "onboarding-2026-fall", Payload: map[string]any{"via": "link"}})
	if err != nil {
		t.Fatalf("RecordAcknowledgement(%s): %v", key, err)
	}
}

func TestAssignOnboardingDefaults(t *testing.T) {
	_, s := newTestStore(t)
	setupOnboarding(t, s)

	got := onboardingByEmail(t, s, "2026-fall")
	if len(got) != 3 {
		t.Fatalf("got %d onboarding rows, want 3", len(got))
	}
	ann := got["ann@example.edu"]
	if ann.Status != OnboardingAssigned || ann.Outcome != contract.OutcomePending {
		t.Errorf("status/outcome = %s/%s, want %s/%s", ann.Status, ann.Outcome, OnboardingAssigned, contract.OutcomePending)
	}
	if want := at(t, "2026-09-14T15:59:00Z"); !ann.DeadlineAt.Equal(want) {
		t.Errorf("deadline = %v, want %v", ann.DeadlineAt, want)
	}
	if ann.AcknowledgedAt != nil || ann.EscalatedAt != nil || ann.RemindersSent != 0 {
		t.Errorf("fresh row = %+v, want no acknowledgement, escalation or reminders", ann)
	}
}

func TestAssignOnboardingAfterAcknowledgementKeepsIt(t *testing.T) {
	_, s := newTestStore(t)
	d := setupOnboarding(t, s)
	ackTime := at(t, "2026-09-03T02:00:00Z")
	ackAnn(t, s, "ack-1", contract.OutcomeOnTime, "done", ackTime)
	before := onboardingByEmail(t, s, "2026-fall")

	// The assigning activity retried, with a later plan time.
	rows := onboardingRows(t, d)
	for i := range rows {
		rows[i].AssignedAt = at(t, "2026-09-05T01:00:00Z")
	}
	if err := s.AssignOnboarding(context.Background(), rows); err != nil {
		t.Fatalf("AssignOnboarding retry: %v", err)
	}

	after := onboardingByEmail(t, s, "2026-fall")
	ann := after["ann@example.edu"]
	if ann.Status != OnboardingAcknowledged || ann.Outcome != contract.OutcomeOnTime {
		t.Errorf("after retry status/outcome = %s/%s, want %s/%s", ann.Status, ann.Outcome, OnboardingAcknowledged, contract.OutcomeOnTime)
	}
	if ann.AcknowledgedAt == nil || !ann.AcknowledgedAt.Equal(ackTime) {
		t.Errorf("after retry acknowledged_at = %v, want %v", ann.AcknowledgedAt, ackTime)
	}
	for email, b := range before {
		a := after[email]
		if !a.AssignedAt.Equal(b.AssignedAt) || !a.UpdatedAt.Equal(b.UpdatedAt) {
			t.Errorf("%s: assigned_at %v, updated_at %v after retry; want unchanged %v, %v",
				email, a.AssignedAt, a.UpdatedAt, b.AssignedAt, b.UpdatedAt)
		}
	}
}

func TestRecordAcknowledgementIdempotent(t *testing.T) {
	db, s := newTestStore(t)
	setupOnboarding(t, s)
	first := at(t, "2026-09-03T02:00:00Z")
	ackAnn(t, s, "ack-1", contract.OutcomeOnTime, "first", first)
	afterFirst := onboardingByEmail(t, s, "2026-fall")["ann@example.edu"]

	// Same key again, even with different details: nothing changes.
	ackAnn(t, s, "ack-1", contract.OutcomeLate, "second", at(t, "2026-09-20T02:00:00Z"))

	got := onboardingByEmail(t, s, "2026-fall")["ann@example.edu"]
	if got.Status != OnboardingAcknowledged || got.Outcome != contract.OutcomeOnTime || got.Note != "first" {
		t.Errorf("after repeat: status/outcome/note = %s/%s/%q, want %s/%s/%q",
			got.Status, got.Outcome, got.Note, OnboardingAcknowledged, contract.OutcomeOnTime, "first")
	}
	if got.AcknowledgedAt == nil || !got.AcknowledgedAt.Equal(first) {
		t.Errorf("after repeat: acknowledged_at = %v, want %v", got.AcknowledgedAt, first)
	}
	if !got.UpdatedAt.Equal(afterFirst.UpdatedAt) {
		t.Errorf("after repeat: updated_at = %v, want unchanged %v", got.UpdatedAt, afterFirst.UpdatedAt)
	}

	entries, err := s.AuditEntries(context.Background(), "2026-fall")
	if err != nil {
		t.Fatalf("AuditEntries: %v", err)
	}
	if len(entries) != 1 {
		t.Fatalf("got %d audit entries, want 1: %+v", len(entries), entries)
	}
	e := entries[0]
	want := AuditEntry{
		Key: "ack-1", TermID: "2026-fall", WorkflowID: "onboarding-2026-fall",
		Actor: "ann@example.edu", Action: ActionAcknowledgeTraining, Subject: "ann@example.edu",
	}
	if e.Key != want.Key || e.TermID != want.TermID || e.WorkflowID != want.WorkflowID ||
		e.Actor != want.Actor || e.Action != want.Action || e.Subject != want.Subject {
		t.Errorf("audit entry = %+v, want fields of %+v", e, want)
	}
	if !e.PlanTime.Equal(first) || e.RecordedAt.IsZero() || e.ID == 0 {
		t.Errorf("audit entry plan_time %v, recorded_at %v, id %d; want %v, stamped, set", e.PlanTime, e.RecordedAt, e.ID, first)
	}
	if e.Payload["via"] != "link" {
		t.Errorf("audit payload = %v, want via=link", e.Payload)
	}

	// A new key for the same officer is a new human action: audited, but
	// the first acknowledgement stands.
	ackAnn(t, s, "ack-2", contract.OutcomeLate, "again", at(t, "2026-09-20T02:00:00Z"))
	got = onboardingByEmail(t, s, "2026-fall")["ann@example.edu"]
	if got.Outcome != contract.OutcomeOnTime || got.AcknowledgedAt == nil || !got.AcknowledgedAt.Equal(first) {
		t.Errorf("after second acknowledgement: outcome %s at %v, want %s at %v", got.Outcome, got.AcknowledgedAt, contract.OutcomeOnTime, first)
	}
	if n := count(t, db, "SELECT count(*) FROM audit_log"); n != 2 {
		t.Errorf("audit rows = %d, want 2", n)
	}
}

func TestRecordAcknowledgementUnknownOfficer(t *testing.T) {
	db, s := newTestStore(t)
	setupOnboarding(t, s)
	err := s.RecordAcknowledgement(context.Background(),
		Acknowledgement{TermID: "2026-fall", OfficerEmail: "nobody@example.edu", Outcome: contract.OutcomeOnTime, At: at(t, "2026-09-03T02:00:00Z")},
		AuditEntry{Key: "ack-nobody"})
	if !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("error = %v, want one wrapping sql.ErrNoRows", err)
	}
	if n := count(t, db, "SELECT count(*) FROM audit_log"); n != 0 {
		t.Errorf("audit rows = %d after a failed acknowledgement, want 0 (rolled back)", n)
	}
}

func TestRecordAcknowledgementRejects(t *testing.T) {
	_, s := newTestStore(t)
	when := time.Date(2026, 9, 3, 2, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		ack   Acknowledgement
		audit AuditEntry
	}{
		{"bad outcome", Acknowledgement{TermID: "t", OfficerEmail: "a@x", Outcome: contract.OutcomeNever, At: when}, AuditEntry{Key: "k"}},
		{"no time", Acknowledgement{TermID: "t", OfficerEmail: "a@x", Outcome: contract.OutcomeLate}, AuditEntry{Key: "k"}},
		{"no officer", Acknowledgement{TermID: "t", Outcome: contract.OutcomeLate, At: when}, AuditEntry{Key: "k"}},
		{"no audit key", Acknowledgement{TermID: "t", OfficerEmail: "a@x", Outcome: contract.OutcomeLate, At: when}, AuditEntry{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.RecordAcknowledgement(context.Background(), tt.ack, tt.audit); !errors.Is(err, ErrInvalid) {
				t.Errorf("error = %v, want an invalid-input error", err)
			}
		})
	}
}

func TestCloseOnboardingLeavesAcknowledged(t *testing.T) {
	_, s := newTestStore(t)
	setupOnboarding(t, s)
	ackTime := at(t, "2026-09-16T02:00:00Z")
	ackAnn(t, s, "ack-1", contract.OutcomeLate, "", ackTime)

	all := []string{"ann@example.edu", "bob@example.edu", "cat@example.edu"}
	for range 2 { // the second run must change nothing
		if err := s.CloseOnboarding(context.Background(), "2026-fall", all); err != nil {
			t.Fatalf("CloseOnboarding: %v", err)
		}
	}

	got := onboardingByEmail(t, s, "2026-fall")
	tests := []struct {
		email, status, outcome string
	}{
		{"ann@example.edu", OnboardingAcknowledged, contract.OutcomeLate},
		{"bob@example.edu", OnboardingClosed, contract.OutcomeNever},
		{"cat@example.edu", OnboardingClosed, contract.OutcomeNever},
	}
	for _, tt := range tests {
		if r := got[tt.email]; r.Status != tt.status || r.Outcome != tt.outcome {
			t.Errorf("%s: status/outcome = %s/%s, want %s/%s", tt.email, r.Status, r.Outcome, tt.status, tt.outcome)
		}
	}
	if a := got["ann@example.edu"].AcknowledgedAt; a == nil || !a.Equal(ackTime) {
		t.Errorf("ann acknowledged_at = %v, want %v", a, ackTime)
	}

	// An acknowledgement after closing is audited but does not reopen.
	err := s.RecordAcknowledgement(context.Background(),
		Acknowledgement{TermID: "2026-fall", OfficerEmail: "bob@example.edu", Outcome: contract.OutcomeLate, At: at(t, "2026-09-30T02:00:00Z")},
		AuditEntry{Key: "ack-bob"})
	if err != nil {
		t.Fatalf("RecordAcknowledgement after close: %v", err)
	}
	if r := onboardingByEmail(t, s, "2026-fall")["bob@example.edu"]; r.Status != OnboardingClosed || r.AcknowledgedAt != nil {
		t.Errorf("bob after a late acknowledgement on a closed row: status %s, acknowledged_at %v; want %s, none", r.Status, r.AcknowledgedAt, OnboardingClosed)
	}
}

func TestMarkRemindedAndEscalated(t *testing.T) {
	_, s := newTestStore(t)
	setupOnboarding(t, s)
	ctx := context.Background()
	both := []string{"ann@example.edu", "bob@example.edu"}

	steps := []struct {
		name string
		run  func() error
	}{
		{"reminder 1 to ann and bob", func() error { return s.MarkReminded(ctx, "2026-fall", both, 1) }},
		{"reminder 2 to ann", func() error { return s.MarkReminded(ctx, "2026-fall", both[:1], 2) }},
		{"reminder 1 again (a retry)", func() error { return s.MarkReminded(ctx, "2026-fall", both, 1) }},
		{"escalate ann", func() error { return s.MarkEscalated(ctx, "2026-fall", both[:1], at(t, "2026-09-15T01:00:00Z")) }},
		{"escalate both later", func() error { return s.MarkEscalated(ctx, "2026-fall", both, at(t, "2026-09-16T01:00:00Z")) }},
	}
	for _, st := range steps {
		if err := st.run(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
	}

	got := onboardingByEmail(t, s, "2026-fall")
	tests := []struct {
		email     string
		reminders int
		escalated *time.Time
	}{
		{"ann@example.edu", 2, new(at(t, "2026-09-15T01:00:00Z"))},
		{"bob@example.edu", 1, new(at(t, "2026-09-16T01:00:00Z"))},
		{"cat@example.edu", 0, nil},
	}
	for _, tt := range tests {
		r := got[tt.email]
		if r.RemindersSent != tt.reminders {
			t.Errorf("%s: reminders_sent = %d, want %d", tt.email, r.RemindersSent, tt.reminders)
		}
		switch {
		case tt.escalated == nil && r.EscalatedAt != nil,
			tt.escalated != nil && (r.EscalatedAt == nil || !r.EscalatedAt.Equal(*tt.escalated)):
			t.Errorf("%s: escalated_at = %v, want %v", tt.email, r.EscalatedAt, tt.escalated)
		}
	}
}

func TestOnboardingsOrder(t *testing.T) {
	_, s := newTestStore(t)
	d := sampleDirectory(t, "2026-fall")
	// Publicity first, and Bob before Ann, so that neither email nor
	// insertion order matches the directory's.
	d.Departments[0].Position, d.Departments[1].Position = 1, 0
	d.Officers[0].Position, d.Officers[1].Position = 1, 0
	saveDirectory(t, s, d)
	rows := onboardingRows(t, d)
	// An onboarding row whose officer is not in the directory sorts last.
	rows = append(rows, Onboarding{
		TermID: "2026-fall", OfficerEmail: "aaron@example.edu", DepartmentID: "gone",
		AssignedAt: at(t, "2026-09-01T01:00:00Z"), DeadlineAt: at(t, "2026-09-14T15:59:00Z"),
	})
	if err := s.AssignOnboarding(context.Background(), rows); err != nil {
		t.Fatalf("AssignOnboarding: %v", err)
	}

	got, err := s.Onboardings(context.Background(), "2026-fall")
	if err != nil {
		t.Fatalf("Onboardings: %v", err)
	}
	var emails []string
	for _, r := range got {
		emails = append(emails, r.OfficerEmail)
	}
	want := []string{"cat@example.edu", "bob@example.edu", "ann@example.edu", "aaron@example.edu"}
	if !slices.Equal(emails, want) {
		t.Errorf("Onboardings order = %v, want %v", emails, want)
	}
}
