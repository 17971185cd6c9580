package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"semesterflow/contract"
	"semesterflow/internal/evaluation"
	"semesterflow/mail"
	"semesterflow/plan"
	"semesterflow/store"
)

// ComputeEvaluations reads what the term recorded about each officer of
// the department (attendance, training, tasks, the leaders' assessment),
// scores it with the plan's rules and stores every evaluation, in one
// batch. Running it again with the same input changes nothing.
//
// Officers an amendment took out of the department during the term are
// evaluated too, on what they did until they left: the leaders' report
// lists them as such, and they get no summary.
func (a *Activities) ComputeEvaluations(ctx context.Context, in contract.EvaluateDepartmentInput) (contract.ComputeEvaluationsResult, error) {
	departed, err := a.departed(ctx, in)
	if err != nil {
		return contract.ComputeEvaluationsResult{}, err
	}
	emails := make([]string, 0, len(in.Officers)+len(departed))
	for _, o := range in.Officers {
		emails = append(emails, o.Email)
	}
	for _, o := range departed {
		emails = append(emails, o.Email)
	}
	facts, err := a.Store.EvaluationFacts(ctx, in.TermID, emails)
	if err != nil {
		return contract.ComputeEvaluationsResult{}, storeError("read the facts of "+in.DepartmentID, err)
	}
	rules := evaluation.RulesFrom(in.Evaluation)
	rules.Zone = in.TimeZone
	var res contract.ComputeEvaluationsResult
	rows := make([]store.Evaluation, 0, len(emails))
	for _, o := range departed {
		r := evaluation.Score(facts[o.Email], rules)
		rows = append(rows, store.Evaluation{
			TermID: in.TermID, OfficerEmail: o.Email, DepartmentID: in.DepartmentID,
			Total: r.Total, Components: r.Components, ComputedAt: in.At,
		})
		res.Departed++
	}
	sum, n := 0.0, 0
	for _, o := range in.Officers {
		f := facts[o.Email]
		r := evaluation.Score(f, rules)
		rows = append(rows, store.Evaluation{
			TermID: in.TermID, OfficerEmail: o.Email, DepartmentID: in.DepartmentID,
			Total: r.Total, Components: r.Components, ComputedAt: in.At,
		})
		res.Evaluated++
		if f.Assessed {
			res.Assessed++
		}
		if r.Total == nil {
			res.NoTotal = append(res.NoTotal, o.Email)
		} else {
			sum += *r.Total
			n++
		}
	}
	if n > 0 {
		avg := sum / float64(n)
		res.Average = &avg
	}
	if err := a.Store.SaveEvaluations(ctx, rows); err != nil {
		return contract.ComputeEvaluationsResult{}, storeError("save the evaluations of "+in.DepartmentID, err)
	}
	return res, nil
}

// departmentEvaluations loads the department's stored evaluations in the
// order of its officers; an officer without one means the evaluations were
// not computed, which no retry can fix.
func (a *Activities) departmentEvaluations(ctx context.Context, in contract.EvaluateDepartmentInput) ([]store.Evaluation, error) {
	rows, err := a.Store.Evaluations(ctx, in.TermID, in.DepartmentID)
	if err != nil {
		return nil, storeError("read the evaluations of "+in.DepartmentID, err)
	}
	byEmail := make(map[string]store.Evaluation, len(rows))
	for _, r := range rows {
		byEmail[r.OfficerEmail] = r
	}
	out := make([]store.Evaluation, 0, len(in.Officers))
	for _, o := range in.Officers {
		r, ok := byEmail[o.Email]
		if !ok {
			return nil, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("no evaluation of %s in %s: compute the evaluations first", o.Email, in.DepartmentID), contract.TypeNotComputed, nil)
		}
		out = append(out, r)
	}
	return out, nil
}

// departed lists the officers who left the department during the term and
// are not in it again.
func (a *Activities) departed(ctx context.Context, in contract.EvaluateDepartmentInput) ([]store.Officer, error) {
	rows, err := a.Store.DepartedOfficers(ctx, in.TermID, in.DepartmentID)
	if err != nil {
		return nil, storeError("read who left "+in.DepartmentID, err)
	}
	current := make(map[string]bool, len(in.Officers))
	for _, o := range in.Officers {
		current[o.Email] = true
	}
	out := rows[:0]
	for _, o := range rows {
		if !current[o.Email] {
			out = append(out, o)
		}
	}
	return out, nil
}

