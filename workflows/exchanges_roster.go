package workflows

import (
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
)

// setupRoster takes the department's people as the term's amendments send
// them. Receiving a signal adds no command, so runs recorded before it
// replay unchanged.
func (w *exchanges) setupRoster(ctx workflow.Context) {
	w.rosters = onSignal(ctx, contract.SignalExchangesRoster, func(ctx workflow.Context, r contract.ExchangesRoster) {
		secretary, escalation := w.minutesPeople()
		w.takeRoster(r)
		if r.Secretary.Email != secretary || emailsOf(r.MinutesEscalateTo) != escalation {
			w.moveOpenMinutes(ctx, r)
		}
	})
}

// moveOpenMinutes gives the minutes still open of exchanges already held to
// the new secretary, escalating to the new head: a new person takes them
// at once, not from the next exchange.
func (w *exchanges) moveOpenMinutes(ctx workflow.Context, r contract.ExchangesRoster) {
	now := w.planNow(ctx)
	for _, m := range w.in.Meetings[:min(w.in.Next, len(w.in.Meetings))] {
		in := w.minutesInput(m)
		if !slotCloses(w.in.TimeZone, in.LateDays, in.Slots[0].Due).After(now) {
			continue
		}
		slot := in.Slots[0]
		slot.Due = time.Time{} // the collection keeps its dates
		slot.Owners, slot.EscalateTo = []plan.Person{r.Secretary}, r.MinutesEscalateTo
		id := contract.MinutesWorkflowID(w.in.TermID, w.in.Department.ID, m.Number)
		if err := workflow.SignalExternalWorkflow(ctx, id, "", contract.SignalCollectionSlots,
			contract.CollectionSlots{Slots: []contract.Slot{slot}, LateDays: in.LateDays}).Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Warn("minutes not moved to the new people", "workflow", id, "error", err)
		}
	}
}

// drainRosters takes the rosters delivered but not yet received, so none
// is lost to continue-as-new.
func (w *exchanges) drainRosters() {
	for {
		var r contract.ExchangesRoster
		if w.rosters == nil || !w.rosters.ReceiveAsync(&r) {
			return
		}
		w.takeRoster(r)
	}
}

// takeRoster applies a newer roster at once while the current exchange has
// not been invited to, and otherwise from the next exchange.
func (w *exchanges) takeRoster(r contract.ExchangesRoster) {
	if r.Version <= w.in.RosterVersion || (w.in.PendingRoster != nil && r.Version <= w.in.PendingRoster.Version) ||
		r.Department.ID != w.in.Department.ID || len(r.Department.Officers) == 0 {
		return
	}
	if w.cur != nil && !w.invited {
		w.applyRoster(r)
		return
	}
	w.in.PendingRoster = &r
}

// applyRoster makes r the department's people. Marks and counts follow the
// officers by email; those who left keep their counts among the former.
func (w *exchanges) applyRoster(r contract.ExchangesRoster) {
	oldIndex, oldOfficers := w.index, w.in.Department.Officers
	oldSignIns, oldExcuses := w.signIns, w.excuses
	counts := map[string]contract.OfficerAttendance{}
	for _, c := range w.counts {
		counts[c.Email] = c
	}
	for _, c := range w.in.Former {
		counts[c.Email] = c
	}
	w.in.Department, w.in.Secretary, w.in.MinutesEscalateTo = r.Department, r.Secretary, r.MinutesEscalateTo
	w.in.RosterVersion, w.in.PendingRoster = r.Version, nil

	w.index = map[string]int{}
	w.counts = nil
	w.signIns = make([]*mark, len(r.Department.Officers))
	w.excuses = make([]*mark, len(r.Department.Officers))
	for i, o := range r.Department.Officers {
		w.index[o.Email] = i
		c := counts[o.Email]
		c.Email, c.Name = o.Email, o.Name
		w.counts = append(w.counts, c)
		if j, ok := oldIndex[o.Email]; ok && j < len(oldSignIns) {
			w.signIns[i], w.excuses[i] = oldSignIns[j], oldExcuses[j]
		}
	}
	var former []contract.OfficerAttendance
	for _, c := range w.in.Former {
		if _, back := w.index[c.Email]; !back {
			former = append(former, c)
		}
	}
	for _, o := range oldOfficers {
		if _, stays := w.index[o.Email]; !stays && !hasEmail(former, o.Email) {
			former = append(former, counts[o.Email])
		}
	}
	w.in.Former = former
}

func hasEmail(list []contract.OfficerAttendance, email string) bool {
	for _, c := range list {
		if c.Email == email {
			return true
		}
	}
	return false
}

// minutesPeople are who takes the minutes and who hears when they are
// missing, as the series runs now (a newer roster may be pending).
func (w *exchanges) minutesPeople() (string, string) {
	if r := w.in.PendingRoster; r != nil {
		return r.Secretary.Email, emailsOf(r.MinutesEscalateTo)
	}
	return w.in.Secretary.Email, emailsOf(w.in.MinutesEscalateTo)
}

func emailsOf(people []plan.Person) string {
	var b strings.Builder
	for _, p := range people {
		b.WriteString(p.Email + ",")
	}
	return b.String()
}
