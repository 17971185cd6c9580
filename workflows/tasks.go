package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
)

// changeHelpDeskBeside is the workflow.GetVersion change under which the
// help desk's Updates wait only for their rows: the emails to the
// coordinator and the requester, its reports and the record of finished
// tasks go beside, and it carries writes still in flight across
// continue-as-new. Runs recorded before it wait for each, as they did.
const changeHelpDeskBeside = "help-desk-beside"

// carryAfter is how long, in real time, the help desk waits for its writes
// in flight before it continues as new carrying them instead.
const carryAfter = time.Minute

// maxTaskDescription bounds a request's description, in characters.
const maxTaskDescription = 2000

// HelpDesk takes the help other departments ask of the Organization
// Department from the term's start to its end: a head or a leader requests
// help (UpdateRequestHelp) and the coordinator is emailed; the coordinator
// or a leader assigns an officer (UpdateAssignTask), the requester hears
// who, and the task becomes a Collection with one slot owned by the
// assignee, with reminders and escalation to the requester and the
// coordinator.
//
// The task collections are abandoned children so that the help desk can
// continue as new. A run records a task's outcome when its collection ends;
// a task assigned in an earlier run keeps the status "assigned" here and in
// help_tasks, and its completion is in the submissions table (kind "task",
// scope "tasks", slot = task ID), which is the record to read for it.
func HelpDesk(ctx workflow.Context, in contract.HelpDeskInput) (_ contract.HelpDeskProgress, err error) {
	h := newHelpDesk(in)
	defer func() {
		if temporal.IsCanceledError(err) {
			h.cancelTasks(ctx)
		}
		h.report.failed(ctx, err)
	}()
	if err := h.setup(ctx); err != nil {
		return contract.HelpDeskProgress{}, err
	}
	return h.run(ctx)
}

type helpDesk struct {
	in      contract.HelpDeskInput
	state   contract.HelpDeskState
	index   map[string]int // task ID -> position in state.Tasks
	leaders map[string]plan.Person
	helpers map[string]plan.Person
	depts   map[string]contract.TaskDepartment
	report  *reporter
	phase   string
	closing bool
	// running counts this run's task collections still going; ended holds
	// those that ended and are not yet recorded.
	running int
	ended   []taskEnd
	changed bool
	// beside sends the emails, reports and records of finished tasks; it
	// is blocking in runs recorded before changeHelpDeskBeside.
	beside *beside
	// unstored are finished tasks whose record is still being written.
	unstored []contract.TaskOutcome
}

// taskEnd is a task collection that ended.
type taskEnd struct {
	id  string
	res contract.CollectionResult
	err error
}

func newHelpDesk(in contract.HelpDeskInput) *helpDesk {
	h := &helpDesk{
		in: in, index: map[string]int{}, leaders: map[string]plan.Person{}, helpers: map[string]plan.Person{},
		depts: map[string]contract.TaskDepartment{}, report: &reporter{termKey: in.ReportTo, part: contract.TasksPart},
		phase: contract.HelpDeskOpen,
	}
	if in.State != nil {
		h.state = *in.State
		h.report.seq = in.State.ReportSeq
	} else {
		h.state = contract.HelpDeskState{NextID: 1}
	}
	h.reindex()
	for _, l := range in.Leaders {
		h.leaders[l.Email] = l
	}
	for _, o := range in.Helpers {
		h.helpers[o.Email] = o
	}
	for _, d := range in.Departments {
		h.depts[d.ID] = d
	}
	return h
}

func (h *helpDesk) reindex() {
	clear(h.index)
	for i, t := range h.state.Tasks {
		h.index[t.ID] = i
	}
}

