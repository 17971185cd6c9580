package contract

import (
	"time"

	"semesterflow/plan"
)

// The kickoff's names: its part in the term's reports, and the collection
// of every department's plan and suggestions.
const (
	// KickoffPart names the kickoff's own reports to the term.
	KickoffPart = "kickoff"
	// KickoffPlansPart names the plans collection's reports to the term.
	KickoffPlansPart = "kickoff/plans"
	// KickoffPlanKind and KickoffPlanScope key the departments' plans in
	// submissions.
	KickoffPlanKind  = "department_plan"
	KickoffPlanScope = "kickoff"
)

// Phases of the kickoff, as its progress and reports show them.
const (
	KickoffPhaseStarting   = "starting"         // sending the directory and the invitations
	KickoffPhaseInvited    = "invited"          // invitations out, the meeting is ahead
	KickoffPhaseMeeting    = "meeting"          // the meeting is under way
	KickoffPhaseCollecting = "collecting plans" // after the meeting, plans still due
	KickoffPhaseDone       = "done"             // the plans collection has closed
)

// KickoffWorkflowID is the ID of a term's Kickoff.
func KickoffWorkflowID(termID string) string { return SemesterWorkflowID(termID) + "/kickoff" }

// KickoffPlansWorkflowID is the ID of the Collection of the departments'
// plans and suggestions that the kickoff starts; submit to it with
// UpdateSubmit ("starter submit --workflow ...").
func KickoffPlansWorkflowID(termID string) string {
	return CollectionWorkflowID(termID, KickoffPlanScope, KickoffPlanKind)
}

// KickoffDepartment is a department as the kickoff needs it: its head, not
// its officers, so the kickoff's history stays small on a big term.
type KickoffDepartment struct {
	ID   string      `json:"id"`
	Name string      `json:"name"`
	Head plan.Person `json:"head"`
}

// KickoffMeeting is the kickoff meeting as both the workflow and its
// invitations see it. Embedded, its fields sit at the top level of either
// payload's JSON.
type KickoffMeeting struct {
	TermID   string    `json:"term_id"`
	TermName string    `json:"term_name"`
	TimeZone plan.Zone `json:"time_zone"`
	// Starts and Ends bound the meeting.
	Starts time.Time `json:"starts"`
	Ends   time.Time `json:"ends"`
	Where  string    `json:"where,omitempty"`
	// Agenda lists the term's main tasks.
	Agenda []string `json:"agenda"`
	// PlansDue is when each department's plan and suggestions are due: the
	// meeting's day plus plans_due_days, at 23:59.
	PlansDue time.Time     `json:"plans_due"`
	Leaders  []plan.Person `json:"leaders"`
}

// KickoffInput is the term's kickoff meeting, who is invited, and the
// collection of plans that follows it. Times are plan times; build it with
// KickoffInputFrom.
type KickoffInput struct {
	KickoffMeeting
	Departments []KickoffDepartment `json:"departments"`
	// SendTime is when reminders go out on their day.
	SendTime plan.ClockTime `json:"send_time"`
	Clock    plan.Clock     `json:"clock"`
	// ReportTo is the TermKey of the term that follows the kickoff's and the plans' part reports;
	// empty for none.
	ReportTo string `json:"report_to,omitempty"`
}

// KickoffInputFrom builds the kickoff's input from a valid plan that has a
// kickoff (p.Kickoff != nil); without one it returns an input the Kickoff
// workflow refuses.
func KickoffInputFrom(p plan.Plan, clock plan.Clock, reportTo string) KickoffInput {
	in := KickoffInput{
		KickoffMeeting: KickoffMeeting{TermID: p.Term.ID, TermName: p.Term.Name, TimeZone: p.Zone(), Leaders: p.Leaders},
		SendTime:       p.Training.SendTime,
		Clock:          clock,
		ReportTo:       reportTo,
	}
	for _, d := range p.Departments {
		in.Departments = append(in.Departments, KickoffDepartment{ID: d.ID, Name: d.Name, Head: d.Head})
	}
	k := p.Kickoff
	if k == nil {
		return in
	}
	zone := p.Zone()
	if !zone.Known() {
		return in
	}
	at, err := k.At.In(zone.Location())
	if err != nil {
		return in
	}
	in.Starts = at
	in.Ends = at.Add(time.Duration(k.DurationMinutes) * time.Minute)
	in.Where = k.Where
	in.Agenda = k.Agenda
	in.PlansDue = plan.Date(at.Format("2006-01-02")).AddDays(k.PlansDueDays).At(plan.DefaultDeadlineTime, zone.Location())
	return in
}

// KickoffProgress answers QueryProgress on Kickoff.
type KickoffProgress struct {
	TermID   string    `json:"term_id"`
	Phase    string    `json:"phase"`
	Starts   time.Time `json:"starts"`
	Ends     time.Time `json:"ends"`
	Where    string    `json:"where,omitempty"`
	PlansDue time.Time `json:"plans_due"`
	// Departments counts the departments asked for a plan.
	Departments int `json:"departments"`
	// DirectorySent counts the heads who have the directory, Invited the
	// people invited; both are 0 until their emails are out.
	DirectorySent int `json:"directory_sent"`
	Invited       int `json:"invited"`
	// PlansWorkflowID is the Collection taking the plans; query it for
	// the plans handed in so far.
	PlansWorkflowID string `json:"plans_workflow_id"`
	// PlansIn and Missing are known once the collection has closed.
	PlansIn int      `json:"plans_in"`
	Missing []string `json:"missing,omitempty"`
}

// KickoffResult is what the kickoff ended with: who was invited, and which
// departments handed in their plan (on time or late) and which never did,
// by department ID in plan order.
type KickoffResult struct {
	TermID   string   `json:"term_id"`
	Invited  int      `json:"invited"`
	HandedIn []string `json:"handed_in"`
	Late     []string `json:"late,omitempty"`
	Missing  []string `json:"missing,omitempty"`
	// Summary is one line for people, e.g. "7 of 8 department plans in;
	// missing: Sports Department".
	Summary string `json:"summary"`
}
