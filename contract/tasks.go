package contract

import (
	"time"

	"semesterflow/plan"
)

// Names of the help desk's updates.
const (
	// UpdateRequestHelp is a department head or a leader asking for help,
	// sent to the HelpDesk workflow.
	UpdateRequestHelp = "request-help"
	// UpdateAssignTask is the coordinator or a leader assigning an officer
	// to a requested task.
	UpdateAssignTask = "assign-task"
)

// Each assigned task is a Collection of this kind and scope with one slot,
// keyed by the task ID, owned by the assignee.
const (
	TaskKind   = "task"
	TasksScope = "tasks"
	// TasksPart names the help desk in the term's part reports; each task's
	// collection reports as TasksPart + "/" + task ID.
	TasksPart = "tasks"
	// TaskLateDays keeps a task open for late completion after its due date.
	TaskLateDays = 2
)

// Statuses of a help task, also stored in Postgres.
const (
	TaskRequested = "requested"
	TaskAssigned  = "assigned"
	TaskDone      = "done"   // completed by the due date
	TaskLate      = "late"   // completed after the due date
	TaskMissed    = "missed" // never completed
)

// Phases of the help desk.
const (
	HelpDeskOpen   = "open"
	HelpDeskClosed = "closed"
)

// OrganizationDepartmentID is the department whose officers help the others,
// when the plan has it.
const OrganizationDepartmentID = "organization"

// HelpDeskWorkflowID is the ID of a term's HelpDesk.
func HelpDeskWorkflowID(termID string) string { return SemesterWorkflowID(termID) + "/tasks" }

// TaskWorkflowID is the ID of one task's collection, where the assignee
// confirms it is done.
func TaskWorkflowID(termID, taskID string) string {
	return HelpDeskWorkflowID(termID) + "/" + taskID
}

// TaskDepartment is a department that may ask for help.
type TaskDepartment struct {
	ID   string      `json:"id"`
	Name string      `json:"name"`
	Head plan.Person `json:"head"`
}

// HelpDeskInput describes the help desk, computed from the plan by
// HelpDeskInputFrom.
type HelpDeskInput struct {
	TermID   string    `json:"term_id"`
	TermName string    `json:"term_name"`
	TimeZone plan.Zone `json:"time_zone"`
	// TermStarts and TermEnds bound due dates.
	TermStarts plan.Date `json:"term_starts"`
	TermEnds   plan.Date `json:"term_ends"`
	// Opens and Closes bound requests, in plan time.
	Opens       time.Time        `json:"opens"`
	Closes      time.Time        `json:"closes"`
	Leaders     []plan.Person    `json:"leaders"`
	Coordinator plan.Person      `json:"coordinator"`
	Departments []TaskDepartment `json:"departments"`
	// Helpers are the officers a task may be assigned to: those of the
	// Organization Department when the plan has one.
	Helpers []plan.Person `json:"helpers"`
	// HelpersFrom names the department of the helpers; empty for all.
	HelpersFrom string `json:"helpers_from,omitempty"`
	// HelpersInDirectory is set when every officer may help: the help desk
	// then finds the assignee in the term's directory instead of carrying
	// every officer of the plan (50,000 of them are 4.5 MB). Help desks
	// started before it carry them all in Helpers.
	HelpersInDirectory bool           `json:"helpers_in_directory,omitempty"`
	RemindDaysBefore   []int          `json:"remind_days_before,omitempty"`
	SendTime           plan.ClockTime `json:"send_time"`
	Clock              plan.Clock     `json:"clock"`
	ReportTo           string         `json:"report_to,omitempty"`
	// State carries the tasks across continue-as-new; nil on the first run.
	State *HelpDeskState `json:"state,omitempty"`
}

// HelpDeskState is what the help desk knows, carried across continue-as-new.
type HelpDeskState struct {
	// NextID numbers the next task: "t" + NextID.
	NextID int        `json:"next_id"`
	Tasks  []HelpTask `json:"tasks"`
	// ReportSeq carries the numbering of the reports to the term, which
	// drops a report numbered no higher than one it already has.
	ReportSeq int `json:"report_seq,omitempty"`
	// Problems are what the desk could not do on time so far, and
	// Unstored the writes the previous run was still retrying (both since
	// the change "help-desk-beside").
	Problems []string        `json:"problems,omitempty"`
	Unstored *UnstoredWrites `json:"unstored,omitempty"`
}

