package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"semesterflow/contract"
)

// runList lists the terms through a visibility query, with their phases.
func runList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "list", "[--all]")
	all := fs.Bool("all", false, "also list the terms that have ended")
	if err := parse(fs, args); err != nil {
		return err
	}
	c, namespace, err := dial(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()
	// Continue-as-new leaves one closed run per step; only the latest run
	// of a term stands for it.
	q := `WorkflowType = 'SemesterPlan' AND ExecutionStatus != 'ContinuedAsNew'`
	if !*all {
		q = `WorkflowType = 'SemesterPlan' AND ExecutionStatus = 'Running'`
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TERM\tPHASE\tSTATUS\tSTARTED\t")
	n := 0
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: namespace, Query: q, NextPageToken: token})
		if err != nil {
			return fmt.Errorf("list terms: %s", plainError(err))
		}
		for _, ex := range resp.Executions {
			fields := ex.GetSearchAttributes().GetIndexedFields()
			term, phase := keyword(fields["SemesterTerm"]), keyword(fields["SemesterPhase"])
			if term == "" {
				term = contract.TermOf(ex.GetExecution().GetWorkflowId())
			}
			status := strings.ToLower(strings.TrimPrefix(ex.GetStatus().String(), "WORKFLOW_EXECUTION_STATUS_"))
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", term, phase, status, ex.GetStartTime().AsTime().Local().Format("2006-01-02 15:04"))
			n++
		}
		if token = resp.NextPageToken; len(token) == 0 {
			break
		}
	}
	if n == 0 {
		if *all {
			fmt.Fprintln(e.stdout, "No terms yet; start one with: starter start --plan FILE")
		} else {
			fmt.Fprintln(e.stdout, "No term is running; starter list --all shows the ended ones.")
		}
		return nil
	}
	return tw.Flush()
}

// keyword decodes a Keyword search attribute, "" when absent.
func keyword(p *commonpb.Payload) string {
	var s string
	if p == nil || converter.GetDefaultDataConverter().FromPayload(p, &s) != nil {
		return ""
	}
	return s
}

// runWatch shows a term's progress and refreshes it until the term ends.
func runWatch(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "watch", "--term ID [--department ID] [--every DURATION]")
	term := fs.String("term", "", "the term's id, for example 2026-fall")
	department := fs.String("department", "", "show one department's parts and overdue items")
	every := fs.Duration("every", 2*time.Second, "how often to refresh")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("term", *term); err != nil {
		return err
	}
	if *every < 200*time.Millisecond {
		return usageError{fmt.Sprintf("--every %s is too often; give 200ms or more", *every)}
	}
	c, _, err := dial(ctx, e)
	if err != nil {
		return err
	}
	defer c.Close()
	id := contract.SemesterWorkflowID(*term)
	tick := time.NewTicker(*every)
	defer tick.Stop()
	for {
		var p contract.Progress
		if err := query(ctx, c, id, contract.QueryProgress, &p, contract.ProgressRequest{Department: *department}); err != nil {
			return err
		}
		// Clear the screen and draw again from the top.
		fmt.Fprint(e.stdout, "\033[H\033[2J")
		printProgress(e.stdout, p, time.Now())
		if ended(ctx, c, id) {
			fmt.Fprintf(e.stdout, "\nThe term has ended (%s).\n", p.Phase)
			return nil
		}
		fmt.Fprintf(e.stdout, "\nRefreshing every %s; Ctrl-C to stop watching (the term goes on).\n", *every)
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// ended says whether the term's latest run has closed for good.
func ended(ctx context.Context, c client.Client, id string) bool {
	d, err := c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return errors.Is(ctx.Err(), context.Canceled)
	}
	return d.GetWorkflowExecutionInfo().GetCloseTime() != nil
}
