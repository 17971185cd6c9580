package activities

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"go.temporal.io/sdk/activity"

	"semesterflow/contract"
	"semesterflow/internal/links"
	"semesterflow/mail"
	"semesterflow/store"
)

// NotifyExchange stores the exchange in the meetings table and sends its
// invitation, each with a calendar invite (METHOD:REQUEST, one UID per
// department and exchange), to every recipient on one SMTP connection.
func (a *Activities) NotifyExchange(ctx context.Context, in contract.NotifyExchangeInput) (contract.DeliveryResult, error) {
	if in.Cancelled {
		return a.cancelExchange(ctx, in)
	}
	m := in.Meeting
	err := a.Store.SaveMeetings(ctx, []store.Meeting{{
		TermID: in.TermID, DepartmentID: in.DepartmentID, Number: m.Number,
		StartsAt: m.Start, EndsAt: m.End, Place: in.Where,
	}})
	if err != nil {
		return contract.DeliveryResult{}, storeError(fmt.Sprintf("save exchange %d of %s", m.Number, in.DepartmentID), err)
	}
	clock := func(t time.Time) string { return in.TimeZone.Local(t).Format("15:04") }

	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	summary := fmt.Sprintf("%s: exchange %d", in.DepartmentName, m.Number)
	invite := mail.Invite{
		UID:      contract.ExchangesWorkflowID(in.TermID, in.DepartmentID) + "/" + strconv.Itoa(m.Number),
		Summary:  summary,
		Location: in.Where,
		Description: fmt.Sprintf("Exchange %d of %d of the %s, %s. Sign in from %s to %s. Minutes: %s.",
			m.Number, in.Total, in.DepartmentName, in.TermName, clock(m.SignInOpens), clock(m.SignInCloses), in.Secretary.Name),
		Start:     m.Start,
		End:       m.End,
		Organizer: a.organizer(),
		Stamp:     in.Stamp,
		Sequence:  in.Sequence,
	}
	for _, p := range in.Recipients {
		invite.Attendees = append(invite.Attendees, mail.Address{Name: p.Name, Email: p.Email})
	}
	ics := mail.CalendarInvite(invite)

	purpose := fmt.Sprintf("exchange-invitation-%d", m.Number)
	if in.Sequence > 0 {
		purpose = fmt.Sprintf("exchange-invitation-%d-update-%d", m.Number, in.Sequence)
	}
	movedFrom := ""
	if !in.MovedFrom.IsZero() {
		movedFrom = in.TimeZone.Human(in.MovedFrom)
	}
	msgs := make([]mail.Message, 0, len(in.Recipients))
	for _, p := range in.Recipients {
		officer := p.Email != in.Head
		data := mail.ExchangeData{
			TermName: in.TermName, DepartmentName: in.DepartmentName, RecipientName: p.Name,
			Number: m.Number, Total: in.Total,
			Starts: in.TimeZone.Human(m.Start), Ends: clock(m.End), Where: in.Where,
			SignInOpens: clock(m.SignInOpens), SignInCloses: clock(m.SignInCloses),
			Secretary: in.Secretary.Name, IsSecretary: p.Email == in.Secretary.Email,
			MinutesDue: in.TimeZone.Human(m.MinutesDue),
			IsOfficer:  officer,
			MovedFrom:  movedFrom,
		}
		if officer {
			data.SignInCommand = fmt.Sprintf("%s sign-in --term %s --email %s", a.cli(), in.TermID, p.Email)
			data.ExcuseCommand = fmt.Sprintf(`%s excuse --term %s --email %s --reason "..."`, a.cli(), in.TermID, p.Email)
			meeting := strconv.Itoa(m.Number)
			data.SignInURL = a.link(links.Claims{Person: p.Email, WorkflowID: workflowID, Action: links.SignIn, Slot: meeting, Expires: in.SignInLinkExpires})
			data.ExcuseURL = a.link(links.Claims{Person: p.Email, WorkflowID: workflowID, Action: links.Excuse, Slot: meeting, Expires: in.ExcuseLinkExpires})
		}
		r, err := mail.Render("exchange_invitation", data)
		if err != nil {
			return contract.DeliveryResult{}, contract.Template("render exchange invitations", err)
		}
		msgs = append(msgs, mail.Message{
			Key:         emailKey(workflowID, purpose, p.Email),
			To:          mail.Address{Name: p.Name, Email: p.Email},
			Subject:     r.Subject,
			HTML:        r.HTML,
			Text:        r.Text,
			Attachments: []mail.Attachment{ics},
		})
	}
	return a.deliver(ctx, purpose, msgs)
}

