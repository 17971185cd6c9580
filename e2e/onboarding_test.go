package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"semesterflow/contract"
	"semesterflow/internal/testenv"
)

// binaries builds the worker, the portal and the starter once per test run.
func binaries(t testing.TB) (worker, portal, starter string) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", dir+string(os.PathSeparator), "semesterflow/worker", "semesterflow/portal", "semesterflow/starter")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return filepath.Join(dir, "worker"), filepath.Join(dir, "portal"), filepath.Join(dir, "starter")
}

// stack is one test's isolated slice of the real services: its own
// database, task queue, term and addresses.
type stack struct {
	t        *testing.T
	env      []string
	starter  string
	mailpit  *testenv.Mailpit
	db       *sql.DB
	temporal client.Client
	tag      string
	// portalURL is where the portal the emails link to listens.
	portalURL string
}

func newStack(t *testing.T) *stack {
	t.Helper()
	temporalAddr := testenv.TemporalAddress(t)
	smtpHost, smtpPort := testenv.SMTP(t)
	mailpit := testenv.NewMailpit(t)
	dsn := testenv.Postgres(t)
	worker, portal, starter := binaries(t)
	s := &stack{t: t, starter: starter, mailpit: mailpit, tag: testenv.UniqueID("e2e")}
	portalAddr := freeAddr(t)
	s.portalURL = "http://" + portalAddr
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	s.env = append(os.Environ(),
		"SEMESTERFLOW_LINK_KEY="+hex.EncodeToString(key),
		"PORTAL_ADDR="+portalAddr,
		"PORTAL_URL="+s.portalURL,
		"DATABASE_URL="+dsn,
		"TEMPORAL_ADDRESS="+temporalAddr,
		"TEMPORAL_NAMESPACE=default",
		"SMTP_HOST="+smtpHost,
		"SMTP_PORT="+smtpPort,
		"SMTP_TLS=opportunistic",
		"SEMESTERFLOW_TASK_QUEUE="+s.tag,
		"LOG_LEVEL=info",
	)
	s.db = testenv.OpenBun(t, dsn).DB
	c, err := client.Dial(client.Options{HostPort: temporalAddr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	s.temporal = c
	s.startProcess(worker, "worker polling", "worker stopped gracefully")
	s.startProcess(portal, "portal listening", "portal stopped gracefully")
	return s
}

// freeAddr returns a local address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startProcess runs one of the binaries until the test ends, then stops it
// with SIGTERM and checks that it stopped gracefully.
func (s *stack) startProcess(path, ready, stopped string) {
	s.t.Helper()
	name := filepath.Base(path)
	var logs syncBuffer
	cmd := exec.Command(path)
	cmd.Env = s.env
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(logs.String(), ready); {
		if time.Now().After(deadline) {
			s.t.Fatalf("%s not ready after 30s; logs:\n%s", name, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	s.t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-done:
			if err != nil {
				s.t.Errorf("%s exited with %v after SIGTERM; logs:\n%s", name, err, logs.String())
			} else if !strings.Contains(logs.String(), stopped) {
				s.t.Errorf("%s did not log a graceful stop; logs:\n%s", name, logs.String())
			}
		// The worker lets activities in hand finish for up to 30 s.
		case <-time.After(45 * time.Second):
			_ = cmd.Process.Kill()
			s.t.Errorf("%s did not stop within 45s of SIGTERM; logs:\n%s", name, logs.String())
		}
	})
}

// syncBuffer collects a process's output while the test reads it.
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

// run runs the starter and returns its output and exit code.
func (s *stack) run(args ...string) (stdout, stderr string, code int) {
	s.t.Helper()
	cmd := exec.Command(s.starter, args...)
	cmd.Env = s.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		s.t.Fatalf("starter %v: %v", args, err)
	}
	return out.String(), errOut.String(), code
}

// email makes an address unique to this test, so Mailpit searches only see
// this run's messages.
func (s *stack) email(name string) string {
	return fmt.Sprintf("%s.%s@example.edu", name, s.tag)
}

// smallPlan is two departments of two officers; a plan day passes in four
// seconds at the time scale the test uses.
func (s *stack) smallPlan() string {
	return fmt.Sprintf(`
term: {id: %[1]s, name: "Rehearsal %[1]s", starts: 2026-09-01, ends: 2026-12-31, time_zone: Asia/Shanghai}
leaders: [{name: Li Wei, email: %[2]s}]
departments:
  - id: organization
    name: Organization Department
    head: {name: Zhou Min, email: %[3]s}
    officers:
      - {name: Chen Jie, email: %[4]s, role: Officer}
      - {name: Lin Yue, email: %[5]s, role: Secretary}
  - id: publicity
    name: Publicity Department
    head: {name: Sun Hao, email: %[6]s}
    officers:
      - {name: Ma Li, email: %[7]s}
      - {name: Guo Rui, email: %[8]s}
training:
  sessions: [{title: Rules of the Student Union, at: "2026-09-02 19:00", where: Room 204}]
  materials: [{title: Officer handbook, url: "https://union.example.edu/handbook"}]
  deadline_days_after_start: 3
  remind_days_before: [1]
  late_window_days: 1
`, s.tag, s.email("li.wei"), s.email("zhou.min"), s.email("chen.jie"), s.email("lin.yue"),
		s.email("sun.hao"), s.email("ma.li"), s.email("guo.rui"))
}

func (s *stack) writePlan(content string) string {
	s.t.Helper()
	path := filepath.Join(s.t.TempDir(), "plan.yaml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		s.t.Fatal(err)
	}
	return path
}

func TestOnboardingEndToEnd(t *testing.T) {
	s := newStack(t)
	planFile := s.writePlan(s.smallPlan())
	workflowID := contract.SemesterWorkflowID(s.tag)

	out, errOut, code := s.run("start", "--plan", planFile, "--time-scale", "21600", "--by", "li.wei")
	if code != 0 {
		t.Fatalf("starter start exited %d: %s", code, errOut)
	}
	// The link follows TEMPORAL_UI_URL, which the scripts derive from
	// TEMPORAL_UI_PORT.
	ui := strings.TrimRight(testenv.Getenv("TEMPORAL_UI_URL", "http://localhost:8233"), "/")
	for _, want := range []string{"Workflow ID: " + workflowID, "Temporal UI: " + ui + "/namespaces/default/workflows/semester%2F" + s.tag} {
		if !strings.Contains(out, want) {
			t.Errorf("start output lacks %q:\n%s", want, out)
		}
	}

	_, errOut, code = s.run("start", "--plan", planFile, "--time-scale", "21600")
	if code != 3 || !strings.Contains(errOut, "was already started") {
		t.Errorf("second start exited %d with %q; want 3 and a clear refusal", code, errOut)
	}

	// A leader lists the running terms and watches this one until it ends.
	out, errOut, code = s.run("list")
	if code != 0 || !regexp.MustCompile(s.tag+`\s+\S+\s+running`).MatchString(out) {
		t.Errorf("list exited %d, want this term running:\n%s%s", code, out, errOut)
	}
	watch := exec.Command(s.starter, "watch", "--term", s.tag, "--every", "500ms")
	watch.Env = s.env
	var watched bytes.Buffer
	watch.Stdout, watch.Stderr = &watched, &watched
	if err := watch.Start(); err != nil {
		t.Fatal(err)
	}
	watchDone := make(chan error, 1)
	go func() { watchDone <- watch.Wait() }()

	// Chen Jie acknowledges from the assignment email, before the deadline.
	chen := s.email("chen.jie")
	got := s.mailpit.WaitFor(t, "to:"+chen, 1, 30*time.Second)
	if len(got) == 0 {
		t.Fatalf("no assignment email reached %s", chen)
	}
	msg := s.mailpit.Message(t, got[0].ID)
	ackCommand := "starter ack --term " + s.tag + " --email " + chen
	if !strings.Contains(msg.Text, ackCommand) || !strings.Contains(msg.HTML, "Rules of the Student Union") {
		t.Fatalf("assignment email lacks the command or the session:\nTEXT:\n%s", msg.Text)
	}
	out, errOut, code = s.run("ack", "--term", s.tag, "--email", chen, "--note", "attended on the 2nd")
	if code != 0 || !strings.Contains(out, "recorded on time") {
		t.Fatalf("ack exited %d: %s%s", code, out, errOut)
	}
	_, errOut, code = s.run("ack", "--term", s.tag, "--email", chen)
	if code != 1 || !strings.Contains(errOut, "already acknowledged") {
		t.Errorf("second ack exited %d with %q; want 1 and 'already acknowledged'", code, errOut)
	}
	_, errOut, code = s.run("ack", "--term", s.tag, "--email", s.email("nobody"))
	if code != 1 || !strings.Contains(errOut, "is not an officer") {
		t.Errorf("ack by a stranger exited %d with %q", code, errOut)
	}

	// The term finishes once the late window closes for everyone else.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var result contract.SemesterResult
	if err := s.temporal.GetWorkflow(ctx, workflowID, "").Get(ctx, &result); err != nil {
		t.Fatalf("term workflow: %v", err)
	}
	if c := result.Totals; c.Officers != 4 || c.OnTime != 1 || c.Never != 3 {
		t.Errorf("term totals = %+v, want 4 officers, 1 on time, 3 never", c)
	}

	out, errOut, code = s.run("status", "--term", s.tag)
	if code != 0 || !strings.Contains(out, "Organization Department") || !strings.Contains(out, ": done") {
		t.Errorf("status exited %d:\n%s%s", code, out, errOut)
	}
	select {
	case err := <-watchDone:
		if err != nil || !strings.Contains(watched.String(), "The term has ended (done).") || strings.Count(watched.String(), "\033[2J") < 2 {
			t.Errorf("watch ended with %v after %d refreshes:\n%s", err, strings.Count(watched.String(), "\033[2J"), watched.String())
		}
	case <-time.After(10 * time.Second):
		_ = watch.Process.Kill()
		t.Errorf("watch did not stop when the term ended:\n%s", watched.String())
	}
	out, _, code = s.run("list", "--all")
	if code != 0 || !regexp.MustCompile(s.tag+`\s+done\s+completed`).MatchString(out) {
		t.Errorf("list --all exited %d, want this term done and completed:\n%s", code, out)
	}

	s.checkRows(chen)
	s.checkMail(chen)
}

// checkRows asserts what a leader would read in Postgres.
func (s *stack) checkRows(acknowledged string) {
	t := s.t
	rows, err := s.db.Query(`SELECT officer_email, outcome, acknowledged_at IS NOT NULL, escalated_at IS NOT NULL, reminders_sent
		FROM onboarding WHERE term_id = $1 ORDER BY officer_email`, s.tag)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var email, outcome string
		var acked, escalated bool
		var reminders int
		if err := rows.Scan(&email, &outcome, &acked, &escalated, &reminders); err != nil {
			t.Fatal(err)
		}
		n++
		if email == acknowledged {
			if outcome != "on_time" || !acked || escalated || reminders != 0 {
				t.Errorf("%s: outcome %s acked %v escalated %v reminders %d; want on_time, acked, not escalated, no reminder", email, outcome, acked, escalated, reminders)
			}
			continue
		}
		if outcome != "never" || acked || !escalated || reminders != 1 {
			t.Errorf("%s: outcome %s acked %v escalated %v reminders %d; want never, escalated after 1 reminder", email, outcome, acked, escalated, reminders)
		}
	}
	if n != 4 {
		t.Errorf("%d onboarding rows, want 4", n)
	}
	var officers, audits int
	if err := s.db.QueryRow(`SELECT count(*) FROM officers WHERE term_id = $1`, s.tag).Scan(&officers); err != nil {
		t.Fatal(err)
	}
	if officers != 4 {
		t.Errorf("directory has %d officers, want 4", officers)
	}
	var trail string
	if err := s.db.QueryRow(`SELECT count(*), string_agg(action || ' by ' || actor, ', ' ORDER BY id) FROM audit_log WHERE term_id = $1`, s.tag).Scan(&audits, &trail); err != nil {
		t.Fatal(err)
	}
	if want := "start_term by li.wei, acknowledge_training by " + acknowledged; audits != 2 || trail != want {
		t.Errorf("audit log: %d entries %q; want %q", audits, trail, want)
	}
}

