package plan

import (
	"fmt"
	"strings"
	"time"
)

// Kickoff is the ministerial meeting of all department heads that opens the
// term's work: the department presents its main tasks, and every department
// hands in its own plan and suggestions afterwards.
type Kickoff struct {
	At              LocalTime `yaml:"at" json:"at"`
	Where           string    `yaml:"where,omitempty" json:"where,omitempty"`
	DurationMinutes int       `yaml:"duration_minutes,omitempty" json:"duration_minutes,omitempty"`
	// Agenda lists the term's main tasks, presented at the meeting.
	Agenda []string `yaml:"agenda" json:"agenda"`
	// PlansDueDays is how many days after the meeting each department's
	// plan and suggestions are due. Default 7.
	PlansDueDays int `yaml:"plans_due_days,omitempty" json:"plans_due_days,omitempty"`
}

// Exchanges are the department meetings held every few weeks from the
// kickoff to the end of the term, with sign-in, minutes and attendance.
type Exchanges struct {
	// First is the first exchange; the rest follow at the same local time.
	First           LocalTime `yaml:"first" json:"first"`
	EveryWeeks      int       `yaml:"every_weeks,omitempty" json:"every_weeks,omitempty"`
	DurationMinutes int       `yaml:"duration_minutes,omitempty" json:"duration_minutes,omitempty"`
	Where           string    `yaml:"where,omitempty" json:"where,omitempty"`
	// SkipWeeksOf names holiday and exam weeks: no exchange is held in the
	// Monday-to-Sunday week containing any of these dates.
	SkipWeeksOf []Date `yaml:"skip_weeks_of,omitempty" json:"skip_weeks_of,omitempty"`
	// SignInOpensMinutesBefore and SignInClosesMinutesAfter bound sign-in
	// around the start. Defaults 30 and 30.
	SignInOpensMinutesBefore int `yaml:"sign_in_opens_minutes_before,omitempty" json:"sign_in_opens_minutes_before,omitempty"`
	SignInClosesMinutesAfter int `yaml:"sign_in_closes_minutes_after,omitempty" json:"sign_in_closes_minutes_after,omitempty"`
	// MinutesDueDays is how many days after an exchange its minutes are due
	// from the department's secretary. Default 2.
	MinutesDueDays int `yaml:"minutes_due_days,omitempty" json:"minutes_due_days,omitempty"`
	// Changes move or cancel single exchanges of the calendar, named by
	// their number; the others keep their numbers and dates.
	Changes []ExchangeChange `yaml:"changes,omitempty" json:"changes,omitempty"`
	// From changes the series from an exchange on: its day and time, its
	// rhythm or its place. Each entry's exchanges replace those of the
	// rhythm before it from its first on, and their numbers follow on.
	From []ExchangeSeries `yaml:"from,omitempty" json:"from,omitempty"`
}

// ExchangeSeries is the exchanges from First on: every EveryWeeks weeks (0
// keeps the rhythm before it), at Where (empty keeps the place).
type ExchangeSeries struct {
	First      LocalTime `yaml:"first" json:"first"`
	EveryWeeks int       `yaml:"every_weeks,omitempty" json:"every_weeks,omitempty"`
	Where      string    `yaml:"where,omitempty" json:"where,omitempty"`
}

// ExchangeChange moves one exchange (To, and Where for a new place) or
// cancels it.
type ExchangeChange struct {
	Number    int       `yaml:"number" json:"number"`
	To        LocalTime `yaml:"to,omitempty" json:"to,omitempty"`
	Where     string    `yaml:"where,omitempty" json:"where,omitempty"`
	Cancelled bool      `yaml:"cancelled,omitempty" json:"cancelled,omitempty"`
}

