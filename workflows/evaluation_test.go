package workflows_test

import (
	"context"
	"slices"
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

// evaluationPlan is the publicity department of three, one a secretary,
// and two leaders.
func evaluationPlan(t testing.TB) *plan.Plan {
	return testPlan(t, noRoles, basics, func(p *plan.Plan) {
		p.Kickoff, p.Exchanges, p.Months, p.Contest, p.Tasks = nil, nil, nil, nil, nil
		p.Leaders = []plan.Person{p.Leaders[0], {Name: "Chen Yu", Email: "chen.yu@example.edu"}}
		d := pick(t, p, "publicity", "Ma Li", "Guo Rui", "He Xin")
		d.Officers[0].Role, d.Officers[2].Role = "Designer", "Secretary"
		p.Departments = []plan.Department{d}
	})
}

// evalFixture runs a department's Evaluation with its real Collection child
// and the activities mocked, on a clock that starts on 3 January 2027.
type evalFixture struct {
	t    *testing.T
	env  *testsuite.TestWorkflowEnvironment
	plan *plan.Plan
	// summariesErr, when set, is what sending the summaries returns.
	summariesErr error
	in           contract.EvaluationInput
	start        time.Time
	// The report and the summaries go out beside each other, each activity
	// on a goroutine of its own, so the mocks lock mu.
	mu sync.Mutex
	// steps lists what ran, in order: "request 01-04 09:00 a,b,c",
	// "compute 01-12 23:59", "report ...", "summaries ...".
	steps    []string
	requests []contract.NotifyCollectionInput
	computed []contract.EvaluateDepartmentInput
	reports  []contract.PartReport
}

func newEvalFixture(t *testing.T) *evalFixture {
	t.Helper()
	p := evaluationPlan(t)
	loc := p.Location()
	start := time.Date(2027, 1, 3, 0, 0, 0, 0, loc)
	f := &evalFixture{t: t, env: testEnv(start), plan: p, start: start}
	f.in = contract.EvaluationInputFrom(*p, "publicity", plan.ProductionClock(start), "semester/2026-fall")
	now := func() string { return f.env.Now().In(loc).Format("01-02 15:04") }
	f.env.OnActivity(acts.NotifyCollection, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.NotifyCollectionInput) (contract.DeliveryResult, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			var keys []string
			for _, s := range in.Slots {
				keys = append(keys, s.Key)
			}
			f.steps = append(f.steps, in.Kind+" "+now()+" "+strings.Join(keys, ","))
			f.requests = append(f.requests, in)
			return contract.DeliveryResult{}, nil
		})
	f.env.OnActivity(acts.RecordSubmissions, mock.Anything, mock.Anything).Return(nil)
	f.env.OnActivity(acts.RecordCollectionOutcome, mock.Anything, mock.Anything).Return(nil)
	f.env.OnActivity(acts.ComputeEvaluations, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.EvaluateDepartmentInput) (contract.ComputeEvaluationsResult, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.steps = append(f.steps, "compute "+now())
			f.computed = append(f.computed, in)
			avg := 0.75
			return contract.ComputeEvaluationsResult{Evaluated: len(in.Officers), Assessed: 2, Average: &avg}, nil
		})
	f.env.OnActivity(acts.SendEvaluationReport, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.EvaluateDepartmentInput) (contract.DeliveryResult, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.steps = append(f.steps, "report "+now())
			return contract.DeliveryResult{Sent: len(in.Leaders)}, nil
		})
	f.env.OnActivity(acts.SendEvaluationSummaries, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.EvaluateDepartmentInput) (contract.DeliveryResult, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.steps = append(f.steps, "summaries "+now())
			if f.summariesErr != nil {
				return contract.DeliveryResult{}, f.summariesErr
			}
			return contract.DeliveryResult{Sent: len(in.Officers)}, nil
		})
	f.env.OnActivity(acts.ReportPart, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.ReportPartInput) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			if in.TermKey == "semester/2026-fall" {
				f.reports = append(f.reports, in.Report)
			}
			return nil
		})
	return f
}

