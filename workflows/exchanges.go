package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
)

// maxReasonLength bounds the reason given for an absence, in characters.
const maxReasonLength = 500

// Exchanges runs one department's exchanges for the term, one exchange per
// run: it invites the officers and the head (with a calendar invite), takes
// sign-ins while the sign-in window is open and excuses before the start,
// records everyone's attendance when sign-in closes, asks the secretary for
// the minutes through a Collection, and continues as new with the next
// exchange and the running attendance counts, so each run's history stays
// short however long the term.
//
// An officer who excused themselves and then signs in after all counts as
// present: the sign-in is what happened; the excuse stays in the audit log.
func Exchanges(ctx workflow.Context, in contract.ExchangesInput) (_ contract.ExchangesProgress, err error) {
	w, err := newExchanges(in)
	if err != nil {
		return contract.ExchangesProgress{}, err
	}
	defer func() {
		if temporal.IsCanceledError(err) {
			w.cancelMinutes(ctx)
		}
		w.report.failed(ctx, err)
	}()
	if err := w.setup(ctx); err != nil {
		return contract.ExchangesProgress{}, err
	}
	return w.run(ctx)
}

// mark is an officer's sign-in or excuse at the current exchange.
type mark struct {
	at       time.Time
	updateID string
	reason   string
}

type exchanges struct {
	in     contract.ExchangesInput
	index  map[string]int // officer email -> position in the department
	counts []contract.OfficerAttendance
	phase  string
	// cur is the exchange this run holds; nil once the series is over.
	cur     *contract.ExchangeMeeting
	invited bool
	// closed is set when sign-in closes: nothing more is admitted.
	closed   bool
	signIns  []*mark
	excuses  []*mark
	actions  []contract.AttendanceAction
	minutes  []string
	report   *reporter
	finished bool
	// beside runs the emails and writes beside the calendar.
	beside *beside
	// invitation is how the current exchange's invitation went: empty
	// while it is on its way, then an activities.Invitation* outcome.
	invitation string
	// lateAttendance is set for runs since changeLateAttendance: the
	// secretary may record the attendance of an exchange nobody could sign
	// in at, and the series waits for it before it ends.
	lateAttendance bool
	// gaps is set for runs since changeExchangeGaps.
	gaps bool
	// storing marks the exchanges whose attendance rows this run is still
	// writing; recording marks those whose late attendance is being
	// stored.
	storing   map[int]bool
	recording map[int]bool
	// uninvited marks the exchanges whose rows were stored with the
	// invitation undelivered while it was still on its way (changeExchangeGaps).
	uninvited map[int]bool
	// rosters brings the term's amended rosters (see setupRoster).
	rosters workflow.ReceiveChannel
	// movable is set for runs since changeExchangeCalendar; calendars
	// brings the amended calendars. recalendar wakes the exchange's waits,
	// cancelCurrent drops it, resend sends its updated invite (it moved
	// from movedFrom).
	movable       bool
	calendars     workflow.ReceiveChannel
	recalendar    bool
	cancelCurrent bool
	resend        bool
	movedFrom     time.Time
}

func newExchanges(in contract.ExchangesInput) (*exchanges, error) {
	d := in.Department
	if d.ID == "" || len(d.Officers) == 0 {
		return nil, contract.BadInput(fmt.Sprintf("department %q is unknown or has no officers to meet", d.ID), nil)
	}
	w := &exchanges{
		in:        in,
		index:     map[string]int{},
		phase:     contract.PhaseWaiting,
		signIns:   make([]*mark, len(d.Officers)),
		excuses:   make([]*mark, len(d.Officers)),
		report:    &reporter{termKey: in.ReportTo, part: contract.ExchangesPart(d.ID), seq: in.ReportSeq},
		storing:   map[int]bool{},
		recording: map[int]bool{},
		uninvited: map[int]bool{},
	}
	// Counts follow the department's officers; those carried over are
	// matched by email, so a hand-made input may leave them out.
	carried := map[string]contract.OfficerAttendance{}
	for _, c := range in.Attendance {
		carried[c.Email] = c
	}
	for i, o := range d.Officers {
		w.index[o.Email] = i
		c := carried[o.Email]
		c.Email, c.Name = o.Email, o.Name
		w.counts = append(w.counts, c)
	}
	return w, nil
}

func (w *exchanges) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandlerWithOptions(ctx, contract.QueryProgress,
		func() (contract.ExchangesProgress, error) { return w.progress(), nil },
		workflow.QueryHandlerOptions{Description: "Exchanges held, the next one with who signed in or is excused, and every officer's attendance so far"},
	); err != nil {
		return err
	}
	if err := workflow.SetQueryHandlerWithOptions(ctx, contract.QueryTask, w.task,
		workflow.QueryHandlerOptions{Description: "The exchange being held as one officer sees it: when, sign-in window, signed in or excused (argument: email)"},
	); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateSignIn, w.signIn, workflow.UpdateHandlerOptions{
		Validator:   w.validateSignIn,
		Description: "An officer signs in at the exchange while its sign-in window is open",
	}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateExcuse, w.excuse, workflow.UpdateHandlerOptions{
		Validator:   w.validateExcuse,
		Description: "An officer announces, with a reason, that they will miss the next exchange",
	}); err != nil {
		return err
	}
	w.setupRoster(ctx)
	w.setupCalendar(ctx)
	return w.setupLateAttendance(ctx)
}

