package activities_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"semesterflow/activities"
	"semesterflow/contract"
	"semesterflow/internal/testenv"
	"semesterflow/mail"
	"semesterflow/plan"
	"semesterflow/store"
)

// These tests cut the database between the SMTP server's acceptance of an
// email and its outbox record, for far longer than the 1.2 s of quick
// retries deliver once had, and check what a person would: one copy of each
// email in Mailpit, by Message-ID, and every outbox row marked sent.
//
// Why ten minutes holds too, without a ten-minute test: an outage longer
// than RecordPatience ends the attempt with the accepted key in the
// heartbeat details, and from then on nothing depends on the outage's
// length. Temporal keeps the details across attempts until the activity
// closes; every attempt while the database is down fails at the claim,
// before sending, and leaves them alone. The outage only has to fit in the
// activity's tries: with the mail retry backoff capped at five minutes, a
// ScheduleToClose (where the workflow sets one) of at least the outage plus
// five minutes. The real-worker test below takes any outage, without a
// ScheduleToClose: SEMESTERFLOW_TEST_DB_OUTAGE=10m go test -run
// RealWorkerAndServer ./activities/ (about 11 minutes; it passes).

// outageRig is a rig whose activities reach its database through a fault
// proxy; the test keeps its own connection around the proxy (rig.db).
type outageRig struct {
	*rig
	proxied *store.Store
	mailer  *outageMailer
}

func newOutageRig(t *testing.T, outage time.Duration) *outageRig {
	t.Helper()
	r := newRig(t)
	proxy, proxied := testenv.ProxyDatabase(t, r.dsn)
	return &outageRig{
		rig:     r,
		proxied: store.New(testenv.OpenBun(t, proxied)),
		mailer:  &outageMailer{real: r.sender, proxy: proxy, outage: outage, restored: make(chan struct{})},
	}
}

// outageMailer sends through the real SMTP server and cuts the database the
// moment the server has accepted the batch's first email, before deliver can
// record it; the database comes back after the outage.
type outageMailer struct {
	real     *mail.Sender
	proxy    *testenv.FaultProxy
	outage   time.Duration
	once     sync.Once
	restored chan struct{}
	// restoredAt is when the database came back, once restored is closed.
	restoredAt time.Time
}

func (m *outageMailer) SendBatch(ctx context.Context, msgs []mail.Message, sent func(mail.Message) error) error {
	return m.real.SendBatch(ctx, msgs, func(msg mail.Message) error {
		m.once.Do(func() {
			m.proxy.Cut()
			time.AfterFunc(m.outage, func() {
				m.proxy.Restore()
				m.restoredAt = time.Now()
				close(m.restored)
			})
		})
		return sent(msg)
	})
}

func (m *outageMailer) From() string { return m.real.From() }

// request asks three people of the test for their department's plan: one
// email each, in one batch.
func (r *outageRig) request() contract.NotifyCollectionInput {
	var owners []plan.Person
	for _, name := range []string{"ann", "bob", "cat"} {
		owners = append(owners, plan.Person{Name: name, Email: name + "." + r.tag + "@example.edu"})
	}
	return contract.NotifyCollectionInput{
		Kind: contract.NotifyRequest, Occurrence: "plan", TermID: r.tag, TermName: "Fall 2026",
		TimeZone: plan.MustZone("Asia/Shanghai"), Title: "Department plan",
		Slots: []contract.CollectionSlot{{Key: "org", Label: "Organization", Due: time.Now().Add(72 * time.Hour), Owners: owners}},
	}
}

