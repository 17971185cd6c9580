package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
)

// historyLimit is where SemesterPlan continues as new. It leaves room below
// the 4,096-event mark for the largest burst between two checks: starting a
// part for each of 200 departments while reports keep arriving.
const historyLimit = 2500

// changeFinalReportsRead is the workflow.GetVersion change under which the
// term reads its parts' reports once more after the last part ended.
const changeFinalReportsRead = "final-reports-read"

// changePlanVerdictRecorded is the workflow.GetVersion change under which
// the first run records whether its plan is valid (a SideEffect) instead of
// deciding it again on every replay.
const changePlanVerdictRecorded = "plan-verdict-recorded"

// confirmBeforeContinuingVersion guards handling the parts' start
// confirmations already in the history before continuing as new.
const confirmBeforeContinuingVersion = "confirm-before-continuing"

// waitForStartsVersion guards waiting, a bounded while, for the starts
// not yet confirmed before continuing as new: taking only those already
// in the history left most of a batch unconfirmed whenever the server had
// not answered yet, so the next run started them again.
const waitForStartsVersion = "wait-for-starts-before-continuing"

// startsWait bounds that wait, in real time: a busy server confirms a
// batch of 50 in seconds; what it has not confirmed by then the next run
// starts again, and is told it is already running.
const startsWait = 30 * time.Second

// maxStartsPerStep bounds how many parts one workflow task starts, so the
// history can be checked between steps.
const maxStartsPerStep = 50

// SemesterPlan runs a whole term: it saves the term and its personnel
// directory, then starts each department's Onboarding once the officer list
// is final, and follows their progress until every department has closed.
func SemesterPlan(ctx workflow.Context, in contract.SemesterInput) (contract.SemesterResult, error) {
	s, err := newSemester(ctx, in)
	if err != nil {
		return contract.SemesterResult{}, err
	}
	if err := s.setup(ctx); err != nil {
		return contract.SemesterResult{}, err
	}
	return s.run(ctx)
}

type semester struct {
	in       contract.SemesterInput
	plan     plan.Plan
	scale    float64
	state    contract.SemesterState
	schedule plan.OnboardingSchedule
	deptPos  map[string]int // department ID -> position in state.Departments
	partPos  map[string]int // part name -> position in state.Parts
	// startedSet holds the names in state.Started, for lookups.
	startedSet map[string]bool
	// termKey is where the parts report (see TermKey).
	termKey string
	// readEvery is the wait before the next read of the parts' reports.
	readEvery time.Duration
	// unconfirmed names the parts started in this run whose start the
	// server has not confirmed yet (lookups only).
	unconfirmed map[string]bool
	// events is a generous count of this run's history: the SDK learns the
	// real length only when a workflow task starts, which is too late to
	// stop a burst of 200 child starts or signals handled in one task.
	events int
	// cancel carries a leader's cancellation from the update to the run.
	cancel    workflow.Channel
	cancelled bool
	// amended carries an amendment's new version from its Update to the
	// run, which then recomputes the calendar; amending is set while an
	// amendment is being stored, so a second one waits its turn.
	amended  workflow.Channel
	amending bool
	// smallHistory says this run continues as new at smallHistoryBytes.
	smallHistory bool
	// detailsStale says a report changed what showProgress shows. Reports
	// only mark it: a thousand departments' reports that arrive in one
	// workflow task, each redrawing the table, kept the task past the
	// SDK's one-second deadlock check, and every retry failed the same way.
	detailsStale bool
}