func (w *exchanges) run(ctx workflow.Context) (contract.ExchangesProgress, error) {
	w.beside = newBeside(ctx, w.in.Clock)
	w.report.beside = w.beside
	if w.beside.blocking {
		return w.runRecorded(ctx)
	}
	// Decided once per run, before its first command, as newBeside is.
	w.lateAttendance = workflow.GetVersion(ctx, changeLateAttendance, workflow.DefaultVersion, 1) == 1
	w.gaps = w.lateAttendance && workflow.GetVersion(ctx, changeExchangeGaps, workflow.DefaultVersion, 1) == 1
	w.movable = w.gaps && workflow.GetVersion(ctx, changeExchangeCalendar, workflow.DefaultVersion, 1) == 1
	w.beside.problems = append([]string(nil), w.in.Problems...)
	if w.in.Next < len(w.in.Meetings) && w.in.ReportSeq == 0 {
		w.begin(w.in.Meetings[w.in.Next])
		w.setPhase(ctx, contract.PhaseWaiting)
		w.sendReport(ctx)
	}
	// Every exchange of the calendar is held, in this run or the next:
	// none is left out because an email or a write was slow, or because
	// the series reached it late.
	for w.in.Next < len(w.in.Meetings) {
		m := w.in.Meetings[w.in.Next]
		w.begin(m)
		w.setPhase(ctx, contract.PhaseWaiting)
		cancelled, err := w.hold(ctx, m)
		if err != nil {
			return contract.ExchangesProgress{}, err
		}
		if !cancelled {
			w.in.Next++
		}
		if w.in.Next >= len(w.in.Meetings) {
			break
		}
		// The exchange stays current until the run ends, so that updates
		// that arrive now are told its sign-in has closed.
		w.setPhase(ctx, contract.PhaseWaiting)
		w.sendReport(ctx)
		// Continue as new once nothing is in flight; if the next
		// invitation is due first, hold the next exchange in this run.
		next := w.in.Meetings[w.in.Next]
		if w.gaps {
			ok, err := w.readyToContinue(ctx, next)
			if err != nil {
				return contract.ExchangesProgress{}, err
			}
			if ok {
				return contract.ExchangesProgress{}, workflow.NewContinueAsNewError(ctx, Exchanges, w.continued(ctx))
			}
			continue
		}
		if d := w.in.Clock.Real(next.InviteAt).Sub(workflow.Now(ctx)); d > 0 && !w.beside.idle() {
			if _, err := workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{
				Timeout:      d,
				TimerOptions: workflow.TimerOptions{Summary: fmt.Sprintf("invitation: exchange %d of the %s", next.Number, w.in.Department.Name)},
			}, w.beside.idle); err != nil {
				return contract.ExchangesProgress{}, err
			}
		}
		if w.beside.idle() {
			// A late recording that ends now reports beside the calendar:
			// that report must not be left behind either.
			if err := workflow.Await(ctx, func() bool {
				return workflow.AllHandlersFinished(ctx) && (!w.lateAttendance || w.beside.idle())
			}); err != nil {
				return contract.ExchangesProgress{}, err
			}
			return contract.ExchangesProgress{}, workflow.NewContinueAsNewError(ctx, Exchanges, w.continued(ctx))
		}
	}
	if w.lateAttendance {
		if err := w.awaitLateAttendance(ctx); err != nil {
			return contract.ExchangesProgress{}, err
		}
	}
	return w.finish(ctx)
}

// readyToContinue waits, until next's invitation is due at the latest,
// for nothing to be in flight and every accepted update to be handled. It
// says whether the run may continue as new; if not, it holds next itself,
// so no write or update ever holds up the calendar.
func (w *exchanges) readyToContinue(ctx workflow.Context, next contract.ExchangeMeeting) (bool, error) {
	ready := func() bool { return w.beside.idle() && workflow.AllHandlersFinished(ctx) }
	if d := w.in.Clock.Real(next.InviteAt).Sub(workflow.Now(ctx)); d > 0 && !ready() {
		if _, err := workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{
			Timeout:      d,
			TimerOptions: workflow.TimerOptions{Summary: fmt.Sprintf("invitation: exchange %d of the %s", next.Number, w.in.Department.Name)},
		}, ready); err != nil {
			return false, err
		}
	}
	return ready(), nil
}

// continued is the next run's input.
func (w *exchanges) continued(ctx workflow.Context) contract.ExchangesInput {
	w.drainRosters()
	w.drainCalendars(ctx)
	cont := w.in
	cont.Attendance = append([]contract.OfficerAttendance(nil), w.counts...)
	cont.ReportSeq = w.report.seq
	cont.Problems = w.beside.problems
	return cont
}

// begin makes m the exchange being held, with nobody signed in and only
// those excused who did so while the exchange before it was held.
func (w *exchanges) begin(m contract.ExchangeMeeting) {
	if w.cur != nil && w.cur.Number == m.Number {
		return
	}
	if r := w.in.PendingRoster; r != nil {
		w.applyRoster(*r)
	}
	w.cur = &m
	w.invited, w.closed, w.invitation = false, false, ""
	w.signIns = make([]*mark, len(w.in.Department.Officers))
	w.excuses = make([]*mark, len(w.in.Department.Officers))
	w.actions = nil
	var later []contract.EarlyExcuse
	for _, e := range w.in.EarlyExcuses {
		i, ok := w.index[e.Email]
		switch {
		case e.Meeting > m.Number:
			later = append(later, e)
		case e.Meeting == m.Number && ok:
			w.excuses[i] = &mark{at: e.At, updateID: e.UpdateID, reason: e.Reason}
			w.actions = append(w.actions, contract.AttendanceAction{
				Key: "update/" + e.UpdateID, Email: e.Email, Action: contract.ActionExcuse, Reason: e.Reason, At: e.At,
			})
		}
	}
	w.in.EarlyExcuses = later
}

