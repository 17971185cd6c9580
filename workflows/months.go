package workflows

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
)

// maxThemeLength bounds a theme, in characters: a theme is a title, not a
// text.
const maxThemeLength = 200

// Month runs one month of organisation life. Its collections ask the
// leaders for the Youth League Committee's arrangement and the departments
// for theme recommendations, competition entries and, from the first of
// the next month, their summaries; judges score the entries once entries
// close. A leader sets the theme with UpdateSetTheme until the theme's due
// date, after which the most recommended theme is taken. The theme and the
// competition's results are recorded and announced by email, and when the
// summaries are in, the monthly digest is compiled, archived and emailed.
//
// Everything people hand in goes to the child Collections, so the Month's
// own history stays at a few dozen events whatever the number of
// departments.
func Month(ctx workflow.Context, in contract.MonthInput) (_ contract.MonthProgress, err error) {
	m, err := newMonth(in)
	if err != nil {
		return contract.MonthProgress{}, err
	}
	defer func() { m.report.failed(ctx, err) }()
	if err := m.setup(ctx); err != nil {
		return contract.MonthProgress{}, err
	}
	return m.run(ctx)
}

type month struct {
	in      contract.MonthInput
	loc     *time.Location
	leaders map[string]plan.Person // email -> leader
	phase   string
	open    bool
	// theme is the decision, once taken; themeAuditKey keys the leader's
	// audit entry. themeClosed is set when the due date passed and no
	// decision is admitted any more.
	theme         *contract.MonthTheme
	themeAuditKey string
	themeClosed   bool
	recsDone      bool
	recs          contract.CollectionResult
	announced     bool // the theme
	resultsOut    bool // the competition's results
	// resultsStored says the results are in Postgres, not in m.results' payloads.
	resultsStored bool
	published     bool
	counts        contract.MonthCounts
	results       []contract.CompetitionEntryResult
	missing       []string
	err           error
	report        *reporter
	// beside sends the announcements and the digest beside the calendar.
	beside *beside
	// children are the collections that ask the departments, and
	// peopleVersion the plan version of the people they ask.
	children      []monthChild
	peopleVersion int
	// scoring is set once the judges are asked: the judging no longer changes.
	scoring bool
}

func newMonth(in contract.MonthInput) (*month, error) {
	if in.Month.ID == "" {
		return nil, contract.BadInput("the plan runs no organisation life in this month", nil)
	}
	if len(in.Departments) == 0 || len(in.Leaders) == 0 {
		return nil, contract.BadInput(fmt.Sprintf("month %s needs departments and leaders", in.Month.ID), nil)
	}
	if !in.TimeZone.Known() {
		return nil, contract.BadInput(fmt.Sprintf("time zone: unknown time zone %s", in.TimeZone.Name()), nil)
	}
	m := &month{in: in, loc: in.TimeZone.Location(), leaders: map[string]plan.Person{}, phase: contract.MonthPhaseTheme,
		report: &reporter{termKey: in.ReportTo, part: "month/" + in.Month.ID}}
	for _, l := range in.Leaders {
		m.leaders[plan.NormalizeEmail(l.Email)] = l
	}
	m.counts.Departments = len(in.Departments)
	return m, nil
}

func (m *month) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandlerWithOptions(ctx, contract.QueryProgress,
		func() (contract.MonthProgress, error) { return m.progress(), nil },
		workflow.QueryHandlerOptions{Description: "The month's phase, theme, what came in and the competition's results"},
	); err != nil {
		return err
	}
	m.setupPeople(ctx)
	return workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateSetTheme, m.setTheme, workflow.UpdateHandlerOptions{
		Validator:   m.validateTheme,
		Description: "A leader sets the theme of " + m.in.Month.Name + "'s organisation life",
	})
}

