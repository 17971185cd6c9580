package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// exchangesPlan has the example's calendar: every two weeks from 29
// September at 19:00, leaving out the National Day week (so the first
// exchange is on 13 October) and the exam week of 4 January: six exchanges.
func exchangesPlan(t testing.TB, edits ...func(p *plan.Plan)) *plan.Plan {
	return testPlan(t, append([]func(*plan.Plan){noRoles, basics, func(p *plan.Plan) {
		p.Leaders = p.Leaders[:1]
		d := pick(t, p, "publicity", "Ma Li", "Guo Rui", "He Xin")
		d.Officers[2].Role = "Secretary"
		p.Departments = []plan.Department{d}
		p.Kickoff, p.Months, p.Contest, p.Tasks, p.Evaluation = nil, nil, nil, nil, nil
		p.Exchanges.Where = "Meeting room 2"
	}}, edits...)...)
}

// oneExchange ends the term on 20 October, after exchange 1.
func oneExchange(p *plan.Plan) {
	p.Term.Ends = "2026-10-20"
	p.Exchanges.SkipWeeksOf = p.Exchanges.SkipWeeksOf[:1]
}

// series runs a department's Exchanges run after run, as Temporal would
// after each continue-as-new, on the test clock. Updates are scheduled at
// plan times and sent in whichever run is current then.
type series struct {
	t       *testing.T
	plan    *plan.Plan
	loc     *time.Location
	in      contract.ExchangesInput
	updates []*scheduledUpdate
	queries []*scheduledQuery
	// realMinutes runs the real Collection for the minutes, with its
	// emails mocked, instead of a stand-in.
	realMinutes bool
	collected   []contract.NotifyCollectionInput
	// inviteDelay makes every invitation take that long (test time) to
	// go out, as a failing SMTP server or a busy worker would.
	inviteDelay time.Duration
	// storeOutage makes the first run's writes (attendance, reports) take
	// that long, as a database away would.
	storeOutage time.Duration
	// lateDelay makes every store write of late attendance take that long,
	// as it would while the database is away.
	lateDelay time.Duration
	// resume starts the run of that number (from 1) at that plan time
	// rather than at once: the worker was away meanwhile.
	resume map[int]time.Time
	// mu guards what the mocks record: the environment runs each activity
	// on a goroutine of its own, and the invitations, attendance and
	// reports run beside the calendar.
	mu sync.Mutex
	// What the runs did, in order.
	runs        int
	continued   []contract.ExchangesInput
	invitations []invitation
	attendance  []contract.RecordMeetingAttendanceInput
	// attendedAt is when each attendance write ran (test time).
	attendedAt []time.Time
	late       []contract.RecordLateAttendanceInput
	corrected  []contract.CorrectInvitationInput
	notices    []contract.NotifyPartProblemInput
	minutes    []startedMinutes
	reports    []contract.PartReport
	reportedAt []time.Time
	result     contract.ExchangesProgress
	// endedAt is when the last run ended (test time).
	endedAt time.Time
}

type invitation struct {
	at time.Time
	in contract.NotifyExchangeInput
}

type startedMinutes struct {
	id string
	in contract.CollectionInput
}

type scheduledUpdate struct {
	at     time.Time
	name   string
	arg    any
	sent   bool
	result updateOutcome
}

type updateOutcome struct {
	rejected, err error
	value         any
}

type scheduledQuery struct {
	at     time.Time
	result contract.ExchangesProgress
	err    error
	// taskFor, when set, makes it a task query for that person.
	taskFor string
	task    contract.MeetingTask
	// sheetFor and sheetMeeting, when set, make it an attendance-sheet
	// query for that person and exchange.
	sheetFor     string
	sheetMeeting int
	sheet        contract.AttendanceSheet
}

func newSeries(t *testing.T, p *plan.Plan) *series {
	t.Helper()
	start, _ := p.Term.Starts.In(p.Location())
	s := &series{t: t, plan: p, loc: p.Location()}
	s.in = contract.ExchangesInputFrom(*p, "publicity", plan.ProductionClock(start), "semester/2026-fall")
	return s
}

func (s *series) planTime(local string) time.Time {
	s.t.Helper()
	at, err := plan.LocalTime(local).In(s.loc)
	if err != nil {
		s.t.Fatal(err)
	}
	return at
}

func (s *series) signIn(local, email string) *updateOutcome {
	return s.update(local, contract.UpdateSignIn, contract.SignInInput{Email: email})
}

func (s *series) excuse(local, email, reason string) *updateOutcome {
	return s.update(local, contract.UpdateExcuse, contract.ExcuseInput{Email: email, Reason: reason})
}

