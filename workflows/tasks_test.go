package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// helpDeskFixture runs the HelpDesk of contestPlan's term with real task
// collections on the test clock; activities are mocked and recorded.
type helpDeskFixture struct {
	*contestFixture
	requests    []contract.RecordHelpRequestInput
	assignments []contract.RecordTaskAssignmentInput
	completed   []contract.TaskOutcome
	// mailed are the help desk's own emails: "requested t1 10-01 10:00".
	mailed []string
}

// newHelpDeskFixture mocks the help desk's activities; its emails and its
// records of finished tasks take as long as given (test time), and fail
// with mailErr when set.
func newHelpDeskFixture(t *testing.T) *helpDeskFixture {
	t.Helper()
	return newSlowHelpDeskFixture(t, 0, 0, nil)
}

func newSlowHelpDeskFixture(t *testing.T, mailDelay, completeDelay time.Duration, mailErr error) *helpDeskFixture {
	t.Helper()
	f := &helpDeskFixture{contestFixture: newContestFixture(t)}
	f.env.OnActivity(acts.StoreHelpRequest, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.RecordHelpRequestInput) error {
			f.requests = append(f.requests, in)
			return nil
		})
	f.env.OnActivity(acts.StoreTaskAssignment, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.RecordTaskAssignmentInput) error {
			f.assignments = append(f.assignments, in)
			return nil
		})
	f.env.OnActivity(acts.NotifyHelpRequested, mock.Anything, mock.Anything).After(mailDelay).Return(
		func(_ context.Context, in contract.RecordHelpRequestInput) (contract.DeliveryResult, error) {
			f.mailed = append(f.mailed, "requested "+in.TaskID+" "+f.now())
			return contract.DeliveryResult{Sent: 1}, mailErr
		})
	f.env.OnActivity(acts.NotifyTaskAssigned, mock.Anything, mock.Anything).After(mailDelay).Return(
		func(_ context.Context, in contract.RecordTaskAssignmentInput) (contract.DeliveryResult, error) {
			f.mailed = append(f.mailed, "assigned "+in.TaskID+" "+f.now())
			return contract.DeliveryResult{Sent: 1}, mailErr
		})
	f.env.OnActivity(acts.CompleteHelpTasks, mock.Anything, mock.Anything).After(completeDelay).Return(
		func(_ context.Context, in contract.CompleteHelpTasksInput) error {
			f.completed = append(f.completed, in.Outcomes...)
			return nil
		})
	return f
}

// timedUpdate is an update whose completion time (plan time) is noted.
type timedUpdate struct {
	anyUpdate
	doneAt string
}

func (f *helpDeskFixture) timed(local, name string, arg any) *timedUpdate {
	u := &timedUpdate{}
	f.env.RegisterDelayedCallback(func() {
		cb := u.callbacks()
		complete := cb.OnComplete
		cb.OnComplete = func(v any, err error) { u.doneAt = f.now(); complete(v, err) }
		f.env.UpdateWorkflow(name, fmt.Sprintf("%s-%s", name, local), cb, arg)
	}, f.after(local))
	return u
}

func (f *helpDeskFixture) update(local, name string, arg any) *anyUpdate {
	u := &anyUpdate{}
	f.env.RegisterDelayedCallback(func() {
		f.env.UpdateWorkflow(name, fmt.Sprintf("%s-%s-%v", name, local, arg), u.callbacks(), arg)
	}, f.after(local))
	return u
}

func (f *helpDeskFixture) request(local, email, dept, due, text string) *anyUpdate {
	return f.update(local, contract.UpdateRequestHelp, contract.RequestHelpInput{Email: email, Department: dept, Due: due, Text: text})
}

func (f *helpDeskFixture) assign(local, email, task, officer string) *anyUpdate {
	return f.update(local, contract.UpdateAssignTask, contract.AssignTaskInput{Email: email, Task: task, Officer: officer})
}

func (f *helpDeskFixture) input() contract.HelpDeskInput {
	return contract.HelpDeskInputFrom(*f.plan, plan.ProductionClock(f.start), "")
}

