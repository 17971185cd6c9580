package contract

import (
	"time"

	"semesterflow/plan"
)

// TermCancelledInput says who cancelled the term, why, and who must hear.
type TermCancelledInput struct {
	Plan plan.Plan `json:"plan"`
	// PlanRef, when set, names the plan instead (see PlanRef).
	PlanRef *PlanRef `json:"plan_ref,omitempty"`
	// By is the leader who cancelled, or empty when the term was cancelled
	// from Temporal itself.
	By     string    `json:"by,omitempty"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}
