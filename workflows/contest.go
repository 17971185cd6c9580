package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
)

// Contest runs the knowledge contest: it asks each milestone's owner to
// complete it by its due date (a Collection child with reminders and
// escalation to the leaders), warns the leaders when milestones are still
// open a few days before the contest, and takes the results from a leader
// after the contest, reminding them on the due day and recording the
// results as missing when none came.
//
// The contest learns what is still open at the at-risk check from the
// submissions table (the OpenMilestones activity): the collection stores
// every completion there, and a workflow cannot query another. A milestone
// completed a moment before the check may not be stored yet and is then
// listed as open; the collection itself stays the authority, and its
// result is part of the contest's.
func Contest(ctx workflow.Context, in contract.ContestInput) (_ contract.ContestProgress, err error) {
	if in.Name == "" || len(in.Leaders) == 0 || in.At.IsZero() {
		return contract.ContestProgress{}, contract.BadInput(fmt.Sprintf("term %s has no contest to run (name, date or leaders missing)", in.TermID), nil)
	}
	c := &contest{
		in:     in,
		phase:  contract.ContestPreparing,
		report: &reporter{termKey: in.ReportTo, part: contract.ContestPart},
		depts:  map[string]bool{},
	}
	for _, d := range in.Departments {
		c.depts[d.ID] = true
	}
	defer func() { c.report.failed(ctx, err) }()
	if err := c.setup(ctx); err != nil {
		return contract.ContestProgress{}, err
	}
	return c.run(ctx)
}

type contest struct {
	in     contract.ContestInput
	phase  string
	report *reporter
	// beside sends the notices beside the calendar.
	beside *beside
	depts  map[string]bool // department IDs a winners list may name

	atRiskChecked bool
	openAtRisk    []contract.ContestMilestone
	// results is claimed by the update before it is stored; saving is set
	// meanwhile.
	results    *contract.ContestResults
	saving     bool
	closed     bool // the results window has closed
	missing    bool
	milestones *contract.CollectionResult
	// amendable is set for runs since changeContestAmend; moved wakes the
	// waits when an amendment moved the dates.
	amendable bool
	moved     bool
}

func (c *contest) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandlerWithOptions(ctx, contract.QueryProgress,
		func() (contract.ContestProgress, error) { return c.progress(), nil },
		workflow.QueryHandlerOptions{Description: "The contest's phase, milestones open at the at-risk check, and its results"},
	); err != nil {
		return err
	}
	c.setupAmendments(ctx)
	return workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateRecordResults, c.recordResults, workflow.UpdateHandlerOptions{
		Validator:   c.validateResults,
		Description: "A leader records the results of " + c.in.Name + ": a text and, optionally, the winning departments",
	})
}