func (f *helpDeskFixture) run(in contract.HelpDeskInput) contract.HelpDeskProgress {
	f.t.Helper()
	f.env.ExecuteWorkflow(workflows.HelpDesk, in)
	if err := f.env.GetWorkflowError(); err != nil {
		f.t.Fatalf("help desk failed: %v", err)
	}
	var got contract.HelpDeskProgress
	if err := f.env.GetWorkflowResult(&got); err != nil {
		f.t.Fatal(err)
	}
	return got
}

func checkRejections(t *testing.T, cases []struct {
	name string
	u    *anyUpdate
	want string
}) {
	t.Helper()
	for _, c := range cases {
		if got := c.u.rejection(); got != c.want {
			t.Errorf("%s: rejection %q, want %q", c.name, got, c.want)
		}
		if c.want == "" && c.u.err != nil {
			t.Errorf("%s: failed: %v", c.name, c.u.err)
		}
	}
}

func TestHelpDeskRequests(t *testing.T) {
	f := newHelpDeskFixture(t)
	head := f.request("2026-10-01 10:00", "Sun.Hao@example.edu", "", "2026-10-10", " Two people for the leaflets. ")
	leader := f.request("2026-10-01 11:00", "li.wei@example.edu", "organization", "2026-10-20", "Help with the archive.")
	stranger := f.request("2026-10-01 12:00", "ma.li@example.edu", "publicity", "2026-10-10", "x")
	otherDept := f.request("2026-10-01 12:01", "sun.hao@example.edu", "organization", "2026-10-10", "x")
	noDept := f.request("2026-10-01 12:02", "li.wei@example.edu", "", "2026-10-10", "x")
	unknownDept := f.request("2026-10-01 12:03", "li.wei@example.edu", "sports", "2026-10-10", "x")
	past := f.request("2026-10-01 12:04", "sun.hao@example.edu", "publicity", "2026-09-30", "x")
	outside := f.request("2026-10-01 12:05", "sun.hao@example.edu", "publicity", "2027-02-01", "x")
	badDate := f.request("2026-10-01 12:06", "sun.hao@example.edu", "publicity", "10/10/2026", "x")
	empty := f.request("2026-10-01 12:07", "sun.hao@example.edu", "publicity", "2026-10-10", "  ")
	today := f.request("2026-10-01 12:08", "sun.hao@example.edu", "publicity", "2026-10-01", "Today, please.")
	var mid contract.HelpDeskProgress
	f.env.RegisterDelayedCallback(func() { mid = queryAs[contract.HelpDeskProgress](t, f.env, contract.QueryProgress) }, f.after("2026-10-01 13:00"))
	got := f.run(f.input())

	checkRejections(t, []struct {
		name string
		u    *anyUpdate
		want string
	}{
		{"head", head, ""},
		{"leader", leader, ""},
		{"stranger", stranger, "ma.li@example.edu is neither a department head nor a leader of Fall term 2026; ask your department head to request help"},
		{"another department", otherDept, "sun.hao@example.edu heads the Publicity Department, not the Organization Department; ask for help for your own department"},
		{"leader without department", noDept, "say which department needs the help (its ID)"},
		{"unknown department", unknownDept, `"sports" is not a department of Fall term 2026`},
		{"past due date", past, "the due date 2026-09-30 has passed; it is now Thu 1 Oct 2026, 12:04 (Asia/Shanghai)"},
		{"outside the term", outside, "the due date 2027-02-01 is outside the term (2026-09-01 to 2027-01-15)"},
		{"not a date", badDate, `the due date "10/10/2026" is not a date; write it as YYYY-MM-DD`},
		{"empty text", empty, "describe the help you need: the text is empty"},
		{"due today", today, ""},
	})
	if r, ok := head.value.(contract.RequestHelpResult); !ok || r.TaskID != "t1" || r.Coordinator.Email != "zhang.hua@example.edu" {
		t.Errorf("head's request = %+v, want t1 with Zhang Hua coordinating", head.value)
	}
	if r, ok := leader.value.(contract.RequestHelpResult); !ok || r.TaskID != "t2" {
		t.Errorf("leader's request = %+v, want t2", leader.value)
	}
	if len(f.requests) != 3 {
		t.Fatalf("%d requests recorded, want 3", len(f.requests))
	}
	r := f.requests[0]
	if r.TaskID != "t1" || r.DepartmentID != "publicity" || r.Requester.Name != "Sun Hao" || r.Coordinator.Email != "zhang.hua@example.edu" ||
		r.Description != "Two people for the leaflets." || r.Due.In(f.plan.Location()).Format("2006-01-02 15:04") != "2026-10-10 23:59" ||
		!strings.HasPrefix(r.AuditKey, "update/") {
		t.Errorf("first request recorded as %+v", r)
	}
	if f.requests[1].Requester.Name != "Li Wei" || f.requests[1].DepartmentID != "organization" {
		t.Errorf("leader's request recorded as %+v", f.requests[1])
	}
	if mid.Counts.Requested != 3 || len(mid.Tasks) != 3 || mid.Phase != contract.HelpDeskOpen {
		t.Errorf("progress after the requests = %+v, want 3 requested", mid)
	}
	if got.Phase != contract.HelpDeskClosed || got.Counts.Requested != 3 {
		t.Errorf("final progress = %+v", got)
	}
}

