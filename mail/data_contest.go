package mail

// MilestoneItem is one contest milestone in an email: what, whose, by when.
type MilestoneItem struct {
	Title string
	Owner Officer
	// Due is already formatted in the term's time zone.
	Due string
}

// ContestAtRiskData feeds contest_at_risk: the leaders hear, a week or so
// before the contest, which preparation milestones are still open.
type ContestAtRiskData struct {
	TermName      string
	RecipientName string
	ContestName   string
	// ContestWhen is the contest's date and time, formatted.
	ContestWhen string
	Where       string
	// Total counts every milestone; Open lists those not done.
	Total int
	Open  []MilestoneItem
}

// ContestResultsReminderData feeds contest_results_reminder: the leaders
// are asked for the contest's results on the day they are due.
type ContestResultsReminderData struct {
	TermName      string
	RecipientName string
	ContestName   string
	ContestWhen   string
	// ResultsDue is when the results are due, formatted.
	ResultsDue string
	// ActionCommand records the results from the command line.
	ActionCommand string
	// Departments lists the department IDs a winners list may name.
	Departments []string
}

// HelpRequestedData feeds help_requested: the coordinator hears that a
// department asked for help and how to assign an officer.
type HelpRequestedData struct {
	TermName       string
	RecipientName  string
	TaskID         string
	DepartmentName string
	Requester      Officer
	Description    string
	// Due is when the help is needed, formatted.
	Due string
	// ActionCommand assigns an officer from the command line.
	ActionCommand string
}

// TaskAssignedData feeds task_assigned: the department that asked hears
// who will help them.
type TaskAssignedData struct {
	TermName       string
	RecipientName  string
	TaskID         string
	DepartmentName string
	Description    string
	Due            string
	Assignee       Officer
	// AssignedBy names who assigned the task.
	AssignedBy string
}