func newSemester(ctx workflow.Context, in contract.SemesterInput) (*semester, error) {
	// The term checks its own plan although the starter has: it can be
	// started straight from the Temporal CLI or UI (docs/API.md), and
	// Validate is what bounds every loop over plan data, so it cannot trust
	// its input. Only the first run checks the plan, and (since
	// changePlanVerdictRecorded) its verdict is recorded in the history: a
	// rule added in a later release must not fail the replay of a term
	// that is already under way.
	if in.PlanRef != nil {
		p, err := loadPlan(ctx, *in.PlanRef)
		if err != nil {
			return nil, err
		}
		in.Plan = p
	}
	if in.StateRef != nil {
		st, err := loadState(ctx, *in.StateRef)
		if err != nil {
			return nil, err
		}
		in.State, in.StateRef = &st, nil
	}
	if in.State == nil {
		if problems := planProblems(ctx, in.Plan); problems != "" {
			return nil, contract.InvalidPlan(problems, nil)
		}
	}
	s := &semester{in: in, plan: in.Plan, scale: in.TimeScale, deptPos: map[string]int{}, partPos: map[string]int{}, startedSet: map[string]bool{}, unconfirmed: map[string]bool{},
		termKey: contract.TermKey(workflow.GetInfo(ctx).WorkflowExecution.ID, workflow.GetInfo(ctx).FirstRunID)}
	if in.State != nil {
		s.state = *in.State
	} else {
		s.state = contract.SemesterState{Clock: clockFor(ctx, in), Phase: contract.PhaseDirectory}
		for _, d := range in.Plan.Departments {
			s.state.Departments = append(s.state.Departments, contract.DepartmentProgress{
				DepartmentID: d.ID, Name: d.Name, Phase: contract.PhaseWaiting,
				Onboarding: contract.OnboardingCounts{Officers: len(d.Officers), Pending: len(d.Officers)},
			})
		}
	}
	for i, d := range s.state.Departments {
		s.deptPos[d.DepartmentID] = i
	}
	for i, p := range s.state.Parts {
		s.partPos[p.Part] = i
	}
	for _, name := range s.state.Started {
		s.startedSet[name] = true
	}
	for _, r := range in.Reports {
		s.apply(ctx, r)
	}
	s.in.Reports = nil

	s.schedule = in.Plan.OnboardingSchedule()
	s.readEvery = s.readInterval(true)
	return s, nil
}

// planProblems is what is wrong with the term's plan, empty when nothing.
func planProblems(ctx workflow.Context, p plan.Plan) string {
	check := func(workflow.Context) any {
		if err := p.Validate(); err != nil {
			return err.Error()
		}
		return ""
	}
	if workflow.GetVersion(ctx, changePlanVerdictRecorded, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return check(ctx).(string)
	}
	var problems string
	if err := workflow.SideEffect(ctx, check).Get(&problems); err != nil {
		return err.Error()
	}
	return problems
}

// clockFor maps plan time to real time. A rehearsal starts plan time at the
// term's first day, now.
func clockFor(ctx workflow.Context, in contract.SemesterInput) plan.Clock {
	now := workflow.Now(ctx)
	if in.TimeScale <= 1 {
		return plan.ProductionClock(now)
	}
	start, _ := in.Plan.Term.Starts.In(in.Plan.Location())
	return plan.RehearsalClock(start, now, in.TimeScale)
}

func (s *semester) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandlerWithOptions(ctx, contract.QueryProgress,
		func(req contract.ProgressRequest) (contract.Progress, error) {
			p, err := s.progressFor(req)
			if err != nil {
				return contract.Progress{}, err
			}
			p.Upcoming = s.upcoming(s.state.Clock.Plan(workflow.Now(ctx)))
			return p, nil
		},
		workflow.QueryHandlerOptions{Description: `The term's phase, its parts' progress, upcoming deadlines and what is overdue by department; {"department": ID} for one department`},
	); err != nil {
		return err
	}
	if err := workflow.SetQueryHandlerWithOptions(ctx, contract.QueryFindOfficer, s.findOfficer,
		workflow.QueryHandlerOptions{Description: "Where an officer's actions go, by email"}); err != nil {
		return err
	}
	if err := s.setupAmendments(ctx); err != nil {
		return err
	}
	s.cancel = workflow.NewBufferedChannel(ctx, 1)
	return workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateCancelTerm,
		func(ctx workflow.Context, in contract.CancelTermInput) error {
			s.cancelled = true
			s.cancel.Send(ctx, in)
			return nil
		},
		workflow.UpdateHandlerOptions{
			Validator:   s.validateCancel,
			Description: "A leader cancels the term: every part stops and everyone is told",
		})
}

