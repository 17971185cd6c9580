package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"semesterflow/contract"
	"semesterflow/internal/config"
	"semesterflow/internal/upload"
	"semesterflow/plan"
)

func runValidate(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "validate", "--plan FILE")
	planFile := fs.String("plan", "", "the plan file (YAML)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("plan", *planFile); err != nil {
		return err
	}
	p, err := loadPlan(*planFile)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s is valid: %s, %d departments, %d officers.\n", *planFile, p.Term.Name, len(p.Departments), len(p.Officers()))
	return nil
}

// loadPlan reads and validates a plan; any problem is a usage error.
func loadPlan(path string) (*plan.Plan, error) {
	p, err := plan.Load(path)
	if err != nil {
		var verr *plan.ValidationError
		if errors.As(err, &verr) {
			return nil, usageError{err.Error()}
		}
		return nil, usageError{err.Error()}
	}
	return p, nil
}

func runStart(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "start", "--plan FILE [--time-scale N]")
	planFile := fs.String("plan", "", "the plan file (YAML)")
	scale := fs.Float64("time-scale", 1, "plan seconds per real second: 1 runs on the real calendar, 86400 rehearses one plan day per second")
	by := fs.String("by", whoRuns(e), "who starts the term, for the audit log; your login name unless given")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("plan", *planFile); err != nil {
		return err
	}
	if *scale < 1 {
		return usageError{fmt.Sprintf("--time-scale %g: must be at least 1", *scale)}
	}
	// The workflow checks the plan again, with the same Validate, for the
	// starts that bypass this command. Its refusal cannot replace this
	// one: it comes only once a worker runs the term, as a failed run that
	// keeps the term's ID under REJECT_DUPLICATE. Here every problem is
	// listed with exit code 2 before anything exists.
	p, err := loadPlan(*planFile)
	if err != nil {
		return err
	}
	s := p.OnboardingSchedule()
	if *scale == 1 && !s.WindowCloses.After(time.Now()) {
		return usageError{fmt.Sprintf("the plan's onboarding window closed on %s, so on the real calendar every email would go out at once; "+
			"rehearse it with --time-scale 86400, or fix the plan's dates", p.Zone().Human(s.WindowCloses))}
	}
	input := contract.SemesterInput{Plan: *p, TimeScale: *scale, StartedBy: strings.TrimSpace(*by)}
	// A large plan travels by reference: its chunks are stored first, and
	// the term starts with their reference.
	ref, chunks, err := contract.SplitPlan(*p)
	if err != nil {
		return usageError{err.Error()}
	}
	if ref.Bytes > upload.InlineBytes {
		input.Plan, input.PlanRef = plan.Plan{}, &ref
	}
	size, err := inputSize(input)
	if err != nil {
		return err
	}
	// The audit log must name a person; without one, ask rather than
	// record "unknown".
	if input.StartedBy == "" {
		return usageError{"cannot tell who is starting the term (no login name, $USER or $LOGNAME); name yourself with --by, for example --by li.wei"}
	}
	c, namespace, err := dial(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()

	id := contract.SemesterWorkflowID(p.Term.ID)
	if input.PlanRef != nil {
		if err := upload.Plan(ctx, c, config.TaskQueue(e.getenv), ref, chunks); err != nil {
			return fmt.Errorf("nothing was started: %w", err)
		}
		fmt.Fprintf(e.stdout, "Stored the plan (%s of JSON, %d chunks) for the worker.\n", megabytes(ref.Bytes), ref.Chunks)
	}
	mode := "on the real calendar"
	if *scale > 1 {
		mode = fmt.Sprintf("rehearsed at %g plan seconds per second", *scale)
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                config.TaskQueue(e.getenv),
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		// Without this the SDK hands back the running term as if it were new.
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		StaticSummary:                            fmt.Sprintf("%s: the Organization Department's work plan", p.Term.Name),
		StaticDetails: fmt.Sprintf("%s to %s (%s), %d departments, %d officers, %s. Training deadline %s.",
			p.Term.Starts, p.Term.Ends, p.Term.TimeZone, len(p.Departments), len(p.Officers()), mode, p.Zone().Human(s.Deadline)),
		TypedSearchAttributes: temporal.NewSearchAttributes(
			contract.SearchTerm.ValueSet(p.Term.ID),
			contract.SearchPhase.ValueSet(contract.PhaseDirectory),
		),
	}, contract.WorkflowSemesterPlan, input)
	if err != nil {
		var started *serviceerror.WorkflowExecutionAlreadyStarted
		if errors.As(err, &started) || temporal.IsWorkflowExecutionAlreadyStartedError(err) {
			return exitError{exitStarted, fmt.Errorf("term %s was already started as workflow %s; a term runs once. Follow it with: starter status --term %s", p.Term.ID, id, p.Term.ID)}
		}
		return startError(p.Term.ID, size, err)
	}
	fmt.Fprintf(e.stdout, "Started %s (%s).\n", p.Term.Name, mode)
	fmt.Fprintf(e.stdout, "Workflow ID: %s\nRun ID:      %s\n", run.GetID(), run.GetRunID())
	fmt.Fprintf(e.stdout, "Temporal UI: %s\n", config.WorkflowURL(e.getenv, namespace, run.GetID()))
	return nil
}