func (s *series) update(local, name string, arg any) *updateOutcome {
	u := &scheduledUpdate{at: s.planTime(local), name: name, arg: arg}
	s.updates = append(s.updates, u)
	return &u.result
}

func (s *series) query(local string) *scheduledQuery {
	q := &scheduledQuery{at: s.planTime(local)}
	s.queries = append(s.queries, q)
	return q
}

func (s *series) queryTask(local, email string) *scheduledQuery {
	q := s.query(local)
	q.taskFor = email
	return q
}

func (s *series) querySheet(local string, meeting int, email string) *scheduledQuery {
	q := s.query(local)
	q.sheetFor, q.sheetMeeting = email, meeting
	return q
}

func (s *series) recordAttendance(local string, in contract.RecordAttendanceInput) *updateOutcome {
	return s.update(local, contract.UpdateRecordAttendance, in)
}

// run executes up to maxRuns runs from the term's first day (or from
// start, when set) and returns the last run's error.
func (s *series) run(maxRuns int, start time.Time) error {
	s.t.Helper()
	if start.IsZero() {
		start, _ = s.plan.Term.Starts.In(s.loc)
	}
	in := s.in
	for s.runs < maxRuns {
		s.runs++
		if at, ok := s.resume[s.runs]; ok && at.After(start) {
			start = at
		}
		env, now := s.newEnv(start)
		env.ExecuteWorkflow(workflows.Exchanges, in)
		if !env.IsWorkflowCompleted() {
			s.t.Fatalf("run %d did not complete", s.runs)
		}
		s.endedAt = now().In(s.loc)
		err := env.GetWorkflowError()
		var can *workflow.ContinueAsNewError
		if !errors.As(err, &can) {
			if err == nil {
				err = env.GetWorkflowResult(&s.result)
			}
			return err
		}
		var next contract.ExchangesInput
		if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
			s.t.Fatal(err)
		}
		s.continued = append(s.continued, next)
		in, start = next, now()
	}
	return nil
}

func (s *series) newEnv(start time.Time) (*testsuite.TestWorkflowEnvironment, func() time.Time) {
	env := testEnv(start)
	env.OnActivity(acts.NotifyExchange, mock.Anything, mock.Anything).After(s.inviteDelay).Return(
		func(_ context.Context, in contract.NotifyExchangeInput) (contract.DeliveryResult, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.invitations = append(s.invitations, invitation{at: env.Now().In(s.loc), in: in})
			return contract.DeliveryResult{Sent: len(in.Recipients)}, nil
		})
	env.OnActivity(acts.NotifyPartProblem, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.NotifyPartProblemInput) (contract.DeliveryResult, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.notices = append(s.notices, in)
			return contract.DeliveryResult{Sent: len(in.To)}, nil
		})
	var outage time.Duration
	if s.runs == 1 {
		outage = s.storeOutage
	}
	env.OnActivity(acts.RecordAttendance, mock.Anything, mock.Anything).After(outage).Return(
		func(_ context.Context, in contract.RecordMeetingAttendanceInput) error {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.attendance = append(s.attendance, in)
			s.attendedAt = append(s.attendedAt, env.Now())
			return nil
		})
	env.OnActivity(acts.RecordLateAttendance, mock.Anything, mock.Anything).After(s.lateDelay).Return(
		func(_ context.Context, in contract.RecordLateAttendanceInput) (contract.RecordLateAttendanceResult, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.late = append(s.late, in)
			return contract.RecordLateAttendanceResult{Changed: len(in.Records)}, nil
		})
	env.OnActivity(acts.CorrectInvitation, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.CorrectInvitationInput) error {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.corrected = append(s.corrected, in)
			return nil
		})
	if s.realMinutes {
		env.OnActivity(acts.NotifyCollection, mock.Anything, mock.Anything).Return(
			func(_ context.Context, in contract.NotifyCollectionInput) (contract.DeliveryResult, error) {
				s.mu.Lock()
				defer s.mu.Unlock()
				s.collected = append(s.collected, in)
				return contract.DeliveryResult{}, nil
			})
	} else {
		env.OnWorkflow(workflows.Collection, mock.Anything, mock.Anything).Return(
			func(ctx workflow.Context, in contract.CollectionInput) (contract.CollectionResult, error) {
				s.minutes = append(s.minutes, startedMinutes{id: workflow.GetInfo(ctx).WorkflowExecution.ID, in: in})
				return contract.CollectionResult{Kind: in.Kind, Scope: in.Scope}, nil
			})
	}
	env.OnActivity(acts.ReportPart, mock.Anything, mock.Anything).After(outage).Return(
		func(_ context.Context, in contract.ReportPartInput) error {
			s.mu.Lock()
			defer s.mu.Unlock()
			if in.TermKey == "semester/2026-fall" {
				s.reports = append(s.reports, in.Report)
				s.reportedAt = append(s.reportedAt, env.Now())
			}
			return nil
		})
	for i, u := range s.updates {
		if u.sent || u.at.Before(start) {
			continue
		}
		env.RegisterDelayedCallback(func() {
			u.sent = true
			env.UpdateWorkflow(u.name, fmt.Sprintf("u%d", i), &testsuite.TestUpdateCallback{
				OnAccept:   func() {},
				OnReject:   func(err error) { u.result.rejected = err },
				OnComplete: func(v any, err error) { u.result.value, u.result.err = v, err },
			}, u.arg)
		}, u.at.Sub(start))
	}
	for _, q := range s.queries {
		if q.at.Before(start) {
			continue
		}
		env.RegisterDelayedCallback(func() {
			if q.sheetFor != "" {
				v, err := env.QueryWorkflow(contract.QueryAttendanceSheet, q.sheetMeeting, q.sheetFor)
				if err == nil {
					err = v.Get(&q.sheet)
				}
				q.err = err
				return
			}
			if q.taskFor != "" {
				v, err := env.QueryWorkflow(contract.QueryTask, q.taskFor)
				if err == nil {
					err = v.Get(&q.task)
				}
				q.err = err
				return
			}
			v, err := env.QueryWorkflow(contract.QueryProgress)
			if err == nil {
				err = v.Get(&q.result)
			}
			q.err = err
		}, q.at.Sub(start))
	}
	return env, env.Now
}