func (m *month) run(ctx workflow.Context) (contract.MonthProgress, error) {
	m.beside = newBeside(ctx, m.in.Clock)
	m.report.beside = m.beside
	s := m.in.Month
	if d := m.in.Clock.Real(s.Opens).Sub(workflow.Now(ctx)); d > 0 {
		if err := workflow.NewTimerWithOptions(ctx, d, workflow.TimerOptions{Summary: "opens: " + s.Name + "'s organisation life"}).Get(ctx, nil); err != nil {
			return contract.MonthProgress{}, err
		}
	}
	m.open = true
	m.setPhase(ctx)

	arrangement := m.collect(ctx, m.arrangementInput())
	recs := m.collect(ctx, m.recommendationsInput())
	entries := m.collect(ctx, m.entriesInput())
	summaries := m.collect(ctx, m.summariesInput())
	m.children = []monthChild{
		{kind: m.recommendationsInput().Kind, f: recs, slots: m.recommendationsInput},
		{kind: m.entriesInput().Kind, f: entries, slots: m.entriesInput},
		{kind: m.summariesInput().Kind, f: summaries, slots: m.summariesInput},
	}

	workflow.Go(ctx, func(ctx workflow.Context) {
		if err := recs.Get(ctx, &m.recs); err != nil {
			m.fail(fmt.Errorf("theme recommendations: %w", err))
			return
		}
		m.counts.Recommendations = len(m.recs.Submissions)
		m.recsDone = true
	})
	workflow.Go(ctx, func(ctx workflow.Context) { m.fail(m.runTheme(ctx, arrangement)) })
	workflow.Go(ctx, func(ctx workflow.Context) { m.fail(m.runCompetition(ctx, entries)) })
	if err := workflow.Await(ctx, func() bool { return m.err != nil || m.announced && m.resultsOut }); err != nil {
		return contract.MonthProgress{}, err
	}
	if m.err != nil {
		return contract.MonthProgress{}, m.err
	}

	var sums contract.CollectionResult
	if err := summaries.Get(ctx, &sums); err != nil {
		return contract.MonthProgress{}, fmt.Errorf("summaries: %w", err)
	}
	m.counts.Summaries = len(sums.Submissions)
	for _, sub := range sums.Submissions {
		if sub.Late {
			m.counts.SummariesLate++
		}
	}
	m.missing = sums.Missing
	if err := m.publish(ctx); err != nil {
		return contract.MonthProgress{}, err
	}
	// The last report says how every email went.
	if err := m.beside.wait(ctx); err != nil {
		return contract.MonthProgress{}, err
	}
	m.published = true
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return contract.MonthProgress{}, err
	}
	m.setPhase(ctx)
	if err := m.beside.wait(ctx); err != nil {
		return contract.MonthProgress{}, err
	}
	return m.result(), nil
}

// monthResultListsUpTo is how many ranked entries the result of a month
// whose results are in Postgres keeps: a thousand departments' entries,
// each with every judge's scores, would pass 256 KiB.
const monthResultListsUpTo = 20

// result is the month's progress as its workflow's result: with the
// results stored, only the leading entries, and MoreResults counts the rest.
// A completion's payload is not compared on replay, so this needs no version.
func (m *month) result() contract.MonthProgress {
	p := m.progress()
	if m.resultsStored && len(p.Results) > monthResultListsUpTo {
		p.MoreResults = len(p.Results) - monthResultListsUpTo
		p.Results = p.Results[:monthResultListsUpTo]
	}
	return p
}

// fail keeps the first error of a coroutine for run to return.
func (m *month) fail(err error) {
	if err != nil && m.err == nil {
		m.err = err
	}
}

// collect starts one of the month's collections as a child workflow.
func (m *month) collect(ctx workflow.Context, in contract.CollectionInput) *collectionRun {
	return startCollection(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            contract.MonthCollectionWorkflowID(m.in.TermID, m.in.Month.ID, in.Kind),
		StaticSummary:         fmt.Sprintf("%s: %s", m.in.Month.Name, strings.ReplaceAll(in.Kind, "_", " ")),
		StaticDetails:         fmt.Sprintf("Collects %s for %s; %d slots.", in.Title, m.in.TermName, len(in.Slots)),
		TypedSearchAttributes: temporal.NewSearchAttributes(contract.SearchTerm.ValueSet(m.in.TermID)),
	}, in)
}

