package contract

import (
	"time"

	"semesterflow/plan"
)

// Kinds of onboarding notification.
const (
	NotifyAssignment = "assignment"
	NotifyReminder   = "reminder"
	NotifyEscalation = "escalation"
)

// SaveDirectoryInput is the plan whose term and directory are persisted.
type SaveDirectoryInput struct {
	Plan plan.Plan `json:"plan"`
	// PlanRef, when set, names the plan instead (see PlanRef).
	PlanRef *PlanRef `json:"plan_ref,omitempty"`
	// StartedBy, TimeScale and At describe the start for the audit log.
	StartedBy string    `json:"started_by,omitempty"`
	TimeScale float64   `json:"time_scale,omitempty"`
	At        time.Time `json:"at"`
}

// NotifyOnboardingInput is one onboarding wake-up's batch of emails.
type NotifyOnboardingInput struct {
	Kind           string        `json:"kind"`
	TermID         string        `json:"term_id"`
	TermName       string        `json:"term_name"`
	TimeZone       plan.Zone     `json:"time_zone"`
	DepartmentID   string        `json:"department_id"`
	DepartmentName string        `json:"department_name"`
	Head           plan.Person   `json:"head"`
	Training       plan.Training `json:"training"`
	AssignedAt     time.Time     `json:"assigned_at"`
	Deadline       time.Time     `json:"deadline"`
	WindowCloses   time.Time     `json:"window_closes"`
	// Officers are the recipients of assignments and reminders, and the
	// officers an escalation is about.
	Officers []plan.Person `json:"officers"`
	// DaysLeft and Reminder (1 for the first) describe a reminder.
	DaysLeft int `json:"days_left,omitempty"`
	Reminder int `json:"reminder,omitempty"`
	// At is the plan time of this wake-up.
	At time.Time `json:"at"`
	// LinkExpires is when the acknowledgement links stop working (real
	// time): when the late window closes.
	LinkExpires time.Time `json:"link_expires,omitzero"`
}

// RecordAcknowledgementInput is one officer's acknowledgement.
type RecordAcknowledgementInput struct {
	TermID       string    `json:"term_id"`
	DepartmentID string    `json:"department_id"`
	Email        string    `json:"email"`
	Outcome      string    `json:"outcome"`
	Note         string    `json:"note,omitempty"`
	At           time.Time `json:"at"`
	// AuditKey makes the audit entry unique: the update's ID.
	AuditKey string `json:"audit_key"`
}

// CloseOnboardingInput lists the officers who never acknowledged.
type CloseOnboardingInput struct {
	TermID string   `json:"term_id"`
	Emails []string `json:"emails"`
}
