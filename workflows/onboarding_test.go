package workflows_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"semesterflow/activities"
	"semesterflow/contract"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// fixture is a department of three officers whose plan time runs on the
// test environment's clock (scale 1, starting on the term's first day).
type fixture struct {
	t     *testing.T
	env   *testsuite.TestWorkflowEnvironment
	plan  *plan.Plan
	in    contract.OnboardingInput
	start time.Time
	// The environment runs activities on goroutines of their own, several
	// at once when acknowledgements arrive together, so the mocks lock mu.
	mu       sync.Mutex
	notified []notification
	acks     []contract.RecordAcknowledgementInput
	closed   []string
}

type notification struct {
	at   time.Time // plan time the activity ran
	kind string
	to   []string
	days int
}

// acts names activity methods for mocks.
var acts *activities.Activities

// threeOfficers is the publicity department of three officers and its
// training, and no later parts.
func threeOfficers(t testing.TB) *plan.Plan {
	return testPlan(t, noRoles, onlyParts, func(p *plan.Plan) {
		p.Leaders = p.Leaders[:1]
		p.Departments = []plan.Department{pick(t, p, "publicity", "Ma Li", "Guo Rui", "He Xin")}
		p.Training.Sessions = []plan.TrainingSession{{Title: "Rules", At: "2026-09-09 19:00"}}
		p.Training.Materials = nil
	})
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	p := threeOfficers(t)
	start, _ := p.Term.Starts.In(p.Location())
	env := testEnv(start)
	f := &fixture{t: t, env: env, plan: p, start: start}
	d := p.Departments[0]
	f.in = contract.OnboardingInput{
		TermID: p.Term.ID, TermName: p.Term.Name, TimeZone: p.Zone(),
		Department: d, Training: p.Training, Schedule: p.OnboardingSchedule(),
		Clock: plan.ProductionClock(start),
	}
	env.OnActivity(acts.NotifyOnboarding, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.NotifyOnboardingInput) (contract.DeliveryResult, error) {
			n := notification{at: env.Now().In(p.Location()), kind: in.Kind, days: in.DaysLeft}
			for _, o := range in.Officers {
				n.to = append(n.to, o.Email)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			f.notified = append(f.notified, n)
			return contract.DeliveryResult{Sent: len(in.Officers)}, nil
		})
	env.OnActivity(acts.RecordAcknowledgement, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.RecordAcknowledgementInput) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.acks = append(f.acks, in)
			return nil
		})
	env.OnActivity(acts.CloseOnboarding, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.CloseOnboardingInput) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.closed = append(f.closed, in.Emails...)
			return nil
		})
	return f
}

// at converts a plan time written as "YYYY-MM-DD HH:MM" to a delay from the
// start of the test.
func (f *fixture) at(local string) time.Duration {
	f.t.Helper()
	t, err := plan.LocalTime(local).In(f.plan.Location())
	if err != nil {
		f.t.Fatal(err)
	}
	return t.Sub(f.start)
}

// ack sends an acknowledgement at a plan time and records how it ended.
func (f *fixture) ack(local, email string, result *updateResult) {
	f.env.RegisterDelayedCallback(func() {
		f.env.UpdateWorkflow(contract.UpdateAcknowledgeTraining, "ack-"+email+"-"+local, result.callbacks(),
			contract.AcknowledgeInput{Email: email})
	}, f.at(local))
}

type updateResult struct {
	rejected error
	err      error
	value    contract.AcknowledgeResult
	done     bool
}

func (r *updateResult) callbacks() *testsuite.TestUpdateCallback {
	return &testsuite.TestUpdateCallback{
		OnAccept: func() {},
		OnReject: func(err error) { r.rejected = err; r.done = true },
		OnComplete: func(v any, err error) {
			r.err = err
			r.done = true
			if res, ok := v.(contract.AcknowledgeResult); ok {
				r.value = res
			}
		},
	}
}

func (f *fixture) run() contract.OnboardingProgress {
	f.t.Helper()
	f.env.ExecuteWorkflow(workflows.Onboarding, f.in)
	if !f.env.IsWorkflowCompleted() {
		f.t.Fatal("workflow did not complete")
	}
	if err := f.env.GetWorkflowError(); err != nil {
		f.t.Fatalf("workflow failed: %v", err)
	}
	var got contract.OnboardingProgress
	if err := f.env.GetWorkflowResult(&got); err != nil {
		f.t.Fatal(err)
	}
	return got
}

func outcomes(p contract.OnboardingProgress) map[string]string {
	m := map[string]string{}
	for _, o := range p.Officers {
		m[o.Email] = o.Outcome
	}
	return m
}