func (h *helpDesk) setup(ctx workflow.Context) error {
	onPeople(ctx, h.takePeople)
	if err := workflow.SetQueryHandlerWithOptions(ctx, contract.QueryProgress,
		func() (contract.HelpDeskProgress, error) { return h.progress(), nil },
		workflow.QueryHandlerOptions{Description: "Help tasks by status, and every task with its requester, assignee and due date"},
	); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateRequestHelp, h.requestHelp, workflow.UpdateHandlerOptions{
		Validator:   h.validateRequest,
		Description: "A department head or a leader asks the Organization Department for help",
	}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateAssignTask, h.assignTask, workflow.UpdateHandlerOptions{
		Validator:   h.validateAssign,
		Description: "The coordinator or a leader assigns an officer to a requested task",
	})
}

func (h *helpDesk) run(ctx workflow.Context) (contract.HelpDeskProgress, error) {
	v := workflow.GetVersion(ctx, changeHelpDeskBeside, workflow.DefaultVersion, 1)
	h.beside = &beside{blocking: v == workflow.DefaultVersion, clock: h.in.Clock}
	if !h.beside.blocking {
		h.report.beside = h.beside
		h.beside.problems = append([]string(nil), h.state.Problems...)
		if u := h.state.Unstored; u != nil {
			h.storeOutcomes(ctx, u.Tasks)
			h.report.resume(ctx, u.Report)
		}
		h.state.Problems, h.state.Unstored = nil, nil
	}
	h.showProgress(ctx)
	h.sendReport(ctx, false)
	var termEnd workflow.Future
	if d := h.in.Clock.Real(h.in.Closes).Sub(workflow.Now(ctx)); d > 0 {
		termEnd = workflow.NewTimerWithOptions(ctx, d, workflow.TimerOptions{Summary: "term ends: help requests close"})
	}
	over := func() bool { return termEnd == nil || termEnd.IsReady() }
	for {
		if err := workflow.Await(ctx, func() bool {
			return over() || len(h.ended) > 0 || h.changed || h.historyIsLong(ctx)
		}); err != nil {
			return contract.HelpDeskProgress{}, err
		}
		if err := h.recordEnded(ctx); err != nil {
			return contract.HelpDeskProgress{}, err
		}
		if h.changed {
			h.changed = false
			h.showProgress(ctx)
			h.sendReport(ctx, false)
		}
		if over() {
			break
		}
		if h.historyIsLong(ctx) {
			// Let every update under way finish, record what ended, and
			// carry the tasks into a fresh run.
			if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
				return contract.HelpDeskProgress{}, err
			}
			if err := h.recordEnded(ctx); err != nil {
				return contract.HelpDeskProgress{}, err
			}
			next := h.in
			state := h.state
			state.ReportSeq = h.report.seq
			if !h.beside.blocking {
				// Emails go out from this run; writes the database has not
				// taken within carryAfter go along into the next.
				if err := workflow.Await(ctx, h.beside.mailIdle); err != nil {
					return contract.HelpDeskProgress{}, err
				}
				if _, err := workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{
					Timeout: carryAfter, TimerOptions: workflow.TimerOptions{Summary: "help desk: writes in flight"},
				}, h.beside.idle); err != nil {
					return contract.HelpDeskProgress{}, err
				}
				state.ReportSeq = h.report.seq
				state.Problems = h.beside.problems
				if u := (&contract.UnstoredWrites{Tasks: append([]contract.TaskOutcome(nil), h.unstored...), Report: h.report.unstored}); !u.Empty() {
					state.Unstored = u
				}
			}
			next.State = &state
			return contract.HelpDeskProgress{}, workflow.NewContinueAsNewError(ctx, HelpDesk, next)
		}
	}

	// The term is over: take no more requests, and wait for this run's
	// tasks to end (at most their late days after the term).
	h.closing = true
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return contract.HelpDeskProgress{}, err
	}
	for h.running > 0 || len(h.ended) > 0 {
		if err := workflow.Await(ctx, func() bool { return len(h.ended) > 0 }); err != nil {
			return contract.HelpDeskProgress{}, err
		}
		if err := h.recordEnded(ctx); err != nil {
			return contract.HelpDeskProgress{}, err
		}
	}
	h.phase = contract.HelpDeskClosed
	h.showProgress(ctx)
	if !h.beside.blocking {
		// The last report says how every email went.
		if err := h.beside.wait(ctx); err != nil {
			return contract.HelpDeskProgress{}, err
		}
	}
	h.sendReport(ctx, true)
	if !h.beside.blocking {
		if err := h.beside.wait(ctx); err != nil {
			return contract.HelpDeskProgress{}, err
		}
	}
	return h.progress(), nil
}

