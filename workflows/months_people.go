package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
)

// monthChild is one of the month's collections that asks the departments.
type monthChild struct {
	kind string
	f    *collectionRun
	// slots builds its slots from the month's departments.
	slots func() contract.CollectionInput
}

// setupPeople takes the departments' new heads and secretaries. Receiving a
// signal adds no command, so runs recorded before it replay unchanged.
func (m *month) setupPeople(ctx workflow.Context) {
	onPeople(ctx, m.takePeople)
	onSignal(ctx, contract.SignalMonthJudging, func(_ workflow.Context, j contract.MonthJudging) {
		if !m.scoring && len(j.Judges) > 0 && len(j.Criteria) > 0 {
			m.in.Judges, m.in.Criteria, m.in.MaxScore = j.Judges, j.Criteria, j.MaxScore
		}
	})
}

// takePeople updates the departments and moves what the month's running
// collections ask of them to the new people: the old ones' links then say
// where the task went.
func (m *month) takePeople(ctx workflow.Context, p contract.DepartmentPeople) {
	if p.Version <= m.peopleVersion {
		return
	}
	m.peopleVersion = p.Version
	for _, d := range p.Departments {
		for i := range m.in.Departments {
			if m.in.Departments[i].ID == d.ID {
				m.in.Departments[i] = d
			}
		}
	}
	for _, c := range m.children {
		if c.f == nil || c.f.IsReady() {
			continue
		}
		in := c.slots()
		update := contract.CollectionSlots{LateDays: in.LateDays}
		for _, s := range in.Slots {
			s.Due = time.Time{} // the collection keeps its dates
			update.Slots = append(update.Slots, s)
		}
		c.f.signalSlots(ctx, update)
	}
}
