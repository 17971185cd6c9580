// Package contract is what semesterflow's workflows share with those who
// start, ask and feed them: workflow type names and IDs, the task queue,
// search attributes, the names and payloads of Updates, Queries and
// signals, the payloads of the activities the workflows call, the shared
// constants (outcomes, statuses) and the error types that cross the
// Temporal boundary. It imports only plan and the SDK's temporal package,
// so the starter and the portal can use it without linking the database
// or the mail code.
package contract

import (
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"semesterflow/plan"
)

// DefaultTaskQueue is where the worker listens unless SEMESTERFLOW_TASK_QUEUE
// names another.
const DefaultTaskQueue = "semesterflow"

// Workflow type names, as the worker registers them. Starting a workflow
// by name rather than by its function keeps the workflows' code (and the
// activities it calls) out of the starter.
const (
	WorkflowSemesterPlan = "SemesterPlan"
	WorkflowOnboarding   = "Onboarding"
	WorkflowCollection   = "Collection"
	WorkflowEvaluation   = "Evaluation"
	WorkflowContest      = "Contest"
	WorkflowHelpDesk     = "HelpDesk"
	WorkflowKickoff      = "Kickoff"
	WorkflowExchanges    = "Exchanges"
	WorkflowMonth        = "Month"
	WorkflowPlanUpload   = "PlanUpload"
)

// Names of the handlers people and tools call.
const (
	// UpdateAcknowledgeTraining is an officer confirming their training, sent
	// to the Onboarding workflow of the officer's department.
	UpdateAcknowledgeTraining = "acknowledge-training"
	// QueryProgress returns Progress from SemesterPlan and
	// OnboardingProgress from Onboarding.
	QueryProgress = "progress"
	// QueryFindOfficer returns OfficerLocation for an email from SemesterPlan.
	QueryFindOfficer = "find-officer"
	// SignalOnboardingReport carries an OnboardingReport from a department's
	// Onboarding to SemesterPlan.
	SignalOnboardingReport = "onboarding-report"
	// UpdateCancelTerm is a leader cancelling the term: every part stops and
	// everyone involved is told.
	UpdateCancelTerm = "cancel-term"
)

// Search attributes. They carry no personal data, so leaders can filter in
// the Web UI, for example SemesterTerm="2026-fall" AND SemesterPhase="overdue".
var (
	SearchTerm       = temporal.NewSearchAttributeKeyKeyword("SemesterTerm")
	SearchDepartment = temporal.NewSearchAttributeKeyKeyword("SemesterDepartment")
	SearchPhase      = temporal.NewSearchAttributeKeyKeyword("SemesterPhase")
)

// SearchAttributeNames lists the attributes a namespace must have registered,
// all of type Keyword.
var SearchAttributeNames = []string{"SemesterTerm", "SemesterDepartment", "SemesterPhase"}

// Phases of a term and of a department's onboarding, as shown in the
// SemesterPhase search attribute and in progress.
const (
	PhaseDirectory  = "directory"  // saving the term and its directory
	PhaseWaiting    = "waiting"    // before the officer list is final
	PhaseOnboarding = "onboarding" // training assigned, acknowledgements open
	PhaseOverdue    = "overdue"    // deadline passed, someone has not acknowledged
	PhaseClosed     = "closed"     // onboarding finished for this department
	PhaseFailed     = "failed"     // the department's workflow ended with an error
	PhaseTerm       = "term"       // the term's parts are under way
	PhaseCancelled  = "cancelled"  // the term was cancelled
	PhaseDone       = "done"       // every part of the term has finished
)

// Onboarding outcomes per officer, as progress shows them and the
// onboarding table and the evaluation record them.
const (
	// OutcomePending means still waiting for the officer.
	OutcomePending = "pending"
	// OutcomeOnTime means acknowledged by the deadline.
	OutcomeOnTime = "on_time"
	// OutcomeLate means acknowledged after the deadline, within the late window.
	OutcomeLate = "late"
	// OutcomeNever means not acknowledged before the onboarding was closed.
	OutcomeNever = "never"
)

// SemesterWorkflowID is the ID of a term's SemesterPlan. One term runs once.
func SemesterWorkflowID(termID string) string { return semesterPrefix + termID }

// semesterPrefix starts every workflow ID of semesterflow; the IDs of a
// term's parts start with its SemesterWorkflowID.
const semesterPrefix = "semester/"

// TermOf is the term ID of a term's SemesterWorkflowID.
func TermOf(semesterWorkflowID string) string {
	return strings.TrimPrefix(semesterWorkflowID, semesterPrefix)
}

