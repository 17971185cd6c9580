package workflows_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"semesterflow/contract"
	"semesterflow/plan"
)

// A month of 450 departments runs each collection that asks every
// department in three parts of 150 slots, each under its own workflow ID
// and part of the term, and joins what they collect: the digest counts the
// summaries of the first and the last part alike.
func TestMonthOfManyDepartmentsCollectsInParts(t *testing.T) {
	f := newMonthFixture(t)
	for i := len(f.plan.Departments); i < 450; i++ {
		f.plan.Departments = append(f.plan.Departments, plan.Department{
			ID: fmt.Sprintf("dept-%03d", i), Name: fmt.Sprintf("Department %d", i),
			Head:     plan.Person{Name: fmt.Sprintf("Head %d", i), Email: fmt.Sprintf("head.%03d@example.edu", i)},
			Officers: []plan.Person{{Name: fmt.Sprintf("Secretary %d", i), Email: fmt.Sprintf("secretary.%03d@example.edu", i), Role: "Secretary"}},
		})
	}
	f.in = contract.MonthInputFrom(*f.plan, "2026-10", plan.ProductionClock(f.start), "")
	f.canned[contract.KindSummary] = []canned{
		{slot: "publicity", author: "sun.hao@example.edu", text: "Leaflets.", at: "2026-10-25 10:00"},
		{slot: "dept-449", author: "secretary.449@example.edu", text: "A walk.", at: "2026-10-26 10:00"},
	}
	got := f.run()

	base := contract.MonthCollectionWorkflowID("2026-fall", "2026-10", contract.KindSummary)
	var parts []string
	slots := 0
	byID := map[string]contract.CollectionInput{}
	for i, id := range f.childIDs {
		byID[id] = f.childInputs[i]
	}
	for shard := 0; ; shard++ {
		id := contract.CollectionShardID(base, shard)
		in, ok := byID[id]
		if !ok {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %s %d", strings.TrimPrefix(id, base), strings.TrimPrefix(in.Part, "month/2026-10/summary"), len(in.Slots)))
		if in.Slots[0].Key != f.plan.Departments[slots].ID {
			t.Errorf("part %s starts at %s, want %s: the parts must keep the plan's order", id, in.Slots[0].Key, f.plan.Departments[slots].ID)
		}
		slots += len(in.Slots)
		if b, _ := json.Marshal(in); len(b) > 256<<10 {
			t.Errorf("part %s takes %d bytes of input, more than 256 KiB", id, len(b))
		}
	}
	if want := "  150, /part-2 /part-2 150, /part-3 /part-3 150"; strings.Join(parts, ", ") != want {
		t.Errorf("summary collections (ID suffix, part suffix, slots) = %q, want %q", strings.Join(parts, ", "), want)
	}
	if slots != 450 {
		t.Errorf("the parts ask %d departments, want all 450", slots)
	}
	if got.Counts.Summaries != 2 || len(got.Missing) != 448 {
		t.Errorf("summaries %d in, %d missing; want 2 in (first and last part) and 448 missing", got.Counts.Summaries, len(got.Missing))
	}
}
