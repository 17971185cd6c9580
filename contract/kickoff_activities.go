package contract

import (
	"time"

	"semesterflow/plan"
)

// SendDirectoryInput names the term whose personnel directory goes to every
// department head. The directory itself is read from Postgres, where the
// term's SaveDirectory put it, so the workflow's history does not carry
// every officer.
type SendDirectoryInput struct {
	TermID string `json:"term_id"`
}

// KickoffHead is a department head invited to the kickoff.
type KickoffHead struct {
	DepartmentName string      `json:"department_name"`
	Head           plan.Person `json:"head"`
}

// SendKickoffInvitationsInput is the kickoff meeting and whom to invite.
type SendKickoffInvitationsInput struct {
	KickoffMeeting
	Heads []KickoffHead `json:"heads"`
	// Stamp is the plan time the invitations go out, the invite's DTSTAMP:
	// fixed by the workflow so that a retried send produces the same file.
	Stamp time.Time `json:"stamp"`
}

// KickoffInvitationsResult says how many were invited and how the emails
// went.
type KickoffInvitationsResult struct {
	DeliveryResult
	Invited int `json:"invited"`
}