func (h *helpDesk) historyIsLong(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() > historyLimit
}

// recordEnded stores the outcome of every task collection that ended since
// the last wake-up, in one activity.
func (h *helpDesk) recordEnded(ctx workflow.Context) error {
	if len(h.ended) == 0 {
		return nil
	}
	batch := h.ended
	h.ended = nil
	var outcomes []contract.TaskOutcome
	for _, e := range batch {
		if e.err != nil {
			workflow.GetLogger(ctx).Warn("task collection failed; the task stays assigned", "task", e.id, "error", e.err)
			continue
		}
		o := contract.TaskOutcome{TaskID: e.id, Status: contract.TaskMissed}
		if len(e.res.Submissions) > 0 {
			s := e.res.Submissions[0]
			at := s.At
			o.Status, o.CompletedAt = contract.TaskDone, &at
			if s.Late {
				o.Status = contract.TaskLate
			}
		}
		outcomes = append(outcomes, o)
	}
	if len(outcomes) == 0 {
		return nil
	}
	if !h.beside.blocking {
		// The desk goes on at once; the rows follow.
		h.storeOutcomes(ctx, outcomes)
		h.noteOutcomes(outcomes)
		return nil
	}
	actx := withStoreOptions(ctx, fmt.Sprintf("record %d finished help tasks", len(outcomes)))
	if err := workflow.ExecuteActivity(actx, a.CompleteHelpTasks, contract.CompleteHelpTasksInput{
		TermID: h.in.TermID, Outcomes: outcomes,
	}).Get(ctx, nil); err != nil {
		return fmt.Errorf("record finished help tasks: %w", err)
	}
	h.noteOutcomes(outcomes)
	return nil
}

func (h *helpDesk) noteOutcomes(outcomes []contract.TaskOutcome) {
	for _, o := range outcomes {
		if i, ok := h.index[o.TaskID]; ok {
			h.state.Tasks[i].Status, h.state.Tasks[i].CompletedAt = o.Status, o.CompletedAt
		}
	}
	h.changed = true
}

// storeOutcomes records finished tasks beside the desk, until the database
// takes them.
func (h *helpDesk) storeOutcomes(ctx workflow.Context, outcomes []contract.TaskOutcome) {
	if len(outcomes) == 0 {
		return
	}
	h.unstored = append(h.unstored, outcomes...)
	actx := withStoreOptions(ctx, fmt.Sprintf("record %d finished help tasks", len(outcomes)))
	in := contract.CompleteHelpTasksInput{TermID: h.in.TermID, Outcomes: outcomes}
	h.beside.startWrite(ctx, workflow.ExecuteActivity(actx, a.CompleteHelpTasks, in), func(ctx workflow.Context, f workflow.Future) {
		for _, o := range outcomes {
			for i, u := range h.unstored {
				if u.TaskID == o.TaskID {
					h.unstored = append(h.unstored[:i], h.unstored[i+1:]...)
					break
				}
			}
		}
		if err := f.Get(ctx, nil); err != nil {
			for _, o := range outcomes {
				h.beside.problems = append(h.beside.problems, fmt.Sprintf("how help task %s ended could not be stored", o.TaskID))
			}
			h.changed = true
			workflow.GetLogger(ctx).Error("finished help tasks not stored", "error", err)
		}
	})
}

// request is a validated request for help.
type request struct {
	dept      contract.TaskDepartment
	requester plan.Person
	due       time.Time
	text      string
}