// inputSize encodes the term's input as the client will, and refuses one
// larger than a plan may take: validation bounds the plan, this also counts
// what the command adds, such as --by.
func inputSize(in contract.SemesterInput) (int, error) {
	payload, err := converter.GetDefaultDataConverter().ToPayload(in)
	if err != nil {
		return 0, usageError{fmt.Sprintf("the plan cannot be encoded as the term's input: %v", err)}
	}
	n := len(payload.GetData())
	if n > plan.MaxInputBytes {
		return n, usageError{fmt.Sprintf("the term's input is %s, more than the %s it may take (Temporal refuses a payload over 2 MB); nothing was started",
			megabytes(n), megabytes(plan.MaxInputBytes))}
	}
	return n, nil
}

// startError explains why Temporal refused to start the term. A request
// too large for gRPC (ResourceExhausted, "message larger than max") or for
// Temporal's blob limit ("Blob data size exceeds limit") is a plan that
// cannot start: exit 2, like a plan problem, for nothing was started. Other
// ResourceExhausted errors are Temporal's limits on the rate of requests.
func startError(termID string, inputBytes int, err error) error {
	var exhausted *serviceerror.ResourceExhausted
	var invalid *serviceerror.InvalidArgument
	msg := strings.ToLower(err.Error())
	tooLarge := strings.Contains(msg, "larger than max") || strings.Contains(msg, "size exceeds limit")
	switch {
	case tooLarge && (errors.As(err, &exhausted) || errors.As(err, &invalid)):
		return exitError{exitUsage, fmt.Errorf("the Temporal server refused to start term %s: its input, the plan, is %s, more than Temporal takes (%s); nothing was started. "+
			"Make the plan smaller, for example by splitting its departments across terms", termID, megabytes(inputBytes), plainError(err))}
	case errors.As(err, &exhausted):
		return fmt.Errorf("the Temporal server is too busy to start term %s (%s); nothing was started, try again in a minute", termID, exhausted.Message)
	}
	return fmt.Errorf("start term %s: %w", termID, err)
}

// megabytes writes a size in MB of 2^20 bytes, as the limits are given.
func megabytes(n int) string {
	s := strings.TrimRight(fmt.Sprintf("%.2f", float64(n)/(1<<20)), "0")
	return strings.TrimSuffix(s, ".") + " MB"
}

// ackTimeout bounds how long a command waits for its update to be saved.
const ackTimeout = 30 * time.Second

func runAck(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "ack", "--term ID --email ADDRESS [--note TEXT]")
	term := fs.String("term", "", "the term's id, for example 2026-fall")
	email := fs.String("email", "", "the officer's email address")
	note := fs.String("note", "", "an optional note, for example which session you attended")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := requiredFlags("term", *term, "email", *email); err != nil {
		return err
	}
	c, _, err := dial(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()

	var where contract.OfficerLocation
	if err := query(ctx, c, contract.SemesterWorkflowID(*term), contract.QueryFindOfficer, &where, *email); err != nil {
		return err
	}
	var res contract.AcknowledgeResult
	notRunning := fmt.Sprintf("onboarding for the %s is not running: it has not started yet or has already closed", where.DepartmentName)
	if err := update(ctx, e, c, where.OnboardingWorkflowID, contract.UpdateAcknowledgeTraining,
		contract.AcknowledgeInput{Email: *email, Note: *note}, &res, notRunning); err != nil {
		return err
	}
	what := "on time"
	if res.Outcome == contract.OutcomeLate {
		what = "late (after the deadline)"
	}
	fmt.Fprintf(e.stdout, "Thank you, %s: your training acknowledgement is recorded %s, at %s.\n", where.Name, what, where.TimeZone.Human(res.At))
	return nil
}

func runStatus(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "status", "--term ID [--department ID]")
	term := fs.String("term", "", "the term's id, for example 2026-fall")
	department := fs.String("department", "", "show one department's parts and overdue items")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("term", *term); err != nil {
		return err
	}
	c, _, err := dial(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()
	var p contract.Progress
	if err := query(ctx, c, contract.SemesterWorkflowID(*term), contract.QueryProgress, &p, contract.ProgressRequest{Department: *department}); err != nil {
		return err
	}
	printProgress(e.stdout, p, time.Now())
	return nil
}

