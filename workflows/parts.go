package workflows

import (
	"errors"
	"fmt"
	"sort"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
)

// partStart is one part of the term the calendar starts: onboarding when the
// officer list is final, the kickoff and exchanges at the term's start, each
// month when it opens, the evaluation when it opens.
type partStart struct {
	// name is the part's name in reports, e.g. "exchanges/publicity".
	name string
	at   time.Time
	// start starts the part's workflow(s) and adds their futures to the
	// selector, so the run that started them notices how they end.
	start func(ctx workflow.Context, sel workflow.Selector) error
	// more, when set, says the part has more to start: start is called
	// again, in this run or the next, before the part counts as started.
	more func() bool
}

// partStarts lists the plan's parts in the order the calendar starts them.
func (s *semester) partStarts() []partStart {
	starts := []partStart{{
		name:  "onboarding",
		at:    s.schedule.AssignAt,
		start: s.startOnboarding,
		more:  s.onboardingStartsLeft,
	}}
	starts = append(starts, s.laterParts()...)
	starts = append(starts, s.joinerParts()...)
	sort.SliceStable(starts, func(i, j int) bool { return starts[i].at.Before(starts[j].at) })
	return starts
}

// laterParts lists the parts beyond onboarding that the plan describes.
// Each part's input is built when it starts: built for all of them at
// once, a 1,000-department plan kept the workflow from yielding for over
// a second (TMPRL1101) on a loaded box. The calendar is built again after
// every amendment, so both ways build it from the same plan.
func (s *semester) laterParts() []partStart {
	var parts []partStart
	p := s.plan
	reportTo := s.termKey
	termStart := p.Term.Starts.At(sendTime(p), p.Location())
	if k := p.Kickoff; k != nil {
		parts = append(parts, partStart{name: "kickoff", at: termStart, start: func(ctx workflow.Context, sel workflow.Selector) error {
			in := contract.KickoffInputFrom(p, s.state.Clock, reportTo)
			return s.startTracked(ctx, sel, "kickoff", contract.KickoffWorkflowID(p.Term.ID), "",
				fmt.Sprintf("Kickoff: ministerial meeting, %s", p.Term.Name),
				fmt.Sprintf("The personnel directory to every head, the invitation to the meeting on %s, then each department's plan and suggestions.", k.At),
				Kickoff, in)
		}})
	}
	if p.Exchanges != nil {
		for _, d := range p.Departments {
			name := "exchanges/" + d.ID
			parts = append(parts, partStart{name: name, at: termStart, start: func(ctx workflow.Context, sel workflow.Selector) error {
				in := contract.ExchangesInputFrom(p, d.ID, s.state.Clock, reportTo)
				return s.startTracked(ctx, sel, name, contract.ExchangesWorkflowID(p.Term.ID, d.ID), d.ID,
					fmt.Sprintf("Exchanges: %s, %s", d.Name, p.Term.Name),
					fmt.Sprintf("The %s meets every %d weeks from %s: invitation, sign-in, excused absences, minutes by %s, attendance.",
						d.Name, p.Exchanges.EveryWeeks, p.Exchanges.First, d.Secretary().Name),
					Exchanges, in)
			}})
		}
	}
	for _, m := range p.MonthCalendar() {
		name := "month/" + m.ID
		parts = append(parts, partStart{name: name, at: m.Opens, start: func(ctx workflow.Context, sel workflow.Selector) error {
			in := contract.MonthInputFrom(p, m.ID, s.state.Clock, reportTo)
			return s.startTracked(ctx, sel, name, contract.MonthWorkflowID(p.Term.ID, m.ID), "",
				fmt.Sprintf("Organisation life: %s, %s", m.Name, p.Term.Name),
				fmt.Sprintf("%s: the theme (set by %s), the group-life design competition (entries by %s, scores by %s), every department's summary by %s, then the digest.",
					m.Name, p.Zone().Human(m.ThemeDue), p.Zone().Human(m.EntriesDue),
					p.Zone().Human(m.ScoresDue), p.Zone().Human(m.SummariesDue)),
				Month, in)
		}})
	}
	if p.Contest != nil {
		parts = append(parts, partStart{name: "contest", at: termStart, start: func(ctx workflow.Context, sel workflow.Selector) error {
			in := contract.ContestInputFrom(p, s.state.Clock, reportTo)
			return s.startTracked(ctx, sel, "contest", contract.ContestWorkflowID(p.Term.ID), "",
				fmt.Sprintf("Knowledge contest: %s, %s", p.Contest.Name, p.Term.Name),
				fmt.Sprintf("%d preparation milestones with owners and due dates, then the contest on %s and its results.",
					len(p.Contest.Milestones), p.Contest.At),
				Contest, in)
		}})
	}
	if p.Tasks != nil {
		parts = append(parts, partStart{name: "tasks", at: termStart, start: func(ctx workflow.Context, sel workflow.Selector) error {
			in := contract.HelpDeskInputFrom(p, s.state.Clock, reportTo)
			return s.startTracked(ctx, sel, "tasks", contract.HelpDeskWorkflowID(p.Term.ID), "",
				fmt.Sprintf("Help for other departments, %s", p.Term.Name),
				"Departments ask for help; the coordinator assigns an officer; each task is followed to completion.",
				HelpDesk, in)
		}})
	}
	if e := p.Evaluation; e != nil {
		for _, d := range p.Departments {
			in := contract.EvaluationInputFrom(p, d.ID, s.state.Clock, reportTo)
			parts = append(parts, partStart{
				name: contract.EvaluationPart(d.ID),
				at:   in.Opens,
				start: func(ctx workflow.Context, sel workflow.Selector) error {
					return s.startTracked(ctx, sel, contract.EvaluationPart(d.ID), contract.EvaluationWorkflowID(p.Term.ID, d.ID), d.ID,
						fmt.Sprintf("Evaluation: %s, %s", d.Name, p.Term.Name),
						fmt.Sprintf("End-of-term evaluation of the %d officers of the %s: leaders' assessments due %s, then a report to the leaders and a summary to each officer.",
							len(d.Officers), d.Name, p.Zone().Human(in.AssessmentsDue)),
						Evaluation, in)
				},
			})
		}
	}
	return parts
}

