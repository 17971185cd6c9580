package e2e

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/proto"

	"semesterflow/contract"
	"semesterflow/internal/config"
	"semesterflow/internal/planfixture"
	"semesterflow/internal/testenv"
	"semesterflow/internal/upload"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// BenchmarkRealWorkerTerm rehearses a whole term of 200 departments of 50
// officers on the dev server with the real worker binary: real activities,
// rows in Postgres and every email through a real SMTP server (Postfix's
// smtp-sink, which counts and discards, when it is installed; Mailpit
// otherwise). It checks that everything the plan asked for happened:
// every exchange has its row and an attendance row per officer, every
// officer an onboarding outcome and an evaluation, every part is done, and
// every email in the outbox was sent, once. docs/RELIABILITY.md records the
// numbers. Run it with
//
//	scripts/test.sh -run XXX -bench RealWorkerTerm -benchtime 1x -timeout 90m ./e2e/
//
// SCALE_TIME_SCALE sets the rehearsal's speed (default 21600, a plan day
// every four seconds), SCALE_DEPARTMENTS and SCALE_OFFICERS its size.
func BenchmarkRealWorkerTerm(b *testing.B) {
	scale := envFloat(b, "SCALE_TIME_SCALE", 21600)
	depts := int(envFloat(b, "SCALE_DEPARTMENTS", 200))
	officers := int(envFloat(b, "SCALE_OFFICERS", 50))
	example, err := plan.Load("../examples/fall-term.yaml")
	if err != nil {
		b.Fatal(err)
	}
	big, err := planfixture.Scale(example, depts, officers)
	if err != nil {
		b.Fatal(err)
	}
	for range b.N {
		runRealWorkerTerm(b, big, scale)
	}
}

