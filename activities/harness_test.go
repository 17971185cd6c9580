package activities_test

import (
	"context"
	"fmt"
	"strings"
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

// rig runs activities for real against a fresh, migrated Postgres
// database and the SMTP server, with Mailpit to read what arrived. Tests
// that need a service that is down skip, or fail under CI. People's
// addresses carry a tag unique to the test, so Mailpit searches see only
// its emails.
type rig struct {
	t       *testing.T
	env     *testsuite.TestActivityEnvironment
	acts    *activities.Activities
	dsn     string
	db      *bun.DB
	store   *store.Store
	sender  *mail.Sender
	mailpit *testenv.Mailpit
	tag     string
	// plan is the plan newPlanRig saved, nil for newRig.
	plan *plan.Plan
}

func newRig(t *testing.T) *rig {
	t.Helper()
	host, port := testenv.SMTP(t)
	mailpit := testenv.NewMailpit(t)
	dsn := testenv.Postgres(t)
	db := testenv.OpenBun(t, dsn)
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
	r := &rig{t: t, dsn: dsn, db: db, store: store.New(db), sender: sender, mailpit: mailpit, tag: testenv.UniqueID("rig")}
	r.acts = &activities.Activities{Store: r.store, Mailer: sender}
	var suite testsuite.WorkflowTestSuite
	r.env = suite.NewTestActivityEnvironment()
	r.env.RegisterActivity(r.acts)
	return r
}

// newPlanRig is a rig whose plan is planYAML with %[1]s replaced by the
// rig's tag; its term and directory are saved, as the term's SaveDirectory
// would have done when li.wei started it.
func newPlanRig(t *testing.T, planYAML string) *rig {
	t.Helper()
	r := newRig(t)
	p, err := plan.Decode(fmt.Appendf(nil, planYAML, r.tag))
	if err != nil {
		t.Fatal(err)
	}
	r.plan = p
	start, _ := p.Term.Starts.In(p.Location())
	r.run(r.acts.SaveDirectory, contract.SaveDirectoryInput{Plan: *p, StartedBy: "li.wei", At: start}, nil)
	return r
}

// person is someone whose address is unique to the test: "Ma Li" is
// ma.li.<tag>@example.edu.
func (r *rig) person(name string) plan.Person {
	local := strings.ToLower(strings.ReplaceAll(name, " ", "."))
	return plan.Person{Name: name, Email: local + "." + r.tag + "@example.edu"}
}

// run executes an activity and decodes its result into out (nil for none),
// failing the test on error.
func (r *rig) run(activity, in, out any) {
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

// deliver runs a delivering activity and returns its result.
func (r *rig) deliver(activity, in any) contract.DeliveryResult {
	r.t.Helper()
	var res contract.DeliveryResult
	r.run(activity, in, &res)
	return res
}

// try runs a delivering activity and returns its result and its error.
func (r *rig) try(activity, in any) (contract.DeliveryResult, error) {
	var res contract.DeliveryResult
	v, err := r.env.ExecuteActivity(activity, in)
	if err == nil {
		err = v.Get(&res)
	}
	return res, err
}

// inbox waits for an address's emails and returns them once no more
// arrive: want is how many are expected, and a duplicate right behind them
// would show.
func (r *rig) inbox(email string, want int) []testenv.MailSummary {
	r.t.Helper()
	r.mailpit.WaitFor(r.t, "to:"+email, want, 10*time.Second)
	time.Sleep(300 * time.Millisecond)
	return r.mailpit.Search(r.t, "to:"+email)
}

// only returns the one email an address received, failing the test when
// there is not exactly one.
func (r *rig) only(email string) testenv.MailMessage {
	r.t.Helper()
	got := r.inbox(email, 1)
	if len(got) != 1 {
		r.t.Fatalf("%s received %d emails, want exactly 1", email, len(got))
	}
	return r.mailpit.Message(r.t, got[0].ID)
}