func (s *semester) validateCancel(ctx workflow.Context, in contract.CancelTermInput) error {
	switch {
	case !s.isLeader(in.Email):
		return contract.Refusef("%q is not a leader of %s; only leaders can cancel the term", in.Email, s.plan.Term.Name)
	case strings.TrimSpace(in.Reason) == "":
		return contract.Refusef("give a reason: everyone involved is told why the term stops")
	case s.cancelled:
		return contract.Refusef("%s is already being cancelled", s.plan.Term.Name)
	case s.state.Phase == contract.PhaseDone:
		return contract.Refusef("%s has already finished", s.plan.Term.Name)
	}
	return nil
}

// stop cancels every part started so far, tells everyone, and ends the
// term as cancelled. It runs on a disconnected context so that it completes
// even when the term itself was cancelled from Temporal.
func (s *semester) stop(ctx workflow.Context, by, reason string) error {
	dctx, done := workflow.NewDisconnectedContext(ctx)
	defer done()
	s.cancelled = true
	var cancels []workflow.Future
	for _, id := range s.state.Children {
		cancels = append(cancels, workflow.RequestCancelExternalWorkflow(dctx, id, ""))
	}
	for i, f := range cancels {
		// A part that already ended cannot be cancelled; that is fine.
		if err := f.Get(dctx, nil); err != nil {
			workflow.GetLogger(ctx).Info("part not cancelled", "workflow", s.state.Children[i], "error", err)
		}
	}
	in := contract.TermCancelledInput{Plan: byValue(s.plan, s.in.PlanRef), PlanRef: s.in.PlanRef, By: by, Reason: reason, At: s.state.Clock.Plan(workflow.Now(dctx))}
	actx := withMailOptions(dctx, "tell everyone the term is cancelled")
	if err := workflow.ExecuteActivity(actx, a.NotifyTermCancelled, in).Get(dctx, nil); err != nil {
		workflow.GetLogger(ctx).Error("cancellation notice not sent", "error", err)
	}
	s.setPhase(dctx, contract.PhaseCancelled)
	return temporal.NewCanceledError(reason)
}

// byValue is the plan as an activity's input takes it: p itself, or
// nothing when ref names it.
func byValue(p plan.Plan, ref *contract.PlanRef) plan.Plan {
	if ref != nil {
		return plan.Plan{}
	}
	return p
}