// collectionInput fills what every collection of the month shares.
func (m *month) collectionInput(kind, title string, opens time.Time) contract.CollectionInput {
	return contract.CollectionInput{
		TermID: m.in.TermID, TermName: m.in.TermName, TimeZone: m.in.TimeZone,
		Kind: kind, Scope: m.in.Month.ID, Title: title, Opens: opens,
		RemindDaysBefore: []int{1}, SendTime: m.in.SendTime, Clock: m.in.Clock,
		ReportTo: m.in.ReportTo, Part: "month/" + m.in.Month.ID + "/" + kind,
	}
}

func (m *month) arrangementInput() contract.CollectionInput {
	s := m.in.Month
	in := m.collectionInput(contract.KindArrangement, "the Youth League Committee's arrangement for "+s.Name+"'s organisation life", s.Opens)
	in.Instructions = "Record the arrangement as the Youth League Committee gave it; it goes out with the month's theme."
	in.TextRequired = true
	in.Slots = []contract.Slot{{Key: contract.KindArrangement, Label: "Youth League Committee's arrangement", Due: s.RecommendationsDue, Owners: m.in.Leaders}}
	return in
}

func (m *month) recommendationsInput() contract.CollectionInput {
	s := m.in.Month
	in := m.collectionInput(contract.KindThemeRecommendation, "your department's recommended theme for "+s.Name+"'s organisation life", s.Opens)
	in.Instructions = fmt.Sprintf("Write the theme on the first line; a few words on why may follow. The leaders set the theme by %s; if they do not, the theme most departments recommend is taken.", m.in.TimeZone.Human(s.ThemeDue))
	in.TextRequired = true
	for _, d := range m.in.Departments {
		in.Slots = append(in.Slots, contract.Slot{Key: d.ID, Label: d.Name, Due: s.RecommendationsDue, Owners: []plan.Person{d.Head}, Department: d.ID})
	}
	return in
}

func (m *month) entriesInput() contract.CollectionInput {
	s := m.in.Month
	in := m.collectionInput(contract.KindCompetitionEntry, "your department's entry to "+s.Name+"'s group-life design competition", s.Opens)
	in.Instructions = "Describe your department's own special group-life activity: its idea, its form and how members take part. The judges score it on " + strings.Join(m.in.Criteria, ", ") + "."
	in.TextRequired = true
	for _, d := range m.in.Departments {
		in.Slots = append(in.Slots, contract.Slot{Key: d.ID, Label: d.Name, Due: s.EntriesDue, Owners: []plan.Person{d.Head}, Department: d.ID})
	}
	return in
}

func (m *month) summariesInput() contract.CollectionInput {
	s := m.in.Month
	in := m.collectionInput(contract.KindSummary, "your department's summary of "+s.Name+"'s organisation life", s.SummariesOpen)
	in.Instructions = "What your department did for the month's organisation life, who took part and what came of it. The summaries are compiled into the monthly digest for the Youth League Committee."
	in.TextRequired = true
	in.LateDays = 3
	for _, d := range m.in.Departments {
		owners := []plan.Person{d.Secretary}
		if plan.NormalizeEmail(d.Secretary.Email) != plan.NormalizeEmail(d.Head.Email) {
			owners = append(owners, d.Head)
		}
		in.Slots = append(in.Slots, contract.Slot{Key: d.ID, Label: d.Name, Due: s.SummariesDue, Owners: owners, EscalateTo: []plan.Person{d.Head}, Department: d.ID})
	}
	return in
}

