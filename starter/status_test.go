package main

import (
	"strings"
	"testing"
	"time"

	"semesterflow/contract"
	"semesterflow/plan"
)

// TestStatusSaysWhatWasNotDoneOnTime: a part that is done with problems
// does not read as plain "done", and every problem is listed by part.
func TestStatusSaysWhatWasNotDoneOnTime(t *testing.T) {
	p := contract.Progress{
		TermID: "2026-fall", TermName: "Fall 2026", TimeZone: plan.MustZone("Asia/Shanghai"), Phase: contract.PhaseDone,
		Departments: []contract.DepartmentProgress{
			{DepartmentID: "sports", Name: "Sports Department", Phase: contract.PhaseClosed,
				Problems: []string{"the training reminder emails to 5 officers could not be delivered"}},
			{DepartmentID: "publicity", Name: "Publicity Department", Phase: contract.PhaseClosed},
		},
		Parts: []contract.PartStatus{
			{PartReport: contract.PartReport{Part: "exchanges/publicity", Done: true, Summary: "Publicity Department: 6 of 6 exchanges held",
				Problems: []string{"the invitation to exchange 3 went out 2 h late"}}},
			{PartReport: contract.PartReport{Part: "kickoff", Done: true, Summary: "kickoff meeting held"}},
		},
	}
	var b strings.Builder
	printProgress(&b, p, time.Date(2027, 1, 20, 0, 0, 0, 0, time.UTC))
	out := b.String()
	for _, want := range []string{
		"exchanges/publicity  done, 1 problem  Publicity Department: 6 of 6 exchanges held",
		"kickoff              done             kickoff meeting held",
		"NOT DONE ON TIME\n  onboarding/sports\n    - the training reminder emails to 5 officers could not be delivered\n" +
			"  exchanges/publicity\n    - the invitation to exchange 3 went out 2 h late\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
}
