package activities

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"

	"go.temporal.io/sdk/activity"

	"semesterflow/contract"
	"semesterflow/mail"
	"semesterflow/plan"
	"semesterflow/store"
)

// AnnounceMonthTheme records the month's theme (with the leader's audit
// entry) and emails it to every recipient, in one batch.
func (a *Activities) AnnounceMonthTheme(ctx context.Context, in contract.AnnounceMonthThemeInput) (contract.DeliveryResult, error) {
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	row := store.MonthTheme{
		TermID: in.TermID, Month: in.Month, Arrangement: in.Arrangement, Theme: in.Theme,
		SetBy: in.SetBy, Fallback: in.Fallback, SetAt: in.SetAt,
	}
	var audit *store.AuditEntry
	if in.AuditKey != "" {
		audit = &store.AuditEntry{
			Key: in.AuditKey, TermID: in.TermID, WorkflowID: workflowID,
			Actor: in.SetBy, Action: "set_month_theme", Subject: in.Month,
			Payload:  map[string]any{"theme": in.Theme},
			PlanTime: in.SetAt,
		}
	}
	if err := a.Store.RecordMonthTheme(ctx, row, audit); err != nil {
		return contract.DeliveryResult{}, storeError("record the theme of "+in.Month, err)
	}
	data := mail.MonthThemeData{
		TermName: in.TermName, MonthName: in.MonthName, Theme: in.Theme,
		SetBy: in.SetByName, Fallback: in.Fallback, Recommendations: in.Recommendations,
		Arrangement:  in.Arrangement,
		EntriesDue:   in.TimeZone.Human(in.EntriesDue),
		SummariesDue: in.TimeZone.Human(in.SummariesDue),
	}
	return deliverEach(ctx, a, "month_theme", "month-theme", workflowID, in.Recipients, data,
		func(d *mail.MonthThemeData, name string) { d.RecipientName = name })
}

// AnnounceCompetitionResults records the month's results in one statement
// and emails the results table to every recipient, in one batch.
//
// With ResultsStored, StoreCompetitionResults has stored them already, in
// pages, and they are read back rather than carried in the input.
func (a *Activities) AnnounceCompetitionResults(ctx context.Context, in contract.AnnounceCompetitionInput) (contract.DeliveryResult, error) {
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	results := in.Results
	if in.ResultsStored {
		var err error
		if results, err = a.standings(ctx, in.TermID, in.Month); err != nil {
			return contract.DeliveryResult{}, err
		}
	} else if err := a.recordResults(ctx, in.TermID, in.Month, in.Results); err != nil {
		return contract.DeliveryResult{}, err
	}
	data := competitionData(in.TermName, in.MonthName, in.Criteria, in.MaxScore, results)
	return deliverEach(ctx, a, "competition_results", "competition-results", workflowID, in.Recipients, data,
		func(d *mail.CompetitionResultsData, name string) { d.RecipientName = name })
}

// StoreCompetitionResults stores one page of a month's results, for a
// competition too large to carry its results in one payload. A retry
// rewrites nothing.
func (a *Activities) StoreCompetitionResults(ctx context.Context, in contract.StoreCompetitionResultsInput) error {
	return a.recordResults(ctx, in.TermID, in.Month, in.Results)
}

func (a *Activities) recordResults(ctx context.Context, termID, month string, results []contract.CompetitionEntryResult) error {
	rows := make([]store.CompetitionResult, len(results))
	for i, r := range results {
		rows[i] = store.CompetitionResult{TermID: termID, Month: month, DepartmentID: r.DepartmentID, Judges: r.Judges,
			Scores: store.EntryScores{CriterionMeans: r.CriterionMeans}}
		for _, j := range r.ByJudge {
			rows[i].Scores.ByJudge = append(rows[i].Scores.ByJudge, store.JudgeScores(j))
		}
		if r.Rank > 0 {
			rank, mean := r.Rank, r.MeanTotal
			rows[i].Rank, rows[i].MeanTotal = &rank, &mean
		}
	}
	if err := a.Store.RecordCompetitionResults(ctx, rows); err != nil {
		return storeError("record the competition results of "+month, err)
	}
	return nil
}

// standings reads a month's stored results back as the emails show them.
func (a *Activities) standings(ctx context.Context, termID, month string) ([]contract.CompetitionEntryResult, error) {
	rows, err := a.Store.Standings(ctx, termID, month)
	if err != nil {
		return nil, storeError("read the competition results of "+month, err)
	}
	out := make([]contract.CompetitionEntryResult, len(rows))
	for i, r := range rows {
		out[i] = contract.CompetitionEntryResult{DepartmentID: r.DepartmentID, DepartmentName: r.DepartmentName, Judges: r.Judges,
			CriterionMeans: r.Scores.CriterionMeans}
		if r.Rank != nil {
			out[i].Rank, out[i].MeanTotal = *r.Rank, *r.MeanTotal
		}
		for _, j := range r.Scores.ByJudge {
			out[i].ByJudge = append(out[i].ByJudge, contract.JudgeScores(j))
		}
	}
	return out, nil
}

