package contract

import (
	"strconv"
	"strings"
	"time"

	"semesterflow/plan"
)

// Names of the exchanges' handlers, sent to a department's Exchanges
// workflow (ExchangesWorkflowID).
const (
	// UpdateSignIn is an officer signing in at an exchange, while its
	// sign-in window is open. Takes SignInInput, returns SignInResult.
	UpdateSignIn = "sign-in"
	// UpdateExcuse is an officer announcing, with a reason, that they will
	// miss the next exchange. Takes ExcuseInput, returns ExcuseResult.
	UpdateExcuse = "excuse"
	// UpdateRecordAttendance is the department's secretary (or its head)
	// recording, afterwards, the attendance at an exchange nobody could
	// sign in at, until its minutes close. Takes RecordAttendanceInput,
	// returns RecordAttendanceResult.
	UpdateRecordAttendance = "record-attendance"
	// QueryAttendanceSheet answers whether an exchange's attendance awaits
	// recording, and who may record it (arguments: the meeting's number,
	// an email). Returns AttendanceSheet.
	QueryAttendanceSheet = "attendance-sheet"
)

// Phases of a department's exchanges, as its progress shows them.
const (
	// PhaseInvited: the invitation to the next exchange is out, sign-in is
	// not open yet.
	PhaseInvited = "invited"
	// PhaseSignIn: the next exchange's sign-in window is open.
	PhaseSignIn = "sign-in"
	// PhaseAwaitingAttendance: every exchange is held, and the secretary
	// may still record the attendance of one nobody could sign in at.
	PhaseAwaitingAttendance = "awaiting attendance"
)

// InviteDaysBefore is how many days before an exchange its invitation goes
// out, at the plan's send time.
const InviteDaysBefore = 3

// ExchangesWorkflowID is the ID of a department's Exchanges in a term. It
// stays the same across continue-as-new, so updates always reach the
// current run.
func ExchangesWorkflowID(termID, departmentID string) string {
	return SemesterWorkflowID(termID) + "/exchanges/" + departmentID
}

// MinutesWorkflowID is the ID of the Collection that asks a department's
// secretary for the minutes of exchange number n.
func MinutesWorkflowID(termID, departmentID string, n int) string {
	return ExchangesWorkflowID(termID, departmentID) + "/minutes-" + strconv.Itoa(n)
}

// ExchangesOfMinutes is the Exchanges workflow and the exchange's number
// behind a minutes collection's workflow ID (MinutesWorkflowID); ok is false
// for any other ID.
func ExchangesOfMinutes(minutesWorkflowID string) (exchangesWorkflowID string, meeting int, ok bool) {
	rest, number, found := strings.Cut(minutesWorkflowID, "/minutes-")
	if !found {
		return "", 0, false
	}
	n, err := strconv.Atoi(number)
	if err != nil || n < 1 {
		return "", 0, false
	}
	scope, departmentID, _ := strings.Cut(strings.TrimPrefix(rest, semesterPrefix), "/exchanges/")
	if MinutesWorkflowID(scope, departmentID, n) != minutesWorkflowID {
		return "", 0, false
	}
	return ExchangesWorkflowID(scope, departmentID), n, true
}

// ExchangesPart is the part name under which a department's exchanges
// report to the term.
func ExchangesPart(departmentID string) string { return "exchanges/" + departmentID }

// ExchangeMeeting is one exchange on a department's calendar, with when its
// invitation goes out.
type ExchangeMeeting struct {
	plan.Meeting
	// InviteAt is InviteDaysBefore days before the start at the send time;
	// an invitation whose time has passed goes out at once.
	InviteAt time.Time `json:"invite_at"`
	// Sequence counts the invites sent again after an amendment moved the
	// exchange: the calendar invite's SEQUENCE.
	Sequence int `json:"sequence,omitempty"`
}

// SignalExchangesCalendar carries ExchangesCalendar from the term to a
// department's Exchanges after an amendment moved or cancelled exchanges.
const SignalExchangesCalendar = "exchanges-calendar"

// ExchangesCalendar is a department's calendar as an amended plan has it.
// The series takes every exchange not held yet from it: one that moved
// after its invitation went out gets an updated invite, one no longer on
// it a cancellation.
type ExchangesCalendar struct {
	Version  int               `json:"version"`
	Meetings []ExchangeMeeting `json:"meetings"`
	Where    string            `json:"where,omitempty"`
}