// TermKey names one execution of a term, where its parts' reports go: the
// term's workflow ID and the run ID it was first started with, so a term
// started again under the same ID does not read the earlier one's reports.
func TermKey(workflowID, firstRunID string) string { return workflowID + "/" + firstRunID }

// OnboardingWorkflowID is the ID of a department's Onboarding in a term.
func OnboardingWorkflowID(termID, departmentID string) string {
	return SemesterWorkflowID(termID) + "/onboarding/" + departmentID
}

// SemesterInput starts a term.
type SemesterInput struct {
	// Plan is the term's plan by value, or empty when PlanRef names it:
	// the starter uploads every plan (see PlanRef), and a term started
	// from the Temporal CLI or UI may carry a small one by value.
	Plan    plan.Plan `json:"plan"`
	PlanRef *PlanRef  `json:"plan_ref,omitempty"`
	// TimeScale is plan seconds per real second: 1 (or 0) in production,
	// 86400 to rehearse a plan day each second.
	TimeScale float64 `json:"time_scale,omitempty"`
	// StartedBy names who started the term, for the audit log.
	StartedBy string `json:"started_by,omitempty"`
	// State carries progress across continue-as-new; nil on the first run.
	State *SemesterState `json:"state,omitempty"`
	// StateRef names the state instead, stored in Postgres like a plan by
	// reference, when it is too large to carry: a union of 1,000
	// departments runs over 3,000 parts.
	StateRef *PlanRef `json:"state_ref,omitempty"`
	// Reports are onboarding reports that came while the last run stored
	// its state; the next run applies them first.
	Reports []OnboardingReport `json:"reports,omitempty"`
}

// StateInlineBytes is the most JSON of state a term carries by value when
// it continues as new.
const StateInlineBytes = 128 << 10

// SemesterState is what SemesterPlan knows, carried across continue-as-new.
type SemesterState struct {
	Clock             plan.Clock `json:"clock"`
	Phase             string     `json:"phase"`
	DirectorySaved    bool       `json:"directory_saved"`
	OnboardingStarted bool       `json:"onboarding_started"`
	// OnboardingStartedFor counts the departments whose onboarding has
	// started while a large union's are started in steps, which may span
	// runs; OnboardingStarted is set once all have.
	OnboardingStartedFor int                  `json:"onboarding_started_for,omitempty"`
	Departments          []DepartmentProgress `json:"departments"`
	// Started names the parts started so far; Parts is what they and their
	// collections last reported.
	Started []string     `json:"started,omitempty"`
	Parts   []PartStatus `json:"parts,omitempty"`
	// Children are the workflow IDs of every part started, for cancelling.
	Children []string `json:"children,omitempty"`
	// ReportsCursor is where the next read of the parts' reports starts;
	// ReportsReadAt is the plan time of the last read.
	ReportsCursor int64     `json:"reports_cursor,omitempty"`
	ReportsReadAt time.Time `json:"reports_read_at,omitzero"`
	// PlanVersion is the version of the plan the term runs (0 and 1 both
	// mean the plan it started with); PlanVersionsSaved is set once the
	// versions are in Postgres.
	PlanVersion       int  `json:"plan_version,omitempty"`
	PlanVersionsSaved bool `json:"plan_versions_saved,omitempty"`
	// Joiners are the officers amendments added once onboarding had
	// started: each batch is onboarded by its own Onboarding, with a
	// deadline counted from the day they joined.
	Joiners []JoinerOnboarding `json:"joiners,omitempty"`
	// MilestoneShifts are the contest's milestones the term moved with the
	// contest, by how many days from the date its files write.
	MilestoneShifts []MilestoneShift `json:"milestone_shifts,omitempty"`
}

// MilestoneShift is a milestone that kept its distance from a moved
// contest: its file says Written, the term runs it Days later.
type MilestoneShift struct {
	Title   string    `json:"title"`
	Written plan.Date `json:"written"`
	Days    int       `json:"days"`
}

// JoinerOnboarding is one amendment's new officers of one department.
type JoinerOnboarding struct {
	DepartmentID string        `json:"department_id"`
	Version      int           `json:"version"`
	At           time.Time     `json:"at"`
	Officers     []plan.Person `json:"officers"`
}

// JoinerOnboardingPart names the part that onboards a batch of joiners.
func JoinerOnboardingPart(departmentID string, version int) string {
	return "onboarding/" + departmentID + "/v" + strconv.Itoa(version)
}

// JoinerOnboardingWorkflowID is the Onboarding of the officers plan
// version joined a department with.
func JoinerOnboardingWorkflowID(termID, departmentID string, version int) string {
	return OnboardingWorkflowID(termID, departmentID) + "/v" + strconv.Itoa(version)
}

