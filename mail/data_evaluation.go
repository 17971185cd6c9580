package mail

// EvaluationPart is one component of an officer's evaluation as an email
// shows it. Numbers are preformatted.
type EvaluationPart struct {
	// Name is the component, e.g. "Attendance".
	Name string
	// Applicable is false when nothing was recorded for it; Value then
	// says so and Share and Points are empty.
	Applicable bool
	// Value is what was earned, e.g. "91.7%".
	Value string
	// Weight is the plan's weight, e.g. "30%"; Share is the weight after
	// leaving out the parts with nothing recorded, e.g. "42.9%".
	Weight string
	Share  string
	// Points is what the part adds to the total out of 100, e.g. "39.3".
	Points string
	// Detail explains the value from the raw counts, e.g. "present 5,
	// excused 1, absent 0 of 6 meetings".
	Detail string
}

// EvaluationOfficer is one officer's line in the leaders' report.
type EvaluationOfficer struct {
	Name  string
	Email string
	Role  string
	// Total is out of 100, e.g. "78.5", or empty when there is none.
	Total string
	Parts []EvaluationPart
	// Left is the day an amendment of the plan took the officer out of the
	// department, e.g. "3 Nov 2026"; empty for those still in it.
	Left string
}

// EvaluationReportData feeds evaluation_report: the department's
// evaluations for a leader.
type EvaluationReportData struct {
	TermName       string
	DepartmentName string
	RecipientName  string
	// Columns name the components in the order of every officer's Parts,
	// with their weights, e.g. "Attendance (30%)".
	Columns  []string
	Officers []EvaluationOfficer
	// Average is the mean total of the officers who have one.
	Average string
	// Rules explain how each part and the total are computed.
	Rules []string
	// NotAssessed names the officers the leaders did not assess.
	NotAssessed []string
}

// Departed tells whether the report lists officers who left.
func (d EvaluationReportData) Departed() bool {
	for _, o := range d.Officers {
		if o.Left != "" {
			return true
		}
	}
	return false
}

// EvaluationSummaryData feeds evaluation_summary: one officer's own
// evaluation, explained.
type EvaluationSummaryData struct {
	TermName       string
	DepartmentName string
	RecipientName  string
	// Total is out of 100, e.g. "78.5", or empty when there is none.
	Total string
	Parts []EvaluationPart
	// Basis says which parts the total rests on and what was left out.
	Basis string
	// Assessor wrote Comment to explain the assessment's score; both empty
	// when the officer was not assessed.
	Assessor string
	Comment  string
	Rules    []string
}