// hold runs one exchange on the plan's clock: the invitation goes out
// beside it, sign-in opens and closes on time, and the attendance, the
// meeting's row and the minutes' request follow, whatever the emails did.
func (w *exchanges) hold(ctx workflow.Context, m contract.ExchangeMeeting) (cancelled bool, err error) {
	dept := w.in.Department.Name
	if w.movable {
		if w.waitMovable(ctx, func() time.Time { return w.cur.InviteAt },
			func() string { return fmt.Sprintf("invitation: exchange %d of the %s", w.cur.Number, dept) }) {
			w.skipCancelled(ctx, *w.cur)
			return true, nil
		}
		m = *w.cur
	} else {
		w.sleepUntil(ctx, m.InviteAt, fmt.Sprintf("invitation: exchange %d of the %s", m.Number, dept))
	}
	w.inviteBeside(ctx, m)
	w.invited = true
	w.setPhase(ctx, contract.PhaseInvited)
	w.sendReport(ctx)

	if w.movable {
		if w.waitMovable(ctx, func() time.Time { return w.cur.SignInOpens },
			func() string { return fmt.Sprintf("sign-in opens: exchange %d of the %s", w.cur.Number, dept) }) {
			w.skipCancelled(ctx, *w.cur)
			return true, nil
		}
		m = *w.cur
	} else {
		w.sleepUntil(ctx, m.SignInOpens, fmt.Sprintf("sign-in opens: exchange %d of the %s", m.Number, dept))
	}
	// A series that reaches the window only after it closed (the worker
	// was away, or the term started late) could take no sign-in. As with
	// late emails, a compressed rehearsal's ordinary latency (an hour of
	// sign-in lasts 42 ms at a plan day a second) does not count.
	missed := !w.planNow(ctx).Before(m.SignInCloses) &&
		workflow.Now(ctx).Sub(w.in.Clock.Real(m.SignInCloses)) > lateAfterReal
	w.setPhase(ctx, contract.PhaseSignIn)
	w.sleepUntil(ctx, m.SignInCloses, fmt.Sprintf("sign-in closes: exchange %d of the %s", m.Number, dept))
	w.closed = true
	// Sign-ins and excuses are taken at once and refused from now on, so
	// nothing needs waiting for; a late recording may be waiting on its
	// write, and must not hold up this exchange (changeExchangeGaps).
	if !w.gaps {
		if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
			return false, err
		}
	}
	if missed {
		w.in.RecordedLate++
		w.beside.problems = append(w.beside.problems, unrecordedProblem(m.Number))
	}
	note := w.recordAttendanceBeside(ctx, m, missed)
	minutes := w.minutesRequest(ctx, m, missed)
	if missed && w.lateAttendance {
		// The secretary may record it for as long as the minutes are
		// taken, from the minutes' link.
		e := contract.LateAttendance{
			Meeting: m.Number, Until: slotCloses(minutes.TimeZone, minutes.LateDays, minutes.Slots[0].Due), Note: note,
		}
		if w.gaps {
			e.Excused = w.excusedInTime()
		}
		w.in.LateAttendance = append(w.in.LateAttendance, e)
	}
	return false, w.startMinutes(ctx, m, minutes)
}

// excusedInTime are the officers excused from the current exchange who did
// not sign in.
func (w *exchanges) excusedInTime() []contract.ExcusedOfficer {
	var out []contract.ExcusedOfficer
	for i, o := range w.in.Department.Officers {
		if w.excuses[i] != nil && w.signIns[i] == nil {
			out = append(out, contract.ExcusedOfficer{Email: o.Email, Reason: w.excuses[i].reason})
		}
	}
	return out
}

// unrecordedProblem is the part's problem for exchange n, nobody could sign
// in at, until the secretary records its attendance.
func unrecordedProblem(n int) string {
	return fmt.Sprintf("exchange %d: nobody could sign in, as the service was not running over its sign-in window; attendance unrecorded", n)
}

// inviteBeside sends the exchange's invitation without holding up its
// calendar, for as long as it is of use: until the exchange starts or,
// since changeExchangeGaps, until its sign-in closes. One that goes out
// late, or not at all, is recorded and the head is told; one that goes out
// after the attendance was stored as uninvited corrects the meeting's row.
func (w *exchanges) inviteBeside(ctx workflow.Context, m contract.ExchangeMeeting) {
	until, tooLate := m.Start, fmt.Sprintf("exchange %d had started before its invitation could go out", m.Number)
	if w.gaps {
		until, tooLate = m.SignInCloses, fmt.Sprintf("exchange %d's sign-in had closed before its invitation could go out", m.Number)
	}
	if !w.planNow(ctx).Before(until) {
		w.invitation = contract.InvitationNone
		w.beside.problems = append(w.beside.problems, tooLate)
		return
	}
	w.beside.send(ctx, email{
		what: fmt.Sprintf("the invitation to exchange %d", m.Number),
		due:  m.InviteAt, until: until,
		activity: a.NotifyExchange, input: w.invitationInput(m),
		done: func(ctx workflow.Context, late time.Duration, err error) {
			outcome := contract.InvitationSent
			problem := ""
			switch {
			case err != nil:
				outcome, problem = contract.InvitationUndelivered, "the invitation could not be delivered"
			case late > 0:
				outcome, problem = contract.InvitationLate, fmt.Sprintf("the invitation went out %s late", humanDuration(late))
			}
			if w.cur != nil && w.cur.Number == m.Number {
				w.invitation = outcome
			}
			if err == nil && w.uninvited[m.Number] {
				delete(w.uninvited, m.Number)
				w.correctInvitation(ctx, m, late)
			}
			if problem != "" {
				w.tellHead(ctx, m, problem)
			}
		},
	})
}

// tellHead emails the department's head about a problem with an exchange.
func (w *exchanges) tellHead(ctx workflow.Context, m contract.ExchangeMeeting, problem string) {
	d := w.in.Department
	if r := w.in.PendingRoster; r != nil {
		d = r.Department // the new head hears at once
	}
	w.beside.send(ctx, email{
		what:     fmt.Sprintf("the notice to the head about exchange %d", m.Number),
		activity: a.NotifyPartProblem,
		input: contract.NotifyPartProblemInput{
			TermName:   w.in.TermName,
			Occurrence: fmt.Sprintf("exchange-%d-invitation", m.Number),
			Part:       fmt.Sprintf("exchange %d of the %s on %s", m.Number, d.Name, w.humanTime(m.Start)),
			Problem:    problem,
			Advice:     "Officers may not know about it in time: please remind them in the department's own group. Sign-in opens and closes as planned.",
			To:         []plan.Person{d.Head},
		},
	})
}

