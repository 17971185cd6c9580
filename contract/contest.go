package contract

import (
	"fmt"
	"time"

	"semesterflow/plan"
)

// UpdateRecordResults is a leader recording the contest's results, sent to
// the Contest workflow.
const UpdateRecordResults = "record-results"

// The contest's milestones are a Collection of this kind and scope, one slot
// per milestone keyed "m1", "m2"... in plan order; owners complete one with
// `starter submit`.
const (
	ContestMilestoneKind = "milestone"
	ContestScope         = "contest"
	// ContestPart and ContestMilestonesPart name the contest and its
	// milestones in the term's part reports.
	ContestPart           = "contest"
	ContestMilestonesPart = "contest/milestones"
)

// Phases of the contest, as shown in its progress and part reports.
const (
	ContestPreparing       = "preparing"        // milestones under way
	ContestAtRisk          = "at risk"          // a milestone was open at the at-risk check
	ContestDay             = "contest day"      // the contest has started; results are taken
	ContestResultsRecorded = "results recorded" // a leader recorded the results
	ContestResultsMissing  = "results missing"  // nobody did by the due date
)

// ContestWorkflowID is the ID of a term's Contest.
func ContestWorkflowID(termID string) string { return SemesterWorkflowID(termID) + "/contest" }

// ContestMilestonesWorkflowID is the ID of the contest's milestones
// collection, where owners submit.
func ContestMilestonesWorkflowID(termID string) string {
	return CollectionWorkflowID(termID, ContestScope, ContestMilestoneKind)
}

// ContestMilestone is one preparation step with its owner and due date.
type ContestMilestone struct {
	// Key is the milestone's slot: "m1" for the plan's first milestone.
	Key   string      `json:"key"`
	Title string      `json:"title"`
	Owner plan.Person `json:"owner"`
	Due   time.Time   `json:"due"`
}

// DepartmentRef names a department.
type DepartmentRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ContestInput describes the contest, computed from the plan by
// ContestInputFrom. Times are plan times.
type ContestInput struct {
	TermID   string    `json:"term_id"`
	TermName string    `json:"term_name"`
	TimeZone plan.Zone `json:"time_zone"`
	Name     string    `json:"name"`
	Where    string    `json:"where,omitempty"`
	// At is when the contest starts.
	At time.Time `json:"at"`
	// Opens is when the milestone owners get their requests.
	Opens      time.Time          `json:"opens"`
	Milestones []ContestMilestone `json:"milestones"`
	// RemindDaysBefore and SendTime place the milestones' reminders.
	RemindDaysBefore []int          `json:"remind_days_before,omitempty"`
	SendTime         plan.ClockTime `json:"send_time"`
	// MilestonesLateDays keeps milestones open after their due date, as long
	// as the last one can stay open without passing the contest.
	MilestonesLateDays int `json:"milestones_late_days"`
	// AtRiskAt is when open milestones make the contest at risk.
	AtRiskAt time.Time `json:"at_risk_at"`
	// ResultsReminderAt is when the leaders are reminded of missing
	// results; zero for no reminder.
	ResultsReminderAt time.Time       `json:"results_reminder_at,omitempty"`
	ResultsDue        time.Time       `json:"results_due"`
	Leaders           []plan.Person   `json:"leaders"`
	Departments       []DepartmentRef `json:"departments"`
	Clock             plan.Clock      `json:"clock"`
	// ReportTo is the TermKey of the term that follows the contest's part reports; empty for none.
	ReportTo string `json:"report_to,omitempty"`
}

// RecordResultsInput is a leader's record of the contest's results.
type RecordResultsInput struct {
	Email string `json:"email"`
	Text  string `json:"text"`
	// Winners are department IDs, best first; optional.
	Winners []string `json:"winners,omitempty"`
}