// ExchangesCalendarFrom is a department's calendar in a valid plan.
func ExchangesCalendarFrom(p plan.Plan, departmentID string, version int) ExchangesCalendar {
	in := ExchangesInputFrom(p, departmentID, plan.Clock{}, "")
	return ExchangesCalendar{Version: version, Meetings: in.Meetings, Where: in.Where}
}

// OfficerAttendance counts one officer's exchanges so far.
type OfficerAttendance struct {
	Email   string `json:"email"`
	Name    string `json:"name"`
	Present int    `json:"present"`
	Excused int    `json:"excused"`
	Absent  int    `json:"absent"`
	// Unrecorded counts exchanges nobody could sign in at (the service
	// was not running over the sign-in window): they count neither way.
	Unrecorded int `json:"unrecorded,omitempty"`
}

// ExchangesInput runs a department's exchanges. The parent fills the first
// part with ExchangesInputFrom; the workflow fills the state at the end
// (Next and what follows) when it continues as new after each exchange.
type ExchangesInput struct {
	TermID     string            `json:"term_id"`
	TermName   string            `json:"term_name"`
	TimeZone   plan.Zone         `json:"time_zone"`
	Department plan.Department   `json:"department"`
	Secretary  plan.Person       `json:"secretary"`
	Where      string            `json:"where,omitempty"`
	Meetings   []ExchangeMeeting `json:"meetings"`
	// SendTime is when invitations and minutes reminders go out.
	SendTime plan.ClockTime `json:"send_time"`
	// MinutesEscalateTo hear about minutes missing at their due date: the
	// head, or the leaders when the head takes the minutes.
	MinutesEscalateTo []plan.Person `json:"minutes_escalate_to,omitempty"`
	Clock             plan.Clock    `json:"clock"`
	// ReportTo is the TermKey of the term that follows PartReports as ExchangesPart(department);
	// empty for none.
	ReportTo string `json:"report_to,omitempty"`

	// Next is the index in Meetings of the exchange this run holds.
	Next int `json:"next,omitempty"`
	// Held counts exchanges whose attendance was recorded. Missed counts
	// those a run recorded before the change "calendar-never-waits" left
	// out, being over when the series started; later runs leave none out.
	Held   int `json:"held,omitempty"`
	Missed int `json:"missed,omitempty"`
	// RecordedLate counts exchanges whose sign-in window had passed before
	// the series could open it: their attendance is unrecorded.
	RecordedLate int `json:"recorded_late,omitempty"`
	// Problems are what the series could not do on time so far.
	Problems []string `json:"problems,omitempty"`
	// Attendance is the running count per officer, in plan order.
	Attendance []OfficerAttendance `json:"attendance,omitempty"`
	// LateAttendance lists the exchanges nobody could sign in at (since
	// the change "late-attendance"), recorded by the secretary afterwards
	// or still awaiting it.
	LateAttendance []LateAttendance `json:"late_attendance,omitempty"`
	// ReportSeq is the last PartReport's number, so the term keeps taking
	// reports after continue-as-new.
	ReportSeq int `json:"report_seq,omitempty"`
	// EarlyExcuses are excuses from the next exchange taken after the
	// previous one's sign-in closed and before this run began holding it
	// (since the change "exchange-gaps").
	EarlyExcuses []EarlyExcuse `json:"early_excuses,omitempty"`
	// RosterVersion is the plan version of the department's people the
	// series runs; PendingRoster is a newer one it takes from the next
	// exchange not yet invited to; Former counts the officers an
	// amendment took out, whose records stay.
	RosterVersion int `json:"roster_version,omitempty"`
	// CalendarVersion is the plan version of the calendar the series runs;
	// Cancelled counts the exchanges an amendment took off it.
	CalendarVersion int                 `json:"calendar_version,omitempty"`
	Cancelled       int                 `json:"cancelled,omitempty"`
	PendingRoster   *ExchangesRoster    `json:"pending_roster,omitempty"`
	Former          []OfficerAttendance `json:"former,omitempty"`
}

// SignalExchangesRoster carries an ExchangesRoster from the term to a
// department's Exchanges after an amendment of the plan.
const SignalExchangesRoster = "exchanges-roster"

// ExchangesRoster is a department's people as an amended plan has them.
// The series takes it from the next exchange it has not invited to yet:
// invitations, sign-in, attendance, the minutes and their escalation go
// to the new people from then on.
type ExchangesRoster struct {
	Version           int             `json:"version"`
	Department        plan.Department `json:"department"`
	Secretary         plan.Person     `json:"secretary"`
	MinutesEscalateTo []plan.Person   `json:"minutes_escalate_to,omitempty"`
}

