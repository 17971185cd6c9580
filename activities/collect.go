package activities

import (
	"context"
	"fmt"
	"strings"

	"go.temporal.io/sdk/activity"

	"semesterflow/contract"
	"semesterflow/internal/links"
	"semesterflow/mail"
	"semesterflow/plan"
	"semesterflow/store"
)

// NotifyCollection sends one email per person for the batch's slots: the
// owners for requests and reminders, the escalation contacts for an
// escalation. Someone concerned by several slots gets one email listing
// them all, on one SMTP connection for the whole batch.
func (a *Activities) NotifyCollection(ctx context.Context, in contract.NotifyCollectionInput) (contract.DeliveryResult, error) {
	template := map[string]string{
		contract.NotifyRequest:    "collection_request",
		contract.NotifyReminder:   "collection_reminder",
		contract.NotifyEscalation: "collection_escalation",
	}[in.Kind]
	if template == "" {
		return contract.DeliveryResult{}, contract.BadInput(fmt.Sprintf("unknown collection notification %q", in.Kind), nil)
	}
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID

	// Group the slots by recipient, keeping the order people first appear.
	type inbox struct {
		person plan.Person
		items  []mail.CollectionItem
	}
	var order []string
	boxes := map[string]*inbox{}
	for _, s := range in.Slots {
		recipients := s.Owners
		if in.Kind == contract.NotifyEscalation {
			recipients = s.EscalateTo
		}
		for _, p := range recipients {
			b, ok := boxes[p.Email]
			if !ok {
				b = &inbox{person: p}
				boxes[p.Email] = b
				order = append(order, p.Email)
			}
			item := mail.CollectionItem{Label: s.Label, Due: in.TimeZone.Human(s.Due)}
			if in.Kind == contract.NotifyEscalation {
				for _, o := range s.Owners {
					item.Owners = append(item.Owners, mail.Officer{Name: o.Name, Email: o.Email})
				}
			} else {
				item.ActionCommand = a.submitCommand(workflowID, s.Key, p.Email, len(in.Criteria) > 0)
				item.ActionURL = a.link(links.Claims{Person: p.Email, WorkflowID: workflowID, Action: links.Submit, Slot: s.Key, Expires: s.LinkExpires})
			}
			b.items = append(b.items, item)
		}
	}

	purpose := "collection-" + in.Occurrence
	msgs := make([]mail.Message, 0, len(order))
	for _, email := range order {
		b := boxes[email]
		r, err := mail.Render(template, mail.CollectionData{
			TermName:      in.TermName,
			RecipientName: b.person.Name,
			Title:         in.Title,
			Instructions:  in.Instructions,
			Criteria:      in.Criteria,
			DaysLeft:      in.DaysLeft,
			Items:         b.items,
		})
		if err != nil {
			return contract.DeliveryResult{}, contract.Template("render collection emails", err)
		}
		msgs = append(msgs, mail.Message{
			Key:     emailKey(workflowID, purpose, email),
			To:      mail.Address{Name: b.person.Name, Email: email},
			Subject: r.Subject, HTML: r.HTML, Text: r.Text,
		})
	}
	return a.deliver(ctx, purpose, msgs)
}

// submitCommand is the CLI line that hands in a slot.
func (a *Activities) submitCommand(workflowID, slot, email string, scores bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s submit --workflow %s --slot %s --email %s", a.cli(), workflowID, slot, email)
	if scores {
		b.WriteString(" --scores S1,S2,...")
	}
	b.WriteString(` --text "..."`)
	return b.String()
}

// RecordSubmissions stores a batch of submissions with an audit entry for
// each, in one transaction.
func (a *Activities) RecordSubmissions(ctx context.Context, in contract.RecordSubmissionsInput) error {
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	subs := make([]store.Submission, len(in.Submissions))
	audit := make([]store.AuditEntry, len(in.Submissions))
	for i, s := range in.Submissions {
		subs[i] = store.Submission{
			TermID: in.TermID, Kind: in.Kind, Scope: in.Scope, Slot: s.Slot,
			AuthorEmail: s.Author, Body: s.Text, Scores: s.Scores,
			SubmittedAt: s.At, DueAt: s.Due, Late: s.Late, WorkflowID: workflowID,
		}
		audit[i] = store.AuditEntry{
			Key:        fmt.Sprintf("submit/%s/%s/%s/%s", in.TermID, in.Scope, in.Kind, s.Slot),
			TermID:     in.TermID,
			WorkflowID: workflowID,
			Actor:      s.Author,
			Action:     "submit_" + in.Kind,
			Subject:    in.Scope + "/" + s.Slot,
			Payload:    map[string]any{"late": s.Late, "scores": s.Scores, "characters": len([]rune(s.Text))},
			PlanTime:   s.At,
		}
	}
	if err := a.Store.RecordSubmissions(ctx, subs, audit); err != nil {
		return storeError(fmt.Sprintf("store %d %s submissions", len(subs), in.Kind), err)
	}
	return nil
}

// RecordCollectionOutcome stores how every slot ended, so what was missed
// is on record next to what was handed in.
func (a *Activities) RecordCollectionOutcome(ctx context.Context, in contract.RecordCollectionOutcomeInput) error {
	rows := make([]store.CollectionSlot, len(in.Slots))
	for i, s := range in.Slots {
		rows[i] = store.CollectionSlot{
			TermID: in.TermID, Kind: in.Kind, Scope: in.Scope, Slot: s.Key, Label: s.Label,
			Owners: s.Owners, DueAt: s.Due, Submitted: s.Submitted, Late: s.Late,
		}
	}
	if err := a.Store.RecordCollectionSlots(ctx, rows); err != nil {
		return storeError(fmt.Sprintf("record how %d %s slots ended", len(rows), in.Kind), err)
	}
	return nil
}
