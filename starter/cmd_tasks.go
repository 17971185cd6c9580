package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"semesterflow/contract"
)

func runRequestHelp(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "request-help", `--term ID --email ADDRESS --department ID --due YYYY-MM-DD --text "..."`)
	term := fs.String("term", "", "the term's id, for example 2026-fall")
	email := fs.String("email", "", "your email address: a department head's or a leader's")
	dept := fs.String("department", "", "the ID of the department that needs help, for example publicity")
	due := fs.String("due", "", "the day the help is needed by, YYYY-MM-DD")
	text := fs.String("text", "", "what help you need")
	if err := parse(fs, args); err != nil {
		return err
	}
	for _, f := range []struct{ name, value string }{{"term", *term}, {"email", *email}, {"department", *dept}, {"due", *due}, {"text", *text}} {
		if err := required(f.name, f.value); err != nil {
			return err
		}
	}
	if _, err := time.Parse("2006-01-02", *due); err != nil {
		return usageError{fmt.Sprintf("--due %q: write the date as YYYY-MM-DD", *due)}
	}
	var res contract.RequestHelpResult
	if err := sendUpdate(ctx, e, contract.HelpDeskWorkflowID(*term), contract.UpdateRequestHelp,
		contract.RequestHelpInput{Email: *email, Department: *dept, Due: *due, Text: *text}, &res,
		"help requests for "+*term+" are not taken: the term has not started or is over"); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Requested: task %s, needed by %s. %s will assign an officer; you will hear who.\n",
		res.TaskID, *due, res.Coordinator.Name)
	return nil
}

func runAssign(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "assign", "--term ID --email ADDRESS --task ID --officer ADDRESS")
	term := fs.String("term", "", "the term's id, for example 2026-fall")
	email := fs.String("email", "", "your email address: the coordinator's or a leader's")
	task := fs.String("task", "", "the task, as named in the request email, for example t3")
	officer := fs.String("officer", "", "the email address of the officer who will help")
	if err := parse(fs, args); err != nil {
		return err
	}
	for _, f := range []struct{ name, value string }{{"term", *term}, {"email", *email}, {"task", *task}, {"officer", *officer}} {
		if err := required(f.name, f.value); err != nil {
			return err
		}
	}
	var res contract.AssignTaskResult
	if err := sendUpdate(ctx, e, contract.HelpDeskWorkflowID(*term), contract.UpdateAssignTask,
		contract.AssignTaskInput{Email: *email, Task: *task, Officer: *officer}, &res,
		"help tasks for "+*term+" are not taken: the term has not started or is over"); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Assigned: task %s to %s <%s>. They are asked to confirm it is done by the due date; the requester is told.\n",
		res.TaskID, res.Assignee.Name, res.Assignee.Email)
	return nil
}

func runRecordResults(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "record-results", `--term ID --email ADDRESS --text "..." [--winners ID,ID,...]`)
	term := fs.String("term", "", "the term's id, for example 2026-fall")
	email := fs.String("email", "", "your email address: a leader's")
	text := fs.String("text", "", "the contest's results")
	winners := fs.String("winners", "", "the winning departments' IDs, best first, comma-separated (optional)")
	if err := parse(fs, args); err != nil {
		return err
	}
	for _, f := range []struct{ name, value string }{{"term", *term}, {"email", *email}, {"text", *text}} {
		if err := required(f.name, f.value); err != nil {
			return err
		}
	}
	in := contract.RecordResultsInput{Email: *email, Text: *text}
	if *winners != "" {
		for i, w := range strings.Split(*winners, ",") {
			w = strings.TrimSpace(w)
			if w == "" {
				return usageError{fmt.Sprintf("--winners: winner %d is empty", i+1)}
			}
			in.Winners = append(in.Winners, w)
		}
	}
	var res contract.ContestResults
	if err := sendUpdate(ctx, e, contract.ContestWorkflowID(*term), contract.UpdateRecordResults, in, &res,
		"the contest of "+*term+" is not taking results: it has not started or its results window has closed"); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Recorded: the contest's results, at %s.\n", res.At.Format("Mon 2 Jan 2006, 15:04 (UTC-07:00)"))
	if len(res.Winners) > 0 {
		fmt.Fprintf(e.stdout, "Winners: %s\n", strings.Join(res.Winners, ", "))
	}
	return nil
}
