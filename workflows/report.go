package workflows

import (
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
)

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
	unstored *contract.ReportPartInput
}

// send stores a report for the term. A report that cannot be stored is
// logged, not fatal: the part's own work matters more than the term's view
// of it, and the next report carries the whole state again (reports are
// numbered, so one stored after a newer one changes nothing).
func (r *reporter) send(ctx workflow.Context, rep contract.PartReport) {
	r.sendWith(ctx, rep, r.beside)
}

func (r *reporter) sendWith(ctx workflow.Context, rep contract.PartReport, b *beside) {
	if r == nil || r.termKey == "" {
		return
	}
	r.seq++
	rep.Part, rep.Seq = r.part, r.seq
	r.store(ctx, contract.ReportPartInput{TermKey: r.termKey, Report: rep}, b)
}

func (r *reporter) store(ctx workflow.Context, in contract.ReportPartInput, b *beside) {
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
func (r *reporter) resume(ctx workflow.Context, in *contract.ReportPartInput) {
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
	phase := contract.PhaseFailed
	if temporal.IsCanceledError(err) {
		phase = contract.PhaseCancelled
	}
	dctx, cancel := workflow.NewDisconnectedContext(ctx)
	defer cancel()
	// The part is ending: wait for the report, not beside.
	r.sendWith(dctx, contract.PartReport{Phase: phase, Summary: err.Error(), Done: true}, nil)
}
