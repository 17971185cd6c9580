package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/activity"

	"semesterflow/contract"
	"semesterflow/mail"
	"semesterflow/plan"
	"semesterflow/store"
)

// RecordHelpRequest stores the request with its audit entry, then emails
// the coordinator how to assign an officer, in one activity: help desks
// recorded before the change "help-desk-beside" still call it.
func (a *Activities) RecordHelpRequest(ctx context.Context, in contract.RecordHelpRequestInput) (contract.DeliveryResult, error) {
	if err := a.StoreHelpRequest(ctx, in); err != nil {
		return contract.DeliveryResult{}, err
	}
	return a.NotifyHelpRequested(ctx, in)
}

// StoreHelpRequest stores the request with its audit entry. A retry
// changes nothing.
func (a *Activities) StoreHelpRequest(ctx context.Context, in contract.RecordHelpRequestInput) error {
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	task := store.HelpTask{
		TermID: in.TermID, TaskID: in.TaskID, DepartmentID: in.DepartmentID, Requester: in.Requester.Email,
		Description: in.Description, DueAt: in.Due, RequestedAt: in.At,
	}
	audit := store.AuditEntry{
		Key: in.AuditKey, TermID: in.TermID, WorkflowID: workflowID, Actor: in.Requester.Email,
		Action: "request_help", Subject: in.TaskID,
		Payload:  map[string]any{"department": in.DepartmentID, "due": in.Due, "description": in.Description},
		PlanTime: in.At,
	}
	if err := a.Store.RequestHelp(ctx, task, audit); err != nil {
		return storeError("record help request "+in.TaskID, err)
	}
	return nil
}

// NotifyHelpRequested emails the coordinator a stored request and how to
// assign an officer to it.
func (a *Activities) NotifyHelpRequested(ctx context.Context, in contract.RecordHelpRequestInput) (contract.DeliveryResult, error) {
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	purpose := "help-requested-" + in.TaskID
	m, err := renderTo("help_requested", mail.HelpRequestedData{
		TermName:       in.TermName,
		RecipientName:  in.Coordinator.Name,
		TaskID:         in.TaskID,
		DepartmentName: in.DepartmentName,
		Requester:      mail.Officer{Name: in.Requester.Name, Email: in.Requester.Email},
		Description:    in.Description,
		Due:            in.TimeZone.Human(in.Due),
		ActionCommand:  fmt.Sprintf("%s assign --term %s --email %s --task %s --officer EMAIL", a.cli(), in.TermID, in.Coordinator.Email, in.TaskID),
	}, emailKey(workflowID, purpose, in.Coordinator.Email), in.Coordinator)
	if err != nil {
		return contract.DeliveryResult{}, err
	}
	return a.deliver(ctx, purpose, []mail.Message{m})
}

// RecordTaskAssignment stores who does the task with its audit entry, then
// tells the requester who will help, in one activity: help desks recorded
// before the change "help-desk-beside" still call it. The assignee hears
// from the task's own collection, which asks them to confirm it is done.
func (a *Activities) RecordTaskAssignment(ctx context.Context, in contract.RecordTaskAssignmentInput) (contract.DeliveryResult, error) {
	if err := a.StoreTaskAssignment(ctx, in); err != nil {
		return contract.DeliveryResult{}, err
	}
	return a.NotifyTaskAssigned(ctx, in)
}

// StoreTaskAssignment stores who does the task with its audit entry. A
// retry changes nothing.
func (a *Activities) StoreTaskAssignment(ctx context.Context, in contract.RecordTaskAssignmentInput) error {
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	audit := store.AuditEntry{
		Key: in.AuditKey, TermID: in.TermID, WorkflowID: workflowID, Actor: in.AssignedBy.Email,
		Action: "assign_task", Subject: in.TaskID,
		Payload:  map[string]any{"assignee": in.Assignee.Email},
		PlanTime: in.At,
	}
	if err := a.Store.AssignHelpTask(ctx, in.TermID, in.TaskID, in.Assignee.Email, in.AssignedBy.Email, in.At, audit); err != nil {
		return storeError("assign help task "+in.TaskID, err)
	}
	return nil
}

// NotifyTaskAssigned tells the requester who will help with a stored
// assignment.
func (a *Activities) NotifyTaskAssigned(ctx context.Context, in contract.RecordTaskAssignmentInput) (contract.DeliveryResult, error) {
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	purpose := "task-assigned-" + in.TaskID
	m, err := renderTo("task_assigned", mail.TaskAssignedData{
		TermName:       in.TermName,
		RecipientName:  in.Requester.Name,
		TaskID:         in.TaskID,
		DepartmentName: in.DepartmentName,
		Description:    in.Description,
		Due:            in.TimeZone.Human(in.Due),
		Assignee:       mail.Officer{Name: in.Assignee.Name, Email: in.Assignee.Email},
		AssignedBy:     in.AssignedBy.Name,
	}, emailKey(workflowID, purpose, in.Requester.Email), in.Requester)
	if err != nil {
		return contract.DeliveryResult{}, err
	}
	return a.deliver(ctx, purpose, []mail.Message{m})
}

// CompleteHelpTasks records how a batch of tasks ended, in one transaction.
func (a *Activities) CompleteHelpTasks(ctx context.Context, in contract.CompleteHelpTasksInput) error {
	out := make([]store.TaskOutcome, len(in.Outcomes))
	for i, o := range in.Outcomes {
		out[i] = store.TaskOutcome{TaskID: o.TaskID, Status: o.Status, CompletedAt: o.CompletedAt}
	}
	if err := a.Store.CompleteHelpTasks(ctx, in.TermID, out); err != nil {
		return storeError(fmt.Sprintf("record %d finished help tasks", len(out)), err)
	}
	return nil
}

// FindOfficer looks a serving officer up in the term's directory, for a
// help desk whose helpers are every officer of a plan too large to carry.
func (a *Activities) FindOfficer(ctx context.Context, in contract.FindOfficerInput) (contract.FindOfficerResult, error) {
	o, found, err := a.Store.ServingOfficer(ctx, in.TermID, plan.NormalizeEmail(in.Email))
	if err != nil {
		return contract.FindOfficerResult{}, storeError("find officer "+in.Email, err)
	}
	if !found {
		return contract.FindOfficerResult{}, nil
	}
	return contract.FindOfficerResult{Found: true, Officer: plan.Person{Name: o.Name, Email: o.Email, Role: o.Role}, DepartmentID: o.DepartmentID}, nil
}
