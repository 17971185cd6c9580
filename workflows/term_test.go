package workflows_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"semesterflow/contract"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// termRun drives the whole example term through SemesterPlan and every
// part's workflows in the time-skipping environment, at a plan day per
// second, with people acting through updates sent to the parts' workflows.
type termRun struct {
	t     *testing.T
	env   *testsuite.TestWorkflowEnvironment
	plan  *plan.Plan
	start time.Time // the term's first day, 00:00

	mu          sync.Mutex
	invitations map[string][]string // department -> exchange dates invited to
	// notices are every exchange email batch by department: "n MM-DD seqS"
	// and " moved" or " cancelled".
	notices map[string][]string
	// asked are the collections' requests: "title/slot: owner emails".
	asked       []string
	attendance  map[string]string // "dept/n/email" -> status
	late        map[string]bool   // "kind/slot" -> handed in late
	escalations []string          // "kind: slot labels"
	evaluated   []string          // departments whose evaluation was computed
	reports     []string          // departments whose report went to the leaders
	updates     map[string]string // update name -> rejection or ""
	themes      map[string]contract.AnnounceMonthThemeInput
	digests     []string // months whose digest was published
}

func newTermRun(t *testing.T) *termRun {
	t.Helper()
	p := testPlan(t)
	r := &termRun{t: t, env: testEnv(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), quiet, wholeTerm), plan: p,
		invitations: map[string][]string{}, notices: map[string][]string{}, attendance: map[string]string{}, late: map[string]bool{}, updates: map[string]string{},
		themes: map[string]contract.AnnounceMonthThemeInput{}}
	r.start, _ = p.Term.Starts.In(p.Location())
	env := r.env
	env.OnActivity(acts.NotifyExchange, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.NotifyExchangeInput) (contract.DeliveryResult, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			notice := fmt.Sprintf("%d %s seq%d", in.Meeting.Number, in.Meeting.Start.In(p.Location()).Format("01-02"), in.Sequence)
			switch {
			case in.Cancelled:
				notice += " cancelled"
			case !in.MovedFrom.IsZero():
				notice += " moved"
			}
			r.notices[in.DepartmentID] = append(r.notices[in.DepartmentID], notice)
			if in.Sequence == 0 {
				r.invitations[in.DepartmentID] = append(r.invitations[in.DepartmentID], in.Meeting.Start.In(p.Location()).Format("01-02"))
			}
			return contract.DeliveryResult{}, nil
		})
	env.OnActivity(acts.RecordAttendance, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.RecordMeetingAttendanceInput) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			for _, rec := range in.Records {
				r.attendance[fmt.Sprintf("%s/%d/%s", in.DepartmentID, in.MeetingNumber, rec.Email)] = rec.Status
			}
			return nil
		})
	env.OnActivity(acts.RecordSubmissions, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.RecordSubmissionsInput) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			for _, s := range in.Submissions {
				r.late[in.Kind+"/"+s.Slot] = s.Late
			}
			return nil
		})
	env.OnActivity(acts.NotifyCollection, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.NotifyCollectionInput) (contract.DeliveryResult, error) {
			if in.Kind == contract.NotifyRequest {
				r.mu.Lock()
				for _, s := range in.Slots {
					var owners []string
					for _, o := range s.Owners {
						owners = append(owners, o.Email)
					}
					r.asked = append(r.asked, in.Title+"/"+s.Key+": "+strings.Join(owners, ","))
				}
				r.mu.Unlock()
			}
			if in.Kind == contract.NotifyEscalation {
				var labels []string
				for _, s := range in.Slots {
					labels = append(labels, s.Label)
				}
				r.mu.Lock()
				r.escalations = append(r.escalations, in.Title+": "+strings.Join(labels, ", "))
				r.mu.Unlock()
			}
			return contract.DeliveryResult{}, nil
		})
	env.OnActivity(acts.AnnounceMonthTheme, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.AnnounceMonthThemeInput) (contract.DeliveryResult, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.themes[in.Month] = in
			return contract.DeliveryResult{}, nil
		})
	env.OnActivity(acts.PublishMonthDigest, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.PublishMonthDigestInput) (contract.DeliveryResult, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.digests = append(r.digests, in.Month)
			return contract.DeliveryResult{}, nil
		})
	env.OnActivity(acts.ComputeEvaluations, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.EvaluateDepartmentInput) (contract.ComputeEvaluationsResult, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.evaluated = append(r.evaluated, in.DepartmentID)
			return contract.ComputeEvaluationsResult{Evaluated: len(in.Officers)}, nil
		})
	env.OnActivity(acts.SendEvaluationReport, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.EvaluateDepartmentInput) (contract.DeliveryResult, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.reports = append(r.reports, in.DepartmentID)
			return contract.DeliveryResult{Sent: len(in.Leaders)}, nil
		})
	return r
}