// RecordAttendance saves the exchange's row with its outcome, then writes
// every officer's attendance at it and an audit entry for each sign-in and
// excuse, in one transaction. Rows already
// recorded are kept, so a retry changes nothing.
func (a *Activities) RecordAttendance(ctx context.Context, in contract.RecordMeetingAttendanceInput) error {
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	if o := in.Outcome; o != nil {
		err := a.Store.SaveMeetingOutcome(ctx, store.Meeting{
			TermID: in.TermID, DepartmentID: in.DepartmentID, Number: in.MeetingNumber,
			StartsAt: o.Start, EndsAt: o.End, Place: o.Where,
			Invitation: o.Invitation, RecordedLate: o.RecordedLate, Note: o.Note,
		})
		if err != nil {
			return storeError(fmt.Sprintf("save exchange %d of %s", in.MeetingNumber, in.DepartmentID), err)
		}
	}
	rows := make([]store.Attendance, len(in.Records))
	for i, r := range in.Records {
		rows[i] = store.Attendance{
			TermID: in.TermID, DepartmentID: in.DepartmentID, MeetingNumber: in.MeetingNumber,
			OfficerEmail: r.Email, Status: r.Status, SignedInAt: r.SignedInAt, Reason: r.Reason,
		}
	}
	audit := make([]store.AuditEntry, len(in.Actions))
	for i, act := range in.Actions {
		payload := map[string]any{"department": in.DepartmentID, "meeting": in.MeetingNumber}
		if act.Reason != "" {
			payload["reason"] = act.Reason
		}
		audit[i] = store.AuditEntry{
			Key:        act.Key,
			TermID:     in.TermID,
			WorkflowID: workflowID,
			Actor:      act.Email,
			Action:     act.Action,
			Subject:    fmt.Sprintf("exchange/%s/%d", in.DepartmentID, in.MeetingNumber),
			Payload:    payload,
			PlanTime:   act.At,
		}
	}
	if err := a.Store.RecordAttendance(ctx, rows, audit); err != nil {
		return storeError(fmt.Sprintf("record attendance at exchange %d of %s", in.MeetingNumber, in.DepartmentID), err)
	}
	return nil
}

// RecordLateAttendance stores the attendance the secretary recorded after
// the exchange: only rows still unrecorded change, the meeting's note is
// set and one audit entry, keyed by the update, says who recorded what, in
// one transaction. Running it again changes nothing.
func (a *Activities) RecordLateAttendance(ctx context.Context, in contract.RecordLateAttendanceInput) (contract.RecordLateAttendanceResult, error) {
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	late := store.LateAttendance{
		TermID: in.TermID, DepartmentID: in.DepartmentID, MeetingNumber: in.MeetingNumber, Note: in.Note,
	}
	// Empty lists, not null, so the audit payload always has all three.
	present, absent, excused := []string{}, []string{}, []map[string]string{}
	for _, r := range in.Records {
		late.Officers = append(late.Officers, store.LateAttendanceRow{Email: r.Email, Status: r.Status, Reason: r.Reason})
		switch r.Status {
		case contract.AttendancePresent:
			present = append(present, r.Email)
		case contract.AttendanceExcused:
			excused = append(excused, map[string]string{"email": r.Email, "reason": r.Reason})
		default:
			absent = append(absent, r.Email)
		}
	}
	late.Audit = store.AuditEntry{
		Key:        in.Key,
		TermID:     in.TermID,
		WorkflowID: workflowID,
		Actor:      in.By,
		Action:     contract.ActionRecordAttendance,
		Subject:    fmt.Sprintf("exchange/%s/%d", in.DepartmentID, in.MeetingNumber),
		Payload: map[string]any{
			"department": in.DepartmentID, "meeting": in.MeetingNumber,
			"present": present, "excused": excused, "absent": absent,
		},
		PlanTime: in.At,
	}
	changed, err := a.Store.RecordLateAttendance(ctx, late)
	if err != nil {
		return contract.RecordLateAttendanceResult{}, storeError(fmt.Sprintf("record the late attendance at exchange %d of %s", in.MeetingNumber, in.DepartmentID), err)
	}
	return contract.RecordLateAttendanceResult{Changed: changed}, nil
}