func (s *series) local(t time.Time) string { return t.In(s.loc).Format("01-02 15:04") }

func TestExchangesWholeSeries(t *testing.T) {
	s := newSeries(t, exchangesPlan(t))
	// Exchange 1: Ma Li signs in, Guo Rui excuses himself, He Xin stays away.
	s.signIn("2026-10-13 18:45", "ma.li@example.edu")
	s.excuse("2026-10-12 10:00", "guo.rui@example.edu", "Physics exam that evening")
	// Exchange 2: everyone signs in.
	for _, e := range []string{"ma.li@example.edu", "guo.rui@example.edu", "he.xin@example.edu"} {
		s.signIn("2026-10-27 18:50", e)
	}
	// Exchange 6: He Xin signs in.
	s.signIn("2026-12-22 19:29", "he.xin@example.edu")
	if err := s.run(20, time.Time{}); err != nil {
		t.Fatalf("series failed: %v", err)
	}

	if s.runs != 6 || len(s.continued) != 5 {
		t.Errorf("%d runs with %d continue-as-new, want 6 and 5", s.runs, len(s.continued))
	}
	var invited []string
	for _, inv := range s.invitations {
		invited = append(invited, fmt.Sprintf("%d %s for %s", inv.in.Meeting.Number, s.local(inv.at), s.local(inv.in.Meeting.Start)))
	}
	// Three days before, at the send time; nothing in the National Day or
	// exam weeks.
	want := []string{
		"1 10-10 09:00 for 10-13 19:00", "2 10-24 09:00 for 10-27 19:00", "3 11-07 09:00 for 11-10 19:00",
		"4 11-21 09:00 for 11-24 19:00", "5 12-05 09:00 for 12-08 19:00", "6 12-19 09:00 for 12-22 19:00",
	}
	if strings.Join(invited, "\n") != strings.Join(want, "\n") {
		t.Errorf("invitations:\n%s\nwant:\n%s", strings.Join(invited, "\n"), strings.Join(want, "\n"))
	}
	first := s.invitations[0].in
	var to []string
	for _, p := range first.Recipients {
		to = append(to, p.Email)
	}
	if strings.Join(to, ",") != "ma.li@example.edu,guo.rui@example.edu,he.xin@example.edu,sun.hao@example.edu" ||
		first.Head != "sun.hao@example.edu" || first.Secretary.Email != "he.xin@example.edu" || first.Total != 6 || first.Where != "Meeting room 2" {
		t.Errorf("first invitation = %+v", first)
	}
	if !first.Stamp.Equal(s.planTime("2026-10-10 09:00")) {
		t.Errorf("calendar stamp = %v, want the planned invitation time", first.Stamp)
	}

	// Attendance, recorded when sign-in closes.
	if len(s.attendance) != 6 {
		t.Fatalf("%d attendance batches, want 6", len(s.attendance))
	}
	statuses := func(in contract.RecordMeetingAttendanceInput) string {
		var out []string
		for _, r := range in.Records {
			out = append(out, strings.SplitN(r.Email, "@", 2)[0]+"="+r.Status)
		}
		return strings.Join(out, " ")
	}
	for i, want := range []string{
		"ma.li=present guo.rui=excused he.xin=absent",
		"ma.li=present guo.rui=present he.xin=present",
		"ma.li=absent guo.rui=absent he.xin=absent",
	} {
		if got := statuses(s.attendance[i]); got != want {
			t.Errorf("exchange %d attendance %s, want %s", i+1, got, want)
		}
	}
	if got := statuses(s.attendance[5]); got != "ma.li=absent guo.rui=absent he.xin=present" {
		t.Errorf("exchange 6 attendance %s", got)
	}
	if r := s.attendance[0].Records[1]; r.Reason != "Physics exam that evening" {
		t.Errorf("excused row = %+v, want the reason", r)
	}
	if r := s.attendance[0].Records[0]; r.SignedInAt == nil || s.local(*r.SignedInAt) != "10-13 18:45" {
		t.Errorf("present row = %+v, want signed in at 18:45", r)
	}
	if a := s.attendance[0]; len(a.Actions) != 2 || a.Actions[0].Action != contract.ActionExcuse || a.Actions[1].Action != contract.ActionSignIn ||
		!strings.HasPrefix(a.Actions[0].Key, "update/") || a.Actions[0].Key == a.Actions[1].Key || s.local(a.At) != "10-13 19:30" {
		t.Errorf("exchange 1 audit actions = %+v at %v", a.Actions, a.At)
	}

	// Continue-as-new carries the next exchange and the counts.
	c := s.continued[0]
	if c.Next != 1 || c.Held != 1 || c.Attendance[0].Present != 1 || c.Attendance[1].Excused != 1 || c.Attendance[2].Absent != 1 {
		t.Errorf("after exchange 1 the next run gets next=%d held=%d counts %+v", c.Next, c.Held, c.Attendance)
	}
	res := s.result
	if res.Held != 6 || res.Total != 6 || res.Phase != contract.PhaseDone || res.Next != nil {
		t.Errorf("result = %+v", res)
	}
	wantCounts := []contract.OfficerAttendance{
		{Email: "ma.li@example.edu", Name: "Ma Li", Present: 2, Absent: 4},
		{Email: "guo.rui@example.edu", Name: "Guo Rui", Present: 1, Excused: 1, Absent: 4},
		{Email: "he.xin@example.edu", Name: "He Xin", Present: 2, Absent: 4},
	}
	for i, w := range wantCounts {
		if res.Officers[i] != w {
			t.Errorf("officer %d = %+v, want %+v", i, res.Officers[i], w)
		}
	}

	// Minutes: one collection per exchange, from the secretary.
	if len(s.minutes) != 6 {
		t.Fatalf("%d minutes collections, want 6", len(s.minutes))
	}
	m := s.minutes[2]
	if m.id != "semester/2026-fall/exchanges/publicity/minutes-3" || m.in.Kind != "minutes" || m.in.Scope != "publicity/exchange-3" ||
		m.in.Part != "exchanges/publicity/minutes-3" || m.in.ReportTo != "semester/2026-fall" || !m.in.TextRequired || m.in.LateDays != 2 {
		t.Errorf("minutes of exchange 3 = %s %+v", m.id, m.in)
	}
	slot := m.in.Slots[0]
	if len(slot.Owners) != 1 || slot.Owners[0].Email != "he.xin@example.edu" || len(slot.EscalateTo) != 1 || slot.EscalateTo[0].Email != "sun.hao@example.edu" ||
		s.local(slot.Due) != "11-12 23:59" || s.local(m.in.Opens) != "11-10 20:00" {
		t.Errorf("minutes slot = %+v, opens %v", slot, m.in.Opens)
	}

	// Reports to the term keep counting up across runs and end with done.
	for i := 1; i < len(s.reports); i++ {
		if s.reports[i].Seq <= s.reports[i-1].Seq {
			t.Fatalf("report %d has seq %d after %d: the term would drop it", i, s.reports[i].Seq, s.reports[i-1].Seq)
		}
	}
	last := s.reports[len(s.reports)-1]
	if !last.Done || last.Part != "exchanges/publicity" || last.Summary != "Publicity Department: 6 of 6 exchanges held" {
		t.Errorf("last report = %+v", last)
	}
}

