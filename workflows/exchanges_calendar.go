package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
)

// changeExchangeCalendar is the workflow.GetVersion change under which the
// exchange being held follows an amended calendar until its sign-in opens:
// moved, it gets an updated invite; cancelled, a cancellation.
const changeExchangeCalendar = "exchange-calendar"

// setupCalendar takes the term's amended calendars. Receiving a signal adds
// no command, so runs recorded before it replay unchanged.
func (w *exchanges) setupCalendar(ctx workflow.Context) {
	w.calendars = onSignal(ctx, contract.SignalExchangesCalendar, w.takeCalendar)
}

// drainCalendars takes the calendars delivered but not yet received.
func (w *exchanges) drainCalendars(ctx workflow.Context) {
	for {
		var cal contract.ExchangesCalendar
		if w.calendars == nil || !w.calendars.ReceiveAsync(&cal) {
			return
		}
		w.takeCalendar(ctx, cal)
	}
}

// takeCalendar replaces every exchange not held yet with the new
// calendar's. The one this run holds follows it until its sign-in opens.
func (w *exchanges) takeCalendar(ctx workflow.Context, cal contract.ExchangesCalendar) {
	if cal.Version <= w.in.CalendarVersion {
		return
	}
	w.in.CalendarVersion = cal.Version
	w.in.Where = cal.Where
	held := append([]contract.ExchangeMeeting(nil), w.in.Meetings[:min(w.in.Next, len(w.in.Meetings))]...)
	last := 0
	if len(held) > 0 {
		last = held[len(held)-1].Number
	}
	if w.holdingCurrent() {
		cur := *w.cur
		held = append(held, w.followCalendar(ctx, cur, cal))
		last = cur.Number
	}
	for _, m := range cal.Meetings {
		if m.Number > last {
			held = append(held, m)
		}
	}
	w.in.Meetings = held
}

// holdingCurrent says whether this run holds an exchange whose sign-in has
// not closed: the one at Next.
func (w *exchanges) holdingCurrent() bool {
	return w.cur != nil && !w.closed && w.in.Next < len(w.in.Meetings) && w.in.Meetings[w.in.Next].Number == w.cur.Number
}

// followCalendar is the exchange being held as the new calendar has it,
// and marks what the hold must do about it.
func (w *exchanges) followCalendar(ctx workflow.Context, cur contract.ExchangeMeeting, cal contract.ExchangesCalendar) contract.ExchangeMeeting {
	var next *contract.ExchangeMeeting
	for i := range cal.Meetings {
		if cal.Meetings[i].Number == cur.Number {
			next = &cal.Meetings[i]
		}
	}
	opened := !w.planNow(ctx).Before(cur.SignInOpens)
	moved := next != nil && (!next.Start.Equal(cur.Start) || !next.End.Equal(cur.End) || next.Where != cur.Where)
	switch {
	case next != nil && !moved:
		return cur
	case !w.movable || opened:
		w.beside.problems = append(w.beside.problems, fmt.Sprintf("exchange %d was already under way when the plan moved or cancelled it; it is held as planned", cur.Number))
		return cur
	case next == nil:
		w.cancelCurrent, w.recalendar = true, true
		return cur
	}
	m := *next
	m.Sequence = cur.Sequence
	if w.invited {
		m.Sequence++
		w.movedFrom, w.resend = cur.Start, true
	}
	w.cur = &m
	w.recalendar = true
	return m
}

// waitMovable waits until the plan time at() gives for the exchange being
// held, following it as amendments move it, and sends the updated invite
// of a move. It reports whether the exchange was cancelled meanwhile.
func (w *exchanges) waitMovable(ctx workflow.Context, at func() time.Time, summary func() string) bool {
	for {
		w.recalendar = false
		if w.resend {
			w.resend = false
			w.sendMoved(ctx, *w.cur, w.movedFrom)
		}
		if w.cancelCurrent {
			return true
		}
		d := w.in.Clock.Real(at()).Sub(workflow.Now(ctx))
		if d <= 0 {
			return false
		}
		woke, _ := workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{
			Timeout:      d,
			TimerOptions: workflow.TimerOptions{Summary: summary()},
		}, func() bool { return w.recalendar })
		if !woke {
			return w.cancelCurrent
		}
	}
}

// sendMoved sends the moved exchange's updated invite beside the calendar.
func (w *exchanges) sendMoved(ctx workflow.Context, m contract.ExchangeMeeting, from time.Time) {
	in := w.invitationInput(m)
	in.Sequence, in.MovedFrom, in.Stamp = m.Sequence, from, w.planNow(ctx)
	w.beside.send(ctx, email{
		what: fmt.Sprintf("the updated invite to exchange %d", m.Number),
		due:  w.planNow(ctx), until: m.SignInCloses,
		activity: a.NotifyExchange, input: in,
	})
}

// skipCancelled drops the exchange being held from the calendar: those it
// was sent to get a cancellation; nobody's attendance is taken.
func (w *exchanges) skipCancelled(ctx workflow.Context, m contract.ExchangeMeeting) {
	w.cancelCurrent = false
	if w.invited {
		in := w.invitationInput(m)
		in.Cancelled, in.Sequence, in.Stamp = true, m.Sequence+1, w.planNow(ctx)
		w.beside.send(ctx, email{
			what: fmt.Sprintf("the cancellation of exchange %d", m.Number),
			due:  w.planNow(ctx), until: m.Start,
			activity: a.NotifyExchange, input: in,
		})
	}
	w.in.Meetings = append(w.in.Meetings[:w.in.Next:w.in.Next], w.in.Meetings[w.in.Next+1:]...)
	w.in.Cancelled++
}