func (h *helpDesk) validateRequest(ctx workflow.Context, in contract.RequestHelpInput) error {
	_, err := h.checkRequest(ctx, in)
	return contract.AsRefusal(err)
}

// checkRequest says, in words the requester understands, why a request
// cannot be taken.
func (h *helpDesk) checkRequest(ctx workflow.Context, in contract.RequestHelpInput) (request, error) {
	email := plan.NormalizeEmail(in.Email)
	now := h.planNow(ctx)
	switch {
	case h.closing || !now.Before(h.in.Closes):
		return request{}, fmt.Errorf("help requests closed with the term on %s", h.human(h.in.Closes))
	case now.Before(h.in.Opens):
		return request{}, fmt.Errorf("help requests open with the term on %s", h.human(h.in.Opens))
	case email == "":
		return request{}, errors.New("say who you are: the email address is empty")
	}
	leader, isLeader := h.leaders[email]
	var headed []contract.TaskDepartment
	for _, d := range h.in.Departments {
		if d.Head.Email == email {
			headed = append(headed, d)
		}
	}
	if !isLeader && len(headed) == 0 {
		return request{}, fmt.Errorf("%s is neither a department head nor a leader of %s; ask your department head to request help", in.Email, h.in.TermName)
	}
	r := request{requester: leader}
	deptID := strings.TrimSpace(in.Department)
	switch {
	case deptID == "" && !isLeader && len(headed) == 1:
		r.dept = headed[0]
	case deptID == "":
		return request{}, errors.New("say which department needs the help (its ID)")
	default:
		d, ok := h.depts[deptID]
		if !ok {
			return request{}, fmt.Errorf("%q is not a department of %s", deptID, h.in.TermName)
		}
		r.dept = d
	}
	if !isLeader {
		if r.dept.Head.Email != email {
			return request{}, fmt.Errorf("%s heads the %s, not the %s; ask for help for your own department", in.Email, headed[0].Name, r.dept.Name)
		}
		r.requester = r.dept.Head
	}

	r.text = strings.TrimSpace(in.Text)
	switch n := utf8.RuneCountInString(r.text); {
	case n == 0:
		return request{}, errors.New("describe the help you need: the text is empty")
	case n > maxTaskDescription:
		return request{}, fmt.Errorf("the description has %d characters; keep it to %d", n, maxTaskDescription)
	}

	if !h.in.TimeZone.Known() {
		return request{}, fmt.Errorf("the term's time zone %q is unknown", h.in.TimeZone.Name())
	}
	loc := h.in.TimeZone.Location()
	day, err := plan.Date(strings.TrimSpace(in.Due)).In(loc)
	if err != nil {
		return request{}, fmt.Errorf("the due date %q is not a date; write it as YYYY-MM-DD", in.Due)
	}
	first, _ := h.in.TermStarts.In(loc)
	last, _ := h.in.TermEnds.In(loc)
	due := plan.Date(day.Format("2006-01-02")).At(contract.EndOfDay, loc)
	switch {
	case day.Before(first) || day.After(last):
		return request{}, fmt.Errorf("the due date %s is outside the term (%s to %s)", in.Due, h.in.TermStarts, h.in.TermEnds)
	case !due.After(now):
		return request{}, fmt.Errorf("the due date %s has passed; it is now %s", in.Due, h.human(now))
	}
	r.due = due
	return r, nil
}

