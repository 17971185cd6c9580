package activities_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"semesterflow/contract"
)

func TestPartReportsRoundTripThroughPostgres(t *testing.T) {
	r := newRig(t)
	env, acts := r.env, r.acts
	const term = "semester/2026-fall/first-run"
	due := time.Date(2026, 9, 22, 23, 59, 0, 0, time.FixedZone("CST", 8*3600))

	report := func(part string, seq int, phase string, overdue ...contract.OverdueItem) {
		t.Helper()
		in := contract.ReportPartInput{TermKey: term, Report: contract.PartReport{Part: part, Seq: seq, Phase: phase, Overdue: overdue}}
		if _, err := env.ExecuteActivity(acts.ReportPart, in); err != nil {
			t.Fatalf("report %s #%d: %v", part, seq, err)
		}
	}
	read := func(after int64, limit int) contract.PartReportsPage {
		t.Helper()
		v, err := env.ExecuteActivity(acts.PartReportsSince, contract.PartReportsInput{TermKey: term, After: after, Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		var page contract.PartReportsPage
		if err := v.Get(&page); err != nil {
			t.Fatal(err)
		}
		return page
	}

	plans := contract.OverdueItem{Department: "publicity", What: "department plan: Publicity Department", Due: due}
	report("kickoff/plans", 1, "open")
	report("kickoff/plans", 2, "open", plans)
	report("kickoff/plans", 2, "open", plans) // a retry
	report("kickoff/plans", 1, "open")        // overtaken on the way
	report("contest", 1, "preparing")

	first := read(0, 1)
	if len(first.Reports) != 1 || !first.More || first.Reports[0].Part != "kickoff/plans" {
		t.Fatalf("first page = %+v, want kickoff/plans and more to come", first)
	}
	got := first.Reports[0]
	if got.Seq != 2 || len(got.Overdue) != 1 || got.Overdue[0].What != plans.What || !got.Overdue[0].Due.Equal(due) {
		t.Errorf("kickoff/plans = %+v, want report #2 with the publicity plan overdue since %v", got, due)
	}
	second := read(first.Cursor, 1)
	if len(second.Reports) != 1 || second.Reports[0].Part != "contest" || second.Reports[0].Phase != "preparing" {
		t.Fatalf("second page = %+v, want the contest preparing", second)
	}
	if last := read(second.Cursor, 10); len(last.Reports) != 0 || last.More || last.Cursor != second.Cursor {
		t.Errorf("after the last change = %+v, want an empty page that keeps the cursor", last)
	}

	_, err := env.ExecuteActivity(acts.ReportPart, contract.ReportPartInput{Report: contract.PartReport{Part: "contest", Seq: 3}})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() || !strings.Contains(err.Error(), "needs a term") {
		t.Errorf("report without a term: %v, want a non-retryable error naming what is missing", err)
	}
}
