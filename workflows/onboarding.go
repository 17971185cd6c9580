package workflows

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"semesterflow/activities"
	"semesterflow/contract"
	"semesterflow/plan"
)

// progressReportDelay coalesces a burst of acknowledgements into one report
// to SemesterPlan, which keeps the parent's history small on big terms.
const progressReportDelay = 2 * time.Second

// maxNoteLength bounds the free text an officer may attach, in characters.
const maxNoteLength = 2000

// a is only used to name activity methods; the worker registers a real one.
var a *activities.Activities

// Onboarding runs one department's training onboarding: it assigns the
// training to every officer, takes their acknowledgements as updates,
// reminds those who have not acknowledged, escalates to the department head
// after the deadline, and records who never acknowledged when the late
// window closes.
func Onboarding(ctx workflow.Context, in contract.OnboardingInput) (contract.OnboardingProgress, error) {
	w, err := newOnboarding(ctx, in)
	if err != nil {
		return contract.OnboardingProgress{}, err
	}
	if err := w.setup(ctx); err != nil {
		return contract.OnboardingProgress{}, err
	}
	result, err := w.run(ctx)
	if err != nil {
		// Tell the term this department will not close, so it does not wait
		// for it; the report goes out even when the run was cancelled.
		w.phase = contract.PhaseFailed
		if temporal.IsCanceledError(err) {
			w.phase = contract.PhaseCancelled
		}
		dctx, cancel := workflow.NewDisconnectedContext(ctx)
		defer cancel()
		if rerr := w.sendReport(dctx); rerr != nil {
			workflow.GetLogger(ctx).Warn("failure report not delivered", "error", rerr)
		}
		return contract.OnboardingProgress{}, err
	}
	return result, nil
}

type onboarding struct {
	in       contract.OnboardingInput
	officers []contract.OfficerOnboarding
	index    map[string]int // email -> position in officers
	people   []plan.Person
	phase    string
	assigned bool
	// closing is set when the late window has closed: no acknowledgement is
	// admitted after it.
	closing bool
	closed  bool
	// saving counts acknowledgements admitted but not yet persisted; the
	// department is not done while one may still fail.
	saving int
	// changed is set when the parent has not yet heard the latest counts.
	changed bool
	// reportSeq numbers reports so the parent can drop one that arrives
	// after a newer one.
	reportSeq int
	// beside sends the emails beside the calendar.
	beside *beside
}

func newOnboarding(ctx workflow.Context, in contract.OnboardingInput) (*onboarding, error) {
	if len(in.Department.Officers) == 0 {
		return nil, contract.BadInput(fmt.Sprintf("department %q has no officers to onboard", in.Department.ID), nil)
	}
	w := &onboarding{in: in, index: map[string]int{}, phase: contract.PhaseWaiting}
	for i, p := range in.Department.Officers {
		w.officers = append(w.officers, contract.OfficerOnboarding{Email: p.Email, Name: p.Name, Outcome: contract.OutcomePending})
		w.people = append(w.people, p)
		w.index[p.Email] = i
	}
	return w, nil
}

func (w *onboarding) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandlerWithOptions(ctx, contract.QueryProgress,
		func() (contract.OnboardingProgress, error) { return w.progress(), nil },
		workflow.QueryHandlerOptions{Description: "Onboarding counts and every officer's outcome in this department"},
	); err != nil {
		return err
	}
	onPeople(ctx, w.takePeople)
	// Officers an amendment took out.
	onSignal(ctx, contract.SignalOnboardingLeft, func(_ workflow.Context, l contract.OnboardingLeft) { w.markLeft(l) })
	return workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateAcknowledgeTraining, w.acknowledge,
		workflow.UpdateHandlerOptions{
			Validator:   w.validateAcknowledge,
			Description: "An officer confirms they have taken in the training",
		})
}

