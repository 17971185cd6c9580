package contract

import (
	"time"

	"semesterflow/plan"
)

// OpenMilestonesInput names the milestones collection and its slots.
type OpenMilestonesInput struct {
	TermID string `json:"term_id"`
	Kind   string `json:"kind"`
	Scope  string `json:"scope"`
	// Keys are every milestone's slot, in plan order.
	Keys []string `json:"keys"`
}

// NotifyContestAtRiskInput is the contest-at-risk notice to the leaders.
type NotifyContestAtRiskInput struct {
	TermID      string             `json:"term_id"`
	TermName    string             `json:"term_name"`
	TimeZone    plan.Zone          `json:"time_zone"`
	ContestName string             `json:"contest_name"`
	ContestAt   time.Time          `json:"contest_at"`
	Where       string             `json:"where,omitempty"`
	Total       int                `json:"total"`
	Open        []ContestMilestone `json:"open"`
	Leaders     []plan.Person      `json:"leaders"`
}

// NotifyContestResultsReminderInput asks the leaders for the results.
type NotifyContestResultsReminderInput struct {
	TermID      string        `json:"term_id"`
	TermName    string        `json:"term_name"`
	TimeZone    plan.Zone     `json:"time_zone"`
	ContestName string        `json:"contest_name"`
	ContestAt   time.Time     `json:"contest_at"`
	ResultsDue  time.Time     `json:"results_due"`
	Leaders     []plan.Person `json:"leaders"`
	// Departments are the IDs a winners list may name.
	Departments []string `json:"departments"`
}

// RecordContestResultInput is the contest's result: the leaders' text and
// winners, or, with Missing, the fact that none came in by the due date.
type RecordContestResultInput struct {
	TermID  string    `json:"term_id"`
	Name    string    `json:"name"`
	HeldAt  time.Time `json:"held_at"`
	Missing bool      `json:"missing,omitempty"`
	Text    string    `json:"text,omitempty"`
	Winners []string  `json:"winners,omitempty"`
	By      string    `json:"by,omitempty"`
	// At is the plan time of the recording, or the due date when missing.
	At time.Time `json:"at"`
	// AuditKey makes the leader's audit entry unique: the update's ID.
	AuditKey string `json:"audit_key,omitempty"`
}
