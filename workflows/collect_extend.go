package workflows

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
)

// changeCollectionReschedule is the workflow.GetVersion change under which
// a collection walks a timeline it recomputes whenever a deadline moves,
// so that a deadline can be extended while it runs.
const changeCollectionReschedule = "collection-reschedule"

// runTimeline takes the timeline's events in time order, recomputing it
// after every extension: reminders and escalations follow the new due
// dates, and nobody hears about a date that no longer holds.
func (c *collection) runTimeline(ctx workflow.Context) error {
	taken := map[string]bool{}
	key := func(e event) string {
		return strconv.Itoa(e.kind) + "/" + strconv.Itoa(e.slot) + "/" + strconv.Itoa(e.days) + "/" + strconv.FormatInt(e.at.Unix(), 10)
	}
	for {
		evs := c.timeline()
		var group []event
		for i := 0; i < len(evs) && group == nil; {
			j := i
			for j < len(evs) && evs[j].at.Equal(evs[i].at) && evs[j].kind == evs[i].kind {
				j++
			}
			for _, e := range evs[i:j] {
				switch {
				case taken[key(e)]:
				case e.kind == eventReminder && e.at.Before(c.rescheduledAt):
					// A reminder for a new date whose time had passed when
					// the deadline moved is not sent late.
					taken[key(e)] = true
				default:
					group = append(group, e)
				}
			}
			i = j
		}
		if group == nil {
			return nil
		}
		c.rescheduled = false
		if c.sleepUntil(ctx, group[0].at, c.summary(group)) {
			return nil
		}
		if c.rescheduled {
			continue
		}
		for _, e := range group {
			taken[key(e)] = true
		}
		if err := c.take(ctx, group); err != nil {
			return err
		}
	}
}

// take does what a group of events at one moment asks.
func (c *collection) take(ctx workflow.Context, group []event) error {
	var missing []int
	for _, e := range group {
		if c.subs[e.slot] == nil && !c.closed[e.slot] {
			missing = append(missing, e.slot)
		}
	}
	switch group[0].kind {
	case eventReminder:
		if err := c.notify(ctx, contract.NotifyReminder, missing, group[0].days, fmt.Sprintf("reminder-%d", group[0].at.Unix()), group[0].at); err != nil {
			return err
		}
		for _, s := range missing {
			c.reminders[s]++
		}
	case eventDue:
		var escalate []int
		for _, s := range missing {
			if len(c.in.Slots[s].EscalateTo) > 0 {
				escalate = append(escalate, s)
			}
		}
		if err := c.notify(ctx, contract.NotifyEscalation, escalate, 0, fmt.Sprintf("escalation-%d", group[0].at.Unix()), group[0].at); err != nil {
			return err
		}
		for _, s := range escalate {
			c.escalated[s] = true
		}
	case eventClose:
		for _, e := range group {
			c.closed[e.slot] = true
		}
	}
	// A reminder changes nothing the term shows; a due date or a close
	// changes what is overdue.
	if group[0].kind != eventReminder {
		c.sendReport(ctx, "open")
	}
	return nil
}

// maxExtensionDays bounds how far one extension moves a deadline.
const maxExtensionDays = 92

func (c *collection) validateExtend(ctx workflow.Context, in contract.ExtendDeadlineInput) error {
	_, _, err := c.extension(ctx, in)
	return contract.AsRefusal(err)
}

