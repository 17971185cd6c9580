package workflows_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// monthPlan runs October 2026 for five departments with two judges. The
// organization and sports departments have a secretary; the others do not,
// so their head writes the summary.
func monthPlan(t testing.TB) *plan.Plan {
	return testPlan(t, noRoles, basics, func(p *plan.Plan) {
		p.Months.Judges = []plan.Person{p.Leaders[1], pick(t, p, "organization", "Chen Jie").Officers[0]}
		p.Leaders = []plan.Person{p.Leaders[0], pick(t, p, "liaison").Head}
		sports := pick(t, p, "sports")
		sports.Officers = []plan.Person{{Name: "He Xin", Email: "he.xin@example.edu", Role: "secretary"}}
		org := pick(t, p, "organization", "Wu Tong")
		org.Officers[0].Role = "Secretary"
		p.Departments = []plan.Department{org, pick(t, p, "publicity", "Ma Li"), sports,
			{ID: "arts", Name: "Arts Department", Head: plan.Person{Name: "Guo Rui", Email: "guo.rui@example.edu"},
				Officers: []plan.Person{{Name: "Lin Yi", Email: "lin.yi@example.edu"}}},
			{ID: "culture", Name: "Culture Department", Head: plan.Person{Name: "Qian Bo", Email: "qian.bo@example.edu"},
				Officers: []plan.Person{{Name: "Xu Lan", Email: "xu.lan@example.edu"}}},
		}
		p.Kickoff, p.Exchanges, p.Contest, p.Tasks, p.Evaluation = nil, nil, nil, nil, nil
		p.Months.Run = []string{"2026-10"}
	})
}

// canned is what a mocked collection hands back for a slot: who, what and
// when (plan time, "YYYY-MM-DD HH:MM").
type canned struct {
	slot, author, text, at string
	scores                 []float64
}

// monthFixture runs a Month whose collections are mocked: each returns the
// canned submissions of its kind, ending when every slot is in (as a real
// collection does) or else when its last slot closes.
type monthFixture struct {
	t     *testing.T
	env   *testsuite.TestWorkflowEnvironment
	plan  *plan.Plan
	loc   *time.Location
	start time.Time
	in    contract.MonthInput
	// canned submissions per collection kind
	canned map[string][]canned
	// what the month started and did
	collections map[string]contract.CollectionInput
	childIDs    []string
	childInputs []contract.CollectionInput
	themes      []contract.AnnounceMonthThemeInput
	themeAt     []string
	results     []contract.AnnounceCompetitionInput
	resultsAt   []string
	digests     []contract.PublishMonthDigestInput
	digestAt    []string
	problems    []string
}

func newMonthFixture(t *testing.T) *monthFixture {
	t.Helper()
	return newSlowMonthFixture(t, 0)
}

// newSlowMonthFixture is the fixture whose theme announcement takes
// themeDelay of test time to go out.
func newSlowMonthFixture(t *testing.T, themeDelay time.Duration) *monthFixture {
	t.Helper()
	p := monthPlan(t)
	loc := p.Location()
	// The test starts a day before the month opens, as a parent might.
	start := p.MonthCalendar()[0].Opens.AddDate(0, 0, -1)
	f := &monthFixture{t: t, env: testEnv(start), plan: p, loc: loc, start: start,
		canned: map[string][]canned{}, collections: map[string]contract.CollectionInput{}}
	f.in = contract.MonthInputFrom(*p, "2026-10", plan.ProductionClock(start), "")
	f.env.OnWorkflow(workflows.Collection, mock.Anything, mock.Anything).Return(f.collection)
	f.env.OnActivity(acts.AnnounceMonthTheme, mock.Anything, mock.Anything).After(themeDelay).Return(
		func(_ context.Context, in contract.AnnounceMonthThemeInput) (contract.DeliveryResult, error) {
			f.themes, f.themeAt = append(f.themes, in), append(f.themeAt, f.now())
			return contract.DeliveryResult{Sent: len(in.Recipients)}, nil
		})
	f.env.OnActivity(acts.AnnounceCompetitionResults, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.AnnounceCompetitionInput) (contract.DeliveryResult, error) {
			f.results, f.resultsAt = append(f.results, in), append(f.resultsAt, f.now())
			return contract.DeliveryResult{Sent: len(in.Recipients)}, nil
		})
	f.env.OnActivity(acts.PublishMonthDigest, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.PublishMonthDigestInput) (contract.DeliveryResult, error) {
			f.digests, f.digestAt = append(f.digests, in), append(f.digestAt, f.now())
			return contract.DeliveryResult{Sent: len(in.Recipients)}, nil
		})
	return f
}