// noteNotInvited is the meeting's note when its invitation was still on its
// way as sign-in closed.
const noteNotInvited = "the invitation had not gone out when sign-in closed"

// recordAttendanceBeside stores the meeting's row with its outcome, every
// officer's attendance and the audit entries, beside the calendar; the
// running counts change at once. It returns the meeting's note.
func (w *exchanges) recordAttendanceBeside(ctx workflow.Context, m contract.ExchangeMeeting, missed bool) string {
	in := w.attendanceInput(m)
	invitation, note := w.invitation, ""
	if invitation == "" {
		invitation, note = contract.InvitationUndelivered, noteNotInvited
		if w.gaps {
			// Corrected if it goes out after all.
			w.uninvited[m.Number] = true
		}
	}
	if missed {
		for i, r := range in.Records {
			// Those who excused themselves in time stay excused.
			if w.gaps && r.Status != contract.AttendanceAbsent {
				continue
			}
			in.Records[i] = contract.AttendanceRecord{Email: r.Email, Status: contract.AttendanceUnrecorded}
		}
		note = strings.TrimPrefix(note+"; nobody could sign in: the service was not running over the sign-in window", "; ")
	}
	in.Outcome = &contract.MeetingOutcome{Span: m.Span, Where: w.whereOf(m), Invitation: invitation, RecordedLate: missed, Note: note}
	actx := withStoreOptions(ctx, fmt.Sprintf("attendance at exchange %d of the %s", m.Number, w.in.Department.Name))
	w.storing[m.Number] = true
	w.beside.start(ctx, workflow.ExecuteActivity(actx, a.RecordAttendance, in), func(ctx workflow.Context, f workflow.Future) {
		delete(w.storing, m.Number)
		if err := f.Get(ctx, nil); err != nil {
			w.beside.problems = append(w.beside.problems, fmt.Sprintf("the attendance of exchange %d could not be stored", m.Number))
			workflow.GetLogger(ctx).Error("attendance not stored", "exchange", m.Number, "error", err)
		}
	})
	w.count(in.Records)
	return note
}

// runRecorded is the series as it ran before changeCalendarNeverWaits,
// kept so that runs recorded then replay: it waits for each invitation and
// leaves out the exchanges that were over when the run started.
func (w *exchanges) runRecorded(ctx workflow.Context) (contract.ExchangesProgress, error) {
	dept := w.in.Department.Name
	// A series started late leaves out the exchanges whose sign-in has
	// already closed: nobody was invited, so nobody is marked absent.
	now := w.planNow(ctx)
	for w.in.Next < len(w.in.Meetings) && !now.Before(w.in.Meetings[w.in.Next].SignInCloses) {
		w.in.Next++
		w.in.Missed++
	}
	if w.in.Next >= len(w.in.Meetings) {
		return w.finish(ctx)
	}
	m := w.in.Meetings[w.in.Next]
	w.cur = &m
	w.setPhase(ctx, contract.PhaseWaiting)
	if w.in.ReportSeq == 0 {
		w.sendReport(ctx)
	}

	w.sleepUntil(ctx, m.InviteAt, fmt.Sprintf("invitation: exchange %d of the %s", m.Number, dept))
	if err := w.invite(ctx, m); err != nil {
		return contract.ExchangesProgress{}, err
	}
	w.invited = true
	w.setPhase(ctx, contract.PhaseInvited)
	w.sendReport(ctx)

	w.sleepUntil(ctx, m.SignInOpens, fmt.Sprintf("sign-in opens: exchange %d of the %s", m.Number, dept))
	w.setPhase(ctx, contract.PhaseSignIn)
	w.sleepUntil(ctx, m.SignInCloses, fmt.Sprintf("sign-in closes: exchange %d of the %s", m.Number, dept))
	w.closed = true
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return contract.ExchangesProgress{}, err
	}
	if err := w.recordAttendance(ctx, m); err != nil {
		return contract.ExchangesProgress{}, err
	}
	if err := w.startMinutes(ctx, m, w.minutesRequest(ctx, m, false)); err != nil {
		return contract.ExchangesProgress{}, err
	}

	if w.in.Next+1 >= len(w.in.Meetings) {
		w.in.Next++
		return w.finish(ctx)
	}
	// The exchange stays current until the run ends, so that updates that
	// arrive now are told its sign-in has closed.
	w.setPhase(ctx, contract.PhaseWaiting)
	w.sendReport(ctx)
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return contract.ExchangesProgress{}, err
	}
	next := w.in
	next.Next++
	next.Attendance = append([]contract.OfficerAttendance(nil), w.counts...)
	next.ReportSeq = w.report.seq
	return contract.ExchangesProgress{}, workflow.NewContinueAsNewError(ctx, Exchanges, next)
}

// finish ends the series: every exchange is held (or was over before it
// started).
func (w *exchanges) finish(ctx workflow.Context) (contract.ExchangesProgress, error) {
	w.cur = nil
	w.closed = true
	// The last report says how every email went.
	if err := w.beside.wait(ctx); err != nil {
		return contract.ExchangesProgress{}, err
	}
	w.finished = true
	w.setPhase(ctx, contract.PhaseDone)
	w.sendReport(ctx)
	if err := w.beside.wait(ctx); err != nil {
		return contract.ExchangesProgress{}, err
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return contract.ExchangesProgress{}, err
	}
	return w.progress(), nil
}

// sleepUntil waits until plan time t; a time already past returns at once.
func (w *exchanges) sleepUntil(ctx workflow.Context, t time.Time, summary string) {
	d := w.in.Clock.Real(t).Sub(workflow.Now(ctx))
	if d <= 0 {
		return
	}
	// A timer is only cancelled with the workflow, which ends the run anyway.
	_ = workflow.NewTimerWithOptions(ctx, d, workflow.TimerOptions{Summary: summary}).Get(ctx, nil)
}