func (s *semester) run(ctx workflow.Context) (contract.SemesterResult, error) {
	s.smallHistory = workflow.GetVersion(ctx, smallHistoryVersion, workflow.DefaultVersion, 1) == 1
	s.showProgress(ctx)

	if !s.state.DirectorySaved {
		actx := withStoreOptions(ctx, "save the term and its personnel directory")
		in := contract.SaveDirectoryInput{Plan: byValue(s.plan, s.in.PlanRef), PlanRef: s.in.PlanRef, StartedBy: s.in.StartedBy, TimeScale: s.scale, At: s.state.Clock.Plan(workflow.Now(ctx))}
		if err := workflow.ExecuteActivity(actx, a.SaveDirectory, in).Get(ctx, nil); err != nil {
			return contract.SemesterResult{}, fmt.Errorf("save directory: %w", err)
		}
		s.state.DirectorySaved = true
		s.setPhase(ctx, contract.PhaseWaiting)
	}
	s.saveFirstVersion(ctx)

	onboardingReports := workflow.GetSignalChannel(ctx, contract.SignalOnboardingReport)
	sel := workflow.NewSelector(ctx)
	s.events = workflow.GetInfo(ctx).GetCurrentHistoryLength() + 2
	sel.AddReceive(onboardingReports, func(c workflow.ReceiveChannel, _ bool) {
		var r contract.OnboardingReport
		c.Receive(ctx, &r)
		s.events += eventsPerSignal
		s.apply(ctx, r)
	})

	var cancelBy, cancelReason string
	stopping := false
	sel.AddReceive(s.cancel, func(c workflow.ReceiveChannel, _ bool) {
		var in contract.CancelTermInput
		c.Receive(ctx, &in)
		cancelBy, cancelReason, stopping = plan.NormalizeEmail(in.Email), strings.TrimSpace(in.Reason), true
	})
	sel.AddReceive(ctx.Done(), func(workflow.ReceiveChannel, bool) {
		cancelReason, stopping = "cancelled in Temporal", true
	})

	starts := s.partStarts()
	timerSet := false
	sel.AddReceive(s.amended, func(c workflow.ReceiveChannel, _ bool) {
		c.Receive(ctx, nil)
		// The calendar follows the new plan; the next start gets its own
		// timer (an earlier one still firing only wakes the loop).
		starts, timerSet = s.partStarts(), false
		s.showProgress(ctx)
	})
	// The parts' reports are read at once, then on a timer that slows
	// down while nothing changes.
	readDue, readTimerSet := true, false
	for {
		if s.detailsStale {
			s.showProgress(ctx)
		}
		if ctx.Err() != nil && !stopping {
			cancelReason, stopping = "cancelled in Temporal", true
		}
		if stopping {
			return contract.SemesterResult{}, s.stop(ctx, cancelBy, cancelReason)
		}
		if readDue {
			readDue = false
			s.readReports(ctx)
			continue
		}
		// Start every part whose time has come.
		now := s.state.Clock.Plan(workflow.Now(ctx))
		var next *partStart
		startedNow := 0
		for i := range starts {
			st := &starts[i]
			if s.started(st.name) {
				continue
			}
			if st.at.After(now) {
				next = st
				break
			}
			if err := st.start(ctx, sel); err != nil {
				return contract.SemesterResult{}, err
			}
			if st.more != nil && st.more() {
				// One step of a large part: check the history, then go on.
				startedNow, next = maxStartsPerStep, nil
				break
			}
			s.markStarted(st.name)
			if st.name == "onboarding" {
				s.state.OnboardingStarted = true
			}
			// Start a large batch in steps, handling what comes in between,
			// and leave the rest to the next run once this one is long.
			startedNow++
			if startedNow == maxStartsPerStep || s.historyIsLong(ctx) {
				next = nil
				break
			}
		}
		s.refreshPhase(ctx)
		if s.allStarted(starts) && s.allFinished() && s.partsDone() {
			if workflow.GetVersion(ctx, changeFinalReportsRead, workflow.DefaultVersion, 1) == 1 {
				s.readFinalReports(ctx)
				s.refreshPhase(ctx)
			}
			break
		}
		if startedNow == maxStartsPerStep && !s.historyIsLong(ctx) {
			// More parts are due now: yield a workflow task, then go on. A
			// cancelled term notices at the top of the loop.
			_ = workflow.Sleep(ctx, time.Millisecond)
			continue
		}
		if s.historyIsLong(ctx) {
			// Take the confirmations of the parts this run started before
			// leaving: a part whose confirmation is in the history but
			// not yet handled would be forgotten and started again by the
			// next run, which at 1,000 departments then does nothing else.
			if workflow.GetVersion(ctx, confirmBeforeContinuingVersion, workflow.DefaultVersion, 1) == 1 {
				if len(s.unconfirmed) > 0 && workflow.GetVersion(ctx, waitForStartsVersion, workflow.DefaultVersion, 1) == 1 {
					s.waitForStarts(ctx, sel, &stopping)
				}
				for budget := 2*len(s.unconfirmed) + 8; budget > 0 && !stopping && sel.HasPending(); budget-- {
					sel.Select(ctx)
				}
				if stopping {
					return contract.SemesterResult{}, s.stop(ctx, cancelBy, cancelReason)
				}
			}
			// A cancellation that came with this batch must not be lost
			// to continue-as-new.
			var in contract.CancelTermInput
			if s.cancel.ReceiveAsync(&in) {
				return contract.SemesterResult{}, s.stop(ctx, plan.NormalizeEmail(in.Email), strings.TrimSpace(in.Reason))
			}
			s.drain(ctx, onboardingReports)
			s.forgetUnconfirmed()
			s.forgetEndedCollections()
			next := s.in
			next.State = &s.state
			if next.PlanRef != nil {
				next.Plan = plan.Plan{}
			}
			if err := s.stateByReference(ctx, &next); err != nil {
				return contract.SemesterResult{}, err
			}
			// Reports that came while the state was stored go with the
			// input: nothing yields from here on, so none is left behind
			// (a department's last report was, and the term waited for it
			// forever).
			next.Reports = nil
			for {
				var r contract.OnboardingReport
				if !onboardingReports.ReceiveAsync(&r) {
					break
				}
				next.Reports = append(next.Reports, r)
			}
			return contract.SemesterResult{}, workflow.NewContinueAsNewError(ctx, SemesterPlan, next)

		}
		if !readTimerSet {
			readTimerSet = true
			s.events += eventsPerTimer
			timer := workflow.NewTimerWithOptions(ctx, s.readEvery, workflow.TimerOptions{Summary: "read the parts' reports"})
			sel.AddFuture(timer, func(workflow.Future) { readTimerSet, readDue = false, true })
		}
		if next != nil && !timerSet {
			timerSet = true
			d := s.state.Clock.Real(next.at).Sub(workflow.Now(ctx))
			s.events += eventsPerTimer
			timer := workflow.NewTimerWithOptions(ctx, d, workflow.TimerOptions{Summary: "start: " + next.name})
			sel.AddFuture(timer, func(workflow.Future) { timerSet = false })
		}
		sel.Select(ctx)
	}
	s.setPhase(ctx, contract.PhaseDone)
	return s.result(), nil
}