// HelpTask is one request for help and where it stands.
type HelpTask struct {
	ID             string       `json:"id"`
	DepartmentID   string       `json:"department_id"`
	DepartmentName string       `json:"department_name"`
	Requester      plan.Person  `json:"requester"`
	Description    string       `json:"description"`
	Due            time.Time    `json:"due"`
	RequestedAt    time.Time    `json:"requested_at"`
	Status         string       `json:"status"`
	Assignee       *plan.Person `json:"assignee,omitempty"`
	AssignedBy     string       `json:"assigned_by,omitempty"`
	AssignedAt     *time.Time   `json:"assigned_at,omitempty"`
	CompletedAt    *time.Time   `json:"completed_at,omitempty"`
}

// RequestHelpInput asks for help for a department.
type RequestHelpInput struct {
	Email string `json:"email"`
	// Department is the department's ID; a head of one department may
	// leave it empty.
	Department string `json:"department,omitempty"`
	// Due is the day the help is needed by, YYYY-MM-DD.
	Due  string `json:"due"`
	Text string `json:"text"`
}

// RequestHelpResult names the new task.
type RequestHelpResult struct {
	TaskID      string      `json:"task_id"`
	Due         time.Time   `json:"due"`
	Coordinator plan.Person `json:"coordinator"`
}

// AssignTaskInput assigns an officer to a task.
type AssignTaskInput struct {
	Email   string `json:"email"`
	Task    string `json:"task"`
	Officer string `json:"officer"`
}

// AssignTaskResult says who does the task and where they confirm it.
type AssignTaskResult struct {
	TaskID   string      `json:"task_id"`
	Assignee plan.Person `json:"assignee"`
	Due      time.Time   `json:"due"`
	// WorkflowID takes the assignee's `starter submit`.
	WorkflowID string `json:"workflow_id"`
}

// TaskCounts counts tasks by status.
type TaskCounts struct {
	Requested int `json:"requested"`
	Assigned  int `json:"assigned"`
	Done      int `json:"done"`
	Late      int `json:"late"`
	Missed    int `json:"missed"`
}

// HelpDeskProgress answers QueryProgress on HelpDesk, and is its result.
type HelpDeskProgress struct {
	Phase  string     `json:"phase"`
	Counts TaskCounts `json:"counts"`
	Tasks  []HelpTask `json:"tasks"`
	// Problems are the emails that went out late or not at all, and the
	// writes that could not be stored.
	Problems []string `json:"problems,omitempty"`
}

// HelpDeskInputFrom builds the help desk's input from a valid plan. A plan
// without a tasks section gets the defaults: reminders a day before, the
// first leader coordinating.
func HelpDeskInputFrom(p plan.Plan, clock plan.Clock, reportTo string) HelpDeskInput {
	loc := p.Location()
	send := p.Training.SendTime
	if send == "" {
		send = plan.DefaultSendTime
	}
	in := HelpDeskInput{
		TermID: p.Term.ID, TermName: p.Term.Name, TimeZone: p.Zone(),
		TermStarts: p.Term.Starts, TermEnds: p.Term.Ends,
		Opens:            p.Term.Starts.At("00:00", loc),
		Closes:           p.Term.Ends.AddDays(1).At("00:00", loc),
		Leaders:          p.Leaders,
		RemindDaysBefore: []int{1},
		SendTime:         send,
		Clock:            clock,
		ReportTo:         reportTo,
	}
	coordinator := ""
	if t := p.Tasks; t != nil {
		in.RemindDaysBefore = t.RemindDaysBefore
		coordinator = t.Coordinator
	}
	switch {
	case coordinator != "":
		in.Coordinator = personByEmail(p, coordinator)
	case len(p.Leaders) > 0:
		in.Coordinator = p.Leaders[0]
	}
	for _, d := range p.Departments {
		in.Departments = append(in.Departments, TaskDepartment{ID: d.ID, Name: d.Name, Head: d.Head})
	}
	if d, ok := p.Department(OrganizationDepartmentID); ok {
		in.Helpers, in.HelpersFrom = d.Officers, d.ID
	} else {
		in.HelpersInDirectory = true
	}
	return in
}

// UnstoredWrites are the writes a run was still retrying when it continued
// as new. Every one is idempotent (first-wins or numbered), so an attempt
// of the previous run that lands as well changes nothing.
type UnstoredWrites struct {
	Tasks []TaskOutcome `json:"tasks,omitempty"`
	// Report is the part's latest report; earlier ones are superseded.
	Report *ReportPartInput `json:"report,omitempty"`
}

// Empty says there is nothing to carry.
func (u *UnstoredWrites) Empty() bool {
	return u == nil || len(u.Tasks) == 0 && u.Report == nil
}