func (h *helpDesk) requestHelp(ctx workflow.Context, in contract.RequestHelpInput) (contract.RequestHelpResult, error) {
	r, err := h.checkRequest(ctx, in)
	if err != nil {
		return contract.RequestHelpResult{}, contract.AsRefusal(err)
	}
	// Take the ID at once so concurrent requests get different ones; a
	// failed request leaves a gap rather than reusing its ID.
	id := fmt.Sprintf("t%d", h.state.NextID)
	h.state.NextID++
	now := h.planNow(ctx)
	h.state.Tasks = append(h.state.Tasks, contract.HelpTask{
		ID: id, DepartmentID: r.dept.ID, DepartmentName: r.dept.Name, Requester: r.requester,
		Description: r.text, Due: r.due, RequestedAt: now, Status: contract.TaskRequested,
	})
	h.index[id] = len(h.state.Tasks) - 1

	rec := contract.RecordHelpRequestInput{
		TermID: h.in.TermID, TermName: h.in.TermName, TimeZone: h.in.TimeZone,
		TaskID: id, DepartmentID: r.dept.ID, DepartmentName: r.dept.Name, Requester: r.requester,
		Description: r.text, Due: r.due, At: now, Coordinator: h.in.Coordinator,
		AuditKey: "update/" + workflow.GetCurrentUpdateInfo(ctx).ID,
	}
	if h.beside.blocking {
		actx := withMailOptions(ctx, fmt.Sprintf("record help request %s from the %s, email the coordinator", id, r.dept.Name))
		err = workflow.ExecuteActivity(actx, a.RecordHelpRequest, rec).Get(ctx, nil)
	} else {
		actx := withUpdateStoreOptions(ctx, fmt.Sprintf("record help request %s from the %s", id, r.dept.Name))
		err = workflow.ExecuteActivity(actx, a.StoreHelpRequest, rec).Get(ctx, nil)
	}
	if err != nil {
		if i, ok := h.index[id]; ok {
			h.state.Tasks = append(h.state.Tasks[:i], h.state.Tasks[i+1:]...)
			h.reindex()
		}
		if !h.beside.blocking {
			h.beside.problems = append(h.beside.problems, fmt.Sprintf("the request for help from %s on %s could not be stored", r.requester.Name, h.human(now)))
			h.changed = true
		}
		return contract.RequestHelpResult{}, fmt.Errorf("could not record the request, please try again: %w", err)
	}
	h.changed = true
	if !h.beside.blocking {
		h.beside.send(ctx, email{
			what: fmt.Sprintf("the request for help %s to the coordinator", id),
			due:  now, until: r.due.AddDate(0, 0, contract.TaskLateDays),
			activity: a.NotifyHelpRequested, input: rec,
			done: h.noteEmail,
		})
	}
	return contract.RequestHelpResult{TaskID: id, Due: r.due, Coordinator: h.in.Coordinator}, nil
}

func (h *helpDesk) validateAssign(ctx workflow.Context, in contract.AssignTaskInput) error {
	_, _, err := h.checkAssign(ctx, in)
	return contract.AsRefusal(err)
}

// checkAssign says, in words the coordinator understands, why an
// assignment cannot be taken; it returns the task's position and the
// officer.
func (h *helpDesk) checkAssign(ctx workflow.Context, in contract.AssignTaskInput) (int, plan.Person, error) {
	email := plan.NormalizeEmail(in.Email)
	_, isLeader := h.leaders[email]
	switch {
	case h.closing:
		return 0, plan.Person{}, fmt.Errorf("help tasks closed with the term on %s", h.human(h.in.Closes))
	case email == "":
		return 0, plan.Person{}, errors.New("say who you are: the email address is empty")
	case !isLeader && email != h.in.Coordinator.Email:
		return 0, plan.Person{}, fmt.Errorf("%s is neither the coordinator (%s) nor a leader; only they assign help tasks", in.Email, h.in.Coordinator.Name)
	}
	id := strings.TrimSpace(in.Task)
	i, ok := h.index[id]
	if !ok {
		return 0, plan.Person{}, fmt.Errorf("%q is not a help task of %s; tasks are named t1, t2, ... in the request emails", in.Task, h.in.TermName)
	}
	t := h.state.Tasks[i]
	if t.Status != contract.TaskRequested {
		who := "someone"
		if t.Assignee != nil {
			who = fmt.Sprintf("%s (%s)", t.Assignee.Name, t.Assignee.Email)
		}
		return 0, plan.Person{}, fmt.Errorf("task %s is already assigned to %s", id, who)
	}
	officer, ok := h.helpers[plan.NormalizeEmail(in.Officer)]
	switch {
	case h.in.HelpersInDirectory && plan.NormalizeEmail(in.Officer) == "":
		return 0, plan.Person{}, errors.New("say whom to assign: the officer's email address is empty")
	case h.in.HelpersInDirectory:
		// assignTask finds them in the directory.
		officer = plan.Person{Email: plan.NormalizeEmail(in.Officer)}
	case !ok:
		if h.in.HelpersFrom != "" {
			return 0, plan.Person{}, fmt.Errorf("%q is not an officer of the %s; assign one of its officers", in.Officer, h.depts[h.in.HelpersFrom].Name)
		}
		return 0, plan.Person{}, fmt.Errorf("%q is not an officer of %s", in.Officer, h.in.TermName)
	}
	if closes := t.Due.AddDate(0, 0, contract.TaskLateDays); !h.planNow(ctx).Before(closes) {
		return 0, plan.Person{}, fmt.Errorf("task %s was due on %s and can no longer be done; ask %s to request it again with a new date", id, h.human(t.Due), t.Requester.Name)
	}
	return i, officer, nil
}

