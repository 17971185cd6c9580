// Package workflows runs a semester plan on Temporal: the SemesterPlan parent
// for a term and its children, such as Onboarding per department. What they
// share with the starter, the portal and the activities (IDs, names,
// payloads) is in package contract.
package workflows

import (
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
)

// Registry is what a worker registers workflows on.
type Registry interface {
	RegisterWorkflowWithOptions(w any, options workflow.RegisterOptions)
}

// Register adds every workflow of semesterflow to a worker, under the
// contract's names (the functions' own names, so histories recorded before
// the names were written down still replay).
func Register(r Registry) {
	for _, w := range []struct {
		fn   any
		name string
	}{
		{SemesterPlan, contract.WorkflowSemesterPlan},
		{Onboarding, contract.WorkflowOnboarding},
		{Collection, contract.WorkflowCollection},
		{Evaluation, contract.WorkflowEvaluation},
		{Contest, contract.WorkflowContest},
		{HelpDesk, contract.WorkflowHelpDesk},
		{Kickoff, contract.WorkflowKickoff},
		{Exchanges, contract.WorkflowExchanges},
		{Month, contract.WorkflowMonth},
		{PlanUpload, contract.WorkflowPlanUpload},
	} {
		r.RegisterWorkflowWithOptions(w.fn, workflow.RegisterOptions{Name: w.name})
	}
}