// scoresInput asks each judge to score each entered department. Requests
// go out at the next send time, not at the moment entries close.
func (m *month) scoresInput(ctx workflow.Context, entered []contract.MonthDepartment) contract.CollectionInput {
	s := m.in.Month
	now := m.in.Clock.Plan(workflow.Now(ctx))
	opens := plan.Date(now.In(m.loc).Format("2006-01-02")).At(m.in.SendTime, m.loc)
	if opens.Before(now) {
		opens = opens.AddDate(0, 0, 1)
	}
	if !opens.Before(s.ScoresDue) {
		opens = now
	}
	in := m.collectionInput(contract.KindCompetitionScore, "your scores for "+s.Name+"'s group-life design competition", opens)
	in.Instructions = fmt.Sprintf("Score every entry from 0 to %g on each criterion. An optional comment may go with your scores.", m.in.MaxScore)
	in.Criteria, in.MaxScore = m.in.Criteria, m.in.MaxScore
	for _, j := range m.in.Judges {
		for _, d := range entered {
			in.Slots = append(in.Slots, contract.Slot{Key: scoreSlot(j, d), Label: d.Name, Due: s.ScoresDue, Owners: []plan.Person{j}, EscalateTo: m.in.Leaders})
		}
	}
	return in
}

func scoreSlot(judge plan.Person, d contract.MonthDepartment) string {
	return plan.NormalizeEmail(judge.Email) + "/" + d.ID
}

// runTheme waits for a leader's decision until the theme's due date, falls
// back to the most recommended theme, then records and announces it.
func (m *month) runTheme(ctx workflow.Context, arrangement *collectionRun) error {
	s := m.in.Month
	if d := m.in.Clock.Real(s.ThemeDue).Sub(workflow.Now(ctx)); d > 0 && m.theme == nil {
		if _, err := workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{
			Timeout:      d,
			TimerOptions: workflow.TimerOptions{Summary: "theme due: " + s.Name},
		}, func() bool { return m.theme != nil }); err != nil {
			return err
		}
	}
	// From here no leader's decision is admitted.
	m.themeClosed = true
	if m.theme == nil {
		if err := workflow.Await(ctx, func() bool { return m.recsDone || m.err != nil }); err != nil || m.err != nil {
			return err
		}
		theme, n := mostRecommended(m.recs.Submissions)
		m.theme = &contract.MonthTheme{Theme: theme, SetBy: contract.ThemeSetByFallback, Fallback: true, Recommendations: n, At: m.in.Clock.Plan(workflow.Now(ctx))}
	}
	// The theme goes out with the arrangement, which is in by now unless
	// the leaders set the theme before recording it.
	var arr contract.CollectionResult
	if err := arrangement.Get(ctx, &arr); err != nil {
		return fmt.Errorf("arrangement: %w", err)
	}
	if len(arr.Submissions) > 0 {
		m.theme.Arrangement = arr.Submissions[0].Text
	}
	t := m.theme
	in := contract.AnnounceMonthThemeInput{
		TermID: m.in.TermID, TermName: m.in.TermName, TimeZone: m.in.TimeZone,
		Month: s.ID, MonthName: s.Name, Arrangement: t.Arrangement, Theme: t.Theme,
		SetBy: t.SetBy, SetByName: t.SetByName, Fallback: t.Fallback, Recommendations: t.Recommendations,
		SetAt: t.At, AuditKey: m.themeAuditKey, EntriesDue: s.EntriesDue, SummariesDue: s.SummariesDue,
		Recipients: m.headsAndLeaders(),
	}
	summary := "the announcement of the theme of " + s.Name
	if t.Theme == "" {
		summary = "the announcement that " + s.Name + " has no theme"
	}
	if err := m.beside.mail(ctx, email{
		what: summary, due: t.At, until: s.SummariesDue,
		activity: a.AnnounceMonthTheme, input: in,
	}); err != nil {
		return fmt.Errorf("announce the theme: %w", err)
	}
	m.announced = true
	m.setPhase(ctx)
	return nil
}