func (h *helpDesk) assignTask(ctx workflow.Context, in contract.AssignTaskInput) (contract.AssignTaskResult, error) {
	i, officer, err := h.checkAssign(ctx, in)
	if err != nil {
		return contract.AssignTaskResult{}, contract.AsRefusal(err)
	}
	if h.in.HelpersInDirectory {
		if officer, err = h.findHelper(ctx, officer.Email); err != nil {
			return contract.AssignTaskResult{}, err
		}
		// The task may have been taken while the directory answered.
		if i, _, err = h.checkAssign(ctx, in); err != nil {
			return contract.AssignTaskResult{}, contract.AsRefusal(err)
		}
	}
	by := h.in.Coordinator
	if l, ok := h.leaders[plan.NormalizeEmail(in.Email)]; ok {
		by = l
	}
	now := h.planNow(ctx)
	// Claim the task so a second assignment is turned away meanwhile.
	t := &h.state.Tasks[i]
	t.Status, t.Assignee, t.AssignedBy, t.AssignedAt = contract.TaskAssigned, &officer, by.Email, &now
	id := t.ID
	task := *t

	rec := contract.RecordTaskAssignmentInput{
		TermID: h.in.TermID, TermName: h.in.TermName, TimeZone: h.in.TimeZone,
		TaskID: id, DepartmentName: task.DepartmentName, Description: task.Description, Due: task.Due,
		Requester: task.Requester, Assignee: officer, AssignedBy: by, At: now,
		AuditKey: "update/" + workflow.GetCurrentUpdateInfo(ctx).ID,
	}
	if h.beside.blocking {
		actx := withMailOptions(ctx, fmt.Sprintf("record assignment of %s to %s, tell the requester", id, officer.Name))
		err = workflow.ExecuteActivity(actx, a.RecordTaskAssignment, rec).Get(ctx, nil)
	} else {
		actx := withUpdateStoreOptions(ctx, fmt.Sprintf("record assignment of %s to %s", id, officer.Name))
		err = workflow.ExecuteActivity(actx, a.StoreTaskAssignment, rec).Get(ctx, nil)
	}
	if err != nil {
		if j, ok := h.index[id]; ok {
			t := &h.state.Tasks[j]
			t.Status, t.Assignee, t.AssignedBy, t.AssignedAt = contract.TaskRequested, nil, "", nil
		}
		if !h.beside.blocking {
			h.beside.problems = append(h.beside.problems, fmt.Sprintf("the assignment of %s to %s on %s could not be stored", id, officer.Name, h.human(now)))
			h.changed = true
		}
		return contract.AssignTaskResult{}, fmt.Errorf("could not record the assignment, please try again: %w", err)
	}
	h.changed = true
	if !h.beside.blocking {
		h.beside.send(ctx, email{
			what: fmt.Sprintf("the notice to %s of who helps with %s", task.Requester.Name, id),
			due:  now, until: task.Due.AddDate(0, 0, contract.TaskLateDays),
			activity: a.NotifyTaskAssigned, input: rec,
			done: h.noteEmail,
		})
	}
	if err := h.startTask(ctx, task, now); err != nil {
		return contract.AssignTaskResult{}, fmt.Errorf("%s is assigned to %s, but its reminders could not be started: %w", id, officer.Name, err)
	}
	return contract.AssignTaskResult{TaskID: id, Assignee: officer, Due: task.Due, WorkflowID: contract.TaskWorkflowID(h.in.TermID, id)}, nil
}

