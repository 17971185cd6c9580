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

// normalizeParts fills in the later parts' defaults.
func (p *Plan) normalizeParts() {
	setDefault := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	if k := p.Kickoff; k != nil {
		setDefault(&k.DurationMinutes, 120)
		setDefault(&k.PlansDueDays, 7)
	}
	if x := p.Exchanges; x != nil {
		setDefault(&x.EveryWeeks, 2)
		setDefault(&x.DurationMinutes, 60)
		setDefault(&x.SignInOpensMinutesBefore, 30)
		setDefault(&x.SignInClosesMinutesAfter, 30)
		setDefault(&x.MinutesDueDays, 2)
	}
	if m := p.Months; m != nil {
		setDefault(&m.RecommendationsDueDay, 5)
		setDefault(&m.ThemeDueDay, 7)
		setDefault(&m.EntriesDueDay, 15)
		setDefault(&m.ScoresDueDay, 20)
		setDefault(&m.SummaryDueDay, 3)
		if m.MaxScore == 0 {
			m.MaxScore = 10
		}
		for i := range m.Judges {
			m.Judges[i].normalize()
		}
	}
	if c := p.Contest; c != nil {
		setDefault(&c.AtRiskDays, 7)
		setDefault(&c.ResultsDueDays, 2)
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
		if e.MaxScore == 0 {
			e.MaxScore = 10
		}
	}
}

