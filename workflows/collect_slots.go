package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
)

// setupSlotsFromParent takes the new schedule a parent sends after an
// amendment of the plan. Receiving a signal adds no command.
func (c *collection) setupSlotsFromParent(ctx workflow.Context) {
	onSignal(ctx, contract.SignalCollectionSlots, c.reschedule)
}

// reschedule moves the open slots' due dates and adds new slots. A slot
// handed in or closed keeps its date, so its record stays true.
func (c *collection) reschedule(ctx workflow.Context, s contract.CollectionSlots) {
	if !c.reschedulable || c.finished {
		return
	}
	now := c.in.Clock.Plan(workflow.Now(ctx))
	c.in.LateDays = s.LateDays
	for _, sl := range s.Slots {
		i, ok := c.index[sl.Key]
		if !ok {
			c.index[sl.Key] = len(c.in.Slots)
			c.in.Slots = append(c.in.Slots, sl)
			c.subs = append(c.subs, nil)
			c.reminders = append(c.reminders, 0)
			c.escalated = append(c.escalated, false)
			c.closed = append(c.closed, false)
			if c.open {
				// Asked at once, as the others were when it opened.
				c.notifyOne(ctx, sl, "added-"+sl.Key, now)
			}
			continue
		}
		if c.subs[i] != nil || c.closed[i] {
			continue
		}
		if !sl.Due.IsZero() && sl.Due.After(now) {
			c.in.Slots[i].Due = sl.Due
		}
		c.in.Slots[i].Label = sl.Label
		if len(sl.EscalateTo) > 0 {
			c.in.Slots[i].EscalateTo = sl.EscalateTo
		}
		if len(sl.Owners) > 0 {
			c.replaceOwners(ctx, i, sl.Owners, now)
		}
	}
	c.rescheduled, c.rescheduledAt = true, now
	c.showProgress(ctx, "open")
}

// replaceOwners gives slot i the owners an amended plan names. Each one
// who leaves it is recorded as handing it over (so their link says where it
// went), and each new one gets the request with their own link.
func (c *collection) replaceOwners(ctx workflow.Context, i int, owners []plan.Person, now time.Time) {
	s := &c.in.Slots[i]
	var added []plan.Person
	for _, o := range owners {
		if !owns(*s, o.Email) {
			added = append(added, o)
		}
	}
	if len(added) == 0 && len(owners) == len(s.Owners) {
		return
	}
	for _, old := range s.Owners {
		keep := false
		for _, o := range owners {
			keep = keep || o.Email == old.Email
		}
		if !keep && len(added) > 0 {
			s.HandedOver = append(s.HandedOver, contract.Handover{From: old, To: added[0], By: "the plan", Reason: "the department's people changed in the plan", At: now})
		}
	}
	s.Owners = append([]plan.Person(nil), owners...)
	if c.open && len(added) > 0 {
		request := *s
		request.Owners = added
		c.notifyOne(ctx, request, fmt.Sprintf("owners-%s-%d", s.Key, now.Unix()), now)
	}
}