// at is when a plan time written "YYYY-MM-DD HH:MM" comes, as a delay from
// the start of the test: a plan day is a second.
func (r *termRun) at(local string) time.Duration {
	r.t.Helper()
	t, err := plan.LocalTime(local).In(r.plan.Location())
	if err != nil {
		r.t.Fatal(err)
	}
	return time.Duration(float64(t.Sub(r.start)) / 86400)
}

// act sends an update to one of the term's workflows at a plan time and
// records whether it was rejected.
func (r *termRun) act(local, workflowID, update, name string, arg any) {
	r.env.RegisterDelayedCallback(func() {
		err := r.env.UpdateWorkflowByID(workflowID, update, name, &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) {
				r.mu.Lock()
				r.updates[name] = err.Error()
				r.mu.Unlock()
			},
			OnComplete: func(_ any, err error) {
				r.mu.Lock()
				defer r.mu.Unlock()
				if _, rejected := r.updates[name]; !rejected {
					r.updates[name] = ""
					if err != nil {
						r.updates[name] = err.Error()
					}
				}
			},
		}, arg)
		if err != nil {
			r.mu.Lock()
			r.updates[name] = "not delivered: " + err.Error()
			r.mu.Unlock()
		}
	}, r.at(local))
}

func TestWholeTermInTheTestEnvironment(t *testing.T) {
	r := newTermRun(t)
	term := r.plan.Term.ID

	// Training: one officer on time, one late.
	r.act("2026-09-08 10:00", contract.OnboardingWorkflowID(term, "organization"), contract.UpdateAcknowledgeTraining,
		"ack on time", contract.AcknowledgeInput{Email: "chen.jie@example.edu"})
	r.act("2026-09-20 10:00", contract.OnboardingWorkflowID(term, "publicity"), contract.UpdateAcknowledgeTraining,
		"ack late", contract.AcknowledgeInput{Email: "ma.li@example.edu"})
	// Kickoff: one department's plan on time, one late, the rest missing.
	plans := contract.KickoffPlansWorkflowID(term)
	r.act("2026-09-18 20:00", plans, contract.UpdateSubmit, "plan on time",
		contract.SubmitInput{Email: "zhou.min@example.edu", Text: "Training first, then the contest."})
	r.act("2026-09-24 09:00", plans, contract.UpdateSubmit, "plan late",
		contract.SubmitInput{Email: "sun.hao@example.edu", Text: "Posters for every event."})
	r.act("2026-09-24 09:30", plans, contract.UpdateSubmit, "plan by an officer",
		contract.SubmitInput{Email: "ma.li@example.edu", Text: "Not mine to send."})
	// The first exchange is on 13 October (29 September falls in the
	// National Day week): one officer signs in, one is excused.
	ex := contract.ExchangesWorkflowID(term, "publicity")
	r.act("2026-10-12 12:00", ex, contract.UpdateExcuse, "excuse", contract.ExcuseInput{Email: "guo.rui@example.edu", Reason: "Exam that evening."})
	r.act("2026-10-13 18:50", ex, contract.UpdateSignIn, "sign in", contract.SignInInput{Email: "ma.li@example.edu"})
	// October: two departments recommend the same theme and nobody sets
	// it, so it falls back to that one; November: a leader sets the theme.
	recs := contract.MonthCollectionWorkflowID(term, "2026-10", "theme_recommendation")
	r.act("2026-10-02 10:00", recs, contract.UpdateSubmit, "recommend 1", contract.SubmitInput{Email: "sun.hao@example.edu", Text: "Red memories"})
	r.act("2026-10-03 10:00", recs, contract.UpdateSubmit, "recommend 2", contract.SubmitInput{Email: "xu.lan@example.edu", Text: "red memories"})
	r.act("2026-11-06 10:00", contract.MonthWorkflowID(term, "2026-11"), contract.UpdateSetTheme, "set theme",
		contract.SetThemeInput{Email: "zhang.hua@example.edu", Theme: "Serving our classmates"})
	// A contest milestone done on time.
	r.act("2026-09-19 21:00", contract.ContestMilestonesWorkflowID(term), contract.UpdateSubmit, "milestone",
		contract.SubmitInput{Email: "chen.jie@example.edu", Text: "Reviewed three years of contests."})

	// A leader looks at the term a day after the plans were due.
	var midterm contract.Progress
	r.env.RegisterDelayedCallback(func() {
		midterm = queryAs[contract.Progress](t, r.env, contract.QueryProgress)
	}, r.at("2026-09-24 06:00"))

	r.env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *r.plan, TimeScale: 86400})
	if err := r.env.GetWorkflowError(); err != nil {
		t.Fatalf("term failed: %v", err)
	}
	var res contract.SemesterResult
	if err := r.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}

	t.Run("the term follows its parts", func(t *testing.T) {
		asOf := midterm.PartsAsOf.In(r.plan.Location()).Format("2006-01-02 15:04")
		if asOf < "2026-09-24 00:00" || asOf > "2026-09-24 06:00" {
			t.Errorf("parts as of %s, want within the plan day before the look", asOf)
		}
		phases := map[string]string{}
		for _, p := range midterm.Parts {
			phases[p.Part] = p.Phase
		}
		for part, want := range map[string]string{"kickoff": "collecting plans", "kickoff/plans": "open", "contest": "preparing", "exchanges/publicity": "waiting"} {
			if phases[part] != want {
				t.Errorf("%s is %q, want %q (all: %v)", part, phases[part], want, phases)
			}
		}
		overdue := map[string]string{}
		for _, g := range midterm.Overdue {
			for _, item := range g.Items {
				overdue[g.Department] += item.What + "; "
			}
		}
		for _, dept := range []string{"publicity", "academic", "sports"} {
			if !strings.Contains(overdue[dept], "plan and suggestions for the term") {
				t.Errorf("%s's overdue items miss its plan: %q", dept, overdue[dept])
			}
		}
		if strings.Contains(overdue["organization"], "plan and suggestions") {
			t.Errorf("organization handed its plan in on time but shows it overdue: %q", overdue["organization"])
		}
	})
	t.Run("training outcomes", func(t *testing.T) {
		if c := res.Totals; c.OnTime != 1 || c.Late != 1 || c.Never != 38 {
			t.Errorf("onboarding totals = %+v, want 1 on time, 1 late, 38 never", c)
		}
	})
	t.Run("updates", func(t *testing.T) {
		want := map[string]string{
			"ack on time": "", "ack late": "", "plan on time": "", "plan late": "", "excuse": "", "sign in": "", "milestone": "",
			"recommend 1": "", "recommend 2": "", "set theme": "",
			"plan by an officer": "ma.li@example.edu is not among those who hand in",
		}
		for name, w := range want {
			got, ok := r.updates[name]
			if !ok || (w == "" && got != "") || (w != "" && !strings.Contains(got, w)) {
				t.Errorf("%s: got %q (delivered %v), want %q", name, got, ok, w)
			}
		}
	})
	t.Run("late submissions", func(t *testing.T) {
		late := r.late
		for slot, want := range map[string]bool{"department_plan/organization": false, "department_plan/publicity": true, "milestone/m1": false} {
			if got, ok := late[slot]; !ok || got != want {
				t.Errorf("%s late = %v (stored %v), want %v", slot, got, ok, want)
			}
		}
	})
	t.Run("exchanges skip the holiday and exam weeks", func(t *testing.T) {
		want := "10-13 10-27 11-10 11-24 12-08 12-22"
		for _, d := range r.plan.Departments {
			if got := strings.Join(r.invitations[d.ID], " "); got != want {
				t.Errorf("%s invited to %s, want %s", d.ID, got, want)
			}
		}
		for key, want := range map[string]string{
			"publicity/1/ma.li@example.edu": "present", "publicity/1/guo.rui@example.edu": "excused", "publicity/1/he.xin@example.edu": "absent",
		} {
			if got := r.attendance[key]; got != want {
				t.Errorf("attendance %s = %q, want %q", key, got, want)
			}
		}
	})
	t.Run("monthly themes and digests", func(t *testing.T) {
		oct, nov := r.themes["2026-10"], r.themes["2026-11"]
		if !oct.Fallback || !strings.EqualFold(oct.Theme, "red memories") || oct.Recommendations != 2 {
			t.Errorf("October's theme = %+v; want the fallback to the theme two departments recommended", oct)
		}
		if nov.Fallback || nov.Theme != "Serving our classmates" || nov.SetBy != "zhang.hua@example.edu" {
			t.Errorf("November's theme = %+v; want the one the leader set", nov)
		}
		sort.Strings(r.digests)
		if strings.Join(r.digests, " ") != "2026-09 2026-10 2026-11 2026-12" {
			t.Errorf("digests published for %v, want every month", r.digests)
		}
	})
	t.Run("escalations", func(t *testing.T) {
		all := strings.Join(r.escalations, "\n")
		for _, want := range []string{"Academic Affairs Department", "Sports Department"} {
			if !strings.Contains(all, want) {
				t.Errorf("no escalation names the missing %s:\n%s", want, all)
			}
		}
	})
	t.Run("the term ends with every part's final report", func(t *testing.T) {
		final := queryAs[contract.Progress](t, r.env, contract.QueryProgress)
		for _, p := range final.Parts {
			if p.Tracked && !p.Done {
				t.Errorf("%s is not done at the end: %+v", p.Part, p.PartReport)
			}
			if strings.Count(p.Part, "/") == 1 && strings.HasPrefix(p.Part, "exchanges/") && !strings.Contains(p.Summary, "6 of 6 exchanges held") {
				t.Errorf("%s ends with %q, want its final report: 6 of 6 held", p.Part, p.Summary)
			}
			if p.Part == "kickoff" && p.Phase != contract.PhaseDone {
				t.Errorf("the kickoff ends as %q (%s), want done", p.Phase, p.Summary)
			}
		}
	})
	t.Run("the term ends with the evaluation report", func(t *testing.T) {
		sort.Strings(r.evaluated)
		sort.Strings(r.reports)
		if len(r.evaluated) != 8 || len(r.reports) != 8 {
			t.Errorf("evaluated %v, reported %v; want all 8 departments", r.evaluated, r.reports)
		}
	})
}

