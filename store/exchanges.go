package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"semesterflow/contract"
)

// SaveMeetings upserts exchanges by (term, department, number): a meeting
// saved again with the same times and place is left untouched, one whose
// plan changed is updated.
func (s *Store) SaveMeetings(ctx context.Context, meetings []Meeting) error {
	if len(meetings) == 0 {
		return nil
	}
	for _, m := range meetings {
		if err := checkMeeting(m); err != nil {
			return err
		}
	}
	if _, err := s.db.NewInsert().Model(&meetings).
		Apply(upsert("term_id, department_id, number", "starts_at", "ends_at", "place")).
		Exec(ctx); err != nil {
		return fmt.Errorf("store: save %d meetings: %w", len(meetings), err)
	}
	return nil
}

// SaveMeetingOutcome upserts an exchange that is over with how it went: its
// times and place, and its invitation, lateness and note. Saving the same
// outcome again changes nothing.
func (s *Store) SaveMeetingOutcome(ctx context.Context, m Meeting) error {
	if err := checkMeeting(m); err != nil {
		return err
	}
	switch m.Invitation {
	case contract.InvitationSent, contract.InvitationLate, contract.InvitationUndelivered, contract.InvitationNone:
	default:
		return invalidf("meeting %s/%s/%d: invitation %q is not sent, late, undelivered or none", m.TermID, m.DepartmentID, m.Number, m.Invitation)
	}
	if _, err := s.db.NewInsert().Model(&m).
		Apply(upsert("term_id, department_id, number", "starts_at", "ends_at", "place", "invitation", "recorded_late", "note")).
		Exec(ctx); err != nil {
		return fmt.Errorf("store: save the outcome of meeting %d: %w", m.Number, err)
	}
	return nil
}

// CorrectMeetingInvitation records that an exchange's invitation, stored
// as undelivered because it was still on its way when sign-in closed, went
// out after all: the row's invitation becomes invitation, and noteWas in its
// note becomes noteNow. A row whose invitation is no longer undelivered is
// left alone, so running it again changes nothing. It returns whether the
// row changed.
func (s *Store) CorrectMeetingInvitation(ctx context.Context, termID, departmentID string, number int, invitation, noteWas, noteNow string) (bool, error) {
	switch {
	case termID == "" || departmentID == "" || number < 1:
		return false, invalidf("meeting %s/%s/%d lacks a term, department or number", termID, departmentID, number)
	case invitation != contract.InvitationSent && invitation != contract.InvitationLate:
		return false, invalidf("meeting %s/%s/%d: an invitation that went out is sent or late, not %q", termID, departmentID, number, invitation)
	}
	res, err := s.db.NewUpdate().Model((*Meeting)(nil)).
		Set("invitation = ?", invitation).
		Set("note = replace(note, ?, ?)", noteWas, noteNow).
		Where("term_id = ? AND department_id = ? AND number = ?", termID, departmentID, number).
		Where("invitation = ?", contract.InvitationUndelivered).
		Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("store: correct the invitation of meeting %d: %w", number, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: correct the invitation of meeting %d: %w", number, err)
	}
	return n > 0, nil
}

func checkMeeting(m Meeting) error {
	if m.TermID == "" || m.DepartmentID == "" || m.Number < 1 || m.StartsAt.IsZero() || m.EndsAt.IsZero() {
		return invalidf("meeting %s/%s/%d lacks a term, department, number or times", m.TermID, m.DepartmentID, m.Number)
	}
	if m.EndsAt.Before(m.StartsAt) {
		return invalidf("meeting %s/%s/%d ends before it starts", m.TermID, m.DepartmentID, m.Number)
	}
	return nil
}

// Meetings lists a department's exchanges by number.
func (s *Store) Meetings(ctx context.Context, termID, departmentID string) ([]Meeting, error) {
	var out []Meeting
	if err := s.db.NewSelect().Model(&out).
		Where("term_id = ? AND department_id = ?", termID, departmentID).
		Order("number").
		Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: meetings of %s in %s: %w", departmentID, termID, err)
	}
	return out, nil
}