// now is the test clock's plan time, as "MM-DD HH:MM".
func (f *monthFixture) now() string { return f.env.Now().In(f.loc).Format("01-02 15:04") }

func (f *monthFixture) planTime(local string) time.Time {
	f.t.Helper()
	at, err := plan.LocalTime(local).In(f.loc)
	if err != nil {
		f.t.Fatal(err)
	}
	return at
}

// collection stands in for the Collection child workflow.
func (f *monthFixture) collection(ctx workflow.Context, in contract.CollectionInput) (contract.CollectionResult, error) {
	f.collections[in.Kind] = in
	f.childIDs = append(f.childIDs, workflow.GetInfo(ctx).WorkflowExecution.ID)
	f.childInputs = append(f.childInputs, in)
	res := contract.CollectionResult{Kind: in.Kind, Scope: in.Scope}
	due := map[string]time.Time{}
	end := in.Opens
	for _, s := range in.Slots {
		due[s.Key] = s.Due
		if c := s.Due.AddDate(0, 0, in.LateDays); c.After(end) {
			end = c
		}
	}
	lastIn := in.Opens
	byKey := map[string]contract.Submission{}
	for _, c := range f.canned[in.Kind] {
		d, ok := due[c.slot]
		if !ok {
			continue // another part's slot; run checks every canned slot was asked
		}
		at, err := plan.LocalTime(c.at).In(f.loc)
		if err != nil {
			// No t.Errorf here: workflow code must not log through testing.
			f.problems = append(f.problems, fmt.Sprintf("canned %s submission for slot %q at %q", in.Kind, c.slot, c.at))
			continue
		}
		byKey[c.slot] = contract.Submission{Slot: c.slot, Author: c.author, Text: c.text, Scores: c.scores, At: at, Late: at.After(d)}
		if at.After(lastIn) {
			lastIn = at
		}
	}
	if len(byKey) == len(in.Slots) {
		end = lastIn
	}
	if d := in.Clock.Real(end).Sub(workflow.Now(ctx)); d > 0 {
		if err := workflow.Sleep(ctx, d); err != nil {
			return res, err
		}
	}
	for _, s := range in.Slots {
		if sub, ok := byKey[s.Key]; ok {
			res.Submissions = append(res.Submissions, sub)
		} else {
			res.Missing = append(res.Missing, s.Key)
		}
	}
	return res, nil
}

type themeUpdate struct {
	rejected, err error
	value         contract.SetThemeResult
}

func (f *monthFixture) setThemeAt(local string, in contract.SetThemeInput) *themeUpdate {
	r := &themeUpdate{}
	id := fmt.Sprintf("set-theme %s %s", local, in.Email)
	f.env.RegisterDelayedCallback(func() {
		f.env.UpdateWorkflow(contract.UpdateSetTheme, id, &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { r.rejected = err },
			OnComplete: func(v any, err error) {
				r.err = err
				if res, ok := v.(contract.SetThemeResult); ok {
					r.value = res
				}
			},
		}, in)
	}, f.planTime(local).Sub(f.start))
	return r
}

func (f *monthFixture) run() contract.MonthProgress {
	f.t.Helper()
	f.env.ExecuteWorkflow(workflows.Month, f.in)
	for _, p := range f.problems {
		f.t.Errorf("bad fixture: %s", p)
	}
	asked := map[string]bool{}
	for _, in := range f.childInputs {
		for _, s := range in.Slots {
			asked[in.Kind+"/"+s.Key] = true
		}
	}
	for kind, cs := range f.canned {
		for _, c := range cs {
			if !asked[kind+"/"+c.slot] {
				f.t.Errorf("bad fixture: canned %s submission for slot %q, which no collection asked for", kind, c.slot)
			}
		}
	}
	if err := f.env.GetWorkflowError(); err != nil {
		f.t.Fatalf("month failed: %v", err)
	}
	var res contract.MonthProgress
	if err := f.env.GetWorkflowResult(&res); err != nil {
		f.t.Fatal(err)
	}
	return res
}

func emails(ps []plan.Person) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Email)
	}
	return strings.Join(out, ",")
}

func rejection(u *themeUpdate) string {
	if u.rejected == nil {
		return ""
	}
	return u.rejected.Error()
}

