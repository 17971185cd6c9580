package store

import (
	"context"
	"errors"
	"maps"
	"testing"
	"time"

	"semesterflow/contract"
)

func helpTask(t *testing.T, id string) HelpTask {
	t.Helper()
	return HelpTask{TermID: "2026-fall", TaskID: id, DepartmentID: "publicity", Requester: "sun.hao@example.edu",
		Description: "Two people to hand out leaflets", DueAt: at(t, "2026-10-10T23:59:00+08:00"),
		RequestedAt: at(t, "2026-10-01T10:00:00+08:00")}
}

func auditFor(key, actor, action string, planTime time.Time) AuditEntry {
	return AuditEntry{Key: key, TermID: "2026-fall", Actor: actor, Action: action, Subject: "t1", PlanTime: planTime}
}

func TestHelpTaskLifecycle(t *testing.T) {
	db, s := newTestStore(t)
	ctx := context.Background()
	t1, t2 := helpTask(t, "t1"), helpTask(t, "t2")
	t2.RequestedAt = t2.RequestedAt.Add(time.Hour)
	for range 2 {
		if err := s.RequestHelp(ctx, t1, auditFor("update/r1", t1.Requester, "request_help", t1.RequestedAt)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RequestHelp(ctx, t2, auditFor("update/r2", t2.Requester, "request_help", t2.RequestedAt)); err != nil {
		t.Fatal(err)
	}
	assignedAt := at(t, "2026-10-02T09:00:00+08:00")
	for range 2 {
		if err := s.AssignHelpTask(ctx, "2026-fall", "t1", "ma.li@example.edu", "zhang.hua@example.edu", assignedAt,
			auditFor("update/a1", "zhang.hua@example.edu", "assign_task", assignedAt)); err != nil {
			t.Fatal(err)
		}
	}
	err := s.AssignHelpTask(ctx, "2026-fall", "t1", "guo.rui@example.edu", "zhang.hua@example.edu", assignedAt,
		auditFor("update/a2", "zhang.hua@example.edu", "assign_task", assignedAt))
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("assigning t1 to someone else = %v, want ErrInvalid", err)
	}
	if err := s.AssignHelpTask(ctx, "2026-fall", "t9", "ma.li@example.edu", "zhang.hua@example.edu", assignedAt,
		auditFor("update/a3", "zhang.hua@example.edu", "assign_task", assignedAt)); err == nil {
		t.Error("assigning an unknown task succeeded")
	}

	done := at(t, "2026-10-09T18:00:00+08:00")
	outcomes := []TaskOutcome{{TaskID: "t1", Status: contract.TaskDone, CompletedAt: &done}, {TaskID: "t2", Status: contract.TaskMissed}}
	if err := s.CompleteHelpTasks(ctx, "2026-fall", outcomes); err != nil {
		t.Fatal(err)
	}
	before := rowVersions(t, db, "help_tasks", "task_id")
	if err := s.CompleteHelpTasks(ctx, "2026-fall", outcomes); err != nil {
		t.Fatal(err)
	}
	if after := rowVersions(t, db, "help_tasks", "task_id"); !maps.Equal(before, after) {
		t.Error("completing again rewrote rows")
	}

	got, err := s.HelpTasks(ctx, "2026-fall")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].TaskID != "t1" || got[1].TaskID != "t2" {
		t.Fatalf("tasks = %+v, want t1 then t2", got)
	}
	if g := got[0]; g.Status != contract.TaskDone || g.Assignee != "ma.li@example.edu" || g.AssignedBy != "zhang.hua@example.edu" ||
		g.AssignedAt == nil || !g.AssignedAt.Equal(assignedAt) || g.CompletedAt == nil || !g.CompletedAt.Equal(done) {
		t.Errorf("t1 = %+v, want done by ma.li", g)
	}
	// t2 was never assigned, so it stays requested: only assigned tasks end.
	if g := got[1]; g.Status != contract.TaskRequested || g.CompletedAt != nil {
		t.Errorf("t2 = %+v, want still requested", g)
	}
	if n := count(t, db, "SELECT count(*) FROM audit_log"); n != 3 {
		t.Errorf("%d audit rows, want 3 (two requests, one assignment)", n)
	}
	if err := s.CompleteHelpTasks(ctx, "2026-fall", []TaskOutcome{{TaskID: "t1", Status: contract.TaskMissed, CompletedAt: &done}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("missed with a completion time = %v, want ErrInvalid", err)
	}
	if err := s.RequestHelp(ctx, HelpTask{TermID: "2026-fall", TaskID: "t3"}, auditFor("update/r3", "x", "request_help", done)); !errors.Is(err, ErrInvalid) {
		t.Errorf("an empty request = %v, want ErrInvalid", err)
	}
}
