package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/activity"

	"semesterflow/contract"
	"semesterflow/internal/links"
	"semesterflow/mail"
	"semesterflow/plan"
	"semesterflow/store"
)

// SaveDirectory writes the term, its leaders, departments and officers. The
// directory is re-established from the plan: people no longer listed go.
func (a *Activities) SaveDirectory(ctx context.Context, in contract.SaveDirectoryInput) error {
	p, err := a.planOf(ctx, in.Plan, in.PlanRef)
	if err != nil {
		return err
	}
	dir, err := directoryOf(p, activity.GetInfo(ctx).WorkflowExecution.ID)
	if err != nil {
		return err
	}
	position := len(dir.Officers)
	if err := a.Store.SaveDirectory(ctx, dir); err != nil {
		return storeError("save directory of "+p.Term.ID, err)
	}
	startedBy := in.StartedBy
	if startedBy == "" {
		startedBy = "unknown"
	}
	err = a.Store.RecordAudit(ctx, store.AuditEntry{
		Key:        "start_term/" + dir.Term.WorkflowID,
		TermID:     p.Term.ID,
		WorkflowID: dir.Term.WorkflowID,
		Actor:      startedBy,
		Action:     "start_term",
		Subject:    p.Term.ID,
		Payload:    map[string]any{"time_scale": in.TimeScale, "departments": len(p.Departments), "officers": position},
		PlanTime:   in.At,
	})
	if err != nil {
		return storeError("audit the start of "+p.Term.ID, err)
	}
	return nil
}

// NotifyOnboarding records and sends one batch of onboarding emails on one
// SMTP connection: assignments (and the onboarding rows they open), reminders
// to those who have not acknowledged, or an escalation to the head.
func (a *Activities) NotifyOnboarding(ctx context.Context, in contract.NotifyOnboardingInput) (contract.DeliveryResult, error) {
	emails := make([]string, len(in.Officers))
	for i, o := range in.Officers {
		emails[i] = o.Email
	}
	switch in.Kind {
	case contract.NotifyAssignment:
		rows := make([]store.Onboarding, len(in.Officers))
		for i, o := range in.Officers {
			rows[i] = store.Onboarding{
				TermID: in.TermID, OfficerEmail: o.Email, DepartmentID: in.DepartmentID,
				Status: store.OnboardingAssigned, Outcome: contract.OutcomePending,
				AssignedAt: in.AssignedAt, DeadlineAt: in.Deadline,
			}
		}
		if err := a.Store.AssignOnboarding(ctx, rows); err != nil {
			return contract.DeliveryResult{}, storeError("assign onboarding", err)
		}
	case contract.NotifyReminder, contract.NotifyEscalation:
	default:
		return contract.DeliveryResult{}, contract.BadInput(fmt.Sprintf("unknown onboarding notification %q", in.Kind), nil)
	}

	msgs, purpose, err := a.onboardingMessages(ctx, in)
	if err != nil {
		return contract.DeliveryResult{}, contract.Template("render onboarding emails", err)
	}
	res, err := a.deliver(ctx, purpose, msgs)
	if err != nil {
		return res, err
	}

	switch in.Kind {
	case contract.NotifyReminder:
		err = a.Store.MarkReminded(ctx, in.TermID, emails, in.Reminder)
	case contract.NotifyEscalation:
		err = a.Store.MarkEscalated(ctx, in.TermID, emails, in.At)
	}
	if err != nil {
		return res, storeError("record "+in.Kind, err)
	}
	return res, nil
}

// onboardingMessages renders the batch's emails and names its purpose.
func (a *Activities) onboardingMessages(ctx context.Context, in contract.NotifyOnboardingInput) ([]mail.Message, string, error) {
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	data := mail.OnboardingData{
		TermName:       in.TermName,
		DepartmentName: in.DepartmentName,
		Deadline:       in.TimeZone.Human(in.Deadline),
		WindowCloses:   in.TimeZone.Human(in.WindowCloses),
		DaysLeft:       in.DaysLeft,
	}
	for _, s := range in.Training.Sessions {
		when := string(s.At)
		if at, err := s.At.In(in.TimeZone.Location()); err == nil {
			when = in.TimeZone.Human(at)
		}
		data.Sessions = append(data.Sessions, mail.TrainingSession{Title: s.Title, When: when, Where: s.Where})
	}
	for _, m := range in.Training.Materials {
		data.Materials = append(data.Materials, mail.Material{Title: m.Title, URL: m.URL})
	}

	if in.Kind == contract.NotifyEscalation {
		for _, o := range in.Officers {
			data.Overdue = append(data.Overdue, mail.Officer{Name: o.Name, Email: o.Email, Role: o.Role})
		}
		data.RecipientName = in.Head.Name
		purpose := "onboarding-escalation"
		m, err := render("onboarding_escalation", data, emailKey(workflowID, purpose, in.Head.Email), in.Head)
		if err != nil || len(in.Officers) == 0 {
			return nil, purpose, err
		}
		return []mail.Message{m}, purpose, nil
	}

	template, purpose := "onboarding_assignment", "onboarding-assignment"
	if in.Kind == contract.NotifyReminder {
		template, purpose = "onboarding_reminder", fmt.Sprintf("onboarding-reminder-%d", in.Reminder)
	}
	msgs := make([]mail.Message, 0, len(in.Officers))
	for _, o := range in.Officers {
		d := data
		d.RecipientName = o.Name
		d.ActionCommand = fmt.Sprintf("%s ack --term %s --email %s", a.cli(), in.TermID, o.Email)
		d.ActionURL = a.link(links.Claims{Person: o.Email, WorkflowID: workflowID, Action: links.Acknowledge, Expires: in.LinkExpires})
		m, err := render(template, d, emailKey(workflowID, purpose, o.Email), o)
		if err != nil {
			return nil, purpose, err
		}
		msgs = append(msgs, m)
	}
	return msgs, purpose, nil
}

func render(template string, data mail.OnboardingData, key string, to plan.Person) (mail.Message, error) {
	r, err := mail.Render(template, data)
	if err != nil {
		return mail.Message{}, err
	}
	return mail.Message{
		Key:     key,
		To:      mail.Address{Name: to.Name, Email: to.Email},
		Subject: r.Subject,
		HTML:    r.HTML,
		Text:    r.Text,
	}, nil
}

// RecordAcknowledgement stores the acknowledgement and its audit entry in
// one transaction.
func (a *Activities) RecordAcknowledgement(ctx context.Context, in contract.RecordAcknowledgementInput) error {
	info := activity.GetInfo(ctx)
	ack := store.Acknowledgement{TermID: in.TermID, OfficerEmail: in.Email, Outcome: in.Outcome, Note: in.Note, At: in.At}
	audit := store.AuditEntry{
		Key:        in.AuditKey,
		TermID:     in.TermID,
		WorkflowID: info.WorkflowExecution.ID,
		Actor:      in.Email,
		Action:     "acknowledge_training",
		Subject:    in.Email,
		Payload:    map[string]any{"department": in.DepartmentID, "outcome": in.Outcome, "note": in.Note},
		PlanTime:   in.At,
	}
	if err := a.Store.RecordAcknowledgement(ctx, ack, audit); err != nil {
		return storeError("record acknowledgement of "+in.Email, err)
	}
	return nil
}

// CloseOnboarding records "never" for officers still pending when the late
// window closes.
func (a *Activities) CloseOnboarding(ctx context.Context, in contract.CloseOnboardingInput) error {
	if err := a.Store.CloseOnboarding(ctx, in.TermID, in.Emails); err != nil {
		return storeError("close onboarding", err)
	}
	return nil
}
