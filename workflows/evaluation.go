package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
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
func Evaluation(ctx workflow.Context, in contract.EvaluationInput) (contract.EvaluationProgress, error) {
	e, err := newEvaluation(in)
	if err != nil {
		return contract.EvaluationProgress{}, err
	}
	if err := workflow.SetQueryHandlerWithOptions(ctx, contract.QueryProgress,
		func() (contract.EvaluationProgress, error) { return e.progress, nil },
		workflow.QueryHandlerOptions{Description: "Where the department's evaluation is: assessments, computation, report and summaries"},
	); err != nil {
		return contract.EvaluationProgress{}, err
	}
	if err := e.run(ctx); err != nil {
		// Tell the term this part will not finish, even when cancelled.
		dctx, cancel := workflow.NewDisconnectedContext(ctx)
		defer cancel()
		phase := contract.PhaseFailed
		if temporal.IsCanceledError(err) {
			phase = contract.PhaseCancelled
		}
		// The run is ending: the report is waited for, not sent beside.
		e.report.beside = nil
		e.setPhase(dctx, phase, phase+": "+err.Error())
		return contract.EvaluationProgress{}, err
	}
	return e.progress, nil
}

type evaluationRun struct {
	in       contract.EvaluationInput
	progress contract.EvaluationProgress
	report   *reporter
	// beside sends the report and the summaries beside each other.
	beside *beside
}

func newEvaluation(in contract.EvaluationInput) (*evaluationRun, error) {
	bad := func(format string, args ...any) error {
		return contract.BadInput(fmt.Sprintf(format, args...), nil)
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
		progress: contract.EvaluationProgress{
			DepartmentID:         in.Department.ID,
			DepartmentName:       in.Department.Name,
			Phase:                contract.PhaseWaiting,
			Opens:                in.Opens,
			AssessmentsDue:       in.AssessmentsDue,
			AssessmentWorkflowID: contract.AssessmentWorkflowID(in.TermID, in.Department.ID),
			Officers:             len(in.Department.Officers),
		},
		report: &reporter{termKey: in.ReportTo, part: contract.EvaluationPart(in.Department.ID)},
	}, nil
}

func (e *evaluationRun) run(ctx workflow.Context) error {
	e.beside = newBeside(ctx, e.in.Clock)
	e.report.beside = e.beside
	dept := e.in.Department.Name
	e.setPhase(ctx, contract.PhaseWaiting, "opens "+e.in.TimeZone.Human(e.in.Opens))
	if d := e.in.Clock.Real(e.in.Opens).Sub(workflow.Now(ctx)); d > 0 {
		if err := workflow.NewTimerWithOptions(ctx, d, workflow.TimerOptions{Summary: "evaluation opens: " + dept}).Get(ctx, nil); err != nil {
			return err
		}
	}

	if len(e.in.Department.Officers) > 0 {
		e.setPhase(ctx, contract.PhaseAssessing, "assessments due "+e.in.TimeZone.Human(e.in.AssessmentsDue))
		if err := e.assess(ctx); err != nil {
			return err
		}
	}

	e.setPhase(ctx, contract.PhaseComputing, "computing the evaluations")
	in := e.activityInput(ctx)
	var computed contract.ComputeEvaluationsResult
	if err := workflow.ExecuteActivity(withStoreOptions(ctx, "compute evaluations: "+dept), a.ComputeEvaluations, in).Get(ctx, &computed); err != nil {
		return fmt.Errorf("compute evaluations: %w", err)
	}
	e.progress.Evaluated, e.progress.Average, e.progress.NoTotal = computed.Evaluated, computed.Average, computed.NoTotal

	var report, summaries contract.DeliveryResult
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
	e.setPhase(ctx, contract.PhaseReported, summary)
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
			len(cin.Slots), e.in.Department.Name, e.in.TimeZone.Human(e.in.AssessmentsDue)),
		TypedSearchAttributes: temporal.NewSearchAttributes(
			contract.SearchTerm.ValueSet(e.in.TermID),
			contract.SearchDepartment.ValueSet(e.in.Department.ID),
		),
	})
	var res contract.CollectionResult
	if err := workflow.ExecuteChildWorkflow(cctx, Collection, cin).Get(ctx, &res); err != nil {
		return fmt.Errorf("assessments: %w", err)
	}
	e.progress.Assessed = len(res.Submissions)
	e.progress.NotAssessed = res.Missing
	return nil
}

