package portal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"go.temporal.io/api/serviceerror"

	"semesterflow/contract"
	"semesterflow/internal/links"
)

// attendanceForm is the value of the "form" field of the attendance
// sheet, which shares its page (and its link) with the minutes' form.
const attendanceForm = "attendance"

// attendanceSheet is the form on which the secretary records, afterwards,
// who came to an exchange nobody could sign in at. It is found from the
// signed link alone: the minutes' workflow ID names the exchange and its
// series, so nothing posted can point it at another one.
type attendanceSheet struct {
	Heading string
	Intro   string
	Rows    []sheetRow
	Button  string
	// Error is a refusal of this form, in the validator's words.
	Error string

	workflowID string
	meeting    int
}

// sheetRow is one officer on the sheet, with what was chosen for them:
// one status, unless the form was altered.
type sheetRow struct {
	Index    int
	Name     string
	Email    string
	Statuses []string
	Reason   string
}

// The choices for each officer on the sheet, as posted.
const (
	sheetPresent = "present"
	sheetExcused = "excused"
	sheetAbsent  = "absent"
)

// Choices are the statuses the sheet offers, in order.
func (sheetRow) Choices() []string { return []string{sheetPresent, sheetExcused, sheetAbsent} }

// Checked says whether status was chosen, to show the sheet again as sent.
func (r sheetRow) Checked(status string) bool { return slices.Contains(r.Statuses, status) }

// addAttendanceSheet puts the sheet on a minutes page whose exchange
// awaits its attendance, or notes who recorded it. A series that cannot be
// asked leaves the minutes' form as it is.
func (s *Server) addAttendanceSheet(ctx context.Context, c links.Claims, t *taskPage) {
	exchangesID, meeting, ok := contract.ExchangesOfMinutes(c.WorkflowID)
	if !ok {
		return
	}
	var sheet contract.AttendanceSheet
	v, err := s.temporal.QueryWorkflow(ctx, exchangesID, "", contract.QueryAttendanceSheet, meeting, c.Person)
	if err == nil {
		err = v.Get(&sheet)
	}
	if err != nil {
		var notFound *serviceerror.NotFound
		if !errors.As(err, &notFound) {
			s.logger.Warn("attendance sheet unavailable", "workflow", exchangesID, "meeting", meeting, "error", err)
		}
		return
	}
	switch {
	case !sheet.Recorder:
	case sheet.RecordedBy != "":
		t.Facts = append(t.Facts, fact{"Attendance", fmt.Sprintf("recorded by %s on %s", sheet.RecordedBy, humanTime(sheet.RecordedAt, sheet.TimeZone))})
	case sheet.Awaiting:
		t.Facts = append(t.Facts, fact{"Attendance until", humanTime(sheet.Until, sheet.TimeZone)})
		t.Sheet = &attendanceSheet{
			Heading: fmt.Sprintf("Attendance at exchange %d", meeting),
			Intro: fmt.Sprintf("Mark each officer present, excused (with the reason) or absent at the exchange on %s. "+
				"It counts in their evaluation and is recorded once.", humanTime(sheet.Start, sheet.TimeZone)),
			Button:     "Record the attendance",
			workflowID: exchangesID,
			meeting:    meeting,
		}
		for i, o := range sheet.Officers {
			t.Sheet.Rows = append(t.Sheet.Rows, sheetRow{Index: i, Name: o.Name, Email: o.Email})
		}
	}
}

// read keeps what was posted, to show it again if it is refused.
func (sh *attendanceSheet) read(r *http.Request) {
	for i := range sh.Rows {
		row := &sh.Rows[i]
		row.Statuses = r.PostForm["status"+strconv.Itoa(row.Index)]
		row.Reason = strings.TrimSpace(r.PostForm.Get("reason" + strconv.Itoa(row.Index)))
	}
}

// input builds the Update's argument from the sheet, or says what is
// missing before the workflow is asked. An officer marked twice is passed
// on as such: the validator says what is wrong with it.
func (sh *attendanceSheet) input(c links.Claims) (contract.RecordAttendanceInput, string) {
	in := contract.RecordAttendanceInput{Email: c.Person, Meeting: sh.meeting}
	for _, row := range sh.Rows {
		if len(row.Statuses) == 0 {
			return in, fmt.Sprintf("say whether %s was present, excused or absent", row.Name)
		}
		for _, status := range row.Statuses {
			switch status {
			case sheetPresent:
				in.Present = append(in.Present, row.Email)
			case sheetExcused:
				in.Excused = append(in.Excused, contract.ExcusedOfficer{Email: row.Email, Reason: row.Reason})
			case sheetAbsent:
			default:
				return in, fmt.Sprintf("choose present, excused or absent for %s", row.Name)
			}
		}
	}
	return in, ""
}

// recordAttendance sends the sheet to the exchanges' workflow.
func (s *Server) recordAttendance(w http.ResponseWriter, r *http.Request, c links.Claims, token string, t *taskPage, f form) {
	in, problem := t.Sheet.input(c)
	if problem != "" {
		t.Sheet.Error = problem
		s.showTask(w, r, token, t, f, http.StatusUnprocessableEntity)
		return
	}
	var res contract.RecordAttendanceResult
	refused, err := s.update(r.Context(), t.Sheet.workflowID, contract.UpdateRecordAttendance, in, &res)
	switch {
	case refused != "":
		t.Sheet.Error = refused
		s.showTask(w, r, token, t, f, http.StatusUnprocessableEntity)
		return
	case err != nil:
		s.actionFailed(w, r, t.Sheet.workflowID, err)
		return
	}
	s.logger.Info("attendance recorded", "workflow", t.Sheet.workflowID, "meeting", res.Meeting)
	thanks := fmt.Sprintf("Thank you: the attendance of exchange %d is recorded, %d present, %d excused and %d absent.", res.Meeting, res.Present, res.Excused, res.Absent)
	if t.Done == "" {
		thanks += " The minutes can still be handed in from the same link."
	}
	s.message(w, http.StatusOK, "Done", thanks)
}