// Months describes the monthly organisation life: a theme, a group-life
// design competition and every department's summary.
type Months struct {
	// Run lists the months, as YYYY-MM, in which organisation life runs.
	Run []string `yaml:"run" json:"run"`
	// Day of the month by which the leaders record the Youth League
	// Committee's arrangement and departments recommend themes.
	RecommendationsDueDay int `yaml:"recommendations_due_day,omitempty" json:"recommendations_due_day,omitempty"`
	// Day by which the leaders set the theme; after it the most recommended
	// theme is taken.
	ThemeDueDay int `yaml:"theme_due_day,omitempty" json:"theme_due_day,omitempty"`
	// Days by which competition entries and the judges' scores are due.
	EntriesDueDay int `yaml:"entries_due_day,omitempty" json:"entries_due_day,omitempty"`
	ScoresDueDay  int `yaml:"scores_due_day,omitempty" json:"scores_due_day,omitempty"`
	// Day of the following month by which each department's summary is due.
	SummaryDueDay int      `yaml:"summary_due_day,omitempty" json:"summary_due_day,omitempty"`
	Judges        []Person `yaml:"judges" json:"judges"`
	Criteria      []string `yaml:"criteria" json:"criteria"`
	MaxScore      float64  `yaml:"max_score,omitempty" json:"max_score,omitempty"`
}

// Contest is the knowledge contest and its preparation milestones.
type Contest struct {
	Name  string    `yaml:"name" json:"name"`
	At    LocalTime `yaml:"at" json:"at"`
	Where string    `yaml:"where,omitempty" json:"where,omitempty"`
	// Milestones lead up to the contest, each with an owner and a due date.
	Milestones       []Milestone `yaml:"milestones" json:"milestones"`
	RemindDaysBefore []int       `yaml:"remind_days_before,omitempty" json:"remind_days_before,omitempty"`
	// AtRiskDays: the contest is at risk when a milestone is still open this
	// many days before it. Default 7.
	AtRiskDays int `yaml:"at_risk_days,omitempty" json:"at_risk_days,omitempty"`
	// ResultsDueDays is how long after the contest its results are due.
	ResultsDueDays int `yaml:"results_due_days,omitempty" json:"results_due_days,omitempty"`
}

// Milestone is one step of the contest's preparation.
type Milestone struct {
	Title string `yaml:"title" json:"title"`
	Owner string `yaml:"owner" json:"owner"`
	Due   Date   `yaml:"due" json:"due"`
}

// Tasks configures the help the department gives other departments.
type Tasks struct {
	RemindDaysBefore []int `yaml:"remind_days_before,omitempty" json:"remind_days_before,omitempty"`
	// Coordinator assigns officers to requests; default the first leader.
	Coordinator string `yaml:"coordinator,omitempty" json:"coordinator,omitempty"`
}

// Evaluation is the end-of-semester evaluation of every officer.
type Evaluation struct {
	Opens Date `yaml:"opens" json:"opens"`
	// AssessmentsDue is when the leaders' assessments are due.
	AssessmentsDue Date `yaml:"assessments_due" json:"assessments_due"`
	// ExcusedWeight is how much an excused absence counts as attendance,
	// from 0 (as an absence) to 1 (as a presence). Default 0.5.
	ExcusedWeight *float64 `yaml:"excused_weight,omitempty" json:"excused_weight,omitempty"`
	Weights       Weights  `yaml:"weights" json:"weights"`
	MaxScore      float64  `yaml:"max_score,omitempty" json:"max_score,omitempty"`
}

// Weights say how much each part counts in an officer's evaluation.
type Weights struct {
	Attendance float64 `yaml:"attendance" json:"attendance"`
	Training   float64 `yaml:"training" json:"training"`
	Tasks      float64 `yaml:"tasks" json:"tasks"`
	Assessment float64 `yaml:"assessment" json:"assessment"`
}