func TestHelpDeskAssignmentsAndTheirCollections(t *testing.T) {
	f := newHelpDeskFixture(t)
	f.request("2026-10-01 10:00", "sun.hao@example.edu", "publicity", "2026-10-10", "Two people for the leaflets.")
	f.request("2026-10-01 11:00", "zhou.min@example.edu", "organization", "2026-10-20", "Help with the archive.")
	f.request("2026-10-01 11:30", "zhou.min@example.edu", "organization", "2026-10-05", "Chairs for the meeting.")
	notCoordinator := f.assign("2026-10-02 09:00", "zhou.min@example.edu", "t1", "lin.yue@example.edu")
	unknownTask := f.assign("2026-10-02 09:01", "zhang.hua@example.edu", "t9", "lin.yue@example.edu")
	notHelper := f.assign("2026-10-02 09:02", "zhang.hua@example.edu", "t1", "ma.li@example.edu")
	ok := f.assign("2026-10-02 09:03", "Zhang.Hua@example.edu", "t1", "Lin.Yue@example.edu")
	twice := f.assign("2026-10-02 09:04", "li.wei@example.edu", "t1", "huang.bo@example.edu")
	byLeader := f.assign("2026-10-02 09:05", "li.wei@example.edu", "t2", "huang.bo@example.edu")
	tooLate := f.assign("2026-10-08 09:00", "zhang.hua@example.edu", "t3", "huang.bo@example.edu")
	var done anyUpdate
	f.env.RegisterDelayedCallback(func() {
		if err := f.env.UpdateWorkflowByID(contract.TaskWorkflowID("2026-fall", "t1"), contract.UpdateSubmit, "done-t1",
			done.callbacks(), contract.SubmitInput{Email: "lin.yue@example.edu", Text: "Handed out 500 leaflets."}); err != nil {
			t.Errorf("submit t1: %v", err)
		}
	}, f.after("2026-10-09 18:00"))
	got := f.run(f.input())

	checkRejections(t, []struct {
		name string
		u    *anyUpdate
		want string
	}{
		{"not the coordinator", notCoordinator, "zhou.min@example.edu is neither the coordinator (Zhang Hua) nor a leader; only they assign help tasks"},
		{"unknown task", unknownTask, `"t9" is not a help task of Fall term 2026; tasks are named t1, t2, ... in the request emails`},
		{"not an organization officer", notHelper, `"ma.li@example.edu" is not an officer of the Organization Department; assign one of its officers`},
		{"coordinator", ok, ""},
		{"already assigned", twice, "task t1 is already assigned to Lin Yue (lin.yue@example.edu)"},
		{"leader", byLeader, ""},
		{"past its late days", tooLate, "task t3 was due on Mon 5 Oct 2026, 23:59 (Asia/Shanghai) and can no longer be done; ask Zhou Min to request it again with a new date"},
	})
	if done.rejected != nil || done.err != nil {
		t.Fatalf("Lin Yue's completion: %v / %v", done.rejected, done.err)
	}

	in, found := f.children["semester/2026-fall/tasks/t1"]
	if !found {
		t.Fatalf("t1's collection not started; children %v", f.children)
	}
	s := in.Slots[0]
	if in.Kind != "task" || in.Scope != "tasks" || in.LateDays != 2 || len(in.Slots) != 1 || s.Key != "t1" ||
		len(s.Owners) != 1 || s.Owners[0].Email != "lin.yue@example.edu" || s.Owners[0].Name != "Lin Yue" ||
		len(s.EscalateTo) != 2 || s.EscalateTo[0].Email != "sun.hao@example.edu" || s.EscalateTo[1].Email != "zhang.hua@example.edu" ||
		s.Due.In(f.plan.Location()).Format("2006-01-02 15:04") != "2026-10-10 23:59" || len(in.RemindDaysBefore) != 1 || in.RemindDaysBefore[0] != 1 {
		t.Errorf("t1's collection = %+v", in)
	}
	if len(f.assignments) != 2 || f.assignments[0].Requester.Email != "sun.hao@example.edu" || f.assignments[0].AssignedBy.Name != "Zhang Hua" ||
		f.assignments[1].AssignedBy.Name != "Li Wei" {
		t.Errorf("assignments recorded = %+v", f.assignments)
	}
	// t2 was never confirmed: its collection escalates on its due date and
	// ends after its late days.
	var completed []string
	for _, o := range f.completed {
		completed = append(completed, o.TaskID+" "+o.Status)
	}
	if strings.Join(completed, ", ") != "t1 done, t2 missed" {
		t.Errorf("completed = %v, want t1 done and t2 missed", completed)
	}
	if !strings.Contains(strings.Join(f.notified, "\n"), "escalation 10-20 23:59 t2") {
		t.Errorf("no escalation for t2 on its due date; notifications %v", f.notified)
	}
	status := map[string]string{}
	for _, tk := range got.Tasks {
		status[tk.ID] = tk.Status
	}
	if status["t1"] != contract.TaskDone || status["t2"] != contract.TaskMissed || status["t3"] != contract.TaskRequested {
		t.Errorf("statuses = %v", status)
	}
	if got.Counts != (contract.TaskCounts{Requested: 1, Done: 1, Missed: 1}) {
		t.Errorf("counts = %+v", got.Counts)
	}
}

