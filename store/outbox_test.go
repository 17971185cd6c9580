package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
)

// outboxRows returns pending emails of one workflow with the given keys.
func outboxRows(keys ...string) []OutboxEmail {
	rows := make([]OutboxEmail, len(keys))
	for i, k := range keys {
		rows[i] = OutboxEmail{
			Key: k, MessageID: "<" + k + "@semesterflow>", WorkflowID: "onboarding-2026-fall",
			Purpose: "training_assignment", Recipient: k + "@example.edu", Subject: "Training",
		}
	}
	return rows
}

func TestClaimOutbox(t *testing.T) {
	_, s := newTestStore(t)
	ctx := context.Background()

	got, err := s.ClaimOutbox(ctx, outboxRows("c", "a", "b"))
	if err != nil {
		t.Fatalf("first ClaimOutbox: %v", err)
	}
	if want := []string{"c", "a", "b"}; !slices.Equal(got, want) {
		t.Errorf("first ClaimOutbox = %v, want %v", got, want)
	}

	sentAt := at(t, "2026-09-01T01:00:05Z")
	if err := s.MarkSent(ctx, "a", sentAt); err != nil {
		t.Fatalf("MarkSent(a): %v", err)
	}
	// A retried MarkSent keeps the first time.
	if err := s.MarkSent(ctx, "a", at(t, "2026-09-01T02:00:00Z")); err != nil {
		t.Fatalf("MarkSent(a) again: %v", err)
	}

	// The retried activity claims the same batch plus one new email, with
	// a repeated key.
	got, err = s.ClaimOutbox(ctx, outboxRows("c", "a", "b", "d", "c"))
	if err != nil {
		t.Fatalf("second ClaimOutbox: %v", err)
	}
	if want := []string{"c", "b", "d"}; !slices.Equal(got, want) {
		t.Errorf("second ClaimOutbox = %v, want %v (unsent, input order, no repeats)", got, want)
	}

	rows, err := s.Outbox(ctx, "onboarding-2026-fall")
	if err != nil {
		t.Fatalf("Outbox: %v", err)
	}
	status := map[string]string{}
	for _, r := range rows {
		status[r.Key] = r.Status
		if r.Key == "a" && (r.SentAt == nil || !r.SentAt.Equal(sentAt)) {
			t.Errorf("a: sent_at = %v, want %v", r.SentAt, sentAt)
		}
		if r.Key != "a" && r.SentAt != nil {
			t.Errorf("%s: sent_at = %v, want none", r.Key, r.SentAt)
		}
		if r.CreatedAt.IsZero() {
			t.Errorf("%s: created_at not stamped", r.Key)
		}
	}
	want := map[string]string{"a": OutboxSent, "b": OutboxPending, "c": OutboxPending, "d": OutboxPending}
	if len(status) != len(want) {
		t.Errorf("outbox holds %v, want %v", status, want)
	}
	for k, w := range want {
		if status[k] != w {
			t.Errorf("%s: status = %q, want %q", k, status[k], w)
		}
	}
}

func TestClaimOutboxIgnoresCallerStatus(t *testing.T) {
	_, s := newTestStore(t)
	rows := outboxRows("x")
	rows[0].Status = OutboxSent
	got, err := s.ClaimOutbox(context.Background(), rows)
	if err != nil {
		t.Fatalf("ClaimOutbox: %v", err)
	}
	if want := []string{"x"}; !slices.Equal(got, want) {
		t.Errorf("ClaimOutbox = %v, want %v: a claim is always pending", got, want)
	}
}

func TestMarkSentUnknownKey(t *testing.T) {
	_, s := newTestStore(t)
	if err := s.MarkSent(context.Background(), "missing", at(t, "2026-09-01T01:00:00Z")); !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("MarkSent of an unknown key: error = %v, want one wrapping sql.ErrNoRows", err)
	}
}

func TestRecordAudit(t *testing.T) {
	_, s := newTestStore(t)
	ctx := context.Background()
	e := AuditEntry{
		Key: "minutes-1", TermID: "2026-fall", WorkflowID: "semester-2026-fall",
		Actor: "secretary@example.edu", Action: "submit_minutes", Subject: "meeting-1",
		Payload: map[string]any{"pages": 2}, PlanTime: at(t, "2026-09-10T10:00:00Z"),
	}
	noPayload := AuditEntry{
		Key: "minutes-2", TermID: "2026-fall", Actor: "secretary@example.edu",
		Action: "submit_minutes", PlanTime: at(t, "2026-09-17T10:00:00Z"),
	}
	for _, entry := range []AuditEntry{e, e, noPayload} {
		if err := s.RecordAudit(ctx, entry); err != nil {
			t.Fatalf("RecordAudit(%s): %v", entry.Key, err)
		}
	}
	if err := s.RecordAudit(ctx, AuditEntry{TermID: "2026-fall"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("RecordAudit without a key: error = %v, want an invalid-input error", err)
	}

	got, err := s.AuditEntries(ctx, "2026-fall")
	if err != nil {
		t.Fatalf("AuditEntries: %v", err)
	}
	var keys []string
	for _, g := range got {
		keys = append(keys, g.Key)
	}
	if want := []string{"minutes-1", "minutes-2"}; !slices.Equal(keys, want) {
		t.Fatalf("audit keys = %v, want %v", keys, want)
	}
	// JSON numbers come back as float64.
	if got[0].Payload["pages"] != float64(2) || !got[0].PlanTime.Equal(e.PlanTime) {
		t.Errorf("first entry payload %v, plan_time %v; want pages=2, %v", got[0].Payload, got[0].PlanTime, e.PlanTime)
	}
	if got[1].Payload == nil || len(got[1].Payload) != 0 {
		t.Errorf("entry without payload reads back %#v, want an empty map", got[1].Payload)
	}
}
