package mail

// Sample data for the evaluation emails' golden files: a department of
// three, one without an assessment, one with no exchange recorded, and a
// comment that needs escaping.

var sampleEvaluationRules = []string{
	"Attendance (weight 30%): meetings attended, an excused absence counting 0.5, divided by the exchanges held.",
	"Training (weight 10%): 100% when acknowledged on time, 50% late, 0 otherwise.",
	"Tasks (weight 30%): tasks and contest milestones handed in on time, a late one counting 0.5, divided by those handed in.",
	"Assessment (weight 30%): the leaders' score out of 10.",
	"The total, out of 100, is the weighted mean of the parts recorded for the officer. A part with nothing recorded is left out, and the weights of the others are scaled up in proportion, so it counts neither as zero nor as full marks.",
}

func sampleEvaluationParts() []EvaluationPart {
	return []EvaluationPart{
		{Name: "Attendance", Applicable: true, Value: "91.7%", Weight: "30%", Share: "30%", Points: "27.5", Detail: "present 5, excused 1, absent 0 of 6 meetings; an excused absence counts 0.5"},
		{Name: "Training", Applicable: true, Value: "100%", Weight: "10%", Share: "10%", Points: "10.0", Detail: "training acknowledged on time"},
		{Name: "Tasks", Applicable: true, Value: "87.5%", Weight: "30%", Share: "30%", Points: "26.3", Detail: "3 of 4 tasks and milestones on time, 1 late; a late one counts 0.5"},
		{Name: "Assessment", Applicable: true, Value: "80%", Weight: "30%", Share: "30%", Points: "24.0", Detail: "scored 8 of 10 by the leaders"},
	}
}

func sampleUnassessedParts() []EvaluationPart {
	return []EvaluationPart{
		{Name: "Attendance", Applicable: true, Value: "50%", Weight: "30%", Share: "42.9%", Points: "21.4", Detail: "present 3, excused 0, absent 3 of 6 meetings"},
		{Name: "Training", Applicable: true, Value: "50%", Weight: "10%", Share: "14.3%", Points: "7.1", Detail: "training acknowledged late, which counts 0.5"},
		{Name: "Tasks", Applicable: true, Value: "100%", Weight: "30%", Share: "42.9%", Points: "42.9", Detail: "2 of 2 tasks and milestones on time, 0 late"},
		{Name: "Assessment", Value: "not recorded", Weight: "30%", Detail: "no assessment handed in"},
	}
}

func sampleEvaluationReport() EvaluationReportData {
	noMeetings := sampleEvaluationParts()
	noMeetings[0] = EvaluationPart{Name: "Attendance", Value: "not recorded", Weight: "30%", Detail: "no exchange recorded"}
	for i := 1; i < len(noMeetings); i++ {
		noMeetings[i].Share = "42.9%"
	}
	noMeetings[1].Points, noMeetings[2].Points, noMeetings[3].Points = "14.3", "37.5", "34.3"
	return EvaluationReportData{
		TermName:       "Fall 2026",
		DepartmentName: "Publicity Department",
		RecipientName:  "Li Wei",
		Columns:        []string{"Attendance (30%)", "Training (10%)", "Tasks (30%)", "Assessment (30%)"},
		Officers: []EvaluationOfficer{
			{Name: "Ma Li", Email: "ma.li@example.edu", Role: "Designer", Total: "87.8", Parts: sampleEvaluationParts()},
			{Name: "Zoë O'Brien", Email: "zoe.obrien@example.edu", Total: "71.4", Parts: sampleUnassessedParts()},
			{Name: "He Xin", Email: "he.xin@example.edu", Role: "Secretary", Total: "86.1", Parts: noMeetings},
		},
		Average:     "81.8",
		Rules:       sampleEvaluationRules,
		NotAssessed: []string{"Zoë O'Brien"},
	}
}

func sampleEvaluationSummary() EvaluationSummaryData {
	return EvaluationSummaryData{
		TermName:       "Fall 2026",
		DepartmentName: "Publicity Department",
		RecipientName:  "Ma Li",
		Total:          "87.8",
		Parts:          sampleEvaluationParts(),
		Basis:          "The total is the weighted mean of attendance, training, tasks and assessment.",
		Assessor:       "Li Wei",
		Comment:        "Reliable & kind: the <October> posters were the best of the term.\nNext term, hand tasks in on time.",
		Rules:          sampleEvaluationRules,
	}
}

func sampleEvaluationSummaryUnassessed() EvaluationSummaryData {
	s := sampleEvaluationSummary()
	s.RecipientName, s.Total, s.Parts = "Zoë O'Brien", "71.4", sampleUnassessedParts()
	s.Basis = "The total is the weighted mean of attendance, training and tasks. Nothing was recorded for assessment, so its weight is shared among the others in proportion to their weights."
	s.Assessor, s.Comment = "", ""
	return s
}