// checkMail asserts what each person found in their inbox.
func (s *stack) checkMail(acknowledged string) {
	t := s.t
	want := map[string]int{
		acknowledged:        1, // the assignment only
		s.email("lin.yue"):  2, // assignment and one reminder
		s.email("ma.li"):    2,
		s.email("guo.rui"):  2,
		s.email("zhou.min"): 1, // escalation: Lin Yue
		s.email("sun.hao"):  1, // escalation: Ma Li and Guo Rui
		s.email("li.wei"):   0,
	}
	for addr, n := range want {
		got := s.mailpit.Search(t, "to:"+addr)
		if len(got) != n {
			var subjects []string
			for _, m := range got {
				subjects = append(subjects, m.Subject)
			}
			t.Errorf("%s received %d emails %q, want %d", addr, len(got), subjects, n)
		}
	}
	esc := s.mailpit.Search(t, "to:"+s.email("sun.hao"))
	if len(esc) == 1 {
		m := s.mailpit.Message(t, esc[0].ID)
		for _, name := range []string{"Ma Li", "Guo Rui"} {
			if !strings.Contains(m.Text, name) || !strings.Contains(m.HTML, name) {
				t.Errorf("escalation to the publicity head does not name %s:\n%s", name, m.Text)
			}
		}
	}
}

func TestStartRejectsABadPlanAndChangesNothing(t *testing.T) {
	s := newStack(t)
	bad := strings.Replace(s.smallPlan(), "email: "+s.email("ma.li"), `email: "ma.li@"`, 1)
	_, errOut, code := s.run("start", "--plan", s.writePlan(bad))
	if code != 2 || !strings.Contains(errOut, `departments[1].officers[0].email: "ma.li@" is not an email address`) {
		t.Fatalf("start with a bad plan exited %d: %s", code, errOut)
	}
	_, err := s.temporal.DescribeWorkflowExecution(context.Background(), contract.SemesterWorkflowID(s.tag), "")
	if err == nil {
		t.Errorf("a workflow was started for a bad plan")
	}
	var tables int
	if err := s.db.QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_name = 'terms'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables == 1 {
		var terms int
		if err := s.db.QueryRow(`SELECT count(*) FROM terms WHERE id = $1`, s.tag).Scan(&terms); err != nil {
			t.Fatal(err)
		}
		if terms != 0 {
			t.Errorf("the bad plan's term was written to Postgres")
		}
	}
}