// runCompetition waits for the entries, has the judges score them, ranks
// them and announces the results.
func (m *month) runCompetition(ctx workflow.Context, entries *collectionRun) error {
	var er contract.CollectionResult
	if err := entries.Get(ctx, &er); err != nil {
		return fmt.Errorf("competition entries: %w", err)
	}
	m.counts.Entries = len(er.Submissions)
	entered := map[string]bool{}
	for _, sub := range er.Submissions {
		entered[sub.Slot] = true
	}
	var depts []contract.MonthDepartment
	for _, d := range m.in.Departments {
		if entered[d.ID] {
			depts = append(depts, d)
		}
	}
	var sr contract.CollectionResult
	m.scoring = true
	if len(depts) > 0 && len(m.in.Judges) > 0 {
		in := m.scoresInput(ctx, depts)
		m.counts.ScoresAsked = len(in.Slots)
		if err := m.collect(ctx, in).Get(ctx, &sr); err != nil {
			return fmt.Errorf("judges' scores: %w", err)
		}
		m.counts.ScoresIn = len(sr.Submissions)
	}
	m.results = rankEntries(m.in.Departments, m.in.Judges, m.in.Criteria, er, sr)

	in := contract.AnnounceCompetitionInput{
		TermID: m.in.TermID, TermName: m.in.TermName, Month: m.in.Month.ID, MonthName: m.in.Month.Name,
		Criteria: m.in.Criteria, MaxScore: m.in.MaxScore, Results: m.results,
		Recipients: append(append(m.heads(), m.in.Judges...), m.in.Leaders...),
	}
	if err := m.storeLargeResults(ctx); err != nil {
		return err
	}
	if m.resultsStored {
		in.Results, in.ResultsStored = nil, true
	}
	if err := m.beside.mail(ctx, email{
		what: fmt.Sprintf("the competition results of %s (%d entries)", m.in.Month.Name, len(m.results)),
		due:  m.in.Clock.Plan(workflow.Now(ctx)), activity: a.AnnounceCompetitionResults, input: in,
	}); err != nil {
		return fmt.Errorf("announce the competition results: %w", err)
	}
	m.resultsOut = true
	m.setPhase(ctx)
	return nil
}

// competitionResultsVersion guards storing a large competition's results
// in pages before they are announced.
const competitionResultsVersion = "competition-results-stored"

// storeLargeResults stores the results of a competition with more entries
// than one payload should carry, a page at a time, so the announcement
// and the digest read them from Postgres.
func (m *month) storeLargeResults(ctx workflow.Context) error {
	if len(m.results) <= maxSlotsPerCollection ||
		workflow.GetVersion(ctx, competitionResultsVersion, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return nil
	}
	for from := 0; from < len(m.results); from += maxSlotsPerCollection {
		page := m.results[from:min(from+maxSlotsPerCollection, len(m.results))]
		actx := withStoreOptions(ctx, fmt.Sprintf("store competition results %d to %d of %d", from+1, from+len(page), len(m.results)))
		if err := workflow.ExecuteActivity(actx, a.StoreCompetitionResults, contract.StoreCompetitionResultsInput{
			TermID: m.in.TermID, Month: m.in.Month.ID, Results: page,
		}).Get(ctx, nil); err != nil {
			return fmt.Errorf("store the competition results: %w", err)
		}
	}
	m.resultsStored = true
	return nil
}

// publish compiles, archives and emails the monthly digest.
func (m *month) publish(ctx workflow.Context) error {
	s := m.in.Month
	in := contract.PublishMonthDigestInput{
		TermID: m.in.TermID, TermName: m.in.TermName, TimeZone: m.in.TimeZone,
		Month: s.ID, MonthName: s.Name, Criteria: m.in.Criteria, MaxScore: m.in.MaxScore,
		Results: m.results, Recipients: m.headsAndLeaders(), At: m.in.Clock.Plan(workflow.Now(ctx)),
	}
	if t := m.theme; t != nil {
		in.Theme, in.Arrangement = t.Theme, t.Arrangement
		switch {
		case t.Theme == "":
		case t.Fallback:
			in.ThemeNote = "the theme most departments recommended"
		default:
			in.ThemeNote = "set by " + t.SetByName
		}
	}
	if m.resultsStored {
		in.Results, in.ResultsStored = nil, true
	}
	in.PeopleInDirectory = len(m.in.Departments) > maxSlotsPerCollection
	for _, d := range m.in.Departments {
		dd := contract.DigestDepartment{ID: d.ID, Name: d.Name}
		if !in.PeopleInDirectory {
			dd.People = []plan.Person{d.Secretary, d.Head}
		}
		in.Departments = append(in.Departments, dd)
	}
	if err := m.beside.mail(ctx, email{
		what: fmt.Sprintf("the digest of %s (%d of %d summaries)", s.Name, m.counts.Summaries, len(m.in.Departments)),
		due:  in.At, activity: a.PublishMonthDigest, input: in,
	}); err != nil {
		return fmt.Errorf("publish the digest: %w", err)
	}
	return nil
}