// SendEvaluationReport sends each leader the department's evaluations: a
// table of the officers with their totals and every part, and how they are
// computed. The report is kept in evaluation_reports as rendered for the
// leaders together ("Hello,"); each email greets its leader by name.
func (a *Activities) SendEvaluationReport(ctx context.Context, in contract.EvaluateDepartmentInput) (contract.DeliveryResult, error) {
	rows, err := a.departmentEvaluations(ctx, in)
	if err != nil {
		return contract.DeliveryResult{}, err
	}
	rules := evaluation.RulesFrom(in.Evaluation)
	data := mail.EvaluationReportData{
		TermName:       in.TermName,
		DepartmentName: in.DepartmentName,
		Rules:          evaluation.Explain(rules),
	}
	for _, name := range evaluation.Names {
		data.Columns = append(data.Columns, fmt.Sprintf("%s (%s)", evaluation.Label(name), planShare(rules.Weights, name)))
	}
	sum, n := 0.0, 0
	for i, r := range rows {
		o := in.Officers[i]
		line := mail.EvaluationOfficer{Name: o.Name, Email: o.Email, Role: o.Role, Parts: mailParts(r.Components, rules.Weights)}
		if r.Total != nil {
			line.Total = evaluation.Points(*r.Total)
			sum += *r.Total
			n++
		}
		if !assessed(r.Components) {
			data.NotAssessed = append(data.NotAssessed, o.Name)
		}
		data.Officers = append(data.Officers, line)
	}
	// Those who left are listed after the others, without counting in the
	// average; one computed before they left has no row and is skipped.
	departed, err := a.departed(ctx, in)
	if err != nil {
		return contract.DeliveryResult{}, err
	}
	if len(departed) > 0 {
		stored, err := a.Store.Evaluations(ctx, in.TermID, in.DepartmentID)
		if err != nil {
			return contract.DeliveryResult{}, storeError("read the evaluations of "+in.DepartmentID, err)
		}
		byEmail := make(map[string]store.Evaluation, len(stored))
		for _, r := range stored {
			byEmail[r.OfficerEmail] = r
		}
		for _, o := range departed {
			r, ok := byEmail[o.Email]
			if !ok {
				continue
			}
			line := mail.EvaluationOfficer{Name: o.Name, Email: o.Email, Role: o.Role, Parts: mailParts(r.Components, rules.Weights),
				Left: in.TimeZone.Local(*o.LeftAt).Format("2 Jan 2006")}
			if r.Total != nil {
				line.Total = evaluation.Points(*r.Total)
			}
			data.Officers = append(data.Officers, line)
		}
	}
	if n > 0 {
		data.Average = evaluation.Points(sum / float64(n))
	}

	kept, err := mail.Render("evaluation_report", data)
	if err != nil {
		return contract.DeliveryResult{}, contract.Template("render the evaluation report", err)
	}
	if err := a.Store.SaveEvaluationReport(ctx, store.EvaluationReport{
		TermID: in.TermID, DepartmentID: in.DepartmentID, Subject: kept.Subject, HTML: kept.HTML, Text: kept.Text,
	}); err != nil {
		return contract.DeliveryResult{}, storeError("keep the evaluation report of "+in.DepartmentID, err)
	}

	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	const purpose = "evaluation-report"
	msgs := make([]mail.Message, 0, len(in.Leaders))
	for _, l := range in.Leaders {
		d := data
		d.RecipientName = l.Name
		r, err := mail.Render("evaluation_report", d)
		if err != nil {
			return contract.DeliveryResult{}, contract.Template("render the evaluation report", err)
		}
		msgs = append(msgs, mail.Message{
			Key:     emailKey(workflowID, purpose, l.Email),
			To:      mail.Address{Name: l.Name, Email: l.Email},
			Subject: r.Subject, HTML: r.HTML, Text: r.Text,
		})
	}
	res, err := a.deliver(ctx, purpose, msgs)
	if err != nil {
		return res, err
	}
	if err := a.Store.MarkEvaluationReportSent(ctx, in.TermID, in.DepartmentID, in.At); err != nil {
		return res, storeError("record the evaluation report of "+in.DepartmentID+" as sent", err)
	}
	return res, nil
}

