package activities_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"semesterflow/activities"
	"semesterflow/contract"
	"semesterflow/mail"
	"semesterflow/plan"
	"semesterflow/store"
)

// onboardingPlanYAML is the publicity department of three officers.
const onboardingPlanYAML = `
term: {id: %[1]s, name: Fall term 2026, starts: 2026-09-01, ends: 2027-01-15, time_zone: Asia/Shanghai}
leaders: [{name: Li Wei, email: li.wei.%[1]s@example.edu}]
departments:
  - id: publicity
    name: Publicity Department
    head: {name: Sun Hao, email: sun.hao.%[1]s@example.edu}
    officers:
      - {name: Ma Li, email: ma.li.%[1]s@example.edu}
      - {name: Guo Rui, email: guo.rui.%[1]s@example.edu}
      - {name: He Xin, email: he.xin.%[1]s@example.edu}
training:
  sessions: [{title: Rules of the Student Union, at: "2026-09-09 19:00", where: Room 204}]
  deadline_days_after_start: 16
`

// harness runs the onboarding activities on a rig with its plan saved.
type harness struct{ *rig }

func newHarness(t *testing.T) *harness {
	t.Helper()
	return &harness{newPlanRig(t, onboardingPlanYAML)}
}

func (h *harness) notifyInput(kind string, officers []plan.Person) contract.NotifyOnboardingInput {
	s := h.plan.OnboardingSchedule()
	d := h.plan.Departments[0]
	return contract.NotifyOnboardingInput{
		Kind: kind, TermID: h.plan.Term.ID, TermName: h.plan.Term.Name, TimeZone: h.plan.Zone(),
		DepartmentID: d.ID, DepartmentName: d.Name, Head: d.Head, Training: h.plan.Training,
		AssignedAt: s.AssignAt, Deadline: s.Deadline, WindowCloses: s.WindowCloses,
		Officers: officers, DaysLeft: 2, Reminder: 1, At: s.Reminders[0].At,
	}
}

func (h *harness) notify(in contract.NotifyOnboardingInput) (contract.DeliveryResult, error) {
	return h.try(h.acts.NotifyOnboarding, in)
}

func TestAssignmentEmailArrivesOnceWhenTheActivityRunsTwice(t *testing.T) {
	h := newHarness(t)
	officers := h.plan.Departments[0].Officers
	in := h.notifyInput(contract.NotifyAssignment, officers)

	first, err := h.notify(in)
	if err != nil {
		t.Fatal(err)
	}
	second, err := h.notify(in)
	if err != nil {
		t.Fatal(err)
	}
	if first.Sent != 3 || second.Sent != 0 || second.AlreadySent != 3 {
		t.Errorf("first run %+v, second run %+v; want 3 sent, then 3 already sent", first, second)
	}

	for _, o := range officers {
		msg := h.only(o.Email)
		for part, body := range map[string]string{"text": msg.Text, "HTML": msg.HTML} {
			for _, want := range []string{o.Name, "Rules of the Student Union", "Thu 17 Sep 2026, 23:59", "starter ack --term " + h.plan.Term.ID + " --email " + o.Email} {
				if !strings.Contains(body, want) {
					t.Errorf("%s part of %s's email lacks %q", part, o.Name, want)
				}
			}
		}
		if !strings.Contains(msg.Subject, "Publicity Department") {
			t.Errorf("subject %q does not name the department", msg.Subject)
		}
	}

	rows, err := h.store.Onboardings(context.Background(), h.plan.Term.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d onboarding rows, want 3", len(rows))
	}
	for _, r := range rows {
		if r.Status != store.OnboardingAssigned || r.Outcome != contract.OutcomePending || !r.DeadlineAt.Equal(in.Deadline) {
			t.Errorf("row %+v; want assigned, pending, deadline %v", r, in.Deadline)
		}
	}
}

// flakyMailer delivers the first n messages of a batch through the real
// sender, then fails as a dropped connection would.
type flakyMailer struct {
	real *mail.Sender
	n    int
}

func (f flakyMailer) SendBatch(ctx context.Context, msgs []mail.Message, sent func(mail.Message) error) error {
	if len(msgs) > f.n {
		if err := f.real.SendBatch(ctx, msgs[:f.n], sent); err != nil {
			return err
		}
		return errors.New("connection reset by peer")
	}
	return f.real.SendBatch(ctx, msgs, sent)
}

