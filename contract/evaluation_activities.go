package contract

import (
	"time"

	"semesterflow/plan"
)

// EvaluateDepartmentInput names a department's officers and the plan's
// evaluation rules for the evaluation activities.
type EvaluateDepartmentInput struct {
	TermID         string          `json:"term_id"`
	TermName       string          `json:"term_name"`
	TimeZone       plan.Zone       `json:"time_zone"`
	DepartmentID   string          `json:"department_id"`
	DepartmentName string          `json:"department_name"`
	Head           plan.Person     `json:"head"`
	Leaders        []plan.Person   `json:"leaders"`
	Officers       []plan.Person   `json:"officers"`
	Evaluation     plan.Evaluation `json:"evaluation"`
	// At is the plan time of this step: the evaluations' computed_at, or
	// when the emails went out.
	At time.Time `json:"at"`
}

// ComputeEvaluationsResult sums up a department's evaluations for the
// workflow's progress; the evaluations themselves stay in Postgres.
type ComputeEvaluationsResult struct {
	Evaluated int `json:"evaluated"`
	Assessed  int `json:"assessed"`
	// Average is the mean total of the officers who have one.
	Average *float64 `json:"average,omitempty"`
	// NoTotal lists the officers with nothing recorded for a weighted part.
	NoTotal []string `json:"no_total,omitempty"`
	// Departed counts the officers who left the department during the term,
	// evaluated apart from Evaluated and the average.
	Departed int `json:"departed,omitempty"`
}
