// Package evaluation computes an officer's end-of-semester evaluation from
// what the term recorded. It does no I/O: the activities read the facts from
// Postgres, call Score, and store and mail what it returns, so the rules can
// be tested on their own.
//
// The rules, in words:
//
//   - Attendance = (present + excused_weight × excused) / meetings, over the
//     exchanges the officer was recorded at. No meetings: not applicable.
//   - Training = 1 if the training was acknowledged on time, 0.5 if late, 0
//     if never or still pending. No onboarding record: not applicable.
//   - Tasks = (on time + 0.5 × late) / (handed in + missed), over the tasks
//     and contest milestones handed in by the officer or asked of them and
//     never handed in. A late one earns half, like a late training
//     acknowledgement: done late is better than not done, but worse than on
//     time; a missed one earns nothing. None at all: not applicable.
//   - Assessment = the leaders' score / max_score (the mean of the scores
//     when there are several criteria). No assessment: not applicable.
//
// The total is the weighted mean of the applicable components: each weight
// is divided by the sum of the weights of the applicable components (it is
// renormalized), so a missing component neither counts as zero nor as full
// marks; the others simply count for more. When no component with a weight
// applies, there is no total.
package evaluation

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"semesterflow/contract"
	"semesterflow/plan"
)

// Component names, in the order evaluations show them.
const (
	Attendance = "attendance"
	Training   = "training"
	Tasks      = "tasks"
	Assessment = "assessment"
)

// Names lists the components in display order.
var Names = []string{Attendance, Training, Tasks, Assessment}

// Where the term records what the evaluation reads: the leaders'
// assessments are the submissions of kind AssessmentKind in scope
// AssessmentScope, one slot per officer keyed by email; tasks and contest
// milestones are the submissions of the TaskKinds, by author.
const (
	AssessmentKind  = "assessment"
	AssessmentScope = "evaluation"
)

// TaskKinds are the submission kinds that count as tasks.
var TaskKinds = []string{"task", "milestone"}

// LateCredit is what a late training acknowledgement or a late task earns.
const LateCredit = 0.5

// Facts are the raw numbers of one officer, as the term recorded them.
type Facts struct {
	// Attendance at the exchanges.
	Present, Excused, Absent int
	// TrainingOutcome is the onboarding outcome; empty when the officer has
	// no onboarding record.
	TrainingOutcome string
	// Tasks and milestones handed in, on time and late, and those asked of
	// the officer and never handed in.
	TasksOnTime, TasksLate, TasksMissed int
	// Assessed is set when a leader handed in an assessment; Scores are its
	// scores, Assessor the author's email and Comment the text explaining
	// the score.
	Assessed bool
	Scores   []float64
	Assessor string
	Comment  string
	// JoinedAt is set for an officer an amendment of the plan added: only
	// the exchanges from then on were theirs to attend. LeftAt is set for
	// one an amendment took out: only the exchanges until then were.
	JoinedAt *time.Time
	LeftAt   *time.Time
}

// Rules are the plan's evaluation settings.
type Rules struct {
	Weights plan.Weights
	// ExcusedWeight is how much an excused absence counts, 0 to 1.
	ExcusedWeight float64
	// MaxScore is the top of the assessment's scale.
	MaxScore float64
	// Zone writes the dates an explanation names.
	Zone plan.Zone
}

// RulesFrom takes the rules of a plan's evaluation, with the defaults the
// plan applies.
func RulesFrom(e plan.Evaluation) Rules {
	r := Rules{Weights: e.Weights, ExcusedWeight: 0.5, MaxScore: e.MaxScore}
	if e.ExcusedWeight != nil {
		r.ExcusedWeight = *e.ExcusedWeight
	}
	if r.MaxScore <= 0 {
		r.MaxScore = 10
	}
	return r
}

