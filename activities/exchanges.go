package activities

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"semesterflow/internal/links"
	"semesterflow/mail"
	"semesterflow/plan"
	"semesterflow/store"
)

// Attendance statuses, as stored.
const (
	AttendancePresent = store.AttendancePresent
	AttendanceExcused = store.AttendanceExcused
	AttendanceAbsent  = store.AttendanceAbsent
	// AttendanceUnrecorded is an officer at an exchange nobody could sign
	// in at: it counts neither way.
	AttendanceUnrecorded = store.AttendanceUnrecorded
)

// Invitation outcomes of an exchange, as stored.
const (
	InvitationSent        = store.InvitationSent
	InvitationLate        = store.InvitationLate
	InvitationUndelivered = store.InvitationUndelivered
	InvitationNone        = store.InvitationNone
)

// MeetingOutcome is how an exchange that is over went beside its calendar.
type MeetingOutcome struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Where string    `json:"where,omitempty"`
	// Invitation is InvitationSent, InvitationLate, InvitationUndelivered
	// or InvitationNone.
	Invitation string `json:"invitation"`
	// RecordedLate: nobody could sign in while the window was open.
	RecordedLate bool `json:"recorded_late,omitempty"`
	// Note says what did not go to plan, for people.
	Note string `json:"note,omitempty"`
}

// Audit actions of the exchanges.
const (
	ActionSignIn = "sign_in"
	ActionExcuse = "excuse_absence"
	// ActionRecordAttendance is the secretary recording, afterwards, the
	// attendance at an exchange nobody could sign in at.
	ActionRecordAttendance = "record_attendance"
)

// NotifyExchangeInput is one exchange's invitation to a department.
type NotifyExchangeInput struct {
	TermID         string       `json:"term_id"`
	TermName       string       `json:"term_name"`
	TimeZone       string       `json:"time_zone"`
	DepartmentID   string       `json:"department_id"`
	DepartmentName string       `json:"department_name"`
	Where          string       `json:"where,omitempty"`
	Meeting        plan.Meeting `json:"meeting"`
	// Total is the number of exchanges in the term.
	Total     int         `json:"total"`
	Secretary plan.Person `json:"secretary"`
	// Recipients are the officers and the head, each once.
	Recipients []plan.Person `json:"recipients"`
	// Head is the email of the department's head when the head is not an
	// officer: invited, but not told to sign in, as attendance counts
	// officers only.
	Head string `json:"head,omitempty"`
	// Stamp is the calendar invite's DTSTAMP: a plan time fixed by the
	// workflow, so a retry produces the same file.
	Stamp time.Time `json:"stamp"`
	// SignInLinkExpires and ExcuseLinkExpires are when the portal links
	// stop working (real time): sign-in's close and the meeting's start.
	SignInLinkExpires time.Time `json:"sign_in_link_expires,omitzero"`
	ExcuseLinkExpires time.Time `json:"excuse_link_expires,omitzero"`
}

