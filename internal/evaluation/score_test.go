package evaluation

import (
	"math"
	"strings"
	"testing"
	"time"

	"semesterflow/contract"
	"semesterflow/plan"
)

func rules(excused float64) Rules {
	return Rules{
		Weights:       plan.Weights{Attendance: 0.3, Training: 0.1, Tasks: 0.3, Assessment: 0.3},
		ExcusedWeight: excused,
		MaxScore:      10,
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestScore(t *testing.T) {
	full := Facts{
		Present: 5, Excused: 1, Absent: 0,
		TrainingOutcome: contract.OutcomeOnTime,
		TasksOnTime:     3, TasksLate: 1,
		Assessed: true, Scores: []float64{8}, Assessor: "li.wei@example.edu", Comment: "Reliable.",
	}
	noMeetings := full
	noMeetings.Present, noMeetings.Excused, noMeetings.Absent = 0, 0, 0
	notAssessed := full
	notAssessed.Assessed, notAssessed.Scores = false, nil
	onlyTraining := Facts{TrainingOutcome: contract.OutcomeLate}
	nothing := Facts{}
	pending := Facts{TrainingOutcome: contract.OutcomePending, Present: 2, Absent: 2}
	absentAndExcused := Facts{Present: 2, Excused: 2, Absent: 0}
	twoCriteria := Facts{Assessed: true, Scores: []float64{6, 10}}
	missedTasks := Facts{TasksOnTime: 1, TasksMissed: 3}

	cases := []struct {
		name  string
		facts Facts
		rules Rules
		// values per component in Names order; -1 means not applicable.
		values []float64
		total  float64 // -1 means no total
	}{
		{
			name: "every component", facts: full, rules: rules(0.5),
			// attendance (5+0.5)/6, training 1, tasks (3+0.5)/4, assessment 0.8
			values: []float64{5.5 / 6, 1, 3.5 / 4, 0.8},
			total:  0.3*5.5/6 + 0.1*1 + 0.3*3.5/4 + 0.3*0.8,
		},
		{
			name: "a task never handed in counts nothing", facts: missedTasks, rules: rules(0.5),
			values: []float64{-1, -1, 0.25, -1},
			total:  0.25,
		},
		{
			name: "excused weight 0 counts an excused absence as an absence", facts: full, rules: rules(0),
			values: []float64{5.0 / 6, 1, 3.5 / 4, 0.8},
			total:  0.3*5.0/6 + 0.1 + 0.3*3.5/4 + 0.3*0.8,
		},
		{
			name: "excused weight 1 counts an excused absence as a presence", facts: full, rules: rules(1),
			values: []float64{1, 1, 3.5 / 4, 0.8},
			total:  0.3 + 0.1 + 0.3*3.5/4 + 0.3*0.8,
		},
		{
			name: "only excused and present, weight 0.5", facts: absentAndExcused, rules: rules(0.5),
			values: []float64{0.75, -1, -1, -1},
			total:  0.75,
		},
		{
			name: "no meetings: attendance left out, weights renormalized", facts: noMeetings, rules: rules(0.5),
			values: []float64{-1, 1, 3.5 / 4, 0.8},
			total:  (0.1*1 + 0.3*3.5/4 + 0.3*0.8) / 0.7,
		},
		{
			name: "no assessment: renormalized over the other three", facts: notAssessed, rules: rules(0.5),
			values: []float64{5.5 / 6, 1, 3.5 / 4, -1},
			total:  (0.3*5.5/6 + 0.1 + 0.3*3.5/4) / 0.7,
		},
		{
			name: "only a late training: the total is its value", facts: onlyTraining, rules: rules(0.5),
			values: []float64{-1, 0.5, -1, -1},
			total:  0.5,
		},
		{
			name: "pending training counts 0", facts: pending, rules: rules(0.5),
			values: []float64{0.5, 0, -1, -1},
			total:  (0.3*0.5 + 0.1*0) / 0.4,
		},
		{
			name: "several criteria: their mean over the maximum", facts: twoCriteria, rules: rules(0.5),
			values: []float64{-1, -1, -1, 0.8},
			total:  0.8,
		},
		{
			name: "nothing recorded: no total", facts: nothing, rules: rules(0.5),
			values: []float64{-1, -1, -1, -1},
			total:  -1,
		},
		{
			name: "only a zero-weight component applies: no total", facts: onlyTraining,
			rules:  Rules{Weights: plan.Weights{Attendance: 1}, ExcusedWeight: 0.5, MaxScore: 10},
			values: []float64{-1, 0.5, -1, -1},
			total:  -1,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := Score(c.facts, c.rules)
			if len(res.Components) != len(Names) {
				t.Fatalf("%d components, want %d", len(res.Components), len(Names))
			}
			shares := 0.0
			for i, comp := range res.Components {
				if comp.Name != Names[i] {
					t.Errorf("component %d is %q, want %q", i, comp.Name, Names[i])
				}
				want := c.values[i]
				if (want >= 0) != comp.Applicable {
					t.Errorf("%s applicable = %v, want %v (%s)", comp.Name, comp.Applicable, want >= 0, comp.Detail)
					continue
				}
				if want >= 0 && !near(comp.Value, want) {
					t.Errorf("%s = %v, want %v (%s)", comp.Name, comp.Value, want, comp.Detail)
				}
				if !near(comp.Contribution, comp.Share*comp.Value) {
					t.Errorf("%s contribution %v is not share %v × value %v", comp.Name, comp.Contribution, comp.Share, comp.Value)
				}
				if !comp.Applicable && (comp.Share != 0 || comp.Contribution != 0) {
					t.Errorf("%s is not applicable but has share %v, contribution %v", comp.Name, comp.Share, comp.Contribution)
				}
				shares += comp.Share
			}
			if c.total < 0 {
				if res.Total != nil {
					t.Errorf("total = %v, want none", *res.Total)
				}
				return
			}
			if res.Total == nil {
				t.Fatalf("no total, want %v", c.total)
			}
			if !near(*res.Total, c.total) {
				t.Errorf("total = %v, want %v", *res.Total, c.total)
			}
			if !near(shares, 1) {
				t.Errorf("shares add up to %v, want 1", shares)
			}
		})
	}
}

func TestDetailsExplainTheCounts(t *testing.T) {
	res := Score(Facts{
		Present: 5, Excused: 1, TrainingOutcome: contract.OutcomeLate, TasksOnTime: 2, TasksLate: 1,
		Assessed: true, Scores: []float64{7.5}, Comment: "Good work",
	}, rules(0.5))
	want := []string{
		"present 5, excused 1, absent 0 of 6 meetings; an excused absence counts 0.5",
		"training acknowledged late, which counts 0.5",
		"2 of 3 tasks and milestones on time, 1 late, 0 missed; a late one counts 0.5",
		"scored 7.5 of 10 by the leaders",
	}
	for i, c := range res.Components {
		if c.Detail != want[i] {
			t.Errorf("%s detail = %q, want %q", c.Name, c.Detail, want[i])
		}
	}
	if got := res.Components[0].Counts; got["present"] != 5 || got["excused"] != 1 || got["absent"] != 0 || got["meetings"] != 6 {
		t.Errorf("attendance counts = %v", got)
	}
	if res.Components[3].Comment != "Good work" {
		t.Errorf("assessment comment = %q", res.Components[3].Comment)
	}
}

func TestRule(t *testing.T) {
	all := Score(Facts{Present: 1, TrainingOutcome: contract.OutcomeOnTime, TasksOnTime: 1, Assessed: true, Scores: []float64{5}}, rules(0.5))
	if got := Rule(all); got != "The total is the weighted mean of attendance, training, tasks and assessment." {
		t.Errorf("Rule(all) = %q", got)
	}
	some := Score(Facts{TrainingOutcome: contract.OutcomeOnTime, TasksOnTime: 1}, rules(0.5))
	if got := Rule(some); !strings.Contains(got, "of training and tasks.") || !strings.Contains(got, "Nothing was recorded for attendance and assessment, so their weight") {
		t.Errorf("Rule(some) = %q", got)
	}
	if got := Rule(Score(Facts{}, rules(0.5))); !strings.HasPrefix(got, "No total") {
		t.Errorf("Rule(nothing) = %q", got)
	}
}

func TestFormatting(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Percent(5.5 / 6), "91.7%"},
		{Percent(1), "100%"},
		{Percent(0.3), "30%"},
		{Points(0.785), "78.5"},
		{Points(1), "100.0"},
		{Number(0.5), "0.5"},
		{Number(8), "8"},
		{Label(Attendance), "Attendance"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestRulesFromPlanDefaults(t *testing.T) {
	r := RulesFrom(plan.Evaluation{Weights: plan.Weights{Tasks: 1}})
	if r.ExcusedWeight != 0.5 || r.MaxScore != 10 || r.Weights.Tasks != 1 {
		t.Errorf("RulesFrom = %+v", r)
	}
	w := 0.0
	if r := RulesFrom(plan.Evaluation{ExcusedWeight: &w, MaxScore: 5}); r.ExcusedWeight != 0 || r.MaxScore != 5 {
		t.Errorf("RulesFrom with settings = %+v", r)
	}
}

func TestExplainNamesThePlansNumbers(t *testing.T) {
	lines := Explain(rules(0.25))
	if len(lines) != 5 {
		t.Fatalf("%d lines, want 5", len(lines))
	}
	for i, want := range []string{"Attendance (weight 30%)", "counting 0.25", "Training (weight 10%)", "Assessment (weight 30%): the leaders' score out of 10."} {
		joined := strings.Join(lines, "\n")
		if !strings.Contains(joined, want) {
			t.Errorf("rule %d: %q missing from\n%s", i, want, joined)
		}
	}
}

// An officer an amendment added is counted on the exchanges since they
// joined, and the evaluation says so.
func TestDetailSaysWhenAnOfficerJoined(t *testing.T) {
	r := rules(0.5)
	r.Zone = plan.MustZone("Asia/Shanghai")
	joined := time.Date(2026, 9, 9, 20, 0, 0, 0, time.UTC) // 10 September in Shanghai
	res := Score(Facts{Present: 4, Absent: 1, JoinedAt: &joined}, r)
	if want := "present 4, excused 0, absent 1 of 5 meetings since joining on 10 Sep 2026"; res.Components[0].Detail != want {
		t.Errorf("detail = %q, want %q", res.Components[0].Detail, want)
	}
	if v := res.Components[0].Value; v != 0.8 {
		t.Errorf("attendance = %v, want 0.8 (4 of the 5 exchanges since joining)", v)
	}
}

// An officer an amendment took out is counted on the exchanges until they
// left, and one who joined and left on the exchanges in between.
func TestDetailSaysWhenAnOfficerLeft(t *testing.T) {
	r := rules(0.5)
	r.Zone = plan.MustZone("Asia/Shanghai")
	joined := time.Date(2026, 9, 9, 20, 0, 0, 0, time.UTC)
	left := time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC)
	cases := []struct {
		facts Facts
		want  string
	}{
		{Facts{Present: 2, Excused: 1, LeftAt: &left}, "present 2, excused 1, absent 0 of 3 meetings until leaving on 3 Nov 2026; an excused absence counts 0.5"},
		{Facts{Present: 1, Absent: 1, JoinedAt: &joined, LeftAt: &left}, "present 1, excused 0, absent 1 of 2 meetings between joining on 10 Sep 2026 and leaving on 3 Nov 2026"},
		{Facts{LeftAt: &left}, "no exchange recorded until leaving on 3 Nov 2026"},
	}
	for _, c := range cases {
		if got := Score(c.facts, r).Components[0].Detail; got != c.want {
			t.Errorf("detail = %q, want %q", got, c.want)
		}
	}
}