// ContestResults are the recorded results.
type ContestResults struct {
	Text    string    `json:"text"`
	Winners []string  `json:"winners,omitempty"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// ContestProgress answers QueryProgress on Contest, and is its result.
type ContestProgress struct {
	Name       string    `json:"name"`
	Phase      string    `json:"phase"`
	At         time.Time `json:"at"`
	AtRiskAt   time.Time `json:"at_risk_at"`
	ResultsDue time.Time `json:"results_due"`
	// MilestonesWorkflowID takes the milestones' submissions.
	MilestonesWorkflowID string `json:"milestones_workflow_id"`
	// AtRiskChecked is set after the at-risk check; OpenAtRisk lists what
	// was open then.
	AtRiskChecked  bool               `json:"at_risk_checked"`
	OpenAtRisk     []ContestMilestone `json:"open_at_risk,omitempty"`
	Results        *ContestResults    `json:"results,omitempty"`
	ResultsMissing bool               `json:"results_missing"`
	// Milestones is the milestones collection's result, once it has ended.
	Milestones *CollectionResult `json:"milestones,omitempty"`
	// Problems are what the contest could not do on time.
	Problems []string `json:"problems,omitempty"`
}

// ContestInputFrom builds the contest's input from a valid plan whose
// Contest is set (a plan without one gives an input the workflow refuses).
// Milestone owners are named from the directory (leaders, heads, officers);
// each milestone is due at 23:59 on its date, and the results at 23:59
// results_due_days after the contest, with a reminder at the send time of
// that day when it falls after the contest.
func ContestInputFrom(p plan.Plan, clock plan.Clock, reportTo string) ContestInput {
	c := p.Contest
	if c == nil {
		return ContestInput{TermID: p.Term.ID}
	}
	loc := p.Location()
	at, _ := c.At.In(loc)
	send := p.Training.SendTime
	if send == "" {
		send = plan.DefaultSendTime
	}
	in := ContestInput{
		TermID: p.Term.ID, TermName: p.Term.Name, TimeZone: p.Zone(),
		Name: c.Name, Where: c.Where, At: at,
		Opens:            p.Term.Starts.At(send, loc),
		RemindDaysBefore: c.RemindDaysBefore,
		SendTime:         send,
		AtRiskAt:         at.AddDate(0, 0, -c.AtRiskDays),
		Leaders:          p.Leaders,
		Clock:            clock,
		ReportTo:         reportTo,
	}
	lateDays := -1
	for i, m := range c.Milestones {
		due := m.Due.At(EndOfDay, loc)
		in.Milestones = append(in.Milestones, ContestMilestone{
			Key: fmt.Sprintf("m%d", i+1), Title: m.Title, Owner: personByEmail(p, m.Owner), Due: due,
		})
		if n := wholeDaysUntil(due, at); lateDays < 0 || n < lateDays {
			lateDays = n
		}
	}
	in.MilestonesLateDays = max(lateDays, 0)
	resultsDay := plan.Date(at.Format("2006-01-02")).AddDays(c.ResultsDueDays)
	in.ResultsDue = resultsDay.At(EndOfDay, loc)
	if r := resultsDay.At(send, loc); r.After(at) && r.Before(in.ResultsDue) {
		in.ResultsReminderAt = r
	}
	for _, d := range p.Departments {
		in.Departments = append(in.Departments, DepartmentRef{ID: d.ID, Name: d.Name})
	}
	return in
}

// EndOfDay is when something due "on a day" is due.
const EndOfDay plan.ClockTime = "23:59"

// wholeDaysUntil counts the calendar days that can be added to t without
// passing limit.
func wholeDaysUntil(t, limit time.Time) int {
	n := 0
	for !t.AddDate(0, 0, n+1).After(limit) {
		n++
	}
	return n
}

// personByEmail names someone of the plan's directory (a leader, a head, an
// officer) by email; someone not listed is named by their address.
func personByEmail(p plan.Plan, email string) plan.Person {
	email = plan.NormalizeEmail(email)
	for _, l := range p.Leaders {
		if l.Email == email {
			return l
		}
	}
	for _, d := range p.Departments {
		if d.Head.Email == email {
			return d.Head
		}
	}
	if o, ok := p.FindOfficer(email); ok {
		return o.Person
	}
	return plan.Person{Name: email, Email: email}
}

// SignalContestPlan carries a ContestInput recomputed from an amended plan
// from the term to the running Contest: it moves the contest, its at-risk
// check, its results' deadline and its milestones.
const SignalContestPlan = "contest-plan"

// SignalCollectionSlots carries CollectionSlots from a part to the
// Collection it started: its slots' new due dates and new slots.
const SignalCollectionSlots = "collection-slots"

// CollectionSlots reschedules a running collection from its parent: every
// slot listed takes its due date (unless handed in or closed), slots with
// new keys are added, and LateDays applies from now on.
type CollectionSlots struct {
	Slots    []Slot `json:"slots"`
	LateDays int    `json:"late_days"`
}
