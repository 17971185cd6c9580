package workflows

import (
	"errors"
	"fmt"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"semesterflow/activities"
	"semesterflow/plan"
)

// historyLimit is where SemesterPlan continues as new, well below the
// 4,096-event point at which Temporal suggests it, so a term of any size
// keeps each run's history short.
const historyLimit = 3000

// SemesterPlan runs a whole term: it saves the term and its personnel
// directory, then starts each department's Onboarding once the officer list
// is final, and follows their progress until every department has closed.
func SemesterPlan(ctx workflow.Context, in SemesterInput) (SemesterResult, error) {
	s, err := newSemester(ctx, in)
	if err != nil {
		return SemesterResult{}, err
	}
	if err := s.setup(ctx); err != nil {
		return SemesterResult{}, err
	}
	return s.run(ctx)
}

type semester struct {
	in       SemesterInput
	plan     plan.Plan
	scale    float64
	state    SemesterState
	schedule plan.OnboardingSchedule
	deptPos  map[string]int // department ID -> position in state.Departments
	// children are the Onboarding futures of the run that started them;
	// after continue-as-new only the reports remain.
	children []workflow.ChildWorkflowFuture
}

func newSemester(ctx workflow.Context, in SemesterInput) (*semester, error) {
	// Only the first run checks the plan: a rule added in a later release
	// must not fail a term that is already under way.
	if in.State == nil {
		if err := in.Plan.Validate(); err != nil {
			return nil, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidPlan", nil)
		}
	}
	s := &semester{in: in, plan: in.Plan, scale: in.TimeScale, deptPos: map[string]int{}}
	if in.State != nil {
		s.state = *in.State
	} else {
		s.state = SemesterState{Clock: clockFor(ctx, in), Phase: PhaseDirectory}
		for _, d := range in.Plan.Departments {
			s.state.Departments = append(s.state.Departments, DepartmentProgress{
				DepartmentID: d.ID, Name: d.Name, Phase: PhaseWaiting,
				Onboarding: OnboardingCounts{Officers: len(d.Officers), Pending: len(d.Officers)},
			})
		}
	}
	for i, d := range s.state.Departments {
		s.deptPos[d.DepartmentID] = i
	}
	s.schedule = in.Plan.OnboardingSchedule()
	return s, nil
}

// clockFor maps plan time to real time. A rehearsal starts plan time at the
// term's first day, now.
func clockFor(ctx workflow.Context, in SemesterInput) plan.Clock {
	now := workflow.Now(ctx)
	if in.TimeScale <= 1 {
		return plan.ProductionClock(now)
	}
	start, _ := in.Plan.Term.Starts.In(in.Plan.Location())
	return plan.RehearsalClock(start, now, in.TimeScale)
}

func (s *semester) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandlerWithOptions(ctx, QueryProgress,
		func() (Progress, error) { return s.progress(), nil },
		workflow.QueryHandlerOptions{Description: "The term's phase and onboarding counts per department"},
	); err != nil {
		return err
	}
	return workflow.SetQueryHandlerWithOptions(ctx, QueryFindOfficer, s.findOfficer,
		workflow.QueryHandlerOptions{Description: "Where an officer's actions go, by email"})
}

