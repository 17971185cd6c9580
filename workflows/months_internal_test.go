package workflows

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"semesterflow/contract"
	"semesterflow/plan"
)

func TestRankEntriesFallsBackToPlanOrder(t *testing.T) {
	depts := []contract.MonthDepartment{{ID: "b", Name: "B"}, {ID: "a", Name: "A"}, {ID: "c", Name: "C"}}
	judges := []plan.Person{{Name: "J", Email: "J@example.edu"}}
	same := time.Date(2026, 10, 10, 10, 0, 0, 0, time.UTC)
	entries := contract.CollectionResult{Submissions: []contract.Submission{{Slot: "b", At: same}, {Slot: "a", At: same}, {Slot: "c", At: same}}}
	// 0.1+0.2 and 0.3 differ in floating point; they must count as equal.
	scores := contract.CollectionResult{Submissions: []contract.Submission{
		{Slot: "j@example.edu/a", Scores: []float64{0.3, 5}},
		{Slot: "j@example.edu/b", Scores: []float64{0.3, 5}},
		{Slot: "j@example.edu/c", Scores: []float64{0.1 + 0.2, 5}},
	}}
	got := rankEntries(depts, judges, []string{"x", "y"}, entries, scores)
	var order []string
	for _, r := range got {
		order = append(order, fmt.Sprintf("%d%s", r.Rank, r.DepartmentID))
	}
	if strings.Join(order, " ") != "1b 2a 3c" {
		t.Errorf("ranking %v, want the plan's order b, a, c when everything else is equal", order)
	}
}

func TestMostRecommended(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 10, 2, h, 0, 0, 0, time.UTC) }
	tests := []struct {
		name  string
		subs  []contract.Submission
		theme string
		count int
	}{
		{"none", nil, "", 0},
		{"blank texts count for nothing", []contract.Submission{{Text: "  \n "}}, "", 0},
		{"most wins over earlier", []contract.Submission{{Text: "A", At: at(1)}, {Text: "b", At: at(2)}, {Text: " B ", At: at(3)}}, "b", 2},
		{"tie: recommended first, in its first wording", []contract.Submission{{Text: "Green  campus", At: at(5)}, {Text: "RED memory", At: at(4)}, {Text: "red Memory\nwhy", At: at(2)}, {Text: "green campus", At: at(3)}}, "red Memory", 2},
		{"same time: slot order", []contract.Submission{{Text: "x", At: at(1)}, {Text: "y", At: at(1)}}, "x", 1},
	}
	for _, tt := range tests {
		theme, n := mostRecommended(tt.subs)
		if theme != tt.theme || n != tt.count {
			t.Errorf("%s: got %q (%d), want %q (%d)", tt.name, theme, n, tt.theme, tt.count)
		}
	}
}
