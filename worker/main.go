// Command worker runs semesterflow's workflows and activities. It applies
// the database migrations at start, waiting for the database and then for
// the Temporal server while they do not answer, then polls its Temporal task
// queue until SIGINT or SIGTERM, when it finishes the tasks in hand and
// exits.
//
// Settings come from the environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
// TEMPORAL_API_KEY and TLS (as the Temporal CLI reads them), DATABASE_URL,
// SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_TLS, SMTP_FROM,
// SEMESTERFLOW_TASK_QUEUE, LOG_LEVEL and LOG_FORMAT. See README.md.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"semesterflow/activities"
	"semesterflow/internal/config"
	"semesterflow/mail"
	"semesterflow/store"
	"semesterflow/workflows"
)

// env is the process's environment and output, injected so tests can run
// the worker in-process.
type env struct {
	getenv  func(string) string
	environ func() []string
	stderr  io.Writer
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, env{getenv: os.Getenv, environ: os.Environ, stderr: os.Stderr})
	stop()
	os.Exit(code)
}

// run returns the exit code: 2 when the logging settings are unusable, 1
// when the worker could not start or stopped on an error, 0 after a
// graceful stop.
func run(ctx context.Context, e env) int {
	logger, err := config.Logger(e.getenv, e.stderr)
	if err != nil {
		fmt.Fprintln(e.stderr, "worker:", err)
		return 2
	}
	if err := serve(ctx, e, logger); err != nil {
		logger.Error("worker stopped", "error", err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, e env, logger *slog.Logger) error {
	dsn, err := config.DatabaseURL(e.getenv)
	if err != nil {
		return err
	}
	smtp, err := mail.ConfigFromEnv(e.getenv)
	if err != nil {
		return err
	}
	sender, err := mail.NewSender(smtp)
	if err != nil {
		return err
	}
	clientOpts, err := config.TemporalClientOptions(e.getenv, e.environ, logger)
	if err != nil {
		return err
	}
	signer, err := config.LinkSigner(e.getenv)
	if err != nil {
		return err
	}
	portalURL, err := config.PortalURL(e.getenv)
	if err != nil {
		return err
	}
	if signer == nil {
		logger.Warn("emails go out without portal links: " + config.LinkKeyVariable + " is not set")
	}
	taskQueue := config.TaskQueue(e.getenv)

	db := store.Open(dsn)
	defer db.Close()
	// A database or a Temporal server that is not up yet (both restarting
	// with the machine, say) is waited for, not a reason to exit.
	applied, err := untilReady(ctx, logger, "the database", permanentDatabaseError, func(ctx context.Context) ([]string, error) {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		return store.Migrate(ctx, db)
	})
	if err != nil {
		if ctx.Err() != nil {
			logger.Info("worker stopped gracefully before it started polling")
			return nil
		}
		return fmt.Errorf("migrate database: %w", err)
	}
	logger.Info("database ready", "migrations_applied", len(applied))

	c, err := untilReady(ctx, logger, "Temporal", permanentTemporalError, func(ctx context.Context) (client.Client, error) {
		return client.DialContext(ctx, clientOpts)
	})
	if err != nil {
		if ctx.Err() != nil {
			logger.Info("worker stopped gracefully before it started polling")
			return nil
		}
		return fmt.Errorf("connect to Temporal at %s: %w", clientOpts.HostPort, err)
	}
	defer c.Close()

	// On SIGTERM, activities in hand get this long to finish, so a batch of
	// emails is not cut off between a send and its outbox record.
	// Pollers scale with the backlog: with the SDK's fixed two, a term whose
	// departments all wake at the same minute left workflow tasks waiting
	// past their 5 s sticky timeout, and each such task was replayed from
	// the whole history instead.
	w := sdkworker.New(c, taskQueue, sdkworker.Options{
		WorkerStopTimeout:          30 * time.Second,
		WorkflowTaskPollerBehavior: sdkworker.NewPollerBehaviorAutoscaling(sdkworker.PollerBehaviorAutoscalingOptions{}),
		ActivityTaskPollerBehavior: sdkworker.NewPollerBehaviorAutoscaling(sdkworker.PollerBehaviorAutoscalingOptions{}),
	})
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Store: store.New(db), Mailer: sender, Temporal: c, Links: signer, PortalURL: portalURL})

	logger.Info("worker polling", "task_queue", taskQueue, "namespace", clientOpts.Namespace, "smtp", fmt.Sprintf("%s:%d", smtp.Host, smtp.Port),
		"portal", portalURL, "links", signer != nil)
	// Run returns after the context's Done closes and in-flight tasks end.
	stopCh := make(chan any)
	go func() { <-ctx.Done(); close(stopCh) }()
	if err := w.Run(stopCh); err != nil {
		return fmt.Errorf("run worker: %w", err)
	}
	logger.Info("worker stopped gracefully")
	return nil
}