// ExchangesRosterFrom is the roster of a department in a valid plan.
func ExchangesRosterFrom(p plan.Plan, departmentID string, version int) ExchangesRoster {
	in := ExchangesInputFrom(p, departmentID, plan.Clock{}, "")
	return ExchangesRoster{Version: version, Department: in.Department, Secretary: in.Secretary, MinutesEscalateTo: in.MinutesEscalateTo}
}

// EarlyExcuse is an officer's excuse from an exchange, taken while the
// series still held the exchange before it.
type EarlyExcuse struct {
	Meeting int    `json:"meeting"`
	Email   string `json:"email"`
	Reason  string `json:"reason"`
	// At is its plan time; UpdateID keys its audit entry.
	At       time.Time `json:"at"`
	UpdateID string    `json:"update_id"`
}

// ExchangesInputFrom builds a department's ExchangesInput from a valid plan
// with an exchanges part: its calendar (holiday and exam weeks left out,
// local times kept across daylight-saving changes), invitation times, and
// who takes and who is told about missing minutes.
func ExchangesInputFrom(p plan.Plan, departmentID string, clock plan.Clock, reportTo string) ExchangesInput {
	d, _ := p.Department(departmentID)
	in := ExchangesInput{
		TermID:     p.Term.ID,
		TermName:   p.Term.Name,
		TimeZone:   p.Zone(),
		Department: d,
		Secretary:  d.Secretary(),
		SendTime:   p.Training.SendTime,
		Clock:      clock,
		ReportTo:   reportTo,
	}
	if in.SendTime == "" {
		in.SendTime = plan.DefaultSendTime
	}
	if p.Exchanges != nil {
		in.Where = p.Exchanges.Where
	}
	in.MinutesEscalateTo = []plan.Person{d.Head}
	if in.Secretary.Email == d.Head.Email {
		in.MinutesEscalateTo = append([]plan.Person(nil), p.Leaders...)
	}
	loc := p.Location()
	for _, m := range p.ExchangeCalendar() {
		day := plan.Date(m.Start.In(loc).Format("2006-01-02"))
		in.Meetings = append(in.Meetings, ExchangeMeeting{
			Meeting:  m,
			InviteAt: day.AddDays(-InviteDaysBefore).At(in.SendTime, loc),
		})
	}
	for _, o := range d.Officers {
		in.Attendance = append(in.Attendance, OfficerAttendance{Email: o.Email, Name: o.Name})
	}
	return in
}

// SignInInput is an officer signing in at the current exchange.
type SignInInput struct {
	Email string `json:"email"`
	// Meeting, when set, is the exchange the officer means; the sign-in
	// is refused when another one is being held.
	Meeting int `json:"meeting,omitempty"`
}

// SignInResult says which exchange the sign-in counted for.
type SignInResult struct {
	Meeting    int    `json:"meeting"`
	Department string `json:"department"`
	// At is the plan time of the sign-in.
	At time.Time `json:"at"`
	// WasExcused is set when the officer had excused themselves and came
	// after all: they count as present.
	WasExcused bool `json:"was_excused,omitempty"`
}

// ExcuseInput is an officer announcing an absence from the next exchange.
type ExcuseInput struct {
	Email  string `json:"email"`
	Reason string `json:"reason"`
	// Meeting, when set, is the exchange the officer means to miss.
	Meeting int `json:"meeting,omitempty"`
}

// ExcuseResult says which exchange the officer is excused from.
type ExcuseResult struct {
	Meeting    int       `json:"meeting"`
	Department string    `json:"department"`
	Start      time.Time `json:"start"`
}

// MeetingAttendance is where the current exchange's sign-in stands.
type MeetingAttendance struct {
	plan.Meeting
	Invited  bool     `json:"invited"`
	SignedIn []string `json:"signed_in"`
	Excused  []string `json:"excused"`
}

// ExchangesProgress answers QueryProgress on Exchanges, and is its result.
type ExchangesProgress struct {
	DepartmentID string `json:"department_id"`
	Phase        string `json:"phase"`
	// Total is the number of exchanges on the calendar.
	Total  int `json:"total"`
	Held   int `json:"held"`
	Missed int `json:"missed"`
	// RecordedLate and Problems: see ExchangesInput.
	RecordedLate int      `json:"recorded_late,omitempty"`
	Problems     []string `json:"problems,omitempty"`
	// Next is the exchange this run holds; nil when the series is over.
	Next *MeetingAttendance `json:"next,omitempty"`
	// Former are the officers an amendment of the plan took out, with
	// their attendance while they served.
	Former   []OfficerAttendance `json:"former,omitempty"`
	Officers []OfficerAttendance `json:"officers"`
	// MinutesWorkflowIDs are the minutes collections started so far in
	// this run (earlier ones by MinutesWorkflowID).
	MinutesWorkflowIDs []string `json:"minutes_workflow_ids,omitempty"`
	// LateAttendance: see ExchangesInput.
	LateAttendance []LateAttendance `json:"late_attendance,omitempty"`
}