// findHelper looks an officer up in the term's directory.
func (h *helpDesk) findHelper(ctx workflow.Context, email string) (plan.Person, error) {
	var found contract.FindOfficerResult
	actx := withUpdateStoreOptions(ctx, "find officer "+email)
	if err := workflow.ExecuteActivity(actx, a.FindOfficer, contract.FindOfficerInput{TermID: h.in.TermID, Email: email}).Get(ctx, &found); err != nil {
		return plan.Person{}, fmt.Errorf("could not look %s up in the directory, please try again: %w", email, err)
	}
	if !found.Found {
		return plan.Person{}, contract.Refusef("%q is not an officer of %s", email, h.in.TermName)
	}
	return found.Officer, nil
}

// startTask starts the task's collection, abandoned so the help desk may
// continue as new, and notes its end when it comes in this run.
func (h *helpDesk) startTask(ctx workflow.Context, t contract.HelpTask, now time.Time) error {
	escalate := []plan.Person{t.Requester}
	if h.in.Coordinator.Email != "" && h.in.Coordinator.Email != t.Requester.Email {
		escalate = append(escalate, h.in.Coordinator)
	}
	in := contract.CollectionInput{
		TermID: h.in.TermID, TermName: h.in.TermName, TimeZone: h.in.TimeZone,
		Kind: contract.TaskKind, Scope: contract.TasksScope,
		Title:        fmt.Sprintf("help task %s for the %s", t.ID, t.DepartmentName),
		Instructions: fmt.Sprintf("%s asked for this help: %q. When it is done, confirm it with the command below; a short note is welcome.", t.Requester.Name, t.Description),
		Opens:        now,
		Slots: []contract.Slot{{
			Key: t.ID, Label: shorten(t.Description, 80), Due: t.Due,
			Owners: []plan.Person{*t.Assignee}, EscalateTo: escalate, Department: t.DepartmentID,
		}},
		RemindDaysBefore: h.in.RemindDaysBefore,
		SendTime:         h.in.SendTime,
		LateDays:         contract.TaskLateDays,
		Clock:            h.in.Clock,
		ReportTo:         h.in.ReportTo,
		Part:             contract.TasksPart + "/" + t.ID,
	}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:        contract.TaskWorkflowID(h.in.TermID, t.ID),
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
		StaticSummary:     fmt.Sprintf("Help task %s for the %s: %s", t.ID, t.DepartmentName, t.Assignee.Name),
		StaticDetails:     fmt.Sprintf("%s\n\nRequested by %s, due %s.", t.Description, t.Requester.Name, h.human(t.Due)),
		TypedSearchAttributes: temporal.NewSearchAttributes(
			contract.SearchTerm.ValueSet(h.in.TermID),
			contract.SearchDepartment.ValueSet(t.DepartmentID),
		),
	})
	f := workflow.ExecuteChildWorkflow(cctx, Collection, in)
	if err := f.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
		var started *temporal.ChildWorkflowExecutionAlreadyStartedError
		if !errors.As(err, &started) {
			return err
		}
		// Started by an earlier attempt: its end is not ours to follow.
		return nil
	}
	h.running++
	workflow.Go(ctx, func(ctx workflow.Context) {
		var res contract.CollectionResult
		err := f.Get(ctx, &res)
		h.running--
		h.ended = append(h.ended, taskEnd{id: t.ID, res: res, err: err})
	})
	return nil
}

