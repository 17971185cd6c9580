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

// TestStatusOfAFoldedUnion: a large union's status says that its parts are
// folded and how to see one department, and counts the departments whose
// overdue items it leaves out.
func TestStatusOfAFoldedUnion(t *testing.T) {
	zone := plan.MustZone("Asia/Shanghai")
	p := contract.Progress{
		TermID: "2026-fall", TermName: "Fall 2026", TimeZone: zone, Phase: contract.PhaseTerm,
		Parts: []contract.PartStatus{
			{PartReport: contract.PartReport{Part: "exchanges/*", Phase: "mixed", Summary: "200 departments: 150 done, 50 collecting"}},
		},
		Overdue: []contract.DepartmentOverdue{{Department: "dept-001", Name: "Department 1",
			Items: []contract.OverdueItem{{What: "minutes of exchange 3", Due: time.Date(2026, 10, 30, 15, 59, 0, 0, time.UTC)}}}},
		FoldedDepartments: 200,
		MoreOverdue:       19,
		MoreDepartments:   170,
	}
	var b strings.Builder
	printProgress(&b, p, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	out := b.String()
	for _, want := range []string{
		"(each kind of part stands for all 200 departments; starter status --department ID lists one department's)",
		"(up to 50 departments with something outstanding are listed; the total counts the other 170 too. starter status --department ID shows one.)",
		"exchanges/*  mixed  200 departments: 150 done, 50 collecting",
		"  Department 1\n    - minutes of exchange 3 (due ",
		"  and 19 more departments; starter status --department ID lists one department's\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
}