func (c *contest) run(ctx workflow.Context) (contract.ContestProgress, error) {
	c.beside = newBeside(ctx, c.in.Clock)
	c.report.beside = c.beside
	// Decided before the first command, as newBeside is.
	c.amendable = workflow.GetVersion(ctx, changeContestAmend, workflow.DefaultVersion, 1) == 1
	c.setPhase(ctx, contract.ContestPreparing)
	var child workflow.ChildWorkflowFuture
	if len(c.in.Milestones) > 0 {
		var err error
		if child, err = c.startMilestones(ctx); err != nil {
			return contract.ContestProgress{}, err
		}
	}

	// At-risk check, unless the term started too late for it to matter.
	if c.planNow(ctx).Before(c.in.At) {
		if c.amendable {
			c.waitFor(ctx, func() time.Time { return c.in.AtRiskAt }, "at-risk check: milestones of "+c.in.Name, func() bool { return false })
		} else {
			c.sleepUntil(ctx, c.in.AtRiskAt, "at-risk check: milestones of "+c.in.Name)
		}
		if err := c.checkAtRisk(ctx, child); err != nil {
			return contract.ContestProgress{}, err
		}
	}

	if c.amendable {
		c.waitFor(ctx, func() time.Time { return c.in.At }, "contest day: "+c.in.Name, func() bool { return false })
	} else {
		c.sleepUntil(ctx, c.in.At, "contest day: "+c.in.Name)
	}
	c.setPhase(ctx, contract.ContestDay)

	if !c.in.ResultsReminderAt.IsZero() && !c.awaitResults(ctx, c.in.ResultsReminderAt, "reminder: results of "+c.in.Name) && c.results == nil {
		if err := c.beside.mail(ctx, email{
			what: fmt.Sprintf("the leaders' reminder of the results of %s", c.in.Name),
			due:  c.in.ResultsReminderAt, until: c.in.ResultsDue,
			activity: a.NotifyContestResultsReminder,
			input: contract.NotifyContestResultsReminderInput{
				TermID: c.in.TermID, TermName: c.in.TermName, TimeZone: c.in.TimeZone,
				ContestName: c.in.Name, ContestAt: c.in.At, ResultsDue: c.in.ResultsDue,
				Leaders: c.in.Leaders, Departments: c.departmentIDs(),
			},
		}); err != nil {
			return contract.ContestProgress{}, fmt.Errorf("results reminder: %w", err)
		}
	}

	if !c.awaitResults(ctx, c.in.ResultsDue, "deadline: results of "+c.in.Name) {
		// Admit nothing more and let a recording under way finish: it may
		// still fail and leave the results missing.
		c.closed = true
		if err := workflow.Await(ctx, func() bool { return !c.saving }); err != nil {
			return contract.ContestProgress{}, err
		}
		if c.results == nil {
			actx := withStoreOptions(ctx, "record: results of "+c.in.Name+" missing")
			if err := workflow.ExecuteActivity(actx, a.RecordContestResult, contract.RecordContestResultInput{
				TermID: c.in.TermID, Name: c.in.Name, HeldAt: c.in.At, Missing: true, At: c.in.ResultsDue,
			}).Get(ctx, nil); err != nil {
				return contract.ContestProgress{}, fmt.Errorf("record missing results: %w", err)
			}
			c.missing = true
			c.setPhase(ctx, contract.ContestResultsMissing)
		}
	}
	c.closed = true
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return contract.ContestProgress{}, err
	}

	if child != nil {
		var res contract.CollectionResult
		if err := child.Get(ctx, &res); err != nil {
			// The milestones are the collection's business; the contest
			// still ends with its results.
			workflow.GetLogger(ctx).Warn("milestones collection failed", "error", err)
		} else {
			c.milestones = &res
		}
	}
	// The last report says how every email went.
	if err := c.beside.wait(ctx); err != nil {
		return contract.ContestProgress{}, err
	}
	c.sendReport(ctx, true)
	if err := c.beside.wait(ctx); err != nil {
		return contract.ContestProgress{}, err
	}
	return c.progress(), nil
}

// startMilestones starts the milestones collection and waits until it runs.
// The collection closes with the contest's results window at the latest, so
// the contest waits for its result at the end.
func (c *contest) startMilestones(ctx workflow.Context) (workflow.ChildWorkflowFuture, error) {
	in := c.milestonesInput()
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:    contract.ContestMilestonesWorkflowID(c.in.TermID),
		StaticSummary: fmt.Sprintf("Milestones: %s, %s", c.in.Name, c.in.TermName),
		StaticDetails: fmt.Sprintf("%d preparation milestones before %s on %s.", len(in.Slots), c.in.Name, c.in.TimeZone.Human(c.in.At)),
		TypedSearchAttributes: temporal.NewSearchAttributes(
			contract.SearchTerm.ValueSet(c.in.TermID),
		),
	})
	f := workflow.ExecuteChildWorkflow(cctx, Collection, in)
	err := f.GetChildWorkflowExecution().Get(ctx, nil)
	var started *temporal.ChildWorkflowExecutionAlreadyStartedError
	if err != nil && !errors.As(err, &started) {
		return nil, fmt.Errorf("start the milestones of %s: %w", c.in.Name, err)
	}
	return f, nil
}