// RecordAttendance stores one meeting's attendance rows and the audit
// entries of the sign-ins and excuses behind them, in one transaction.
// Attendance once recorded is kept (ON CONFLICT DO NOTHING), and audit
// entries are keyed, so running the call again changes nothing.
func (s *Store) RecordAttendance(ctx context.Context, rows []Attendance, audit []AuditEntry) error {
	if len(rows) == 0 && len(audit) == 0 {
		return nil
	}
	for _, r := range rows {
		if r.TermID == "" || r.DepartmentID == "" || r.MeetingNumber < 1 || r.OfficerEmail == "" {
			return invalidf("attendance row %s/%s/%d/%s lacks a term, department, meeting or officer", r.TermID, r.DepartmentID, r.MeetingNumber, r.OfficerEmail)
		}
		switch r.Status {
		case contract.AttendancePresent:
			if r.SignedInAt == nil {
				return invalidf("%s is present at meeting %d without a sign-in time", r.OfficerEmail, r.MeetingNumber)
			}
		case contract.AttendanceExcused, contract.AttendanceAbsent, contract.AttendanceUnrecorded:
		default:
			return invalidf("attendance status %q of %s is not present, excused, absent or unrecorded", r.Status, r.OfficerEmail)
		}
	}
	for _, e := range audit {
		if err := checkAudit(e); err != nil {
			return err
		}
	}
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if len(rows) > 0 {
			if _, err := tx.NewInsert().Model(&rows).
				On("CONFLICT (term_id, department_id, meeting_number, officer_email) DO NOTHING").
				Exec(ctx); err != nil {
				return fmt.Errorf("store: record attendance: %w", err)
			}
		}
		if len(audit) > 0 {
			entries := make([]AuditEntry, len(audit))
			for i, e := range audit {
				if e.Payload == nil {
					// The column is NOT NULL; bun would send a nil map as NULL.
					e.Payload = map[string]any{}
				}
				entries[i] = e
			}
			if _, err := tx.NewInsert().Model(&entries).
				ExcludeColumn("id", "recorded_at").
				On("CONFLICT (key) DO NOTHING").
				Returning("NULL").
				Exec(ctx); err != nil {
				return fmt.Errorf("store: record attendance audit: %w", err)
			}
		}
		return nil
	})
}

// Attendances lists a department's attendance rows by meeting, then
// officer email.
func (s *Store) Attendances(ctx context.Context, termID, departmentID string) ([]Attendance, error) {
	var out []Attendance
	if err := s.db.NewSelect().Model(&out).
		Where("term_id = ? AND department_id = ?", termID, departmentID).
		Order("meeting_number", "officer_email").
		Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: attendance of %s in %s: %w", departmentID, termID, err)
	}
	return out, nil
}

// AttendanceCount is one officer's exchanges in a term, by status.
type AttendanceCount struct {
	OfficerEmail string `bun:"officer_email"`
	Present      int    `bun:"present"`
	Excused      int    `bun:"excused"`
	Absent       int    `bun:"absent"`
}

// AttendanceCounts sums every officer's attendance in a term, by email.
// Officers with no recorded meeting are not listed.
func (s *Store) AttendanceCounts(ctx context.Context, termID string) ([]AttendanceCount, error) {
	var out []AttendanceCount
	if err := s.db.NewSelect().
		TableExpr("attendance").
		Column("officer_email").
		ColumnExpr("count(*) FILTER (WHERE status = ?) AS present", contract.AttendancePresent).
		ColumnExpr("count(*) FILTER (WHERE status = ?) AS excused", contract.AttendanceExcused).
		ColumnExpr("count(*) FILTER (WHERE status = ?) AS absent", contract.AttendanceAbsent).
		Where("term_id = ?", termID).
		Group("officer_email").
		Order("officer_email").
		Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: attendance counts of %s: %w", termID, err)
	}
	return out, nil
}