func (s *semester) run(ctx workflow.Context) (SemesterResult, error) {
	s.showProgress(ctx)

	if !s.state.DirectorySaved {
		actx := withStoreOptions(ctx, "save the term and its personnel directory")
		in := activities.SaveDirectoryInput{Plan: s.plan, StartedBy: s.in.StartedBy, TimeScale: s.scale, At: s.state.Clock.Plan(workflow.Now(ctx))}
		if err := workflow.ExecuteActivity(actx, a.SaveDirectory, in).Get(ctx, nil); err != nil {
			return SemesterResult{}, fmt.Errorf("save directory: %w", err)
		}
		s.state.DirectorySaved = true
		s.setPhase(ctx, PhaseWaiting)
	}

	if !s.state.OnboardingStarted {
		if d := s.state.Clock.Real(s.schedule.AssignAt).Sub(workflow.Now(ctx)); d > 0 {
			if err := workflow.NewTimerWithOptions(ctx, d, workflow.TimerOptions{Summary: "officer list final: start onboarding"}).Get(ctx, nil); err != nil {
				return SemesterResult{}, err
			}
		}
		if err := s.startOnboarding(ctx); err != nil {
			return SemesterResult{}, err
		}
		s.state.OnboardingStarted = true
		s.setPhase(ctx, PhaseOnboarding)
	}

	reports := workflow.GetSignalChannel(ctx, SignalOnboardingReport)
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(reports, func(c workflow.ReceiveChannel, _ bool) {
		var r OnboardingReport
		c.Receive(ctx, &r)
		s.apply(ctx, r)
	})
	for i, f := range s.children {
		sel.AddFuture(f, func(f workflow.Future) { s.childEnded(ctx, i, f) })
	}
	for !s.allFinished() {
		if s.historyIsLong(ctx) {
			s.drain(ctx, reports)
			next := s.in
			next.State = &s.state
			return SemesterResult{}, workflow.NewContinueAsNewError(ctx, SemesterPlan, next)
		}
		sel.Select(ctx)
	}
	s.setPhase(ctx, PhaseDone)
	return SemesterResult{TermID: s.plan.Term.ID, Departments: s.state.Departments, Totals: s.totals()}, nil
}

// startOnboarding starts one Onboarding per department. The children are
// abandoned rather than tied to this run, because continue-as-new closes the
// run; they report back by signal to the term's workflow ID.
func (s *semester) startOnboarding(ctx workflow.Context) error {
	parentID := workflow.GetInfo(ctx).WorkflowExecution.ID
	s.children = nil
	for _, d := range s.plan.Departments {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:        OnboardingWorkflowID(s.plan.Term.ID, d.ID),
			ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
			StaticSummary:     fmt.Sprintf("Onboarding: %s, %s", d.Name, s.plan.Term.Name),
			StaticDetails: fmt.Sprintf("Training for the %d officers of the %s. Deadline %s; late acknowledgements until %s.",
				len(d.Officers), d.Name, plan.HumanTime(s.schedule.Deadline, s.plan.Term.TimeZone), plan.HumanTime(s.schedule.WindowCloses, s.plan.Term.TimeZone)),
			TypedSearchAttributes: temporal.NewSearchAttributes(
				SearchTerm.ValueSet(s.plan.Term.ID),
				SearchDepartment.ValueSet(d.ID),
				SearchPhase.ValueSet(PhaseWaiting),
			),
		})
		s.children = append(s.children, workflow.ExecuteChildWorkflow(cctx, Onboarding, OnboardingInput{
			TermID:           s.plan.Term.ID,
			TermName:         s.plan.Term.Name,
			TimeZone:         s.plan.Term.TimeZone,
			Department:       d,
			Training:         s.plan.Training,
			Schedule:         s.schedule,
			Clock:            s.state.Clock,
			ParentWorkflowID: parentID,
		}))
	}
	for i, f := range s.children {
		err := f.GetChildWorkflowExecution().Get(ctx, nil)
		var started *temporal.ChildWorkflowExecutionAlreadyStartedError
		if err != nil && !errors.As(err, &started) {
			return fmt.Errorf("start onboarding of %s: %w", s.plan.Departments[i].ID, err)
		}
		s.state.Departments[i].Phase = PhaseOnboarding
	}
	return nil
}

// apply takes a department's report unless a newer one was applied, and
// never moves a department out of a final phase.
func (s *semester) apply(ctx workflow.Context, r OnboardingReport) {
	i, ok := s.deptPos[r.DepartmentID]
	if !ok {
		workflow.GetLogger(ctx).Warn("report from an unknown department", "department", r.DepartmentID)
		return
	}
	d := &s.state.Departments[i]
	if r.Seq <= d.ReportSeq || finished(d.Phase) {
		return
	}
	d.ReportSeq, d.Phase, d.Onboarding = r.Seq, r.Phase, r.Counts
	s.showProgress(ctx)
}

