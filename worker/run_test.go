package main

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
)

// These tests run the worker's run in-process with an environment of their
// own, and read what it writes to stderr, as an operator would.

// closedAddress is a local address where nothing listens.
func closedAddress(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// stopOnLog is stderr that cancels the run once a line holds want, as
// SIGTERM would; an empty want never cancels.
type stopOnLog struct {
	mu     sync.Mutex
	buf    strings.Builder
	want   string
	cancel context.CancelFunc
}

func (s *stopOnLog) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(p)
	if s.want != "" && strings.Contains(s.buf.String(), s.want) {
		s.cancel()
	}
	return len(p), nil
}

func (s *stopOnLog) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// runWorker runs the worker with vars as its whole environment. It is
// stopped when it logs stopAt, or at once if it starts waiting for a
// service: no case here should get that far unless it means to.
func runWorker(t *testing.T, vars map[string]string, stopAt string) (code int, stderr string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if stopAt == "" {
		stopAt = "waiting for"
	}
	out := &stopOnLog{want: stopAt, cancel: cancel}
	code = run(ctx, env{getenv: func(k string) string { return vars[k] }, stderr: out})
	return code, out.String()
}

func TestWorkerRefusesBadSettingsBeforeItStarts(t *testing.T) {
	db := "postgres://postgres@" + closedAddress(t) + "/semesterflow?sslmode=disable"
	for _, tt := range []struct {
		name     string
		vars     map[string]string
		wantCode int
		want     string
	}{
		{"log level", map[string]string{"LOG_LEVEL": "loud"}, 2, `worker: LOG_LEVEL: "loud" is not one of debug, info, warn, error`},
		{"database URL", map[string]string{"DATABASE_URL": "mysql://app:secret@db/sf"}, 1, `DATABASE_URL: \"mysql://app:xxxxx@db/sf\" is not a postgres:// URL`},
		{"SMTP TLS", map[string]string{"DATABASE_URL": db, "SMTP_TLS": "maybe"}, 1, `SMTP_TLS: \"maybe\" is not one of mandatory, opportunistic, none`},
		{"link key", map[string]string{"DATABASE_URL": db, "SEMESTERFLOW_LINK_KEY": "not-hex"}, 1, "SEMESTERFLOW_LINK_KEY: not hex"},
		{"portal URL", map[string]string{"DATABASE_URL": db, "PORTAL_URL": "ftp://union"}, 1, `PORTAL_URL: \"ftp://union\" is not an http(s) URL`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stderr := runWorker(t, tt.vars, "")
			if code != tt.wantCode || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr, tt.wantCode, tt.want)
			}
			if strings.Contains(stderr, "secret") {
				t.Errorf("stderr shows the database password:\n%s", stderr)
			}
			if strings.Contains(stderr, "waiting for") || strings.Contains(stderr, "database ready") {
				t.Errorf("the worker went on to reach its services:\n%s", stderr)
			}
		})
	}
}

// A worker stopped while it waits for a database that does not answer
// exits 0 and says so, without trying again.
func TestWorkerStoppedWhileWaitingForTheDatabaseExitsCleanly(t *testing.T) {
	db := "postgres://postgres@" + closedAddress(t) + "/semesterflow?sslmode=disable"
	code, stderr := runWorker(t, map[string]string{"DATABASE_URL": db, "LOG_FORMAT": "json"}, `"msg":"waiting for the database"`)
	if code != 0 || !strings.Contains(stderr, `"msg":"worker stopped gracefully before it started polling"`) {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 0 and a graceful stop", code, stderr)
	}
	if strings.Contains(stderr, `"tries":2`) || strings.Contains(stderr, "migrate database") {
		t.Errorf("the worker went on after it was stopped:\n%s", stderr)
	}
}
