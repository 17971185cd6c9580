package workflows_test

import (
	"testing"
	"time"

	"semesterflow/contract"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// BenchmarkWholeTerm runs a whole term through SemesterPlan in the
// time-skipping test environment, every activity answering at once.
// docs/PERFORMANCE.md records the numbers. The generated 200-department
// plan is measured on the dev server instead (e2e BenchmarkTermHistory):
// its term continues as new once, which ends a run in this environment,
// and its children with it.
func BenchmarkWholeTerm(b *testing.B) {
	example := testPlan(b)
	for _, bc := range []struct {
		name string
		plan *plan.Plan
	}{{"example-8x5", example}} {
		b.Run(bc.name, func(b *testing.B) {
			for range b.N {
				runWholeTerm(b, bc.plan)
			}
		})
	}
}

func runWholeTerm(b *testing.B, p *plan.Plan) {
	env := testEnv(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), quiet, wholeTerm)
	env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *p, TimeScale: 86400})
	if err := env.GetWorkflowError(); err != nil {
		b.Fatalf("term failed: %v", err)
	}
}

// quietLogger drops the test environment's logs, which would otherwise
// dominate a benchmark of thousands of workflows.
