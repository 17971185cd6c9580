package workflows_test

import (
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"semesterflow/internal/noopacts"
	"semesterflow/internal/planfixture"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// BenchmarkWholeTerm runs a whole term through SemesterPlan in the
// time-skipping test environment, every activity answering at once, for the
// example plan and for a generated 200-department, 10,000-officer plan.
// docs/PERFORMANCE.md records the numbers.
func BenchmarkWholeTerm(b *testing.B) {
	example, err := plan.Load("../examples/fall-term.yaml")
	if err != nil {
		b.Fatal(err)
	}
	big, err := planfixture.Scale(example, 200, 50)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		plan *plan.Plan
	}{{"example-8x5", example}, {"generated-200x50", big}} {
		b.Run(bc.name, func(b *testing.B) {
			for range b.N {
				runWholeTerm(b, bc.plan)
			}
		})
	}
}

func runWholeTerm(b *testing.B, p *plan.Plan) {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(quietLogger{})
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	workflows.Register(env)
	noopacts.Register(env)
	env.ExecuteWorkflow(workflows.SemesterPlan, workflows.SemesterInput{Plan: *p, TimeScale: 86400})
	if err := env.GetWorkflowError(); err != nil {
		b.Fatalf("term failed: %v", err)
	}
}

// quietLogger drops the test environment's logs, which would otherwise
// dominate a benchmark of thousands of workflows.
type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}
