package contract

import (
	"time"

	"semesterflow/plan"
)

// Phases of a department's end-of-semester evaluation, as its progress
// query and the SemesterPhase search attribute show them. It starts
// PhaseWaiting until evaluation.opens, and PhaseFailed when it ends with an
// error.
const (
	PhaseAssessing = "assessing" // the leaders' assessments are open
	PhaseComputing = "computing" // the evaluations are being computed
	PhaseReported  = "reported"  // the report and the summaries went out
)

// EvaluationWorkflowID is the ID of a department's Evaluation in a term.
func EvaluationWorkflowID(termID, departmentID string) string {
	return SemesterWorkflowID(termID) + "/evaluation/" + departmentID
}

// AssessmentWorkflowID is the ID of the Collection that takes the leaders'
// assessments of a department's officers; UpdateSubmit goes there, with the
// officer's email as the slot.
func AssessmentWorkflowID(termID, departmentID string) string {
	return EvaluationWorkflowID(termID, departmentID) + "/assessment"
}

// EvaluationPart names a department's evaluation in the term's part
// reports; its assessments report as EvaluationPart + "/assessments".
func EvaluationPart(departmentID string) string { return "evaluation/" + departmentID }

// EvaluationInput starts one department's evaluation.
type EvaluationInput struct {
	TermID     string          `json:"term_id"`
	TermName   string          `json:"term_name"`
	TimeZone   plan.Zone       `json:"time_zone"`
	Department plan.Department `json:"department"`
	// Leaders assess the officers with the department's head, and receive
	// the report.
	Leaders    []plan.Person   `json:"leaders"`
	Evaluation plan.Evaluation `json:"evaluation"`
	// Opens is when the assessments are asked for (evaluation.opens at the
	// term's send time); AssessmentsDue is evaluation.assessments_due at
	// 23:59. Both are plan times.
	Opens          time.Time      `json:"opens"`
	AssessmentsDue time.Time      `json:"assessments_due"`
	SendTime       plan.ClockTime `json:"send_time"`
	Clock          plan.Clock     `json:"clock"`
	// ReportTo is the TermKey of the term that follows the part reports; empty for none.
	ReportTo string `json:"report_to,omitempty"`
}

// EvaluationProgress answers QueryProgress on Evaluation, and is its result.
type EvaluationProgress struct {
	DepartmentID   string    `json:"department_id"`
	DepartmentName string    `json:"department_name"`
	Phase          string    `json:"phase"`
	Opens          time.Time `json:"opens"`
	AssessmentsDue time.Time `json:"assessments_due"`
	// AssessmentWorkflowID takes the assessments while Phase is assessing.
	AssessmentWorkflowID string `json:"assessment_workflow_id"`
	Officers             int    `json:"officers"`
	// Assessed and NotAssessed are known once the assessments have closed.
	Assessed    int      `json:"assessed"`
	NotAssessed []string `json:"not_assessed,omitempty"`
	// Evaluated counts the evaluations stored; Average is their mean total
	// (0 to 1) and NoTotal lists the officers with nothing recorded.
	Evaluated     int      `json:"evaluated"`
	Average       *float64 `json:"average,omitempty"`
	NoTotal       []string `json:"no_total,omitempty"`
	ReportsSent   int      `json:"reports_sent"`
	SummariesSent int      `json:"summaries_sent"`
	// Problems are what the evaluation could not do on time.
	Problems []string `json:"problems,omitempty"`
}

// EvaluationInputFrom builds the input of a department's evaluation from
// the plan. The plan must be valid and have an evaluation; an unknown
// department gives an input the workflow refuses.
func EvaluationInputFrom(p plan.Plan, departmentID string, clock plan.Clock, reportTo string) EvaluationInput {
	d, ok := p.Department(departmentID)
	if !ok {
		d = plan.Department{ID: departmentID}
	}
	in := EvaluationInput{
		TermID:     p.Term.ID,
		TermName:   p.Term.Name,
		TimeZone:   p.Zone(),
		Department: d,
		Leaders:    p.Leaders,
		SendTime:   p.Training.SendTime,
		Clock:      clock,
		ReportTo:   reportTo,
	}
	if in.SendTime == "" {
		in.SendTime = plan.DefaultSendTime
	}
	if p.Evaluation == nil {
		return in
	}
	in.Evaluation = *p.Evaluation
	loc := p.Location()
	if _, err := p.Evaluation.Opens.In(loc); err == nil {
		in.Opens = p.Evaluation.Opens.At(in.SendTime, loc)
	}
	if _, err := p.Evaluation.AssessmentsDue.In(loc); err == nil {
		in.AssessmentsDue = p.Evaluation.AssessmentsDue.At(plan.DefaultDeadlineTime, loc)
	}
	return in
}
