package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
)

// kickoffPlansTitle completes "please hand in ..." in the plans emails.
const kickoffPlansTitle = "the department's plan and suggestions for the term"

// Kickoff runs the ministerial meeting that opens the term: it sends the
// re-established personnel directory to every department head, invites the
// heads and leaders with the agenda and a calendar invite, and collects
// every department's plan and suggestions through a Collection child that
// opens with the invitations and closes a few days after the due date.
func Kickoff(ctx workflow.Context, in contract.KickoffInput) (_ contract.KickoffResult, err error) {
	k, err := newKickoff(in)
	if err != nil {
		return contract.KickoffResult{}, err
	}
	defer func() { k.report.failed(ctx, err) }()
	if err := workflow.SetQueryHandlerWithOptions(ctx, contract.QueryProgress,
		func() (contract.KickoffProgress, error) { return k.progress, nil },
		workflow.QueryHandlerOptions{Description: "The kickoff's phase, who has the directory and the invitation, and the plans once collected"},
	); err != nil {
		return contract.KickoffResult{}, err
	}
	return k.run(ctx)
}

type kickoff struct {
	in       contract.KickoffInput
	progress contract.KickoffProgress
	report   *reporter
	// beside sends the directory and the invitations beside the calendar.
	beside *beside
}

func newKickoff(in contract.KickoffInput) (*kickoff, error) {
	var problems []string
	if in.TermID == "" {
		problems = append(problems, "the term has no ID")
	}
	if in.Starts.IsZero() || in.Ends.Before(in.Starts) {
		problems = append(problems, "the plan has no kickoff meeting (kickoff.at)")
	}
	if len(in.Departments) == 0 {
		problems = append(problems, "the plan lists no department")
	}
	if len(problems) > 0 {
		return nil, contract.BadInput("kickoff: "+strings.Join(problems, "; "), nil)
	}
	return &kickoff{
		in: in,
		progress: contract.KickoffProgress{
			TermID: in.TermID, Phase: contract.KickoffPhaseStarting,
			Starts: in.Starts, Ends: in.Ends, Where: in.Where, PlansDue: in.PlansDue,
			Departments:     len(in.Departments),
			PlansWorkflowID: contract.KickoffPlansWorkflowID(in.TermID),
		},
		report: &reporter{termKey: in.ReportTo, part: contract.KickoffPart},
	}, nil
}

func (k *kickoff) run(ctx workflow.Context) (contract.KickoffResult, error) {
	k.beside = newBeside(ctx, k.in.Clock)
	k.report.beside = k.beside
	if !k.beside.blocking {
		return k.runBeside(ctx)
	}
	k.setPhase(ctx, contract.KickoffPhaseStarting)

	var dir contract.DeliveryResult
	actx := withMailOptions(ctx, fmt.Sprintf("personnel directory to %d department heads", len(k.in.Departments)))
	if err := workflow.ExecuteActivity(actx, a.SendDirectory, contract.SendDirectoryInput{TermID: k.in.TermID}).Get(ctx, &dir); err != nil {
		return contract.KickoffResult{}, fmt.Errorf("send the personnel directory: %w", err)
	}
	k.progress.DirectorySent = dir.Sent + dir.AlreadySent

	// The invitations and the plans collection open together. A term
	// started after its kickoff meeting invites nobody to a past meeting,
	// but still collects the plans.
	opens := k.planNow(ctx)
	if opens.Before(k.in.Ends) {
		if err := k.invite(ctx, opens); err != nil {
			return contract.KickoffResult{}, err
		}
		k.setPhase(ctx, contract.KickoffPhaseInvited)
	}
	plans := k.startPlans(ctx, opens)

	got, err := k.holdMeeting(ctx, plans)
	if err != nil {
		return contract.KickoffResult{}, err
	}
	res := k.result(got)
	k.progress.PlansIn, k.progress.Missing = len(res.HandedIn), res.Missing
	k.progress.Phase = contract.KickoffPhaseDone
	k.showPhase(ctx)
	k.report.send(ctx, contract.PartReport{Phase: contract.KickoffPhaseDone, Summary: res.Summary, Done: true})
	return res, nil
}

