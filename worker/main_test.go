package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"semesterflow/internal/testenv"
)

// These tests run the real worker binary, as scripts/up.sh and systemd do,
// against services that are not there yet, and stop it with a real SIGTERM.

var (
	buildDir  string
	buildOnce sync.Once
	buildErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "semesterflow-worker-test-")
	if err != nil {
		panic(err)
	}
	buildDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// binary builds the worker once per test run.
func binary(t *testing.T) string {
	t.Helper()
	path := filepath.Join(buildDir, "worker")
	buildOnce.Do(func() {
		out, err := exec.Command("go", "build", "-o", path, "semesterflow/worker").CombinedOutput()
		if err != nil {
			buildErr = errors.New(err.Error() + "\n" + string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return path
}

// process is a running worker and what it logged.
type process struct {
	t    *testing.T
	cmd  *exec.Cmd
	logs syncBuffer
	done chan struct{}
	err  error // once done is closed
}

// startWorker runs the worker with the environment plus env.
func startWorker(t *testing.T, env ...string) *process {
	t.Helper()
	p := &process{t: t, done: make(chan struct{})}
	p.cmd = exec.Command(binary(t))
	p.cmd.Env = append(os.Environ(), append([]string{"LOG_LEVEL=info", "LOG_FORMAT=text"}, env...)...)
	p.cmd.Stdout, p.cmd.Stderr = &p.logs, &p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitLog waits until the worker has logged s at least n times, failing the
// test if it exits first.
func (p *process) waitLog(s string, n int) {
	p.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for strings.Count(p.logs.String(), s) < n {
		select {
		case <-p.done:
			if strings.Count(p.logs.String(), s) >= n {
				return
			}
			p.t.Fatalf("worker exited (%v) before logging %q %d times; logs:\n%s", p.err, s, n, p.logs.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("worker did not log %q %d times; logs:\n%s", s, n, p.logs.String())
		}
	}
}

// terminate sends SIGTERM and returns the exit code.
func (p *process) terminate() int {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		p.t.Fatalf("worker still running a minute after SIGTERM; logs:\n%s", p.logs.String())
	}
	var exit *exec.ExitError
	if errors.As(p.err, &exit) {
		return exit.ExitCode()
	}
	if p.err != nil {
		p.t.Fatal(p.err)
	}
	return 0
}

func TestWorkerWaitsForTheDatabaseThenStarts(t *testing.T) {
	temporal := testenv.TemporalAddress(t)
	dsn := testenv.Postgres(t)
	proxy, proxied := testenv.ProxyDatabase(t, dsn)
	proxy.Cut()

	w := startWorker(t, "DATABASE_URL="+proxied, "TEMPORAL_ADDRESS="+temporal, "SEMESTERFLOW_TASK_QUEUE="+testenv.UniqueID("worker-test"))
	// Tried, failed, waited and tried again: it did not exit.
	w.waitLog("waiting for the database", 2)
	proxy.Restore()
	w.waitLog("database ready", 1)
	w.waitLog("worker polling", 1)

	var migrations int
	db := testenv.OpenBun(t, dsn)
	if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM bun_migrations").Scan(&migrations); err != nil || migrations == 0 {
		t.Errorf("migrations applied: %d (%v), want some", migrations, err)
	}
	if code := w.terminate(); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0; logs:\n%s", code, w.logs.String())
	}
	if !strings.Contains(w.logs.String(), "worker stopped gracefully") {
		t.Errorf("no graceful stop logged:\n%s", w.logs.String())
	}
}

func TestWorkerStopsWhileWaitingForTheDatabase(t *testing.T) {
	proxy, proxied := testenv.ProxyDatabase(t, testenv.Postgres(t))
	proxy.Cut()

	w := startWorker(t, "DATABASE_URL="+proxied)
	// The fourth try failed and the worker is waiting eight seconds for the
	// fifth: SIGTERM must end the wait, not the next try.
	w.waitLog("retry_in=8s", 1)
	if code := w.terminate(); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0; logs:\n%s", code, w.logs.String())
	}
	logs := w.logs.String()
	if !strings.Contains(logs, "worker stopped gracefully before it started polling") {
		t.Errorf("no graceful stop logged:\n%s", logs)
	}
	if strings.Contains(logs, "tries=5") {
		t.Errorf("the worker tried the database again after SIGTERM:\n%s", logs)
	}
}

func TestWorkerWaitsForTemporalThenStarts(t *testing.T) {
	proxy := testenv.NewFaultProxy(t, testenv.TemporalAddress(t))
	proxy.Cut()

	w := startWorker(t, "DATABASE_URL="+testenv.Postgres(t), "TEMPORAL_ADDRESS="+proxy.Addr(), "SEMESTERFLOW_TASK_QUEUE="+testenv.UniqueID("worker-test"))
	w.waitLog("database ready", 1)
	w.waitLog("waiting for Temporal", 2)
	proxy.Restore()
	w.waitLog("worker polling", 1)
	if code := w.terminate(); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0; logs:\n%s", code, w.logs.String())
	}
}

// syncBuffer collects the worker's output while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
