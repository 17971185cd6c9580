package contract

import (
	"strconv"
	"strings"
	"time"

	"semesterflow/plan"
)

// UpdateSubmit hands in one slot's submission to a Collection.
const UpdateSubmit = "submit"

// QueryTask answers what one person is asked for: on a Collection, one slot
// (CollectionTask, arguments: slot key, email); on Exchanges, the meeting
// being held (MeetingTask, argument: email). The officers' portal shows it
// above its form.
const QueryTask = "task"

// CollectionWorkflowID names a collection of a term, for example
// "semester/2026-fall/kickoff/department_plan".
func CollectionWorkflowID(termID, scope, kind string) string {
	return SemesterWorkflowID(termID) + "/" + scope + "/" + kind
}

// Slot is one thing a collection waits for: a department's plan, a
// meeting's minutes, one judge's scores for one entry.
type Slot struct {
	// Key is unique within the collection, e.g. a department ID.
	Key string `json:"key"`
	// Label names the slot for people, e.g. "Publicity Department".
	Label string    `json:"label"`
	Due   time.Time `json:"due"`
	// Owners may hand it in; they get the request and the reminders.
	Owners []plan.Person `json:"owners"`
	// EscalateTo hear when it is missing at the deadline; none for no
	// escalation.
	EscalateTo []plan.Person `json:"escalate_to,omitempty"`
	// Department the slot belongs to, for the term's overdue view.
	Department string `json:"department,omitempty"`
	// HandedOver lists the slot's handovers, oldest first.
	HandedOver []Handover `json:"handed_over,omitempty"`
}

// Handover is a task passed from one person to another, with the reason.
type Handover struct {
	From   plan.Person `json:"from"`
	To     plan.Person `json:"to"`
	By     string      `json:"by"`
	Reason string      `json:"reason"`
	At     time.Time   `json:"at"`
}

// CollectionShardID is the workflow ID of part shard (0 for the first)
// of a collection run in parts, e.g. ".../summary/part-2". The first keeps
// the collection's own ID, so a collection in one part runs under it.
func CollectionShardID(collectionID string, shard int) string {
	if shard == 0 {
		return collectionID
	}
	return collectionID + "/part-" + strconv.Itoa(shard+1)
}

// CollectionInput describes one collection: what is asked, of whom, by when.
type CollectionInput struct {
	TermID   string    `json:"term_id"`
	TermName string    `json:"term_name"`
	TimeZone plan.Zone `json:"time_zone"`
	// Kind and Scope key the submissions in Postgres, e.g. "summary" and
	// "2026-10".
	Kind  string `json:"kind"`
	Scope string `json:"scope"`
	// Title says what is asked, completing "Please hand in ...".
	Title        string `json:"title"`
	Instructions string `json:"instructions,omitempty"`
	// Opens is when requests go out and submissions are taken.
	Opens time.Time `json:"opens"`
	Slots []Slot    `json:"slots"`
	// RemindDaysBefore places reminders before each slot's due date, at
	// SendTime on that day.
	RemindDaysBefore []int          `json:"remind_days_before,omitempty"`
	SendTime         plan.ClockTime `json:"send_time"`
	// LateDays keeps a slot open after its due date for late submissions.
	LateDays int `json:"late_days,omitempty"`
	// Criteria, when set, make every submission carry one score per
	// criterion, from 0 to MaxScore.
	Criteria     []string   `json:"criteria,omitempty"`
	MaxScore     float64    `json:"max_score,omitempty"`
	TextRequired bool       `json:"text_required"`
	Clock        plan.Clock `json:"clock"`
	// ReportTo (a TermKey) and Part, when set, make the collection report
	// its progress to that term as that part.
	ReportTo string `json:"report_to,omitempty"`
	Part     string `json:"part,omitempty"`
}

// SubmitInput is one submission. Slot may be left empty by someone who owns
// only one slot.
type SubmitInput struct {
	Email  string    `json:"email"`
	Slot   string    `json:"slot,omitempty"`
	Text   string    `json:"text,omitempty"`
	Scores []float64 `json:"scores,omitempty"`
}

// SubmitResult says how the submission counted.
type SubmitResult struct {
	Slot  string    `json:"slot"`
	Label string    `json:"label"`
	Late  bool      `json:"late"`
	At    time.Time `json:"at"`
}

// Submission is what was handed in for a slot.
type Submission struct {
	Slot   string    `json:"slot"`
	Author string    `json:"author"`
	Text   string    `json:"text,omitempty"`
	Scores []float64 `json:"scores,omitempty"`
	At     time.Time `json:"at"`
	Late   bool      `json:"late"`
}

// SlotProgress is one slot as QueryProgress on a Collection shows it.
type SlotProgress struct {
	Key           string    `json:"key"`
	Label         string    `json:"label"`
	Due           time.Time `json:"due"`
	Submitted     bool      `json:"submitted"`
	Late          bool      `json:"late"`
	Closed        bool      `json:"closed"`
	RemindersSent int       `json:"reminders_sent"`
	Escalated     bool      `json:"escalated"`
}

