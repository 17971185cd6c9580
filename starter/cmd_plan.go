package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"semesterflow/contract"
	"semesterflow/internal/config"
	"semesterflow/internal/upload"
	"semesterflow/plan"
)

// runPlan is "starter plan diff" and "starter plan apply": the living plan.
func runPlan(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageError{"say what to do: starter plan diff --term ID --plan FILE, or starter plan apply --term ID --plan FILE --by EMAIL"}
	}
	switch args[0] {
	case "diff":
		return runPlanDiff(ctx, e, args[1:])
	case "apply":
		return runPlanApply(ctx, e, args[1:])
	}
	return usageError{fmt.Sprintf("unknown plan command %q: use diff or apply", args[0])}
}

func runPlanDiff(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "plan diff", "--term ID --plan FILE")
	term := fs.String("term", "", "the running term's id, for example 2026-fall")
	planFile := fs.String("plan", "", "the new version of the plan file (YAML)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := requiredFlags("term", *term, "plan", *planFile); err != nil {
		return err
	}
	p, err := loadPlan(*planFile)
	if err != nil {
		return err
	}
	c, _, err := dial(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()
	var d contract.PlanDiff
	name, arg, err := diffQuery(*p)
	if err != nil {
		return err
	}
	if err := query(ctx, c, contract.SemesterWorkflowID(*term), name, &d, arg); err != nil {
		return err
	}
	printDiff(e.stdout, *term, *planFile, d)
	return nil
}

// diffQuery is the query that diffs p and its argument: the plan itself,
// or, when it is too large for a query, packed.
func diffQuery(p plan.Plan) (string, any, error) {
	ref, _, err := contract.SplitPlan(p)
	if err != nil {
		return "", nil, err
	}
	if ref.Bytes <= upload.InlineBytes {
		return contract.QueryPlanDiff, p, nil
	}
	packed, err := contract.PackPlan(p)
	return contract.QueryPlanDiffPacked, packed, err
}

// printDiff lists each change with its effect, then what to do next.
func printDiff(w io.Writer, term, file string, d contract.PlanDiff) {
	if len(d.Changes) == 0 {
		fmt.Fprintf(w, "%s is the plan term %s runs (version %d): nothing would change.\n", file, term, d.Version)
		return
	}
	fmt.Fprintf(w, "Term %s runs plan version %d. %s would change:\n\n", term, d.Version, file)
	for _, c := range d.Changes {
		fmt.Fprintf(w, "  %-35s %s\n", "["+c.Effect+"]", c.Path)
		fmt.Fprintf(w, "  %-35s %s\n", "", c.What)
		if c.Reason != "" {
			label := "note:"
			if c.Effect == contract.EffectRefused {
				label = "why:"
			}
			fmt.Fprintf(w, "  %-35s %s %s\n", "", label, c.Reason)
		}
	}
	fmt.Fprintln(w)
	n := len(d.Changes)
	if d.Refused > 0 {
		fmt.Fprintf(w, "%d %s, %d refused. A refused change refuses the whole file: nothing was changed, and applying it would change nothing.\n",
			n, plural(n, "change", "changes"), d.Refused)
		return
	}
	fmt.Fprintf(w, "%d %s, none refused. Nothing was changed yet; to apply %s as version %d:\n  starter plan apply --term %s --plan %s --by EMAIL --expect-version %d\n",
		n, plural(n, "change", "changes"), plural(n, "it", "them"), d.Version+1, term, file, d.Version)
}

func runPlanApply(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "plan apply", "--term ID --plan FILE --by EMAIL [--expect-version N]")
	term := fs.String("term", "", "the running term's id, for example 2026-fall")
	planFile := fs.String("plan", "", "the new version of the plan file (YAML)")
	by := fs.String("by", "", "your email address; only leaders can change the plan")
	expect := fs.Int("expect-version", 0, "the version your diff was made against: refused if the plan has changed since (0: any)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := requiredFlags("term", *term, "plan", *planFile, "by", *by); err != nil {
		return err
	}
	if *expect < 0 {
		return usageError{fmt.Sprintf("--expect-version is %d; give a version from 1, or 0 for any", *expect)}
	}
	p, err := loadPlan(*planFile)
	if err != nil {
		return err
	}
	source, err := os.ReadFile(*planFile)
	if err != nil {
		return usageError{err.Error()}
	}
	ref, chunks, err := contract.SplitPlan(*p)
	if err != nil {
		return err
	}
	c, _, err := dial(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()
	in := contract.AmendPlanInput{Plan: *p, Source: string(source), By: *by, ExpectVersion: *expect}
	if ref.Bytes > upload.InlineBytes {
		// Too large for an Update: the worker stores it first, as for
		// "starter start". The file as written is then not kept (the plan
		// is); it would be as large again.
		if ref.TermID != *term {
			return usageError{fmt.Sprintf("%s is the plan of term %q, not %q", *planFile, ref.TermID, *term)}
		}
		if err := upload.Plan(ctx, c, config.TaskQueue(e.getenv), ref, chunks); err != nil {
			return fmt.Errorf("nothing was changed: %w", err)
		}
		fmt.Fprintf(e.stdout, "Stored the new plan (%s of JSON, %d chunks) for the worker.\n", megabytes(ref.Bytes), ref.Chunks)
		in.Plan, in.PlanRef = plan.Plan{}, &ref
		if len(source) > upload.InlineBytes {
			in.Source = ""
		}
	}
	var res contract.AmendPlanResult
	if err := update(ctx, e, c, contract.SemesterWorkflowID(*term), contract.UpdateAmendPlan, in, &res,
		fmt.Sprintf("term %s is not running", *term)); err != nil {
		return err
	}

	if res.Unchanged {
		fmt.Fprintf(e.stdout, "%s is already the plan term %s runs (version %d): nothing changed.\n", *planFile, *term, res.Version)
		return nil
	}
	fmt.Fprintf(e.stdout, "Term %s now runs plan version %d, with %d %s:\n", *term, res.Version, len(res.Changes), plural(len(res.Changes), "change", "changes"))
	for _, c := range res.Changes {
		fmt.Fprintf(e.stdout, "  [%s] %s: %s\n", c.Effect, c.Path, c.What)
	}
	return nil
}

