package activities_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"go.temporal.io/sdk/testsuite"

	"semesterflow/activities"
	"semesterflow/contract"
	"semesterflow/internal/testenv"
	"semesterflow/mail"
	"semesterflow/plan"
	"semesterflow/store"
)

// liveServices are the real services activity tests run against: a fresh,
// migrated Postgres database, the SMTP server, and Mailpit to read what
// arrived. Tests that need a service that is down skip, or fail under CI.
type liveServices struct {
	db      *bun.DB
	sender  *mail.Sender
	mailpit *testenv.Mailpit
}

func newLiveServices(t *testing.T) liveServices {
	t.Helper()
	host, port := testenv.SMTP(t)
	mailpit := testenv.NewMailpit(t)
	db := testenv.OpenBun(t, testenv.Postgres(t))
	if _, err := store.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	cfg, err := mail.ConfigFromEnv(func(k string) string {
		return map[string]string{"SMTP_HOST": host, "SMTP_PORT": port}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	sender, err := mail.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return liveServices{db: db, sender: sender, mailpit: mailpit}
}

// realRig runs activities against a fresh Postgres database and the SMTP
// server, with Mailpit to read what arrived. Its plan's term and directory
// are saved, as the term's SaveDirectory would have done.
type realRig struct {
	t       *testing.T
	env     *testsuite.TestActivityEnvironment
	acts    *activities.Activities
	store   *store.Store
	sender  *mail.Sender
	mailpit *testenv.Mailpit
	plan    *plan.Plan
	// tag makes the plan's term ID and addresses unique to the test, so
	// Mailpit searches see only its messages.
	tag string
}

// newRealRig decodes planYAML after replacing %[1]s with a unique tag, and
// saves its directory.
func newRealRig(t *testing.T, planYAML string) *realRig {
	t.Helper()
	live := newLiveServices(t)
	mailpit, sender, db := live.mailpit, live.sender, live.db
	tag := testenv.UniqueID("rig")
	p, err := plan.Decode(fmt.Appendf(nil, planYAML, tag))
	if err != nil {
		t.Fatal(err)
	}
	r := &realRig{t: t, store: store.New(db), sender: sender, mailpit: mailpit, plan: p, tag: tag}
	r.acts = &activities.Activities{Store: r.store, Mailer: sender}
	var suite testsuite.WorkflowTestSuite
	r.env = suite.NewTestActivityEnvironment()
	r.env.RegisterActivity(r.acts)
	start, _ := p.Term.Starts.In(p.Location())
	r.run(r.acts.SaveDirectory, contract.SaveDirectoryInput{Plan: *p, StartedBy: "test", At: start}, nil)
	return r
}

// run executes an activity and decodes its result into out (nil for none),
// failing the test on error.
func (r *realRig) run(activity, in, out any) {
	r.t.Helper()
	v, err := r.env.ExecuteActivity(activity, in)
	if err != nil {
		r.t.Fatalf("activity: %v", err)
	}
	if out != nil {
		if err := v.Get(out); err != nil {
			r.t.Fatal(err)
		}
	}
}

// inbox waits for an address's emails and returns them once no more
// arrive: want is how many are expected, and a duplicate right behind them
// would show.
func (r *realRig) inbox(email string, want int) []testenv.MailSummary {
	r.t.Helper()
	r.mailpit.WaitFor(r.t, "to:"+email, want, 10*time.Second)
	time.Sleep(300 * time.Millisecond)
	return r.mailpit.Search(r.t, "to:"+email)
}

// only returns the one email an address received, failing the test when
// there is not exactly one.
func (r *realRig) only(email string) testenv.MailMessage {
	r.t.Helper()
	got := r.inbox(email, 1)
	if len(got) != 1 {
		r.t.Fatalf("%s received %d emails, want exactly 1", email, len(got))
	}
	return r.mailpit.Message(r.t, got[0].ID)
}