func TestMonthThemeSetByALeader(t *testing.T) {
	f := newMonthFixture(t)
	f.canned[contract.KindArrangement] = []canned{{slot: "arrangement", author: "wang.fang@example.edu", text: "Study the spirit of the youth congress.", at: "2026-10-02 15:00"}}
	f.canned[contract.KindThemeRecommendation] = []canned{{slot: "publicity", author: "sun.hao@example.edu", text: "Green campus", at: "2026-10-02 10:00"}}
	early := f.setThemeAt("2026-09-30 10:00", contract.SetThemeInput{Email: "li.wei@example.edu", Theme: "Too early"})
	head := f.setThemeAt("2026-10-03 09:00", contract.SetThemeInput{Email: "zhou.min@example.edu", Theme: "Red memory"})
	empty := f.setThemeAt("2026-10-03 09:30", contract.SetThemeInput{Email: "li.wei@example.edu", Theme: "   "})
	set := f.setThemeAt("2026-10-03 10:00", contract.SetThemeInput{Email: "LI.WEI@example.edu", Theme: "  Red   memory: our founders "})
	again := f.setThemeAt("2026-10-04 10:00", contract.SetThemeInput{Email: "wang.fang@example.edu", Theme: "Another theme"})
	var during contract.MonthProgress
	f.env.RegisterDelayedCallback(func() {
		during = queryAs[contract.MonthProgress](t, f.env, contract.QueryProgress)
	}, f.planTime("2026-10-03 12:00").Sub(f.start))
	got := f.run()

	wantRejections := map[string]*themeUpdate{
		"the theme of October 2026 can be set from Thu 1 Oct 2026, 09:00 (Asia/Shanghai)":                                          early,
		`"zhou.min@example.edu" is not one of the leaders of Fall term 2026; only a leader sets the theme of October 2026`:         head,
		"the theme is empty; write the theme of October 2026 in a few words":                                                       empty,
		`the theme of October 2026 was already set by Li Wei on Sat 3 Oct 2026, 10:00 (Asia/Shanghai): "Red memory: our founders"`: again,
	}
	for want, u := range wantRejections {
		if rejection(u) != want {
			t.Errorf("rejection %q, want %q", rejection(u), want)
		}
	}
	if set.rejected != nil || set.err != nil || set.value.Theme != "Red memory: our founders" {
		t.Fatalf("leader's theme: %+v", set)
	}
	if len(f.themes) != 1 {
		t.Fatalf("theme announced %d times, want once", len(f.themes))
	}
	th := f.themes[0]
	if f.themeAt[0] != "10-03 10:00" || th.Theme != "Red memory: our founders" || th.SetBy != "li.wei@example.edu" || th.SetByName != "Li Wei" || th.Fallback ||
		th.Arrangement != "Study the spirit of the youth congress." || !strings.HasPrefix(th.AuditKey, "update/set-theme 2026-10-03 10:00") {
		t.Errorf("announced at %s: %+v", f.themeAt[0], th)
	}
	if r := emails(th.Recipients); r != "zhou.min@example.edu,sun.hao@example.edu,yuan.jun@example.edu,guo.rui@example.edu,qian.bo@example.edu,li.wei@example.edu,wang.fang@example.edu" {
		t.Errorf("theme recipients %s, want every head and leader", r)
	}
	if during.Phase != contract.MonthPhaseCompetition || during.Theme == nil || during.Theme.Theme != "Red memory: our founders" {
		t.Errorf("progress on 3 October: %+v", during)
	}
	if got.Phase != contract.MonthPhasePublished || got.Counts.Recommendations != 1 {
		t.Errorf("result: phase %s, %d recommendations", got.Phase, got.Counts.Recommendations)
	}

	// The collections: IDs under the month, and what each asks of whom.
	wantIDs := []string{
		"semester/2026-fall/month/2026-10/arrangement",
		"semester/2026-fall/month/2026-10/competition_entry",
		"semester/2026-fall/month/2026-10/summary",
		"semester/2026-fall/month/2026-10/theme_recommendation",
	}
	sort.Strings(f.childIDs)
	if strings.Join(f.childIDs, "\n") != strings.Join(wantIDs, "\n") {
		t.Errorf("collections started:\n%s\nwant:\n%s", strings.Join(f.childIDs, "\n"), strings.Join(wantIDs, "\n"))
	}
	arr := f.collections[contract.KindArrangement]
	if len(arr.Slots) != 1 || emails(arr.Slots[0].Owners) != "li.wei@example.edu,wang.fang@example.edu" || arr.Slots[0].Due.In(f.loc).Format("01-02 15:04") != "10-05 23:59" || arr.Part != "month/2026-10/arrangement" {
		t.Errorf("arrangement collection: %+v", arr)
	}
	recs := f.collections[contract.KindThemeRecommendation]
	if len(recs.Slots) != 5 || emails(recs.Slots[1].Owners) != "sun.hao@example.edu" || len(recs.Slots[1].EscalateTo) != 0 || !recs.TextRequired || recs.Scope != "2026-10" {
		t.Errorf("recommendations collection: %+v", recs)
	}
	entries := f.collections[contract.KindCompetitionEntry]
	if len(entries.Slots) != 5 || entries.Slots[4].Key != "culture" || emails(entries.Slots[4].Owners) != "qian.bo@example.edu" ||
		len(entries.Slots[4].EscalateTo) != 0 || entries.Slots[4].Due.In(f.loc).Format("01-02 15:04") != "10-15 23:59" {
		t.Errorf("entries collection: %+v", entries)
	}
	if _, ok := f.collections[contract.KindCompetitionScore]; ok {
		t.Error("judges were asked to score though nobody entered")
	}
	if len(f.results) != 1 || len(f.results[0].Results) != 0 {
		t.Errorf("results announced %+v; want one announcement with no entries", f.results)
	}
}

