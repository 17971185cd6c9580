package workflows

import (
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
)

// onSignal hands every signal of that name, in the order they came, to
// take on a coroutine of its own. Receiving a signal adds no command, so
// runs recorded before a part took a signal replay unchanged.
func onSignal[T any](ctx workflow.Context, name string, take func(workflow.Context, T)) workflow.ReceiveChannel {
	ch := workflow.GetSignalChannel(ctx, name)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var v T
			ch.Receive(ctx, &v)
			take(ctx, v)
		}
	})
	return ch
}

// onPeople takes the departments' new people the term sends after an
// amendment.
func onPeople(ctx workflow.Context, take func(workflow.Context, contract.DepartmentPeople)) {
	onSignal(ctx, contract.SignalDepartmentPeople, take)
}

// takePeople gives the help desk the departments' new heads: they request
// help from now on. Tasks already requested keep their requester.
func (h *helpDesk) takePeople(_ workflow.Context, p contract.DepartmentPeople) {
	for _, d := range p.Departments {
		if _, ok := h.depts[d.ID]; !ok {
			continue
		}
		td := contract.TaskDepartment{ID: d.ID, Name: d.Name, Head: d.Head}
		h.depts[d.ID] = td
		for i := range h.in.Departments {
			if h.in.Departments[i].ID == d.ID {
				h.in.Departments[i] = td
			}
		}
	}
}

// takePeople gives the onboarding its department's new head, who hears
// about those overdue from now on.
func (w *onboarding) takePeople(_ workflow.Context, p contract.DepartmentPeople) {
	for _, d := range p.Departments {
		if d.ID == w.in.Department.ID {
			w.in.Department.Head, w.in.Department.Name = d.Head, d.Name
		}
	}
}