// LateAttendance is an exchange nobody could sign in at: its attendance is
// unrecorded until the secretary records it, which they may do until its
// minutes close.
type LateAttendance struct {
	Meeting int `json:"meeting"`
	// Until is when recording closes (plan time): when the minutes'
	// collection stops taking late minutes, and their link expires.
	Until time.Time `json:"until"`
	// Note is the meeting's note as stored; the recording adds to it.
	Note string `json:"note,omitempty"`
	// Excused are the officers who had excused themselves before the
	// exchange started (since the change "exchange-gaps"): they stay
	// excused, whatever the recording says.
	Excused []ExcusedOfficer `json:"excused,omitempty"`
	// RecordedBy (an email) and RecordedAt (plan time) are set once the
	// attendance is recorded.
	RecordedBy string    `json:"recorded_by,omitempty"`
	RecordedAt time.Time `json:"recorded_at,omitzero"`
}

// RecordAttendanceInput is the attendance at an exchange nobody could sign
// in at, as the secretary records it afterwards: who was present, who was
// excused and why; every other officer was absent.
type RecordAttendanceInput struct {
	// Email is who records it: the department's secretary, or its head.
	Email   string           `json:"email"`
	Meeting int              `json:"meeting"`
	Present []string         `json:"present,omitempty"`
	Excused []ExcusedOfficer `json:"excused,omitempty"`
}

// ExcusedOfficer is an officer excused from an exchange, with the reason.
type ExcusedOfficer struct {
	Email  string `json:"email"`
	Reason string `json:"reason"`
}

// RecordAttendanceResult says what was recorded.
type RecordAttendanceResult struct {
	Meeting    int    `json:"meeting"`
	Department string `json:"department"`
	Present    int    `json:"present"`
	Excused    int    `json:"excused"`
	Absent     int    `json:"absent"`
	// At is the plan time of the recording.
	At time.Time `json:"at"`
}

// AttendanceSheet answers QueryAttendanceSheet: an exchange's attendance as
// the person who may record it afterwards sees it.
type AttendanceSheet struct {
	TermName   string    `json:"term_name"`
	TimeZone   plan.Zone `json:"time_zone"`
	Department string    `json:"department"`
	Meeting    int       `json:"meeting"`
	// Start is the exchange's start; zero when the department has no such
	// exchange.
	Start time.Time `json:"start,omitzero"`
	// Awaiting is set while nobody has recorded the attendance of an
	// exchange nobody could sign in at, and Until has not passed.
	Awaiting bool      `json:"awaiting"`
	Until    time.Time `json:"until,omitzero"`
	// Recorder says whether the person may record it: the secretary or
	// the head.
	Recorder bool `json:"recorder"`
	// Officers are whose attendance is recorded, in plan order.
	Officers []plan.Person `json:"officers,omitempty"`
	// RecordedBy and RecordedAt are set once it is recorded; RecordedBy is
	// the recorder's name.
	RecordedBy string    `json:"recorded_by,omitempty"`
	RecordedAt time.Time `json:"recorded_at,omitzero"`
}

// MeetingTask answers QueryTask on Exchanges: the exchange being held, as
// one officer sees it. Meeting is nil once the series is over.
type MeetingTask struct {
	TermName   string           `json:"term_name"`
	TimeZone   plan.Zone        `json:"time_zone"`
	Department string           `json:"department"`
	Meeting    *ExchangeMeeting `json:"meeting,omitempty"`
	// Officer says whether the person is an officer of the department;
	// Name is theirs.
	Officer bool   `json:"officer"`
	Name    string `json:"name,omitempty"`
	// SignedInAt and ExcusedAt are set once the officer signed in or was
	// excused, with the reason given.
	SignedInAt   time.Time `json:"signed_in_at,omitzero"`
	ExcusedAt    time.Time `json:"excused_at,omitzero"`
	ExcuseReason string    `json:"excuse_reason,omitempty"`
	// SignInClosed is set once sign-in for the meeting has closed.
	SignInClosed bool `json:"sign_in_closed"`
}