// invite stores the exchange and sends its invitation, with a calendar
// invite, to the officers and the head in one batch, and waits for it (runs
// recorded before changeCalendarNeverWaits).
func (w *exchanges) invite(ctx workflow.Context, m contract.ExchangeMeeting) error {
	in := w.invitationInput(m)
	actx := withMailOptions(ctx, fmt.Sprintf("invitations to exchange %d of the %s (%d)", m.Number, w.in.Department.Name, len(in.Recipients)))
	if err := workflow.ExecuteActivity(actx, a.NotifyExchange, in).Get(ctx, nil); err != nil {
		return fmt.Errorf("invitations to exchange %d: %w", m.Number, err)
	}
	return nil
}

// invitationInput is the invitation to exchange m.
func (w *exchanges) invitationInput(m contract.ExchangeMeeting) contract.NotifyExchangeInput {
	d := w.in.Department
	return contract.NotifyExchangeInput{
		TermID:         w.in.TermID,
		TermName:       w.in.TermName,
		TimeZone:       w.in.TimeZone,
		DepartmentID:   d.ID,
		DepartmentName: d.Name,
		Where:          w.whereOf(m),
		Meeting:        m.Meeting,
		Total:          len(w.in.Meetings),
		Secretary:      w.in.Secretary,
		Recipients:     w.recipients(),
		Head:           w.headIfNotOfficer(),
		// The plan's invitation time, not the moment it is sent, so that a
		// retry produces the same calendar file.
		Stamp:             m.InviteAt,
		SignInLinkExpires: w.in.Clock.Real(m.SignInCloses),
		ExcuseLinkExpires: w.in.Clock.Real(m.Start),
	}
}

// recipients are the officers and the head, each once.
func (w *exchanges) recipients() []plan.Person {
	out := append([]plan.Person(nil), w.in.Department.Officers...)
	if h := w.headIfNotOfficer(); h != "" {
		out = append(out, w.in.Department.Head)
	}
	return out
}

// headIfNotOfficer is the head's email, or empty when the head is also
// listed among the officers.
func (w *exchanges) headIfNotOfficer() string {
	h := w.in.Department.Head.Email
	if _, isOfficer := w.index[h]; isOfficer {
		return ""
	}
	return h
}

// recordAttendance writes one row per officer (present, excused or absent)
// and an audit entry per sign-in and excuse, in one activity it waits for
// (runs recorded before changeCalendarNeverWaits), then adds them to the
// running counts.
func (w *exchanges) recordAttendance(ctx workflow.Context, m contract.ExchangeMeeting) error {
	in := w.attendanceInput(m)
	actx := withStoreOptions(ctx, fmt.Sprintf("attendance at exchange %d of the %s", m.Number, w.in.Department.Name))
	if err := workflow.ExecuteActivity(actx, a.RecordAttendance, in).Get(ctx, nil); err != nil {
		return fmt.Errorf("attendance at exchange %d: %w", m.Number, err)
	}
	w.count(in.Records)
	return nil
}

// attendanceInput is every officer's attendance at exchange m, as the
// sign-ins and excuses say, with their audit entries.
func (w *exchanges) attendanceInput(m contract.ExchangeMeeting) contract.RecordMeetingAttendanceInput {
	in := contract.RecordMeetingAttendanceInput{
		TermID:        w.in.TermID,
		DepartmentID:  w.in.Department.ID,
		MeetingNumber: m.Number,
		At:            m.SignInCloses,
		Actions:       w.actions,
	}
	for i, o := range w.in.Department.Officers {
		r := contract.AttendanceRecord{Email: o.Email, Status: contract.AttendanceAbsent}
		switch {
		case w.signIns[i] != nil:
			at := w.signIns[i].at
			r.Status, r.SignedInAt = contract.AttendancePresent, &at
		case w.excuses[i] != nil:
			r.Status, r.Reason = contract.AttendanceExcused, w.excuses[i].reason
		}
		in.Records = append(in.Records, r)
	}
	return in
}

// count adds an exchange's attendance to the running counts.
func (w *exchanges) count(records []contract.AttendanceRecord) {
	for i, r := range records {
		switch r.Status {
		case contract.AttendancePresent:
			w.counts[i].Present++
		case contract.AttendanceExcused:
			w.counts[i].Excused++
		case contract.AttendanceUnrecorded:
			w.counts[i].Unrecorded++
		default:
			w.counts[i].Absent++
		}
	}
	w.in.Held++
}

// startMinutes asks the secretary for the exchange's minutes (in, from
// minutesRequest). The collection runs on its own (abandoned, as this
// series continues as new) and reports to the term itself; the series does
// not wait for it, so a late secretary never holds up the next exchange.
func (w *exchanges) startMinutes(ctx workflow.Context, m contract.ExchangeMeeting, in contract.CollectionInput) error {
	d := w.in.Department
	id := contract.MinutesWorkflowID(w.in.TermID, d.ID, m.Number)
	day := w.in.TimeZone.Human(m.Start)
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:        id,
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
		StaticSummary:     fmt.Sprintf("Minutes: exchange %d of the %s", m.Number, d.Name),
		StaticDetails: fmt.Sprintf("%s takes the minutes of the exchange on %s; due %s.",
			w.in.Secretary.Name, day, w.in.TimeZone.Human(m.MinutesDue)),
		TypedSearchAttributes: temporal.NewSearchAttributes(
			contract.SearchTerm.ValueSet(w.in.TermID),
			contract.SearchDepartment.ValueSet(d.ID),
		),
	})
	f := workflow.ExecuteChildWorkflow(cctx, Collection, in)
	err := f.GetChildWorkflowExecution().Get(ctx, nil)
	var started *temporal.ChildWorkflowExecutionAlreadyStartedError
	if err != nil && !errors.As(err, &started) {
		return fmt.Errorf("ask for the minutes of exchange %d: %w", m.Number, err)
	}
	w.minutes = append(w.minutes, id)
	return nil
}

