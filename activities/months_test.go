package activities_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"semesterflow/contract"
	"semesterflow/plan"
	"semesterflow/store"
)

// monthsHarness runs the month's activities on a rig whose emails link
// to the portal.
type monthsHarness struct{ *rig }

func newMonthsHarness(t *testing.T) *monthsHarness {
	t.Helper()
	r := newRig(t)
	r.acts.PortalURL = "https://union.example.edu/portal"
	return &monthsHarness{r}
}

func shanghai(t *testing.T, local string) time.Time {
	t.Helper()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	at, err := plan.LocalTime(local).In(loc)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func sampleResults() []contract.CompetitionEntryResult {
	return []contract.CompetitionEntryResult{
		{DepartmentID: "sports", DepartmentName: "Sports Department", Rank: 1, MeanTotal: 25.5, Judges: 1, CriterionMeans: []float64{10, 8, 7.5},
			ByJudge: []contract.JudgeScores{{Judge: "zhang.hua@example.edu", Scores: []float64{10, 8, 7.5}}}},
		{DepartmentID: "publicity", DepartmentName: "Publicity Department", Rank: 2, MeanTotal: 25.5, Judges: 2, CriterionMeans: []float64{8.5, 8.5, 8.5}},
		{DepartmentID: "arts", DepartmentName: "Arts Department"},
	}
}

func TestDigestIsArchivedAndEmailedOnceWhenRunTwice(t *testing.T) {
	h := newMonthsHarness(t)
	ctx := context.Background()
	head := h.person("Zhou Min")
	secretary := h.person("Wu Tong")
	pubHead := h.person("Sun Hao")
	leader := h.person("Li Wei")
	due := shanghai(t, "2026-11-03 23:59")
	err := h.store.RecordSubmissions(ctx, []store.Submission{
		{TermID: "2026-fall", Kind: contract.SummaryKind, Scope: "2026-10", Slot: "organization", AuthorEmail: secretary.Email,
			Body: "A visit to the memorial hall with 24 members.", SubmittedAt: shanghai(t, "2026-11-02 20:00"), DueAt: due},
		{TermID: "2026-fall", Kind: contract.SummaryKind, Scope: "2026-10", Slot: "publicity", AuthorEmail: pubHead.Email,
			Body: "Posters & a short film.", SubmittedAt: shanghai(t, "2026-11-05 10:00"), DueAt: due, Late: true},
		// Another month's summary must stay out of October's digest.
		{TermID: "2026-fall", Kind: contract.SummaryKind, Scope: "2026-09", Slot: "sports", AuthorEmail: "x@example.edu",
			Body: "September's football.", SubmittedAt: shanghai(t, "2026-10-02 20:00"), DueAt: due},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := contract.PublishMonthDigestInput{
		TermID: "2026-fall", TermName: "Fall term 2026", TimeZone: plan.MustZone("Asia/Shanghai"), Month: "2026-10", MonthName: "October 2026",
		Theme: "Red memory", ThemeNote: "set by Li Wei", Arrangement: "Study the congress.",
		Criteria: []string{"ideological content", "creativity", "participation"}, MaxScore: 10, Results: sampleResults(),
		Departments: []contract.DigestDepartment{
			{ID: "organization", Name: "Organization Department", People: []plan.Person{secretary, head}},
			{ID: "publicity", Name: "Publicity Department", People: []plan.Person{pubHead}},
			{ID: "sports", Name: "Sports Department"},
		},
		Recipients: []plan.Person{head, pubHead, leader, pubHead},
		At:         shanghai(t, "2026-11-06 23:59"),
	}
	first := h.deliver(h.acts.PublishMonthDigest, in)
	second := h.deliver(h.acts.PublishMonthDigest, in)
	if first.Sent != 3 || second.Sent != 0 || second.AlreadySent != 3 {
		t.Errorf("first run %+v, second %+v; want 3 sent (a repeated recipient once), then 3 already sent", first, second)
	}

	d, err := h.store.MonthDigestOf(ctx, "2026-fall", "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	list, err := h.store.MonthDigests(ctx, "2026-fall")
	if err != nil || len(list) != 1 || !list[0].PublishedAt.Equal(in.At) {
		t.Errorf("archived digests %+v (%v), want exactly October's", list, err)
	}
	wantInDigest := []string{"Red memory", "set by Li Wei", "Sports Department", "25.5", "A visit to the memorial hall with 24 members.",
		"Handed in by Wu Tong", "No summary received", "Fri 6 Nov 2026, 23:59"}
	for _, want := range wantInDigest {
		if !strings.Contains(d.HTML, want) {
			t.Errorf("archived page lacks %q", want)
		}
	}
	if strings.Contains(d.HTML, "September's football") || strings.Contains(d.HTML, "Hi ") || !strings.Contains(d.HTML, "<h1") {
		t.Errorf("archived page is not October's page:\n%s", d.HTML)
	}
	if !strings.Contains(d.Text, "Posters & a short film.\n(handed in by Sun Hao, late)") {
		t.Errorf("archived text lacks the late summary:\n%s", d.Text)
	}

	for _, p := range []plan.Person{head, pubHead, leader} {
		msg := h.only(p.Email)
		if msg.Subject != "Organisation life in October 2026: the monthly digest" {
			t.Errorf("%s got subject %q", p.Name, msg.Subject)
		}
		for _, want := range []string{"Hi " + p.Name, "Red memory", "(2 of 3 received)", "1. Sports Department: 25.5", "No summary received.",
			"https://union.example.edu/portal/digests/2026-fall/2026-10"} {
			if !strings.Contains(msg.Text, want) {
				t.Errorf("%s's digest lacks %q:\n%s", p.Name, want, msg.Text)
			}
		}
	}
}

func TestCompetitionResultsAreAnnouncedOnce(t *testing.T) {
	h := newMonthsHarness(t)
	ctx := context.Background()
	head := h.person("Yuan Jun")
	judge := h.person("Zhang Hua")
	leaderJudge := h.person("Li Wei")
	in := contract.AnnounceCompetitionInput{
		TermID: "2026-fall", TermName: "Fall term 2026", Month: "2026-10", MonthName: "October 2026",
		Criteria: []string{"ideological content", "creativity", "participation"}, MaxScore: 10, Results: sampleResults(),
		// A leader who judges is listed twice and hears once.
		Recipients: []plan.Person{head, judge, leaderJudge, leaderJudge},
	}
	first := h.deliver(h.acts.AnnounceCompetitionResults, in)
	second := h.deliver(h.acts.AnnounceCompetitionResults, in)
	if first.Sent != 3 || second.Sent != 0 || second.AlreadySent != 3 {
		t.Errorf("first run %+v, second %+v", first, second)
	}
	rows, err := h.store.CompetitionResults(ctx, "2026-fall", "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].DepartmentID != "sports" || *rows[0].Rank != 1 || *rows[0].MeanTotal != 25.5 || rows[0].Scores.ByJudge[0].Judge != "zhang.hua@example.edu" ||
		rows[2].DepartmentID != "arts" || rows[2].Rank != nil {
		t.Errorf("stored results %+v", rows)
	}
	for _, p := range []plan.Person{head, judge, leaderJudge} {
		msg := h.only(p.Email)
		if msg.Subject != "October 2026 group-life design competition: Sports Department wins" {
			t.Errorf("%s got subject %q", p.Name, msg.Subject)
		}
		for _, want := range []string{"1. Sports Department: 25.5 (10 / 8 / 7.5; 1 judge)", "2. Publicity Department: 25.5", "Not ranked, as no judge scored it: Arts Department.", "then by the earlier entry"} {
			if !strings.Contains(msg.Text, want) {
				t.Errorf("%s's results lack %q:\n%s", p.Name, want, msg.Text)
			}
		}
		if strings.Count(msg.HTML, "<tr>") != 3 {
			t.Errorf("%s's results table has %d rows, want a header and two ranked entries", p.Name, strings.Count(msg.HTML, "<tr>"))
		}
	}
}

func TestThemeIsRecordedWithItsAuditAndAnnounced(t *testing.T) {
	h := newMonthsHarness(t)
	ctx := context.Background()
	head := h.person("Guo Rui")
	leader := h.person("Li Wei")
	in := contract.AnnounceMonthThemeInput{
		TermID: "2026-fall", TermName: "Fall term 2026", TimeZone: plan.MustZone("Asia/Shanghai"), Month: "2026-10", MonthName: "October 2026",
		Arrangement: "Study the congress.", Theme: "Red memory", SetBy: leader.Email, SetByName: leader.Name,
		SetAt: shanghai(t, "2026-10-03 10:00"), AuditKey: "update/set-theme-1",
		EntriesDue: shanghai(t, "2026-10-15 23:59"), SummariesDue: shanghai(t, "2026-11-03 23:59"),
		Recipients: []plan.Person{head, leader},
	}
	h.deliver(h.acts.AnnounceMonthTheme, in)
	if res := h.deliver(h.acts.AnnounceMonthTheme, in); res.Sent != 0 || res.AlreadySent != 2 {
		t.Errorf("second run %+v, want nothing sent again", res)
	}
	got, err := h.store.MonthThemeOf(ctx, "2026-fall", "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	if got.Theme != "Red memory" || got.SetBy != leader.Email || got.Fallback || got.Arrangement != "Study the congress." {
		t.Errorf("stored theme %+v", got)
	}
	audit, err := h.store.AuditEntries(ctx, "2026-fall")
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 1 || audit[0].Actor != leader.Email || audit[0].Action != "set_month_theme" || audit[0].Payload["theme"] != "Red memory" {
		t.Errorf("audit %+v, want one entry for the leader's decision", audit)
	}
	msg := h.only(head.Email)
	if msg.Subject != "October 2026 organisation life theme: Red memory" || !strings.Contains(msg.Text, "It was set by Li Wei.") ||
		!strings.Contains(msg.Text, "Thu 15 Oct 2026, 23:59") {
		t.Errorf("theme email %q:\n%s", msg.Subject, msg.Text)
	}
}

// A large union's results are stored in pages and read back for the
// announcement and the digest, and the digest names the authors of the
// summaries from the directory: the inputs carry neither.
func TestStoredResultsAndDirectoryNamesFeedTheEmails(t *testing.T) {
	h := newPlanRig(t, evaluationPlanYAML)
	ctx := context.Background()
	term := h.plan.Term.ID
	head, leader, maLi := h.plan.Departments[0].Head, h.plan.Leaders[0], h.plan.Departments[0].Officers[0]
	results := []contract.CompetitionEntryResult{
		{DepartmentID: "publicity", DepartmentName: "Publicity Department", Rank: 1, MeanTotal: 25.5, Judges: 1, CriterionMeans: []float64{10, 8, 7.5},
			ByJudge: []contract.JudgeScores{{Judge: leader.Email, Scores: []float64{10, 8, 7.5}}}},
		{DepartmentID: "gone", DepartmentName: "A department no longer in the plan"},
	}
	for _, page := range [][]contract.CompetitionEntryResult{results[:1], results[1:], results[:1]} {
		h.run(h.acts.StoreCompetitionResults, contract.StoreCompetitionResultsInput{TermID: term, Month: "2026-10", Results: page}, nil)
	}
	criteria := []string{"ideological content", "creativity", "participation"}
	h.deliver(h.acts.AnnounceCompetitionResults, contract.AnnounceCompetitionInput{
		TermID: term, TermName: "Fall term 2026", Month: "2026-10", MonthName: "October 2026",
		Criteria: criteria, MaxScore: 10, ResultsStored: true, Recipients: []plan.Person{head},
	})
	msg := h.only(head.Email)
	for _, want := range []string{"1. Publicity Department: 25.5 (10 / 8 / 7.5; 1 judge)", "Not ranked, as no judge scored it: gone."} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("results read back lack %q:\n%s", want, msg.Text)
		}
	}

	due := shanghai(t, "2026-11-03 23:59")
	if err := h.store.RecordSubmissions(ctx, []store.Submission{{TermID: term, Kind: contract.SummaryKind, Scope: "2026-10", Slot: "publicity",
		AuthorEmail: maLi.Email, Body: "Posters.", SubmittedAt: shanghai(t, "2026-11-02 20:00"), DueAt: due}}, nil); err != nil {
		t.Fatal(err)
	}
	h.deliver(h.acts.PublishMonthDigest, contract.PublishMonthDigestInput{
		TermID: term, TermName: "Fall term 2026", TimeZone: plan.MustZone("Asia/Shanghai"), Month: "2026-10", MonthName: "October 2026",
		Criteria: criteria, MaxScore: 10, ResultsStored: true, PeopleInDirectory: true,
		Departments: []contract.DigestDepartment{{ID: "publicity", Name: "Publicity Department"}},
		Recipients:  []plan.Person{leader}, At: shanghai(t, "2026-11-06 10:00"),
	})
	digest := h.only(leader.Email)
	for _, want := range []string{"handed in by Ma Li", "1. Publicity Department: 25.5"} {
		if !strings.Contains(digest.Text, want) {
			t.Errorf("digest lacks %q:\n%s", want, digest.Text)
		}
	}
}
