package workflows

import (
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
)

// setupRoster takes the department's people as the term's amendments send
// them. Receiving a signal adds no command, so runs recorded before it
// replay unchanged.
func (w *exchanges) setupRoster(ctx workflow.Context) {
	w.rosters = workflow.GetSignalChannel(ctx, contract.SignalExchangesRoster)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var r contract.ExchangesRoster
			w.rosters.Receive(ctx, &r)
			w.takeRoster(r)
		}
	})
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