// normalizeParts fills in the later parts' defaults, for the numbers the
// plan leaves out (given holds those it writes). The numbers stay plain
// values rather than pointers, so the plan's JSON, which the workflows
// carry and recorded histories hold, keeps its shape: once decoded, every
// number is set.
func (p *Plan) normalizeParts(given map[string]bool) {
	setDefault := func(path string, v *int, d int) {
		if *v == 0 && !given[path] {
			*v = d
		}
	}
	if k := p.Kickoff; k != nil {
		setDefault("kickoff.duration_minutes", &k.DurationMinutes, 120)
		setDefault("kickoff.plans_due_days", &k.PlansDueDays, 7)
	}
	if x := p.Exchanges; x != nil {
		setDefault("exchanges.every_weeks", &x.EveryWeeks, 2)
		setDefault("exchanges.duration_minutes", &x.DurationMinutes, 60)
		setDefault("exchanges.sign_in_opens_minutes_before", &x.SignInOpensMinutesBefore, 30)
		setDefault("exchanges.sign_in_closes_minutes_after", &x.SignInClosesMinutesAfter, 30)
		setDefault("exchanges.minutes_due_days", &x.MinutesDueDays, 2)
	}
	if m := p.Months; m != nil {
		setDefault("months.recommendations_due_day", &m.RecommendationsDueDay, 5)
		setDefault("months.theme_due_day", &m.ThemeDueDay, 7)
		setDefault("months.entries_due_day", &m.EntriesDueDay, 15)
		setDefault("months.scores_due_day", &m.ScoresDueDay, 20)
		setDefault("months.summary_due_day", &m.SummaryDueDay, 3)
		if m.MaxScore == 0 && !given["months.max_score"] {
			m.MaxScore = 10
		}
		for i := range m.Judges {
			m.Judges[i].normalize()
		}
	}
	if c := p.Contest; c != nil {
		setDefault("contest.at_risk_days", &c.AtRiskDays, 7)
		setDefault("contest.results_due_days", &c.ResultsDueDays, 2)
		if c.RemindDaysBefore == nil {
			c.RemindDaysBefore = []int{3, 1}
		}
		for i := range c.Milestones {
			c.Milestones[i].Owner = NormalizeEmail(c.Milestones[i].Owner)
		}
	}
	if t := p.Tasks; t != nil {
		if t.RemindDaysBefore == nil {
			t.RemindDaysBefore = []int{1}
		}
		t.Coordinator = NormalizeEmail(t.Coordinator)
	}
	if e := p.Evaluation; e != nil {
		if e.ExcusedWeight == nil {
			w := 0.5
			e.ExcusedWeight = &w
		}
		if e.MaxScore == 0 && !given["evaluation.max_score"] {
			e.MaxScore = 10
		}
	}
}

func (c *checker) kickoff() {
	k := c.p.Kickoff
	if k == nil {
		return
	}
	at, err := k.At.In(c.loc)
	atOK := c.inTerm("kickoff.at", at, err, string(k.At))
	if len(k.Agenda) == 0 {
		c.ps.add("kickoff.agenda", "lists no main task")
	}
	c.count("kickoff.agenda", len(k.Agenda), MaxAgenda, "main tasks")
	for i, a := range k.Agenda {
		if strings.TrimSpace(a) == "" {
			c.ps.add(fmt.Sprintf("kickoff.agenda[%d]", i), "is empty")
		}
	}
	c.minutes("kickoff.duration_minutes", k.DurationMinutes, 1)
	if c.dayCount("kickoff.plans_due_days", k.PlansDueDays, 0) && atOK {
		day := Date(at.Format(dateLayout))
		if due := day.AddDays(k.PlansDueDays); daysBetween(due, c.p.Term.Ends) < 0 {
			c.ps.add("kickoff.plans_due_days", "puts the plans' due date on %s, after the term ends on %s; it may be at most %d",
				due, c.p.Term.Ends, daysBetween(day, c.p.Term.Ends))
		}
	}
}

