package activities

import (
	"context"
	"encoding/json"
	"fmt"

	"semesterflow/contract"
	"semesterflow/store"
)

// ReportPart keeps a part's latest report where its term reads it. A retry,
// or a report older than the one stored, changes nothing.
func (a *Activities) ReportPart(ctx context.Context, in contract.ReportPartInput) error {
	body, err := json.Marshal(in.Report)
	if err != nil {
		return storeError("encode the report of "+in.Report.Part, err)
	}
	_, err = a.Store.SavePartReport(ctx, store.PartReport{
		TermKey: in.TermKey, Part: in.Report.Part, Seq: in.Report.Seq, Done: in.Report.Done, Report: body,
	})
	if err != nil {
		return storeError("save the report of "+in.Report.Part, err)
	}
	return nil
}

// PartReportsSince reads the reports of a term's parts that changed after
// in.After.
func (a *Activities) PartReportsSince(ctx context.Context, in contract.PartReportsInput) (contract.PartReportsPage, error) {
	rows, err := a.Store.PartReportsSince(ctx, in.TermKey, in.After, in.Limit)
	if err != nil {
		return contract.PartReportsPage{}, storeError("read the part reports of "+in.TermKey, err)
	}
	page := contract.PartReportsPage{Cursor: in.After, More: len(rows) == in.Limit}
	size := 0
	for i, row := range rows {
		// A page stays well under the 256 KiB a payload should keep to;
		// the rest comes on the next page.
		if size += len(row.Report); i > 0 && size > contract.PartReportsPageBytes {
			page.More = true
			break
		}
		var r contract.PartReport
		if err := json.Unmarshal(row.Report, &r); err != nil {
			return contract.PartReportsPage{}, fmt.Errorf("report of %s, version %d: %w", row.Part, row.Version, err)
		}
		// The term has no use for which slot an item is (the leaders'
		// pages read that from the table), so its state does not carry it.
		for j := range r.Overdue {
			r.Overdue[j].WorkflowID, r.Overdue[j].Slot = "", ""
		}
		page.Reports = append(page.Reports, r)
		page.Cursor = row.Version
	}
	return page, nil
}