// SignalOnboardingLeft carries OnboardingLeft from the term to an
// Onboarding after an amendment took officers out.
const SignalOnboardingLeft = "onboarding-left"

// OnboardingLeft names the officers who left, and when (plan time).
type OnboardingLeft struct {
	Emails []string  `json:"emails"`
	At     time.Time `json:"at"`
}

// PartStatus is the latest report of one part of the term.
type PartStatus struct {
	PartReport
	// Tracked parts are the term's own children: the term ends when every
	// one of them is done. Other parts (their collections) only inform.
	Tracked bool `json:"tracked,omitempty"`
}

// DepartmentOverdue is what is overdue in one department ("" for the
// Organization Department's term-wide parts).
type DepartmentOverdue struct {
	Department string        `json:"department"`
	Name       string        `json:"name"`
	Items      []OverdueItem `json:"items"`
}

// SemesterResult is how the term ended. Past ProgressListsEveryPartUpTo
// departments, Departments keeps only those with something outstanding, as
// a folded Progress does, and MoreDepartments counts the rest; Totals
// counts them all, and Postgres keeps every officer's record.
type SemesterResult struct {
	TermID          string               `json:"term_id"`
	Departments     []DepartmentProgress `json:"departments"`
	Totals          OnboardingCounts     `json:"totals"`
	MoreDepartments int                  `json:"more_departments,omitempty"`
}

// OnboardingCounts counts officers by where they are in onboarding.
type OnboardingCounts struct {
	Officers int `json:"officers"`
	OnTime   int `json:"on_time"`
	Late     int `json:"late"`
	// Pending have not acknowledged and the window is still open.
	Pending int `json:"pending"`
	// Overdue are the pending ones whose deadline has passed.
	Overdue int `json:"overdue"`
	Never   int `json:"never"`
}

// Acknowledged counts on-time and late acknowledgements together.
func (c OnboardingCounts) Acknowledged() int { return c.OnTime + c.Late }

// Add sums counts.
func (c OnboardingCounts) Add(o OnboardingCounts) OnboardingCounts {
	return OnboardingCounts{
		Officers: c.Officers + o.Officers,
		OnTime:   c.OnTime + o.OnTime,
		Late:     c.Late + o.Late,
		Pending:  c.Pending + o.Pending,
		Overdue:  c.Overdue + o.Overdue,
		Never:    c.Never + o.Never,
	}
}

// DepartmentProgress is one department's onboarding as the term sees it.
type DepartmentProgress struct {
	DepartmentID string           `json:"department_id"`
	Name         string           `json:"name"`
	Phase        string           `json:"phase"`
	Onboarding   OnboardingCounts `json:"onboarding"`
	// Problems are what its onboarding could not do on time.
	Problems []string `json:"problems,omitempty"`
	// ReportSeq is the last report applied.
	ReportSeq int `json:"report_seq,omitempty"`
}

// ProgressRequest narrows QueryProgress on SemesterPlan. Its zero value
// (a query with no argument) asks for the whole term.
type ProgressRequest struct {
	// Department asks for one department: its row, its own parts besides
	// the term-wide ones, and what it has overdue.
	Department string `json:"department,omitempty"`
}

// ProgressListsEveryPartUpTo is the largest union whose whole-term
// progress lists every department's parts one by one. Past it, they are
// folded by kind, so the answer stays well below the 256 KiB a payload
// should keep to (at 200 departments the full list was 372 KB).
const ProgressListsEveryPartUpTo = 50

// ProgressOverdueGroupsUpTo is how many departments' overdue items a
// folded progress lists; MoreOverdue counts the rest.
const ProgressOverdueGroupsUpTo = 20

// ProgressDepartmentsUpTo is how many department rows a folded progress
// lists: those with something outstanding (officers pending, overdue or
// never acknowledged, or a problem), in plan order. MoreDepartments counts
// the rest; Totals counts them all.
const ProgressDepartmentsUpTo = 50

// PartDepartment is the department a part belongs to, "" for the
// term-wide parts: "exchanges/publicity/minutes-3" is publicity's.
func PartDepartment(part string) string {
	kind, rest, ok := strings.Cut(part, "/")
	if !ok {
		return ""
	}
	switch kind {
	case "onboarding", "exchanges", "evaluation":
		department, _, _ := strings.Cut(rest, "/")
		return department
	}
	return ""
}