func (c *checker) exchanges() {
	x := c.p.Exchanges
	if x == nil {
		return
	}
	at, err := x.First.In(c.loc)
	calendarOK := c.inTerm("exchanges.first", at, err, string(x.First))
	if x.EveryWeeks < 1 || x.EveryWeeks > max(1, c.days/7) {
		span := "the whole weeks from term.starts to term.ends"
		if !c.termOK {
			span = "the weeks a term may span"
		}
		c.ps.add("exchanges.every_weeks", "must be from 1 to %d (%s), got %d", max(1, c.days/7), span, x.EveryWeeks)
		calendarOK = false
	}
	c.count("exchanges.skip_weeks_of", len(x.SkipWeeksOf), MaxSkipWeeks, "dates")
	for i, d := range x.SkipWeeksOf {
		day, err := d.In(c.loc)
		if err != nil {
			calendarOK = false
		}
		c.inTerm(fmt.Sprintf("exchanges.skip_weeks_of[%d]", i), day, err, string(d))
	}
	calendarOK = c.exchangeSeries(at, calendarOK) && calendarOK
	durationOK := c.minutes("exchanges.duration_minutes", x.DurationMinutes, 1)
	opensOK := c.minutes("exchanges.sign_in_opens_minutes_before", x.SignInOpensMinutesBefore, 0)
	if c.minutes("exchanges.sign_in_closes_minutes_after", x.SignInClosesMinutesAfter, 0) && opensOK &&
		x.SignInOpensMinutesBefore == 0 && x.SignInClosesMinutesAfter == 0 {
		c.ps.add("exchanges.sign_in_closes_minutes_after", "is 0 as sign_in_opens_minutes_before is, which leaves no time to sign in; give one of them from 1 to %d minutes", MaxMinutes)
	}
	minutesOK := c.dayCount("exchanges.minutes_due_days", x.MinutesDueDays, 0)
	if !calendarOK {
		return
	}
	c.exchangeChanges()
	if durationOK && minutesOK {
		for _, m := range c.p.ExchangeCalendar() {
			if m.MinutesDue.Before(m.End) {
				c.ps.add("exchanges.minutes_due_days", "makes the minutes of the exchange on %s due at %s, before it ends at %s",
					m.Start.Format(dateLayout), m.MinutesDue.Format(localTimeLayout), m.End.Format(localTimeLayout))
				break
			}
		}
	}
	// A plan with an exchanges section means to hold exchanges: one whose
	// every date is skipped would run the part with nothing in it.
	slots := c.p.exchangeSlots(c.loc)
	for _, s := range slots {
		if s.skippedBy < 0 {
			return
		}
	}
	if len(slots) == 1 {
		s := slots[0]
		c.ps.add("exchanges", "holds no exchange: the only one in the term, on %s, falls in the week of skip_weeks_of[%d] (%s); "+
			"move exchanges.first or hold them more often", s.start.Format(localTimeLayout), s.skippedBy, x.SkipWeeksOf[s.skippedBy])
		return
	}
	every := "every week"
	if x.EveryWeeks > 1 {
		every = fmt.Sprintf("every %d weeks", x.EveryWeeks)
	}
	c.ps.add("exchanges", "holds no exchange: all %d in the term, from %s %s, fall in weeks of skip_weeks_of", len(slots), x.First, every)
}

func (c *checker) months() {
	m := c.p.Months
	if m == nil {
		return
	}
	daysOK := true
	for _, f := range []struct {
		path string
		day  int
	}{{"months.recommendations_due_day", m.RecommendationsDueDay}, {"months.theme_due_day", m.ThemeDueDay},
		{"months.entries_due_day", m.EntriesDueDay}, {"months.scores_due_day", m.ScoresDueDay}, {"months.summary_due_day", m.SummaryDueDay}} {
		if f.day < 1 || f.day > 28 {
			c.ps.add(f.path, "must be a day of the month from 1 to 28, got %d", f.day)
			daysOK = false
		}
	}
	if daysOK && m.RecommendationsDueDay > m.ThemeDueDay {
		c.ps.add("months.theme_due_day", "day %d comes before the recommendations are due (day %d)", m.ThemeDueDay, m.RecommendationsDueDay)
	}
	if daysOK && m.EntriesDueDay > m.ScoresDueDay {
		c.ps.add("months.scores_due_day", "day %d comes before the entries are due (day %d)", m.ScoresDueDay, m.EntriesDueDay)
	}
	send := orDefault(c.p.Training.SendTime, DefaultSendTime)
	if _, _, err := send.parse(); err != nil {
		daysOK = false // reported with the training
	}
	if len(m.Run) == 0 {
		c.ps.add("months.run", "lists no month")
	}
	c.count("months.run", len(m.Run), MaxMonths, "months")
	seen := map[string]bool{}
	for i, id := range m.Run {
		path := fmt.Sprintf("months.run[%d]", i)
		y, mon, ok, why := readMonth(id)
		if !ok {
			c.ps.add(path, "%v", notA(id, "a month (want YYYY-MM)", "a month", why))
			continue
		}
		if seen[id] {
			c.ps.add(path, "%s is listed twice", id)
		}
		seen[id] = true
		if !c.termOK {
			continue
		}
		first := time.Date(y, mon, 1, 0, 0, 0, 0, c.loc)
		summaryDue := time.Date(y, mon+1, m.SummaryDueDay, 23, 59, 0, 0, c.loc)
		if first.AddDate(0, 1, 0).Before(c.start) || !first.Before(c.endOfTerm) {
			c.ps.add(path, "%s is outside the term (%s to %s)", id, c.p.Term.Starts, c.p.Term.Ends)
			continue
		} else if !summaryDue.Before(c.endOfTerm) {
			c.ps.add(path, "%s's summaries would be due on %s, after the term ends on %s", id, summaryDue.Format(dateLayout), c.p.Term.Ends)
		}
		if !daysOK {
			continue
		}
		// A month opens with the term when the term starts within it: what
		// is due before then could never be handed in.
		s := monthSchedule(id, first, c.start, m, send)
		due, what := s.RecommendationsDue, "recommendations are due"
		if s.EntriesDue.Before(due) {
			due, what = s.EntriesDue, "competition entries are due"
		}
		if !s.Opens.Before(due) {
			c.ps.add(path, "%s opens with the term at %s, not before its %s (%s); leave the month out or move its due days",
				id, s.Opens.Format(localTimeLayout), what, due.Format(localTimeLayout))
		}
		if !s.SummariesOpen.Before(s.SummariesDue) {
			c.ps.add(path, "%s's summaries would open at %s (training.send_time), not before they are due (%s)",
				id, s.SummariesOpen.Format(localTimeLayout), s.SummariesDue.Format(localTimeLayout))
		}
	}
	if len(m.Judges) == 0 {
		c.ps.add("months.judges", "lists no judge for the group-life design competition")
	}
	c.count("months.judges", len(m.Judges), MaxJudges, "judges")
	for i, j := range m.Judges {
		validatePerson(&c.ps, fmt.Sprintf("months.judges[%d]", i), j)
	}
	if len(m.Criteria) == 0 {
		c.ps.add("months.criteria", "lists no criterion for the competition")
	}
	c.count("months.criteria", len(m.Criteria), MaxCriteria, "criteria")
	for i, cr := range m.Criteria {
		if strings.TrimSpace(cr) == "" {
			c.ps.add(fmt.Sprintf("months.criteria[%d]", i), "is empty")
		}
	}
	c.score("months.max_score", m.MaxScore)
}