func TestExchangesSignInAndExcuseRules(t *testing.T) {
	s := newSeries(t, exchangesPlan(t))
	early := s.signIn("2026-10-13 18:00", "ma.li@example.edu")
	// A link to exchange 2 used while exchange 1 is held.
	wrongMeeting := s.update("2026-10-13 18:35", contract.UpdateSignIn, contract.SignInInput{Email: "guo.rui@example.edu", Meeting: 2})
	wrongAbsence := s.update("2026-10-12 09:30", contract.UpdateExcuse, contract.ExcuseInput{Email: "guo.rui@example.edu", Reason: "Trip", Meeting: 2})
	noReason := s.excuse("2026-10-12 09:00", "he.xin@example.edu", "   ")
	excused := s.excuse("2026-10-12 10:00", "he.xin@example.edu", "Family visit")
	again := s.excuse("2026-10-12 11:00", "He.Xin@example.edu", "Still the family")
	signedIn := s.signIn("2026-10-13 18:40", "Ma.Li@example.edu")
	twice := s.signIn("2026-10-13 18:45", "ma.li@example.edu")
	stranger := s.signIn("2026-10-13 18:50", "zhou.min@example.edu")
	head := s.signIn("2026-10-13 18:50", "sun.hao@example.edu")
	excuseAfterSignIn := s.excuse("2026-10-13 18:55", "ma.li@example.edu", "Oops")
	progress := s.query("2026-10-13 18:58")
	maLi, heXin, stranger2 := s.queryTask("2026-10-13 18:58", "ma.li@example.edu"), s.queryTask("2026-10-13 18:58", "he.xin@example.edu"),
		s.queryTask("2026-10-13 18:58", "zhou.min@example.edu")
	tooLate := s.excuse("2026-10-13 19:05", "guo.rui@example.edu", "Overslept")
	cameAfterAll := s.signIn("2026-10-13 19:10", "he.xin@example.edu")
	// After sign-in closed, the next run holds exchange 2.
	afterClose := s.signIn("2026-10-13 19:40", "guo.rui@example.edu")
	if err := s.run(2, time.Time{}); err != nil {
		t.Fatal(err)
	}

	wantRejected := map[*updateOutcome]string{
		wrongMeeting: "exchange 2 of the Publicity Department is over; exchange 1 is the one being held",
		wrongAbsence: "exchange 2 of the Publicity Department is over; exchange 1 is the next one",
		early:        "sign-in for exchange 1 of the Publicity Department is not open yet: it opens at Tue 13 Oct 2026, 18:30 (Asia/Shanghai) and closes at Tue 13 Oct 2026, 19:30 (Asia/Shanghai)",
		noReason:     "give a reason for missing exchange 1 of the Publicity Department on Tue 13 Oct 2026, 19:00 (Asia/Shanghai)",
		again:        `He Xin is already excused from exchange 1 of the Publicity Department (since Mon 12 Oct 2026, 10:00 (Asia/Shanghai): "Family visit")`,
		twice:        "Ma Li already signed in at exchange 1 of the Publicity Department, at Tue 13 Oct 2026, 18:40 (Asia/Shanghai)",
		stranger:     `"zhou.min@example.edu" is not an officer of the Publicity Department; sign in at your own department's exchange`,
		head:         "Sun Hao heads the Publicity Department; attendance is taken for its officers only",
		excuseAfterSignIn: "Ma Li signed in at exchange 1 of the Publicity Department at Tue 13 Oct 2026, 18:40 (Asia/Shanghai); " +
			"there is no absence to excuse",
		tooLate: "exchange 1 of the Publicity Department started at Tue 13 Oct 2026, 19:00 (Asia/Shanghai); an absence is excused before the exchange starts. " +
			"To miss exchange 2 on Tue 27 Oct 2026, 19:00 (Asia/Shanghai), try again after Tue 13 Oct 2026, 19:30 (Asia/Shanghai)",
		afterClose: "sign-in for exchange 2 of the Publicity Department is not open yet: it opens at Tue 27 Oct 2026, 18:30 (Asia/Shanghai) and closes at Tue 27 Oct 2026, 19:30 (Asia/Shanghai)",
	}
	for u, want := range wantRejected {
		if u.rejected == nil || u.rejected.Error() != want {
			t.Errorf("rejection = %v\nwant        %s", u.rejected, want)
		}
	}
	for name, u := range map[string]*updateOutcome{"excuse": excused, "sign-in": signedIn, "sign-in after excusing": cameAfterAll} {
		if u.rejected != nil || u.err != nil || u.value == nil {
			t.Errorf("%s: %+v, want accepted", name, u)
		}
	}
	if r, ok := cameAfterAll.value.(contract.SignInResult); !ok || !r.WasExcused || r.Meeting != 1 {
		t.Errorf("sign-in after excusing = %+v, want counted for exchange 1, noting the excuse", cameAfterAll.value)
	}
	if r, ok := excused.value.(contract.ExcuseResult); !ok || r.Meeting != 1 || s.local(r.Start) != "10-13 19:00" {
		t.Errorf("excuse result = %+v", excused.value)
	}

	if progress.err != nil || progress.result.Next == nil || progress.result.Phase != contract.PhaseSignIn ||
		strings.Join(progress.result.Next.SignedIn, ",") != "ma.li@example.edu" || strings.Join(progress.result.Next.Excused, ",") != "he.xin@example.edu" {
		t.Errorf("progress during sign-in = %+v (%v)", progress.result, progress.err)
	}

	// What the portal shows each officer during sign-in.
	if maLi.err != nil || !maLi.task.Officer || maLi.task.Name != "Ma Li" || s.local(maLi.task.SignedInAt) != "10-13 18:40" ||
		maLi.task.Meeting == nil || maLi.task.Meeting.Number != 1 || maLi.task.SignInClosed {
		t.Errorf("Ma Li's task = %+v (%v)", maLi.task, maLi.err)
	}
	if heXin.err != nil || !heXin.task.SignedInAt.IsZero() || s.local(heXin.task.ExcusedAt) != "10-12 10:00" || heXin.task.ExcuseReason != "Family visit" {
		t.Errorf("He Xin's task = %+v (%v)", heXin.task, heXin.err)
	}
	if stranger2.err != nil || stranger2.task.Officer || stranger2.task.Department != "Publicity Department" {
		t.Errorf("a stranger's task = %+v (%v)", stranger2.task, stranger2.err)
	}

	// Rejected updates changed nothing: one sign-in and one excuse by He
	// Xin, then his sign-in; Guo Rui is absent.
	a := s.attendance[0]
	var rows, actions []string
	for _, r := range a.Records {
		rows = append(rows, r.Email+"="+r.Status+":"+r.Reason)
	}
	for _, act := range a.Actions {
		actions = append(actions, act.Email+" "+act.Action)
	}
	if strings.Join(rows, " ") != "ma.li@example.edu=present: guo.rui@example.edu=absent: he.xin@example.edu=present:" {
		t.Errorf("attendance rows %v", rows)
	}
	if strings.Join(actions, ", ") != "he.xin@example.edu excuse_absence, ma.li@example.edu sign_in, he.xin@example.edu sign_in" {
		t.Errorf("audit actions %v", actions)
	}
}