func (e *evaluationRun) activityInput(ctx workflow.Context) contract.EvaluateDepartmentInput {
	d := e.in.Department
	return contract.EvaluateDepartmentInput{
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
	if err := workflow.UpsertTypedSearchAttributes(ctx, contract.SearchPhase.ValueSet(phase)); err != nil {
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
	rep := contract.PartReport{Phase: phase, Summary: e.in.Department.Name + " evaluation: " + summary, Done: phase == contract.PhaseReported || phase == contract.PhaseFailed || phase == contract.PhaseCancelled}
	if e.beside != nil {
		e.progress.Problems = append([]string(nil), e.beside.problems...)
		rep.Problems = e.progress.Problems
	}
	if phase == contract.PhaseComputing && len(p.NotAssessed) > 0 {
		rep.Summary += fmt.Sprintf(" (%d not assessed)", len(p.NotAssessed))
	}
	e.report.send(ctx, rep)
}

func (e *evaluationRun) planNow(ctx workflow.Context) time.Time {
	return e.in.Clock.Plan(workflow.Now(ctx))
}

// assessmentInput is the Collection of the leaders' assessments: one slot
// per officer keyed by email, owned by the leaders and the head, escalated
// to the leaders, one overall score with a text that explains it.
func assessmentInput(in contract.EvaluationInput) contract.CollectionInput {
	var owners []plan.Person
	seen := map[string]bool{}
	for _, p := range append(append([]plan.Person(nil), in.Leaders...), in.Department.Head) {
		if p.Email != "" && !seen[p.Email] {
			seen[p.Email] = true
			owners = append(owners, p)
		}
	}
	max := in.Evaluation.MaxScore
	if max <= 0 {
		max = 10
	}
	c := contract.CollectionInput{
		TermID:   in.TermID,
		TermName: in.TermName,
		TimeZone: in.TimeZone,
		Kind:     evaluation.AssessmentKind,
		Scope:    evaluation.AssessmentScope,
		Title:    "your end-of-term assessment of each officer of the " + in.Department.Name,
		Instructions: "Give each officer one overall score from 0 to " + evaluation.Number(max) +
			" and a few sentences that explain it. The officer reads your words in their end-of-term summary; the score counts " +
			evaluation.Percent(assessmentShare(in.Evaluation.Weights)) + " of the evaluation. Any one of you can hand in an officer's assessment.",
		Opens:            in.Opens,
		RemindDaysBefore: []int{2, 0},
		SendTime:         in.SendTime,
		LateDays:         2,
		Criteria:         []string{"overall"},
		MaxScore:         max,
		TextRequired:     true,
		Clock:            in.Clock,
		ReportTo:         in.ReportTo,
		Part:             contract.EvaluationPart(in.Department.ID) + "/assessments",
	}
	for _, o := range in.Department.Officers {
		label := o.Name
		if o.Role != "" {
			label += " (" + o.Role + ")"
		}
		c.Slots = append(c.Slots, contract.Slot{
			Key: o.Email, Label: label, Due: in.AssessmentsDue,
			Owners: owners, EscalateTo: in.Leaders, Department: in.Department.ID,
		})
	}
	return c
}

func assessmentShare(w plan.Weights) float64 {
	sum := w.Attendance + w.Training + w.Tasks + w.Assessment
	if sum <= 0 {
		return 0
	}
	return w.Assessment / sum
}