// untilDelivered runs the activity as Temporal retries it: after a failed
// attempt comes another, given the heartbeat details the SDK sent the server
// for the attempts before it, until one succeeds. It returns that attempt's
// result and how many attempts there were.
func (r *outageRig) untilDelivered(acts *activities.Activities, in contract.NotifyCollectionInput) (contract.DeliveryResult, int) {
	r.t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	var mu sync.Mutex
	var details json.RawMessage // what the server would hold
	env.SetOnActivityHeartbeatListener(func(_ *activity.Info, d converter.EncodedValues) {
		var raw json.RawMessage
		if err := d.Get(&raw); err != nil {
			r.t.Errorf("heartbeat details: %v", err)
			return
		}
		mu.Lock()
		details = raw
		mu.Unlock()
	})
	giveUp := time.Now().Add(5 * time.Minute)
	for attempt := 1; ; attempt++ {
		mu.Lock()
		if details != nil {
			env.SetHeartbeatDetails(details)
		}
		mu.Unlock()
		v, err := env.ExecuteActivity(acts.NotifyCollection, in)
		if err == nil {
			var res contract.DeliveryResult
			if err := v.Get(&res); err != nil {
				r.t.Fatal(err)
			}
			return res, attempt
		}
		r.t.Logf("attempt %d failed: %v", attempt, err)
		if time.Now().After(giveUp) {
			r.t.Fatalf("not delivered after %d attempts", attempt)
		}
		time.Sleep(2 * time.Second)
	}
}

// expectEachOnce checks that every email of the outbox reached Mailpit
// exactly once, by its Message-ID and by its recipient, and that every
// outbox row is marked sent. It returns the rows by recipient.
func (r *outageRig) expectEachOnce(want int) map[string]store.OutboxEmail {
	r.t.Helper()
	var rows []store.OutboxEmail
	if err := r.db.NewSelect().Model(&rows).Scan(context.Background()); err != nil {
		r.t.Fatal(err)
	}
	if len(rows) != want {
		r.t.Fatalf("%d outbox rows, want %d", len(rows), want)
	}
	byRecipient := map[string]store.OutboxEmail{}
	for _, row := range rows {
		byRecipient[row.Recipient] = row
		query := "message-id:" + strings.Trim(row.MessageID, "<>")
		r.mailpit.WaitFor(r.t, query, 1, 10*time.Second)
	}
	// A duplicate right behind the first copy would show by now.
	time.Sleep(500 * time.Millisecond)
	for _, row := range rows {
		if got := r.mailpit.Search(r.t, "message-id:"+strings.Trim(row.MessageID, "<>")); len(got) != 1 {
			r.t.Errorf("Message-ID %s (to %s) arrived %d times, want once", row.MessageID, row.Recipient, len(got))
		}
		if got := r.mailpit.Search(r.t, "to:"+row.Recipient); len(got) != 1 {
			r.t.Errorf("%s received %d emails, want 1", row.Recipient, len(got))
		}
		if row.Status != store.OutboxSent || row.SentAt == nil {
			r.t.Errorf("outbox row of %s: status %q, sent_at %v; want sent with a time", row.Recipient, row.Status, row.SentAt)
		}
	}
	return byRecipient
}

func TestDeliveryRidesOutADatabaseOutageAfterTheServerAccepts(t *testing.T) {
	t.Parallel()
	r := newOutageRig(t, 20*time.Second)
	acts := &activities.Activities{Store: r.proxied, Mailer: r.mailer}
	in := r.request()

	res, attempts := r.untilDelivered(acts, in)
	select {
	case <-r.mailer.restored:
	default:
		t.Fatal("the activity finished before the database came back: the outage was not exercised")
	}
	// The default patience outlasts this outage, so the first attempt
	// waits for the database instead of failing.
	if attempts != 1 || res.Sent != 3 || res.AlreadySent != 0 {
		t.Errorf("%d attempts, result %+v; want 1 attempt sending 3", attempts, res)
	}
	rows := r.expectEachOnce(3)
	// The first email is recorded with the time the server took it, not
	// when the database came back.
	if first := rows[in.Slots[0].Owners[0].Email]; first.SentAt != nil && !first.SentAt.Before(r.mailer.restoredAt) {
		t.Errorf("first email sent_at %v, want its acceptance, before the database came back at %v", first.SentAt, r.mailer.restoredAt)
	}
}