// SendEvaluationSummaries sends every officer of the department their own
// evaluation: each part with the counts it came from, its weight and
// points, and what the assessor wrote.
func (a *Activities) SendEvaluationSummaries(ctx context.Context, in contract.EvaluateDepartmentInput) (contract.DeliveryResult, error) {
	rows, err := a.departmentEvaluations(ctx, in)
	if err != nil {
		return contract.DeliveryResult{}, err
	}
	rules := evaluation.RulesFrom(in.Evaluation)
	explained := evaluation.Explain(rules)
	// Assessors are the leaders and the head; name them as the plan does.
	names := map[string]string{in.Head.Email: in.Head.Name}
	for _, l := range in.Leaders {
		names[l.Email] = l.Name
	}

	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	const purpose = "evaluation-summary"
	msgs := make([]mail.Message, 0, len(rows))
	emails := make([]string, 0, len(rows))
	for i, r := range rows {
		o := in.Officers[i]
		d := mail.EvaluationSummaryData{
			TermName:       in.TermName,
			DepartmentName: in.DepartmentName,
			RecipientName:  o.Name,
			Parts:          mailParts(r.Components, rules.Weights),
			Basis:          evaluation.Rule(evaluation.Result{Total: r.Total, Components: r.Components}),
			Rules:          explained,
		}
		if r.Total != nil {
			d.Total = evaluation.Points(*r.Total)
		}
		for _, c := range r.Components {
			if c.Name == evaluation.Assessment && c.Applicable {
				d.Comment = c.Comment
				d.Assessor = names[c.Assessor]
				if d.Assessor == "" {
					d.Assessor = c.Assessor
				}
			}
		}
		rendered, err := mail.Render("evaluation_summary", d)
		if err != nil {
			return contract.DeliveryResult{}, contract.Template("render evaluation summaries", err)
		}
		msgs = append(msgs, mail.Message{
			Key:     emailKey(workflowID, purpose, o.Email),
			To:      mail.Address{Name: o.Name, Email: o.Email},
			Subject: rendered.Subject, HTML: rendered.HTML, Text: rendered.Text,
		})
		emails = append(emails, o.Email)
	}
	res, err := a.deliver(ctx, purpose, msgs)
	if err != nil {
		return res, err
	}
	if err := a.Store.MarkSummariesSent(ctx, in.TermID, emails, in.At); err != nil {
		return res, storeError("record the evaluation summaries of "+in.DepartmentID+" as sent", err)
	}
	return res, nil
}

// mailParts turns stored components into what the emails show.
func mailParts(comps []evaluation.Component, w plan.Weights) []mail.EvaluationPart {
	parts := make([]mail.EvaluationPart, 0, len(comps))
	for _, c := range comps {
		p := mail.EvaluationPart{
			Name:       evaluation.Label(c.Name),
			Applicable: c.Applicable,
			Weight:     planShare(w, c.Name),
			Detail:     c.Detail,
			Value:      "not recorded",
		}
		if c.Applicable {
			p.Value = evaluation.Percent(c.Value)
			p.Share = evaluation.Percent(c.Share)
			p.Points = evaluation.Points(c.Contribution)
		}
		parts = append(parts, p)
	}
	return parts
}

// planShare is a component's weight as a share of all the plan's weights.
func planShare(w plan.Weights, name string) string {
	sum := w.Attendance + w.Training + w.Tasks + w.Assessment
	v := map[string]float64{
		evaluation.Attendance: w.Attendance,
		evaluation.Training:   w.Training,
		evaluation.Tasks:      w.Tasks,
		evaluation.Assessment: w.Assessment,
	}[name]
	if sum <= 0 {
		return "0%"
	}
	return evaluation.Percent(v / sum)
}

func assessed(comps []evaluation.Component) bool {
	for _, c := range comps {
		if c.Name == evaluation.Assessment {
			return c.Applicable
		}
	}
	return false
}