// runBeside is the kickoff whose directory and invitations go out beside
// its calendar: the department plans open, and the meeting is held, on
// time whatever the SMTP server does.
func (k *kickoff) runBeside(ctx workflow.Context) (contract.KickoffResult, error) {
	k.setPhase(ctx, contract.KickoffPhaseStarting)
	opens := k.planNow(ctx)
	var dir contract.DeliveryResult
	k.beside.send(ctx, email{
		what: "the personnel directory", due: opens,
		activity: a.SendDirectory, input: contract.SendDirectoryInput{TermID: k.in.TermID}, result: &dir,
		done: func(workflow.Context, time.Duration, error) { k.progress.DirectorySent = dir.Sent + dir.AlreadySent },
	})
	// A term started after its kickoff meeting invites nobody to a past
	// meeting, but still collects the plans.
	if opens.Before(k.in.Ends) {
		var res contract.KickoffInvitationsResult
		k.beside.send(ctx, email{
			what: "the kickoff invitations", due: opens, until: k.in.Starts,
			activity: a.SendKickoffInvitations, input: k.invitationsInput(opens), result: &res,
			done: func(ctx workflow.Context, _ time.Duration, err error) {
				k.progress.Invited = res.Invited
				if err == nil && k.progress.Phase == contract.KickoffPhaseStarting {
					k.setPhase(ctx, contract.KickoffPhaseInvited)
				}
			},
		})
	} else {
		k.beside.problems = append(k.beside.problems, "the kickoff meeting was over before its invitations could go out")
	}
	plans := k.startPlans(ctx, opens)

	got, err := k.holdMeeting(ctx, plans)
	if err != nil {
		return contract.KickoffResult{}, err
	}
	if err := k.beside.wait(ctx); err != nil {
		return contract.KickoffResult{}, err
	}
	res := k.result(got)
	k.progress.PlansIn, k.progress.Missing = len(res.HandedIn), res.Missing
	k.progress.Phase = contract.KickoffPhaseDone
	k.showPhase(ctx)
	k.report.send(ctx, contract.PartReport{Phase: contract.KickoffPhaseDone, Summary: res.Summary, Done: true, Problems: k.beside.problems})
	if err := k.beside.wait(ctx); err != nil {
		return contract.KickoffResult{}, err
	}
	return res, nil
}

// holdMeeting follows the meeting on the plan's clock, then waits for the
// plans' collection to end.
func (k *kickoff) holdMeeting(ctx workflow.Context, plans *collectionRun) (contract.CollectionResult, error) {
	k.sleepUntil(ctx, k.in.Starts, "kickoff meeting: "+orWhere(k.in.Where))
	if k.planNow(ctx).Before(k.in.Ends) {
		k.setPhase(ctx, contract.KickoffPhaseMeeting)
		k.sleepUntil(ctx, k.in.Ends, "kickoff meeting ends")
	}
	k.setPhase(ctx, contract.KickoffPhaseCollecting)

	var got contract.CollectionResult
	if err := plans.Get(ctx, &got); err != nil {
		return contract.CollectionResult{}, fmt.Errorf("collect the departments' plans: %w", err)
	}
	return got, nil
}

// invite records the meeting and emails the invitations, stamped with the
// plan time they go out so a retry sends the same calendar file.
func (k *kickoff) invite(ctx workflow.Context, stamp time.Time) error {
	in := k.invitationsInput(stamp)
	var res contract.KickoffInvitationsResult
	actx := withMailOptions(ctx, fmt.Sprintf("kickoff invitations to %d heads and %d leaders", len(in.Heads), len(in.Leaders)))
	if err := workflow.ExecuteActivity(actx, a.SendKickoffInvitations, in).Get(ctx, &res); err != nil {
		return fmt.Errorf("send the kickoff invitations: %w", err)
	}
	k.progress.Invited = res.Invited
	return nil
}

// invitationsInput is the kickoff's invitation to every head and leader.
func (k *kickoff) invitationsInput(stamp time.Time) contract.SendKickoffInvitationsInput {
	in := contract.SendKickoffInvitationsInput{KickoffMeeting: k.in.KickoffMeeting, Stamp: stamp}
	for _, d := range k.in.Departments {
		in.Heads = append(in.Heads, contract.KickoffHead{DepartmentName: d.Name, Head: d.Head})
	}
	return in
}

// startPlans starts the collection of every department's plan: one slot per
// department, handed in by its head, escalated to the leaders.
func (k *kickoff) startPlans(ctx workflow.Context, opens time.Time) *collectionRun {
	in := contract.CollectionInput{
		TermID: k.in.TermID, TermName: k.in.TermName, TimeZone: k.in.TimeZone,
		Kind: contract.KickoffPlanKind, Scope: contract.KickoffPlanScope,
		Title: kickoffPlansTitle,
		Instructions: fmt.Sprintf("Following the ministerial kickoff meeting on %s, write down what your department plans to do this term and when, "+
			"what it needs from the Organization Department, and your suggestions on the term's main tasks.", k.in.TimeZone.Human(k.in.Starts)),
		Opens:            opens,
		RemindDaysBefore: []int{1},
		SendTime:         k.in.SendTime,
		LateDays:         3,
		TextRequired:     true,
		Clock:            k.in.Clock,
		ReportTo:         k.in.ReportTo,
		Part:             contract.KickoffPlansPart,
	}
	for _, d := range k.in.Departments {
		in.Slots = append(in.Slots, contract.Slot{
			Key: d.ID, Label: d.Name, Due: k.in.PlansDue, Department: d.ID,
			Owners: []plan.Person{d.Head}, EscalateTo: k.in.Leaders,
		})
	}
	return startCollection(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:    contract.KickoffPlansWorkflowID(k.in.TermID),
		StaticSummary: "Department plans and suggestions after the kickoff, " + k.in.TermName,
		StaticDetails: fmt.Sprintf("One plan from each of the %d departments, handed in by its head, due %s.",
			len(in.Slots), k.in.TimeZone.Human(k.in.PlansDue)),
		TypedSearchAttributes: temporal.NewSearchAttributes(contract.SearchTerm.ValueSet(k.in.TermID)),
	}, in)
}