// childPart starts one part's workflow, abandoned rather than tied to this
// run (continue-as-new closes the run), searchable by term and department.
func (s *semester) childPart(ctx workflow.Context, workflowID, department, summary, details string, fn, input any) workflow.ChildWorkflowFuture {
	attrs := []temporal.SearchAttributeUpdate{contract.SearchTerm.ValueSet(s.plan.Term.ID), contract.SearchPhase.ValueSet(contract.PhaseWaiting)}
	if department != "" {
		attrs = append(attrs, contract.SearchDepartment.ValueSet(department))
	}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:        workflowID,
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
		// A start issued again after continue-as-new must not run a part
		// that has already ended a second time.
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		StaticSummary:         summary,
		StaticDetails:         details,
		TypedSearchAttributes: temporal.NewSearchAttributes(attrs...),
	})
	s.state.Children = append(s.state.Children, workflowID)
	s.events += eventsPerChild
	return workflow.ExecuteChildWorkflow(cctx, fn, input)
}

// trackPart marks a part as one the term waits for.
func (s *semester) trackPart(name string) {
	p := s.part(name)
	p.Tracked = true
}

// part returns the status entry of a part, adding it when new.
func (s *semester) part(name string) *contract.PartStatus {
	if i, ok := s.partPos[name]; ok {
		return &s.state.Parts[i]
	}
	s.state.Parts = append(s.state.Parts, contract.PartStatus{PartReport: contract.PartReport{Part: name, Phase: contract.PhaseWaiting}})
	s.partPos[name] = len(s.state.Parts) - 1
	return &s.state.Parts[len(s.state.Parts)-1]
}

// applyPart takes a part's report unless a newer one was applied. A part
// whose workflow has ended stays done, but its last report is still
// taken: it may be read after the term learns that the part ended.
func (s *semester) applyPart(r contract.PartReport) {
	p := s.part(r.Part)
	if r.Seq <= p.Seq {
		return
	}
	tracked, done := p.Tracked, p.Done
	p.PartReport = r
	p.Tracked, p.Done = tracked, done || r.Done
}

