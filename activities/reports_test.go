package activities_test

import (
	"encoding/json"
	"errors"
	"fmt"
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

// Reports with long overdue lists come in pages of at most
// PartReportsPageBytes, however many the limit allows, and none is lost.
func TestPartReportsPagesStayUnderTheirBytes(t *testing.T) {
	r := newRig(t)
	const term = "semester/2026-fall/large"
	due := time.Date(2026, 9, 22, 23, 59, 0, 0, time.UTC)
	var overdue []contract.OverdueItem
	for i := range 200 {
		overdue = append(overdue, contract.OverdueItem{Department: fmt.Sprintf("dept-%03d", i), What: fmt.Sprintf("summary of Department %d", i), Due: due})
	}
	const parts = 30
	for i := range parts {
		r.run(r.acts.ReportPart, contract.ReportPartInput{TermKey: term, Report: contract.PartReport{Part: fmt.Sprintf("month/2026-10/summary/part-%d", i), Seq: 1, Overdue: overdue}}, nil)
	}
	seen := map[string]bool{}
	pages := 0
	for after, more := int64(0), true; more; {
		var page contract.PartReportsPage
		r.run(r.acts.PartReportsSince, contract.PartReportsInput{TermKey: term, After: after, Limit: 500}, &page)
		after, more = page.Cursor, page.More
		if pages++; pages > parts {
			t.Fatalf("%d pages for %d reports", pages, parts)
		}
		b, _ := json.Marshal(page)
		if len(b) > contract.PartReportsPageBytes+32<<10 {
			t.Errorf("page %d is %d bytes", pages, len(b))
		}
		for _, rep := range page.Reports {
			if len(rep.Overdue) != 200 {
				t.Errorf("%s came with %d overdue items, want 200", rep.Part, len(rep.Overdue))
			}
			seen[rep.Part] = true
		}
	}
	if len(seen) != parts || pages < 2 {
		t.Errorf("%d reports in %d pages, want all %d in more than one page", len(seen), pages, parts)
	}
}