func (w *onboarding) run(ctx workflow.Context) (contract.OnboardingProgress, error) {
	w.beside = newBeside(ctx, w.in.Clock)
	ctx = withStoreOptions(ctx, "")
	if w.in.ParentWorkflowID != "" {
		workflow.Go(ctx, w.reportProgress)
	}
	s := w.in.Schedule
	dept := w.in.Department.Name

	w.sleepUntil(ctx, s.AssignAt, "officer list final: assign training for "+dept)
	if err := w.notify(ctx, contract.NotifyAssignment, w.people, plan.Reminder{At: s.AssignAt}, 0); err != nil {
		return contract.OnboardingProgress{}, err
	}
	w.assigned = true
	assignedAt := w.planNow(ctx)
	w.setPhase(ctx, contract.PhaseOnboarding)

	sent := 0
	for _, r := range s.Reminders {
		// A term started late skips the reminders whose day has already
		// passed instead of sending them all at once.
		if r.At.Before(assignedAt) {
			continue
		}
		if w.sleepUntil(ctx, r.At, fmt.Sprintf("reminder %d for %s", sent+1, dept)) {
			break
		}
		sent++
		if err := w.notify(ctx, contract.NotifyReminder, w.pending(), r, sent); err != nil {
			return contract.OnboardingProgress{}, err
		}
	}

	if !w.sleepUntil(ctx, s.Deadline, "deadline: training acknowledgements for "+dept) {
		w.setPhase(ctx, contract.PhaseOverdue)
		overdue := w.pending()
		if err := w.notify(ctx, contract.NotifyEscalation, overdue, plan.Reminder{At: s.Deadline}, 0); err != nil {
			return contract.OnboardingProgress{}, err
		}
	}

	// Terms started before the last call existed replay without it.
	if workflow.GetVersion(ctx, "last-call-reminder", workflow.DefaultVersion, 1) == 1 {
		if at, ok := w.lastCall(); ok && !w.sleepUntil(ctx, at, "last call for "+dept) {
			sent++
			if err := w.notify(ctx, contract.NotifyReminder, w.pending(), plan.Reminder{At: at, DaysLeft: -1}, sent); err != nil {
				return contract.OnboardingProgress{}, err
			}
		}
	}

	if !w.sleepUntil(ctx, s.WindowCloses, "late window closes for "+dept) {
		// Admit nothing more, and let acknowledgements already admitted
		// finish, so none is left pending after the close.
		w.closing = true
		if err := workflow.Await(ctx, func() bool { return w.saving == 0 }); err != nil {
			return contract.OnboardingProgress{}, err
		}
		// The assignment's activity writes the rows the close marks: on a
		// worker far behind it may still be on its way. Nothing more is
		// admitted already; only the record waits.
		if err := w.beside.wait(ctx); err != nil {
			return contract.OnboardingProgress{}, err
		}
		never := w.pending()
		emails := make([]string, len(never))
		for i, o := range never {
			emails[i] = o.Email
		}
		actx := withStoreOptions(ctx, fmt.Sprintf("record %d who never acknowledged", len(emails)))
		err := workflow.ExecuteActivity(actx, a.CloseOnboarding,
			contract.CloseOnboardingInput{TermID: w.in.TermID, Emails: emails}).Get(ctx, nil)
		if err != nil {
			return contract.OnboardingProgress{}, err
		}
		for _, e := range emails {
			w.officers[w.index[e]].Outcome = contract.OutcomeNever
		}
	}
	w.closing = true
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return contract.OnboardingProgress{}, err
	}
	// The last report says how every email went.
	if err := w.beside.wait(ctx); err != nil {
		return contract.OnboardingProgress{}, err
	}
	w.closed = true
	w.setPhase(ctx, contract.PhaseClosed)
	if err := w.sendReport(ctx); err != nil {
		workflow.GetLogger(ctx).Warn("final onboarding report not delivered", "error", err)
	}
	return w.progress(), nil
}