// minutesRequest is the collection of exchange m's minutes. An exchange
// nobody could sign in at gets its minutes due as long after now as they
// normally are after the exchange, and the secretary is asked to record
// who came.
func (w *exchanges) minutesRequest(ctx workflow.Context, m contract.ExchangeMeeting, missed bool) contract.CollectionInput {
	in := w.minutesInput(m)
	if !missed {
		return in
	}
	if late := w.planNow(ctx).Sub(m.End); late > 0 {
		in.Slots[0].Due = in.Slots[0].Due.Add(late)
		in.Opens = w.planNow(ctx)
	}
	in.Instructions = "Nobody could sign in at this exchange: the service was not running over its sign-in window, so its attendance is unrecorded. " +
		"Write down who came, who was excused and who was absent, then what each officer reported, what was decided and who does what by when."
	if w.lateAttendance {
		in.Instructions = "Nobody could sign in at this exchange: the service was not running over its sign-in window, so its attendance is unrecorded. " +
			"Record who came, who was excused and who was absent on the attendance sheet the link opens, above the minutes' form, until the minutes close: it counts in each officer's evaluation. " +
			"Then write what each officer reported, what was decided and who does what by when."
	}
	return in
}

// minutesInput is the Collection that asks for one exchange's minutes.
func (w *exchanges) minutesInput(m contract.ExchangeMeeting) contract.CollectionInput {
	d := w.in.Department
	// Who takes the minutes, and hears when they are missing, changes at
	// once with a new roster; the attendance waits for the next exchange.
	secretary, escalate := w.in.Secretary, w.in.MinutesEscalateTo
	if r := w.in.PendingRoster; r != nil {
		secretary, escalate = r.Secretary, r.MinutesEscalateTo
	}
	return contract.CollectionInput{
		TermID:   w.in.TermID,
		TermName: w.in.TermName,
		TimeZone: w.in.TimeZone,
		Kind:     "minutes",
		Scope:    fmt.Sprintf("%s/exchange-%d", d.ID, m.Number),
		Title:    fmt.Sprintf("the minutes of exchange %d of the %s (%s)", m.Number, d.Name, w.in.TimeZone.Human(m.Start)),
		Instructions: "Write down who came, what each officer reported, what was decided and who does what by when. " +
			"The attendance is recorded already; note anything it does not show.",
		Opens: m.End,
		Slots: []contract.Slot{{
			Key: d.ID, Label: d.Name, Due: m.MinutesDue,
			Owners: []plan.Person{secretary}, EscalateTo: escalate,
			Department: d.ID,
		}},
		RemindDaysBefore: []int{0},
		SendTime:         w.in.SendTime,
		LateDays:         2,
		TextRequired:     true,
		Clock:            w.in.Clock,
		ReportTo:         w.in.ReportTo,
		Part:             fmt.Sprintf("exchanges/%s/minutes-%d", d.ID, m.Number),
	}
}

func (w *exchanges) validateSignIn(ctx workflow.Context, in contract.SignInInput) error {
	_, err := w.checkSignIn(ctx, in)
	return contract.AsRefusal(err)
}

// checkSignIn finds the officer signing in and says, in words they
// understand, why the sign-in cannot be taken.
func (w *exchanges) checkSignIn(ctx workflow.Context, in contract.SignInInput) (int, error) {
	i, err := w.officer(in.Email, "sign in")
	if err != nil {
		return 0, err
	}
	m := w.cur
	name := w.in.Department.Officers[i].Name
	now := w.planNow(ctx)
	switch {
	case m == nil:
		return 0, fmt.Errorf("the %s has no more exchanges this term", w.in.Department.Name)
	case in.Meeting != 0 && in.Meeting != m.Number:
		return 0, fmt.Errorf("exchange %d of the %s is over; exchange %d is the one being held", in.Meeting, w.in.Department.Name, m.Number)
	case w.signIns[i] != nil:
		return 0, fmt.Errorf("%s already signed in at exchange %d of the %s, at %s", name, m.Number, w.in.Department.Name, w.humanTime(w.signIns[i].at))
	case now.Before(m.SignInOpens):
		return 0, fmt.Errorf("sign-in for exchange %d of the %s is not open yet: it opens at %s and closes at %s",
			m.Number, w.in.Department.Name, w.humanTime(m.SignInOpens), w.humanTime(m.SignInCloses))
	case w.closed || !now.Before(m.SignInCloses):
		return 0, fmt.Errorf("sign-in for exchange %d of the %s closed at %s; it was open from %s",
			m.Number, w.in.Department.Name, w.humanTime(m.SignInCloses), w.humanTime(m.SignInOpens))
	}
	return i, nil
}

func (w *exchanges) signIn(ctx workflow.Context, in contract.SignInInput) (contract.SignInResult, error) {
	i, err := w.checkSignIn(ctx, in)
	if err != nil {
		return contract.SignInResult{}, contract.AsRefusal(err)
	}
	at := w.planNow(ctx)
	w.signIns[i] = &mark{at: at, updateID: workflow.GetCurrentUpdateInfo(ctx).ID}
	o := w.in.Department.Officers[i]
	w.actions = append(w.actions, contract.AttendanceAction{
		Key: "update/" + w.signIns[i].updateID, Email: o.Email, Action: contract.ActionSignIn, At: at,
	})
	return contract.SignInResult{Meeting: w.cur.Number, Department: w.in.Department.Name, At: at, WasExcused: w.excuses[i] != nil}, nil
}

func (w *exchanges) validateExcuse(ctx workflow.Context, in contract.ExcuseInput) error {
	_, _, err := w.checkExcuse(ctx, in)
	return contract.AsRefusal(err)
}

