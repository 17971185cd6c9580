package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// SignalPartReport carries a PartReport from any part of a term to its
// SemesterPlan.
const SignalPartReport = "part-report"

// PartReport is what one part of the term (the kickoff, a department's
// exchanges, a month, the contest, ...) tells the term about itself, so the
// term's progress query can show every phase, what is overdue and by whom.
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
}

// OverdueItem is something past its due date and not yet handed in.
type OverdueItem struct {
	Department string    `json:"department,omitempty"`
	What       string    `json:"what"`
	Who        string    `json:"who,omitempty"`
	Due        time.Time `json:"due"`
}

// Deadline is an upcoming due date.
type Deadline struct {
	What string    `json:"what"`
	Due  time.Time `json:"due"`
}

// reporter sends a part's reports to the term, numbering them.
type reporter struct {
	termWorkflowID string
	part           string
	seq            int
}

// send delivers a report; a part started without a term (in tests, or by
// hand) reports nothing. A report that cannot be delivered is logged, not
// fatal: the part's own work matters more than the term's view of it.
func (r *reporter) send(ctx workflow.Context, rep PartReport) {
	if r == nil || r.termWorkflowID == "" {
		return
	}
	r.seq++
	rep.Part, rep.Seq = r.part, r.seq
	if err := workflow.SignalExternalWorkflow(ctx, r.termWorkflowID, "", SignalPartReport, rep).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("part report not delivered", "part", r.part, "error", err)
	}
}

// failed tells the term that the part ended with an error (or was
// cancelled), so the term does not wait for it; a part that merely
// continues as new has not ended. It reports on a disconnected context, so
// the report goes out even from a cancelled part.
func (r *reporter) failed(ctx workflow.Context, err error) {
	if err == nil || workflow.IsContinueAsNewError(err) {
		return
	}
	phase := PhaseFailed
	if temporal.IsCanceledError(err) {
		phase = PhaseCancelled
	}
	dctx, cancel := workflow.NewDisconnectedContext(ctx)
	defer cancel()
	r.send(dctx, PartReport{Phase: phase, Summary: err.Error(), Done: true})
}