// result is how the term ended. A large union's result lists only the
// departments with something outstanding, as its progress does: every
// department's row made a 1,000-department term's result 530 KB, past the
// 256 KiB a payload should keep to. The payload of a completion is not
// compared on replay, so this needs no version.
func (s *semester) result() contract.SemesterResult {
	r := contract.SemesterResult{TermID: s.plan.Term.ID, Departments: s.state.Departments, Totals: s.totals()}
	if len(s.plan.Departments) > contract.ProgressListsEveryPartUpTo {
		r.Departments, r.MoreDepartments = outstandingDepartments(r.Departments)
	}
	return r
}

// waitForStarts handles what comes through sel until every part this run
// started is confirmed, the term is stopping, or startsWait has passed.
func (s *semester) waitForStarts(ctx workflow.Context, sel workflow.Selector, stopping *bool) {
	tctx, cancelTimer := workflow.WithCancel(ctx)
	defer cancelTimer()
	waited := false
	s.events += eventsPerTimer
	timer := workflow.NewTimerWithOptions(tctx, startsWait, workflow.TimerOptions{Summary: "wait for the parts' starts to be confirmed"})
	sel.AddFuture(timer, func(workflow.Future) { waited = true })
	for len(s.unconfirmed) > 0 && !waited && !*stopping {
		sel.Select(ctx)
	}
}

// startOnboarding starts one Onboarding per department. The children are
// abandoned rather than tied to this run, because continue-as-new closes the
// run; they report back by signal to the term's workflow ID.
func (s *semester) startOnboarding(ctx workflow.Context, sel workflow.Selector) error {
	parentID := workflow.GetInfo(ctx).WorkflowExecution.ID
	// A large union's onboardings start maxStartsPerStep at a time: 1,000
	// starts in one workflow task (6 MB of inputs) were refused whole.
	step, steps := len(s.plan.Departments), workflow.DefaultVersion
	if step > maxStartsPerStep {
		steps = workflow.GetVersion(ctx, onboardingStepsVersion, workflow.DefaultVersion, onboardingStepsAcrossRuns)
	}
	if steps >= onboardingStepsAcrossRuns {
		return s.startOnboardingStep(ctx, sel, parentID)
	}
	if steps == 1 {
		step = maxStartsPerStep
	}
	var children []workflow.ChildWorkflowFuture
	for from := 0; from < len(s.plan.Departments); from += step {
		batch, err := s.startOnboardingOf(ctx, parentID, s.plan.Departments[from:min(from+step, len(s.plan.Departments))])
		if err != nil {
			return err
		}
		children = append(children, batch...)
	}
	for i, f := range children {
		s.state.Departments[i].Phase = contract.PhaseOnboarding
		sel.AddFuture(f, func(f workflow.Future) { s.childEnded(ctx, i, f) })
	}
	return nil
}