// checkExcuse finds the officer excusing themselves and says why the excuse
// cannot be taken. Once the current exchange's sign-in has closed, the
// excuse is for the next one, which it returns (changeExchangeGaps).
func (w *exchanges) checkExcuse(ctx workflow.Context, in contract.ExcuseInput) (int, *contract.ExchangeMeeting, error) {
	i, err := w.officer(in.Email, "excuse yourself")
	if err != nil {
		return 0, nil, err
	}
	m := w.cur
	if next := w.nextMeeting(); w.gaps && w.closed && m != nil && next != nil && in.Meeting != m.Number {
		return i, next, w.checkEarlyExcuse(ctx, i, *next, in)
	}
	i, err = w.checkCurrentExcuse(ctx, i, in)
	return i, nil, err
}

// checkCurrentExcuse says why an excuse from the current exchange cannot be
// taken.
func (w *exchanges) checkCurrentExcuse(ctx workflow.Context, i int, in contract.ExcuseInput) (int, error) {
	m := w.cur
	name := w.in.Department.Officers[i].Name
	now := w.planNow(ctx)
	reason := strings.TrimSpace(in.Reason)
	switch {
	case m == nil:
		return 0, fmt.Errorf("the %s has no more exchanges this term", w.in.Department.Name)
	case in.Meeting != 0 && in.Meeting != m.Number:
		return 0, fmt.Errorf("exchange %d of the %s is over; exchange %d is the next one", in.Meeting, w.in.Department.Name, m.Number)
	case w.signIns[i] != nil:
		return 0, fmt.Errorf("%s signed in at exchange %d of the %s at %s; there is no absence to excuse",
			name, m.Number, w.in.Department.Name, w.humanTime(w.signIns[i].at))
	case w.closed || !now.Before(m.Start):
		msg := fmt.Sprintf("exchange %d of the %s started at %s; an absence is excused before the exchange starts",
			m.Number, w.in.Department.Name, w.humanTime(m.Start))
		switch {
		case w.gaps && m.Number < len(w.in.Meetings):
			// Exchanges are numbered from 1 in calendar order.
			n := w.in.Meetings[m.Number]
			if w.closed {
				msg += fmt.Sprintf(". Absences from exchange %d on %s are taken now", n.Number, w.humanTime(n.Start))
			} else {
				msg += fmt.Sprintf(". To miss exchange %d on %s, try again after %s", n.Number, w.humanTime(n.Start), w.humanTime(m.SignInCloses))
			}
		case !w.gaps && w.in.Next+1 < len(w.in.Meetings):
			n := w.in.Meetings[w.in.Next+1]
			msg += fmt.Sprintf(". To miss exchange %d on %s, try again after %s", n.Number, w.humanTime(n.Start), w.humanTime(m.SignInCloses))
		}
		return 0, errors.New(msg)
	case w.excuses[i] != nil:
		return 0, fmt.Errorf("%s is already excused from exchange %d of the %s (since %s: %q)",
			name, m.Number, w.in.Department.Name, w.humanTime(w.excuses[i].at), w.excuses[i].reason)
	case reason == "":
		return 0, fmt.Errorf("give a reason for missing exchange %d of the %s on %s", m.Number, w.in.Department.Name, w.humanTime(m.Start))
	case utf8.RuneCountInString(reason) > maxReasonLength:
		return 0, fmt.Errorf("the reason has %d characters; keep it to %d", utf8.RuneCountInString(reason), maxReasonLength)
	}
	return i, nil
}

func (w *exchanges) excuse(ctx workflow.Context, in contract.ExcuseInput) (contract.ExcuseResult, error) {
	i, next, err := w.checkExcuse(ctx, in)
	if err != nil {
		return contract.ExcuseResult{}, contract.AsRefusal(err)
	}
	at := w.planNow(ctx)
	reason := strings.TrimSpace(in.Reason)
	if next != nil {
		w.in.EarlyExcuses = append(w.in.EarlyExcuses, contract.EarlyExcuse{
			Meeting: next.Number, Email: w.in.Department.Officers[i].Email, Reason: reason, At: at,
			UpdateID: workflow.GetCurrentUpdateInfo(ctx).ID,
		})
		return contract.ExcuseResult{Meeting: next.Number, Department: w.in.Department.Name, Start: next.Start}, nil
	}
	w.excuses[i] = &mark{at: at, updateID: workflow.GetCurrentUpdateInfo(ctx).ID, reason: reason}
	o := w.in.Department.Officers[i]
	w.actions = append(w.actions, contract.AttendanceAction{
		Key: "update/" + w.excuses[i].updateID, Email: o.Email, Action: contract.ActionExcuse, Reason: reason, At: at,
	})
	return contract.ExcuseResult{Meeting: w.cur.Number, Department: w.in.Department.Name, Start: w.cur.Start}, nil
}

// task answers QueryTask for one person.
func (w *exchanges) task(email string) (contract.MeetingTask, error) {
	t := contract.MeetingTask{TermName: w.in.TermName, TimeZone: w.in.TimeZone, Department: w.in.Department.Name, SignInClosed: w.closed}
	if w.cur != nil {
		m := *w.cur
		t.Meeting = &m
	}
	i, ok := w.index[plan.NormalizeEmail(email)]
	if !ok {
		return t, nil
	}
	t.Officer, t.Name = true, w.in.Department.Officers[i].Name
	if m := w.signIns[i]; m != nil {
		t.SignedInAt = m.at
	}
	if m := w.excuses[i]; m != nil {
		t.ExcusedAt, t.ExcuseReason = m.at, m.reason
	}
	return t, nil
}

// officer finds an officer of the department by email, or says who the
// sender is not.
func (w *exchanges) officer(email, what string) (int, error) {
	e := plan.NormalizeEmail(email)
	if e == "" {
		return 0, fmt.Errorf("say who you are: the email address is empty")
	}
	if i, ok := w.index[e]; ok {
		return i, nil
	}
	if e == w.in.Department.Head.Email {
		return 0, fmt.Errorf("%s heads the %s; attendance is taken for its officers only", w.in.Department.Head.Name, w.in.Department.Name)
	}
	return 0, fmt.Errorf("%q is not an officer of the %s; %s at your own department's exchange", email, w.in.Department.Name, what)
}

