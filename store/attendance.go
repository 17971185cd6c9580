package store

import (
	"time"

	"github.com/uptrace/bun"
)

// Meeting is one exchange of a department.
type Meeting struct {
	bun.BaseModel `bun:"table:meetings,alias:mt"`

	TermID       string    `bun:"term_id,pk"`
	DepartmentID string    `bun:"department_id,pk"`
	Number       int       `bun:"number,pk"`
	StartsAt     time.Time `bun:"starts_at"`
	EndsAt       time.Time `bun:"ends_at"`
	Place        string    `bun:"place"`
	// Invitation is how the invitation went (InvitationSent, ...), empty
	// until the exchange is over.
	Invitation string `bun:"invitation"`
	// RecordedLate is set when the attendance could only be recorded
	// after the sign-in window.
	RecordedLate bool `bun:"recorded_late"`
	// Note says, for people, what did not go to plan.
	Note string `bun:"note"`
}

// Attendance is one officer at one meeting.
type Attendance struct {
	bun.BaseModel `bun:"table:attendance,alias:at"`

	TermID        string     `bun:"term_id,pk"`
	DepartmentID  string     `bun:"department_id,pk"`
	MeetingNumber int        `bun:"meeting_number,pk"`
	OfficerEmail  string     `bun:"officer_email,pk"`
	Status        string     `bun:"status"`
	SignedInAt    *time.Time `bun:"signed_in_at"`
	Reason        string     `bun:"reason"`
}
