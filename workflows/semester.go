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
	plan     plan.Plan
	scale    float64
	state    SemesterState
	schedule plan.OnboardingSchedule
	deptPos  map[string]int // department ID -> position in state.Departments
}

func newSemester(ctx workflow.Context, in SemesterInput) (*semester, error) {
	if err := in.Plan.Validate(); err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidPlan", nil)
	}
	s := &semester{plan: in.Plan, scale: in.TimeScale, deptPos: map[string]int{}}
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
		if err := workflow.ExecuteActivity(actx, a.SaveDirectory, activities.SaveDirectoryInput{Plan: s.plan}).Get(ctx, nil); err != nil {
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
	for !s.allClosed() {
		if s.historyIsLong(ctx) {
			s.drain(reports)
			return SemesterResult{}, workflow.NewContinueAsNewError(ctx, SemesterPlan,
				SemesterInput{Plan: s.plan, TimeScale: s.scale, State: &s.state})
		}
		var r OnboardingReport
		reports.Receive(ctx, &r)
		s.apply(ctx, r)
	}
	s.setPhase(ctx, PhaseDone)
	return SemesterResult{TermID: s.plan.Term.ID, Departments: s.state.Departments, Totals: s.totals()}, nil
}

// startOnboarding starts one Onboarding per department. The children are
// abandoned rather than tied to this run, because continue-as-new closes the
// run; they report back by signal to the term's workflow ID.
func (s *semester) startOnboarding(ctx workflow.Context) error {
	parentID := workflow.GetInfo(ctx).WorkflowExecution.ID
	var futures []workflow.ChildWorkflowFuture
	for _, d := range s.plan.Departments {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:        OnboardingWorkflowID(s.plan.Term.ID, d.ID),
			ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
			StaticSummary:     fmt.Sprintf("Onboarding: %s, %s", d.Name, s.plan.Term.Name),
			StaticDetails: fmt.Sprintf("Training for the %d officers of the %s. Deadline %s; late acknowledgements until %s.",
				len(d.Officers), d.Name, s.schedule.Deadline.Format("2 Jan 2006 15:04"), s.schedule.WindowCloses.Format("2 Jan 2006 15:04")),
			TypedSearchAttributes: temporal.NewSearchAttributes(
				SearchTerm.ValueSet(s.plan.Term.ID),
				SearchDepartment.ValueSet(d.ID),
				SearchPhase.ValueSet(PhaseWaiting),
			),
		})
		futures = append(futures, workflow.ExecuteChildWorkflow(cctx, Onboarding, OnboardingInput{
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
	for i, f := range futures {
		err := f.GetChildWorkflowExecution().Get(ctx, nil)
		var started *temporal.ChildWorkflowExecutionAlreadyStartedError
		if err != nil && !errors.As(err, &started) {
			return fmt.Errorf("start onboarding of %s: %w", s.plan.Departments[i].ID, err)
		}
		s.state.Departments[i].Phase = PhaseOnboarding
	}
	return nil
}

func (s *semester) apply(ctx workflow.Context, r OnboardingReport) {
	i, ok := s.deptPos[r.DepartmentID]
	if !ok {
		workflow.GetLogger(ctx).Warn("report from an unknown department", "department", r.DepartmentID)
		return
	}
	s.state.Departments[i].Phase = r.Phase
	s.state.Departments[i].Onboarding = r.Counts
	s.showProgress(ctx)
}

// drain applies reports already delivered, so none is lost to continue-as-new.
func (s *semester) drain(reports workflow.ReceiveChannel) {
	for {
		var r OnboardingReport
		if !reports.ReceiveAsync(&r) {
			return
		}
		if i, ok := s.deptPos[r.DepartmentID]; ok {
			s.state.Departments[i].Phase = r.Phase
			s.state.Departments[i].Onboarding = r.Counts
		}
	}
}

func (s *semester) historyIsLong(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() > historyLimit
}

func (s *semester) allClosed() bool {
	for _, d := range s.state.Departments {
		if d.Phase != PhaseClosed {
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
		Email: o.Email, Name: o.Name, DepartmentID: d.ID, DepartmentName: d.Name,
		OnboardingWorkflowID: OnboardingWorkflowID(s.plan.Term.ID, d.ID),
	}, nil
}