// sendReport tells the term how many exchanges are held and when the next
// one is.
func (w *exchanges) sendReport(ctx workflow.Context) {
	rep := contract.PartReport{Phase: w.phase, Done: w.finished}
	total := len(w.in.Meetings)
	rep.Summary = fmt.Sprintf("%s: %d of %d exchanges held", w.in.Department.Name, w.in.Held, total)
	if w.in.Missed > 0 {
		rep.Summary += fmt.Sprintf(" (%d over before the series started)", w.in.Missed)
	}
	if w.in.RecordedLate > 0 {
		rep.Summary += fmt.Sprintf("; %d recorded late", w.in.RecordedLate) + w.lateAttendanceSummary(ctx)
	}
	rep.Problems = w.problems()
	if next := w.nextMeeting(); next != nil {
		rep.Next = &contract.Deadline{What: fmt.Sprintf("exchange %d of the %s", next.Number, w.in.Department.Name), Due: next.Start}
	} else if e := w.nextLateAttendance(ctx); e != nil {
		rep.Next = &contract.Deadline{What: fmt.Sprintf("the attendance of exchange %d of the %s, from %s", e.Meeting, w.in.Department.Name, w.in.Secretary.Name), Due: e.Until}
	}
	w.report.send(ctx, rep)
}

func (w *exchanges) setPhase(ctx workflow.Context, phase string) {
	w.phase = phase
	if err := workflow.UpsertTypedSearchAttributes(ctx, contract.SearchPhase.ValueSet(phase)); err != nil {
		workflow.GetLogger(ctx).Warn("phase search attribute not updated", "error", err)
	}
	w.showDetails(ctx)
}

// showDetails keeps the phase and every officer's counts in the Web UI's
// current details.
func (w *exchanges) showDetails(ctx workflow.Context) {
	var b strings.Builder
	b.WriteString(fmt.Sprintf("**%s** exchanges: %s, %d of %d held", w.in.Department.Name, w.phase, w.in.Held, len(w.in.Meetings)))
	if next := w.nextMeeting(); next != nil {
		b.WriteString(fmt.Sprintf("; next: exchange %d on %s", next.Number, w.humanTime(next.Start)))
	}
	b.WriteString("\n\n| officer | present | excused | absent |\n|---|---|---|---|\n")
	for _, c := range w.counts {
		b.WriteString(fmt.Sprintf("| %s | %d | %d | %d |\n", c.Name, c.Present, c.Excused, c.Absent))
	}
	workflow.SetCurrentDetails(ctx, b.String())
}

// nextMeeting is the exchange still to come: the current one until its
// sign-in closes, then the following one; nil when none is left.
func (w *exchanges) nextMeeting() *contract.ExchangeMeeting {
	k := w.in.Next
	if w.closed && w.cur != nil {
		// The one after the exchange held: exchanges are numbered from 1
		// in calendar order, and a run may already have moved Next past it.
		k = w.cur.Number
	}
	if k >= len(w.in.Meetings) {
		return nil
	}
	return &w.in.Meetings[k]
}

func (w *exchanges) planNow(ctx workflow.Context) time.Time {
	return w.in.Clock.Plan(workflow.Now(ctx))
}

func (w *exchanges) humanTime(t time.Time) string {
	return w.in.TimeZone.Human(t)
}

func (w *exchanges) progress() contract.ExchangesProgress {
	p := contract.ExchangesProgress{
		DepartmentID:       w.in.Department.ID,
		Phase:              w.phase,
		Total:              len(w.in.Meetings),
		Held:               w.in.Held,
		Missed:             w.in.Missed,
		RecordedLate:       w.in.RecordedLate,
		Problems:           w.problems(),
		Officers:           append([]contract.OfficerAttendance(nil), w.counts...),
		Former:             append([]contract.OfficerAttendance(nil), w.in.Former...),
		MinutesWorkflowIDs: append([]string(nil), w.minutes...),
		LateAttendance:     append([]contract.LateAttendance(nil), w.in.LateAttendance...),
	}
	if m := w.cur; m != nil {
		n := &contract.MeetingAttendance{Meeting: m.Meeting, Invited: w.invited}
		for i, o := range w.in.Department.Officers {
			if w.signIns[i] != nil {
				n.SignedIn = append(n.SignedIn, o.Email)
			} else if w.excuses[i] != nil {
				n.Excused = append(n.Excused, o.Email)
			}
		}
		p.Next = n
	}
	return p
}

// cancelMinutes stops the minutes collections that may still be open when
// the series is cancelled: they were started abandoned, so that the series
// could continue as new, and would otherwise keep reminding the secretary.
func (w *exchanges) cancelMinutes(ctx workflow.Context) {
	dctx, cancel := workflow.NewDisconnectedContext(ctx)
	defer cancel()
	for _, i := range []int{w.in.Next - 1, w.in.Next} {
		if i < 0 || i >= len(w.in.Meetings) {
			continue
		}
		id := contract.MinutesWorkflowID(w.in.TermID, w.in.Department.ID, w.in.Meetings[i].Number)
		// A collection that has ended, or never started, cannot be cancelled.
		_ = workflow.RequestCancelExternalWorkflow(dctx, id, "").Get(dctx, nil)
	}
}

// problems are what the series could not do on time so far.
func (w *exchanges) problems() []string {
	if w.beside == nil {
		return w.in.Problems
	}
	return append([]string(nil), w.beside.problems...)
}

// whereOf is where an exchange takes place: its own place when it moved to
// another, the series' otherwise.
func (w *exchanges) whereOf(m contract.ExchangeMeeting) string {
	if m.Where != "" {
		return m.Where
	}
	return w.in.Where
}
