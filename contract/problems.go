package contract

import (
	"semesterflow/plan"
)

// NotifyPartProblemInput tells the people responsible for a part of the
// term about something it could not do on time.
type NotifyPartProblemInput struct {
	TermName string `json:"term_name"`
	// Occurrence makes the emails' idempotency keys unique within the
	// workflow, e.g. "exchange-3-invitation".
	Occurrence string        `json:"occurrence"`
	Part       string        `json:"part"`
	Problem    string        `json:"problem"`
	Advice     string        `json:"advice"`
	To         []plan.Person `json:"to"`
}