// sleepUntil waits until plan time t or until every officer has
// acknowledged, and reports which came first (true: all acknowledged).
func (w *onboarding) sleepUntil(ctx workflow.Context, t time.Time, summary string) bool {
	d := w.in.Clock.Real(t).Sub(workflow.Now(ctx))
	if w.done() {
		return true
	}
	if d <= 0 {
		return false
	}
	ok, _ := workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{
		Timeout:      d,
		TimerOptions: workflow.TimerOptions{Summary: summary},
	}, w.done)
	return ok
}

// lastCall is when officers still pending after the deadline get a last
// reminder: the day before the late window closes, at the send time, if
// that falls after the deadline.
func (w *onboarding) lastCall() (time.Time, bool) {
	if !w.in.TimeZone.Known() {
		return time.Time{}, false
	}
	loc := w.in.TimeZone.Location()
	send := w.in.Training.SendTime
	if send == "" {
		send = plan.DefaultSendTime
	}
	closes := w.in.Schedule.WindowCloses.In(loc)
	at := plan.Date(closes.Format("2006-01-02")).AddDays(-1).At(send, loc)
	return at, at.After(w.in.Schedule.Deadline)
}

// done is true once every officer's acknowledgement is persisted.
func (w *onboarding) done() bool {
	return w.saving == 0 && w.allAcknowledged()
}

// notify sends one batch of onboarding emails; an empty batch sends nothing.
func (w *onboarding) notify(ctx workflow.Context, kind string, officers []plan.Person, r plan.Reminder, reminder int) error {
	if len(officers) == 0 {
		return nil
	}
	s := w.in.Schedule
	in := contract.NotifyOnboardingInput{
		Kind:           kind,
		TermID:         w.in.TermID,
		TermName:       w.in.TermName,
		TimeZone:       w.in.TimeZone,
		DepartmentID:   w.in.Department.ID,
		DepartmentName: w.in.Department.Name,
		Head:           w.in.Department.Head,
		Training:       w.in.Training,
		AssignedAt:     s.AssignAt,
		Deadline:       s.Deadline,
		WindowCloses:   s.WindowCloses,
		Officers:       officers,
		DaysLeft:       r.DaysLeft,
		Reminder:       reminder,
		At:             w.planNow(ctx),
		LinkExpires:    w.in.Clock.Real(s.WindowCloses),
	}
	sent := func() {
		for _, o := range officers {
			i := w.index[o.Email]
			switch kind {
			case contract.NotifyReminder:
				w.officers[i].RemindersSent = reminder
			case contract.NotifyEscalation:
				w.officers[i].Escalated = true
			}
		}
	}
	if !w.beside.blocking {
		// Beside the calendar: the deadline and the close never wait for
		// an email, and one that goes out late is recorded.
		what := fmt.Sprintf("the training %s emails to %d officers", kind, len(officers))
		if kind == contract.NotifyEscalation {
			what = fmt.Sprintf("the escalation to %s about %d officers", w.in.Department.Head.Name, len(officers))
		}
		w.beside.send(ctx, email{
			what: what, due: r.At, until: s.WindowCloses,
			activity: a.NotifyOnboarding, input: in,
			done: func(ctx workflow.Context, _ time.Duration, err error) {
				if err == nil {
					sent()
				}
				w.changed = true
			},
		})
		return nil
	}
	actx := withMailOptions(ctx, fmt.Sprintf("%s emails to %d in the %s", kind, len(officers), w.in.Department.Name))
	if err := workflow.ExecuteActivity(actx, a.NotifyOnboarding, in).Get(ctx, nil); err != nil {
		return fmt.Errorf("%s emails: %w", kind, err)
	}
	sent()
	return nil
}

func (w *onboarding) validateAcknowledge(ctx workflow.Context, in contract.AcknowledgeInput) error {
	_, err := w.officerFor(ctx, in)
	return contract.AsRefusal(err)
}

