// Command portal serves the officers' portal: the pages behind the signed
// links in semesterflow's emails, and the published monthly digests.
//
// It reads SEMESTERFLOW_LINK_KEY (required, the worker's key), PORTAL_ADDR,
// PORTAL_URL, DATABASE_URL, the SMTP_* variables (for the leaders' sign-in
// emails) and the Temporal client's variables.
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"
	"go.temporal.io/sdk/client"

	"semesterflow/internal/config"
	"semesterflow/internal/portal"
	"semesterflow/mail"
)

// env is the process's environment and output, injected so tests can run
// the portal in-process.
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
// when the portal could not start or stopped on an error, 0 after a
// graceful stop.
func run(ctx context.Context, e env) int {
	logger, err := config.Logger(e.getenv, e.stderr)
	if err != nil {
		fmt.Fprintln(e.stderr, "portal:", err)
		return 2
	}
	if err := serve(ctx, e, logger); err != nil {
		logger.Error("portal stopped", "error", err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, e env, logger *slog.Logger) error {
	signer, err := config.LinkSigner(e.getenv)
	if err != nil {
		return err
	}
	if signer == nil {
		return fmt.Errorf("%s is not set: the portal needs the key the worker signs links with (make one with: openssl rand -hex 32)", config.LinkKeyVariable)
	}
	dsn, err := config.DatabaseURL(e.getenv)
	if err != nil {
		return err
	}
	portalURL, err := config.PortalURL(e.getenv)
	if err != nil {
		return err
	}
	mailCfg, err := mail.ConfigFromEnv(e.getenv)
	if err != nil {
		return err
	}
	sender, err := mail.NewSender(mailCfg)
	if err != nil {
		return err
	}
	clientOpts, err := config.TemporalClientOptions(e.getenv, e.environ, logger)
	if err != nil {
		return err
	}
	// The digests are two plain reads: bun's Postgres driver through
	// database/sql, without the store's models and migrations.
	db := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn)))
	defer db.Close()
	c, err := client.DialContext(ctx, clientOpts)
	if err != nil {
		return fmt.Errorf("connect to Temporal at %s: %w", clientOpts.HostPort, err)
	}
	defer c.Close()

	srv, err := portal.New(signer, c, portal.NewDigestTable(db), portal.NewDirectoryTable(db), logger)
	if err != nil {
		return err
	}
	srv.EnableLeaders(portal.NewLeaderTable(db), sender, portalURL)
	addr := config.PortalAddr(e.getenv)
	// WriteTimeout outlasts the portal's 30 s wait for an Update.
	httpServer := &http.Server{Addr: addr, Handler: srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 45 * time.Second, IdleTimeout: 2 * time.Minute}
	errs := make(chan error, 1)
	go func() { errs <- httpServer.ListenAndServe() }()
	logger.Info("portal listening", "addr", addr)
	select {
	case err := <-errs:
		return fmt.Errorf("listen on %s: %w", addr, err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := httpServer.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("portal stopped gracefully")
	return nil
}