// onboardingStepsVersion guards starting onboarding in steps: at version 1
// all steps in one run, from onboardingStepsAcrossRuns one step per call,
// so a run that grows long continues as new between steps. One run starting
// 1,000 onboardings reached 7,232 events.
const (
	onboardingStepsVersion    = "onboarding-in-steps"
	onboardingStepsAcrossRuns = 2
)

// startOnboardingStep starts the onboarding of the next maxStartsPerStep
// departments; onboardingStartsLeft says whether more remain.
func (s *semester) startOnboardingStep(ctx workflow.Context, sel workflow.Selector, parentID string) error {
	from := s.state.OnboardingStartedFor
	depts := s.plan.Departments[from:min(from+maxStartsPerStep, len(s.plan.Departments))]
	children, err := s.startOnboardingOf(ctx, parentID, depts)
	if err != nil {
		return err
	}
	for j, f := range children {
		i, ok := s.deptPos[depts[j].ID]
		if !ok {
			continue
		}
		s.state.Departments[i].Phase = contract.PhaseOnboarding
		sel.AddFuture(f, func(f workflow.Future) { s.childEnded(ctx, i, f) })
	}
	s.state.OnboardingStartedFor = from + len(depts)
	return nil
}

// onboardingStartsLeft is true while a large union's onboardings are
// being started in steps and some departments have not started yet.
func (s *semester) onboardingStartsLeft() bool {
	n := s.state.OnboardingStartedFor
	return n > 0 && n < len(s.plan.Departments)
}

// startOnboardingOf starts the onboarding of depts and waits until the
// server has them all.
func (s *semester) startOnboardingOf(ctx workflow.Context, parentID string, depts []plan.Department) ([]workflow.ChildWorkflowFuture, error) {
	var children []workflow.ChildWorkflowFuture
	for _, d := range depts {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            contract.OnboardingWorkflowID(s.plan.Term.ID, d.ID),
			ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			StaticSummary:         fmt.Sprintf("Onboarding: %s, %s", d.Name, s.plan.Term.Name),
			StaticDetails: fmt.Sprintf("Training for the %d officers of the %s. Deadline %s; late acknowledgements until %s.",
				len(d.Officers), d.Name, s.plan.Zone().Human(s.schedule.Deadline), s.plan.Zone().Human(s.schedule.WindowCloses)),
			TypedSearchAttributes: temporal.NewSearchAttributes(
				contract.SearchTerm.ValueSet(s.plan.Term.ID),
				contract.SearchDepartment.ValueSet(d.ID),
				contract.SearchPhase.ValueSet(contract.PhaseWaiting),
			),
		})
		s.state.Children = append(s.state.Children, contract.OnboardingWorkflowID(s.plan.Term.ID, d.ID))
		s.events += eventsPerChild
		children = append(children, workflow.ExecuteChildWorkflow(cctx, Onboarding, contract.OnboardingInput{
			TermID:           s.plan.Term.ID,
			TermName:         s.plan.Term.Name,
			TimeZone:         s.plan.Zone(),
			Department:       d,
			Training:         s.plan.Training,
			Schedule:         s.schedule,
			Clock:            s.state.Clock,
			ParentWorkflowID: parentID,
		}))
	}
	for i, f := range children {
		err := f.GetChildWorkflowExecution().Get(ctx, nil)
		var started *temporal.ChildWorkflowExecutionAlreadyStartedError
		if err != nil && !errors.As(err, &started) {
			return nil, fmt.Errorf("start onboarding of %s: %w", depts[i].ID, err)
		}
	}
	return children, nil
}

// apply takes a department's report unless a newer one was applied, and
// never moves a department out of a final phase.
func (s *semester) apply(ctx workflow.Context, r contract.OnboardingReport) {
	i, ok := s.deptPos[r.DepartmentID]
	if !ok {
		workflow.GetLogger(ctx).Warn("report from an unknown department", "department", r.DepartmentID)
		return
	}
	d := &s.state.Departments[i]
	if r.Seq <= d.ReportSeq || finished(d.Phase) {
		return
	}
	d.ReportSeq, d.Phase, d.Onboarding, d.Problems = r.Seq, r.Phase, r.Counts, r.Problems
	s.detailsStale = true
}