// at is the delay from the start to a plan time "YYYY-MM-DD HH:MM".
func (f *evalFixture) at(local string) time.Duration {
	f.t.Helper()
	t, err := plan.LocalTime(local).In(f.plan.Location())
	if err != nil {
		f.t.Fatal(err)
	}
	return t.Sub(f.start)
}

// assess hands in an assessment to the department's assessments at a plan
// time, recording the rejection if any.
func (f *evalFixture) assess(local, by, officer string, score float64, text string, rejected *error) {
	f.env.RegisterDelayedCallback(func() {
		err := f.env.UpdateWorkflowByID(contract.AssessmentWorkflowID("2026-fall", "publicity"), contract.UpdateSubmit, "assess/"+local+"/"+by+"/"+officer,
			&testsuite.TestUpdateCallback{
				OnAccept: func() {},
				OnReject: func(err error) {
					if rejected != nil {
						*rejected = err
					}
				},
				OnComplete: func(any, error) {},
			}, contract.SubmitInput{Email: by, Slot: officer, Scores: []float64{score}, Text: text})
		if err != nil {
			f.t.Errorf("update to the assessments at %s: %v", local, err)
		}
	}, f.at(local))
}

func (f *evalFixture) queryAt(local string, into *contract.EvaluationProgress) {
	f.env.RegisterDelayedCallback(func() {
		v, err := f.env.QueryWorkflow(contract.QueryProgress)
		if err != nil {
			f.t.Errorf("query at %s: %v", local, err)
			return
		}
		if err := v.Get(into); err != nil {
			f.t.Error(err)
		}
	}, f.at(local))
}

func (f *evalFixture) run() contract.EvaluationProgress {
	f.t.Helper()
	f.env.ExecuteWorkflow(workflows.Evaluation, f.in)
	if err := f.env.GetWorkflowError(); err != nil {
		f.t.Fatalf("evaluation failed: %v", err)
	}
	var res contract.EvaluationProgress
	if err := f.env.GetWorkflowResult(&res); err != nil {
		f.t.Fatal(err)
	}
	return res
}