func TestMonthThemeFallsBackToTheMostRecommended(t *testing.T) {
	f := newMonthFixture(t)
	// Two themes, each recommended twice. Green campus comes first in
	// department order, but Red memory was recommended first, so it wins.
	f.canned[contract.KindThemeRecommendation] = []canned{
		{slot: "organization", author: "zhou.min@example.edu", text: "Green campus\nWe would plant trees.", at: "2026-10-02 10:00"},
		{slot: "publicity", author: "sun.hao@example.edu", text: "red   MEMORY", at: "2026-10-03 10:00"},
		{slot: "sports", author: "yuan.jun@example.edu", text: "Volunteer week", at: "2026-10-01 11:00"},
		{slot: "arts", author: "guo.rui@example.edu", text: "green campus", at: "2026-10-04 10:00"},
		{slot: "culture", author: "qian.bo@example.edu", text: "Red memory", at: "2026-10-01 12:00"},
	}
	late := f.setThemeAt("2026-10-08 09:00", contract.SetThemeInput{Email: "li.wei@example.edu", Theme: "Too late"})
	got := f.run()

	if len(f.themes) != 1 {
		t.Fatalf("theme announced %d times", len(f.themes))
	}
	th := f.themes[0]
	if f.themeAt[0] != "10-07 23:59" || th.Theme != "Red memory" || !th.Fallback || th.SetBy != contract.ThemeSetByFallback || th.Recommendations != 2 || th.AuditKey != "" {
		t.Errorf("fallback announced at %s: %+v", f.themeAt[0], th)
	}
	want := "the theme of October 2026 was already decided on Wed 7 Oct 2026, 23:59 (Asia/Shanghai), from the departments' recommendations, as nobody set it by Wed 7 Oct 2026, 23:59 (Asia/Shanghai)"
	if rejection(late) != want {
		t.Errorf("late theme: %q, want %q", rejection(late), want)
	}
	if got.Theme == nil || got.Theme.Theme != "Red memory" || got.Counts.Recommendations != 5 {
		t.Errorf("result theme %+v, %d recommendations", got.Theme, got.Counts.Recommendations)
	}
	if len(f.digests) != 1 || f.digests[0].Theme != "Red memory" || f.digests[0].ThemeNote != "the theme most departments recommended" {
		t.Errorf("digest: %+v", f.digests)
	}
}

func TestMonthWithoutRecommendationsHasNoTheme(t *testing.T) {
	f := newMonthFixture(t)
	got := f.run()
	if len(f.themes) != 1 {
		t.Fatalf("theme announced %d times", len(f.themes))
	}
	th := f.themes[0]
	if th.Theme != "" || !th.Fallback || th.SetBy != contract.ThemeSetByFallback || th.Recommendations != 0 || f.themeAt[0] != "10-07 23:59" {
		t.Errorf("no-theme announcement at %s: %+v", f.themeAt[0], th)
	}
	if got.Theme == nil || got.Theme.Theme != "" || !got.Theme.Fallback {
		t.Errorf("result theme = %+v, want recorded as no theme", got.Theme)
	}
	if d := f.digests[0]; d.Theme != "" || d.ThemeNote != "" {
		t.Errorf("digest theme %q (%q), want none", d.Theme, d.ThemeNote)
	}
}