// validateParts checks the later parts against the term.
func (p *Plan) validateParts(ps *problems, loc *time.Location) {
	start, _ := p.Term.Starts.In(loc)
	end, _ := p.Term.Ends.In(loc)
	endOfTerm := end.AddDate(0, 0, 1)
	inTerm := func(path string, t time.Time, err error, written string) bool {
		if err != nil {
			ps.add(path, "%v", err)
			return false
		}
		if t.Before(start) || !t.Before(endOfTerm) {
			ps.add(path, "%s is outside the term (%s to %s)", written, p.Term.Starts, p.Term.Ends)
			return false
		}
		return true
	}
	positive := func(path string, v int) {
		if v < 0 {
			ps.add(path, "must not be negative, got %d", v)
		}
	}
	dayOfMonth := func(path string, v int) {
		if v < 1 || v > 28 {
			ps.add(path, "must be a day of the month from 1 to 28, got %d", v)
		}
	}

	if k := p.Kickoff; k != nil {
		at, err := k.At.In(loc)
		if inTerm("kickoff.at", at, err, string(k.At)) && !at.AddDate(0, 0, k.PlansDueDays).Before(endOfTerm) {
			ps.add("kickoff.plans_due_days", "puts the plans' due date after the term ends")
		}
		if len(k.Agenda) == 0 {
			ps.add("kickoff.agenda", "lists no main task")
		}
		for i, a := range k.Agenda {
			if strings.TrimSpace(a) == "" {
				ps.add(fmt.Sprintf("kickoff.agenda[%d]", i), "is empty")
			}
		}
		positive("kickoff.duration_minutes", k.DurationMinutes)
		positive("kickoff.plans_due_days", k.PlansDueDays)
	}
	if x := p.Exchanges; x != nil {
		at, err := x.First.In(loc)
		inTerm("exchanges.first", at, err, string(x.First))
		if x.EveryWeeks < 1 {
			ps.add("exchanges.every_weeks", "must be at least 1, got %d", x.EveryWeeks)
		}
		for i, d := range x.SkipWeeksOf {
			day, err := d.In(loc)
			inTerm(fmt.Sprintf("exchanges.skip_weeks_of[%d]", i), day, err, string(d))
		}
		positive("exchanges.duration_minutes", x.DurationMinutes)
		positive("exchanges.sign_in_opens_minutes_before", x.SignInOpensMinutesBefore)
		positive("exchanges.sign_in_closes_minutes_after", x.SignInClosesMinutesAfter)
		positive("exchanges.minutes_due_days", x.MinutesDueDays)
	}
	if m := p.Months; m != nil {
		for _, f := range []struct {
			path string
			day  int
		}{{"months.recommendations_due_day", m.RecommendationsDueDay}, {"months.theme_due_day", m.ThemeDueDay},
			{"months.entries_due_day", m.EntriesDueDay}, {"months.scores_due_day", m.ScoresDueDay}, {"months.summary_due_day", m.SummaryDueDay}} {
			dayOfMonth(f.path, f.day)
		}
		if m.RecommendationsDueDay > m.ThemeDueDay {
			ps.add("months.theme_due_day", "day %d comes before the recommendations are due (day %d)", m.ThemeDueDay, m.RecommendationsDueDay)
		}
		if m.EntriesDueDay > m.ScoresDueDay {
			ps.add("months.scores_due_day", "day %d comes before the entries are due (day %d)", m.ScoresDueDay, m.EntriesDueDay)
		}
		if len(m.Run) == 0 {
			ps.add("months.run", "lists no month")
		}
		seen := map[string]bool{}
		for i, id := range m.Run {
			path := fmt.Sprintf("months.run[%d]", i)
			first, err := time.ParseInLocation("2006-01", id, loc)
			if err != nil {
				ps.add(path, "%q is not a month (want YYYY-MM)", id)
				continue
			}
			if seen[id] {
				ps.add(path, "%s is listed twice", id)
			}
			seen[id] = true
			summaryDue := time.Date(first.Year(), first.Month()+1, m.SummaryDueDay, 23, 59, 0, 0, loc)
			if first.AddDate(0, 1, 0).Before(start) || !first.Before(endOfTerm) {
				ps.add(path, "%s is outside the term (%s to %s)", id, p.Term.Starts, p.Term.Ends)
			} else if !summaryDue.Before(endOfTerm) {
				ps.add(path, "%s's summaries would be due on %s, after the term ends on %s", id, summaryDue.Format(dateLayout), p.Term.Ends)
			}
		}
		if len(m.Judges) == 0 {
			ps.add("months.judges", "lists no judge for the group-life design competition")
		}
		for i, j := range m.Judges {
			validatePerson(ps, fmt.Sprintf("months.judges[%d]", i), j)
		}
		if len(m.Criteria) == 0 {
			ps.add("months.criteria", "lists no criterion for the competition")
		}
		for i, c := range m.Criteria {
			if strings.TrimSpace(c) == "" {
				ps.add(fmt.Sprintf("months.criteria[%d]", i), "is empty")
			}
		}
		if m.MaxScore <= 0 {
			ps.add("months.max_score", "must be more than 0, got %g", m.MaxScore)
		}
	}
	if c := p.Contest; c != nil {
		if strings.TrimSpace(c.Name) == "" {
			ps.add("contest.name", "is empty")
		}
		at, err := c.At.In(loc)
		contestOK := inTerm("contest.at", at, err, string(c.At))
		if len(c.Milestones) == 0 {
			ps.add("contest.milestones", "lists no milestone")
		}
		for i, ms := range c.Milestones {
			path := fmt.Sprintf("contest.milestones[%d]", i)
			if strings.TrimSpace(ms.Title) == "" {
				ps.add(path+".title", "is empty")
			}
			if !validEmail(ms.Owner) {
				ps.add(path+".owner", "%q is not an email address", ms.Owner)
			}
			due, err := ms.Due.In(loc)
			if inTerm(path+".due", due, err, string(ms.Due)) && contestOK && due.After(at) {
				ps.add(path+".due", "%s is after the contest on %s", ms.Due, c.At)
			}
		}
		for i, d := range c.RemindDaysBefore {
			positive(fmt.Sprintf("contest.remind_days_before[%d]", i), d)
		}
		positive("contest.at_risk_days", c.AtRiskDays)
		positive("contest.results_due_days", c.ResultsDueDays)
	}
	if t := p.Tasks; t != nil {
		if t.Coordinator != "" && !validEmail(t.Coordinator) {
			ps.add("tasks.coordinator", "%q is not an email address", t.Coordinator)
		}
		for i, d := range t.RemindDaysBefore {
			positive(fmt.Sprintf("tasks.remind_days_before[%d]", i), d)
		}
	}
	if e := p.Evaluation; e != nil {
		opens, err := e.Opens.In(loc)
		openOK := inTerm("evaluation.opens", opens, err, string(e.Opens))
		due, err := e.AssessmentsDue.In(loc)
		if inTerm("evaluation.assessments_due", due, err, string(e.AssessmentsDue)) && openOK && !due.After(opens) {
			ps.add("evaluation.assessments_due", "%s is not after evaluation.opens %s", e.AssessmentsDue, e.Opens)
		}
		if w := *e.ExcusedWeight; w < 0 || w > 1 {
			ps.add("evaluation.excused_weight", "must be from 0 to 1, got %g", w)
		}
		w := e.Weights
		sum := 0.0
		for _, f := range []struct {
			name  string
			value float64
		}{{"attendance", w.Attendance}, {"training", w.Training}, {"tasks", w.Tasks}, {"assessment", w.Assessment}} {
			if f.value < 0 {
				ps.add("evaluation.weights."+f.name, "must not be negative, got %g", f.value)
			}
			sum += f.value
		}
		if sum <= 0 {
			ps.add("evaluation.weights", "are all zero; give at least one part a weight")
		}
		if e.MaxScore <= 0 {
			ps.add("evaluation.max_score", "must be more than 0, got %g", e.MaxScore)
		}
	}
}