func (c *checker) contest() {
	k := c.p.Contest
	if k == nil {
		return
	}
	if strings.TrimSpace(k.Name) == "" {
		c.ps.add("contest.name", "is empty")
	}
	at, err := k.At.In(c.loc)
	contestOK := c.inTerm("contest.at", at, err, string(k.At))
	if len(k.Milestones) == 0 {
		c.ps.add("contest.milestones", "lists no milestone")
	}
	c.count("contest.milestones", len(k.Milestones), MaxMilestones, "milestones")
	for i, ms := range k.Milestones {
		path := fmt.Sprintf("contest.milestones[%d]", i)
		if strings.TrimSpace(ms.Title) == "" {
			c.ps.add(path+".title", "is empty")
		}
		if !validEmail(ms.Owner) {
			c.ps.add(path+".owner", "%q is not an email address", ms.Owner)
		}
		due, err := ms.Due.In(c.loc)
		if c.inTerm(path+".due", due, err, string(ms.Due)) && contestOK && due.After(at) {
			c.ps.add(path+".due", "%s is after the contest on %s", ms.Due, k.At)
		}
	}
	c.reminders("contest.remind_days_before", k.RemindDaysBefore)
	c.dayCount("contest.at_risk_days", k.AtRiskDays, 0)
	c.dayCount("contest.results_due_days", k.ResultsDueDays, 0)
}

func (c *checker) tasks() {
	t := c.p.Tasks
	if t == nil {
		return
	}
	if t.Coordinator != "" && !validEmail(t.Coordinator) {
		c.ps.add("tasks.coordinator", "%q is not an email address", t.Coordinator)
	}
	c.reminders("tasks.remind_days_before", t.RemindDaysBefore)
}