func TestMonthCompetitionRanksWithTheTieBreakRule(t *testing.T) {
	f := newMonthFixture(t)
	f.canned[contract.KindCompetitionEntry] = []canned{
		{slot: "organization", author: "zhou.min@example.edu", text: "A visit to the memorial hall", at: "2026-10-10 10:00"},
		{slot: "publicity", author: "sun.hao@example.edu", text: "A poster relay", at: "2026-10-09 10:00"},
		{slot: "sports", author: "yuan.jun@example.edu", text: "A red-route run", at: "2026-10-12 10:00"},
		{slot: "arts", author: "guo.rui@example.edu", text: "A choir", at: "2026-10-11 10:00"},
		{slot: "culture", author: "qian.bo@example.edu", text: "A reading circle", at: "2026-10-05 10:00"},
	}
	zh, cj := "zhang.hua@example.edu", "chen.jie@example.edu"
	f.canned[contract.KindCompetitionScore] = []canned{
		// organization and publicity: 25.5 each with equal criterion means
		// and two judges; publicity entered first.
		{slot: zh + "/organization", author: zh, scores: []float64{9, 8, 8}, at: "2026-10-14 10:00"},
		{slot: cj + "/organization", author: cj, scores: []float64{8, 9, 9}, at: "2026-10-14 11:00"},
		{slot: zh + "/publicity", author: zh, scores: []float64{9, 9, 8}, at: "2026-10-14 10:00"},
		{slot: cj + "/publicity", author: cj, scores: []float64{8, 8, 9}, at: "2026-10-14 11:00"},
		// sports: 25.5 from one judge, but 10 on the first criterion.
		{slot: zh + "/sports", author: zh, scores: []float64{10, 8, 7.5}, at: "2026-10-15 10:00"},
		// culture: the same means as the first two, but one judge only,
		// though it entered earliest.
		{slot: cj + "/culture", author: cj, scores: []float64{8.5, 8.5, 8.5}, at: "2026-10-15 11:00"},
		// arts: nobody scored it.
	}
	got := f.run()

	sc := f.collections[contract.KindCompetitionScore]
	if len(sc.Slots) != 10 || sc.Slots[0].Key != zh+"/organization" || emails(sc.Slots[0].Owners) != zh || sc.Slots[0].Label != "Organization Department" ||
		emails(sc.Slots[9].EscalateTo) != "li.wei@example.edu,wang.fang@example.edu" || strings.Join(sc.Criteria, ",") != "ideological content,creativity,participation" ||
		sc.MaxScore != 10 || sc.Part != "month/2026-10/competition_score" {
		t.Errorf("scores collection: %+v", sc)
	}
	// All entries were in on the 12th, so the judges were asked the next morning.
	if o := sc.Opens.In(f.loc).Format("01-02 15:04"); o != "10-13 09:00" {
		t.Errorf("scores open %s, want the morning after entries closed", o)
	}
	if len(f.results) != 1 {
		t.Fatalf("results announced %d times", len(f.results))
	}
	var order []string
	for _, r := range f.results[0].Results {
		order = append(order, fmt.Sprintf("%d %s %g/%d", r.Rank, r.DepartmentID, r.MeanTotal, r.Judges))
	}
	want := []string{"1 sports 25.5/1", "2 publicity 25.5/2", "3 organization 25.5/2", "4 culture 25.5/1", "0 arts 0/0"}
	if strings.Join(order, "; ") != strings.Join(want, "; ") {
		t.Errorf("ranking:\n%s\nwant:\n%s", strings.Join(order, "\n"), strings.Join(want, "\n"))
	}
	pub := f.results[0].Results[1]
	if fmt.Sprint(pub.CriterionMeans) != "[8.5 8.5 8.5]" || len(pub.ByJudge) != 2 || pub.ByJudge[1].Judge != cj {
		t.Errorf("publicity detail: %+v", pub)
	}
	// Every head, every judge and every leader hears the results.
	if r := emails(f.results[0].Recipients); !strings.Contains(r, "qian.bo@example.edu,zhang.hua@example.edu,chen.jie@example.edu,li.wei@example.edu") {
		t.Errorf("results recipients %s", r)
	}
	if f.resultsAt[0] != "10-20 23:59" {
		t.Errorf("results announced at %s, want when the scores closed", f.resultsAt[0])
	}
	if got.Counts.Entries != 5 || got.Counts.ScoresAsked != 10 || got.Counts.ScoresIn != 6 || len(got.Results) != 5 {
		t.Errorf("counts %+v", got.Counts)
	}
	if d := f.digests[0]; len(d.Results) != 5 || d.Results[0].DepartmentID != "sports" {
		t.Errorf("the digest lacks the results: %+v", d.Results)
	}
}