func TestExchangesStartedLateRecordEveryExchange(t *testing.T) {
	s := newSeries(t, exchangesPlan(t))
	// The term's exchanges start on 26 October: exchange 1 (13 October)
	// is over, and exchange 2's invitation day (24 October) has passed, so it goes out
	// at once, late, and the head hears of it.
	if err := s.run(1, s.planTime("2026-10-26 12:00")); err != nil {
		t.Fatal(err)
	}
	if len(s.invitations) != 1 || s.invitations[0].in.Meeting.Number != 2 || s.local(s.invitations[0].at) != "10-26 12:00" {
		t.Fatalf("invitations = %+v, want exchange 2 at once", s.invitations)
	}
	if len(s.attendance) != 2 {
		t.Fatalf("attendance recorded for %d exchanges, want both 1 and 2", len(s.attendance))
	}
	first, second := s.attendance[0], s.attendance[1]
	if first.MeetingNumber != 1 || first.Outcome == nil || !first.Outcome.RecordedLate || first.Outcome.Invitation != contract.InvitationNone {
		t.Errorf("exchange 1 recorded as %+v / %+v, want recorded late without an invitation", first, first.Outcome)
	}
	for _, r := range first.Records {
		if r.Status != contract.AttendanceUnrecorded {
			t.Errorf("exchange 1: %s is %s, want unrecorded (nobody could sign in)", r.Email, r.Status)
		}
	}
	if second.MeetingNumber != 2 || second.Outcome.RecordedLate || second.Outcome.Invitation != contract.InvitationLate {
		t.Errorf("exchange 2 recorded as %+v, want on time with a late invitation", second.Outcome)
	}
	if len(s.notices) != 1 || s.notices[0].To[0].Email != "sun.hao@example.edu" || !strings.Contains(s.notices[0].Problem, "2 days late") {
		t.Errorf("notices to the head = %+v, want one about exchange 2's invitation going out 2 days late", s.notices)
	}
	// Exchange 1's minutes are due as long after now as they would have been after
	// the meeting, which was over before the series began.
	if len(s.minutes) < 1 || s.local(s.minutes[0].in.Slots[0].Due) != "10-28 15:59" {
		t.Errorf("minutes of exchange 1 = %+v, want due 10-28 15:59", s.minutes)
	}
	c := s.continued[0]
	if c.Next != 2 || c.Held != 2 || c.Missed != 0 || c.RecordedLate != 1 || c.Attendance[0].Absent != 1 || c.Attendance[0].Unrecorded != 1 {
		t.Errorf("next run gets next=%d held=%d missed=%d late=%d counts %+v", c.Next, c.Held, c.Missed, c.RecordedLate, c.Attendance)
	}
	if len(c.Problems) != 3 {
		t.Errorf("problems carried on = %q, want exchange 1's invitation and sign-in, and exchange 2's late invitation", c.Problems)
	}
}