// CollectionResult is what a Collection gathered. Submissions follow the
// order of the slots; Missing lists the keys of slots never handed in.
type CollectionResult struct {
	Kind        string         `json:"kind"`
	Scope       string         `json:"scope"`
	Submissions []Submission   `json:"submissions"`
	Missing     []string       `json:"missing,omitempty"`
	Slots       []SlotProgress `json:"slots"`
}

// CollectionTask answers QueryTask on a Collection: one slot as the person
// asked for it sees it.
type CollectionTask struct {
	TermName     string    `json:"term_name"`
	TimeZone     plan.Zone `json:"time_zone"`
	Title        string    `json:"title"`
	Instructions string    `json:"instructions,omitempty"`
	Criteria     []string  `json:"criteria,omitempty"`
	MaxScore     float64   `json:"max_score,omitempty"`
	TextRequired bool      `json:"text_required"`
	// Open is false before the collection opens and once it has ended.
	Open   bool         `json:"open"`
	Opens  time.Time    `json:"opens"`
	Closes time.Time    `json:"closes"`
	Slot   SlotProgress `json:"slot"`
	// Owner says whether the person may hand this slot in.
	Owner bool `json:"owner"`
	// SubmittedBy and SubmittedAt say who handed it in and when.
	SubmittedBy string    `json:"submitted_by,omitempty"`
	SubmittedAt time.Time `json:"submitted_at,omitzero"`
	// HandedOver is set when the person was asked and the task went to
	// someone else.
	HandedOver *Handover `json:"handed_over,omitempty"`
}

// UpdateHandOver passes one slot of a Collection from one person to
// another in the slot's department: HandOverInput, answered with
// HandOverResult. The person asked hands over their own task; those the
// slot escalates to may reassign it.
const UpdateHandOver = "hand-over"

// HandOverInput hands a task over.
type HandOverInput struct {
	// Email is who acts: the person asked, or one the slot escalates to.
	Email string `json:"email"`
	Slot  string `json:"slot,omitempty"`
	// From is whose task moves; empty for the person acting, or for the
	// slot's only owner.
	From string      `json:"from,omitempty"`
	To   plan.Person `json:"to"`
	// ToDepartment is the department the directory lists To in, as the
	// starter or the portal looked it up; it must be the slot's.
	ToDepartment string `json:"to_department"`
	Reason       string `json:"reason"`
}

// HandOverResult says who has the task now.
type HandOverResult struct {
	Slot  string      `json:"slot"`
	Label string      `json:"label"`
	From  plan.Person `json:"from"`
	To    plan.Person `json:"to"`
	At    time.Time   `json:"at"`
}

// ActionHandOver is the audit action of a handover.
const ActionHandOver = "hand_over"

// TermOfWorkflow is the term ID of any of a term's workflow IDs.
func TermOfWorkflow(workflowID string) string {
	rest := strings.TrimPrefix(workflowID, semesterPrefix)
	term, _, _ := strings.Cut(rest, "/")
	return term
}

// UpdateExtendDeadline moves one slot's due date of a Collection, or every
// open slot's, later: ExtendDeadlineInput, answered with
// ExtendDeadlineResult. Those a slot escalates to (its head, or the
// leaders) may extend it.
const UpdateExtendDeadline = "extend-deadline"

// ExtendDeadlineInput extends a deadline.
type ExtendDeadlineInput struct {
	Email string `json:"email"`
	// Slot is the slot's key; empty for every open slot the person may
	// extend.
	Slot string `json:"slot,omitempty"`
	// Due is the new due date, "YYYY-MM-DD HH:MM" or "YYYY-MM-DD" (at the
	// slot's time of day), in the term's time zone.
	Due    string `json:"due"`
	Reason string `json:"reason"`
}

// ExtendDeadlineResult says which slots are now due when.
type ExtendDeadlineResult struct {
	Slots    []string  `json:"slots"`
	Due      time.Time `json:"due"`
	TimeZone plan.Zone `json:"time_zone"`
	At       time.Time `json:"at"`
}

// ActionExtendDeadline is the audit action of an extension.
const ActionExtendDeadline = "extend_deadline"

// RecordAuditInput is one audit entry a workflow writes for a person's
// action that has no row of its own.
type RecordAuditInput struct {
	Key     string         `json:"key"`
	TermID  string         `json:"term_id"`
	Actor   string         `json:"actor"`
	Action  string         `json:"action"`
	Subject string         `json:"subject"`
	Payload map[string]any `json:"payload,omitempty"`
	At      time.Time      `json:"at"`
}

// SignalDepartmentPeople carries DepartmentPeople from the term to a
// running Month, HelpDesk or Onboarding after an amendment replaced a
// department's head or secretary or renamed it.
const SignalDepartmentPeople = "department-people"

// DepartmentPeople are the departments' heads and secretaries as an amended
// plan has them; departments are matched by ID.
type DepartmentPeople struct {
	Version     int               `json:"version"`
	Departments []MonthDepartment `json:"departments"`
}

// DepartmentPeopleFrom lists every department's people in a valid plan.
func DepartmentPeopleFrom(p plan.Plan, version int) DepartmentPeople {
	out := DepartmentPeople{Version: version}
	for _, d := range p.Departments {
		out.Departments = append(out.Departments, MonthDepartment{ID: d.ID, Name: d.Name, Head: d.Head, Secretary: d.Secretary()})
	}
	return out
}
