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

// OpenMilestones returns, in plan order, the keys of the milestones with no
// submission stored yet. The Contest workflow cannot see into its
// milestones collection, so it asks the submissions table, where the
// collection stores each completion.
func (a *Activities) OpenMilestones(ctx context.Context, in contract.OpenMilestonesInput) ([]string, error) {
	subs, err := a.Store.Submissions(ctx, in.TermID, in.Kind, in.Scope)
	if err != nil {
		return nil, storeError("read the contest's milestones", err)
	}
	done := make(map[string]bool, len(subs))
	for _, s := range subs {
		done[s.Slot] = true
	}
	open := []string{}
	for _, k := range in.Keys {
		if !done[k] {
			open = append(open, k)
		}
	}
	return open, nil
}

// NotifyContestAtRisk emails every leader the list of milestones still
// open, in one batch.
func (a *Activities) NotifyContestAtRisk(ctx context.Context, in contract.NotifyContestAtRiskInput) (contract.DeliveryResult, error) {
	if len(in.Open) == 0 {
		return contract.DeliveryResult{}, nil
	}
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	data := mail.ContestAtRiskData{
		TermName:    in.TermName,
		ContestName: in.ContestName,
		ContestWhen: in.TimeZone.Human(in.ContestAt),
		Where:       in.Where,
		Total:       in.Total,
	}
	for _, m := range in.Open {
		data.Open = append(data.Open, mail.MilestoneItem{
			Title: m.Title,
			Owner: mail.Officer{Name: m.Owner.Name, Email: m.Owner.Email},
			Due:   in.TimeZone.Human(m.Due),
		})
	}
	const purpose = "contest-at-risk"
	msgs := make([]mail.Message, 0, len(in.Leaders))
	for _, l := range in.Leaders {
		d := data
		d.RecipientName = l.Name
		m, err := renderTo("contest_at_risk", d, emailKey(workflowID, purpose, l.Email), l)
		if err != nil {
			return contract.DeliveryResult{}, err
		}
		msgs = append(msgs, m)
	}
	return a.deliver(ctx, purpose, msgs)
}

// NotifyContestResultsReminder emails every leader a reminder to record
// the contest's results, in one batch.
func (a *Activities) NotifyContestResultsReminder(ctx context.Context, in contract.NotifyContestResultsReminderInput) (contract.DeliveryResult, error) {
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	const purpose = "contest-results-reminder"
	msgs := make([]mail.Message, 0, len(in.Leaders))
	for _, l := range in.Leaders {
		m, err := renderTo("contest_results_reminder", mail.ContestResultsReminderData{
			TermName:      in.TermName,
			RecipientName: l.Name,
			ContestName:   in.ContestName,
			ContestWhen:   in.TimeZone.Human(in.ContestAt),
			ResultsDue:    in.TimeZone.Human(in.ResultsDue),
			ActionCommand: fmt.Sprintf(`%s record-results --term %s --email %s --text "..." --winners ID,ID`, a.cli(), in.TermID, l.Email),
			Departments:   in.Departments,
		}, emailKey(workflowID, purpose, l.Email), l)
		if err != nil {
			return contract.DeliveryResult{}, err
		}
		msgs = append(msgs, m)
	}
	return a.deliver(ctx, purpose, msgs)
}

// RecordContestResult stores the contest's result, with an audit entry for
// a leader's recording, in one transaction.
func (a *Activities) RecordContestResult(ctx context.Context, in contract.RecordContestResultInput) error {
	r := store.ContestResult{
		TermID: in.TermID, Name: in.Name, HeldAt: in.HeldAt, Status: store.ContestRecorded,
		Results: in.Text, Winners: in.Winners, RecordedBy: in.By, RecordedAt: in.At,
	}
	var audit *store.AuditEntry
	if in.Missing {
		r.Status, r.Results, r.Winners, r.RecordedBy = store.ContestMissing, "", nil, ""
	} else {
		audit = &store.AuditEntry{
			Key:        in.AuditKey,
			TermID:     in.TermID,
			WorkflowID: activity.GetInfo(ctx).WorkflowExecution.ID,
			Actor:      in.By,
			Action:     "record_contest_results",
			Subject:    "contest",
			Payload:    map[string]any{"winners": in.Winners, "characters": len([]rune(in.Text))},
			PlanTime:   in.At,
		}
	}
	if err := a.Store.RecordContestResult(ctx, r, audit); err != nil {
		return storeError("record the contest's results", err)
	}
	return nil
}

// renderTo renders one email for one person.
func renderTo(template string, data any, key string, to plan.Person) (mail.Message, error) {
	r, err := mail.Render(template, data)
	if err != nil {
		return mail.Message{}, contract.Template("render "+template, err)
	}
	return mail.Message{
		Key:     key,
		To:      mail.Address{Name: to.Name, Email: to.Email},
		Subject: r.Subject, HTML: r.HTML, Text: r.Text,
	}, nil
}