// LateAttendance is the attendance at an exchange nobody could sign in at,
// recorded afterwards by the department's secretary: every officer's
// status, the meeting's new note, and the audit entry of the recording.
type LateAttendance struct {
	TermID        string
	DepartmentID  string
	MeetingNumber int
	// Officers are present, excused (with the reason) or absent; nobody
	// signed in, so no row has a sign-in time.
	Officers []LateAttendanceRow
	// Note replaces the meeting's note, for people.
	Note  string
	Audit AuditEntry
}

// LateAttendanceRow is one officer's attendance as the secretary recorded it.
type LateAttendanceRow struct {
	Email  string
	Status string
	Reason string
}

// RecordLateAttendance stores attendance recorded after the exchange, in
// one transaction: each officer's row becomes what the secretary recorded
// only while it is still unrecorded (a row missing because the series'
// own write has not landed is inserted), the meeting's note is set, and the
// audit entry is written once by its key. It returns how many attendance
// rows changed: a retry changes none, and never overwrites what a sign-in
// or an earlier recording stored.
func (s *Store) RecordLateAttendance(ctx context.Context, in LateAttendance) (int, error) {
	if err := checkLateAttendance(in); err != nil {
		return 0, err
	}
	rows := make([]Attendance, len(in.Officers))
	for i, o := range in.Officers {
		rows[i] = Attendance{TermID: in.TermID, DepartmentID: in.DepartmentID, MeetingNumber: in.MeetingNumber,
			OfficerEmail: o.Email, Status: o.Status, Reason: o.Reason}
	}
	var changed int
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewInsert().Model(&rows).
			On("CONFLICT (term_id, department_id, meeting_number, officer_email) DO UPDATE").
			Set("status = EXCLUDED.status").
			Set("reason = EXCLUDED.reason").
			Where("?TableAlias.status = ?", contract.AttendanceUnrecorded).
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("store: record the late attendance of meeting %d: %w", in.MeetingNumber, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("store: record the late attendance of meeting %d: %w", in.MeetingNumber, err)
		}
		changed = int(n)
		if _, err := tx.NewUpdate().Model((*Meeting)(nil)).
			Set("note = ?", in.Note).
			Where("term_id = ? AND department_id = ? AND number = ?", in.TermID, in.DepartmentID, in.MeetingNumber).
			Where("note IS DISTINCT FROM ?", in.Note).
			Exec(ctx); err != nil {
			return fmt.Errorf("store: note the late attendance of meeting %d: %w", in.MeetingNumber, err)
		}
		if _, err := insertAudit(ctx, tx, in.Audit); err != nil {
			return fmt.Errorf("store: record the late attendance of meeting %d: %w", in.MeetingNumber, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return changed, nil
}

func checkLateAttendance(in LateAttendance) error {
	id := fmt.Sprintf("%s/%s/%d", in.TermID, in.DepartmentID, in.MeetingNumber)
	if in.TermID == "" || in.DepartmentID == "" || in.MeetingNumber < 1 {
		return invalidf("late attendance %s lacks a term, department or meeting", id)
	}
	if len(in.Officers) == 0 {
		return invalidf("late attendance %s lists no officer", id)
	}
	seen := map[string]bool{}
	for _, o := range in.Officers {
		switch {
		case o.Email == "":
			return invalidf("late attendance %s has an officer without an email", id)
		case seen[o.Email]:
			return invalidf("late attendance %s lists %s twice", id, o.Email)
		}
		seen[o.Email] = true
		switch o.Status {
		case contract.AttendancePresent, contract.AttendanceAbsent:
		case contract.AttendanceExcused:
			if o.Reason == "" {
				return invalidf("late attendance %s: %s is excused without a reason", id, o.Email)
			}
		default:
			// Unrecorded is what is being replaced: it cannot be recorded.
			return invalidf("late attendance %s: status %q of %s is not present, excused or absent", id, o.Status, o.Email)
		}
	}
	return checkAudit(in.Audit)
}
