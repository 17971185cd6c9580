package contract

import (
	"time"

	"semesterflow/plan"
)

// Attendance statuses.
const (
	AttendancePresent = "present"
	AttendanceExcused = "excused"
	AttendanceAbsent  = "absent"
	// AttendanceUnrecorded: nobody could sign in, as the service was not
	// running over the sign-in window. It counts neither way.
	AttendanceUnrecorded = "unrecorded"
)

// Invitation outcomes of a meeting, as stored.
const (
	InvitationSent        = "sent"
	InvitationLate        = "late"
	InvitationUndelivered = "undelivered"
	// InvitationNone: the exchange was over before it could be invited to.
	InvitationNone = "none"
)

// MeetingOutcome is how an exchange that is over went beside its calendar.
type MeetingOutcome struct {
	plan.Span
	Where string `json:"where,omitempty"`
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
	TimeZone       plan.Zone    `json:"time_zone"`
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
	// Sequence is the calendar invite's SEQUENCE: above 0 for an invite
	// sent again after the exchange moved, with MovedFrom its old start,
	// or for a cancellation (Cancelled).
	Sequence  int       `json:"sequence,omitempty"`
	MovedFrom time.Time `json:"moved_from,omitzero"`
	Cancelled bool      `json:"cancelled,omitempty"`
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
type RecordMeetingAttendanceInput struct {
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