// TestMonthDigestNeverWaitsForTheThemeEmail: the theme's announcement
// takes 40 days to go out. The competition's results and the digest still
// go out when their collections end, and the month says the theme's email
// was late.
func TestMonthDigestNeverWaitsForTheThemeEmail(t *testing.T) {
	f := newSlowMonthFixture(t, 40*24*time.Hour)
	f.canned[contract.KindThemeRecommendation] = []canned{{slot: "arts", author: "guo.rui@example.edu", text: "Green campus", at: "2026-10-02 10:00"}}
	got := f.run()
	if len(f.digestAt) != 1 || len(f.themeAt) != 1 || f.digestAt[0] >= f.themeAt[0] || len(f.resultsAt) != 1 || f.resultsAt[0] >= f.themeAt[0] {
		t.Errorf("theme emailed %v, results %v, digest %v; want the results and the digest before the late theme", f.themeAt, f.resultsAt, f.digestAt)
	}
	if got.Phase != contract.MonthPhasePublished || len(got.Problems) != 1 ||
		got.Problems[0] != "the announcement of the theme of October 2026 went out 40 days late" {
		t.Errorf("month ended %s with problems %q", got.Phase, got.Problems)
	}
}

func TestMonthSummariesLateAndMissingThenTheDigest(t *testing.T) {
	f := newMonthFixture(t)
	f.canned[contract.KindThemeRecommendation] = []canned{{slot: "arts", author: "guo.rui@example.edu", text: "Green campus", at: "2026-10-02 10:00"}}
	f.canned[contract.KindCompetitionEntry] = []canned{{slot: "arts", author: "guo.rui@example.edu", text: "A choir", at: "2026-10-11 10:00"}}
	f.canned[contract.KindCompetitionScore] = []canned{{slot: "chen.jie@example.edu/arts", author: "chen.jie@example.edu", scores: []float64{7, 8, 9}, at: "2026-10-16 10:00"}}
	f.canned[contract.KindSummary] = []canned{
		{slot: "organization", author: "wu.tong@example.edu", text: "A visit to the memorial hall.", at: "2026-11-02 20:00"},
		{slot: "publicity", author: "sun.hao@example.edu", text: "Posters.", at: "2026-11-05 10:00"},
		{slot: "arts", author: "guo.rui@example.edu", text: "A choir.", at: "2026-11-03 09:00"},
		{slot: "culture", author: "xu.lan@example.edu", text: "not an owner, but mocks take anything", at: "2026-11-06 22:00"},
		// sports never hands in.
	}
	var before contract.MonthProgress
	digestsBefore := -1
	f.env.RegisterDelayedCallback(func() {
		before = queryAs[contract.MonthProgress](t, f.env, contract.QueryProgress)
		digestsBefore = len(f.digests)
	}, f.planTime("2026-11-04 12:00").Sub(f.start))
	got := f.run()

	s := f.collections[contract.KindSummary]
	if o := s.Opens.In(f.loc).Format("01-02 15:04"); o != "11-01 09:00" || s.LateDays != 3 || fmt.Sprint(s.RemindDaysBefore) != "[1]" || !s.TextRequired {
		t.Errorf("summaries collection: opens %s, %+v", o, s)
	}
	if emails(s.Slots[0].Owners) != "wu.tong@example.edu,zhou.min@example.edu" || emails(s.Slots[0].EscalateTo) != "zhou.min@example.edu" {
		t.Errorf("organization's summary is asked of %s, escalated to %s; want the secretary and the head, escalated to the head", emails(s.Slots[0].Owners), emails(s.Slots[0].EscalateTo))
	}
	if emails(s.Slots[1].Owners) != "sun.hao@example.edu" || emails(s.Slots[2].Owners) != "he.xin@example.edu,yuan.jun@example.edu" {
		t.Errorf("summary owners: publicity %s, sports %s", emails(s.Slots[1].Owners), emails(s.Slots[2].Owners))
	}
	if d := s.Slots[0].Due.In(f.loc).Format("01-02 15:04"); d != "11-03 23:59" {
		t.Errorf("summaries due %s", d)
	}
	if before.Phase != contract.MonthPhaseSummaries || digestsBefore != 0 {
		t.Errorf("on 4 November: phase %s, %d digests; want waiting for summaries", before.Phase, digestsBefore)
	}
	if len(f.digests) != 1 || f.digestAt[0] != "11-06 23:59" {
		t.Fatalf("digests %d at %v; want one when the late window closed", len(f.digests), f.digestAt)
	}
	d := f.digests[0]
	if d.Month != "2026-10" || d.MonthName != "October 2026" || d.Theme != "Green campus" || len(d.Results) != 1 || d.Results[0].Rank != 1 || d.Results[0].MeanTotal != 24 {
		t.Errorf("digest parts: %+v", d)
	}
	var depts []string
	for _, dd := range d.Departments {
		depts = append(depts, dd.ID)
	}
	if strings.Join(depts, ",") != "organization,publicity,sports,arts,culture" || emails(d.Departments[0].People) != "wu.tong@example.edu,zhou.min@example.edu" {
		t.Errorf("digest departments %v", d.Departments)
	}
	if emails(d.Recipients) != "zhou.min@example.edu,sun.hao@example.edu,yuan.jun@example.edu,guo.rui@example.edu,qian.bo@example.edu,li.wei@example.edu,wang.fang@example.edu" {
		t.Errorf("digest recipients %s", emails(d.Recipients))
	}
	if got.Phase != contract.MonthPhasePublished || got.Counts.Summaries != 4 || got.Counts.SummariesLate != 2 || strings.Join(got.Missing, ",") != "sports" {
		t.Errorf("result: phase %s, counts %+v, missing %v", got.Phase, got.Counts, got.Missing)
	}
}