// Meeting is one exchange on the term's calendar.
type Meeting struct {
	// Number counts the exchanges from 1.
	Number int       `json:"number"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	// SignInOpens and SignInCloses bound sign-in.
	SignInOpens  time.Time `json:"sign_in_opens"`
	SignInCloses time.Time `json:"sign_in_closes"`
	MinutesDue   time.Time `json:"minutes_due"`
}

// ExchangeCalendar lists the exchanges from the first to the end of the
// term, every EveryWeeks weeks at the same local time, leaving out the weeks
// named in SkipWeeksOf. Local wall-clock times hold across daylight-saving
// changes. A skipped week moves nothing else: the series keeps its rhythm.
func (p *Plan) ExchangeCalendar() []Meeting {
	x := p.Exchanges
	if x == nil {
		return nil
	}
	loc := p.Location()
	first, err := x.First.In(loc)
	if err != nil {
		return nil
	}
	end, _ := p.Term.Ends.In(loc)
	endOfTerm := end.AddDate(0, 0, 1)
	skip := map[string]bool{}
	for _, d := range x.SkipWeeksOf {
		if day, err := d.In(loc); err == nil {
			skip[weekOf(day)] = true
		}
	}
	var out []Meeting
	for k := 0; ; k++ {
		start := time.Date(first.Year(), first.Month(), first.Day()+7*x.EveryWeeks*k, first.Hour(), first.Minute(), 0, 0, loc)
		if !start.Before(endOfTerm) {
			break
		}
		if skip[weekOf(start)] {
			continue
		}
		m := Meeting{
			Number:       len(out) + 1,
			Start:        start,
			End:          start.Add(time.Duration(x.DurationMinutes) * time.Minute),
			SignInOpens:  start.Add(-time.Duration(x.SignInOpensMinutesBefore) * time.Minute),
			SignInCloses: start.Add(time.Duration(x.SignInClosesMinutesAfter) * time.Minute),
		}
		m.MinutesDue = time.Date(start.Year(), start.Month(), start.Day()+x.MinutesDueDays, 23, 59, 0, 0, loc)
		out = append(out, m)
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
	send := p.Training.SendTime
	if send == "" {
		send = DefaultSendTime
	}
	var out []MonthSchedule
	for _, id := range m.Run {
		first, err := time.ParseInLocation("2006-01", id, loc)
		if err != nil {
			continue
		}
		day := func(months, d int) time.Time {
			return time.Date(first.Year(), first.Month()+time.Month(months), d, 23, 59, 0, 0, loc)
		}
		opens := send.on(first)
		if opens.Before(start) {
			opens = send.on(start)
		}
		out = append(out, MonthSchedule{
			ID:                 id,
			Name:               first.Format("January 2006"),
			Opens:              opens,
			RecommendationsDue: day(0, m.RecommendationsDueDay),
			ThemeDue:           day(0, m.ThemeDueDay),
			EntriesDue:         day(0, m.EntriesDueDay),
			ScoresDue:          day(0, m.ScoresDueDay),
			SummariesOpen:      send.on(first.AddDate(0, 1, 0)),
			SummariesDue:       day(1, m.SummaryDueDay),
		})
	}
	return out
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
