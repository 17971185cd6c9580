package store

import (
	"time"

	"github.com/uptrace/bun"
)

// Term is one semester. Its directory (leaders, departments, officers) and
// onboarding rows hang off its ID.
type Term struct {
	bun.BaseModel `bun:"table:terms,alias:t"`

	// ID is the term's slug, such as "2026-fall".
	ID   string `bun:"id,pk"`
	Name string `bun:"name"`
	// StartsOn and EndsOn are calendar dates; only their year, month and
	// day are stored, read back as midnight UTC.
	StartsOn time.Time `bun:"starts_on,type:date"`
	EndsOn   time.Time `bun:"ends_on,type:date"`
	// TimeZone is the IANA zone the plan's local times are in.
	TimeZone   string `bun:"time_zone"`
	WorkflowID string `bun:"workflow_id"`
	// CreatedAt and UpdatedAt are record-keeping times stamped by the
	// database when the row is inserted or actually changed; values set by
	// callers are ignored on write.
	CreatedAt time.Time `bun:"created_at"`
	UpdatedAt time.Time `bun:"updated_at"`
}

// Leader is one of the leaders the term's plan names.
type Leader struct {
	bun.BaseModel `bun:"table:leaders,alias:l"`

	TermID   string `bun:"term_id,pk"`
	Email    string `bun:"email,pk"`
	Name     string `bun:"name"`
	Role     string `bun:"role"`
	Position int    `bun:"position"`
}

// Department is one department of the student union in a term.
type Department struct {
	bun.BaseModel `bun:"table:departments,alias:d"`

	TermID    string `bun:"term_id,pk"`
	ID        string `bun:"id,pk"`
	Name      string `bun:"name"`
	HeadName  string `bun:"head_name"`
	HeadEmail string `bun:"head_email"`
	Position  int    `bun:"position"`
}

// Officer is an officer serving in one of the term's departments.
type Officer struct {
	bun.BaseModel `bun:"table:officers,alias:o"`

	TermID       string `bun:"term_id,pk"`
	Email        string `bun:"email,pk"`
	DepartmentID string `bun:"department_id"`
	Name         string `bun:"name"`
	Role         string `bun:"role"`
	// Position orders officers within their department.
	Position int `bun:"position"`
	// JoinedAt is set for an officer an amendment of the plan added, and
	// LeftAt for one an amendment removed (plan times); nil otherwise.
	JoinedAt *time.Time `bun:"joined_at"`
	LeftAt   *time.Time `bun:"left_at"`
}

// Onboarding statuses.
const (
	// OnboardingAssigned means training assigned, no acknowledgement yet.
	OnboardingAssigned = "assigned"
	// OnboardingAcknowledged means the officer confirmed the training.
	OnboardingAcknowledged = "acknowledged"
	// OnboardingClosed means the window ended without an acknowledgement.
	OnboardingClosed = "closed"
)

// Onboarding tracks one officer's training acknowledgement in a term. The
// database enforces that Status and Outcome move together: assigned/pending,
// acknowledged/on_time or late (with AcknowledgedAt), closed/never.
type Onboarding struct {
	bun.BaseModel `bun:"table:onboarding,alias:ob"`

	TermID       string `bun:"term_id,pk"`
	OfficerEmail string `bun:"officer_email,pk"`
	// DepartmentID is the department the officer served in when assigned.
	DepartmentID   string     `bun:"department_id"`
	Status         string     `bun:"status"`
	Outcome        string     `bun:"outcome"`
	AssignedAt     time.Time  `bun:"assigned_at"`
	DeadlineAt     time.Time  `bun:"deadline_at"`
	AcknowledgedAt *time.Time `bun:"acknowledged_at"`
	EscalatedAt    *time.Time `bun:"escalated_at"`
	// RemindersSent is the highest reminder number sent so far.
	RemindersSent int    `bun:"reminders_sent"`
	Note          string `bun:"note"`
	// UpdatedAt is stamped by the database when the row changes.
	UpdatedAt time.Time `bun:"updated_at"`
}

// ActionAcknowledgeTraining is the audit action RecordAcknowledgement uses
// when its audit entry names none.
const ActionAcknowledgeTraining = "acknowledge_training"

// AuditEntry records one human action, once per Key.
type AuditEntry struct {
	bun.BaseModel `bun:"table:audit_log,alias:a"`

	ID int64 `bun:"id,pk,autoincrement"`
	// Key is the idempotency key: a second entry with the same key is
	// dropped.
	Key        string `bun:"key"`
	TermID     string `bun:"term_id"`
	WorkflowID string `bun:"workflow_id"`
	// Actor is who acted, usually an email address.
	Actor string `bun:"actor"`
	// Action names what was done, such as ActionAcknowledgeTraining.
	Action string `bun:"action"`
	// Subject is what the action concerns: an officer's email, a meeting ID.
	Subject string `bun:"subject"`
	// Payload holds action-specific details as a JSON object; nil is
	// stored as {} and read back as an empty map.
	Payload map[string]any `bun:"payload,type:jsonb"`
	// PlanTime is when the action happened on the plan clock.
	PlanTime time.Time `bun:"plan_time"`
	// RecordedAt is stamped by the database when the entry is written.
	RecordedAt time.Time `bun:"recorded_at"`
}

// Outbox statuses.
const (
	// OutboxPending means claimed for sending, not confirmed sent.
	OutboxPending = "pending"
	// OutboxSent means the mail server accepted the message.
	OutboxSent = "sent"
)

// OutboxEmail is one email a workflow sends, keyed by an idempotency key.
type OutboxEmail struct {
	bun.BaseModel `bun:"table:email_outbox,alias:eo"`

	Key        string `bun:"key,pk"`
	MessageID  string `bun:"message_id"`
	WorkflowID string `bun:"workflow_id"`
	// Purpose says why the email goes out, such as "training_reminder".
	Purpose   string `bun:"purpose"`
	Recipient string `bun:"recipient"`
	Subject   string `bun:"subject"`
	Status    string `bun:"status"`
	// CreatedAt is stamped by the database when the email is claimed.
	CreatedAt time.Time `bun:"created_at"`
	// SentAt is the real time the SMTP server accepted the email.
	SentAt *time.Time `bun:"sent_at"`
}