// How the term reads its parts' reports: in pages, soon after a read that
// found changes, then less and less often while nothing changes.
const (
	reportsPageSize = 500
	readReportsSoon = 5 * time.Minute
	readReportsLate = 30 * time.Minute
)

// readReports applies the parts' reports that changed since the last read.
// A read that fails is simply tried again at the next one; the last read,
// before the term ends, is tried until the database answers.
func (s *semester) readReports(ctx workflow.Context) {
	s.readReportsWith(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumAttempts: 3},
		Summary:             "read the parts' reports",
	})
}

// readFinalReports reads what the parts said last, once all have ended, so
// that the term ends with their final reports and not with older ones.
func (s *semester) readFinalReports(ctx workflow.Context) {
	s.readReportsWith(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute},
		Summary:             "read the parts' final reports",
	})
}

func (s *semester) readReportsWith(ctx workflow.Context, opts workflow.ActivityOptions) {
	actx := workflow.WithActivityOptions(ctx, opts)
	changed := false
	for more := true; more; {
		var page contract.PartReportsPage
		in := contract.PartReportsInput{TermKey: s.termKey, After: s.state.ReportsCursor, Limit: reportsPageSize}
		s.events += eventsPerActivity
		if err := workflow.ExecuteActivity(actx, a.PartReportsSince, in).Get(ctx, &page); err != nil {
			workflow.GetLogger(ctx).Warn("part reports not read", "error", err)
			break
		}
		for _, r := range page.Reports {
			s.applyPart(r)
		}
		changed = changed || len(page.Reports) > 0
		s.state.ReportsCursor, more = page.Cursor, page.More
		s.state.ReportsReadAt = s.state.Clock.Plan(workflow.Now(ctx))
	}
	s.readEvery = s.readInterval(changed)
}

// readInterval is the wait before the next read: the shortest after a read
// that found changes, doubling up to the longest while nothing changes. A
// rehearsal's clock shrinks both, to no less than a second.
func (s *semester) readInterval(changed bool) time.Duration {
	soon := max(time.Second, s.state.Clock.RealDuration(readReportsSoon))
	late := max(soon, s.state.Clock.RealDuration(readReportsLate))
	if changed || s.readEvery == 0 {
		return soon
	}
	return min(late, 2*s.readEvery)
}

// forgetEndedCollections drops the collections that have ended from the
// state carried to the next run: the term does not wait for them, and a
// 200-department term runs well over a thousand of them, which would push
// the carried state towards the server's 2 MB payload limit.
func (s *semester) forgetEndedCollections() {
	kept := s.state.Parts[:0]
	for _, p := range s.state.Parts {
		if p.Done && !p.Tracked {
			delete(s.partPos, p.Part)
			continue
		}
		kept = append(kept, p)
	}
	s.state.Parts = kept
	for i, p := range s.state.Parts {
		s.partPos[p.Part] = i
	}
}

// partEnded records how a tracked part's workflow ended, in case its last
// report never came.
func (s *semester) partEnded(ctx workflow.Context, name string, f workflow.Future) {
	p := s.part(name)
	err := f.Get(ctx, nil)
	var already *temporal.ChildWorkflowExecutionAlreadyStartedError
	if errors.As(err, &already) {
		// Started by an earlier run; its own reports say when it is done.
		return
	}
	if err != nil {
		workflow.GetLogger(ctx).Error("part ended with an error", "part", name, "error", err)
		if !p.Done {
			p.Phase = contract.PhaseFailed
		}
	}
	p.Done = true
}

// partsDone is true when every tracked part is done.
func (s *semester) partsDone() bool {
	for _, p := range s.state.Parts {
		if p.Tracked && !p.Done {
			return false
		}
	}
	return true
}

