package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"semesterflow/activities"
	"semesterflow/internal/evaluation"
	"semesterflow/plan"
)

// Evaluation runs one department's end-of-semester evaluation: at
// evaluation.opens it asks the leaders and the head for an assessment of
// every officer (a Collection child with reminders, escalation and a late
// window), then computes every officer's evaluation from what the term
// recorded, sends the leaders a report and each officer their own summary.
// Its history stays small whatever the department's size: one child, one
// computation and two batches of email.
func Evaluation(ctx workflow.Context, in EvaluationInput) (EvaluationProgress, error) {
	e, err := newEvaluation(in)
	if err != nil {
		return EvaluationProgress{}, err
	}
	if err := workflow.SetQueryHandlerWithOptions(ctx, QueryProgress,
		func() (EvaluationProgress, error) { return e.progress, nil },
		workflow.QueryHandlerOptions{Description: "Where the department's evaluation is: assessments, computation, report and summaries"},
	); err != nil {
		return EvaluationProgress{}, err
	}
	if err := e.run(ctx); err != nil {
		// Tell the term this part will not finish, even when cancelled.
		dctx, cancel := workflow.NewDisconnectedContext(ctx)
		defer cancel()
		phase := PhaseFailed
		if temporal.IsCanceledError(err) {
			phase = PhaseCancelled
		}
		// The run is ending: the report is waited for, not sent beside.
		e.report.beside = nil
		e.setPhase(dctx, phase, phase+": "+err.Error())
		return EvaluationProgress{}, err
	}
	return e.progress, nil
}

type evaluationRun struct {
	in       EvaluationInput
	progress EvaluationProgress
	report   *reporter
	// beside sends the report and the summaries beside each other.
	beside *beside
}

func newEvaluation(in EvaluationInput) (*evaluationRun, error) {
	bad := func(format string, args ...any) error {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), "BadInput", nil)
	}
	w := in.Evaluation.Weights
	switch {
	case in.Department.Name == "":
		return nil, bad("department %q is not in the plan", in.Department.ID)
	case in.Opens.IsZero() || in.AssessmentsDue.IsZero():
		return nil, bad("the evaluation of %s has no opening or due date: is evaluation in the plan?", in.Department.Name)
	case w.Attendance+w.Training+w.Tasks+w.Assessment <= 0:
		return nil, bad("the evaluation of %s has no weights", in.Department.Name)
	}
	return &evaluationRun{
		in: in,
		progress: EvaluationProgress{
			DepartmentID:         in.Department.ID,
			DepartmentName:       in.Department.Name,
			Phase:                PhaseWaiting,
			Opens:                in.Opens,
			AssessmentsDue:       in.AssessmentsDue,
			AssessmentWorkflowID: AssessmentWorkflowID(in.TermID, in.Department.ID),
			Officers:             len(in.Department.Officers),
		},
		report: &reporter{termKey: in.ReportTo, part: EvaluationPart(in.Department.ID)},
	}, nil
}

func (e *evaluationRun) run(ctx workflow.Context) error {
	e.beside = newBeside(ctx, e.in.Clock)
	e.report.beside = e.beside
	dept := e.in.Department.Name
	e.setPhase(ctx, PhaseWaiting, "opens "+plan.HumanTime(e.in.Opens, e.in.TimeZone))
	if d := e.in.Clock.Real(e.in.Opens).Sub(workflow.Now(ctx)); d > 0 {
		if err := workflow.NewTimerWithOptions(ctx, d, workflow.TimerOptions{Summary: "evaluation opens: " + dept}).Get(ctx, nil); err != nil {
			return err
		}
	}

	if len(e.in.Department.Officers) > 0 {
		e.setPhase(ctx, PhaseAssessing, "assessments due "+plan.HumanTime(e.in.AssessmentsDue, e.in.TimeZone))
		if err := e.assess(ctx); err != nil {
			return err
		}
	}

	e.setPhase(ctx, PhaseComputing, "computing the evaluations")
	in := e.activityInput(ctx)
	var computed activities.ComputeEvaluationsResult
	if err := workflow.ExecuteActivity(withStoreOptions(ctx, "compute evaluations: "+dept), a.ComputeEvaluations, in).Get(ctx, &computed); err != nil {
		return fmt.Errorf("compute evaluations: %w", err)
	}
	e.progress.Evaluated, e.progress.Average, e.progress.NoTotal = computed.Evaluated, computed.Average, computed.NoTotal

	var report, summaries activities.DeliveryResult
	in.At = e.planNow(ctx)
	if err := e.beside.mail(ctx, email{
		what: "the evaluation report to the leaders: " + dept, due: in.At,
		activity: a.SendEvaluationReport, input: in, result: &report,
		done: func(workflow.Context, time.Duration, error) {
			e.progress.ReportsSent = report.Sent + report.AlreadySent
		},
	}); err != nil {
		return fmt.Errorf("evaluation report: %w", err)
	}
	e.progress.ReportsSent = report.Sent + report.AlreadySent
	in.At = e.planNow(ctx)
	if err := e.beside.mail(ctx, email{
		what: fmt.Sprintf("the evaluation summaries to %d officers of the %s", len(in.Officers), dept), due: in.At,
		activity: a.SendEvaluationSummaries, input: in, result: &summaries,
		done: func(workflow.Context, time.Duration, error) {
			e.progress.SummariesSent = summaries.Sent + summaries.AlreadySent
		},
	}); err != nil {
		return fmt.Errorf("evaluation summaries: %w", err)
	}
	e.progress.SummariesSent = summaries.Sent + summaries.AlreadySent
	if err := e.beside.wait(ctx); err != nil {
		return err
	}

	summary := fmt.Sprintf("%d of %d officers evaluated", e.progress.Evaluated, e.progress.Officers)
	if e.progress.Average != nil {
		summary += ", average " + evaluation.Points(*e.progress.Average) + " / 100"
	}
	e.setPhase(ctx, PhaseReported, summary)
	return e.beside.wait(ctx)
}

