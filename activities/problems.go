package activities

import (
	"context"

	"go.temporal.io/sdk/activity"

	"semesterflow/contract"
	"semesterflow/mail"
)

// NotifyPartProblem emails the notice to each recipient once.
func (a *Activities) NotifyPartProblem(ctx context.Context, in contract.NotifyPartProblemInput) (contract.DeliveryResult, error) {
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	purpose := "problem-" + in.Occurrence
	msgs := make([]mail.Message, 0, len(in.To))
	for _, p := range in.To {
		m, err := renderTo("part_problem", mail.PartProblemData{
			TermName: in.TermName, RecipientName: p.Name, Part: in.Part, Problem: in.Problem, Advice: in.Advice,
		}, emailKey(workflowID, purpose, p.Email), p)
		if err != nil {
			return contract.DeliveryResult{}, err
		}
		msgs = append(msgs, m)
	}
	return a.deliver(ctx, purpose, msgs)
}