func TestHelpDeskContinuesAsNewWithItsTasks(t *testing.T) {
	f := newHelpDeskFixture(t)
	f.request("2026-10-01 10:00", "sun.hao@example.edu", "publicity", "2026-10-10", "Two people for the leaflets.")
	f.env.RegisterDelayedCallback(func() { f.env.SetContinueAsNewSuggested(true) }, f.after("2026-10-02 00:00"))
	in := f.input()
	f.env.ExecuteWorkflow(workflows.HelpDesk, in)
	var can *workflow.ContinueAsNewError
	if err := f.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("error = %v, want continue-as-new", err)
	}
	var next contract.HelpDeskInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	st := next.State
	if st == nil || st.NextID != 2 || len(st.Tasks) != 1 || st.Tasks[0].ID != "t1" || st.Tasks[0].Requester.Email != "sun.hao@example.edu" ||
		st.Tasks[0].Status != contract.TaskRequested {
		t.Fatalf("carried state = %+v, want t1 requested and t2 next", st)
	}
	if next.Coordinator.Email != "zhang.hua@example.edu" || len(next.Helpers) != 2 || next.TermID != "2026-fall" {
		t.Errorf("carried input lost its settings: %+v", next)
	}

	// The next run goes on numbering and can assign the carried task.
	g := newHelpDeskFixture(t)
	second := g.request("2026-10-03 10:00", "zhou.min@example.edu", "organization", "2026-10-20", "Help with the archive.")
	assigned := g.assign("2026-10-03 11:00", "zhang.hua@example.edu", "t1", "huang.bo@example.edu")
	got := g.run(next)
	if r, ok := second.value.(contract.RequestHelpResult); !ok || r.TaskID != "t2" {
		t.Errorf("request in the new run = %+v / %v, want t2", second.value, second.rejected)
	}
	if assigned.rejected != nil || assigned.err != nil {
		t.Errorf("assigning the carried task: %v / %v", assigned.rejected, assigned.err)
	}
	if len(got.Tasks) != 2 || got.Tasks[0].ID != "t1" || got.Tasks[0].Status != contract.TaskMissed {
		t.Errorf("tasks = %+v", got.Tasks)
	}
}