func (c *checker) evaluation() {
	e := c.p.Evaluation
	if e == nil {
		return
	}
	opens, err := e.Opens.In(c.loc)
	openOK := c.inTerm("evaluation.opens", opens, err, string(e.Opens))
	due, err := e.AssessmentsDue.In(c.loc)
	if c.inTerm("evaluation.assessments_due", due, err, string(e.AssessmentsDue)) && openOK && !due.After(opens) {
		c.ps.add("evaluation.assessments_due", "%s is not after evaluation.opens %s", e.AssessmentsDue, e.Opens)
	}
	if e.ExcusedWeight != nil {
		if w := *e.ExcusedWeight; !(w >= 0 && w <= 1) {
			c.ps.add("evaluation.excused_weight", "must be from 0 to 1, got %g", w)
		}
	}
	w := e.Weights
	sum, weightsOK := 0.0, true
	for _, f := range []struct {
		name  string
		value float64
	}{{"attendance", w.Attendance}, {"training", w.Training}, {"tasks", w.Tasks}, {"assessment", w.Assessment}} {
		if !(f.value >= 0 && f.value <= MaxWeight) {
			c.ps.add("evaluation.weights."+f.name, "must be from 0 to %d, got %g", MaxWeight, f.value)
			weightsOK = false
		}
		sum += f.value
	}
	if weightsOK && sum <= 0 {
		c.ps.add("evaluation.weights", "are all zero; give at least one part a weight")
	}
	c.score("evaluation.max_score", e.MaxScore)
}

// Span is when a meeting starts and ends: the one type every payload
// carries a meeting's time in (its fields flatten into the payload's JSON).
type Span struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Meeting is one exchange on the term's calendar.
type Meeting struct {
	// Number counts the exchanges from 1.
	Number int `json:"number"`
	Span
	// SignInOpens and SignInCloses bound sign-in.
	SignInOpens  time.Time `json:"sign_in_opens"`
	SignInCloses time.Time `json:"sign_in_closes"`
	MinutesDue   time.Time `json:"minutes_due"`
	// Where is set for an exchange moved to another place.
	Where string `json:"where,omitempty"`
}

// ExchangeCalendar lists the exchanges from the first to the end of the
// term, every EveryWeeks weeks at the same local time, leaving out the weeks
// named in SkipWeeksOf. Local wall-clock times hold across daylight-saving
// changes. A skipped week moves nothing else: the series keeps its rhythm.
// It returns nil for a plan without exchanges or whose first exchange,
// rhythm or term does not parse, and never runs past the term's end,
// whatever the numbers.
func (p *Plan) ExchangeCalendar() []Meeting {
	x := p.Exchanges
	if x == nil {
		return nil
	}
	loc, err := time.LoadLocation(p.Term.TimeZone)
	if err != nil {
		return nil
	}
	var out []Meeting
	number := 0
	for _, s := range p.exchangeSlots(loc) {
		if s.skippedBy >= 0 {
			continue
		}
		number++
		start, where, cancelled := s.start, s.where, false
		for _, ch := range x.Changes {
			if ch.Number != number {
				continue
			}
			cancelled = ch.Cancelled
			if t, err := ch.To.In(loc); ch.To != "" && err == nil {
				start = t
			}
			if ch.Where != "" {
				where = ch.Where
			}
		}
		if cancelled {
			continue
		}
		m := Meeting{
			Number:       number,
			Span:         Span{Start: start, End: start.Add(time.Duration(x.DurationMinutes) * time.Minute)},
			SignInOpens:  start.Add(-time.Duration(x.SignInOpensMinutesBefore) * time.Minute),
			SignInCloses: start.Add(time.Duration(x.SignInClosesMinutesAfter) * time.Minute),
			Where:        where,
		}
		m.MinutesDue = time.Date(start.Year(), start.Month(), start.Day()+max(-maxShiftDays, min(x.MinutesDueDays, maxShiftDays)), 23, 59, 0, 0, loc)
		out = append(out, m)
	}
	return out
}

// exchangeSlot is one date of the exchanges' rhythm within the term.
type exchangeSlot struct {
	start time.Time
	// where is the place a series of From gives, or empty.
	where string
	// skippedBy is the index in SkipWeeksOf of the date whose week holds
	// the slot, or -1 when the exchange takes place.
	skippedBy int
}

// exchangeSlots lists the dates the exchanges' rhythm gives within the
// term, skipped or not. It stops at the term's end, so it takes at most a
// step per week of the term, and it counts the steps in days so no product
// of the plan's numbers can overflow.
func (p *Plan) exchangeSlots(loc *time.Location) []exchangeSlot {
	x := p.Exchanges
	first, err := x.First.In(loc)
	if err != nil || x.EveryWeeks < 1 {
		return nil
	}
	end, err := p.Term.Ends.In(loc)
	if err != nil {
		return nil
	}
	endOfTerm := end.AddDate(0, 0, 1)
	// Each series of From runs until the next one's first exchange; one
	// that does not parse, or does not come after the one before it, is
	// left out (validation says why).
	every, where := x.EveryWeeks, ""
	var out []exchangeSlot
	for _, series := range x.From {
		next, err := series.First.In(loc)
		if err != nil || !next.After(first) || !next.Before(endOfTerm) {
			continue
		}
		out = append(out, p.rhythm(loc, first, every, next, where)...)
		first = next
		if series.EveryWeeks > 0 {
			every = series.EveryWeeks
		}
		if series.Where != "" {
			where = series.Where
		}
	}
	return append(out, p.rhythm(loc, first, every, endOfTerm, where)...)
}