func TestDeliveryRetryRecordsWhatTheServerAcceptedInsteadOfSendingItAgain(t *testing.T) {
	t.Parallel()
	r := newOutageRig(t, 25*time.Second)
	// The outage outlasts the patience: the first attempt fails with the
	// accepted email in its heartbeat details, the attempts during the
	// outage fail at the claim, and the one after it records the email.
	acts := &activities.Activities{Store: r.proxied, Mailer: r.mailer, RecordPatience: 2 * time.Second}
	in := r.request()

	res, attempts := r.untilDelivered(acts, in)
	if attempts < 3 {
		t.Errorf("delivered in %d attempts; want a failed one, one during the outage, and one after", attempts)
	}
	if res.Sent != 2 || res.AlreadySent != 1 {
		t.Errorf("last attempt = %+v, want 2 sent and 1 already sent", res)
	}
	r.expectEachOnce(3)
}

func TestDeliveryIgnoresHeartbeatDetailsOfEarlierWorkers(t *testing.T) {
	r := newOutageRig(t, 0)
	acts := &activities.Activities{Store: r.proxied, Mailer: r.live()}
	in := r.request()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	// Workers before this one heartbeated the last key they sent and
	// recorded, a bare string; a retry after an upgrade must still send the
	// rest.
	env.SetHeartbeatDetails("default-test-workflow-id/collection-plan/ann." + r.tag + "@example.edu")
	v, err := env.ExecuteActivity(acts.NotifyCollection, in)
	if err != nil {
		t.Fatal(err)
	}
	var res contract.DeliveryResult
	if err := v.Get(&res); err != nil {
		t.Fatal(err)
	}
	if res.Sent != 3 {
		t.Errorf("result %+v, want 3 sent", res)
	}
	r.expectEachOnce(3)
}

// live is the real sender, without the outage.
func (r *outageRig) live() *mail.Sender { return r.mailer.real }

// outageDelivery runs one mail activity with the options mailOptions gives
// the mail activities of the workflows, copied here, and no ScheduleToClose.
func outageDelivery(ctx workflow.Context, in contract.NotifyCollectionInput) (contract.DeliveryResult, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 5 * time.Second, MaximumInterval: 5 * time.Minute},
	})
	var acts *activities.Activities
	var res contract.DeliveryResult
	err := workflow.ExecuteActivity(ctx, acts.NotifyCollection, in).Get(ctx, &res)
	return res, err
}

func TestDeliveryAcrossADatabaseOutageWithARealWorkerAndServer(t *testing.T) {
	t.Parallel()
	outage := 25 * time.Second
	if v := os.Getenv("SEMESTERFLOW_TEST_DB_OUTAGE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("SEMESTERFLOW_TEST_DB_OUTAGE: %v", err)
		}
		outage = d
	}
	addr := testenv.TemporalAddress(t)
	r := newOutageRig(t, outage)
	c, err := client.Dial(client.Options{HostPort: addr})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	// A worker set up as worker/main.go sets it up, on a queue of its own;
	// the server, not the test, retries the activity.
	queue := r.tag
	w := sdkworker.New(c, queue, sdkworker.Options{})
	w.RegisterWorkflowWithOptions(outageDelivery, workflow.RegisterOptions{Name: "OutageDelivery"})
	w.RegisterActivity(&activities.Activities{Store: r.proxied, Mailer: r.mailer, Temporal: c, RecordPatience: 2 * time.Second})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), outage+10*time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "outage/" + r.tag, TaskQueue: queue}, "OutageDelivery", r.request())
	if err != nil {
		t.Fatal(err)
	}
	var res contract.DeliveryResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	if res.Sent != 2 || res.AlreadySent != 1 {
		t.Errorf("last attempt = %+v, want 2 sent and 1 already sent", res)
	}
	if n := lastActivityAttempt(t, c, run); n < 2 {
		t.Errorf("the activity succeeded on attempt %d; the test meant the server to retry it", n)
	}
	r.expectEachOnce(3)
}

