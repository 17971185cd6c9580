package workflows_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"

	"semesterflow/contract"
	"semesterflow/internal/planfixture"
	"semesterflow/workflows"
)

// TestProgressOfALargeUnionFoldsTheDepartmentsParts: past 50 departments
// the whole term's progress shows one line per kind of part instead of one
// per department, and a leader can still ask for one department's parts.
func TestProgressOfALargeUnionFoldsTheDepartmentsParts(t *testing.T) {
	p, err := planfixture.Scale(testPlan(t), 60, 2)
	if err != nil {
		t.Fatal(err)
	}
	p.Months, p.Contest, p.Tasks = nil, nil, nil
	env := testEnv(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), wholeTerm, quiet)
	// Once asked, the term is cancelled: the rest of it is not under test.
	env.OnRequestCancelExternalWorkflow(mock.Anything, mock.Anything, mock.Anything).Return(nil)

	var whole, one contract.Progress
	var wholeSize int
	var unknownErr error
	// Plan 11 October: every department's exchanges are under way.
	env.RegisterDelayedCallback(func() {
		whole = queryAs[contract.Progress](t, env, contract.QueryProgress)
		b, _ := json.Marshal(whole)
		wholeSize = len(b)
		one = queryAs[contract.Progress](t, env, contract.QueryProgress, contract.ProgressRequest{Department: "dept-007"})
		_, unknownErr = env.QueryWorkflow(contract.QueryProgress, contract.ProgressRequest{Department: "dept-999"})
		env.CancelWorkflow()
	}, 40*time.Second)
	env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *p, TimeScale: 86400})

	// Nobody has acknowledged their training, so every department has
	// something outstanding: the first 50 are listed, all are counted.
	if whole.FoldedDepartments != 60 || len(whole.Departments) != 50 || whole.MoreDepartments != 10 || whole.Totals.Officers != 120 {
		t.Fatalf("whole-term progress folded %d departments, listed %d and %d more, with %d officers; want 60, 50, 10 more and 120",
			whole.FoldedDepartments, len(whole.Departments), whole.MoreDepartments, whole.Totals.Officers)
	}
	parts := map[string]contract.PartStatus{}
	for _, part := range whole.Parts {
		if strings.Contains(part.Part, "dept-") {
			t.Errorf("the folded progress lists %s on its own", part.Part)
		}
		parts[part.Part] = part
	}
	if ex, ok := parts["exchanges/*"]; !ok || !ex.Tracked || ex.Done || !strings.HasPrefix(ex.Summary, "60 departments: 0 done, 60 ") {
		t.Errorf(`folded "exchanges/*": %+v (present %v)`, ex, ok)
	}
	if _, ok := parts["kickoff"]; !ok {
		t.Error("the term-wide kickoff is missing from the folded progress")
	}
	t.Logf("the folded answer at %d departments: %d bytes of JSON", len(p.Departments), wholeSize)
	if wholeSize > 64<<10 {
		t.Errorf("the folded progress is %d bytes of JSON", wholeSize)
	}

	if len(one.Departments) != 1 || one.Departments[0].DepartmentID != "dept-007" || one.FoldedDepartments != 0 {
		t.Fatalf("progress of dept-007: departments %+v, folded %d", one.Departments, one.FoldedDepartments)
	}
	var own, kickoff bool
	for _, part := range one.Parts {
		switch d := contract.PartDepartment(part.Part); {
		case part.Part == "exchanges/dept-007":
			own = true
		case part.Part == "kickoff":
			kickoff = true
		case d != "" && d != "dept-007":
			t.Errorf("dept-007's progress lists %s", part.Part)
		}
	}
	if !own || !kickoff {
		t.Errorf("dept-007's progress has its exchanges: %v, the kickoff: %v", own, kickoff)
	}
	if unknownErr == nil || !strings.Contains(unknownErr.Error(), `has no department "dept-999"`) {
		t.Errorf("progress of an unknown department: %v", unknownErr)
	}
}