// milestonesInput asks each owner to complete their milestones, escalating
// slippage to the leaders.
func (c *contest) milestonesInput() contract.CollectionInput {
	in := contract.CollectionInput{
		TermID: c.in.TermID, TermName: c.in.TermName, TimeZone: c.in.TimeZone,
		Kind: contract.ContestMilestoneKind, Scope: contract.ContestScope,
		Title: "your milestone for " + c.in.Name,
		Instructions: fmt.Sprintf("%s is on %s. When a milestone below is done, confirm it with the command next to it; a short note on how it went is welcome.",
			c.in.Name, c.in.TimeZone.Human(c.in.At)),
		Opens:            c.in.Opens,
		RemindDaysBefore: c.in.RemindDaysBefore,
		SendTime:         c.in.SendTime,
		LateDays:         c.in.MilestonesLateDays,
		TextRequired:     false,
		Clock:            c.in.Clock,
		ReportTo:         c.in.ReportTo,
		Part:             contract.ContestMilestonesPart,
	}
	for _, m := range c.in.Milestones {
		in.Slots = append(in.Slots, contract.Slot{
			Key: m.Key, Label: m.Title, Due: m.Due,
			Owners:     []plan.Person{m.Owner},
			EscalateTo: c.in.Leaders,
		})
	}
	return in
}

// checkAtRisk finds the milestones still open and, if any, tells the
// leaders in one batch.
func (c *contest) checkAtRisk(ctx workflow.Context, child workflow.ChildWorkflowFuture) error {
	var open []string
	switch {
	case child == nil:
	case child.IsReady():
		// The collection has ended: its result says what is missing.
		var res contract.CollectionResult
		if err := child.Get(ctx, &res); err == nil {
			open = res.Missing
			break
		}
		fallthrough
	default:
		keys := make([]string, len(c.in.Milestones))
		for i, m := range c.in.Milestones {
			keys[i] = m.Key
		}
		actx := withStoreOptions(ctx, "at-risk check: which milestones are open")
		if err := workflow.ExecuteActivity(actx, a.OpenMilestones, contract.OpenMilestonesInput{
			TermID: c.in.TermID, Kind: contract.ContestMilestoneKind, Scope: contract.ContestScope, Keys: keys,
		}).Get(ctx, &open); err != nil {
			return fmt.Errorf("at-risk check: %w", err)
		}
	}
	isOpen := map[string]bool{}
	for _, k := range open {
		isOpen[k] = true
	}
	c.openAtRisk = nil
	for _, m := range c.in.Milestones {
		if isOpen[m.Key] {
			c.openAtRisk = append(c.openAtRisk, m)
		}
	}
	c.atRiskChecked = true
	if len(c.openAtRisk) == 0 {
		c.sendReport(ctx, false)
		return nil
	}
	in := contract.NotifyContestAtRiskInput{
		TermID: c.in.TermID, TermName: c.in.TermName, TimeZone: c.in.TimeZone,
		ContestName: c.in.Name, ContestAt: c.in.At, Where: c.in.Where,
		Total: len(c.in.Milestones), Leaders: c.in.Leaders,
		Open: append([]contract.ContestMilestone(nil), c.openAtRisk...),
	}
	if err := c.beside.mail(ctx, email{
		what: fmt.Sprintf("the notice to the leaders that %s is at risk", c.in.Name),
		due:  c.in.AtRiskAt, until: c.in.At,
		activity: a.NotifyContestAtRisk, input: in,
	}); err != nil {
		return fmt.Errorf("contest at risk notice: %w", err)
	}
	c.setPhase(ctx, contract.ContestAtRisk)
	return nil
}

// sleepUntil waits for plan time t.
func (c *contest) sleepUntil(ctx workflow.Context, t time.Time, summary string) {
	d := c.in.Clock.Real(t).Sub(workflow.Now(ctx))
	if d <= 0 {
		return
	}
	_ = workflow.NewTimerWithOptions(ctx, d, workflow.TimerOptions{Summary: summary}).Get(ctx, nil)
}