// assess runs the leaders' assessments as a Collection child and waits for
// it to close: when every officer is assessed, or at the due date plus the
// late days.
func (e *evaluationRun) assess(ctx workflow.Context) error {
	cin := assessmentInput(e.in)
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:    e.progress.AssessmentWorkflowID,
		StaticSummary: "Assessments: " + e.in.Department.Name + ", " + e.in.TermName,
		StaticDetails: fmt.Sprintf("The leaders' and the head's assessment of each of the %d officers of the %s, due %s.",
			len(cin.Slots), e.in.Department.Name, plan.HumanTime(e.in.AssessmentsDue, e.in.TimeZone)),
		TypedSearchAttributes: temporal.NewSearchAttributes(
			SearchTerm.ValueSet(e.in.TermID),
			SearchDepartment.ValueSet(e.in.Department.ID),
		),
	})
	var res CollectionResult
	if err := workflow.ExecuteChildWorkflow(cctx, Collection, cin).Get(ctx, &res); err != nil {
		return fmt.Errorf("assessments: %w", err)
	}
	e.progress.Assessed = len(res.Submissions)
	e.progress.NotAssessed = res.Missing
	return nil
}

func (e *evaluationRun) activityInput(ctx workflow.Context) activities.EvaluateDepartmentInput {
	d := e.in.Department
	return activities.EvaluateDepartmentInput{
		TermID: e.in.TermID, TermName: e.in.TermName, TimeZone: e.in.TimeZone,
		DepartmentID: d.ID, DepartmentName: d.Name, Head: d.Head,
		Leaders: e.in.Leaders, Officers: d.Officers, Evaluation: e.in.Evaluation,
		At: e.planNow(ctx),
	}
}

// setPhase records the phase for the query, the search attribute, the
// Web UI's current details and the term.
func (e *evaluationRun) setPhase(ctx workflow.Context, phase, summary string) {
	e.progress.Phase = phase
	if err := workflow.UpsertTypedSearchAttributes(ctx, SearchPhase.ValueSet(phase)); err != nil {
		workflow.GetLogger(ctx).Warn("phase search attribute not updated", "error", err)
	}
	p := e.progress
	avg := "–"
	if p.Average != nil {
		avg = evaluation.Points(*p.Average)
	}
	workflow.SetCurrentDetails(ctx, fmt.Sprintf(
		"**%s** evaluation: %s\n\n| officers | assessed | evaluated | average | report emails | summaries |\n|---|---|---|---|---|---|\n| %d | %d | %d | %s | %d | %d |",
		p.DepartmentName, phase, p.Officers, p.Assessed, p.Evaluated, avg, p.ReportsSent, p.SummariesSent))
	rep := PartReport{Phase: phase, Summary: e.in.Department.Name + " evaluation: " + summary, Done: phase == PhaseReported || phase == PhaseFailed || phase == PhaseCancelled}
	if e.beside != nil {
		e.progress.Problems = append([]string(nil), e.beside.problems...)
		rep.Problems = e.progress.Problems
	}
	if phase == PhaseComputing && len(p.NotAssessed) > 0 {
		rep.Summary += fmt.Sprintf(" (%d not assessed)", len(p.NotAssessed))
	}
	e.report.send(ctx, rep)
}

func (e *evaluationRun) planNow(ctx workflow.Context) time.Time {
	return e.in.Clock.Plan(workflow.Now(ctx))
}
