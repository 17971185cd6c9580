package contract

import (
	"time"
)

// PartReport is what one part of the term (the kickoff, a department's
// exchanges, a month, the contest, ...) says about itself, so the term's
// progress can show every phase, what is overdue and by whom.
type PartReport struct {
	// Part names the part uniquely in the term, e.g. "kickoff",
	// "exchanges/publicity", "month/2026-10/summary".
	Part string `json:"part"`
	// Seq increases with every report of a part; older ones are dropped.
	Seq   int    `json:"seq"`
	Phase string `json:"phase"`
	// Summary is one line for people, e.g. "6 of 8 summaries in".
	Summary string        `json:"summary,omitempty"`
	Overdue []OverdueItem `json:"overdue,omitempty"`
	// Next is the part's next deadline, if any.
	Next *Deadline `json:"next,omitempty"`
	Done bool      `json:"done"`
	// Problems are what the part could not do on time, in plan order:
	// "invitation to exchange 3 went out 2 h late". A part that is done
	// with problems is not done as if all went well.
	Problems []string `json:"problems,omitempty"`
}

// OverdueItem is something past its due date and not yet handed in.
type OverdueItem struct {
	Department string    `json:"department,omitempty"`
	What       string    `json:"what"`
	Who        string    `json:"who,omitempty"`
	Due        time.Time `json:"due"`
	// WorkflowID and Slot name a collection's slot, which can be extended
	// or handed over; empty for other items.
	WorkflowID string `json:"workflow_id,omitempty"`
	Slot       string `json:"slot,omitempty"`
}

// Deadline is an upcoming due date.
type Deadline struct {
	What string    `json:"what"`
	Due  time.Time `json:"due"`
}

// ReportPartInput is one part's report to the term that follows it.
type ReportPartInput struct {
	// TermKey names the term's execution: its workflow ID and first run ID.
	TermKey string     `json:"term_key"`
	Report  PartReport `json:"report"`
}

// PartReportsInput asks for a term's part reports changed after a cursor.
type PartReportsInput struct {
	TermKey string `json:"term_key"`
	// After is the cursor of the last page read; 0 reads from the start.
	After int64 `json:"after"`
	Limit int   `json:"limit"`
}

// PartReportsPageBytes bounds the reports of one page, as JSON; a page
// holds at least one report whatever its size.
const PartReportsPageBytes = 128 << 10

// PartReportsPage is one page of changed reports, oldest change first.
type PartReportsPage struct {
	Reports []PartReport `json:"reports,omitempty"`
	// Cursor is where the next page starts: After for the next call.
	Cursor int64 `json:"cursor"`
	// More says the page was full: more changes may be waiting.
	More bool `json:"more,omitempty"`
}