// TestHelpDeskUpdatesNeverWaitForTheirEmails: the SMTP server holds every
// email of the help desk for twelve days, then refuses it. A head's request
// and the coordinator's assignment still return at once with their rows
// recorded; the task's reminder and escalation come on their days, and the
// help desk reports both emails undelivered.
func TestHelpDeskUpdatesNeverWaitForTheirEmails(t *testing.T) {
	f := newSlowHelpDeskFixture(t, 12*24*time.Hour, 0, errors.New("451 try again later"))
	req := f.timed("2026-10-01 10:00", contract.UpdateRequestHelp,
		contract.RequestHelpInput{Email: "sun.hao@example.edu", Due: "2026-10-10", Text: "Two people for the leaflets."})
	asg := f.timed("2026-10-01 12:00", contract.UpdateAssignTask,
		contract.AssignTaskInput{Email: "zhang.hua@example.edu", Task: "t1", Officer: "lin.yue@example.edu"})
	got := f.run(f.input())

	if r, ok := req.value.(contract.RequestHelpResult); !ok || r.TaskID != "t1" || req.doneAt != "10-01 10:00" {
		t.Errorf("request returned %+v (%v) at %s, want t1 at once", req.value, req.err, req.doneAt)
	}
	if r, ok := asg.value.(contract.AssignTaskResult); !ok || r.Assignee.Email != "lin.yue@example.edu" || asg.doneAt != "10-01 12:00" {
		t.Errorf("assignment returned %+v (%v) at %s, want Lin Yue at once", asg.value, asg.err, asg.doneAt)
	}
	if len(f.requests) != 1 || f.requests[0].TaskID != "t1" || len(f.assignments) != 1 || f.assignments[0].Assignee.Email != "lin.yue@example.edu" {
		t.Errorf("rows: requests %+v, assignments %+v", f.requests, f.assignments)
	}
	notified := strings.Join(f.notified, "\n")
	for _, want := range []string{"request 10-01 12:00 t1", "reminder 10-09 09:00 t1", "escalation 10-10 23:59 t1"} {
		if !strings.Contains(notified, want) {
			t.Errorf("no %q among the task's emails:\n%s", want, notified)
		}
	}
	if strings.Join(f.mailed, ", ") != "requested t1 10-13 10:00, assigned t1 10-13 12:00" {
		t.Errorf("the help desk's emails were tried at %v", f.mailed)
	}
	want := []string{
		"the request for help t1 to the coordinator could not be delivered",
		"the notice to Sun Hao of who helps with t1 could not be delivered",
	}
	if strings.Join(got.Problems, "; ") != strings.Join(want, "; ") {
		t.Errorf("problems = %q, want %q", got.Problems, want)
	}
	if got.Counts.Missed != 1 || got.Phase != contract.HelpDeskClosed {
		t.Errorf("final progress = %+v, want t1 missed and the desk closed", got)
	}
}

// TestHelpDeskGoesOnWhileTheDatabaseIsAway: recording how a task ended
// takes 120 days (the database away). The help desk shows the task missed
// at once, takes a new request meanwhile, closes with the term, and ends
// once the record is in.
func TestHelpDeskGoesOnWhileTheDatabaseIsAway(t *testing.T) {
	f := newSlowHelpDeskFixture(t, 0, 120*24*time.Hour, nil)
	f.request("2026-10-01 10:00", "sun.hao@example.edu", "", "2026-10-10", "Two people for the leaflets.")
	f.assign("2026-10-01 12:00", "zhang.hua@example.edu", "t1", "lin.yue@example.edu")
	later := f.timed("2026-10-20 10:00", contract.UpdateRequestHelp,
		contract.RequestHelpInput{Email: "sun.hao@example.edu", Due: "2026-10-30", Text: "Chairs."})
	var mid, closed contract.HelpDeskProgress
	f.env.RegisterDelayedCallback(func() { mid = queryAs[contract.HelpDeskProgress](t, f.env, contract.QueryProgress) }, f.after("2026-10-20 11:00"))
	f.env.RegisterDelayedCallback(func() { closed = queryAs[contract.HelpDeskProgress](t, f.env, contract.QueryProgress) }, f.after("2027-01-16 00:01"))
	got := f.run(f.input())

	if mid.Counts.Missed != 1 || mid.Counts.Requested != 1 {
		t.Errorf("progress on 20 October = %+v, want t1 missed and t2 requested", mid.Counts)
	}
	if later.doneAt != "10-20 10:00" || later.err != nil {
		t.Errorf("the request of 20 October returned at %s (%v), want at once", later.doneAt, later.err)
	}
	if closed.Phase != contract.HelpDeskClosed {
		t.Errorf("phase just after the term = %q, want closed", closed.Phase)
	}
	if len(f.completed) != 1 || f.completed[0].TaskID != "t1" || f.completed[0].Status != contract.TaskMissed {
		t.Errorf("recorded outcomes = %+v, want t1 missed", f.completed)
	}
	if got.Phase != contract.HelpDeskClosed || got.Counts.Missed != 1 || got.Counts.Requested != 1 {
		t.Errorf("final progress = %+v", got)
	}
}

