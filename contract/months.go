package contract

import (
	"time"

	"semesterflow/plan"
)

// UpdateSetTheme is a leader setting the month's theme, sent to the Month
// workflow.
const UpdateSetTheme = "set-theme"

// Phases of a Month, in order, as its progress and the SemesterPhase
// search attribute show them.
const (
	MonthPhaseTheme       = "theme"       // arrangement, recommendations, theme not announced yet
	MonthPhaseCompetition = "competition" // entries and judges' scores, results not announced yet
	MonthPhaseSummaries   = "summaries"   // waiting for the departments' summaries
	MonthPhasePublished   = "published"   // the digest is archived and emailed
)

// Kinds of the Month's collections, also the kinds of their rows in the
// submissions table (scope: the month, YYYY-MM).
const (
	KindArrangement         = "arrangement"
	KindThemeRecommendation = "theme_recommendation"
	KindCompetitionEntry    = "competition_entry"
	KindCompetitionScore    = "competition_score"
	KindSummary             = SummaryKind
)

// MonthWorkflowID is the ID of one month's organisation life, e.g.
// "semester/2026-fall/month/2026-10".
func MonthWorkflowID(termID, monthID string) string {
	return SemesterWorkflowID(termID) + "/month/" + monthID
}

// MonthCollectionWorkflowID is the ID of one of a month's collections, e.g.
// "semester/2026-fall/month/2026-10/summary". Officers hand in with
// `starter submit --workflow <this ID>`.
func MonthCollectionWorkflowID(termID, monthID, kind string) string {
	return MonthWorkflowID(termID, monthID) + "/" + kind
}

// MonthDepartment is a department as a month needs it: who recommends,
// enters and summarises.
type MonthDepartment struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Head      plan.Person `json:"head"`
	Secretary plan.Person `json:"secretary"`
}

// MonthInput starts one month of organisation life. Build it with
// MonthInputFrom.
type MonthInput struct {
	TermID      string             `json:"term_id"`
	TermName    string             `json:"term_name"`
	TimeZone    plan.Zone          `json:"time_zone"`
	Month       plan.MonthSchedule `json:"month"`
	Leaders     []plan.Person      `json:"leaders"`
	Departments []MonthDepartment  `json:"departments"`
	Judges      []plan.Person      `json:"judges"`
	Criteria    []string           `json:"criteria"`
	MaxScore    float64            `json:"max_score"`
	// SendTime is when requests go out, as for the rest of the term.
	SendTime plan.ClockTime `json:"send_time"`
	Clock    plan.Clock     `json:"clock"`
	// ReportTo is the TermKey of the term that follows the month's part reports; its collections
	// report there too. Empty for none.
	ReportTo string `json:"report_to,omitempty"`
}

// MonthInputFrom builds the input of the month monthID (YYYY-MM) of plan p.
// A month the plan does not run gives an input the Month workflow refuses.
func MonthInputFrom(p plan.Plan, monthID string, clock plan.Clock, reportTo string) MonthInput {
	in := MonthInput{
		TermID: p.Term.ID, TermName: p.Term.Name, TimeZone: p.Zone(),
		Leaders: p.Leaders, SendTime: p.Training.SendTime, Clock: clock, ReportTo: reportTo,
	}
	if in.SendTime == "" {
		in.SendTime = plan.DefaultSendTime
	}
	for _, m := range p.MonthCalendar() {
		if m.ID == monthID {
			in.Month = m
		}
	}
	if p.Months != nil {
		in.Judges, in.Criteria, in.MaxScore = p.Months.Judges, p.Months.Criteria, p.Months.MaxScore
	}
	for _, d := range p.Departments {
		in.Departments = append(in.Departments, MonthDepartment{ID: d.ID, Name: d.Name, Head: d.Head, Secretary: d.Secretary()})
	}
	return in
}

// SetThemeInput is a leader's decision on the month's theme.
type SetThemeInput struct {
	Email string `json:"email"`
	Theme string `json:"theme"`
}

// SetThemeResult confirms the theme; it is announced by email right after.
type SetThemeResult struct {
	Theme string    `json:"theme"`
	At    time.Time `json:"at"`
}

// ThemeSetByFallback is MonthTheme.SetBy when no leader set the theme by
// its due date.
const ThemeSetByFallback = "fallback"

// MonthTheme is how the month's theme was decided.
type MonthTheme struct {
	// Theme is empty when the month has no theme.
	Theme string `json:"theme,omitempty"`
	// SetBy is the leader's email or ThemeSetByFallback.
	SetBy     string `json:"set_by"`
	SetByName string `json:"set_by_name,omitempty"`
	Fallback  bool   `json:"fallback"`
	// Recommendations counts the departments that recommended the fallback
	// theme.
	Recommendations int       `json:"recommendations,omitempty"`
	At              time.Time `json:"at"`
	Arrangement     string    `json:"arrangement,omitempty"`
}

// MonthCounts says what came in, each filled in when its collection ends.
type MonthCounts struct {
	Departments     int `json:"departments"`
	Recommendations int `json:"recommendations"`
	Entries         int `json:"entries"`
	ScoresAsked     int `json:"scores_asked"`
	ScoresIn        int `json:"scores_in"`
	Summaries       int `json:"summaries"`
	SummariesLate   int `json:"summaries_late"`
}

// MonthProgress answers QueryProgress on a Month, and is its result.
type MonthProgress struct {
	Month string `json:"month"`
	Name  string `json:"name"`
	Phase string `json:"phase"`
	// Theme is nil until the theme is decided.
	Theme   *MonthTheme              `json:"theme,omitempty"`
	Counts  MonthCounts              `json:"counts"`
	Results []CompetitionEntryResult `json:"results,omitempty"`
	// MoreResults counts the entries a large competition's result leaves
	// out of Results; Postgres has them all.
	MoreResults int `json:"more_results,omitempty"`
	// Missing lists the departments whose summary never came.
	Missing  []string           `json:"missing,omitempty"`
	Schedule plan.MonthSchedule `json:"schedule"`
	// Problems are what the month could not do on time.
	Problems []string `json:"problems,omitempty"`
}

// SignalMonthJudging carries MonthJudging from the term to a running Month
// after an amendment changed the competition's judges or criteria. The
// month takes it until its scoring opens.
const SignalMonthJudging = "month-judging"

// MonthJudging is who scores the group-life design competition, and how.
type MonthJudging struct {
	Judges   []plan.Person `json:"judges"`
	Criteria []string      `json:"criteria"`
	MaxScore float64       `json:"max_score"`
}
