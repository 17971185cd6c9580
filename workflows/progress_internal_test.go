package workflows

import (
	"strings"
	"testing"
	"time"

	"semesterflow/contract"
)

// TestFoldingDepartmentsParts: each kind of department part becomes one
// line that counts its phases, keeps the earliest next deadline among the
// parts still running, and quotes a few problems with their departments.
func TestFoldingDepartmentsParts(t *testing.T) {
	due := func(day int) *contract.Deadline {
		return &contract.Deadline{What: "minutes", Due: time.Date(2026, 10, day, 18, 0, 0, 0, time.UTC)}
	}
	part := func(name, phase string, done bool, next *contract.Deadline, problems ...string) contract.PartStatus {
		return contract.PartStatus{PartReport: contract.PartReport{Part: name, Phase: phase, Done: done, Next: next, Problems: problems}}
	}
	folded := foldDepartmentParts([]contract.PartStatus{
		part("kickoff", contract.PhaseDone, true, nil),
		part("exchanges/a/minutes-1", contract.PhaseDone, true, nil, "a late reminder"),
		part("exchanges/b/minutes-1", "collecting", false, due(9)),
		part("exchanges/c/minutes-1", "collecting", false, due(7), "one", "two", "three"),
		part("exchanges/d/minutes-1", "escalated", false, due(8)),
		part("month/2026-10/summary", "collecting", false, due(20)),
		part("exchanges/a/minutes-2", "waiting", false, nil),
	})
	var names []string
	for _, p := range folded {
		names = append(names, p.Part)
	}
	if got := strings.Join(names, " "); got != "kickoff exchanges/*/minutes-1 month/2026-10/summary exchanges/*/minutes-2" {
		t.Fatalf("folded parts %q", got)
	}
	m := folded[1]
	if m.Done || m.Phase != "mixed" || m.Summary != "4 departments: 1 done, 2 collecting, 1 escalated; 2 with problems" {
		t.Errorf("minutes-1 folded: done %v, phase %q, summary %q", m.Done, m.Phase, m.Summary)
	}
	if m.Next == nil || !m.Next.Due.Equal(due(7).Due) {
		t.Errorf("minutes-1 folded: next %+v, want 7 October's", m.Next)
	}
	want := []string{"a: a late reminder", "c: one", "c: two", "starter status --department ID lists one department's"}
	if strings.Join(m.Problems, "|") != strings.Join(want, "|") {
		t.Errorf("minutes-1 folded problems %q, want %q", m.Problems, want)
	}
	if w := folded[3]; w.Phase != "waiting" || w.Summary != "1 department: 0 done, 1 waiting" || len(w.Problems) != 0 {
		t.Errorf("minutes-2 folded: %+v", w)
	}
}