// Component is one part of an evaluation with where it came from.
type Component struct {
	Name string `json:"name"`
	// Applicable is false when the term recorded nothing for this part; the
	// component then has no value and its weight goes to the others.
	Applicable bool `json:"applicable"`
	// Value is the fraction earned, 0 to 1.
	Value float64 `json:"value"`
	// Weight is the plan's weight; Share is the weight renormalized over the
	// applicable components (0 when not applicable).
	Weight float64 `json:"weight"`
	Share  float64 `json:"share"`
	// Contribution is Share × Value: what this part adds to the total.
	Contribution float64 `json:"contribution"`
	// Detail explains the value in words, from the raw counts.
	Detail string `json:"detail"`
	// Counts are the raw numbers, e.g. present, excused, absent, meetings.
	Counts map[string]float64 `json:"counts,omitempty"`
	// Outcome is the training outcome.
	Outcome string `json:"outcome,omitempty"`
	// Assessor and Comment are the assessment's author and text.
	Assessor string `json:"assessor,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

// Result is one officer's evaluation.
type Result struct {
	// Total is the weighted mean, 0 to 1; nil when no weighted component
	// applies.
	Total      *float64    `json:"total"`
	Components []Component `json:"components"`
}

// Score computes an officer's evaluation from the facts and the rules.
func Score(f Facts, r Rules) Result {
	comps := []Component{
		attendance(f, r),
		training(f, r),
		tasks(f, r),
		assessment(f, r),
	}
	sum := 0.0
	for _, c := range comps {
		if c.Applicable {
			sum += c.Weight
		}
	}
	res := Result{Components: comps}
	if sum <= 0 {
		return res
	}
	total := 0.0
	for i := range comps {
		c := &comps[i]
		if !c.Applicable {
			continue
		}
		c.Share = c.Weight / sum
		c.Contribution = c.Share * c.Value
		total += c.Contribution
	}
	total = clamp(total)
	res.Total = &total
	return res
}

func attendance(f Facts, r Rules) Component {
	meetings := f.Present + f.Excused + f.Absent
	c := Component{
		Name:   Attendance,
		Weight: r.Weights.Attendance,
		Counts: map[string]float64{"present": float64(f.Present), "excused": float64(f.Excused), "absent": float64(f.Absent), "meetings": float64(meetings)},
	}
	if meetings == 0 {
		c.Detail = "no exchange recorded" + serving(f, r)
		return c
	}
	c.Applicable = true
	c.Value = clamp((float64(f.Present) + r.ExcusedWeight*float64(f.Excused)) / float64(meetings))
	c.Detail = fmt.Sprintf("present %d, excused %d, absent %d of %d %s", f.Present, f.Excused, f.Absent, meetings, plural(meetings, "meeting", "meetings"))
	c.Detail += serving(f, r)
	if f.Excused > 0 {
		c.Detail += fmt.Sprintf("; an excused absence counts %s", Number(r.ExcusedWeight))
	}
	return c
}

// serving says which part of the term was the officer's, when an amendment
// of the plan added them or took them out.
func serving(f Facts, r Rules) string {
	day := func(t time.Time) string { return r.Zone.Local(t).Format("2 Jan 2006") }
	switch {
	case f.JoinedAt != nil && f.LeftAt != nil:
		return fmt.Sprintf(" between joining on %s and leaving on %s", day(*f.JoinedAt), day(*f.LeftAt))
	case f.JoinedAt != nil:
		return " since joining on " + day(*f.JoinedAt)
	case f.LeftAt != nil:
		return " until leaving on " + day(*f.LeftAt)
	}
	return ""
}

func training(f Facts, r Rules) Component {
	c := Component{Name: Training, Weight: r.Weights.Training, Outcome: f.TrainingOutcome}
	switch f.TrainingOutcome {
	case "":
		c.Detail = "no training record"
		return c
	case contract.OutcomeOnTime:
		c.Value, c.Detail = 1, "training acknowledged on time"
	case contract.OutcomeLate:
		c.Value, c.Detail = LateCredit, "training acknowledged late, which counts "+Number(LateCredit)
	case contract.OutcomeNever:
		c.Detail = "training never acknowledged"
	default:
		c.Detail = "training not acknowledged yet"
	}
	c.Applicable = true
	return c
}

func tasks(f Facts, r Rules) Component {
	handedIn := f.TasksOnTime + f.TasksLate
	n := handedIn + f.TasksMissed
	c := Component{
		Name:   Tasks,
		Weight: r.Weights.Tasks,
		Counts: map[string]float64{"on_time": float64(f.TasksOnTime), "late": float64(f.TasksLate), "missed": float64(f.TasksMissed), "handed_in": float64(handedIn)},
	}
	if n == 0 {
		c.Detail = "no task or milestone"
		return c
	}
	c.Applicable = true
	c.Value = clamp((float64(f.TasksOnTime) + LateCredit*float64(f.TasksLate)) / float64(n))
	c.Detail = fmt.Sprintf("%d of %d %s on time, %d late, %d missed", f.TasksOnTime, n, plural(n, "task or milestone", "tasks and milestones"), f.TasksLate, f.TasksMissed)
	if f.TasksLate > 0 {
		c.Detail += "; a late one counts " + Number(LateCredit)
	}
	return c
}

func assessment(f Facts, r Rules) Component {
	c := Component{Name: Assessment, Weight: r.Weights.Assessment, Assessor: f.Assessor, Comment: f.Comment}
	if !f.Assessed || len(f.Scores) == 0 {
		c.Detail = "no assessment handed in"
		return c
	}
	score := 0.0
	for _, s := range f.Scores {
		score += s
	}
	score /= float64(len(f.Scores))
	c.Applicable = true
	c.Value = clamp(score / r.MaxScore)
	c.Counts = map[string]float64{"score": score, "max_score": r.MaxScore}
	c.Detail = fmt.Sprintf("scored %s of %s by the leaders", Number(score), Number(r.MaxScore))
	return c
}

// Rule says in one sentence how the total of a result was formed, naming
// the components left out.
func Rule(res Result) string {
	var in, out []string
	for _, c := range res.Components {
		switch {
		case c.Applicable && c.Weight > 0:
			in = append(in, c.Name)
		case !c.Applicable && c.Weight > 0:
			out = append(out, c.Name)
		}
	}
	if res.Total == nil {
		return "No total: nothing was recorded for any weighted part of the evaluation."
	}
	s := "The total is the weighted mean of " + list(in) + "."
	if len(out) > 0 {
		s += " Nothing was recorded for " + list(out) + ", so " + plural(len(out), "its", "their") + " weight is shared among the others in proportion to their weights."
	}
	return s
}

// Percent writes a fraction as a percentage with at most one decimal,
// "83.3%".
func Percent(v float64) string {
	return Number(math.Round(v*1000)/10) + "%"
}

// Points writes a fraction as points out of 100 with one decimal, "78.5".
func Points(v float64) string {
	return strconv.FormatFloat(math.Round(v*1000)/10, 'f', 1, 64)
}

// Number writes a number without trailing zeros, "0.5", "8", "7.25".
func Number(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// Label names a component for people, "Attendance".
func Label(name string) string {
	if name == "" {
		return ""
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

func clamp(v float64) float64 {
	switch {
	case math.IsNaN(v) || v < 0:
		return 0
	case v > 1:
		return 1
	}
	return v
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func list(items []string) string {
	switch len(items) {
	case 0:
		return "nothing"
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// Explain writes the rules as sentences for people, one per part and one
// for the total, with the plan's numbers in them.
func Explain(r Rules) []string {
	w := r.Weights
	sum := w.Attendance + w.Training + w.Tasks + w.Assessment
	share := func(v float64) string {
		if sum <= 0 {
			return "0%"
		}
		return Percent(v / sum)
	}
	return []string{
		fmt.Sprintf("Attendance (weight %s): meetings attended, an excused absence counting %s, divided by the exchanges held.", share(w.Attendance), Number(r.ExcusedWeight)),
		fmt.Sprintf("Training (weight %s): 100%% when acknowledged on time, %s late, 0 otherwise.", share(w.Training), Percent(LateCredit)),
		fmt.Sprintf("Tasks (weight %s): tasks and contest milestones handed in on time, a late one counting %s and a missed one nothing, divided by all those asked.", share(w.Tasks), Number(LateCredit)),
		fmt.Sprintf("Assessment (weight %s): the leaders' score out of %s.", share(w.Assessment), Number(r.MaxScore)),
		"The total, out of 100, is the weighted mean of the parts recorded for the officer. A part with nothing recorded is left out, and the weights of the others are scaled up in proportion, so it counts neither as zero nor as full marks.",
	}
}