// awaitResults waits until plan time t or until results are recorded, and
// says whether they were.
func (c *contest) awaitResults(ctx workflow.Context, t time.Time, summary string) bool {
	recorded := func() bool { return c.results != nil && !c.saving }
	d := c.in.Clock.Real(t).Sub(workflow.Now(ctx))
	if recorded() || d <= 0 {
		return recorded()
	}
	ok, _ := workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{
		Timeout:      d,
		TimerOptions: workflow.TimerOptions{Summary: summary},
	}, recorded)
	return ok
}

func (c *contest) validateResults(ctx workflow.Context, in contract.RecordResultsInput) error {
	_, err := c.checkResults(ctx, in)
	return contract.AsRefusal(err)
}

// checkResults says, in words the leader understands, why results cannot
// be taken, and returns the winners cleaned up.
func (c *contest) checkResults(ctx workflow.Context, in contract.RecordResultsInput) ([]string, error) {
	email := plan.NormalizeEmail(in.Email)
	leader := false
	for _, l := range c.in.Leaders {
		leader = leader || l.Email == email
	}
	now := c.planNow(ctx)
	switch {
	case email == "":
		return nil, errors.New("say who you are: the email address is empty")
	case !leader:
		return nil, fmt.Errorf("%s is not a leader of %s; only the leaders record the results of %s", in.Email, c.in.TermName, c.in.Name)
	case c.results != nil:
		return nil, fmt.Errorf("the results of %s were already recorded by %s on %s", c.in.Name, c.results.By, c.in.TimeZone.Human(c.results.At))
	case now.Before(c.in.At):
		return nil, fmt.Errorf("%s takes place on %s; record its results after it has started", c.in.Name, c.in.TimeZone.Human(c.in.At))
	case c.closed || !now.Before(c.in.ResultsDue):
		return nil, fmt.Errorf("the results of %s were due by %s and can no longer be recorded here", c.in.Name, c.in.TimeZone.Human(c.in.ResultsDue))
	case strings.TrimSpace(in.Text) == "":
		return nil, fmt.Errorf("the text is empty; write the results of %s", c.in.Name)
	case utf8.RuneCountInString(in.Text) > maxSubmissionLength:
		return nil, fmt.Errorf("the text has %d characters; keep it to %d", utf8.RuneCountInString(in.Text), maxSubmissionLength)
	}
	var winners []string
	seen := map[string]bool{}
	for _, w := range in.Winners {
		w = strings.TrimSpace(w)
		switch {
		case !c.depts[w]:
			return nil, fmt.Errorf("%q is not a department of %s; name winners by department ID (%s)", w, c.in.TermName, strings.Join(c.departmentIDs(), ", "))
		case seen[w]:
			return nil, fmt.Errorf("%s is listed twice among the winners", w)
		}
		seen[w] = true
		winners = append(winners, w)
	}
	return winners, nil
}

func (c *contest) recordResults(ctx workflow.Context, in contract.RecordResultsInput) (contract.ContestResults, error) {
	winners, err := c.checkResults(ctx, in)
	if err != nil {
		return contract.ContestResults{}, contract.AsRefusal(err)
	}
	r := contract.ContestResults{Text: strings.TrimSpace(in.Text), Winners: winners, By: plan.NormalizeEmail(in.Email), At: c.planNow(ctx)}
	// Claim the results so that a second leader is turned away while these
	// are stored.
	c.results, c.saving = &r, true
	actx := withUpdateStoreOptions(ctx, "record: results of "+c.in.Name)
	err = workflow.ExecuteActivity(actx, a.RecordContestResult, contract.RecordContestResultInput{
		TermID: c.in.TermID, Name: c.in.Name, HeldAt: c.in.At,
		Text: r.Text, Winners: r.Winners, By: r.By, At: r.At,
		AuditKey: "update/" + workflow.GetCurrentUpdateInfo(ctx).ID,
	}).Get(ctx, nil)
	c.saving = false
	if err != nil {
		c.results = nil
		if c.beside != nil {
			c.beside.problems = append(c.beside.problems, fmt.Sprintf("the results of %s recorded by %s could not be stored", c.in.Name, r.By))
		}
		return contract.ContestResults{}, fmt.Errorf("could not record the results, please try again: %w", err)
	}
	c.setPhase(ctx, contract.ContestResultsRecorded)
	return r, nil
}