// A plan without an Organization Department lets any officer help. The
// help desk then carries none of them: it finds the assignee in the term's
// directory, and refuses one the directory does not list.
func TestHelpDeskFindsHelpersInTheDirectory(t *testing.T) {
	f := newHelpDeskFixture(t)
	var looked []string
	f.env.OnActivity(acts.FindOfficer, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.FindOfficerInput) (contract.FindOfficerResult, error) {
			looked = append(looked, in.Email)
			if in.Email != "ma.li@example.edu" {
				return contract.FindOfficerResult{}, nil
			}
			return contract.FindOfficerResult{Found: true, DepartmentID: "publicity",
				Officer: plan.Person{Name: "Ma Li", Email: "ma.li@example.edu", Role: "Designer"}}, nil
		})
	p := *f.plan
	p.Departments = append([]plan.Department(nil), p.Departments...)
	for i := range p.Departments {
		if p.Departments[i].ID == contract.OrganizationDepartmentID {
			p.Departments[i].ID = "secretariat"
		}
	}
	in := contract.HelpDeskInputFrom(p, plan.ProductionClock(f.start), "")
	if !in.HelpersInDirectory || len(in.Helpers) != 0 {
		t.Fatalf("input carries %d helpers (in directory %v), want none, found in the directory", len(in.Helpers), in.HelpersInDirectory)
	}
	f.request("2026-10-01 10:00", "sun.hao@example.edu", "publicity", "2026-10-10", "Two people for the leaflets.")
	stranger := f.assign("2026-10-02 09:00", "zhang.hua@example.edu", "t1", "nobody@example.edu")
	empty := f.assign("2026-10-02 09:01", "zhang.hua@example.edu", "t1", " ")
	ok := f.assign("2026-10-02 09:02", "zhang.hua@example.edu", "t1", "Ma.Li@example.edu")
	twice := f.assign("2026-10-02 09:03", "zhang.hua@example.edu", "t1", "ma.li@example.edu")
	f.run(in)

	checkRejections(t, []struct {
		name string
		u    *anyUpdate
		want string
	}{
		{"no officer named", empty, "say whom to assign: the officer's email address is empty"},
		{"an officer of the directory", ok, ""},
		{"already assigned", twice, "task t1 is already assigned to Ma Li (ma.li@example.edu)"},
	})
	// Only the directory can tell, so the stranger's assignment is taken,
	// then refused with the same words a validator would use.
	if want := `"nobody@example.edu" is not an officer of Fall term 2026`; stranger.rejected != nil || stranger.err == nil || !strings.Contains(stranger.err.Error(), want) {
		t.Errorf("the stranger's assignment: rejected %v, failed %v; want it refused with %q", stranger.rejected, stranger.err, want)
	}
	if strings.Join(looked, " ") != "nobody@example.edu ma.li@example.edu" {
		t.Errorf("looked up %v, want the stranger, then Ma Li (the refusals before any lookup)", looked)
	}
	if len(f.assignments) != 1 || f.assignments[0].Assignee.Name != "Ma Li" {
		t.Errorf("assignments recorded = %+v, want Ma Li by the name the directory gives", f.assignments)
	}
}
