package activities

import (
	"context"

	"go.temporal.io/sdk/activity"

	"semesterflow/mail"
	"semesterflow/plan"
)

// NotifyPartProblemInput tells the people responsible for a part of the
// term about something it could not do on time.
type NotifyPartProblemInput struct {
	TermName string `json:"term_name"`
	// Occurrence makes the emails' idempotency keys unique within the
	// workflow, e.g. "exchange-3-invitation".
	Occurrence string        `json:"occurrence"`
	Part       string        `json:"part"`
	Problem    string        `json:"problem"`
	Advice     string        `json:"advice"`
	To         []plan.Person `json:"to"`
}

// NotifyPartProblem emails the notice to each recipient once.
func (a *Activities) NotifyPartProblem(ctx context.Context, in NotifyPartProblemInput) (DeliveryResult, error) {
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	purpose := "problem-" + in.Occurrence
	msgs := make([]mail.Message, 0, len(in.To))
	for _, p := range in.To {
		m, err := renderTo("part_problem", mail.PartProblemData{
			TermName: in.TermName, RecipientName: p.Name, Part: in.Part, Problem: in.Problem, Advice: in.Advice,
		}, emailKey(workflowID, purpose, p.Email), p)
		if err != nil {
			return DeliveryResult{}, err
		}
		msgs = append(msgs, m)
	}
	return a.deliver(ctx, purpose, msgs)
}