// lastActivityAttempt reads from the workflow's history which attempt of its
// activity completed.
func lastActivityAttempt(t *testing.T, c client.Client, run client.WorkflowRun) int32 {
	t.Helper()
	var attempt int32
	it := c.GetWorkflowHistory(context.Background(), run.GetID(), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := e.GetActivityTaskStartedEventAttributes(); a != nil {
			attempt = a.GetAttempt()
		}
	}
	return attempt
}

// TestDeliveryAfterAWorkerDiesWithAnUnrecordedEmail kills a worker, as far
// as anyone can tell (no database, no Temporal, nothing more sent), while it
// holds an email the SMTP server accepted and the outbox never recorded.
// What Temporal has by then is all a retry can know: the key reached it in a
// heartbeat while the attempt was alive, so a second worker records the
// email instead of sending it again. A worker killed before that heartbeat
// left it would leave no trace: the residual window deliver describes.
func TestDeliveryAfterAWorkerDiesWithAnUnrecordedEmail(t *testing.T) {
	t.Parallel()
	addr := testenv.TemporalAddress(t)
	// The first worker never sees its database again.
	r := newOutageRig(t, time.Hour)
	in := r.request()
	firstKey := "outage/" + r.tag + "/collection-plan/" + in.Slots[0].Owners[0].Email

	toTemporal := testenv.NewFaultProxy(t, addr)
	doomed, err := client.Dial(client.Options{HostPort: toTemporal.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	defer doomed.Close()
	queue := r.tag
	first := sdkworker.New(doomed, queue, sdkworker.Options{})
	first.RegisterWorkflowWithOptions(outageDelivery, workflow.RegisterOptions{Name: "OutageDelivery"})
	first.RegisterActivity(&activities.Activities{Store: r.proxied, Mailer: r.mailer, Temporal: doomed})
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer first.Stop()

	c, err := client.Dial(client.Options{HostPort: addr})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "outage/" + r.tag, TaskQueue: queue}, "OutageDelivery", in)
	if err != nil {
		t.Fatal(err)
	}

	// The attempt is alive, waiting for its database, and Temporal already
	// holds the accepted key in its heartbeat details.
	for deadline := time.Now().Add(time.Minute); !pendingHeartbeatNames(t, c, run, firstKey); {
		if time.Now().After(deadline) {
			t.Fatal("the accepted key never reached Temporal in a heartbeat")
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The worker dies: it reaches neither Temporal nor, still, its database.
	toTemporal.Cut()

	second := sdkworker.New(c, queue, sdkworker.Options{})
	second.RegisterWorkflowWithOptions(outageDelivery, workflow.RegisterOptions{Name: "OutageDelivery"})
	second.RegisterActivity(&activities.Activities{Store: store.New(r.db), Mailer: r.live(), Temporal: c})
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	defer second.Stop()

	// The server retries once the heartbeat timeout passes.
	var res contract.DeliveryResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	if res.Sent != 2 || res.AlreadySent != 1 {
		t.Errorf("last attempt = %+v, want 2 sent and 1 already sent", res)
	}
	r.expectEachOnce(3)
}

// pendingHeartbeatNames reports whether the workflow's running activity has
// heartbeat details on the server that name key.
func pendingHeartbeatNames(t *testing.T, c client.Client, run client.WorkflowRun, key string) bool {
	t.Helper()
	desc, err := c.DescribeWorkflowExecution(context.Background(), run.GetID(), run.GetRunID())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range desc.GetPendingActivities() {
		for _, p := range a.GetHeartbeatDetails().GetPayloads() {
			if strings.Contains(string(p.GetData()), key) {
				return true
			}
		}
	}
	return false
}