// rhythm lists the dates every `every` weeks from first until before
// until, marking those in a skipped week, each at where.
func (p *Plan) rhythm(loc *time.Location, first time.Time, every int, until time.Time, where string) []exchangeSlot {
	x := p.Exchanges
	// Whole days from the first exchange to until, in seconds so
	// that no Duration saturates. They bound the steps, so the loop checks
	// a step before taking it and weeks*7 stays small.
	span := (until.Unix() - first.Unix()) / 86400
	skip := map[string]int{}
	for i, d := range x.SkipWeeksOf {
		if day, err := d.In(loc); err == nil {
			if _, dup := skip[weekOf(day)]; !dup {
				skip[weekOf(day)] = i
			}
		}
	}
	var out []exchangeSlot
	for weeks := 0; ; weeks += every {
		start := time.Date(first.Year(), first.Month(), first.Day()+7*weeks, first.Hour(), first.Minute(), 0, 0, loc)
		if !start.Before(until) {
			break
		}
		s := exchangeSlot{start: start, where: where, skippedBy: -1}
		if i, ok := skip[weekOf(start)]; ok {
			s.skippedBy = i
		}
		out = append(out, s)
		if int64(every) > span/7+1-int64(weeks) {
			break
		}
	}
	return out
}

// weekOf names the Monday-to-Sunday week of a day, by its Monday.
func weekOf(t time.Time) string {
	offset := (int(t.Weekday()) + 6) % 7 // days since Monday
	monday := time.Date(t.Year(), t.Month(), t.Day()-offset, 0, 0, 0, 0, t.Location())
	return monday.Format(dateLayout)
}

// MonthSchedule is one month of organisation life on the calendar.
type MonthSchedule struct {
	// ID is the month as YYYY-MM.
	ID                 string    `json:"id"`
	Name               string    `json:"name"`
	Opens              time.Time `json:"opens"`
	RecommendationsDue time.Time `json:"recommendations_due"`
	ThemeDue           time.Time `json:"theme_due"`
	EntriesDue         time.Time `json:"entries_due"`
	ScoresDue          time.Time `json:"scores_due"`
	// SummariesOpen on the first of the next month.
	SummariesOpen time.Time `json:"summaries_open"`
	SummariesDue  time.Time `json:"summaries_due"`
}

// MonthCalendar lists the months of organisation life with their due dates,
// each at 23:59 local time. Months run from their first day, or the term's
// first day when the term starts within the month.
func (p *Plan) MonthCalendar() []MonthSchedule {
	m := p.Months
	if m == nil {
		return nil
	}
	loc := p.Location()
	start, _ := p.Term.Starts.In(loc)
	send := orDefault(p.Training.SendTime, DefaultSendTime)
	var out []MonthSchedule
	for _, id := range m.Run {
		y, mon, ok, _ := readMonth(id)
		if !ok {
			continue
		}
		out = append(out, monthSchedule(id, time.Date(y, mon, 1, 0, 0, 0, 0, loc), start, m, send))
	}
	return out
}

// monthSchedule places one month, whose first day is first, in a term that
// starts at termStart.
func monthSchedule(id string, first, termStart time.Time, m *Months, send ClockTime) MonthSchedule {
	loc := first.Location()
	day := func(months, d int) time.Time {
		return time.Date(first.Year(), first.Month()+time.Month(months), d, 23, 59, 0, 0, loc)
	}
	opens := send.on(first)
	if opens.Before(termStart) {
		opens = send.on(termStart)
	}
	return MonthSchedule{
		ID:                 id,
		Name:               first.Format("January 2006"),
		Opens:              opens,
		RecommendationsDue: day(0, m.RecommendationsDueDay),
		ThemeDue:           day(0, m.ThemeDueDay),
		EntriesDue:         day(0, m.EntriesDueDay),
		ScoresDue:          day(0, m.ScoresDueDay),
		SummariesOpen:      send.on(first.AddDate(0, 1, 0)),
		SummariesDue:       day(1, m.SummaryDueDay),
	}
}

