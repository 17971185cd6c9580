package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
)

func partReport(termKey, part string, seq int, phase string, done bool) PartReport {
	body, _ := json.Marshal(map[string]any{"part": part, "seq": seq, "phase": phase, "done": done})
	return PartReport{TermKey: termKey, Part: part, Seq: seq, Done: done, Report: body}
}

func phaseOf(t *testing.T, r PartReport) string {
	t.Helper()
	var body struct{ Phase string }
	if err := json.Unmarshal(r.Report, &body); err != nil {
		t.Fatalf("report of %s: %v", r.Part, err)
	}
	return body.Phase
}

func TestPartReportsKeepTheNewestPerPart(t *testing.T) {
	_, s := newTestStore(t)
	ctx := context.Background()
	const term = "semester/2026-fall/run-1"

	for _, r := range []PartReport{
		partReport(term, "exchanges/publicity", 1, "invited", false),
		partReport(term, "exchanges/publicity", 2, "signing-in", false),
		partReport(term, "exchanges/publicity", 2, "signing-in", false), // a retry
		partReport(term, "exchanges/publicity", 1, "invited", false),    // overtaken
		partReport(term, "kickoff", 1, "done", true),
		partReport("semester/2026-fall/run-0", "kickoff", 5, "cancelled", true), // an earlier term under the same ID
	} {
		if _, err := s.SavePartReport(ctx, r); err != nil {
			t.Fatalf("save %s #%d: %v", r.Part, r.Seq, err)
		}
	}

	got, err := s.PartReportsSince(ctx, term, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d reports, want the 2 parts of this term: %+v", len(got), got)
	}
	byPart := map[string]PartReport{}
	for _, r := range got {
		byPart[r.Part] = r
	}
	if r := byPart["exchanges/publicity"]; r.Seq != 2 || phaseOf(t, r) != "signing-in" {
		t.Errorf("exchanges = #%d %s, want #2 signing-in", r.Seq, phaseOf(t, r))
	}
	if r := byPart["kickoff"]; r.Seq != 1 || !r.Done {
		t.Errorf("kickoff = #%d done %v, want #1 done", r.Seq, r.Done)
	}

	// Nothing changed since the newest version: an empty page.
	last := got[len(got)-1].Version
	if again, err := s.PartReportsSince(ctx, term, last, 100); err != nil || len(again) != 0 {
		t.Errorf("since the newest version: %d reports, %v; want none", len(again), err)
	}
	// A newer report shows up after the cursor, once.
	if saved, err := s.SavePartReport(ctx, partReport(term, "exchanges/publicity", 3, "minutes", false)); err != nil || !saved {
		t.Fatalf("save #3: saved %v, %v", saved, err)
	}
	next, err := s.PartReportsSince(ctx, term, last, 100)
	if err != nil || len(next) != 1 || next[0].Seq != 3 {
		t.Fatalf("after the cursor: %+v, %v; want exchanges #3 only", next, err)
	}
	if saved, _ := s.SavePartReport(ctx, partReport(term, "exchanges/publicity", 3, "minutes", false)); saved {
		t.Error("a retried report was saved again")
	}
}

func TestPartReportsPagesInVersionOrder(t *testing.T) {
	_, s := newTestStore(t)
	ctx := context.Background()
	const term = "semester/2026-fall/run-1"
	for i := range 5 {
		if _, err := s.SavePartReport(ctx, partReport(term, fmt.Sprintf("exchanges/d%d", i), 1, "invited", false)); err != nil {
			t.Fatal(err)
		}
	}
	var parts []string
	cursor := int64(0)
	for range 10 {
		page, err := s.PartReportsSince(ctx, term, cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		if len(page) > 2 {
			t.Fatalf("page of %d reports, limit 2", len(page))
		}
		for _, r := range page {
			if r.Version <= cursor {
				t.Fatalf("version %d not after cursor %d", r.Version, cursor)
			}
			parts = append(parts, r.Part)
			cursor = r.Version
		}
	}
	want := "[exchanges/d0 exchanges/d1 exchanges/d2 exchanges/d3 exchanges/d4]"
	if fmt.Sprint(parts) != want {
		t.Errorf("paged parts = %v, want %s", parts, want)
	}
}

// A reader following the versions while many parts write at once sees every
// part's last report: no write commits behind the reader's cursor.
func TestPartReportsCursorMissesNothingUnderConcurrentWrites(t *testing.T) {
	_, s := newTestStore(t)
	ctx := context.Background()
	const term, parts, reports = "semester/2026-fall/run-1", 20, 10

	var wg sync.WaitGroup
	errs := make(chan error, parts)
	for p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := 1; seq <= reports; seq++ {
				if _, err := s.SavePartReport(ctx, partReport(term, fmt.Sprintf("part-%02d", p), seq, "working", seq == reports)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	latest := map[string]int{}
	cursor := int64(0)
	read := func() {
		page, err := s.PartReportsSince(ctx, term, cursor, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page {
			latest[r.Part] = r.Seq
			cursor = r.Version
		}
	}
	for writing := true; writing; {
		select {
		case <-done:
			writing = false
		default:
		}
		read()
	}
	read()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(latest) != parts {
		t.Fatalf("reader saw %d parts, want %d", len(latest), parts)
	}
	for part, seq := range latest {
		if seq != reports {
			t.Errorf("reader's last report of %s is #%d, want #%d", part, seq, reports)
		}
	}
}

func TestPartReportRejectsIncompleteInput(t *testing.T) {
	_, s := newTestStore(t)
	ctx := context.Background()
	for name, r := range map[string]PartReport{
		"no term":    partReport("", "kickoff", 1, "done", true),
		"no part":    partReport("semester/x/run", "", 1, "done", true),
		"seq zero":   partReport("semester/x/run", "kickoff", 0, "done", true),
		"not JSON":   {TermKey: "semester/x/run", Part: "kickoff", Seq: 1, Report: json.RawMessage("{")},
		"empty JSON": {TermKey: "semester/x/run", Part: "kickoff", Seq: 1},
	} {
		if _, err := s.SavePartReport(ctx, r); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error %v, want ErrInvalid", name, err)
		}
	}
	if got, _ := s.PartReportsSince(ctx, "semester/x/run", 0, 10); len(got) != 0 {
		t.Errorf("rejected reports were stored: %+v", got)
	}
}