// noteEmail has the report tell of an email that went out late or not at
// all (beside.send keeps it among the problems).
func (h *helpDesk) noteEmail(_ workflow.Context, late time.Duration, err error) {
	if err != nil || late > 0 {
		h.changed = true
	}
}

// problems are what the help desk could not do on time so far.
func (h *helpDesk) problems() []string {
	if h.beside == nil {
		return nil
	}
	return append([]string(nil), h.beside.problems...)
}

// shorten keeps the first n characters of s, on one line.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func (h *helpDesk) planNow(ctx workflow.Context) time.Time {
	return h.in.Clock.Plan(workflow.Now(ctx))
}

func (h *helpDesk) human(t time.Time) string { return h.in.TimeZone.Human(t) }

func (h *helpDesk) counts() contract.TaskCounts {
	var c contract.TaskCounts
	for _, t := range h.state.Tasks {
		switch t.Status {
		case contract.TaskRequested:
			c.Requested++
		case contract.TaskAssigned:
			c.Assigned++
		case contract.TaskDone:
			c.Done++
		case contract.TaskLate:
			c.Late++
		case contract.TaskMissed:
			c.Missed++
		}
	}
	return c
}

func (h *helpDesk) showProgress(ctx workflow.Context) {
	c := h.counts()
	workflow.SetCurrentDetails(ctx, fmt.Sprintf(
		"**Help for other departments**: %s\n\n| requested | assigned | done | late | missed |\n|---|---|---|---|---|\n| %d | %d | %d | %d | %d |",
		h.phase, c.Requested, c.Assigned, c.Done, c.Late, c.Missed))
}

// sendReport tells the term how many tasks stand where, which open ones are
// past due and the next due date.
func (h *helpDesk) sendReport(ctx workflow.Context, done bool) {
	if h.in.ReportTo == "" {
		return
	}
	c := h.counts()
	now := h.planNow(ctx)
	rep := contract.PartReport{
		Phase: h.phase, Done: done, Problems: h.problems(),
		Summary: fmt.Sprintf("Help for other departments: %d requested, %d assigned, %d done, %d late, %d missed",
			c.Requested, c.Assigned, c.Done, c.Late, c.Missed),
	}
	for _, t := range h.state.Tasks {
		if t.Status != contract.TaskRequested && t.Status != contract.TaskAssigned {
			continue
		}
		what := fmt.Sprintf("help task %s: %s", t.ID, shorten(t.Description, 60))
		switch {
		case !now.Before(t.Due):
			who := "not assigned"
			if t.Assignee != nil {
				who = t.Assignee.Email
			}
			rep.Overdue = append(rep.Overdue, contract.OverdueItem{Department: t.DepartmentID, What: what, Who: who, Due: t.Due})
		case rep.Next == nil || t.Due.Before(rep.Next.Due):
			rep.Next = &contract.Deadline{What: what, Due: t.Due}
		}
	}
	h.report.send(ctx, rep)
}

func (h *helpDesk) progress() contract.HelpDeskProgress {
	return contract.HelpDeskProgress{Phase: h.phase, Counts: h.counts(), Tasks: append([]contract.HelpTask(nil), h.state.Tasks...), Problems: h.problems()}
}

// cancelTasks stops the collections of tasks still assigned when the help
// desk is cancelled; they were started abandoned, so that the desk could
// continue as new, and would otherwise keep reminding their officers.
func (h *helpDesk) cancelTasks(ctx workflow.Context) {
	dctx, cancel := workflow.NewDisconnectedContext(ctx)
	defer cancel()
	for _, t := range h.state.Tasks {
		if t.Status == contract.TaskAssigned {
			// A collection that has already ended cannot be cancelled.
			_ = workflow.RequestCancelExternalWorkflow(dctx, contract.TaskWorkflowID(h.in.TermID, t.ID), "").Get(dctx, nil)
		}
	}
}