// readMonth reads YYYY-MM, as readDate reads a date.
func readMonth(s string) (int, time.Month, bool, string) {
	y, m, _, ok, why := readDate(s + "-01")
	return y, m, ok, why
}

// Secretary returns who takes a department's minutes: its officer whose
// role is "Secretary", or else its head.
func (d Department) Secretary() Person {
	for _, o := range d.Officers {
		if strings.EqualFold(strings.TrimSpace(o.Role), "secretary") {
			return o
		}
	}
	return d.Head
}

// exchangeSeries checks the changes of the series: each starts within the
// term, after the one before it (or exchanges.first), with a rhythm the term
// can hold. first is exchanges.first, usable when firstOK.
func (c *checker) exchangeSeries(first time.Time, firstOK bool) bool {
	x := c.p.Exchanges
	ok := len(x.From) <= MaxExchangeSeries
	c.count("exchanges.from", len(x.From), MaxExchangeSeries, "series")
	prev, prevPath, prevOK := first, "exchanges.first", firstOK
	for i, f := range x.From {
		path := fmt.Sprintf("exchanges.from[%d]", i)
		if f.EveryWeeks < 0 || f.EveryWeeks > max(1, c.days/7) {
			c.ps.add(path+".every_weeks", "must be from 1 to %d (the whole weeks of the term), or left out to keep the rhythm, got %d", max(1, c.days/7), f.EveryWeeks)
			ok = false
		}
		at, err := f.First.In(c.loc)
		if !c.inTerm(path+".first", at, err, string(f.First)) {
			ok, prevOK = false, false
			continue
		}
		if prevOK && !at.After(prev) {
			c.ps.add(path+".first", "%s is not after %s (%s); each series starts after the one before it", f.First, prevPath, prev.Format(localTimeLayout))
			ok = false
		}
		prev, prevPath, prevOK = at, path+".first", true
	}
	return ok
}

// exchangeChanges checks the moves and cancellations: each names an
// exchange of the calendar once, and a moved one stays within the term and
// between the exchanges before and after it, so numbers keep their order.
func (c *checker) exchangeChanges() {
	x := c.p.Exchanges
	c.count("exchanges.changes", len(x.Changes), MaxExchangeChanges, "changes")
	var base []time.Time
	for _, s := range c.p.exchangeSlots(c.loc) {
		if s.skippedBy < 0 {
			base = append(base, s.start)
		}
	}
	seen := map[int]bool{}
	for i, ch := range x.Changes {
		path := fmt.Sprintf("exchanges.changes[%d]", i)
		switch {
		case ch.Number < 1 || ch.Number > len(base):
			c.ps.add(path+".number", "is %d; the calendar has exchanges 1 to %d", ch.Number, len(base))
			continue
		case seen[ch.Number]:
			c.ps.add(path+".number", "exchange %d is changed twice; say everything about it in one change", ch.Number)
			continue
		case ch.Cancelled && (ch.To != "" || ch.Where != ""):
			c.ps.add(path, "cancels exchange %d and moves it too; give one or the other", ch.Number)
			continue
		case !ch.Cancelled && ch.To == "" && ch.Where == "":
			c.ps.add(path, "changes nothing of exchange %d; give to, where or cancelled: true", ch.Number)
			continue
		}
		seen[ch.Number] = true
		if ch.To == "" {
			continue
		}
		at, err := ch.To.In(c.loc)
		if !c.inTerm(path+".to", at, err, string(ch.To)) {
			continue
		}
		n := ch.Number - 1
		if n > 0 && !at.After(base[n-1]) {
			c.ps.add(path+".to", "%s is not after exchange %d (%s); an exchange moves between its neighbours", ch.To, n, base[n-1].Format(localTimeLayout))
		}
		if n+1 < len(base) && !at.Before(base[n+1]) {
			c.ps.add(path+".to", "%s is not before exchange %d (%s); an exchange moves between its neighbours", ch.To, n+2, base[n+1].Format(localTimeLayout))
		}
	}
}
