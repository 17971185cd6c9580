package e2e

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"semesterflow/contract"
	"semesterflow/internal/noopacts"
	"semesterflow/internal/planfixture"
	"semesterflow/internal/testenv"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// BenchmarkTermHistory runs a whole term on the real Temporal dev server,
// workflows for real and activities answering at once, then reads every
// run's history length through visibility. It reports the wall time and the
// largest history of any single run, which must stay below 4,096 events;
// docs/PERFORMANCE.md records the numbers. Run it with
//
//	scripts/test.sh -run XXX -bench TermHistory -benchtime 1x -timeout 60m ./e2e/
func BenchmarkTermHistory(b *testing.B) {
	addr := testenv.TemporalAddress(b)
	example, err := plan.Load("../examples/fall-term.yaml")
	if err != nil {
		b.Fatal(err)
	}
	big, err := planfixture.Scale(example, 200, 50)
	if err != nil {
		b.Fatal(err)
	}
	c, err := client.Dial(client.Options{HostPort: addr})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	for _, bc := range []struct {
		name  string
		plan  *plan.Plan
		scale float64
	}{{"example-8x5", example, 86400}, {"generated-200x50", big, 86400}} {
		b.Run(bc.name, func(b *testing.B) {
			for range b.N {
				maxRun, runs, events := runTermOnServer(b, c, bc.plan, bc.scale)
				b.ReportMetric(float64(maxRun.length), "max-events/run")
				b.ReportMetric(float64(runs), "runs")
				b.ReportMetric(float64(events), "events")
				b.Logf("largest run: %s with %d events", maxRun.id, maxRun.length)
			}
		})
	}
}

type runLength struct {
	id     string
	length int64
	// workflowID and runID name the run for reading its history.
	workflowID, runID string
}

// termRuns lists every run whose workflow ID starts with prefix, through
// visibility, longest history first. It fails when there is none.
func termRuns(ctx context.Context, b *testing.B, c client.Client, prefix string) []runLength {
	b.Helper()
	// Visibility catches up with the last closes shortly after.
	time.Sleep(2 * time.Second)
	var all []runLength
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace:     "default",
			Query:         fmt.Sprintf(`WorkflowId STARTS_WITH %q`, prefix),
			PageSize:      1000,
			NextPageToken: token,
		})
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range resp.Executions {
			all = append(all, runLength{e.Execution.WorkflowId + "/" + e.Execution.RunId, e.HistoryLength, e.Execution.WorkflowId, e.Execution.RunId})
		}
		if token = resp.NextPageToken; len(token) == 0 {
			break
		}
	}
	if len(all) == 0 {
		b.Fatalf("no runs of %s found in visibility", prefix)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].length > all[j].length })
	return all
}

func runTermOnServer(b *testing.B, c client.Client, p *plan.Plan, scale float64) (largest runLength, runs int, events int64) {
	b.Helper()
	term := *p
	term.Term.ID = testenv.UniqueID("bench")
	queue := term.Term.ID
	w := worker.New(c, queue, worker.Options{})
	workflows.Register(w)
	noopacts.Register(w)
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: contract.SemesterWorkflowID(term.Term.ID), TaskQueue: queue,
	}, workflows.SemesterPlan, contract.SemesterInput{Plan: term, TimeScale: scale})
	if err != nil {
		b.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		b.Fatalf("term: %v", err)
	}
	b.StopTimer()
	defer b.StartTimer()

	all := termRuns(ctx, b, c, contract.SemesterWorkflowID(term.Term.ID))
	for _, r := range all {
		events += r.length
	}
	for _, r := range all[:min(5, len(all))] {
		b.Logf("run %s: %d events", r.id, r.length)
	}
	return all[0], len(all), events
}
