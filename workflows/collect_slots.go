package workflows

import (
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
)

// setupSlotsFromParent takes the new schedule a parent sends after an
// amendment of the plan. Receiving a signal adds no command.
func (c *collection) setupSlotsFromParent(ctx workflow.Context) {
	ch := workflow.GetSignalChannel(ctx, contract.SignalCollectionSlots)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var s contract.CollectionSlots
			ch.Receive(ctx, &s)
			c.reschedule(ctx, s)
		}
	})
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
		if c.subs[i] == nil && !c.closed[i] && sl.Due.After(now) {
			c.in.Slots[i].Due = sl.Due
			c.in.Slots[i].Label = sl.Label
		}
	}
	c.rescheduled, c.rescheduledAt = true, now
	c.showProgress(ctx, "open")
}