func envFloat(tb testing.TB, name string, fallback float64) float64 {
	v := os.Getenv(name)
	if v == "" {
		return fallback
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 {
		tb.Fatalf("%s=%q is not a positive number", name, v)
	}
	return f
}

func runRealWorkerTerm(b *testing.B, base *plan.Plan, scale float64) {
	temporalAddr := testenv.TemporalAddress(b)
	dsn := testenv.Postgres(b)
	db := testenv.OpenBun(b, dsn)
	smtpHost, smtpPort, delivered := smtpSink(b)
	worker, _, _ := binaries(b)
	p := *base
	p.Term.ID = testenv.UniqueID("scale")
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	env := append(os.Environ(),
		"SEMESTERFLOW_LINK_KEY="+hex.EncodeToString(key),
		"DATABASE_URL="+dsn,
		"TEMPORAL_ADDRESS="+temporalAddr,
		"SMTP_HOST="+smtpHost, "SMTP_PORT="+smtpPort, "SMTP_TLS=none",
		"SEMESTERFLOW_TASK_QUEUE="+p.Term.ID,
		"LOG_LEVEL=warn",
	)
	logPath := filepath.Join(b.TempDir(), "worker.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(worker)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, logFile, logFile
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		_ = logFile.Close()
	}()

	c, err := client.Dial(client.Options{HostPort: temporalAddr})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 170*time.Minute)
	defer cancel()
	lag := sampleBacklog(ctx, c, p.Term.ID)
	b.ResetTimer()
	started := time.Now()
	// As the starter does: a large plan is uploaded and travels by reference.
	input, err := upload.Input(ctx, c, p.Term.ID, contract.SemesterInput{Plan: p, TimeScale: scale})
	if err != nil {
		b.Fatal(err)
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: contract.SemesterWorkflowID(p.Term.ID), TaskQueue: p.Term.ID,
	}, workflows.SemesterPlan, input)
	if err != nil {
		b.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		b.Fatalf("term: %v (worker log %s)", err, logPath)
	}
	b.StopTimer()
	wall := time.Since(started)
	peakRSS := peakRSSOf(b, cmd.Process.Pid)
	maxLag := lag()

	// What the plan asked for.
	meetings, attendanceRows, officerCount := 0, 0, 0
	for _, d := range p.Departments {
		n := len(p.ExchangeCalendar())
		meetings += n
		attendanceRows += n * len(d.Officers)
		officerCount += len(d.Officers)
	}
	count := func(query string, args ...any) int {
		var n int
		if err := db.NewRaw(query, args...).Scan(ctx, &n); err != nil {
			b.Fatalf("%s: %v", query, err)
		}
		return n
	}
	term := p.Term.ID
	checks := []struct {
		what      string
		got, want int
	}{
		{"exchanges with a meeting row", count("SELECT count(*) FROM meetings WHERE term_id = ?", term), meetings},
		{"attendance rows", count("SELECT count(*) FROM attendance WHERE term_id = ?", term), attendanceRows},
		{"officers with an onboarding outcome", count("SELECT count(*) FROM onboarding WHERE term_id = ? AND outcome <> 'pending'", term), officerCount},
		{"officers evaluated", count("SELECT count(*) FROM evaluations WHERE term_id = ?", term), officerCount},
		{"emails still pending in the outbox", count("SELECT count(*) FROM email_outbox WHERE workflow_id LIKE ? AND status <> 'sent'", contract.SemesterWorkflowID(term)+"%"), 0},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			b.Errorf("%s: %d, want %d", ch.what, ch.got, ch.want)
		}
	}
	sent := count("SELECT count(*) FROM email_outbox WHERE workflow_id LIKE ? AND status = 'sent'", contract.SemesterWorkflowID(term)+"%")
	// Other tests may share the SMTP server; the sink counts only ours.
	if n, ok := delivered(); ok && n != sent {
		b.Errorf("the SMTP server took %d messages, the outbox sent %d: an email was sent twice or lost", n, sent)
	}
	unrecorded := count("SELECT count(*) FROM meetings WHERE term_id = ? AND recorded_late", term)
	late := count("SELECT count(*) FROM meetings WHERE term_id = ? AND invitation <> 'sent'", term)

	var progress contract.Progress
	q, err := c.QueryWorkflow(ctx, contract.SemesterWorkflowID(term), "", contract.QueryProgress)
	if err == nil {
		err = q.Get(&progress)
	}
	if err != nil {
		b.Fatalf("final progress: %v", err)
	}
	problems := 0
	for _, part := range progress.Parts {
		if part.Tracked && !part.Done {
			b.Errorf("%s is not done: %s", part.Part, part.Summary)
		}
		problems += len(part.Problems)
	}
	// The history: every run's length, the largest event (an upper bound
	// on any payload), and the SDK's warnings of payloads over 256 KiB.
	runs := termRuns(ctx, b, c, contract.SemesterWorkflowID(term))
	var events int64
	for _, r := range runs {
		events += r.length
	}
	largest := largestEvent(ctx, b, c, runs)
	logText, _ := os.ReadFile(logPath)
	payloadWarnings := 0
	for _, line := range strings.Split(string(logText), "\n") {
		if strings.Contains(line, "TMPRL1103") {
			if payloadWarnings++; payloadWarnings <= 40 {
				fmt.Println(line)
			}
		}
	}
	if payloadWarnings > 0 {
		b.Errorf("the worker warned %d times of a payload over %d bytes (TMPRL1103; worker log %s)", payloadWarnings, config.PayloadSizeWarning, logPath)
	}
	if runs[0].length >= 4096 {
		b.Errorf("run %s has %d events, over the 4,096 mark", runs[0].id, runs[0].length)
	}
	ideal := planSpan(p) / time.Duration(scale)

	b.ReportMetric(wall.Seconds(), "s/term")
	b.ReportMetric(ideal.Seconds(), "s-ideal")
	b.ReportMetric(float64(peakRSS)/(1<<20), "MiB-peak-rss")
	b.ReportMetric(float64(runs[0].length), "max-events/run")
	b.ReportMetric(float64(len(runs)), "runs")
	b.ReportMetric(float64(events)/wall.Seconds(), "events/s")
	b.ReportMetric(float64(largest.bytes), "max-event-bytes")
	b.ReportMetric(float64(meetings), "meetings")
	b.ReportMetric(float64(sent), "emails")
	b.ReportMetric(float64(late), "invitations-not-on-time")
	b.ReportMetric(float64(unrecorded), "meetings-recorded-late")
	b.ReportMetric(float64(problems), "problems")
	b.ReportMetric(maxLag.Seconds(), "s-max-backlog-age")
	b.Logf("%d departments, %d officers at %gx: %s (ideal %s); peak RSS %d MiB; %d runs, %d events, %.0f events/s, largest run %s with %d events, largest event %d bytes (%s in %s); %d meetings, %d attendance rows, %d emails; %d invitations not on time, %d meetings recorded late, %d problems reported; workflow tasks waited up to %s (%s of plan time)",
		len(p.Departments), officerCount, scale, wall.Round(time.Second), ideal.Round(time.Second), peakRSS>>20,
		len(runs), events, float64(events)/wall.Seconds(), runs[0].id, runs[0].length, largest.bytes, largest.kind, largest.run,
		meetings, attendanceRows, sent, late, unrecorded, problems, maxLag.Round(time.Second), humanPlan(time.Duration(float64(maxLag)*scale)))
}