func TestOnboardingOnTimeLateAndNever(t *testing.T) {
	f := newFixture(t)
	var onTime, late updateResult
	f.ack("2026-09-10 20:00", "ma.li@example.edu", &onTime)
	f.ack("2026-09-19 10:00", "Guo.Rui@example.edu", &late)
	got := f.run()

	if onTime.err != nil || onTime.rejected != nil || onTime.value.Outcome != contract.OutcomeOnTime {
		t.Errorf("acknowledgement before the deadline = %+v", onTime)
	}
	if late.err != nil || late.rejected != nil || late.value.Outcome != contract.OutcomeLate {
		t.Errorf("acknowledgement after the deadline = %+v", late)
	}
	want := map[string]string{
		"ma.li@example.edu":   contract.OutcomeOnTime,
		"guo.rui@example.edu": contract.OutcomeLate,
		"he.xin@example.edu":  contract.OutcomeNever,
	}
	for email, outcome := range want {
		if outcomes(got)[email] != outcome {
			t.Errorf("%s outcome = %q, want %q", email, outcomes(got)[email], outcome)
		}
	}
	if c := got.Counts; c.OnTime != 1 || c.Late != 1 || c.Never != 1 || c.Pending != 0 {
		t.Errorf("counts = %+v", c)
	}
	if got.Phase != contract.PhaseClosed {
		t.Errorf("phase = %q, want %q", got.Phase, contract.PhaseClosed)
	}
	if len(f.acks) != 2 || f.acks[0].Email != "ma.li@example.edu" || f.acks[1].Email != "guo.rui@example.edu" {
		t.Fatalf("recorded acknowledgements = %+v", f.acks)
	}
	if f.acks[0].AuditKey == f.acks[1].AuditKey || !strings.HasPrefix(f.acks[0].AuditKey, "update/") {
		t.Errorf("audit keys = %q, %q; want distinct update keys", f.acks[0].AuditKey, f.acks[1].AuditKey)
	}
	if strings.Join(f.closed, ",") != "he.xin@example.edu" {
		t.Errorf("closed as never = %v, want only he.xin", f.closed)
	}
}

func TestOnboardingRemindersAndEscalationAtPlanTimes(t *testing.T) {
	f := newFixture(t)
	var r updateResult
	f.ack("2026-09-16 12:00", "he.xin@example.edu", &r)
	f.run()

	want := []struct {
		at   string
		kind string
		to   string
		days int
	}{
		{"2026-09-07 09:00", contract.NotifyAssignment, "ma.li guo.rui he.xin", 0},
		{"2026-09-15 09:00", contract.NotifyReminder, "ma.li guo.rui he.xin", 2},
		{"2026-09-17 09:00", contract.NotifyReminder, "ma.li guo.rui", 0},
		{"2026-09-17 23:59", contract.NotifyEscalation, "ma.li guo.rui", 0},
		// The last call, the day before the late window closes.
		{"2026-09-23 09:00", contract.NotifyReminder, "ma.li guo.rui", -1},
	}
	if len(f.notified) != len(want) {
		t.Fatalf("got %d notifications %+v, want %d", len(f.notified), f.notified, len(want))
	}
	for i, w := range want {
		n := f.notified[i]
		wantAt := f.start.Add(f.at(w.at))
		var to []string
		for _, e := range n.to {
			to = append(to, strings.TrimSuffix(e, "@example.edu"))
		}
		if !n.at.Equal(wantAt) || n.kind != w.kind || strings.Join(to, " ") != w.to || n.days != w.days {
			t.Errorf("notification %d = %s %s to [%s] days %d; want %s %s to [%s] days %d",
				i, n.at.Format("2006-01-02 15:04"), n.kind, strings.Join(to, " "), n.days, w.at, w.kind, w.to, w.days)
		}
	}
}

func TestOnboardingEndsEarlyWhenEveryoneAcknowledged(t *testing.T) {
	f := newFixture(t)
	results := make([]updateResult, 3)
	for i, o := range f.plan.Departments[0].Officers {
		f.ack("2026-09-08 10:00", o.Email, &results[i])
	}
	got := f.run()
	if got.Counts.OnTime != 3 {
		t.Errorf("counts = %+v, want 3 on time", got.Counts)
	}
	for _, n := range f.notified {
		if n.kind != contract.NotifyAssignment {
			t.Errorf("sent a %s after everyone acknowledged", n.kind)
		}
	}
	if len(f.closed) != 0 {
		t.Errorf("closed %v as never", f.closed)
	}
}

