package workflows

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
)

// changeExchangeGaps is the workflow.GetVersion change under which a series
//   - takes excuses from the next exchange once the current one's sign-in
//     has closed, and carries them across continue-as-new;
//   - corrects a meeting's row whose invitation went out after sign-in
//     closed;
//   - keeps the officers who excused themselves in time excused at an
//     exchange nobody could sign in at;
//   - never waits for an update (a late recording waiting on its write)
//     when sign-in closes, nor past the next invitation's time before it
//     continues as new;
//   - sends an invitation while its exchange's sign-in is open, not only
//     before it starts.
//
// Runs recorded before it go on as they began.
const changeExchangeGaps = "exchange-gaps"

// checkEarlyExcuse says why an excuse from next, the exchange after the one
// whose sign-in has closed, cannot be taken.
func (w *exchanges) checkEarlyExcuse(ctx workflow.Context, i int, next contract.ExchangeMeeting, in contract.ExcuseInput) error {
	d := w.in.Department.Name
	reason := strings.TrimSpace(in.Reason)
	switch {
	case in.Meeting != 0 && in.Meeting < next.Number:
		return fmt.Errorf("exchange %d of the %s is over; exchange %d is the next one", in.Meeting, d, next.Number)
	case in.Meeting > next.Number:
		return fmt.Errorf("exchange %d of the %s is not the next one: absences are taken for exchange %d on %s", in.Meeting, d, next.Number, w.humanTime(next.Start))
	}
	for _, e := range w.in.EarlyExcuses {
		if e.Meeting == next.Number && e.Email == w.in.Department.Officers[i].Email {
			return fmt.Errorf("%s is already excused from exchange %d of the %s (since %s: %q)",
				w.in.Department.Officers[i].Name, next.Number, d, w.humanTime(e.At), e.Reason)
		}
	}
	switch {
	case !w.planNow(ctx).Before(next.Start):
		return fmt.Errorf("exchange %d of the %s started at %s; an absence is excused before the exchange starts", next.Number, d, w.humanTime(next.Start))
	case reason == "":
		return fmt.Errorf("give a reason for missing exchange %d of the %s on %s", next.Number, d, w.humanTime(next.Start))
	case utf8.RuneCountInString(reason) > maxReasonLength:
		return fmt.Errorf("the reason has %d characters; keep it to %d", utf8.RuneCountInString(reason), maxReasonLength)
	}
	return nil
}

// correctInvitation stores, beside the calendar, that exchange m's
// invitation went out after its row was stored as undelivered. It goes
// after the series' write of the row and any late recording of its
// attendance, so that neither puts the old note back.
func (w *exchanges) correctInvitation(ctx workflow.Context, m contract.ExchangeMeeting, late time.Duration) {
	if late <= 0 {
		// After sign-in closed it is late, whatever a rehearsal's clock
		// says; beside.send noted nothing.
		late = w.planNow(ctx).Sub(m.InviteAt)
		w.beside.problems = append(w.beside.problems, fmt.Sprintf("the invitation to exchange %d went out %s late", m.Number, humanDuration(late)))
	}
	now := fmt.Sprintf("the invitation went out %s late, after sign-in closed", humanDuration(late))
	for i := range w.in.LateAttendance {
		if e := &w.in.LateAttendance[i]; e.Meeting == m.Number {
			e.Note = strings.Replace(e.Note, noteNotInvited, now, 1)
		}
	}
	in := contract.CorrectInvitationInput{
		TermID: w.in.TermID, DepartmentID: w.in.Department.ID, MeetingNumber: m.Number,
		Invitation: contract.InvitationLate, NoteWas: noteNotInvited, NoteNow: now,
	}
	w.beside.do(ctx, func(ctx workflow.Context) {
		if err := workflow.Await(ctx, func() bool { return !w.storing[m.Number] && !w.recording[m.Number] }); err != nil {
			return
		}
		actx := withStoreOptions(ctx, fmt.Sprintf("the invitation to exchange %d of the %s went out late", m.Number, w.in.Department.Name))
		if err := workflow.ExecuteActivity(actx, a.CorrectInvitation, in).Get(ctx, nil); err != nil {
			w.beside.problems = append(w.beside.problems, fmt.Sprintf("the late invitation to exchange %d could not be noted on its row", m.Number))
			workflow.GetLogger(ctx).Error("invitation not corrected", "exchange", m.Number, "error", err)
		}
	})
}