// NotifyExchange stores the exchange in the meetings table and sends its
// invitation, each with a calendar invite (METHOD:REQUEST, one UID per
// department and exchange), to every recipient on one SMTP connection.
func (a *Activities) NotifyExchange(ctx context.Context, in NotifyExchangeInput) (DeliveryResult, error) {
	m := in.Meeting
	err := a.Store.SaveMeetings(ctx, []store.Meeting{{
		TermID: in.TermID, DepartmentID: in.DepartmentID, Number: m.Number,
		StartsAt: m.Start, EndsAt: m.End, Place: in.Where,
	}})
	if err != nil {
		return DeliveryResult{}, storeError(fmt.Sprintf("save exchange %d of %s", m.Number, in.DepartmentID), err)
	}
	loc, err := time.LoadLocation(in.TimeZone)
	if err != nil {
		return DeliveryResult{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("time zone %q", in.TimeZone), "BadInput", err)
	}
	clock := func(t time.Time) string { return t.In(loc).Format("15:04") }

	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	summary := fmt.Sprintf("%s: exchange %d", in.DepartmentName, m.Number)
	invite := mail.Invite{
		UID:      fmt.Sprintf("semester/%s/exchanges/%s/%d", in.TermID, in.DepartmentID, m.Number),
		Summary:  summary,
		Location: in.Where,
		Description: fmt.Sprintf("Exchange %d of %d of the %s, %s. Sign in from %s to %s. Minutes: %s.",
			m.Number, in.Total, in.DepartmentName, in.TermName, clock(m.SignInOpens), clock(m.SignInCloses), in.Secretary.Name),
		Start:     m.Start,
		End:       m.End,
		Organizer: a.organizer(),
		Stamp:     in.Stamp,
	}
	for _, p := range in.Recipients {
		invite.Attendees = append(invite.Attendees, mail.Address{Name: p.Name, Email: p.Email})
	}
	ics := mail.CalendarInvite(invite)

	purpose := fmt.Sprintf("exchange-invitation-%d", m.Number)
	msgs := make([]mail.Message, 0, len(in.Recipients))
	for _, p := range in.Recipients {
		officer := p.Email != in.Head
		data := mail.ExchangeData{
			TermName: in.TermName, DepartmentName: in.DepartmentName, RecipientName: p.Name,
			Number: m.Number, Total: in.Total,
			Starts: plan.HumanTime(m.Start, in.TimeZone), Ends: clock(m.End), Where: in.Where,
			SignInOpens: clock(m.SignInOpens), SignInCloses: clock(m.SignInCloses),
			Secretary: in.Secretary.Name, IsSecretary: p.Email == in.Secretary.Email,
			MinutesDue: plan.HumanTime(m.MinutesDue, in.TimeZone),
			IsOfficer:  officer,
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
			return DeliveryResult{}, temporal.NewNonRetryableApplicationError("render exchange invitations", "Template", err)
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

// AttendanceRecord is one officer at one exchange.
type AttendanceRecord struct {
	Email      string     `json:"email"`
	Status     string     `json:"status"`
	SignedInAt *time.Time `json:"signed_in_at,omitempty"`
	Reason     string     `json:"reason,omitempty"`
}

// AttendanceAction is a sign-in or an excuse, for the audit log.
type AttendanceAction struct {
	// Key is the audit entry's idempotency key: "update/" and the update ID.
	Key    string    `json:"key"`
	Email  string    `json:"email"`
	Action string    `json:"action"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// RecordAttendanceInput is one exchange's attendance.
type RecordAttendanceInput struct {
	TermID        string `json:"term_id"`
	DepartmentID  string `json:"department_id"`
	MeetingNumber int    `json:"meeting_number"`
	// At is when sign-in closed.
	At      time.Time          `json:"at"`
	Records []AttendanceRecord `json:"records"`
	Actions []AttendanceAction `json:"actions,omitempty"`
	// Outcome, when set, saves the meeting's row with how it went, so that
	// every exchange has its row whatever happened to its invitation.
	Outcome *MeetingOutcome `json:"outcome,omitempty"`
}

// RecordAttendance saves the exchange's row with its outcome, then writes
// every officer's attendance at it and an audit entry for each sign-in and
// excuse, in one transaction. Rows already
// recorded are kept, so a retry changes nothing.
func (a *Activities) RecordAttendance(ctx context.Context, in RecordAttendanceInput) error {
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

// RecordLateAttendanceInput is the attendance at an exchange nobody could
// sign in at, as the secretary recorded it afterwards.
type RecordLateAttendanceInput struct {
	TermID        string `json:"term_id"`
	DepartmentID  string `json:"department_id"`
	MeetingNumber int    `json:"meeting_number"`
	// Key is the audit entry's idempotency key: "update/" and the update ID.
	Key string `json:"key"`
	// By is who recorded it (the secretary, or the head), At when, in plan
	// time.
	By string    `json:"by"`
	At time.Time `json:"at"`
	// Records are every officer: present, excused with the reason, or
	// absent; none signed in.
	Records []AttendanceRecord `json:"records"`
	// Note replaces the meeting's note.
	Note string `json:"note"`
}

// RecordLateAttendanceResult says how many attendance rows changed: none
// when the activity ran before.
type RecordLateAttendanceResult struct {
	Changed int `json:"changed"`
}

// RecordLateAttendance stores the attendance the secretary recorded after
// the exchange: only rows still unrecorded change, the meeting's note is
// set and one audit entry, keyed by the update, says who recorded what, in
// one transaction. Running it again changes nothing.
func (a *Activities) RecordLateAttendance(ctx context.Context, in RecordLateAttendanceInput) (RecordLateAttendanceResult, error) {
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	late := store.LateAttendance{
		TermID: in.TermID, DepartmentID: in.DepartmentID, MeetingNumber: in.MeetingNumber, Note: in.Note,
	}
	// Empty lists, not null, so the audit payload always has all three.
	present, absent, excused := []string{}, []string{}, []map[string]string{}
	for _, r := range in.Records {
		late.Officers = append(late.Officers, store.LateAttendanceRow{Email: r.Email, Status: r.Status, Reason: r.Reason})
		switch r.Status {
		case AttendancePresent:
			present = append(present, r.Email)
		case AttendanceExcused:
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
		Action:     ActionRecordAttendance,
		Subject:    fmt.Sprintf("exchange/%s/%d", in.DepartmentID, in.MeetingNumber),
		Payload: map[string]any{
			"department": in.DepartmentID, "meeting": in.MeetingNumber,
			"present": present, "excused": excused, "absent": absent,
		},
		PlanTime: in.At,
	}
	changed, err := a.Store.RecordLateAttendance(ctx, late)
	if err != nil {
		return RecordLateAttendanceResult{}, storeError(fmt.Sprintf("record the late attendance at exchange %d of %s", in.MeetingNumber, in.DepartmentID), err)
	}
	return RecordLateAttendanceResult{Changed: changed}, nil
}

// CorrectInvitationInput says that an exchange's invitation, stored as
// undelivered because it was still on its way when sign-in closed, went out.
type CorrectInvitationInput struct {
	TermID        string `json:"term_id"`
	DepartmentID  string `json:"department_id"`
	MeetingNumber int    `json:"meeting_number"`
	// Invitation is what it is now: InvitationLate, or InvitationSent.
	Invitation string `json:"invitation"`
	// NoteWas, in the meeting's note, becomes NoteNow.
	NoteWas string `json:"note_was"`
	NoteNow string `json:"note_now"`
}

// CorrectInvitation corrects the meeting's row of an invitation that went
// out after its attendance was stored. Running it again changes nothing.
func (a *Activities) CorrectInvitation(ctx context.Context, in CorrectInvitationInput) error {
	if _, err := a.Store.CorrectMeetingInvitation(ctx, in.TermID, in.DepartmentID, in.MeetingNumber, in.Invitation, in.NoteWas, in.NoteNow); err != nil {
		return storeError(fmt.Sprintf("correct the invitation of exchange %d of %s", in.MeetingNumber, in.DepartmentID), err)
	}
	return nil
}
