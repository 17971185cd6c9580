package activities_test

import (
	"context"
	"strings"
	"testing"

	"semesterflow/contract"
	"semesterflow/plan"
)

func TestHelpRequestAssignmentAndCompletionOnce(t *testing.T) {
	h := newPartsHarness(t)
	ctx := context.Background()
	requester, coordinator, assignee := h.person("Sun Hao"), h.person("Zhang Hua"), h.person("Lin Yue")
	req := contract.RecordHelpRequestInput{
		TermID: h.termID, TermName: "Fall term 2026", TimeZone: plan.MustZone("Asia/Shanghai"),
		TaskID: "t1", DepartmentID: "publicity", DepartmentName: "Publicity Department", Requester: requester,
		Description: "Two people for the leaflets.", Due: h.at("2026-10-10 23:59"), At: h.at("2026-10-01 10:00"),
		Coordinator: coordinator, AuditKey: "update/request-1",
	}
	first := h.deliver(h.acts.RecordHelpRequest, req)
	second := h.deliver(h.acts.RecordHelpRequest, req)
	if first.Sent != 1 || second.Sent != 0 || second.AlreadySent != 1 {
		t.Errorf("request runs %+v then %+v; want one email, sent once", first, second)
	}
	msg := h.only(coordinator.Email)
	h.contains("request", msg, "Sun Hao", "Two people for the leaflets.", "Sat 10 Oct 2026, 23:59 (Asia/Shanghai)",
		"starter assign --term "+h.termID+" --email "+coordinator.Email+" --task t1 --officer EMAIL")

	asg := contract.RecordTaskAssignmentInput{
		TermID: h.termID, TermName: "Fall term 2026", TimeZone: plan.MustZone("Asia/Shanghai"),
		TaskID: "t1", DepartmentName: "Publicity Department", Description: req.Description, Due: req.Due,
		Requester: requester, Assignee: assignee, AssignedBy: coordinator, At: h.at("2026-10-02 09:00"), AuditKey: "update/assign-1",
	}
	h.deliver(h.acts.RecordTaskAssignment, asg)
	if again := h.deliver(h.acts.RecordTaskAssignment, asg); again.Sent != 0 || again.AlreadySent != 1 {
		t.Errorf("second assignment run %+v, want nothing sent", again)
	}
	msg = h.only(requester.Email)
	if msg.Subject != "Lin Yue will help the Publicity Department (t1)" {
		t.Errorf("subject %q", msg.Subject)
	}
	h.contains("assignment", msg, "Lin Yue", assignee.Email, "Zhang Hua")

	done := h.at("2026-10-09 18:00")
	out := contract.CompleteHelpTasksInput{TermID: h.termID, Outcomes: []contract.TaskOutcome{{TaskID: "t1", Status: contract.TaskDone, CompletedAt: &done}}}
	for range 2 {
		if _, err := h.env.ExecuteActivity(h.acts.CompleteHelpTasks, out); err != nil {
			t.Fatal(err)
		}
	}
	tasks, err := h.store.HelpTasks(ctx, h.termID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 1 {
		t.Fatalf("%d help tasks, want 1", len(tasks))
	}
	if tk := tasks[0]; tk.Status != contract.TaskDone || tk.Requester != requester.Email || tk.Assignee != assignee.Email ||
		tk.AssignedBy != coordinator.Email || tk.CompletedAt == nil || !tk.CompletedAt.Equal(done) || tk.DepartmentID != "publicity" {
		t.Errorf("task row = %+v", tk)
	}
	audit, err := h.store.AuditEntries(ctx, h.termID)
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 2 || audit[0].Action != "request_help" || audit[0].Actor != requester.Email ||
		audit[1].Action != "assign_task" || audit[1].Actor != coordinator.Email {
		t.Errorf("audit = %+v, want the request then the assignment", audit)
	}

	// Assigning the task to someone else afterwards fails for good.
	other := asg
	other.Assignee, other.AuditKey = h.person("Huang Bo"), "update/assign-2"
	if _, err := h.env.ExecuteActivity(h.acts.RecordTaskAssignment, other); err == nil {
		t.Error("reassigning t1 to another officer succeeded")
	}
}

// FindOfficer answers from the term's directory: a serving officer with
// their department, nobody for a stranger or for one who left.
func TestFindOfficerReadsTheDirectory(t *testing.T) {
	h := newEvalHarness(t)
	ma, guo := h.in.Officers[0], h.in.Officers[1]
	amended := *h.plan
	amended.Departments = append([]plan.Department(nil), h.plan.Departments...)
	amended.Departments[0].Officers = []plan.Person{ma, h.in.Officers[2]}
	h.run(h.acts.SavePlanVersions, contract.SavePlanVersionInput{
		TermID: h.plan.Term.ID, Directory: true,
		Versions: []contract.PlanVersion{{Version: 2, Hash: "v2", Plan: amended, By: h.plan.Leaders[0].Email, At: h.in.At}},
	}, nil)

	find := func(email string) contract.FindOfficerResult {
		var res contract.FindOfficerResult
		h.run(h.acts.FindOfficer, contract.FindOfficerInput{TermID: h.plan.Term.ID, Email: email}, &res)
		return res
	}
	if got := find(strings.ToUpper(ma.Email)); !got.Found || got.Officer.Name != "Ma Li" || got.Officer.Role != "Designer" || got.DepartmentID != "publicity" {
		t.Errorf("Ma Li, written in capitals: %+v", got)
	}
	if got := find(guo.Email); got.Found {
		t.Errorf("Guo Rui, who left, found: %+v", got)
	}
	if got := find("stranger@example.edu"); got.Found {
		t.Errorf("a stranger found: %+v", got)
	}
}