func printProgress(w io.Writer, p contract.Progress, now time.Time) {
	fmt.Fprintf(w, "%s (%s): %s\n", p.TermName, p.TermID, p.Phase)
	deadline := p.TimeZone.Human(p.Deadline)
	if p.Phase == contract.PhaseDone {
		fmt.Fprintf(w, "Training deadline was %s\n\n", deadline)
	} else {
		fmt.Fprintf(w, "Plan time %s; training deadline %s\n\n", p.TimeZone.Human(p.Clock.Plan(now)), deadline)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DEPARTMENT\tPHASE\tOFFICERS\tON TIME\tLATE\tPENDING\tOVERDUE\tNEVER\t")
	row := func(name, phase string, c contract.OnboardingCounts) {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t\n", name, phase, c.Officers, c.OnTime, c.Late, c.Pending, c.Overdue, c.Never)
	}
	for _, d := range p.Departments {
		row(d.Name, d.Phase, d.Onboarding)
	}
	row("Total", "", p.Totals)
	tw.Flush()
	if p.MoreDepartments > 0 {
		fmt.Fprintf(w, "(up to %d departments with something outstanding are listed; the total counts the other %d too. starter status --department ID shows one.)\n",
			contract.ProgressDepartmentsUpTo, p.MoreDepartments)
	}

	if len(p.Parts) > 0 {
		if p.PartsAsOf.IsZero() {
			fmt.Fprintln(w, "\nPARTS")
		} else {
			fmt.Fprintf(w, "\nPARTS (as reported by %s)\n", p.TimeZone.Human(p.PartsAsOf))
		}
		if p.FoldedDepartments > 0 {
			fmt.Fprintf(w, "  (each kind of part stands for all %d departments; starter status --department ID lists one department's)\n", p.FoldedDepartments)
		}
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, part := range p.Parts {
			state := part.Phase
			switch {
			case part.Done && len(part.Problems) > 0:
				state = fmt.Sprintf("done, %d %s", len(part.Problems), plural(len(part.Problems), "problem", "problems"))
			case part.Done:
				state = "done"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", part.Part, state, part.Summary)
		}
		tw.Flush()
	}
	printProblems(w, p)
	if len(p.Upcoming) > 0 {
		fmt.Fprintln(w, "\nUPCOMING")
		for _, d := range p.Upcoming {
			fmt.Fprintf(w, "  %s  %s\n", p.TimeZone.Human(d.Due), d.What)
		}
	}
	if len(p.Overdue) > 0 {
		fmt.Fprintln(w, "\nOVERDUE")
		for _, g := range p.Overdue {
			fmt.Fprintf(w, "  %s\n", g.Name)
			for _, item := range g.Items {
				fmt.Fprintf(w, "    - %s (due %s)\n", item.What, p.TimeZone.Human(item.Due))
			}
		}
		if p.MoreOverdue > 0 {
			fmt.Fprintf(w, "  and %d more %s; starter status --department ID lists one department's\n",
				p.MoreOverdue, plural(p.MoreOverdue, "department", "departments"))
		}
	}
}

// printProblems lists what each part could not do on time, so that a term
// that ends "done" never hides a late or undelivered email.
func printProblems(w io.Writer, p contract.Progress) {
	header := false
	list := func(name string, problems []string) {
		if len(problems) == 0 {
			return
		}
		if !header {
			fmt.Fprintln(w, "\nNOT DONE ON TIME")
			header = true
		}
		fmt.Fprintf(w, "  %s\n", name)
		for _, pr := range problems {
			fmt.Fprintf(w, "    - %s\n", pr)
		}
	}
	for _, d := range p.Departments {
		list("onboarding/"+d.DepartmentID, d.Problems)
	}
	for _, part := range p.Parts {
		list(part.Part, part.Problems)
	}
}

func runCancel(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "cancel", "--term ID --email LEADER --reason TEXT")
	term := fs.String("term", "", "the term's id, for example 2026-fall")
	email := fs.String("email", "", "your email address; only leaders can cancel a term")
	reason := fs.String("reason", "", "why the term stops; everyone involved is told")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := requiredFlags("term", *term, "email", *email, "reason", *reason); err != nil {
		return err
	}
	if err := sendUpdate(ctx, e, contract.SemesterWorkflowID(*term), contract.UpdateCancelTerm,
		contract.CancelTermInput{Email: *email, Reason: *reason}, nil, fmt.Sprintf("term %s is not running", *term)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Term %s is being cancelled: every part stops and everyone involved gets a notice.\n", *term)
	return nil
}

// dial connects to Temporal with the environment's settings.
func dial(ctx context.Context, e *env) (client.Client, string, error) {
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	opts, err := config.TemporalClientOptions(e.getenv, e.environ, logger)
	if err != nil {
		return nil, "", err
	}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, err := client.DialContext(dctx, opts)
	if err != nil {
		return nil, "", fmt.Errorf("cannot reach Temporal at %s (set TEMPORAL_ADDRESS): %w", opts.HostPort, err)
	}
	return c, opts.Namespace, nil
}

// query asks a workflow and explains a missing term.
func query(ctx context.Context, c client.Client, workflowID, name string, into any, args ...any) error {
	v, err := c.QueryWorkflow(ctx, workflowID, "", name, args...)
	if err != nil {
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			return fmt.Errorf("no term is running as %s; start it with: starter start --plan FILE", workflowID)
		}
		return errors.New(plainError(err))
	}
	return v.Get(into)
}

// plainError keeps the part of an error a person needs: the workflow's own
// message without the SDK's wrapping.
func plainError(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Message()
	}
	return err.Error()
}