func TestOnboardingRejectsBadAcknowledgementsWithoutChange(t *testing.T) {
	f := newFixture(t)
	var early, first, again, stranger, longNote, atClose updateResult
	f.ack("2026-09-03 10:00", "ma.li@example.edu", &early)
	f.ack("2026-09-08 10:00", "ma.li@example.edu", &first)
	f.ack("2026-09-09 10:00", "ma.li@example.edu", &again)
	f.ack("2026-09-09 11:00", "sun.hao@example.edu", &stranger)
	f.env.RegisterDelayedCallback(func() {
		f.env.UpdateWorkflow(contract.UpdateAcknowledgeTraining, "long-note", longNote.callbacks(),
			contract.AcknowledgeInput{Email: "guo.rui@example.edu", Note: strings.Repeat("学", 2001)})
	}, f.at("2026-09-09 11:30"))
	f.ack("2026-09-24 23:59", "he.xin@example.edu", &atClose)

	// Snapshots of every officer's state around each rejection.
	snapshots := map[string]contract.OnboardingProgress{}
	for _, at := range []string{"2026-09-02 12:00", "2026-09-04 12:00", "2026-09-08 12:00", "2026-09-09 12:00"} {
		f.env.RegisterDelayedCallback(func() { snapshots[at] = f.query() }, f.at(at))
	}
	f.run()

	tests := []struct {
		name string
		got  updateResult
		want string
	}{
		{"before the training is assigned", early, "training for Ma Li is not assigned yet; it opens on Mon 7 Sep 2026, 09:00 (Asia/Shanghai)"},
		{"a second acknowledgement", again, "Ma Li already acknowledged the training on Tue 8 Sep 2026, 10:00 (Asia/Shanghai)"},
		{"someone outside the department", stranger, `"sun.hao@example.edu" is not an officer of the Publicity Department`},
		{"a note that is too long", longNote, "the note has 2001 characters; keep it to 2000"},
		{"when the window closes", atClose, "the acknowledgement window for He Xin closed on Thu 24 Sep 2026, 23:59 (Asia/Shanghai)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got.rejected == nil || !strings.Contains(tt.got.rejected.Error(), tt.want) {
				t.Errorf("rejection = %v, want one containing %q", tt.got.rejected, tt.want)
			}
		})
	}
	if first.err != nil || first.rejected != nil {
		t.Errorf("first acknowledgement failed: %v %v", first.rejected, first.err)
	}
	if len(f.acks) != 1 {
		t.Errorf("recorded %d acknowledgements, want only the first", len(f.acks))
	}
	for _, pair := range [][2]string{{"2026-09-02 12:00", "2026-09-04 12:00"}, {"2026-09-08 12:00", "2026-09-09 12:00"}} {
		before, after := snapshots[pair[0]], snapshots[pair[1]]
		if !reflect.DeepEqual(before.Officers, after.Officers) || before.Counts != after.Counts {
			t.Errorf("rejected updates between %s and %s changed the state:\n%+v\n%+v", pair[0], pair[1], before.Officers, after.Officers)
		}
	}
	if got := snapshots["2026-09-09 12:00"].Officers[0]; got.AcknowledgedAt == nil || got.AcknowledgedAt.Format("01-02 15:04") != "09-08 10:00" {
		t.Errorf("Ma Li's acknowledgement = %+v, want the first one's time", got)
	}
}

func (f *fixture) query() contract.OnboardingProgress {
	f.t.Helper()
	v, err := f.env.QueryWorkflow(contract.QueryProgress)
	if err != nil {
		f.t.Fatal(err)
	}
	var p contract.OnboardingProgress
	if err := v.Get(&p); err != nil {
		f.t.Fatal(err)
	}
	return p
}

func TestOnboardingStartedLateSkipsRemindersThatHavePassed(t *testing.T) {
	f := newFixture(t)
	late, err := plan.LocalTime("2026-09-16 10:00").In(f.plan.Location())
	if err != nil {
		t.Fatal(err)
	}
	f.env.SetStartTime(late)
	f.in.Clock = plan.ProductionClock(late)
	f.start = late
	f.run()
	var kinds []string
	for _, n := range f.notified {
		kinds = append(kinds, n.kind+" "+n.at.Format("01-02 15:04"))
	}
	want := []string{"assignment 09-16 10:00", "reminder 09-17 09:00", "escalation 09-17 23:59", "reminder 09-23 09:00"}
	if strings.Join(kinds, ", ") != strings.Join(want, ", ") {
		t.Errorf("notifications = %v, want %v", kinds, want)
	}
}