func (c *contest) departmentIDs() []string {
	ids := make([]string, len(c.in.Departments))
	for i, d := range c.in.Departments {
		ids[i] = d.ID
	}
	return ids
}

func (c *contest) planNow(ctx workflow.Context) time.Time {
	return c.in.Clock.Plan(workflow.Now(ctx))
}

// setPhase shows the phase in the UI and tells the term.
func (c *contest) setPhase(ctx workflow.Context, phase string) {
	c.phase = phase
	open := "not checked yet"
	if c.atRiskChecked {
		open = fmt.Sprintf("%d of %d", len(c.openAtRisk), len(c.in.Milestones))
	}
	workflow.SetCurrentDetails(ctx, fmt.Sprintf(
		"**%s**: %s\n\n| contest | milestones open at the at-risk check | results due |\n|---|---|---|\n| %s | %s | %s |",
		c.in.Name, phase, c.in.TimeZone.Human(c.in.At), open, c.in.TimeZone.Human(c.in.ResultsDue)))
	c.sendReport(ctx, false)
}

func (c *contest) sendReport(ctx workflow.Context, done bool) {
	rep := contract.PartReport{Phase: c.phase, Done: done, Problems: c.progress().Problems}
	when := c.in.TimeZone.Human(c.in.At)
	switch c.phase {
	case contract.ContestPreparing, contract.ContestAtRisk:
		rep.Summary = fmt.Sprintf("%s on %s: preparing", c.in.Name, when)
		if c.atRiskChecked {
			rep.Summary = fmt.Sprintf("%s on %s: %d of %d milestones open at the at-risk check", c.in.Name, when, len(c.openAtRisk), len(c.in.Milestones))
		}
		rep.Next = &contract.Deadline{What: c.in.Name, Due: c.in.At}
	case contract.ContestDay:
		rep.Summary = fmt.Sprintf("%s held on %s; results due by %s", c.in.Name, when, c.in.TimeZone.Human(c.in.ResultsDue))
		rep.Next = &contract.Deadline{What: "results of " + c.in.Name, Due: c.in.ResultsDue}
	case contract.ContestResultsRecorded:
		rep.Summary = fmt.Sprintf("%s: results recorded by %s", c.in.Name, c.results.By)
	case contract.ContestResultsMissing:
		rep.Summary = fmt.Sprintf("%s: results missing", c.in.Name)
		rep.Overdue = []contract.OverdueItem{{What: "results of " + c.in.Name, Who: "the leaders", Due: c.in.ResultsDue}}
	}
	c.report.send(ctx, rep)
}

func (c *contest) progress() contract.ContestProgress {
	p := contract.ContestProgress{
		Name: c.in.Name, Phase: c.phase, At: c.in.At, AtRiskAt: c.in.AtRiskAt, ResultsDue: c.in.ResultsDue,
		MilestonesWorkflowID: contract.ContestMilestonesWorkflowID(c.in.TermID),
		AtRiskChecked:        c.atRiskChecked,
		OpenAtRisk:           append([]contract.ContestMilestone(nil), c.openAtRisk...),
		ResultsMissing:       c.missing,
		Milestones:           c.milestones,
	}
	if c.beside != nil {
		p.Problems = append([]string(nil), c.beside.problems...)
	}
	if c.results != nil && !c.saving {
		r := *c.results
		p.Results = &r
	}
	return p
}
