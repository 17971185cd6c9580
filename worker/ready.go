package main

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"
	"go.temporal.io/api/serviceerror"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// The wait between tries to reach a service at start: 1 s, doubling to 30 s.
const (
	firstRetry = time.Second
	maxRetry   = 30 * time.Second
)

// untilReady calls try until it succeeds, fails with an error that waiting
// cannot cure, or ctx ends (SIGINT or SIGTERM), logging each failure and
// when the next try comes. It returns ctx's error when stopped.
func untilReady[T any](ctx context.Context, logger *slog.Logger, what string, permanent func(error) bool, try func(context.Context) (T, error)) (T, error) {
	wait := firstRetry
	for tries := 1; ; tries++ {
		v, err := try(ctx)
		if err == nil {
			return v, nil
		}
		if ctx.Err() != nil {
			return v, ctx.Err()
		}
		if permanent(err) {
			return v, err
		}
		logger.Warn("waiting for "+what, "tries", tries, "retry_in", wait, "error", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return v, ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, maxRetry)
	}
}

// permanentDatabaseError tells the errors no wait cures: a refused login, a
// database that does not exist, a statement Postgres rejects. Anything else,
// such as a refused connection or a server starting up or shutting down, is
// waited out.
func permanentDatabaseError(err error) bool {
	var pgErr pgdriver.Error
	if !errors.As(err, &pgErr) {
		return false
	}
	code := pgErr.Field('C')
	return strings.HasPrefix(code, "28") || code == "3D000" || strings.HasPrefix(code, "42")
}

// permanentTemporalError tells the errors no wait cures: credentials the
// server refuses.
func permanentTemporalError(err error) bool {
	var denied *serviceerror.PermissionDenied
	return errors.As(err, &denied) || status.Code(err) == codes.Unauthenticated || status.Code(err) == codes.PermissionDenied
}