// officerFor finds the officer an acknowledgement is from and says, in words
// the officer understands, why it cannot be taken.
func (w *onboarding) officerFor(ctx workflow.Context, in contract.AcknowledgeInput) (int, error) {
	email := plan.NormalizeEmail(in.Email)
	i, ok := w.index[email]
	if !ok {
		return 0, fmt.Errorf("%q is not an officer of the %s; acknowledge in your own department's onboarding", in.Email, w.in.Department.Name)
	}
	o := w.officers[i]
	switch {
	case o.LeftAt != nil && o.AcknowledgedAt == nil:
		return 0, fmt.Errorf("%s left the %s on %s; there is nothing more to acknowledge", o.Name, w.in.Department.Name, w.humanTime(*o.LeftAt))
	case !w.assigned && w.planNow(ctx).Before(w.in.Schedule.AssignAt):
		// Time decides, not whether the assignment activity has finished:
		// its rows are written before the first email goes out.
		return 0, fmt.Errorf("training for %s is not assigned yet; it opens on %s", o.Name, w.humanTime(w.in.Schedule.AssignAt))
	case o.AcknowledgedAt != nil:
		return 0, fmt.Errorf("%s already acknowledged the training on %s", o.Name, w.humanTime(*o.AcknowledgedAt))
	case w.closing || !w.planNow(ctx).Before(w.in.Schedule.WindowCloses):
		return 0, fmt.Errorf("the acknowledgement window for %s closed on %s", o.Name, w.humanTime(w.in.Schedule.WindowCloses))
	case utf8.RuneCountInString(in.Note) > maxNoteLength:
		return 0, fmt.Errorf("the note has %d characters; keep it to %d", utf8.RuneCountInString(in.Note), maxNoteLength)
	}
	return i, nil
}

func (w *onboarding) acknowledge(ctx workflow.Context, in contract.AcknowledgeInput) (contract.AcknowledgeResult, error) {
	i, err := w.officerFor(ctx, in)
	if err != nil {
		return contract.AcknowledgeResult{}, contract.AsRefusal(err)
	}
	at := w.planNow(ctx)
	outcome := contract.OutcomeOnTime
	if at.After(w.in.Schedule.Deadline) {
		outcome = contract.OutcomeLate
	}
	// Claim the acknowledgement before the activity runs so that a second
	// update for the same officer is rejected while this one persists.
	w.officers[i].AcknowledgedAt = &at
	w.officers[i].Outcome = outcome
	w.saving++
	defer func() { w.saving-- }()

	actx := withUpdateStoreOptions(ctx, "record the acknowledgement of "+w.officers[i].Name)
	err = workflow.ExecuteActivity(actx, a.RecordAcknowledgement, contract.RecordAcknowledgementInput{
		TermID:       w.in.TermID,
		DepartmentID: w.in.Department.ID,
		Email:        w.officers[i].Email,
		Outcome:      outcome,
		Note:         strings.TrimSpace(in.Note),
		At:           at,
		AuditKey:     "update/" + workflow.GetCurrentUpdateInfo(ctx).ID,
	}).Get(ctx, nil)
	if err != nil {
		w.officers[i].AcknowledgedAt = nil
		w.officers[i].Outcome = contract.OutcomePending
		if w.beside != nil {
			w.beside.problems = append(w.beside.problems, fmt.Sprintf("the acknowledgement of %s on %s could not be stored", w.officers[i].Name, w.in.TimeZone.Human(at)))
		}
		return contract.AcknowledgeResult{}, fmt.Errorf("could not record the acknowledgement, please try again: %w", err)
	}
	w.changed = true
	return contract.AcknowledgeResult{Outcome: outcome, At: at}, nil
}

// reportProgress tells the parent about changes, at most once per
// progressReportDelay.
func (w *onboarding) reportProgress(ctx workflow.Context) {
	for {
		if err := workflow.Await(ctx, func() bool { return w.changed || w.closed }); err != nil || w.closed {
			return
		}
		if err := w.sendReport(ctx); err != nil {
			workflow.GetLogger(ctx).Warn("onboarding report not delivered", "error", err)
		}
		if err := workflow.Sleep(ctx, progressReportDelay); err != nil {
			return
		}
	}
}

