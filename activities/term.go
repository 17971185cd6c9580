package activities

import (
	"context"

	"go.temporal.io/sdk/activity"

	"semesterflow/contract"
	"semesterflow/mail"
	"semesterflow/plan"
	"semesterflow/store"
)

// NotifyTermCancelled records the cancellation in the audit log and tells
// every leader, head and officer of the term, one email each, in one batch.
func (a *Activities) NotifyTermCancelled(ctx context.Context, in contract.TermCancelledInput) (contract.DeliveryResult, error) {
	p, err := a.planOf(ctx, in.Plan, in.PlanRef)
	if err != nil {
		return contract.DeliveryResult{}, err
	}
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	by := in.By
	if by == "" {
		by = "temporal"
	}
	err = a.Store.RecordAudit(ctx, store.AuditEntry{
		Key: "cancel_term/" + workflowID, TermID: p.Term.ID, WorkflowID: workflowID,
		Actor: by, Action: "cancel_term", Subject: p.Term.ID,
		Payload: map[string]any{"reason": in.Reason}, PlanTime: in.At,
	})
	if err != nil {
		return contract.DeliveryResult{}, storeError("audit the cancellation of "+p.Term.ID, err)
	}
	var people []plan.Person
	seen := map[string]bool{}
	add := func(ps ...plan.Person) {
		for _, x := range ps {
			if !seen[x.Email] {
				seen[x.Email] = true
				people = append(people, x)
			}
		}
	}
	add(p.Leaders...)
	for _, d := range p.Departments {
		add(d.Head)
		add(d.Officers...)
	}
	purpose := "term-cancelled"
	msgs := make([]mail.Message, 0, len(people))
	for _, x := range people {
		r, err := mail.Render("term_cancelled", mail.TermCancelledData{
			TermName: p.Term.Name, RecipientName: x.Name, Reason: in.Reason,
			When: p.Zone().Human(in.At),
		})
		if err != nil {
			return contract.DeliveryResult{}, contract.Template("render the cancellation notice", err)
		}
		msgs = append(msgs, mail.Message{
			Key: emailKey(workflowID, purpose, x.Email), To: mail.Address{Name: x.Name, Email: x.Email},
			Subject: r.Subject, HTML: r.HTML, Text: r.Text,
		})
	}
	return a.deliver(ctx, purpose, msgs)
}