// result names the departments that handed in, late ones too, and those
// that never did.
func (k *kickoff) result(got contract.CollectionResult) contract.KickoffResult {
	res := contract.KickoffResult{TermID: k.in.TermID, Invited: k.progress.Invited, HandedIn: []string{}, Missing: got.Missing}
	names := map[string]string{}
	for _, d := range k.in.Departments {
		names[d.ID] = d.Name
	}
	for _, s := range got.Submissions {
		res.HandedIn = append(res.HandedIn, s.Slot)
		if s.Late {
			res.Late = append(res.Late, s.Slot)
		}
	}
	res.Summary = fmt.Sprintf("%d of %d department plans in", len(res.HandedIn), len(k.in.Departments))
	if len(res.Missing) > 0 {
		missing := make([]string, len(res.Missing))
		for i, id := range res.Missing {
			missing[i] = names[id]
		}
		res.Summary += "; missing: " + strings.Join(missing, ", ")
	}
	return res
}

// sleepUntil waits for plan time t; a time already past returns at once.
func (k *kickoff) sleepUntil(ctx workflow.Context, t time.Time, summary string) {
	d := k.in.Clock.Real(t).Sub(workflow.Now(ctx))
	if d <= 0 {
		return
	}
	// Only cancellation ends a timer early, and then the next step fails.
	_ = workflow.NewTimerWithOptions(ctx, d, workflow.TimerOptions{Summary: summary}).Get(ctx, nil)
}

func (k *kickoff) planNow(ctx workflow.Context) time.Time {
	return k.in.Clock.Plan(workflow.Now(ctx))
}

// setPhase shows and reports a new phase, with the next date that matters.
func (k *kickoff) setPhase(ctx workflow.Context, phase string) {
	k.progress.Phase = phase
	k.showPhase(ctx)
	rep := contract.PartReport{Phase: phase}
	switch phase {
	case contract.KickoffPhaseStarting:
		rep.Summary = "sending the personnel directory and the kickoff invitations"
		rep.Next = &contract.Deadline{What: "kickoff meeting", Due: k.in.Starts}
	case contract.KickoffPhaseInvited:
		rep.Summary = fmt.Sprintf("kickoff meeting on %s; %d invited", k.in.TimeZone.Human(k.in.Starts), k.progress.Invited)
		rep.Next = &contract.Deadline{What: "kickoff meeting", Due: k.in.Starts}
	case contract.KickoffPhaseMeeting:
		rep.Summary = "kickoff meeting under way"
		rep.Next = &contract.Deadline{What: "department plans and suggestions", Due: k.in.PlansDue}
	case contract.KickoffPhaseCollecting:
		rep.Summary = "kickoff meeting held; collecting the department plans"
		rep.Next = &contract.Deadline{What: "department plans and suggestions", Due: k.in.PlansDue}
	}
	k.report.send(ctx, rep)
}

// showPhase puts the phase in the search attributes and the Web UI.
func (k *kickoff) showPhase(ctx workflow.Context) {
	if err := workflow.UpsertTypedSearchAttributes(ctx, contract.SearchTerm.ValueSet(k.in.TermID), contract.SearchPhase.ValueSet(k.progress.Phase)); err != nil {
		workflow.GetLogger(ctx).Warn("phase search attribute not updated", "error", err)
	}
	p := k.progress
	plans := "see " + p.PlansWorkflowID
	if p.Phase == contract.KickoffPhaseDone {
		plans = fmt.Sprintf("%d of %d", p.PlansIn, p.Departments)
	}
	workflow.SetCurrentDetails(ctx, fmt.Sprintf(
		"**Kickoff** %s: %s\n\n| meeting | directory sent | invited | plans due | plans in |\n|---|---|---|---|---|\n| %s | %d | %d | %s | %s |",
		k.in.TermName, p.Phase, k.in.TimeZone.Human(p.Starts), p.DirectorySent, p.Invited,
		k.in.TimeZone.Human(p.PlansDue), plans))
}

func orWhere(where string) string {
	if where == "" {
		return "the ministerial meeting"
	}
	return where
}