// childEnded records how a department's Onboarding ended, in case its last
// report never came (for example when it was terminated).
func (s *semester) childEnded(ctx workflow.Context, i int, f workflow.Future) {
	d := &s.state.Departments[i]
	var result OnboardingProgress
	if err := f.Get(ctx, &result); err != nil {
		workflow.GetLogger(ctx).Error("onboarding ended with an error", "department", d.DepartmentID, "error", err)
		if !finished(d.Phase) {
			d.Phase = PhaseFailed
		}
	} else if !finished(d.Phase) {
		d.Phase, d.Onboarding = result.Phase, result.Counts
	}
	s.showProgress(ctx)
}

// drain applies reports already delivered, so none is lost to continue-as-new.
func (s *semester) drain(ctx workflow.Context, reports workflow.ReceiveChannel) {
	for {
		var r OnboardingReport
		if !reports.ReceiveAsync(&r) {
			return
		}
		s.apply(ctx, r)
	}
}

func finished(phase string) bool { return phase == PhaseClosed || phase == PhaseFailed }

func (s *semester) historyIsLong(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() > historyLimit
}

func (s *semester) allFinished() bool {
	for _, d := range s.state.Departments {
		if !finished(d.Phase) {
			return false
		}
	}
	return true
}

func (s *semester) totals() OnboardingCounts {
	var t OnboardingCounts
	for _, d := range s.state.Departments {
		t = t.Add(d.Onboarding)
	}
	return t
}

func (s *semester) setPhase(ctx workflow.Context, phase string) {
	s.state.Phase = phase
	if err := workflow.UpsertTypedSearchAttributes(ctx, SearchPhase.ValueSet(phase)); err != nil {
		workflow.GetLogger(ctx).Warn("phase search attribute not updated", "error", err)
	}
	s.showProgress(ctx)
}

// showProgress keeps a short Markdown table in the Web UI's current details.
func (s *semester) showProgress(ctx workflow.Context) {
	var b strings.Builder
	b.WriteString(fmt.Sprintf("**%s**: %s\n\n| department | phase | on time | late | pending | never |\n|---|---|---|---|---|---|\n", s.plan.Term.Name, s.state.Phase))
	for _, d := range s.state.Departments {
		c := d.Onboarding
		b.WriteString(fmt.Sprintf("| %s | %s | %d | %d | %d | %d |\n", d.Name, d.Phase, c.OnTime, c.Late, c.Pending, c.Never))
	}
	workflow.SetCurrentDetails(ctx, b.String())
}

func (s *semester) progress() Progress {
	scale := s.scale
	if scale < 1 {
		scale = 1
	}
	return Progress{
		TermID:      s.plan.Term.ID,
		TermName:    s.plan.Term.Name,
		TimeZone:    s.plan.Term.TimeZone,
		Phase:       s.state.Phase,
		Clock:       s.state.Clock,
		TimeScale:   scale,
		Deadline:    s.schedule.Deadline,
		Departments: append([]DepartmentProgress(nil), s.state.Departments...),
		Totals:      s.totals(),
	}
}

func (s *semester) findOfficer(email string) (OfficerLocation, error) {
	o, ok := s.plan.FindOfficer(email)
	if !ok {
		return OfficerLocation{}, fmt.Errorf("%q is not an officer in %s", email, s.plan.Term.Name)
	}
	d, _ := s.plan.Department(o.DepartmentID)
	return OfficerLocation{
		Email: o.Email, Name: o.Name, DepartmentID: d.ID, DepartmentName: d.Name, TimeZone: s.plan.Term.TimeZone,
		OnboardingWorkflowID: OnboardingWorkflowID(s.plan.Term.ID, d.ID),
	}, nil
}
