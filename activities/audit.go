package activities

import (
	"context"

	"go.temporal.io/sdk/activity"

	"semesterflow/contract"
	"semesterflow/store"
)

// RecordAudit writes one audit entry; a retry finds it by its key and
// changes nothing.
func (a *Activities) RecordAudit(ctx context.Context, in contract.RecordAuditInput) error {
	err := a.Store.RecordAudit(ctx, store.AuditEntry{
		Key: in.Key, TermID: in.TermID, WorkflowID: activity.GetInfo(ctx).WorkflowExecution.ID,
		Actor: in.Actor, Action: in.Action, Subject: in.Subject, Payload: in.Payload, PlanTime: in.At,
	})
	if err != nil {
		return storeError("audit "+in.Action, err)
	}
	return nil
}