func (m *month) heads() []plan.Person {
	out := make([]plan.Person, 0, len(m.in.Departments))
	for _, d := range m.in.Departments {
		out = append(out, d.Head)
	}
	return out
}

// headsAndLeaders are who hear the theme and the digest; the activities
// send a person listed twice one email.
func (m *month) headsAndLeaders() []plan.Person {
	return append(m.heads(), m.in.Leaders...)
}

// normalizeTheme is how themes are compared: without case and with runs of
// spaces as one.
func normalizeTheme(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// themeOf reads the theme off a recommendation: its first non-empty line,
// spaces collapsed.
func themeOf(text string) string {
	for _, line := range strings.Split(text, "\n") {
		if t := strings.Join(strings.Fields(line), " "); t != "" {
			return t
		}
	}
	return ""
}

// mostRecommended returns the theme most departments recommended and how
// many did, comparing themes without case and extra spaces. A tie goes to
// the theme recommended first. No recommendation gives no theme.
func mostRecommended(subs []contract.Submission) (string, int) {
	type candidate struct {
		theme string
		count int
		first time.Time
		order int
	}
	var cands []*candidate
	byKey := map[string]*candidate{}
	for i, sub := range subs {
		theme := themeOf(sub.Text)
		if theme == "" {
			continue
		}
		key := normalizeTheme(theme)
		c, ok := byKey[key]
		if !ok {
			c = &candidate{theme: theme, first: sub.At, order: i}
			byKey[key] = c
			cands = append(cands, c)
		}
		c.count++
		// Submissions follow slot order, not time: keep the wording of the
		// earliest recommendation.
		if sub.At.Before(c.first) {
			c.theme, c.first = theme, sub.At
		}
	}
	var best *candidate
	for _, c := range cands {
		if best == nil || c.count > best.count ||
			c.count == best.count && (c.first.Before(best.first) || c.first.Equal(best.first) && c.order < best.order) {
			best = c
		}
	}
	if best == nil {
		return "", 0
	}
	return best.theme, best.count
}

// rankEntries ranks the competition's entries. An entry's total is the
// mean, over the judges who scored it, of the sum of their criterion
// scores. Entries are ordered by
//  1. the higher mean total;
//  2. the higher mean score on the first criterion, then on each next
//     criterion in order;
//  3. more judges who scored it;
//  4. the earlier entry;
//  5. the plan's order of departments.
//
// Means are compared to six decimal places, so sums that differ only by
// floating-point rounding count as equal. Entries nobody scored come last
// with rank 0, in plan order.
func rankEntries(depts []contract.MonthDepartment, judges []plan.Person, criteria []string, entries, scores contract.CollectionResult) []contract.CompetitionEntryResult {
	entryAt := map[string]time.Time{}
	for _, sub := range entries.Submissions {
		entryAt[sub.Slot] = sub.At
	}
	scoreBy := map[string][]float64{}
	for _, sub := range scores.Submissions {
		if len(sub.Scores) == len(criteria) {
			scoreBy[sub.Slot] = sub.Scores
		}
	}
	type ranked struct {
		contract.CompetitionEntryResult
		at  time.Time
		pos int
	}
	var scored, unscored []ranked
	for pos, d := range depts {
		at, ok := entryAt[d.ID]
		if !ok {
			continue
		}
		r := ranked{CompetitionEntryResult: contract.CompetitionEntryResult{DepartmentID: d.ID, DepartmentName: d.Name}, at: at, pos: pos}
		sums := make([]float64, len(criteria))
		total := 0.0
		for _, j := range judges {
			sc, ok := scoreBy[scoreSlot(j, d)]
			if !ok {
				continue
			}
			r.Judges++
			r.ByJudge = append(r.ByJudge, contract.JudgeScores{Judge: plan.NormalizeEmail(j.Email), Scores: sc})
			for k, v := range sc {
				sums[k] += v
				total += v
			}
		}
		if r.Judges == 0 {
			unscored = append(unscored, r)
			continue
		}
		r.MeanTotal = total / float64(r.Judges)
		for _, v := range sums {
			r.CriterionMeans = append(r.CriterionMeans, v/float64(r.Judges))
		}
		scored = append(scored, r)
	}
	round := func(x float64) float64 { return math.Round(x*1e6) / 1e6 }
	sort.SliceStable(scored, func(i, j int) bool {
		a, b := scored[i], scored[j]
		if x, y := round(a.MeanTotal), round(b.MeanTotal); x != y {
			return x > y
		}
		for k := range a.CriterionMeans {
			if x, y := round(a.CriterionMeans[k]), round(b.CriterionMeans[k]); x != y {
				return x > y
			}
		}
		if a.Judges != b.Judges {
			return a.Judges > b.Judges
		}
		if !a.at.Equal(b.at) {
			return a.at.Before(b.at)
		}
		return a.pos < b.pos
	})
	out := make([]contract.CompetitionEntryResult, 0, len(scored)+len(unscored))
	for i, r := range scored {
		r.Rank = i + 1
		out = append(out, r.CompetitionEntryResult)
	}
	for _, r := range unscored {
		out = append(out, r.CompetitionEntryResult)
	}
	return out
}

func (m *month) validateTheme(ctx workflow.Context, in contract.SetThemeInput) error {
	_, err := m.checkTheme(ctx, in)
	return contract.AsRefusal(err)
}

// checkTheme says, in words the leader understands, why a theme cannot be
// set, or returns the leader.
func (m *month) checkTheme(ctx workflow.Context, in contract.SetThemeInput) (plan.Person, error) {
	s := m.in.Month
	leader, ok := m.leaders[plan.NormalizeEmail(in.Email)]
	theme := strings.Join(strings.Fields(in.Theme), " ")
	now := m.in.Clock.Plan(workflow.Now(ctx))
	switch {
	case !ok:
		return leader, fmt.Errorf("%q is not one of the leaders of %s; only a leader sets the theme of %s", in.Email, m.in.TermName, s.Name)
	case !m.open || now.Before(s.Opens):
		return leader, fmt.Errorf("the theme of %s can be set from %s", s.Name, m.in.TimeZone.Human(s.Opens))
	case m.theme != nil && m.theme.Fallback:
		return leader, fmt.Errorf("the theme of %s was already decided on %s, from the departments' recommendations, as nobody set it by %s", s.Name, m.in.TimeZone.Human(m.theme.At), m.in.TimeZone.Human(s.ThemeDue))
	case m.theme != nil:
		return leader, fmt.Errorf("the theme of %s was already set by %s on %s: %q", s.Name, m.theme.SetByName, m.in.TimeZone.Human(m.theme.At), m.theme.Theme)
	case m.themeClosed || !now.Before(s.ThemeDue):
		return leader, fmt.Errorf("the theme of %s had to be set by %s; the theme most departments recommended is taken instead", s.Name, m.in.TimeZone.Human(s.ThemeDue))
	case theme == "":
		return leader, fmt.Errorf("the theme is empty; write the theme of %s in a few words", s.Name)
	case utf8.RuneCountInString(theme) > maxThemeLength:
		return leader, fmt.Errorf("the theme has %d characters; keep it to %d", utf8.RuneCountInString(theme), maxThemeLength)
	}
	return leader, nil
}

func (m *month) setTheme(ctx workflow.Context, in contract.SetThemeInput) (contract.SetThemeResult, error) {
	leader, err := m.checkTheme(ctx, in)
	if err != nil {
		return contract.SetThemeResult{}, contract.AsRefusal(err)
	}
	at := m.in.Clock.Plan(workflow.Now(ctx))
	m.theme = &contract.MonthTheme{Theme: strings.Join(strings.Fields(in.Theme), " "), SetBy: plan.NormalizeEmail(leader.Email), SetByName: leader.Name, At: at}
	m.themeAuditKey = "update/" + workflow.GetCurrentUpdateInfo(ctx).ID
	return contract.SetThemeResult{Theme: m.theme.Theme, At: at}, nil
}

// setPhase moves to the earliest part of the month not finished yet, shows
// it and reports it to the term.
func (m *month) setPhase(ctx workflow.Context) {
	phase := contract.MonthPhasePublished
	switch {
	case !m.announced:
		phase = contract.MonthPhaseTheme
	case !m.resultsOut:
		phase = contract.MonthPhaseCompetition
	case !m.published:
		phase = contract.MonthPhaseSummaries
	}
	m.phase = phase
	if err := workflow.UpsertTypedSearchAttributes(ctx, contract.SearchPhase.ValueSet(phase)); err != nil {
		workflow.GetLogger(ctx).Warn("phase search attribute not updated", "error", err)
	}
	m.showProgress(ctx)
	s := m.in.Month
	rep := contract.PartReport{Phase: m.phase, Done: m.published, Summary: m.summaryLine(), Problems: m.progress().Problems}
	switch m.phase {
	case contract.MonthPhaseTheme:
		rep.Next = &contract.Deadline{What: "theme of " + s.Name, Due: s.ThemeDue}
	case contract.MonthPhaseCompetition:
		rep.Next = &contract.Deadline{What: "judges' scores for " + s.Name, Due: s.ScoresDue}
	case contract.MonthPhaseSummaries:
		rep.Next = &contract.Deadline{What: "summaries of " + s.Name, Due: s.SummariesDue}
	}
	m.report.send(ctx, rep)
}

func (m *month) summaryLine() string {
	theme := "no theme yet"
	if t := m.theme; t != nil && m.announced {
		switch {
		case t.Theme == "":
			theme = "no theme"
		case t.Fallback:
			theme = fmt.Sprintf("theme %q (most recommended)", t.Theme)
		default:
			theme = fmt.Sprintf("theme %q", t.Theme)
		}
	}
	line := fmt.Sprintf("%s: %s", m.in.Month.Name, theme)
	if m.resultsOut {
		line += fmt.Sprintf("; %d competition entries", m.counts.Entries)
	}
	if m.published {
		line += fmt.Sprintf("; digest published with %d of %d summaries", m.counts.Summaries, m.counts.Departments)
	}
	return line
}

// showProgress keeps a short Markdown table in the Web UI's current details.
func (m *month) showProgress(ctx workflow.Context) {
	c := m.counts
	workflow.SetCurrentDetails(ctx, fmt.Sprintf(
		"**%s** organisation life: %s\n\n%s\n\n| recommendations | entries | scores | summaries (late) |\n|---|---|---|---|\n| %d | %d | %d of %d | %d (%d) of %d |",
		m.in.Month.Name, m.phase, m.summaryLine(), c.Recommendations, c.Entries, c.ScoresIn, c.ScoresAsked, c.Summaries, c.SummariesLate, c.Departments))
}

func (m *month) progress() contract.MonthProgress {
	p := contract.MonthProgress{Month: m.in.Month.ID, Name: m.in.Month.Name, Phase: m.phase, Counts: m.counts,
		Results: m.results, Missing: m.missing, Schedule: m.in.Month}
	if m.theme != nil {
		t := *m.theme
		p.Theme = &t
	}
	if m.beside != nil {
		p.Problems = append([]string(nil), m.beside.problems...)
	}
	return p
}