// sampleBacklog samples the age of the oldest workflow task waiting on the
// term's task queue every 5 s, until ctx ends, and returns a function that
// stops sampling and gives the largest age seen: how far the calendar ran
// behind the plan, in real time.
func sampleBacklog(ctx context.Context, c client.Client, taskQueue string) func() time.Duration {
	ctx, stop := context.WithCancel(ctx)
	var (
		mu     sync.Mutex
		oldest time.Duration
		done   = make(chan struct{})
	)
	go func() {
		defer close(done)
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		for {
			resp, err := c.WorkflowService().DescribeTaskQueue(ctx, &workflowservice.DescribeTaskQueueRequest{
				Namespace:     "default",
				TaskQueue:     &taskqueuepb.TaskQueue{Name: taskQueue, Kind: enumspb.TASK_QUEUE_KIND_NORMAL},
				TaskQueueType: enumspb.TASK_QUEUE_TYPE_WORKFLOW,
				ReportStats:   true,
			})
			if err == nil {
				if age := resp.GetStats().GetApproximateBacklogAge().AsDuration(); age > 0 {
					mu.Lock()
					oldest = max(oldest, age)
					mu.Unlock()
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return func() time.Duration {
		stop()
		<-done
		mu.Lock()
		defer mu.Unlock()
		return oldest
	}
}

// humanPlan writes a span of plan time in hours or days.
func humanPlan(d time.Duration) string {
	if d < 48*time.Hour {
		return fmt.Sprintf("%.1f h", d.Hours())
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}

// peakRSSOf reads a process's peak resident set (VmHWM) from /proc.
func peakRSSOf(tb testing.TB, pid int) int64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Logf("peak RSS unknown: %v", err)
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// planSpan is the plan time a term runs: from its first day to the end of
// its last.
func planSpan(p plan.Plan) time.Duration {
	start, _ := p.Term.Starts.In(time.UTC)
	end, _ := p.Term.Ends.In(time.UTC)
	return end.Sub(start) + 24*time.Hour
}

// eventSize names the largest event of a term's histories.
type eventSize struct {
	bytes     int
	kind, run string
}

// largestEvent reads every run's history and returns its largest event, in
// encoded bytes: an upper bound on the largest payload of the term. It
// logs the largest event of the five runs that have the largest, and of up
// to 40 runs whose largest passes a quarter of the warning mark: the
// payloads that would pass it at a few times the size.
func largestEvent(ctx context.Context, tb testing.TB, c client.Client, runs []runLength) eventSize {
	var top []eventSize
	for _, r := range runs {
		it := c.GetWorkflowHistory(ctx, r.workflowID, r.runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		var largest eventSize
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				tb.Fatalf("history of %s: %v", r.id, err)
			}
			if n := proto.Size(e); n > largest.bytes {
				largest = eventSize{n, e.EventType.String(), r.id}
			}
		}
		top = append(top, largest)
	}
	sort.Slice(top, func(i, j int) bool { return top[i].bytes > top[j].bytes })
	for i, e := range top {
		if i >= 40 || i >= 5 && e.bytes <= config.PayloadSizeWarning/4 {
			break
		}
		// Printed, not logged: the testing package keeps only the first
		// ten lines of a benchmark's log, and the summary must be one.
		fmt.Printf("largest events: %d bytes, %s in %s\n", e.bytes, e.kind, e.run)
	}
	return top[0]
}

// smtpSink starts Postfix's smtp-sink on a free port when it is installed,
// and returns a count of the messages it accepted. Without it, the shared
// Mailpit takes the mail and nothing is counted.
func smtpSink(tb testing.TB) (host, port string, delivered func() (int, bool)) {
	path, err := exec.LookPath("smtp-sink")
	if err != nil {
		path = "/usr/sbin/smtp-sink"
		if _, err := os.Stat(path); err != nil {
			h, p := testenv.SMTP(tb)
			tb.Logf("smtp-sink not installed (Debian's postfix has it); mail goes to the SMTP server at %s:%s and is not counted", h, p)
			return h, p, func() (int, bool) { return 0, false }
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	// -c counts each DATA that completes; -m bounds concurrent sessions;
	// as root it must drop to another user.
	args := []string{"-c", "-m", "1000"}
	if os.Geteuid() == 0 {
		args = append(args, "-u", "nobody")
	}
	cmd := exec.Command(path, append(args, addr, "1024")...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	var mu sync.Mutex
	last := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		counter := regexp.MustCompile(`\d+`)
		r := bufio.NewReader(out)
		for {
			chunk, err := r.ReadString('\r')
			if m := counter.FindAllString(chunk, -1); len(m) > 0 {
				n, _ := strconv.Atoi(m[len(m)-1])
				mu.Lock()
				last = n
				mu.Unlock()
			}
			if err == io.EOF || err != nil {
				return
			}
		}
	}()
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		<-done
	})
	for deadline := time.Now().Add(10 * time.Second); ; {
		if conn, err := net.Dial("tcp", addr); err == nil {
			_ = conn.Close()
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("smtp-sink does not listen on %s", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	host, port, _ = strings.Cut(addr, ":")
	// A connection to check the port counts no message.
	return host, port, func() (int, bool) {
		time.Sleep(time.Second) // let the counter's last line arrive
		mu.Lock()
		defer mu.Unlock()
		return last, true
	}
}