// CorrectInvitation corrects the meeting's row of an invitation that went
// out after its attendance was stored. Running it again changes nothing.
func (a *Activities) CorrectInvitation(ctx context.Context, in contract.CorrectInvitationInput) error {
	if _, err := a.Store.CorrectMeetingInvitation(ctx, in.TermID, in.DepartmentID, in.MeetingNumber, in.Invitation, in.NoteWas, in.NoteNow); err != nil {
		return storeError(fmt.Sprintf("correct the invitation of exchange %d of %s", in.MeetingNumber, in.DepartmentID), err)
	}
	return nil
}

// cancelExchange tells everyone invited that the exchange is off, with a
// calendar cancellation of the same UID, and notes it on the meeting's row.
func (a *Activities) cancelExchange(ctx context.Context, in contract.NotifyExchangeInput) (contract.DeliveryResult, error) {
	m := in.Meeting
	err := a.Store.SaveMeetingOutcome(ctx, store.Meeting{
		TermID: in.TermID, DepartmentID: in.DepartmentID, Number: m.Number,
		StartsAt: m.Start, EndsAt: m.End, Place: in.Where,
		Invitation: contract.InvitationSent, Note: "cancelled by an amendment of the plan",
	})
	if err != nil {
		return contract.DeliveryResult{}, storeError(fmt.Sprintf("note exchange %d of %s as cancelled", m.Number, in.DepartmentID), err)
	}
	invite := mail.Invite{
		UID:       contract.ExchangesWorkflowID(in.TermID, in.DepartmentID) + "/" + strconv.Itoa(m.Number),
		Summary:   fmt.Sprintf("%s: exchange %d", in.DepartmentName, m.Number),
		Location:  in.Where,
		Start:     m.Start,
		End:       m.End,
		Organizer: a.organizer(),
		Stamp:     in.Stamp,
		Sequence:  in.Sequence,
		Cancelled: true,
	}
	for _, p := range in.Recipients {
		invite.Attendees = append(invite.Attendees, mail.Address{Name: p.Name, Email: p.Email})
	}
	ics := mail.CalendarInvite(invite)
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	purpose := fmt.Sprintf("exchange-cancelled-%d", m.Number)
	msgs := make([]mail.Message, 0, len(in.Recipients))
	for _, p := range in.Recipients {
		r, err := mail.Render("exchange_cancelled", mail.ExchangeCancelledData{
			TermName: in.TermName, DepartmentName: in.DepartmentName, RecipientName: p.Name,
			Number: m.Number, Starts: in.TimeZone.Human(m.Start), Where: in.Where,
		})
		if err != nil {
			return contract.DeliveryResult{}, contract.Template("render exchange cancellations", err)
		}
		msgs = append(msgs, mail.Message{
			Key: emailKey(workflowID, purpose, p.Email), To: mail.Address{Name: p.Name, Email: p.Email},
			Subject: r.Subject, HTML: r.HTML, Text: r.Text, Attachments: []mail.Attachment{ics},
		})
	}
	return a.deliver(ctx, purpose, msgs)
}