// childEnded records how a department's Onboarding ended, in case its last
// report never came (for example when it was terminated).
func (s *semester) childEnded(ctx workflow.Context, i int, f workflow.Future) {
	d := &s.state.Departments[i]
	var result contract.OnboardingProgress
	if err := f.Get(ctx, &result); err != nil {
		workflow.GetLogger(ctx).Error("onboarding ended with an error", "department", d.DepartmentID, "error", err)
		if !finished(d.Phase) {
			d.Phase = contract.PhaseFailed
		}
	} else if !finished(d.Phase) {
		d.Phase, d.Onboarding = result.Phase, result.Counts
	}
	s.detailsStale = true
}

// drain applies reports already delivered, so none is lost to continue-as-new.
func (s *semester) drain(ctx workflow.Context, reports workflow.ReceiveChannel) {
	for {
		var r contract.OnboardingReport
		if !reports.ReceiveAsync(&r) {
			return
		}
		s.apply(ctx, r)
	}
}

// allStarted is true once every part of the calendar has started.
func (s *semester) allStarted(starts []partStart) bool {
	return len(s.startedSet) >= len(starts)
}

// refreshPhase derives the term's phase from its parts: onboarding while
// departments are onboarding, then "term" while other parts run.
func (s *semester) refreshPhase(ctx workflow.Context) {
	if s.cancelled || s.state.Phase == contract.PhaseDone || !s.state.DirectorySaved {
		return
	}
	phase := contract.PhaseWaiting
	if len(s.state.Started) > 0 {
		phase = contract.PhaseTerm
	}
	if (s.state.OnboardingStarted || s.state.OnboardingStartedFor > 0) && !s.allFinished() {
		phase = contract.PhaseOnboarding
	}
	if phase != s.state.Phase {
		s.setPhase(ctx, phase)
	}
}

func finished(phase string) bool {
	return phase == contract.PhaseClosed || phase == contract.PhaseFailed || phase == contract.PhaseCancelled
}

// What a run's history grows by for each thing the term does, measured on a
// 200-department term: a signal is one event plus its share of a workflow
// task; a child is initiated, started and completed; a timer is started and
// fired and wakes a task; an activity is scheduled, started and completed
// and wakes a task.
const (
	eventsPerSignal   = 2
	eventsPerTimer    = 5
	eventsPerChild    = 4
	eventsPerActivity = 6
)

// historyBytesLimit is the history size at which runs recorded before
// smallHistoryVersion continue as new, when a plan of 10,000 officers
// travelled by value and every run held it twice.
const historyBytesLimit = 16 << 20

// smallHistoryBytes is the history size at which the term continues as new
// now that a large plan travels by reference: a worker that has lost the
// run from its cache must be handed the whole history again, and the dev
// server cannot hand over more than 4 MB at once. A 1,000-department term
// starting its exchanges (12 KB of input each) passed that in one run and
// stopped, every retry of its workflow task failing GRPC_MESSAGE_TOO_LARGE.
// The size is known only as a workflow task starts, and a task may start
// 50 parts, so the limit leaves room.
const smallHistoryBytes = 2 << 20

// smallHistoryVersion guards smallHistoryBytes; it is read once per run.
const smallHistoryVersion = "history-under-2mb"

func (s *semester) historyIsLong(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	limit := int(historyBytesLimit)
	if s.smallHistory {
		limit = smallHistoryBytes
	}
	return max(info.GetCurrentHistoryLength(), s.events) > historyLimit || info.GetCurrentHistorySize() > limit ||
		suggestedNotForSize(info)
}

// serverSizeSuggestion is the history size at which a default server
// suggests continue-as-new.
const serverSizeSuggestion = 4 << 20

