package main

import (
	"bytes"
	"strings"
	"testing"

	"semesterflow/contract"
	"semesterflow/plan"
)

func TestPrintDiffSaysWhatToDoNext(t *testing.T) {
	now := contract.PlanChange{Change: plan.Change{Path: "months.run[2026-12]", What: "organisation life of 2026-12 is dropped"}, Effect: contract.EffectNow}
	refused := contract.PlanChange{Change: plan.Change{Path: "exchanges.first", What: `exchanges.first: "2026-09-29 19:00" becomes "2026-09-16 19:00"`},
		Effect: contract.EffectRefused, Reason: "the exchanges of publicity is under way and cannot take this change while it runs"}
	for _, c := range []struct {
		name string
		diff contract.PlanDiff
		want []string
	}{
		{"applies", contract.PlanDiff{Version: 2, Changes: []contract.PlanChange{now}},
			[]string{"Term 2026-fall runs plan version 2. v3.yaml would change:", "[applies now]", "months.run[2026-12]",
				"1 change, none refused", "starter plan apply --term 2026-fall --plan v3.yaml --by EMAIL --expect-version 2"}},
		{"refused", contract.PlanDiff{Version: 1, Changes: []contract.PlanChange{now, refused}, Refused: 1},
			[]string{"[refused]", "why: the exchanges of publicity is under way", "2 changes, 1 refused. A refused change refuses the whole file"}},
		{"same", contract.PlanDiff{Version: 4}, []string{"v3.yaml is the plan term 2026-fall runs (version 4): nothing would change."}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			printDiff(&b, "2026-fall", "v3.yaml", c.diff)
			for _, w := range c.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("lacks %q:\n%s", w, b.String())
				}
			}
			if c.diff.Refused > 0 && strings.Contains(b.String(), "starter plan apply") {
				t.Errorf("suggests applying a refused file:\n%s", b.String())
			}
		})
	}
}
