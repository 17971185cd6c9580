package workflows_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"

	"semesterflow/contract"
	"semesterflow/plan"
)

// growTo adds departments dept-005, dept-006, ... to the month's plan until
// it has n, each with a head and a secretary, and recomputes the input.
func (f *monthFixture) growTo(n int) {
	for i := len(f.plan.Departments); i < n; i++ {
		f.plan.Departments = append(f.plan.Departments, plan.Department{
			ID: fmt.Sprintf("dept-%03d", i), Name: fmt.Sprintf("Department %d", i),
			Head:     plan.Person{Name: fmt.Sprintf("Head %d", i), Email: fmt.Sprintf("head.%03d@example.edu", i)},
			Officers: []plan.Person{{Name: fmt.Sprintf("Secretary %d", i), Email: fmt.Sprintf("secretary.%03d@example.edu", i), Role: "Secretary"}},
		})
	}
	f.in = contract.MonthInputFrom(*f.plan, "2026-10", plan.ProductionClock(f.start), "")
}

// A month of 450 departments runs each collection that asks every
// department in three parts of 150 slots, each under its own workflow ID
// and part of the term, and joins what they collect: the digest counts the
// summaries of the first and the last part alike.
func TestMonthOfManyDepartmentsCollectsInParts(t *testing.T) {
	f := newMonthFixture(t)
	f.growTo(450)
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

// A competition of 250 entries stores its results in pages of 200 before
// they are announced; the announcement and the digest then carry neither
// the results nor the departments' people, which the activities read from
// Postgres, and the month's result keeps only the leading entries.
func TestMonthOfManyEntriesStoresItsResultsInPages(t *testing.T) {
	f := newMonthFixture(t)
	f.growTo(250)
	local := func(t time.Time) string { return t.AddDate(0, 0, -1).In(f.loc).Format("2006-01-02 15:04") }
	for _, d := range f.in.Departments {
		f.canned[contract.KindCompetitionEntry] = append(f.canned[contract.KindCompetitionEntry],
			canned{slot: d.ID, author: d.Head.Email, text: "An idea.", at: local(f.in.Month.EntriesDue)})
		for _, j := range f.in.Judges {
			scores := make([]float64, len(f.in.Criteria))
			for c := range scores {
				scores[c] = float64(len(d.ID) % 10)
			}
			f.canned[contract.KindCompetitionScore] = append(f.canned[contract.KindCompetitionScore],
				canned{slot: plan.NormalizeEmail(j.Email) + "/" + d.ID, author: j.Email, scores: scores, at: local(f.in.Month.ScoresDue)})
		}
	}
	var pages []int
	f.env.OnActivity(acts.StoreCompetitionResults, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.StoreCompetitionResultsInput) error {
			pages = append(pages, len(in.Results))
			return nil
		})
	got := f.run()

	if fmt.Sprint(pages) != "[200 50]" {
		t.Errorf("results stored in pages %v, want [200 50]", pages)
	}
	// The month's own result keeps the leading entries; Postgres has all.
	if len(got.Results) != 20 || got.MoreResults != 230 || got.Counts.Entries != 250 || got.Results[0].Rank != 1 {
		t.Errorf("the month's result lists %d entries and %d more of %d (first ranked %d), want the top 20 and 230 more of 250",
			len(got.Results), got.MoreResults, got.Counts.Entries, got.Results[0].Rank)
	}
	if len(f.results) != 1 || !f.results[0].ResultsStored || len(f.results[0].Results) != 0 {
		t.Fatalf("announcements %d; want one that reads the stored results instead of carrying them", len(f.results))
	}
	if len(f.digests) != 1 {
		t.Fatalf("%d digests, want 1", len(f.digests))
	}
	d := f.digests[0]
	if !d.ResultsStored || len(d.Results) != 0 || !d.PeopleInDirectory || len(d.Departments) != 250 || len(d.Departments[0].People) != 0 {
		t.Errorf("digest input: results stored %v (%d carried), people in directory %v, %d departments, first with %d people",
			d.ResultsStored, len(d.Results), d.PeopleInDirectory, len(d.Departments), len(d.Departments[0].People))
	}
	for _, in := range []any{f.results[0], d, got} {
		if b, _ := json.Marshal(in); len(b) > 256<<10 {
			t.Errorf("%T is %d bytes, more than 256 KiB", in, len(b))
		}
	}
}