// extension finds the slots an extension moves and their new due date, and
// says in plain words why it cannot be done.
func (c *collection) extension(ctx workflow.Context, in contract.ExtendDeadlineInput) ([]int, time.Time, error) {
	email := plan.NormalizeEmail(in.Email)
	now := c.in.Clock.Plan(workflow.Now(ctx))
	switch {
	case !c.reschedulable:
		return nil, time.Time{}, fmt.Errorf("%s started before deadlines could be extended; its deadlines stay as they are", c.in.Title)
	case email == "":
		return nil, time.Time{}, fmt.Errorf("say who you are: the email address is empty")
	case strings.TrimSpace(in.Reason) == "":
		return nil, time.Time{}, fmt.Errorf("give a reason: those asked are told why the deadline moves")
	case c.finished:
		return nil, time.Time{}, fmt.Errorf("%s has ended", c.in.Title)
	}
	var slots []int
	if in.Slot != "" {
		i, ok := c.index[in.Slot]
		if !ok {
			return nil, time.Time{}, fmt.Errorf("%q is not one of the slots of %s", in.Slot, c.in.Title)
		}
		if !managesSlot(c.in.Slots[i], email) {
			return nil, time.Time{}, fmt.Errorf("%s cannot extend %s for %s: only those it escalates to can", in.Email, c.in.Title, c.in.Slots[i].Label)
		}
		switch {
		case c.subs[i] != nil:
			return nil, time.Time{}, fmt.Errorf("%s for %s is already handed in", c.in.Title, c.in.Slots[i].Label)
		case c.closed[i] || !now.Before(c.closes(c.in.Slots[i])):
			return nil, time.Time{}, fmt.Errorf("%s for %s closed on %s", c.in.Title, c.in.Slots[i].Label, c.in.TimeZone.Human(c.closes(c.in.Slots[i])))
		}
		slots = []int{i}
	} else {
		for i, s := range c.in.Slots {
			if managesSlot(s, email) && c.subs[i] == nil && !c.closed[i] && now.Before(c.closes(s)) {
				slots = append(slots, i)
			}
		}
		if len(slots) == 0 {
			return nil, time.Time{}, fmt.Errorf("%s has no open slot of %s to extend", in.Email, c.in.Title)
		}
	}
	due, err := c.newDue(in.Due, c.in.Slots[slots[0]].Due)
	if err != nil {
		return nil, time.Time{}, err
	}
	for _, i := range slots {
		old := c.in.Slots[i].Due
		switch {
		case !due.After(old):
			return nil, time.Time{}, fmt.Errorf("%s for %s is due %s; an extension moves it later", c.in.Title, c.in.Slots[i].Label, c.in.TimeZone.Human(old))
		case due.Sub(old) > maxExtensionDays*24*time.Hour:
			return nil, time.Time{}, fmt.Errorf("%s moves the deadline more than %d days; extend it by less", in.Due, maxExtensionDays)
		}
	}
	if !due.After(now) {
		return nil, time.Time{}, fmt.Errorf("%s has already passed", c.in.TimeZone.Human(due))
	}
	return slots, due, nil
}

// newDue reads "YYYY-MM-DD HH:MM", or "YYYY-MM-DD" at like's time of day.
func (c *collection) newDue(s string, like time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	loc := c.in.TimeZone.Location()
	if t, err := plan.LocalTime(s).In(loc); err == nil {
		return t, nil
	}
	day, err := plan.Date(s).In(loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("the new due date %q is not a date; write it as YYYY-MM-DD or YYYY-MM-DD HH:MM", s)
	}
	l := like.In(loc)
	return time.Date(day.Year(), day.Month(), day.Day(), l.Hour(), l.Minute(), 0, 0, loc), nil
}

func managesSlot(s contract.Slot, email string) bool {
	for _, p := range s.EscalateTo {
		if p.Email == email {
			return true
		}
	}
	return false
}

// extend moves the deadlines, records who did it and why, and wakes the
// timeline so it follows the new dates.
func (c *collection) extend(ctx workflow.Context, in contract.ExtendDeadlineInput) (contract.ExtendDeadlineResult, error) {
	slots, due, err := c.extension(ctx, in)
	if err != nil {
		return contract.ExtendDeadlineResult{}, contract.AsRefusal(err)
	}
	now := c.in.Clock.Plan(workflow.Now(ctx))
	res := contract.ExtendDeadlineResult{Due: due, TimeZone: c.in.TimeZone, At: now}
	var labels []string
	for _, i := range slots {
		c.in.Slots[i].Due = due
		res.Slots = append(res.Slots, c.in.Slots[i].Key)
		labels = append(labels, c.in.Slots[i].Label)
	}
	c.rescheduled, c.rescheduledAt = true, now
	c.showProgress(ctx, "open")
	c.sendReport(ctx, "open")
	info := workflow.GetInfo(ctx)
	audit := contract.RecordAuditInput{
		Key:    "update/" + workflow.GetCurrentUpdateInfo(ctx).ID + "/" + info.WorkflowExecution.ID,
		TermID: c.in.TermID, Actor: plan.NormalizeEmail(in.Email), Action: contract.ActionExtendDeadline,
		Subject: c.in.Kind + "/" + c.in.Scope,
		Payload: map[string]any{"slots": res.Slots, "due": due.Format(time.RFC3339), "reason": strings.TrimSpace(in.Reason)},
		At:      now,
	}
	// The deadline has moved whatever the database does: the audit entry
	// goes beside the calendar, and a failure is listed among the problems.
	c.beside.start(ctx, workflow.ExecuteActivity(withStoreOptions(ctx, "audit: deadline extended for "+strings.Join(labels, ", ")), a.RecordAudit, audit),
		func(ctx workflow.Context, f workflow.Future) {
			if err := f.Get(ctx, nil); err != nil {
				c.beside.problems = append(c.beside.problems, "the extension of "+c.in.Title+" could not be recorded in the audit log")
			}
		})
	return res, nil
}