func (w *onboarding) sendReport(ctx workflow.Context) error {
	if w.in.ParentWorkflowID == "" {
		return nil
	}
	w.changed = false
	w.reportSeq++
	p := w.progress()
	report := contract.OnboardingReport{DepartmentID: w.in.Department.ID, Seq: w.reportSeq, Phase: p.Phase, Counts: p.Counts, Problems: p.Problems}
	return workflow.SignalExternalWorkflow(ctx, w.in.ParentWorkflowID, "", contract.SignalOnboardingReport, report).Get(ctx, nil)
}

func (w *onboarding) setPhase(ctx workflow.Context, phase string) {
	w.phase = phase
	w.changed = true
	if err := workflow.UpsertTypedSearchAttributes(ctx, contract.SearchPhase.ValueSet(phase)); err != nil {
		workflow.GetLogger(ctx).Warn("phase search attribute not updated", "error", err)
	}
	c := w.counts()
	workflow.SetCurrentDetails(ctx, fmt.Sprintf(
		"**%s** onboarding: %s\n\n| officers | on time | late | pending | never |\n|---|---|---|---|---|\n| %d | %d | %d | %d | %d |",
		w.in.Department.Name, phase, c.Officers, c.OnTime, c.Late, c.Pending, c.Never))
}

func (w *onboarding) planNow(ctx workflow.Context) time.Time {
	return w.in.Clock.Plan(workflow.Now(ctx))
}

func (w *onboarding) humanTime(t time.Time) string {
	return w.in.TimeZone.Human(t)
}

func (w *onboarding) allAcknowledged() bool {
	for _, o := range w.officers {
		if o.AcknowledgedAt == nil && o.LeftAt == nil {
			return false
		}
	}
	return true
}

// pending lists the officers who have not acknowledged, in plan order.
func (w *onboarding) pending() []plan.Person {
	var out []plan.Person
	for i, o := range w.officers {
		if o.AcknowledgedAt == nil && o.LeftAt == nil {
			out = append(out, w.people[i])
		}
	}
	return out
}

// markLeft takes out the officers who left: no more reminders, no
// escalation, not counted, and not recorded as never having acknowledged.
// Their onboarding rows stay as they are.
func (w *onboarding) markLeft(l contract.OnboardingLeft) {
	for _, email := range l.Emails {
		i, ok := w.index[plan.NormalizeEmail(email)]
		if !ok || w.officers[i].LeftAt != nil {
			continue
		}
		at := l.At
		w.officers[i].LeftAt = &at
		w.changed = true
	}
}

func (w *onboarding) counts() contract.OnboardingCounts {
	var c contract.OnboardingCounts
	overdue := w.phase == contract.PhaseOverdue
	for _, o := range w.officers {
		if o.LeftAt != nil && o.AcknowledgedAt == nil {
			continue
		}
		c.Officers++
		switch o.Outcome {
		case contract.OutcomeOnTime:
			c.OnTime++
		case contract.OutcomeLate:
			c.Late++
		case contract.OutcomeNever:
			c.Never++
		default:
			c.Pending++
			if overdue {
				c.Overdue++
			}
		}
	}
	return c
}

func (w *onboarding) progress() contract.OnboardingProgress {
	return contract.OnboardingProgress{
		TermName:       w.in.TermName,
		TimeZone:       w.in.TimeZone,
		DepartmentName: w.in.Department.Name,
		Sessions:       w.in.Training.Sessions,
		DepartmentID:   w.in.Department.ID,
		Phase:          w.phase,
		Deadline:       w.in.Schedule.Deadline,
		WindowCloses:   w.in.Schedule.WindowCloses,
		Counts:         w.counts(),
		Officers:       append([]contract.OfficerOnboarding(nil), w.officers...),
		Problems:       w.problems(),
	}
}

// problems are what the onboarding could not do on time so far.
func (w *onboarding) problems() []string {
	if w.beside == nil {
		return nil
	}
	return append([]string(nil), w.beside.problems...)
}