// TestExchangesNeverWaitForTheInvitation: every invitation takes 18 days
// to go out, longer than the two weeks between exchanges plus the three
// days' notice. Every exchange is still held on its day, with sign-in open
// on time and every officer's attendance recorded.
func TestExchangesNeverWaitForTheInvitation(t *testing.T) {
	s := newSeries(t, exchangesPlan(t))
	s.inviteDelay = 18 * 24 * time.Hour
	s.signIn("2026-10-13 18:45", "ma.li@example.edu")
	s.signIn("2026-11-24 19:10", "guo.rui@example.edu")
	if err := s.run(20, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if len(s.attendance) != 6 {
		t.Fatalf("attendance recorded for %d of 6 exchanges", len(s.attendance))
	}
	present := map[string]bool{}
	for i, in := range s.attendance {
		if in.MeetingNumber != i+1 || len(in.Records) != 3 {
			t.Errorf("attendance %d is for exchange %d with %d rows", i, in.MeetingNumber, len(in.Records))
		}
		if in.Outcome == nil || in.Outcome.RecordedLate {
			t.Errorf("exchange %d recorded as %+v, want on time", in.MeetingNumber, in.Outcome)
		}
		for _, r := range in.Records {
			if r.Status == contract.AttendancePresent {
				present[fmt.Sprintf("%d %s", in.MeetingNumber, r.Email)] = true
			}
		}
	}
	if !present["1 ma.li@example.edu"] || !present["4 guo.rui@example.edu"] || len(present) != 2 {
		t.Errorf("present = %v, want Ma Li at 1 and Guo Rui at 4", present)
	}
	if len(s.minutes) != 6 {
		t.Errorf("minutes asked for %d of 6 exchanges", len(s.minutes))
	}
	if s.result.Held != 6 || s.result.Phase != contract.PhaseDone {
		t.Errorf("result = %+v, want 6 held and done", s.result)
	}
	// Each invitation went out after its exchange: recorded, told to the
	// head, and in the final report.
	if len(s.notices) != 6 {
		t.Errorf("%d notices to the head, want one per exchange", len(s.notices))
	}
	final := s.reports[len(s.reports)-1]
	if !final.Done || len(final.Problems) != 6 || !strings.Contains(final.Problems[2], "the invitation to exchange 3 went out 18 days late") {
		t.Errorf("final report = %+v, want done with six late invitations", final)
	}
}

func TestExchangesInputFrom(t *testing.T) {
	p := testPlan(t, onlyParts, func(p *plan.Plan) {
		p.Term = plan.Term{ID: "ws", Name: "WS", Starts: "2026-10-01", Ends: "2026-11-30", TimeZone: "Europe/Berlin"}
		p.Leaders = []plan.Person{{Name: "Anna Weber", Email: "anna@example.edu"}}
		p.Departments = []plan.Department{{ID: "d", Name: "D", Head: plan.Person{Name: "H", Email: "h@example.edu"},
			Officers: []plan.Person{{Name: "O", Email: "o@example.edu"}}}}
		p.Training = plan.Training{Sessions: []plan.TrainingSession{{Title: "T", At: "2026-10-02 18:00"}}, DeadlineDaysAfterStart: 10, SendTime: "08:30"}
		p.Exchanges = &plan.Exchanges{First: "2026-10-20 18:00", EveryWeeks: 1}
	})
	in := contract.ExchangesInputFrom(*p, "d", plan.ProductionClock(time.Time{}), "semester/ws")
	if len(in.Meetings) != 6 {
		t.Fatalf("%d meetings, want 6", len(in.Meetings))
	}
	// Summer time ends on 25 October: invitations stay at 08:30 local.
	for _, m := range in.Meetings[:2] {
		if got := m.InviteAt.In(p.Location()).Format("01-02 15:04"); got != m.Start.AddDate(0, 0, -3).Format("01-02")+" 08:30" {
			t.Errorf("exchange %d invitation at %s", m.Number, got)
		}
	}
	// Without a secretary the head takes the minutes, so the leaders hear
	// about missing ones.
	if in.Secretary.Email != "h@example.edu" || len(in.MinutesEscalateTo) != 1 || in.MinutesEscalateTo[0].Email != "anna@example.edu" {
		t.Errorf("secretary %+v, escalate to %+v", in.Secretary, in.MinutesEscalateTo)
	}
	if in.ReportTo != "semester/ws" || len(in.Attendance) != 1 || in.Next != 0 {
		t.Errorf("input = %+v", in)
	}
}

func TestExchangesLastMinutesRunAsARealCollection(t *testing.T) {
	// A one-exchange term: the series ends after exchange 1 without
	// waiting for its minutes, which the secretary is asked for by a real
	// Collection that outlives it.
	s := newSeries(t, exchangesPlan(t, oneExchange))
	s.realMinutes = true
	if err := s.run(3, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if s.runs != 1 || s.result.Held != 1 || len(s.result.MinutesWorkflowIDs) != 1 ||
		s.result.MinutesWorkflowIDs[0] != "semester/2026-fall/exchanges/publicity/minutes-1" {
		t.Errorf("%d runs, result %+v", s.runs, s.result)
	}
	// The test environment runs the abandoned child to its end: the
	// secretary is asked, reminded on the due day, and the head hears at
	// the deadline.
	var seen []string
	for _, c := range s.collected {
		sl := c.Slots[0]
		who := sl.Owners[0].Email
		if c.Kind == contract.NotifyEscalation {
			who = sl.EscalateTo[0].Email
		}
		seen = append(seen, c.Kind+" "+who+" due "+s.local(sl.Due))
	}
	want := []string{
		"request he.xin@example.edu due 10-15 23:59",
		"reminder he.xin@example.edu due 10-15 23:59",
		"escalation sun.hao@example.edu due 10-15 23:59",
	}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("minutes emails:\n%s\nwant:\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
}

// TestExchangesReportTheNextExchange: between two exchanges the series
// names the one to come, not the one after it.
func TestExchangesReportTheNextExchange(t *testing.T) {
	s := newSeries(t, exchangesPlan(t))
	if err := s.run(20, time.Time{}); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, r := range s.reports {
		for held := 1; held < 6; held++ {
			if strings.HasSuffix(r.Summary, fmt.Sprintf(": %d of 6 exchanges held", held)) && r.Next != nil {
				seen++
				if want := fmt.Sprintf("exchange %d of the", held+1); !strings.HasPrefix(r.Next.What, want) {
					t.Errorf("with %d held the report names %q next, want exchange %d", held, r.Next.What, held+1)
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("no report between two exchanges")
	}
}

// TestExchangesGoOnWhileTheDatabaseIsAway: the database takes nothing for
// the first 40 days of exchanges, so the first run's attendance and reports
// wait that long to be stored. Every exchange is still invited to and held
// on its day, and every attendance is stored once the database is back.
func TestExchangesGoOnWhileTheDatabaseIsAway(t *testing.T) {
	s := newSeries(t, exchangesPlan(t))
	s.storeOutage = 40 * 24 * time.Hour
	s.signIn("2026-10-13 18:45", "ma.li@example.edu")
	if err := s.run(20, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if len(s.attendance) != 6 {
		t.Fatalf("attendance stored for %d of 6 exchanges", len(s.attendance))
	}
	stored := map[int]contract.RecordMeetingAttendanceInput{}
	for _, in := range s.attendance {
		stored[in.MeetingNumber] = in
	}
	for n := 1; n <= 6; n++ {
		if _, ok := stored[n]; !ok {
			t.Errorf("exchange %d's attendance was never stored", n)
		}
	}
	if r := stored[1].Records[0]; r.Email != "ma.li@example.edu" || r.Status != contract.AttendancePresent {
		t.Errorf("Ma Li at exchange 1: %+v, want present", r)
	}
	if len(s.invitations) != 6 {
		t.Fatalf("%d invitations, want 6", len(s.invitations))
	}
	for i, inv := range s.invitations {
		if want := s.in.Meetings[i].InviteAt; !inv.at.Equal(want) {
			t.Errorf("invitation %d went out at %v, want %v", i+1, inv.at, want)
		}
	}
	if s.result.Held != 6 || s.result.Phase != contract.PhaseDone || len(s.result.Problems) != 0 {
		t.Errorf("result = %+v, want 6 held, done, no problems", s.result)
	}
}