// PublishMonthDigest compiles the month's digest from the stored summaries,
// archives it (the portal serves the stored page) and emails it to every
// recipient, in one batch. Run again, it archives the same digest and
// sends nothing new.
func (a *Activities) PublishMonthDigest(ctx context.Context, in contract.PublishMonthDigestInput) (contract.DeliveryResult, error) {
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	// Summaries come from Postgres rather than the workflow: 200 long texts
	// do not belong in a workflow's history.
	subs, err := a.Store.Submissions(ctx, in.TermID, contract.SummaryKind, in.Month)
	if err != nil {
		return contract.DeliveryResult{}, storeError("read the summaries of "+in.Month, err)
	}
	bySlot := make(map[string]store.Submission, len(subs))
	authors := make([]string, 0, len(subs))
	for _, s := range subs {
		bySlot[s.Slot] = s
		authors = append(authors, s.AuthorEmail)
	}
	results := in.Results
	if in.ResultsStored {
		if results, err = a.standings(ctx, in.TermID, in.Month); err != nil {
			return contract.DeliveryResult{}, err
		}
	}
	// A large union's departments come without their people: the
	// directory names the authors instead.
	var names map[string]string
	if in.PeopleInDirectory {
		if names, err = a.Store.PeopleNames(ctx, in.TermID, authors); err != nil {
			return contract.DeliveryResult{}, storeError("name the authors of the summaries of "+in.Month, err)
		}
	}
	data := mail.MonthDigestData{
		TermName: in.TermName, MonthName: in.MonthName,
		Theme: in.Theme, ThemeNote: in.ThemeNote, Arrangement: in.Arrangement,
		Competition: competitionData(in.TermName, in.MonthName, in.Criteria, in.MaxScore, results),
		PublishedOn: in.TimeZone.Human(in.At),
	}
	for _, d := range in.Departments {
		sum := mail.DigestSummary{Department: d.Name}
		if s, ok := bySlot[d.ID]; ok {
			sum.Text, sum.Late, sum.By = s.Body, s.Late, s.AuthorEmail
			if n := names[s.AuthorEmail]; n != "" {
				sum.By = n
			}
			for _, p := range d.People {
				if p.Email == s.AuthorEmail {
					sum.By = p.Name
				}
			}
		}
		data.Summaries = append(data.Summaries, sum)
	}
	page, text, err := mail.RenderDigestPage(data)
	if err != nil {
		return contract.DeliveryResult{}, contract.Template("render the digest page", err)
	}
	if err := a.Store.SaveMonthDigest(ctx, store.MonthDigest{TermID: in.TermID, Month: in.Month, HTML: page, Text: text, PublishedAt: in.At}); err != nil {
		return contract.DeliveryResult{}, storeError("archive the digest of "+in.Month, err)
	}
	if a.PortalURL != "" {
		data.PageURL = strings.TrimRight(a.PortalURL, "/") + "/digests/" + url.PathEscape(in.TermID) + "/" + url.PathEscape(in.Month)
	}
	return deliverEach(ctx, a, "month_digest", "month-digest", workflowID, in.Recipients, data,
		func(d *mail.MonthDigestData, name string) { d.RecipientName = name })
}

// TieBreakRule says how the competition ranks entries with equal totals.
func TieBreakRule(criteria []string) string {
	first := "the first criterion"
	if len(criteria) > 0 {
		first = criteria[0]
	}
	return "Equal totals are decided by the higher mean score on " + first +
		", then on the next criteria in order, then by more judges, then by the earlier entry, and last by the order of departments in the plan."
}

// competitionData turns results into the emails' table, numbers rounded to
// two decimals.
func competitionData(termName, monthName string, criteria []string, maxScore float64, results []contract.CompetitionEntryResult) mail.CompetitionResultsData {
	d := mail.CompetitionResultsData{
		TermName: termName, MonthName: monthName, Criteria: criteria,
		MaxTotal: formatScore(maxScore * float64(len(criteria))),
		TieBreak: TieBreakRule(criteria),
	}
	for _, r := range results {
		if r.Rank == 0 {
			d.Unscored = append(d.Unscored, r.DepartmentName)
			continue
		}
		row := mail.CompetitionRow{Rank: r.Rank, Department: r.DepartmentName, MeanTotal: formatScore(r.MeanTotal), Judges: r.Judges}
		for _, m := range r.CriterionMeans {
			row.CriterionMeans = append(row.CriterionMeans, formatScore(m))
		}
		d.Ranked = append(d.Ranked, row)
	}
	return d
}

func formatScore(x float64) string {
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}

// deliverEach sends one email per recipient, greeted by name through
// greet, each keyed by the workflow, the purpose and the recipient; a
// repeated address (a leader who is also a head) hears once.
func deliverEach[D any](ctx context.Context, a *Activities, template, purpose, workflowID string, to []plan.Person, data D, greet func(*D, string)) (contract.DeliveryResult, error) {
	msgs, err := renderEach(template, to, workflowID, purpose, func(p plan.Person) any {
		d := data
		greet(&d, p.Name)
		return d
	})
	if err != nil {
		return contract.DeliveryResult{}, err
	}
	return a.deliver(ctx, purpose, msgs)
}

// renderEach renders one email per distinct recipient.
func renderEach(template string, to []plan.Person, workflowID, purpose string, data func(plan.Person) any) ([]mail.Message, error) {
	seen := map[string]bool{}
	msgs := make([]mail.Message, 0, len(to))
	for _, p := range to {
		email := plan.NormalizeEmail(p.Email)
		if email == "" || seen[email] {
			continue
		}
		seen[email] = true
		r, err := mail.Render(template, data(p))
		if err != nil {
			return nil, contract.Template(fmt.Sprintf("render %s emails", strings.ReplaceAll(template, "_", " ")), err)
		}
		msgs = append(msgs, mail.Message{
			Key:     emailKey(workflowID, purpose, email),
			To:      mail.Address{Name: p.Name, Email: email},
			Subject: r.Subject, HTML: r.HTML, Text: r.Text,
		})
	}
	return msgs, nil
}
