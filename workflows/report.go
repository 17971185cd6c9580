package workflows

import (
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"semesterflow/activities"
)

// PartReport is what one part of the term tells the term about itself. The
// parts store their reports (activities.ReportPart) and the term reads what
// changed every so often, rather than the parts signalling the term: 200
// departments' parts reporting at once would otherwise flood the term's
// history faster than it can continue as new.
type PartReport = activities.PartReport

// OverdueItem is something past its due date and not yet handed in.
type OverdueItem = activities.OverdueItem

// Deadline is an upcoming due date.
type Deadline = activities.Deadline

// reporter sends a part's reports to its term, numbering them.
type reporter struct {
	// termKey names the term execution that follows the part; empty for a
	// part started without a term (in tests, or by hand).
	termKey string
	part    string
	seq     int
	// beside, when set, stores reports without holding up the part's
	// calendar; the part waits for it before it ends.
	beside *beside
	// unstored is the latest report while it is being stored beside;
	// earlier ones are superseded by it.
	unstored *activities.ReportPartInput
}

// send stores a report for the term. A report that cannot be stored is
// logged, not fatal: the part's own work matters more than the term's view
// of it, and the next report carries the whole state again (reports are
// numbered, so one stored after a newer one changes nothing).
func (r *reporter) send(ctx workflow.Context, rep PartReport) {
	r.sendWith(ctx, rep, r.beside)
}

func (r *reporter) sendWith(ctx workflow.Context, rep PartReport, b *beside) {
	if r == nil || r.termKey == "" {
		return
	}
	r.seq++
	rep.Part, rep.Seq = r.part, r.seq
	r.store(ctx, activities.ReportPartInput{TermKey: r.termKey, Report: rep}, b)
}

func (r *reporter) store(ctx workflow.Context, in activities.ReportPartInput, b *beside) {
	actx := withStoreOptions(ctx, "report: "+in.Report.Phase)
	if b != nil && !b.blocking {
		r.unstored = &in
	}
	seq := in.Report.Seq
	b.startWrite(ctx, workflow.ExecuteActivity(actx, a.ReportPart, in), func(ctx workflow.Context, f workflow.Future) {
		if r.unstored != nil && r.unstored.Report.Seq == seq {
			r.unstored = nil
		}
		if err := f.Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Warn("part report not stored", "part", r.part, "error", err)
		}
	})
}

// resume stores again, beside, a report the previous run was still
// storing when it continued as new.
func (r *reporter) resume(ctx workflow.Context, in *activities.ReportPartInput) {
	if r == nil || in == nil || in.Report.Seq < r.seq {
		return
	}
	r.store(ctx, *in, r.beside)
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
	// The part is ending: wait for the report, not beside.
	r.sendWith(dctx, PartReport{Phase: phase, Summary: err.Error(), Done: true}, nil)
}