func TestEvaluationAssessesThenComputesThenReports(t *testing.T) {
	f := newEvalFixture(t)
	var selfAssessment, again, tooHigh error
	var waiting, assessing contract.EvaluationProgress
	f.queryAt("2027-01-03 12:00", &waiting)
	f.assess("2027-01-05 10:00", "li.wei@example.edu", "ma.li@example.edu", 8, "Reliable; great posters.", nil)
	f.assess("2027-01-06 10:00", "guo.rui@example.edu", "guo.rui@example.edu", 10, "I did well.", &selfAssessment)
	f.assess("2027-01-06 11:00", "sun.hao@example.edu", "he.xin@example.edu", 6, "Should come to the exchanges.", nil)
	f.queryAt("2027-01-07 12:00", &assessing)
	f.assess("2027-01-07 13:00", "chen.yu@example.edu", "ma.li@example.edu", 5, "A second opinion.", &again)
	f.assess("2027-01-07 14:00", "chen.yu@example.edu", "guo.rui@example.edu", 12, "Brilliant.", &tooHigh)
	res := f.run()

	if waiting.Phase != contract.PhaseWaiting || assessing.Phase != contract.PhaseAssessing {
		t.Errorf("phases = %q before the opening, %q during the assessments; want waiting and assessing", waiting.Phase, assessing.Phase)
	}
	if selfAssessment == nil || !strings.Contains(selfAssessment.Error(), "guo.rui@example.edu is not among those who hand in") {
		t.Errorf("an officer assessing himself: %v, want a refusal naming him", selfAssessment)
	}
	if again == nil || !strings.Contains(again.Error(), "for Ma Li (Designer) was already handed in by li.wei@example.edu on Tue 5 Jan 2027, 10:00") {
		t.Errorf("a second assessment of Ma Li: %v, want a refusal saying who assessed her and when", again)
	}
	if tooHigh == nil || !strings.Contains(tooHigh.Error(), "the score for overall is 12; scores go from 0 to 10") {
		t.Errorf("a score of 12: %v, want a refusal with the scale", tooHigh)
	}

	// Requests on the opening day, a reminder two days before and on the
	// day for the one missing, the escalation at the deadline, and the
	// computation when the late window closes, then the emails.
	want := []string{
		"request 01-04 09:00 ma.li@example.edu,guo.rui@example.edu,he.xin@example.edu",
		"reminder 01-08 09:00 guo.rui@example.edu",
		"reminder 01-10 09:00 guo.rui@example.edu",
		"escalation 01-10 23:59 guo.rui@example.edu",
		"compute 01-12 23:59",
		"report 01-12 23:59",
		"summaries 01-12 23:59",
	}
	if !slices.Equal(inTimeOrder(f.steps), want) {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(f.steps, "\n"), strings.Join(want, "\n"))
	}

	req := f.requests[0]
	if req.Criteria == nil || !slices.Equal(req.Criteria, []string{"overall"}) || !strings.Contains(req.Title, "Publicity Department") {
		t.Errorf("request asks for %q with criteria %v", req.Title, req.Criteria)
	}
	due := time.Date(2027, 1, 10, 23, 59, 0, 0, f.plan.Location())
	labels := []string{"Ma Li (Designer)", "Guo Rui", "He Xin (Secretary)"}
	for i, s := range req.Slots {
		var owners, escalate []string
		for _, p := range s.Owners {
			owners = append(owners, p.Email)
		}
		for _, p := range s.EscalateTo {
			escalate = append(escalate, p.Email)
		}
		if s.Label != labels[i] || !s.Due.Equal(due) {
			t.Errorf("slot %s: label %q due %v; want %q due %v", s.Key, s.Label, s.Due, labels[i], due)
		}
		if !slices.Equal(owners, []string{"li.wei@example.edu", "chen.yu@example.edu", "sun.hao@example.edu"}) {
			t.Errorf("slot %s owners = %v, want the leaders and the head", s.Key, owners)
		}
		if !slices.Equal(escalate, []string{"li.wei@example.edu", "chen.yu@example.edu"}) {
			t.Errorf("slot %s escalates to %v, want the leaders", s.Key, escalate)
		}
	}

	c := f.computed[0]
	if len(c.Officers) != 3 || c.DepartmentID != "publicity" || len(c.Leaders) != 2 || c.Evaluation.Weights.Tasks != 0.3 {
		t.Errorf("compute input = %+v", c)
	}
	if !c.At.Equal(time.Date(2027, 1, 12, 23, 59, 0, 0, f.plan.Location())) {
		t.Errorf("computed at %v, want the close of the late window", c.At)
	}

	if res.Phase != contract.PhaseReported || res.Assessed != 2 || !slices.Equal(res.NotAssessed, []string{"guo.rui@example.edu"}) ||
		res.Evaluated != 3 || res.ReportsSent != 2 || res.SummariesSent != 3 || res.Average == nil {
		t.Errorf("result = %+v", res)
	}

	var phases []string
	var assessmentsDone bool
	for _, r := range f.reports {
		switch r.Part {
		case "evaluation/publicity":
			phases = append(phases, r.Phase)
		case "evaluation/publicity/assessments":
			assessmentsDone = assessmentsDone || r.Done
		}
	}
	if !slices.Equal(phases, []string{"waiting", "assessing", "computing", "reported"}) {
		t.Errorf("the term heard phases %v", phases)
	}
	if last := f.reports[len(f.reports)-1]; !last.Done || !strings.Contains(last.Summary, "3 of 3 officers evaluated, average 75.0 / 100") {
		t.Errorf("last report = %+v", last)
	}
	if !assessmentsDone {
		t.Error("the assessments never reported to the term as their own part")
	}
}

