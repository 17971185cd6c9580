package noopacts

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"go.temporal.io/sdk/activity"

	"semesterflow/contract"
)

// Relay keeps part reports in memory in place of Postgres, so a term run on
// no-op activities still sees its parts' progress and ends when they do.
type Relay struct {
	mu      sync.Mutex
	version int64
	reports map[string]map[string]versioned // term key -> part -> latest
}

type versioned struct {
	report  contract.PartReport
	version int64
}

// ReportPart keeps a report unless a newer one of the part is kept.
func (r *Relay) ReportPart(_ context.Context, in contract.ReportPartInput) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.reports == nil {
		r.reports = map[string]map[string]versioned{}
	}
	parts := r.reports[in.TermKey]
	if parts == nil {
		parts = map[string]versioned{}
		r.reports[in.TermKey] = parts
	}
	if old, ok := parts[in.Report.Part]; ok && old.report.Seq >= in.Report.Seq {
		return nil
	}
	r.version++
	parts[in.Report.Part] = versioned{report: in.Report, version: r.version}
	return nil
}

// PartReportsSince returns the reports changed after in.After, oldest
// change first.
func (r *Relay) PartReportsSince(_ context.Context, in contract.PartReportsInput) (contract.PartReportsPage, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var changed []versioned
	for _, v := range r.reports[in.TermKey] {
		if v.version > in.After {
			changed = append(changed, v)
		}
	}
	slices.SortFunc(changed, func(a, b versioned) int { return cmp.Compare(a.version, b.version) })
	page := contract.PartReportsPage{Cursor: in.After}
	for i, v := range changed {
		if i == in.Limit {
			page.More = true
			break
		}
		page.Reports = append(page.Reports, v.report)
		page.Cursor = v.version
	}
	return page, nil
}

// register registers the relay's two activities under their names.
func (r *Relay) register(reg Registry) {
	reg.RegisterActivityWithOptions(r.ReportPart, activity.RegisterOptions{Name: "ReportPart"})
	reg.RegisterActivityWithOptions(r.PartReportsSince, activity.RegisterOptions{Name: "PartReportsSince"})
}
