package contract

import (
	"time"

	"semesterflow/plan"
)

// SummaryKind is the collection kind, in the submissions table, of the
// departments' monthly summaries; their scope is the month (YYYY-MM).
const SummaryKind = "summary"

// AnnounceMonthThemeInput is a month's theme as decided, and who hears it.
type AnnounceMonthThemeInput struct {
	TermID   string    `json:"term_id"`
	TermName string    `json:"term_name"`
	TimeZone plan.Zone `json:"time_zone"`
	// Month is YYYY-MM; MonthName is e.g. "October 2026".
	Month       string `json:"month"`
	MonthName   string `json:"month_name"`
	Arrangement string `json:"arrangement,omitempty"`
	// Theme is empty when the month has no theme.
	Theme string `json:"theme,omitempty"`
	// SetBy is the leader's email, or store.ThemeSetByFallback.
	SetBy     string `json:"set_by"`
	SetByName string `json:"set_by_name,omitempty"`
	Fallback  bool   `json:"fallback"`
	// Recommendations is how many departments recommended the theme.
	Recommendations int       `json:"recommendations,omitempty"`
	SetAt           time.Time `json:"set_at"`
	// AuditKey keys the audit entry of the leader's decision (the
	// update's ID); empty for a fallback, which no person did.
	AuditKey     string        `json:"audit_key,omitempty"`
	EntriesDue   time.Time     `json:"entries_due"`
	SummariesDue time.Time     `json:"summaries_due"`
	Recipients   []plan.Person `json:"recipients"`
}

// JudgeScores is one judge's scores for an entry, one per criterion.
type JudgeScores struct {
	Judge  string    `json:"judge"`
	Scores []float64 `json:"scores"`
}

// CompetitionEntryResult is one department's entry with its result.
type CompetitionEntryResult struct {
	DepartmentID   string `json:"department_id"`
	DepartmentName string `json:"department_name"`
	// Rank is 1 for the winner and 0 for an entry no judge scored.
	Rank int `json:"rank"`
	// MeanTotal is the mean over the judges who scored of the sum of the
	// criterion scores.
	MeanTotal      float64       `json:"mean_total"`
	Judges         int           `json:"judges"`
	CriterionMeans []float64     `json:"criterion_means,omitempty"`
	ByJudge        []JudgeScores `json:"by_judge,omitempty"`
}

// AnnounceCompetitionInput is a month's competition results and who hears
// them.
type AnnounceCompetitionInput struct {
	TermID    string   `json:"term_id"`
	TermName  string   `json:"term_name"`
	Month     string   `json:"month"`
	MonthName string   `json:"month_name"`
	Criteria  []string `json:"criteria"`
	MaxScore  float64  `json:"max_score"`
	// Results lists the ranked entries best first, then the unranked ones.
	Results    []CompetitionEntryResult `json:"results"`
	Recipients []plan.Person            `json:"recipients"`
	// ResultsStored says StoreCompetitionResults stored the results in
	// pages and Results is empty: a large union's results would pass the
	// size a payload should keep to.
	ResultsStored bool `json:"results_stored,omitempty"`
}

// DigestDepartment is a department as the digest lists it, with the people
// whose names may sign its summary.
type DigestDepartment struct {
	ID     string        `json:"id"`
	Name   string        `json:"name"`
	People []plan.Person `json:"people,omitempty"`
}

// PublishMonthDigestInput is what the monthly digest compiles, apart from
// the summaries, which are read from the submissions table.
type PublishMonthDigestInput struct {
	TermID    string    `json:"term_id"`
	TermName  string    `json:"term_name"`
	TimeZone  plan.Zone `json:"time_zone"`
	Month     string    `json:"month"`
	MonthName string    `json:"month_name"`
	Theme     string    `json:"theme,omitempty"`
	// ThemeNote says how the theme was decided, e.g. "set by Li Wei".
	ThemeNote   string                   `json:"theme_note,omitempty"`
	Arrangement string                   `json:"arrangement,omitempty"`
	Criteria    []string                 `json:"criteria"`
	MaxScore    float64                  `json:"max_score"`
	Results     []CompetitionEntryResult `json:"results,omitempty"`
	// Departments in plan order, each with a summary or "no summary
	// received".
	Departments []DigestDepartment `json:"departments"`
	Recipients  []plan.Person      `json:"recipients"`
	// At is the plan time of publication.
	At time.Time `json:"at"`
	// ResultsStored says the results are in Postgres, not in Results;
	// PeopleInDirectory that the departments come without their people,
	// whom the directory names. Both keep a large union's digest under the
	// size a payload should keep to.
	ResultsStored     bool `json:"results_stored,omitempty"`
	PeopleInDirectory bool `json:"people_in_directory,omitempty"`
}

// StoreCompetitionResultsInput is one page of a month's results.
type StoreCompetitionResultsInput struct {
	TermID  string                   `json:"term_id"`
	Month   string                   `json:"month"`
	Results []CompetitionEntryResult `json:"results"`
}
