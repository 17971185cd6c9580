package contract

import (
	"time"

	"semesterflow/plan"
)

// RecordHelpRequestInput is a department's request for help.
type RecordHelpRequestInput struct {
	TermID         string      `json:"term_id"`
	TermName       string      `json:"term_name"`
	TimeZone       plan.Zone   `json:"time_zone"`
	TaskID         string      `json:"task_id"`
	DepartmentID   string      `json:"department_id"`
	DepartmentName string      `json:"department_name"`
	Requester      plan.Person `json:"requester"`
	Description    string      `json:"description"`
	Due            time.Time   `json:"due"`
	// At is the plan time of the request.
	At          time.Time   `json:"at"`
	Coordinator plan.Person `json:"coordinator"`
	// AuditKey makes the audit entry unique: the update's ID.
	AuditKey string `json:"audit_key"`
}

// RecordTaskAssignmentInput is the coordinator's choice of an officer.
type RecordTaskAssignmentInput struct {
	TermID         string      `json:"term_id"`
	TermName       string      `json:"term_name"`
	TimeZone       plan.Zone   `json:"time_zone"`
	TaskID         string      `json:"task_id"`
	DepartmentName string      `json:"department_name"`
	Description    string      `json:"description"`
	Due            time.Time   `json:"due"`
	Requester      plan.Person `json:"requester"`
	Assignee       plan.Person `json:"assignee"`
	AssignedBy     plan.Person `json:"assigned_by"`
	At             time.Time   `json:"at"`
	AuditKey       string      `json:"audit_key"`
}

// TaskOutcome is how one assigned task ended.
type TaskOutcome struct {
	TaskID string `json:"task_id"`
	// Status is store.TaskDone, store.TaskLate or store.TaskMissed.
	Status      string     `json:"status"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
}

// CompleteHelpTasksInput is a batch of tasks that ended.
type CompleteHelpTasksInput struct {
	TermID   string        `json:"term_id"`
	Outcomes []TaskOutcome `json:"outcomes"`
}

// FindOfficerInput asks the term's directory for a serving officer.
type FindOfficerInput struct {
	TermID string `json:"term_id"`
	Email  string `json:"email"`
}

// FindOfficerResult is the officer, when the directory lists them and no
// amendment took them out.
type FindOfficerResult struct {
	Found        bool        `json:"found"`
	Officer      plan.Person `json:"officer"`
	DepartmentID string      `json:"department_id,omitempty"`
}
