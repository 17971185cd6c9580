package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"semesterflow/internal/testenv"
)

// echoWorkflow runs one activity that does nothing: the cheapest workflow
// with an activity, the server's ceiling to hold a term's events per second
// against.
func echoWorkflow(ctx workflow.Context, n int) (int, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	var out int
	err := workflow.ExecuteActivity(ctx, echoActivity, n).Get(ctx, &out)
	return out, err
}

func echoActivity(_ context.Context, n int) (int, error) { return n, nil }

// BenchmarkEchoEvents runs ECHO_WORKFLOWS (default 2,000) echo workflows,
// 64 at a time, on the dev server with an in-process worker, and reports
// the server's events per second for them. scripts/bench.sh runs it beside
// the scale rehearsals, on the same server.
func BenchmarkEchoEvents(b *testing.B) {
	total := int(envFloat(b, "ECHO_WORKFLOWS", 2000))
	addr := testenv.TemporalAddress(b)
	// The SDK's default logger writes a debug line per activity, which
	// would cost the worker more than the workflows do.
	quiet := tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	c, err := client.Dial(client.Options{HostPort: addr, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	for range b.N {
		tag := testenv.UniqueID("echo")
		w := worker.New(c, tag, worker.Options{})
		w.RegisterWorkflow(echoWorkflow)
		w.RegisterActivity(echoActivity)
		if err := w.Start(); err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		started := time.Now()
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failed []error
		slots := make(chan struct{}, 64)
		for i := range total {
			wg.Add(1)
			slots <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: fmt.Sprintf("%s/%d", tag, i), TaskQueue: tag}, echoWorkflow, i)
				var out int
				if err == nil {
					err = run.Get(ctx, &out)
				}
				if err == nil && out != i {
					err = fmt.Errorf("echo %d answered %d", i, out)
				}
				if err != nil {
					mu.Lock()
					failed = append(failed, err)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		wall := time.Since(started)
		w.Stop()
		if len(failed) > 0 {
			b.Fatalf("%d of %d echo workflows failed, the first: %v", len(failed), total, failed[0])
		}
		runs := termRuns(ctx, b, c, tag+"/")
		cancel()
		if len(runs) != total {
			b.Errorf("visibility lists %d echo runs, want %d", len(runs), total)
		}
		var events int64
		for _, r := range runs {
			events += r.length
		}
		b.ReportMetric(float64(events)/wall.Seconds(), "events/s")
		b.ReportMetric(wall.Seconds(), "s")
		b.Logf("%d echo workflows, %d events in %s: %.0f events/s", total, events, wall.Round(time.Millisecond), float64(events)/wall.Seconds())
	}
}
