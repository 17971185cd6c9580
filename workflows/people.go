package workflows

import (
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
)

// onPeople receives the departments' new people the term sends after an
// amendment and hands each batch to take. Receiving a signal adds no
// command, so runs recorded before it replay unchanged.
func onPeople(ctx workflow.Context, take func(workflow.Context, contract.DepartmentPeople)) {
	ch := workflow.GetSignalChannel(ctx, contract.SignalDepartmentPeople)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var p contract.DepartmentPeople
			ch.Receive(ctx, &p)
			take(ctx, p)
		}
	})
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