// TestCancelledTermAfterSomePartsEnded cancels the term the day after the
// first exchange, when the kickoff has already ended: cancelling a part that
// is over must not stop the term from ending cancelled, with one notice.
func TestCancelledTermAfterSomePartsEnded(t *testing.T) {
	r := newTermRun(t)
	var notices int
	r.env.OnActivity(acts.NotifyTermCancelled, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.TermCancelledInput) (contract.DeliveryResult, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			notices++
			return contract.DeliveryResult{}, nil
		})
	// The test environment cancels running workflows itself and asks the
	// mock about those that have already ended, like the kickoff.
	var ended []string
	r.env.OnRequestCancelExternalWorkflow(mock.Anything, mock.Anything, mock.Anything).Return(
		func(_, workflowID, _ string) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			ended = append(ended, workflowID)
			return fmt.Errorf("workflow %s has already completed", workflowID)
		})
	r.env.RegisterDelayedCallback(func() {
		r.env.UpdateWorkflow(contract.UpdateCancelTerm, "cancel", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { t.Errorf("cancel rejected: %v", err) }, OnComplete: func(any, error) {},
		}, contract.CancelTermInput{Email: "li.wei@example.edu", Reason: "The elections were moved."})
	}, r.at("2026-10-14 12:00"))

	r.env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *r.plan, TimeScale: 86400})
	if err := r.env.GetWorkflowError(); err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Fatalf("term ended with %v, want cancelled", err)
	}
	if notices != 1 {
		t.Errorf("%d cancellation notices, want 1", notices)
	}
	if !slices.Contains(ended, contract.KickoffWorkflowID(r.plan.Term.ID)) {
		t.Errorf("the ended kickoff was not among the parts asked to stop: %v", ended)
	}
}