func TestRetryAfterAFailedBatchSendsOnlyWhatWasMissing(t *testing.T) {
	h := newHarness(t)
	officers := h.plan.Departments[0].Officers
	in := h.notifyInput(contract.NotifyReminder, officers)

	flaky := &activities.Activities{Store: h.store, Mailer: flakyMailer{real: h.sender, n: 1}}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(flaky)
	if _, err := env.ExecuteActivity(flaky.NotifyOnboarding, in); err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("flaky attempt error = %v, want the dropped connection", err)
	}
	res, err := h.notify(in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 2 || res.AlreadySent != 1 {
		t.Errorf("retry = %+v, want 2 sent and 1 already sent", res)
	}
	for _, o := range officers {
		h.mailpit.WaitFor(t, "to:"+o.Email, 1, 10*time.Second)
	}
	time.Sleep(300 * time.Millisecond)
	for _, o := range officers {
		if got := h.mailpit.Search(t, "to:"+o.Email); len(got) != 1 {
			t.Errorf("%s received %d reminders, want 1", o.Email, len(got))
		}
	}
	rows, err := h.store.Onboardings(context.Background(), h.plan.Term.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.RemindersSent != 1 {
			t.Errorf("%s reminders_sent = %d, want 1", r.OfficerEmail, r.RemindersSent)
		}
	}
}

func TestEscalationNamesEveryOverdueOfficerToTheHead(t *testing.T) {
	h := newHarness(t)
	overdue := h.plan.Departments[0].Officers[1:]
	if _, err := h.notify(h.notifyInput(contract.NotifyAssignment, h.plan.Departments[0].Officers)); err != nil {
		t.Fatal(err)
	}
	in := h.notifyInput(contract.NotifyEscalation, overdue)
	in.At = in.Deadline
	if _, err := h.notify(in); err != nil {
		t.Fatal(err)
	}
	head := h.plan.Departments[0].Head.Email
	got := h.mailpit.WaitFor(t, "to:"+head, 1, 10*time.Second)
	if len(got) != 1 {
		t.Fatalf("head received %d emails, want 1 escalation", len(got))
	}
	msg := h.mailpit.Message(t, got[0].ID)
	for _, o := range overdue {
		if !strings.Contains(msg.Text, o.Email) || !strings.Contains(msg.HTML, o.Name) {
			t.Errorf("escalation does not name %s", o.Name)
		}
	}
	if strings.Contains(msg.Text, h.plan.Departments[0].Officers[0].Email) {
		t.Errorf("escalation names an officer who is not overdue")
	}
	rows, _ := h.store.Onboardings(context.Background(), h.plan.Term.ID)
	for _, r := range rows {
		if escalated := r.EscalatedAt != nil; escalated != (r.OfficerEmail != h.plan.Departments[0].Officers[0].Email) {
			t.Errorf("%s escalated_at = %v", r.OfficerEmail, r.EscalatedAt)
		}
	}
}

func TestRecordAcknowledgementTwiceWritesOneAuditEntry(t *testing.T) {
	h := newHarness(t)
	officers := h.plan.Departments[0].Officers
	if _, err := h.notify(h.notifyInput(contract.NotifyAssignment, officers)); err != nil {
		t.Fatal(err)
	}
	at := h.plan.OnboardingSchedule().Deadline.Add(-48 * time.Hour)
	in := contract.RecordAcknowledgementInput{
		TermID: h.plan.Term.ID, DepartmentID: "publicity", Email: officers[0].Email,
		Outcome: contract.OutcomeOnTime, Note: "attended on the 9th", At: at, AuditKey: "update/test-1",
	}
	for range 2 {
		if _, err := h.env.ExecuteActivity(h.acts.RecordAcknowledgement, in); err != nil {
			t.Fatal(err)
		}
	}
	audit, err := h.store.AuditEntries(context.Background(), h.plan.Term.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 2 || audit[0].Action != "start_term" || audit[0].Actor != "li.wei" {
		t.Errorf("first audit entry = %+v, want the start of the term by li.wei", audit[0])
	}
	audit = audit[1:]
	if len(audit) != 1 || audit[0].Actor != officers[0].Email || audit[0].Action != "acknowledge_training" || audit[0].Payload["note"] != "attended on the 9th" {
		t.Fatalf("audit = %+v, want one acknowledge_training entry by %s with the note", audit, officers[0].Email)
	}
	rows, _ := h.store.Onboardings(context.Background(), h.plan.Term.ID)
	for _, r := range rows {
		if r.OfficerEmail == officers[0].Email && (r.Outcome != contract.OutcomeOnTime || r.AcknowledgedAt == nil || !r.AcknowledgedAt.Equal(at)) {
			t.Errorf("acknowledged row = %+v", r)
		}
	}
}
