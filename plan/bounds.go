package plan

// Bounds on a plan. Every number and list of a plan is checked against them
// (and against the term's own length), so that no value can make a calendar
// overflow, a loop run away, or a workflow's input outgrow what Temporal
// carries. The numbers are generous for a student union; raise one here if a
// real plan needs more.
const (
	// MinYear and MaxYear bound the term's dates. Plan times are turned
	// into timers with time.Duration, which spans about 292 years.
	MinYear = 2000
	MaxYear = 2199
	// MaxTermDays is the longest term, counting its first and last day.
	MaxTermDays = 366

	// MaxFileBytes bounds a plan file, checked before it is parsed: 1,000
	// departments of 50 officers take about 4 MB of YAML.
	MaxFileBytes = 24 << 20
	// MaxPlanBytes bounds the plan as JSON. A large plan travels by
	// reference, stored in Postgres in chunks (contract.PlanRef), up to
	// this size.
	MaxPlanBytes = 16 << 20
	// MaxInputBytes bounds one part of the plan as JSON (a department,
	// the kickoff, the months...): each part travels whole in its own
	// workflow's input, and Temporal refuses a payload over 2 MB by
	// default; the rest is left for the part's progress.
	MaxInputBytes = 1536 << 10
	// maxAliasValues bounds how many values YAML aliases (*name) may
	// repeat, so a few lines cannot expand into millions of values.
	maxAliasValues = 10_000

	// MaxMinutes bounds meeting lengths and sign-in windows: a day.
	MaxMinutes = 24 * 60
	// MaxScore bounds months.max_score and evaluation.max_score.
	MaxScore = 1000
	// MaxWeight bounds each of evaluation.weights.
	MaxWeight = 100
)

// How many entries each list of a plan may have.
const (
	MaxLeaders         = 20
	MaxDepartments     = 1000
	MaxOfficers        = 200 // per department
	MaxSessions        = 50
	MaxMaterials       = 50
	MaxReminders       = 10 // in each remind_days_before
	MaxAgenda          = 50
	MaxSkipWeeks       = 60
	MaxMonths          = 13 // a term of MaxTermDays touches at most 13 months
	MaxJudges          = 20
	MaxCriteria        = 20
	MaxMilestones      = 50
	MaxExchangeChanges = 60 // one per exchange of the longest term
	MaxExchangeSeries  = 10
)