// Progress answers QueryProgress on SemesterPlan.
type Progress struct {
	TermID   string    `json:"term_id"`
	TermName string    `json:"term_name"`
	TimeZone plan.Zone `json:"time_zone"`
	Phase    string    `json:"phase"`
	// Clock maps real time to plan time. A query answers from the state of
	// the last workflow task, so callers compute "now" with it themselves.
	Clock       plan.Clock           `json:"clock"`
	TimeScale   float64              `json:"time_scale"`
	Deadline    time.Time            `json:"deadline"`
	Departments []DepartmentProgress `json:"departments"`
	Totals      OnboardingCounts     `json:"totals"`
	// Parts lists every part of the term with its phase and summary, as
	// the parts had reported at PartsAsOf (plan time).
	Parts     []PartStatus `json:"parts,omitempty"`
	PartsAsOf time.Time    `json:"parts_as_of,omitzero"`
	// Upcoming are the next deadlines and starts, soonest first.
	Upcoming []Deadline `json:"upcoming,omitempty"`
	// Overdue groups what is past due by department, in plan order.
	Overdue []DepartmentOverdue `json:"overdue,omitempty"`
	// FoldedDepartments is set, to the number of departments, when Parts
	// folds the departments' parts by kind ("exchanges/*").
	FoldedDepartments int `json:"folded_departments,omitempty"`
	// MoreOverdue counts the departments with something overdue that a
	// folded Overdue leaves out.
	MoreOverdue int `json:"more_overdue,omitempty"`
	// MoreDepartments counts the departments a folded Departments leaves out.
	MoreDepartments int `json:"more_departments,omitempty"`
}

// OfficerLocation answers QueryFindOfficer: where an officer's actions go.
type OfficerLocation struct {
	Email          string    `json:"email"`
	Name           string    `json:"name"`
	DepartmentID   string    `json:"department_id"`
	DepartmentName string    `json:"department_name"`
	TimeZone       plan.Zone `json:"time_zone"`
	// OnboardingWorkflowID receives UpdateAcknowledgeTraining.
	OnboardingWorkflowID string `json:"onboarding_workflow_id"`
}

// OnboardingInput starts one department's onboarding.
type OnboardingInput struct {
	TermID     string                  `json:"term_id"`
	TermName   string                  `json:"term_name"`
	TimeZone   plan.Zone               `json:"time_zone"`
	Department plan.Department         `json:"department"`
	Training   plan.Training           `json:"training"`
	Schedule   plan.OnboardingSchedule `json:"schedule"`
	Clock      plan.Clock              `json:"clock"`
	// ParentWorkflowID receives OnboardingReport signals; empty for none.
	ParentWorkflowID string `json:"parent_workflow_id,omitempty"`
}

// OfficerOnboarding is one officer's onboarding state.
type OfficerOnboarding struct {
	Email          string     `json:"email"`
	Name           string     `json:"name"`
	Outcome        string     `json:"outcome"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	RemindersSent  int        `json:"reminders_sent"`
	Escalated      bool       `json:"escalated"`
	// LeftAt is when an amendment of the plan took the officer out (plan
	// time): they get no more emails and are not counted.
	LeftAt *time.Time `json:"left_at,omitempty"`
}

// OnboardingProgress answers QueryProgress on Onboarding, and is its result.
type OnboardingProgress struct {
	TermName       string    `json:"term_name,omitempty"`
	TimeZone       plan.Zone `json:"time_zone,omitzero"`
	DepartmentName string    `json:"department_name,omitempty"`
	// Sessions are the training's sessions, for the portal's page.
	Sessions     []plan.TrainingSession `json:"sessions,omitempty"`
	DepartmentID string                 `json:"department_id"`
	Phase        string                 `json:"phase"`
	Deadline     time.Time              `json:"deadline"`
	WindowCloses time.Time              `json:"window_closes"`
	Counts       OnboardingCounts       `json:"counts"`
	Officers     []OfficerOnboarding    `json:"officers"`
	// Problems are what the onboarding could not do on time.
	Problems []string `json:"problems,omitempty"`
}

// OnboardingReport is what a department's Onboarding tells SemesterPlan.
type OnboardingReport struct {
	DepartmentID string `json:"department_id"`
	// Seq increases with every report; older ones are dropped.
	Seq    int              `json:"seq"`
	Phase  string           `json:"phase"`
	Counts OnboardingCounts `json:"counts"`
	// Problems are what the onboarding could not do on time.
	Problems []string `json:"problems,omitempty"`
}

// AcknowledgeInput is an officer's acknowledgement of their training.
type AcknowledgeInput struct {
	Email string `json:"email"`
	// Note is optional, for example which session the officer attended.
	Note string `json:"note,omitempty"`
}

// AcknowledgeResult tells the officer how the acknowledgement counted.
type AcknowledgeResult struct {
	Outcome string `json:"outcome"`
	// At is the plan time of the acknowledgement.
	At time.Time `json:"at"`
}

// CancelTermInput is a leader cancelling the term.
type CancelTermInput struct {
	Email  string `json:"email"`
	Reason string `json:"reason"`
}