func runSubmit(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "submit", "--workflow ID --email ADDRESS [--slot KEY] (--text TEXT | --file FILE) [--scores N,N,...]")
	workflowID := fs.String("workflow", "", "the workflow that asked, as named in the email")
	email := fs.String("email", "", "your email address")
	slot := fs.String("slot", "", "what you hand in, as named in the email; needed only when you hand in several")
	text := fs.String("text", "", "the text to hand in")
	file := fs.String("file", "", "read the text from this file instead")
	scores := fs.String("scores", "", "scores, comma-separated, in the order of the criteria in the email")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := requiredFlags("workflow", *workflowID, "email", *email); err != nil {
		return err
	}
	in := contract.SubmitInput{Email: *email, Slot: *slot, Text: *text}
	if *file != "" {
		if *text != "" {
			return usageError{"give --text or --file, not both"}
		}
		data, err := os.ReadFile(*file)
		if err != nil {
			return usageError{err.Error()}
		}
		in.Text = string(data)
	}
	if *scores != "" {
		for i, f := range strings.Split(*scores, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return usageError{fmt.Sprintf("--scores: score %d, %q, is not a number", i+1, f)}
			}
			in.Scores = append(in.Scores, v)
		}
	}
	var res contract.SubmitResult
	notRunning := fmt.Sprintf("%s is not taking submissions: it has not started yet or has already closed", *workflowID)
	if err := sendUpdate(ctx, e, *workflowID, contract.UpdateSubmit, in, &res, notRunning); err != nil {
		return err
	}
	when := "on time"
	if res.Late {
		when = "late (after the deadline)"
	}
	fmt.Fprintf(e.stdout, "Received: %s, %s.\n", res.Label, when)
	return nil
}

// sendUpdate dials Temporal and sends one update; see update.
func sendUpdate(ctx context.Context, e *env, workflowID, name string, arg, into any, notRunning string) error {
	c, _, err := dial(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()
	return update(ctx, e, c, workflowID, name, arg, into, notRunning)
}

// update sends an update and waits for its result. It says notRunning when
// the workflow is not there or has finished, the validator's or handler's
// own words when it was refused, the generic sentence for any other
// failure (whose details go to the log), and gives up after ackTimeout
// rather than hang while the database is down.
func update(ctx context.Context, e *env, c client.Client, workflowID, name string, arg, into any, notRunning string) error {
	uctx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	handle, err := c.UpdateWorkflow(uctx, client.UpdateWorkflowOptions{
		WorkflowID:   workflowID,
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = handle.Get(uctx, into)
	}
	if uctx.Err() != nil && ctx.Err() == nil {
		return fmt.Errorf("no confirmation within %s; it may still be saved. Check with starter status before trying again", ackTimeout)
	}
	if err != nil {
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) || strings.Contains(err.Error(), "workflow execution already completed") {
			return errors.New(notRunning)
		}
		return updateFailure(e, workflowID, name, err)
	}
	return nil
}

// updateFailure is what a person reads when an Update failed: a refusal
// in its own words; anything else, whose text may be a database's, as the
// generic sentence, with the details logged.
func updateFailure(e *env, workflowID, name string, err error) error {
	if msg, ok := contract.RefusalMessage(err); ok {
		return errors.New(msg)
	}
	slog.New(slog.NewTextHandler(e.stderr, nil)).Error("update failed", "workflow", workflowID, "update", name, "error", err)
	return unexpected{err}
}

// unexpected reads as the generic sentence; its cause is for the log.
type unexpected struct{ cause error }

func (u unexpected) Error() string { return contract.Unexpected }
func (u unexpected) Unwrap() error { return u.cause }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