func TestEvaluationComputesAsSoonAsEveryOfficerIsAssessed(t *testing.T) {
	f := newEvalFixture(t)
	f.assess("2027-01-05 10:00", "li.wei@example.edu", "ma.li@example.edu", 8, "Reliable.", nil)
	f.assess("2027-01-05 11:00", "chen.yu@example.edu", "guo.rui@example.edu", 7, "Steady.", nil)
	f.assess("2027-01-05 12:00", "sun.hao@example.edu", "he.xin@example.edu", 6, "Improving.", nil)
	res := f.run()
	want := []string{
		"request 01-04 09:00 ma.li@example.edu,guo.rui@example.edu,he.xin@example.edu",
		"compute 01-05 12:00",
		"report 01-05 12:00",
		"summaries 01-05 12:00",
	}
	if !slices.Equal(inTimeOrder(f.steps), want) {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(f.steps, "\n"), strings.Join(want, "\n"))
	}
	if res.Assessed != 3 || len(res.NotAssessed) != 0 {
		t.Errorf("result = %+v, want all 3 assessed", res)
	}
}

// TestEvaluationEndsWhenTheSummariesCannotBeDelivered: the officers'
// summaries cannot be sent (a broken template). The evaluation is still
// computed, reported and done, and says the summaries did not go out.
func TestEvaluationEndsWhenTheSummariesCannotBeDelivered(t *testing.T) {
	f := newEvalFixture(t)
	f.summariesErr = contract.Template("template broken", nil)
	res := f.run()
	if res.Phase != contract.PhaseReported || res.ReportsSent != 2 || res.SummariesSent != 0 {
		t.Errorf("result = %+v, want reported to the leaders, no summaries", res)
	}
	if len(res.Problems) != 1 || res.Problems[0] != "the evaluation summaries to 3 officers of the Publicity Department could not be delivered" {
		t.Errorf("problems = %q", res.Problems)
	}
	final := f.reports[len(f.reports)-1]
	if !final.Done || !slices.Equal(final.Problems, res.Problems) {
		t.Errorf("final report = %+v", final)
	}
}

func TestEvaluationRefusesADepartmentNotInThePlan(t *testing.T) {
	f := newEvalFixture(t)
	f.in = contract.EvaluationInputFrom(*f.plan, "sports", f.in.Clock, "")
	f.env.ExecuteWorkflow(workflows.Evaluation, f.in)
	if err := f.env.GetWorkflowError(); err == nil || !strings.Contains(err.Error(), `department "sports" is not in the plan`) {
		t.Errorf("error = %v", err)
	}
	if len(f.steps) != 0 {
		t.Errorf("steps %v for a department not in the plan", f.steps)
	}
}

func TestEvaluationInputFrom(t *testing.T) {
	p := evaluationPlan(t)
	in := contract.EvaluationInputFrom(*p, "publicity", plan.ProductionClock(time.Time{}), "semester/2026-fall")
	loc := p.Location()
	if !in.Opens.Equal(time.Date(2027, 1, 4, 9, 0, 0, 0, loc)) || !in.AssessmentsDue.Equal(time.Date(2027, 1, 10, 23, 59, 0, 0, loc)) {
		t.Errorf("opens %v, due %v; want 4 Jan 09:00 and 10 Jan 23:59", in.Opens, in.AssessmentsDue)
	}
	if in.Department.Name != "Publicity Department" || len(in.Leaders) != 2 || in.Evaluation.MaxScore != 10 || in.ReportTo != "semester/2026-fall" {
		t.Errorf("input = %+v", in)
	}
	if got := contract.EvaluationWorkflowID("2026-fall", "publicity"); got != "semester/2026-fall/evaluation/publicity" {
		t.Errorf("workflow ID = %q", got)
	}
	if got := contract.AssessmentWorkflowID("2026-fall", "publicity"); got != "semester/2026-fall/evaluation/publicity/assessment" {
		t.Errorf("assessment workflow ID = %q", got)
	}
}

// inTimeOrder sorts steps written "what MM-DD HH:MM" by their time, and
// those at one time by what they are: the report and the summaries go out
// beside each other, in no set order.
func inTimeOrder(steps []string) []string {
	out := slices.Clone(steps)
	slices.SortStableFunc(out, func(a, b string) int {
		ta, tb := a[strings.Index(a, " ")+1:], b[strings.Index(b, " ")+1:]
		if c := strings.Compare(ta, tb); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return out
}
