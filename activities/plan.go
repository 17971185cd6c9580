package activities

import (
	"context"
	"encoding/json"
	"strconv"

	"go.temporal.io/sdk/activity"

	"semesterflow/contract"
	"semesterflow/plan"
	"semesterflow/store"
)

// directoryOf is the personnel directory a plan describes.
func directoryOf(p plan.Plan, workflowID string) (store.Directory, error) {
	dir := store.Directory{
		Term: store.Term{ID: p.Term.ID, Name: p.Term.Name, TimeZone: p.Term.TimeZone, WorkflowID: workflowID},
	}
	loc := p.Zone().Location()
	var err error
	if dir.Term.StartsOn, err = p.Term.Starts.In(loc); err != nil {
		return dir, contract.InvalidPlan("term.starts", err)
	}
	if dir.Term.EndsOn, err = p.Term.Ends.In(loc); err != nil {
		return dir, contract.InvalidPlan("term.ends", err)
	}
	for i, l := range p.Leaders {
		dir.Leaders = append(dir.Leaders, store.Leader{TermID: p.Term.ID, Email: l.Email, Name: l.Name, Role: l.Role, Position: i})
	}
	position := 0
	for i, d := range p.Departments {
		dir.Departments = append(dir.Departments, store.Department{
			TermID: p.Term.ID, ID: d.ID, Name: d.Name,
			HeadName: d.Head.Name, HeadEmail: d.Head.Email, Position: i,
		})
		for _, o := range d.Officers {
			dir.Officers = append(dir.Officers, store.Officer{
				TermID: p.Term.ID, Email: o.Email, DepartmentID: d.ID,
				Name: o.Name, Role: o.Role, Position: position,
			})
			position++
		}
	}
	return dir, nil
}

// SavePlanVersions stores versions of a term's plan with the audit entry of
// the amendment that made the last one, then re-saves the directory from
// it when asked. Each step is idempotent, so a retry changes nothing.
func (a *Activities) SavePlanVersions(ctx context.Context, in contract.SavePlanVersionInput) error {
	if len(in.Versions) == 0 {
		return contract.BadInput("save plan versions: no version given", nil)
	}
	rows := make([]store.PlanVersion, len(in.Versions))
	for i := range in.Versions {
		v := &in.Versions[i]
		p, err := a.planOf(ctx, v.Plan, v.PlanRef)
		if err != nil {
			return err
		}
		v.Plan = p
		planJSON, err := json.Marshal(v.Plan)
		if err != nil {
			return contract.BadInput("plan version "+strconv.Itoa(v.Version), err)
		}
		changes, err := json.Marshal(v.Changes)
		if err != nil {
			return contract.BadInput("changes of plan version "+strconv.Itoa(v.Version), err)
		}
		if v.Changes == nil {
			changes = []byte("[]")
		}
		rows[i] = store.PlanVersion{
			TermID: in.TermID, Version: v.Version, Hash: v.Hash, Plan: planJSON, Source: v.Source,
			MadeBy: v.By, PlanTime: v.At, Changes: changes,
		}
	}
	last := in.Versions[len(in.Versions)-1]
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	var audit *store.AuditEntry
	if in.AuditKey != "" {
		applied := make([]string, len(last.Changes))
		for i, c := range last.Changes {
			applied[i] = c.Path
		}
		audit = &store.AuditEntry{
			Key: in.AuditKey, TermID: in.TermID, WorkflowID: workflowID, Actor: last.By,
			Action: contract.ActionAmendPlan, Subject: "plan version " + strconv.Itoa(last.Version),
			Payload:  map[string]any{"version": last.Version, "hash": last.Hash, "changes": applied},
			PlanTime: last.At,
		}
	}
	if err := a.Store.SavePlanVersions(ctx, rows, audit); err != nil {
		return storeError("save plan version "+strconv.Itoa(last.Version)+" of "+in.TermID, err)
	}
	if !in.Directory {
		return nil
	}
	dir, err := directoryOf(last.Plan, workflowID)
	if err != nil {
		return err
	}
	dir.AmendedAt = last.At
	if err := a.Store.SaveDirectory(ctx, dir); err != nil {
		return storeError("save the amended directory of "+in.TermID, err)
	}
	return nil
}