// suggestedNotForSize is Temporal's suggestion to continue as new, unless
// the history's size in bytes is its only reason (see historyBytesLimit).
// Servers that give no reasons are taken at their word only while the
// history is smaller than the size they would suggest at.
func suggestedNotForSize(info *workflow.Info) bool {
	if !info.GetContinueAsNewSuggested() {
		return false
	}
	reasons := info.GetContinueAsNewSuggestedReasons()
	for _, r := range reasons {
		if r != workflow.ContinueAsNewSuggestedReasonHistorySizeTooLarge {
			return true
		}
	}
	return len(reasons) == 0 && info.GetCurrentHistorySize() < serverSizeSuggestion
}

func (s *semester) allFinished() bool {
	for _, d := range s.state.Departments {
		if !finished(d.Phase) {
			return false
		}
	}
	return true
}

func (s *semester) totals() contract.OnboardingCounts {
	var t contract.OnboardingCounts
	for _, d := range s.state.Departments {
		t = t.Add(d.Onboarding)
	}
	return t
}

func (s *semester) setPhase(ctx workflow.Context, phase string) {
	s.state.Phase = phase
	if err := workflow.UpsertTypedSearchAttributes(ctx, contract.SearchPhase.ValueSet(phase)); err != nil {
		workflow.GetLogger(ctx).Warn("phase search attribute not updated", "error", err)
	}
	s.showProgress(ctx)
}

// showProgress keeps a short Markdown table in the Web UI's current
// details: every department of a small union; of a large one, the totals
// and the first 40 departments still onboarding.
func (s *semester) showProgress(ctx workflow.Context) {
	s.detailsStale = false
	var b strings.Builder
	b.WriteString(fmt.Sprintf("**%s**: %s\n\n| department | phase | on time | late | pending | never |\n|---|---|---|---|---|---|\n", s.plan.Term.Name, s.state.Phase))
	row := func(name, phase string, c contract.OnboardingCounts) {
		b.WriteString(fmt.Sprintf("| %s | %s | %d | %d | %d | %d |\n", name, phase, c.OnTime, c.Late, c.Pending, c.Never))
	}
	large := len(s.state.Departments) > maxDetailRows
	if large {
		row(fmt.Sprintf("all %d departments", len(s.state.Departments)), s.state.Phase, s.totals())
	}
	shown, left := 0, 0
	for _, d := range s.state.Departments {
		switch {
		case large && finished(d.Phase):
		case shown == maxDetailRows:
			left++
		default:
			shown++
			row(d.Name, d.Phase, d.Onboarding)
		}
	}
	if left > 0 {
		b.WriteString(fmt.Sprintf("| … and %d more | | | | | |\n", left))
	}
	workflow.SetCurrentDetails(ctx, b.String())
}

func (s *semester) progress() contract.Progress {
	scale := s.scale
	if scale < 1 {
		scale = 1
	}
	return contract.Progress{
		TermID:      s.plan.Term.ID,
		TermName:    s.plan.Term.Name,
		TimeZone:    s.plan.Zone(),
		Phase:       s.state.Phase,
		Clock:       s.state.Clock,
		TimeScale:   scale,
		Deadline:    s.schedule.Deadline,
		Departments: append([]contract.DepartmentProgress(nil), s.state.Departments...),
		Totals:      s.totals(),
		Parts:       append([]contract.PartStatus(nil), s.state.Parts...),
		PartsAsOf:   s.state.ReportsReadAt,
		Overdue:     s.overdueByDepartment(),
	}
}

func (s *semester) findOfficer(email string) (contract.OfficerLocation, error) {
	o, ok := s.plan.FindOfficer(email)
	if !ok {
		return contract.OfficerLocation{}, fmt.Errorf("%q is not an officer in %s", email, s.plan.Term.Name)
	}
	d, _ := s.plan.Department(o.DepartmentID)
	onboarding := contract.OnboardingWorkflowID(s.plan.Term.ID, d.ID)
	if id, ok := s.joinerOnboarding(d.ID, o.Email); ok {
		onboarding = id
	}
	return contract.OfficerLocation{
		Email: o.Email, Name: o.Name, DepartmentID: d.ID, DepartmentName: d.Name, TimeZone: s.plan.Zone(),
		OnboardingWorkflowID: onboarding,
	}, nil
}
