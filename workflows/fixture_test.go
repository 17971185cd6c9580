package workflows_test

import (
	"encoding/json"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"semesterflow/activities"
	"semesterflow/internal/noopacts"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// testPlan is the example plan changed by edits. The changed plan is
// decoded again, so defaults and validation apply to it as to a file.
func testPlan(t testing.TB, edits ...func(p *plan.Plan)) *plan.Plan {
	t.Helper()
	p, err := plan.Load("../examples/fall-term.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, edit := range edits {
		edit(p)
	}
	// JSON is YAML, and the plan's JSON and YAML fields share their names.
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	p, err = plan.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// onlyParts leaves the plan without its later parts.
func onlyParts(p *plan.Plan) {
	p.Kickoff, p.Exchanges, p.Months, p.Contest, p.Tasks, p.Evaluation = nil, nil, nil, nil, nil, nil
}

// pick is the example's department id with only the named officers, in
// the order named.
func pick(t testing.TB, p *plan.Plan, id string, officers ...string) plan.Department {
	t.Helper()
	d, ok := p.Department(id)
	if !ok {
		t.Fatalf("no department %q in the example", id)
	}
	var kept []plan.Person
	for _, name := range officers {
		kept = append(kept, named(t, d.Officers, name))
	}
	d.Officers = kept
	return d
}

// named is the person of that name among people.
func named(t testing.TB, people []plan.Person, name string) plan.Person {
	t.Helper()
	for _, x := range people {
		if x.Name == name {
			return x
		}
	}
	t.Fatalf("no %s in the example", name)
	return plan.Person{}
}

// basics is the training most part tests use: one session, no reading,
// assignments on the term's first day.
func basics(p *plan.Plan) {
	p.Training = plan.Training{
		Sessions:               []plan.TrainingSession{{Title: "Rules", At: "2026-09-09 19:00"}},
		DeadlineDaysAfterStart: 16,
	}
}

// noRoles drops every role, as the small plans write their people; an
// edit after it gives back those a test needs.
func noRoles(p *plan.Plan) {
	for i := range p.Leaders {
		p.Leaders[i].Role = ""
	}
	for i := range p.Departments {
		for j := range p.Departments[i].Officers {
			p.Departments[i].Officers[j].Role = ""
		}
	}
}

// envSetup is what testEnv registers besides the clock.
type envSetup struct{ quiet, wholeTerm bool }

// quiet drops the SDK's log, which a whole term fills.
func quiet(s *envSetup) { s.quiet = true }

// wholeTerm registers every workflow under its contract name and no-op
// activities, for tests that run a term rather than one part.
func wholeTerm(s *envSetup) { s.wholeTerm = true }

// testEnv is a workflow test environment on a clock from start (the
// suite's own when zero). By default it is set up for one part: the
// activities are registered for mocking, and the real Collection runs as
// the part's child.
func testEnv(start time.Time, opts ...func(*envSetup)) *testsuite.TestWorkflowEnvironment {
	var s envSetup
	for _, o := range opts {
		o(&s)
	}
	var suite testsuite.WorkflowTestSuite
	if s.quiet {
		suite.SetLogger(quietLogger{})
	}
	env := suite.NewTestWorkflowEnvironment()
	if !start.IsZero() {
		env.SetStartTime(start)
	}
	if s.wholeTerm {
		workflows.Register(env)
		noopacts.Register(env)
	} else {
		env.RegisterActivity(&activities.Activities{})
		env.RegisterWorkflow(workflows.Collection)
	}
	return env
}

// quietLogger logs nothing.
type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}