// TestMonthWithRealCollections runs a month on the real Collection
// children: people hand in through the collections' submit update, the
// leader sets the theme on the month, and the digest gets every part.
func TestMonthWithRealCollections(t *testing.T) {
	p := monthPlan(t)
	loc := p.Location()
	start := p.MonthCalendar()[0].Opens
	env := testEnv(start)
	notified := map[string]int{} // "<collection kind> <notification kind>" -> batches
	stored := map[string]int{}   // collection kind -> submissions stored
	// The month's collections run side by side and the environment runs
	// each activity on its own goroutine, so these mocks lock mu.
	var mu sync.Mutex
	env.OnActivity(acts.NotifyCollection, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in contract.NotifyCollectionInput) (contract.DeliveryResult, error) {
			id := strings.Split(activityWorkflowID(ctx), "/")
			mu.Lock()
			defer mu.Unlock()
			notified[id[len(id)-1]+" "+in.Kind]++
			return contract.DeliveryResult{}, nil
		})
	env.OnActivity(acts.RecordCollectionOutcome, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(acts.RecordSubmissions, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.RecordSubmissionsInput) error {
			mu.Lock()
			defer mu.Unlock()
			stored[in.Kind] += len(in.Submissions)
			return nil
		})
	var theme []contract.AnnounceMonthThemeInput
	var results []contract.AnnounceCompetitionInput
	var digest []contract.PublishMonthDigestInput
	env.OnActivity(acts.AnnounceMonthTheme, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.AnnounceMonthThemeInput) (contract.DeliveryResult, error) {
			theme = append(theme, in)
			return contract.DeliveryResult{}, nil
		})
	env.OnActivity(acts.AnnounceCompetitionResults, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.AnnounceCompetitionInput) (contract.DeliveryResult, error) {
			results = append(results, in)
			return contract.DeliveryResult{}, nil
		})
	env.OnActivity(acts.PublishMonthDigest, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.PublishMonthDigestInput) (contract.DeliveryResult, error) {
			digest = append(digest, in)
			return contract.DeliveryResult{}, nil
		})

	var rejected []string
	submit := func(local, kind string, in contract.SubmitInput) {
		at, _ := plan.LocalTime(local).In(loc)
		env.RegisterDelayedCallback(func() {
			err := env.UpdateWorkflowByID(contract.MonthCollectionWorkflowID("2026-fall", "2026-10", kind), contract.UpdateSubmit, local+in.Email+in.Slot,
				&testsuite.TestUpdateCallback{
					OnAccept:   func() {},
					OnReject:   func(err error) { rejected = append(rejected, err.Error()) },
					OnComplete: func(any, error) {},
				}, in)
			if err != nil {
				t.Errorf("submit %s to %s: %v", in.Email, kind, err)
			}
		}, at.Sub(start))
	}
	submit("2026-10-02 10:00", contract.KindArrangement, contract.SubmitInput{Email: "wang.fang@example.edu", Text: "Study the congress."})
	submit("2026-10-02 11:00", contract.KindThemeRecommendation, contract.SubmitInput{Email: "sun.hao@example.edu", Text: "Green campus"})
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(contract.UpdateSetTheme, "theme-1", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { rejected = append(rejected, err.Error()) }, OnComplete: func(any, error) {},
		}, contract.SetThemeInput{Email: "li.wei@example.edu", Theme: "Red memory"})
	}, 2*24*time.Hour+3*time.Hour)
	submit("2026-10-09 10:00", contract.KindCompetitionEntry, contract.SubmitInput{Email: "sun.hao@example.edu", Text: "A poster relay"})
	submit("2026-10-10 10:00", contract.KindCompetitionEntry, contract.SubmitInput{Email: "zhou.min@example.edu", Text: "A memorial visit"})
	submit("2026-10-17 10:00", contract.KindCompetitionScore, contract.SubmitInput{Email: "zhang.hua@example.edu", Slot: "zhang.hua@example.edu/publicity", Scores: []float64{9, 9, 8}})
	submit("2026-10-17 11:00", contract.KindCompetitionScore, contract.SubmitInput{Email: "zhang.hua@example.edu", Slot: "zhang.hua@example.edu/organization", Scores: []float64{7, 7, 7}})
	submit("2026-10-18 10:00", contract.KindCompetitionScore, contract.SubmitInput{Email: "chen.jie@example.edu", Slot: "chen.jie@example.edu/organization", Scores: []float64{10, 10, 10}})
	submit("2026-11-02 20:00", contract.KindSummary, contract.SubmitInput{Email: "wu.tong@example.edu", Text: "A visit to the memorial hall."})
	submit("2026-11-05 10:00", contract.KindSummary, contract.SubmitInput{Email: "sun.hao@example.edu", Text: "Posters."})

	env.ExecuteWorkflow(workflows.Month, contract.MonthInputFrom(*p, "2026-10", plan.ProductionClock(start), ""))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var got contract.MonthProgress
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	if len(rejected) != 0 {
		t.Errorf("rejected: %v", rejected)
	}
	if len(theme) != 1 || theme[0].Theme != "Red memory" || theme[0].Arrangement != "Study the congress." {
		t.Errorf("theme %+v", theme)
	}
	if len(results) != 1 || len(results[0].Results) != 2 || results[0].Results[0].DepartmentID != "publicity" || results[0].Results[0].MeanTotal != 26 ||
		results[0].Results[1].MeanTotal != 25.5 || results[0].Results[1].Judges != 2 {
		t.Errorf("results %+v", results)
	}
	if len(digest) != 1 || digest[0].Theme != "Red memory" || len(digest[0].Results) != 2 || len(digest[0].Departments) != 5 {
		t.Errorf("digest %+v", digest)
	}
	if got.Counts.Summaries != 2 || got.Counts.SummariesLate != 1 || strings.Join(got.Missing, ",") != "sports,arts,culture" || got.Counts.ScoresIn != 3 || got.Counts.ScoresAsked != 4 {
		t.Errorf("counts %+v, missing %v", got.Counts, got.Missing)
	}
	if stored[contract.KindSummary] != 2 || stored[contract.KindCompetitionScore] != 3 {
		t.Errorf("stored %v", stored)
	}
	// Summaries: the request, a reminder the day before and an escalation
	// to the heads at the deadline; scores: the missing one escalated.
	for _, k := range []string{"summary request", "summary reminder", "summary escalation", "competition_score request", "competition_score escalation"} {
		if notified[k] != 1 {
			t.Errorf("%d %q batches, want 1 (all: %v)", notified[k], k, notified)
		}
	}
}

// activityWorkflowID is the ID of the workflow that ran an activity.
func activityWorkflowID(ctx context.Context) string {
	return activity.GetInfo(ctx).WorkflowExecution.ID
}