// runExtend moves a deadline of a collection later.
func runExtend(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "extend", "--workflow ID --email ADDRESS [--slot KEY] --due DATE --reason TEXT")
	workflowID := fs.String("workflow", "", "the workflow that asked, as named in the email")
	email := fs.String("email", "", "your email address; those a deadline escalates to (the head, the leaders) may extend it")
	slot := fs.String("slot", "", "the slot to extend, as named in the email; without it, every open slot you may extend")
	due := fs.String("due", "", `the new due date, "YYYY-MM-DD" (same time of day) or "YYYY-MM-DD HH:MM", in the term's time zone`)
	reason := fs.String("reason", "", "why the deadline moves; it is kept in the audit log")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := requiredFlags("workflow", *workflowID, "email", *email, "due", *due, "reason", *reason); err != nil {
		return err
	}
	c, _, err := dial(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()
	var res contract.ExtendDeadlineResult
	in := contract.ExtendDeadlineInput{Email: *email, Slot: *slot, Due: *due, Reason: *reason}
	if err := update(ctx, e, c, *workflowID, contract.UpdateExtendDeadline, in, &res,
		fmt.Sprintf("%s is not running: it has not started yet or has already closed", *workflowID)); err != nil {
		return err
	}
	if *slot == "" {
		// A large collection runs in parts: extend every running one.
		more, err := extendOtherParts(ctx, e, c, *workflowID, in)
		if err != nil {
			return err
		}
		res.Slots = append(res.Slots, more...)
	}
	fmt.Fprintf(e.stdout, "Extended: %s now due %s. Reminders follow the new date; nobody is escalated for the old one.\n",
		strings.Join(res.Slots, ", "), res.TimeZone.Human(res.Due))
	return nil
}

// extendOtherParts extends the open slots of a collection's later parts,
// if it has any, and returns the slots extended. A part that has ended is
// passed over; the first part that never existed ends the search.
func extendOtherParts(ctx context.Context, e *env, c client.Client, collectionID string, in contract.ExtendDeadlineInput) ([]string, error) {
	if strings.Contains(collectionID, "/part-") {
		return nil, nil
	}
	var slots []string
	for shard := 1; ; shard++ {
		id := contract.CollectionShardID(collectionID, shard)
		desc, err := c.DescribeWorkflowExecution(ctx, id, "")
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			return slots, nil
		}
		if err != nil {
			return slots, fmt.Errorf("look for part %d of %s: %w", shard+1, collectionID, err)
		}
		if desc.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			continue
		}
		// A part may hold none of the slots this person may extend, so its
		// refusal is told, not fatal.
		var res contract.ExtendDeadlineResult
		if err := update(ctx, e, c, id, contract.UpdateExtendDeadline, in, &res, id+" has already closed"); err != nil {
			fmt.Fprintf(e.stderr, "Part %d of the collection (%s) not extended: %v\n", shard+1, id, err)
			continue
		}
		slots = append(slots, res.Slots...)
	}
}

// runHandOver passes a task to someone else in its department.
func runHandOver(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "hand-over", "--workflow ID --email ADDRESS [--slot KEY] [--from ADDRESS] --to ADDRESS --reason TEXT")
	workflowID := fs.String("workflow", "", "the workflow that asked, as named in the email")
	email := fs.String("email", "", "your email address: the person asked, or a head or leader the task escalates to")
	slot := fs.String("slot", "", "the task's slot, as named in the email; needed only when you have several")
	from := fs.String("from", "", "whose task moves, when you reassign someone else's")
	to := fs.String("to", "", "the email address of the officer who takes it, in the same department")
	reason := fs.String("reason", "", `why, for example "I'm ill; the deputy takes the minutes"`)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := requiredFlags("workflow", *workflowID, "email", *email, "to", *to, "reason", *reason); err != nil {
		return err
	}
	term := contract.TermOfWorkflow(*workflowID)
	if term == "" || !strings.HasPrefix(*workflowID, contract.SemesterWorkflowID(term)+"/") {
		return usageError{fmt.Sprintf("--workflow %q is not one of a term's workflows; copy it from the email", *workflowID)}
	}
	c, _, err := dial(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()
	// The directory says who the new person is and where they serve.
	var where contract.OfficerLocation
	if err := query(ctx, c, contract.SemesterWorkflowID(term), contract.QueryFindOfficer, &where, *to); err != nil {
		return err
	}
	in := contract.HandOverInput{
		Email: *email, Slot: *slot, From: *from, Reason: *reason,
		To: plan.Person{Name: where.Name, Email: where.Email}, ToDepartment: where.DepartmentID,
	}
	var res contract.HandOverResult
	if err := update(ctx, e, c, *workflowID, contract.UpdateHandOver, in, &res,
		fmt.Sprintf("%s is not running: it has not started yet or has already closed", *workflowID)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Handed over: %s now goes to %s <%s>, who gets the request and its link; %s's link says where it went.\n",
		res.Label, res.To.Name, res.To.Email, res.From.Name)
	return nil
}