// overdueByDepartment groups every part's overdue items by department, in
// plan order, with the term-wide ones last.
func (s *semester) overdueByDepartment() []contract.DepartmentOverdue {
	groups := make([]contract.DepartmentOverdue, len(s.plan.Departments)+1)
	for i, d := range s.plan.Departments {
		groups[i] = contract.DepartmentOverdue{Department: d.ID, Name: d.Name}
		if c := s.state.Departments[i].Onboarding; c.Overdue > 0 {
			groups[i].Items = append(groups[i].Items, contract.OverdueItem{
				Department: d.ID,
				What:       fmt.Sprintf("training acknowledgements: %d of %d officers", c.Overdue, c.Officers),
				Due:        s.schedule.Deadline,
			})
		}
	}
	groups[len(groups)-1] = contract.DepartmentOverdue{Name: "Organization Department (term-wide)"}
	for _, p := range s.state.Parts {
		if p.Done {
			continue
		}
		for _, item := range p.Overdue {
			i, ok := s.deptPos[item.Department]
			if !ok {
				i = len(groups) - 1
			}
			groups[i].Items = append(groups[i].Items, item)
		}
	}
	var out []contract.DepartmentOverdue
	for _, g := range groups {
		if len(g.Items) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// upcoming lists the next deadlines the parts reported and the parts still
// to start, soonest first, at most ten.
func (s *semester) upcoming(now time.Time) []contract.Deadline {
	var out []contract.Deadline
	for _, p := range s.state.Parts {
		if !p.Done && p.Next != nil && !p.Next.Due.Before(now) {
			out = append(out, *p.Next)
		}
	}
	for _, st := range s.partStarts() {
		if !s.started(st.name) {
			out = append(out, contract.Deadline{What: "starts: " + st.name, Due: st.at})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Due.Before(out[j].Due) })
	if len(out) > 10 {
		out = out[:10]
	}
	return out
}

func (s *semester) started(name string) bool {
	return s.startedSet[name]
}

// forgetUnconfirmed takes the parts whose start was not confirmed out of
// the started list before continue-as-new: the server does not start a
// child for a run that has closed, so the next run starts them again (one
// that did start answers "already started", which is fine).
func (s *semester) forgetUnconfirmed() {
	if len(s.unconfirmed) == 0 {
		return
	}
	kept := s.state.Started[:0]
	for _, name := range s.state.Started {
		if s.unconfirmed[name] {
			delete(s.startedSet, name)
			continue
		}
		kept = append(kept, name)
	}
	s.state.Started = kept
}

// markStarted records that a part has started.
func (s *semester) markStarted(name string) {
	s.state.Started = append(s.state.Started, name)
	s.startedSet[name] = true
}

// startTracked starts one tracked part's workflow without waiting for the
// start to be confirmed: the confirmation comes through the selector, so
// the term keeps handling reports while the server starts a batch of 200
// workflows, which can take minutes on a busy server.
func (s *semester) startTracked(ctx workflow.Context, sel workflow.Selector, name, workflowID, department, summary, details string, fn, input any) error {
	f := s.childPart(ctx, workflowID, department, summary, details, fn, input)
	s.trackPart(name)
	s.unconfirmed[name] = true
	sel.AddFuture(f.GetChildWorkflowExecution(), func(started workflow.Future) {
		delete(s.unconfirmed, name)
		s.confirmStart(ctx, name, started)
	})
	sel.AddFuture(f, func(f workflow.Future) { s.partEnded(ctx, name, f) })
	return nil
}

// confirmStart records a part that could not start as failed rather than
// failing the term; one already running (after continue-as-new) is fine.
func (s *semester) confirmStart(ctx workflow.Context, name string, started workflow.Future) {
	err := started.Get(ctx, nil)
	var already *temporal.ChildWorkflowExecutionAlreadyStartedError
	if err != nil && !errors.As(err, &already) {
		workflow.GetLogger(ctx).Error("part did not start", "part", name, "error", err)
		part := s.part(name)
		part.Phase, part.Summary, part.Done = contract.PhaseFailed, "did not start: "+err.Error(), true
	}
}

// sendTime is when the plan's emails go out.
func sendTime(p plan.Plan) plan.ClockTime {
	if p.Training.SendTime != "" {
		return p.Training.SendTime
	}
	return plan.DefaultSendTime
}
