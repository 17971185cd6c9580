package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
)

// changeContestAmend is the workflow.GetVersion change under which the
// contest's waits follow its dates when an amendment of the plan moves
// them.
const changeContestAmend = "contest-amend"

// setupAmendments takes the term's amended contest. Receiving a signal adds
// no command, so runs recorded before it replay unchanged.
func (c *contest) setupAmendments(ctx workflow.Context) {
	onSignal(ctx, contract.SignalContestPlan, c.amend)
}

// amend takes the new dates while the contest has not taken place, and
// reschedules the milestones' collection.
func (c *contest) amend(ctx workflow.Context, in contract.ContestInput) {
	if !c.amendable || !c.planNow(ctx).Before(c.in.At) {
		return
	}
	c.in.Name, c.in.Where, c.in.At = in.Name, in.Where, in.At
	c.in.AtRiskAt, c.in.ResultsReminderAt, c.in.ResultsDue = in.AtRiskAt, in.ResultsReminderAt, in.ResultsDue
	c.in.RemindDaysBefore, c.in.MilestonesLateDays = in.RemindDaysBefore, in.MilestonesLateDays
	c.in.Milestones = in.Milestones
	c.moved = true
	c.sendReport(ctx, false)
	if len(c.in.Milestones) == 0 {
		return
	}
	slots := contract.CollectionSlots{LateDays: c.in.MilestonesLateDays}
	for _, m := range c.in.Milestones {
		slots.Slots = append(slots.Slots, contract.Slot{Key: m.Key, Label: m.Title, Due: m.Due, Owners: []plan.Person{m.Owner}, EscalateTo: c.in.Leaders})
	}
	id := contract.ContestMilestonesWorkflowID(c.in.TermID)
	if err := workflow.SignalExternalWorkflow(ctx, id, "", contract.SignalCollectionSlots, slots).Get(ctx, nil); err != nil {
		c.beside.problems = append(c.beside.problems, "the milestones could not be moved with the contest")
		workflow.GetLogger(ctx).Warn("milestones not rescheduled", "error", err)
	}
}

// waitFor waits until the plan time at() gives, following it when an
// amendment moves it; it returns early when stop says so.
func (c *contest) waitFor(ctx workflow.Context, at func() time.Time, summary string, stop func() bool) bool {
	for {
		c.moved = false
		d := c.in.Clock.Real(at()).Sub(workflow.Now(ctx))
		if stop() {
			return true
		}
		if d <= 0 {
			return false
		}
		ok, _ := workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{
			Timeout:      d,
			TimerOptions: workflow.TimerOptions{Summary: summary},
		}, func() bool { return c.moved || stop() })
		if ok && !c.moved {
			return true
		}
		if !ok {
			return false
		}
	}
}
