package workflows

import (
	"fmt"
	"math"
	"time"

	"go.temporal.io/sdk/workflow"

	"semesterflow/plan"
)

// changeCalendarNeverWaits is the workflow.GetVersion change under which a
// part's emails and reports run beside its calendar instead of holding it
// up. Runs recorded before it wait for each activity, as they did.
const changeCalendarNeverWaits = "calendar-never-waits"

// How long an email is tried, in real time, when its use runs out sooner:
// long enough that an SMTP server or a database away for ten minutes loses
// nothing, with the 5-minute cap of the retries' backoff on top. In a
// rehearsal at a plan day a second this is 1,200 plan days, so there an
// email is in practice never given up.
const minMailTry = 20 * time.Minute

// mailTryWithoutExpiry bounds, in real time, the tries of an email that has
// no moment after which it is useless (a digest, a report): a day.
const mailTryWithoutExpiry = 24 * time.Hour

// An email counts as late when it goes out more than lateAfterPlan of plan
// time after the moment it was for, and more than lateAfterReal of real
// time: the second keeps a compressed rehearsal from calling the ordinary
// second or so of delivery "a day late".
const (
	lateAfterPlan = time.Hour
	lateAfterReal = 2 * time.Second
)

// beside runs a part's side effects (emails, reports, writes the calendar
// does not depend on) beside its timers, so that a slow SMTP server, a
// database away for a while or a busy worker never moves or skips a moment
// of the plan. What could not be done on time is kept in problems, for the
// part's report.
type beside struct {
	// blocking is set for a run recorded before changeCalendarNeverWaits:
	// it waits for each activity where it used to, so that its history
	// replays.
	blocking bool
	clock    plan.Clock
	pending  int
	// writes counts the pending activities that are database writes: a
	// part may continue as new with writes in flight, carrying them, but
	// never with emails.
	writes   int
	problems []string
}

// newBeside decides, once per run and before the run's first command,
// whether its activities run beside the calendar.
func newBeside(ctx workflow.Context, clock plan.Clock) *beside {
	v := workflow.GetVersion(ctx, changeCalendarNeverWaits, workflow.DefaultVersion, 1)
	return &beside{blocking: v == workflow.DefaultVersion, clock: clock}
}

// start calls then with f once f is ready, without holding up the caller
// (or at once, waiting, in a run recorded before the change). Callbacks run
// in the workflow's deterministic order.
func (b *beside) start(ctx workflow.Context, f workflow.Future, then func(workflow.Context, workflow.Future)) {
	if b == nil || b.blocking {
		_ = f.Get(ctx, nil)
		then(ctx, f)
		return
	}
	b.pending++
	workflow.Go(ctx, func(ctx workflow.Context) {
		_ = f.Get(ctx, nil)
		then(ctx, f)
		b.pending--
	})
}

// do runs fn beside the calendar, as start does, for work that waits on the
// workflow's state before it starts its activity. Only for runs since
// changeCalendarNeverWaits.
func (b *beside) do(ctx workflow.Context, fn func(ctx workflow.Context)) {
	b.pending++
	workflow.Go(ctx, func(ctx workflow.Context) {
		fn(ctx)
		b.pending--
	})
}

// wait returns once everything started has ended: before a run completes
// or continues as new, so that no email or report is left behind.
func (b *beside) wait(ctx workflow.Context) error {
	if b == nil {
		return nil
	}
	return workflow.Await(ctx, func() bool { return b.pending == 0 })
}

// idle says whether nothing started is still running.
func (b *beside) idle() bool { return b == nil || b.pending == 0 }

// startWrite is start for a database write, counted apart from emails.
func (b *beside) startWrite(ctx workflow.Context, f workflow.Future, then func(workflow.Context, workflow.Future)) {
	if b == nil || b.blocking {
		b.start(ctx, f, then)
		return
	}
	b.writes++
	b.start(ctx, f, func(ctx workflow.Context, f workflow.Future) {
		b.writes--
		then(ctx, f)
	})
}

// mailIdle says whether no email started is still on its way; writes may
// be.
func (b *beside) mailIdle() bool { return b == nil || b.pending == b.writes }

// email is one batch of emails sent beside the calendar.
type email struct {
	// what names the emails for people: "the invitation to exchange 3".
	what string
	// due is the plan time they are for; until, when set, the plan time
	// after which they are of no use (they are given up then, but tried
	// for minMailTry at least).
	due, until time.Time
	// activity and input are the activity that sends them; result, when
	// set, receives its result once it succeeds.
	activity any
	input    any
	result   any
	// done, when set, hears how it went: how late (plan time) and the
	// error if they could not be delivered.
	done func(ctx workflow.Context, late time.Duration, err error)
}

// send sends e beside the calendar and notes in problems an email that went
// out late or not at all.
func (b *beside) send(ctx workflow.Context, e email) {
	opts := mailOptions(e.what)
	now := workflow.Now(ctx)
	try := mailTryWithoutExpiry
	if !e.until.IsZero() {
		try = max(minMailTry, b.clock.Real(e.until).Sub(now))
	}
	opts.ScheduleToCloseTimeout = try
	f := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, opts), e.activity, e.input)
	b.start(ctx, f, func(ctx workflow.Context, f workflow.Future) {
		err := f.Get(ctx, e.result)
		late := b.lateness(ctx, e.due)
		switch {
		case err != nil:
			b.problems = append(b.problems, e.what+" could not be delivered")
			workflow.GetLogger(ctx).Error("emails not delivered", "what", e.what, "error", err)
		case late > 0:
			b.problems = append(b.problems, fmt.Sprintf("%s went out %s late", e.what, humanDuration(late)))
		}
		if e.done != nil {
			e.done(ctx, late, err)
		}
	})
}

// mail sends e beside the calendar. In a run recorded before the change it
// waits for the emails instead and returns their error, as such runs did.
func (b *beside) mail(ctx workflow.Context, e email) error {
	if b.blocking {
		actx := workflow.WithActivityOptions(ctx, mailOptions(e.what))
		return workflow.ExecuteActivity(actx, e.activity, e.input).Get(ctx, e.result)
	}
	b.send(ctx, e)
	return nil
}

// lateness is how much plan time has passed since due, when that counts as
// late; 0 otherwise.
func (b *beside) lateness(ctx workflow.Context, due time.Time) time.Duration {
	if due.IsZero() {
		return 0
	}
	now := workflow.Now(ctx)
	planLate := b.clock.Plan(now).Sub(due)
	if planLate <= lateAfterPlan || now.Sub(b.clock.Real(due)) <= lateAfterReal {
		return 0
	}
	return planLate
}

// humanDuration writes a span of plan time the way people say it: "40 min",
// "2 h", "3 days".
func humanDuration(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(math.Ceil(d.Minutes())))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(math.Round(d.Hours())))
	default:
		return fmt.Sprintf("%d days", int(math.Round(d.Hours()/24)))
	}
}
