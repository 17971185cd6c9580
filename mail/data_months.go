package mail

import (
	"fmt"
	"strings"
)

// MonthThemeData feeds month_theme: the month's organisation-life theme as
// announced to every department head and leader.
type MonthThemeData struct {
	TermName      string
	RecipientName string
	// MonthName is e.g. "October 2026".
	MonthName string
	// Theme is empty when nobody set one and no department recommended one.
	Theme string
	// SetBy names the leader who set the theme; empty for a fallback.
	SetBy string
	// Fallback is set when the most recommended theme was taken because no
	// leader set one by the due date.
	Fallback bool
	// Recommendations is, for a fallback, how many departments recommended
	// the theme.
	Recommendations int
	// Arrangement is the Youth League Committee's arrangement, if recorded.
	Arrangement string
	// EntriesDue and SummariesDue are the month's next dates, formatted.
	EntriesDue   string
	SummariesDue string
}

// CompetitionRow is one entry of the group-life design competition in a
// results table. Numbers are preformatted.
type CompetitionRow struct {
	Rank       int
	Department string
	// MeanTotal is the mean over the judges of the sum of the criterion
	// scores, e.g. "25.5".
	MeanTotal string
	Judges    int
	// CriterionMeans follow the order of the criteria.
	CriterionMeans []string
}

// CompetitionResultsData feeds competition_results, the announcement of a
// month's group-life design competition.
type CompetitionResultsData struct {
	TermName      string
	RecipientName string
	MonthName     string
	Criteria      []string
	// MaxTotal is the highest total an entry can get, e.g. "30".
	MaxTotal string
	// Ranked are the scored entries, best first.
	Ranked []CompetitionRow
	// Unscored names the departments whose entry no judge scored; they are
	// listed without a rank.
	Unscored []string
	// TieBreak says, in one sentence, how equal totals were decided.
	TieBreak string
}

// DigestSummary is one department's summary in the monthly digest.
type DigestSummary struct {
	Department string
	// Text is empty when no summary was received.
	Text string
	// By names who handed it in.
	By   string
	Late bool
}

// MonthDigestData feeds month_digest: the monthly digest of organisation
// life, emailed to heads and leaders and archived as the portal's page.
type MonthDigestData struct {
	TermName      string
	RecipientName string
	MonthName     string
	// Theme is empty when the month had none; ThemeNote says how it was
	// decided, e.g. "set by Li Wei".
	Theme       string
	ThemeNote   string
	Arrangement string
	Competition CompetitionResultsData
	Summaries   []DigestSummary
	// PublishedOn is when the digest was compiled, formatted.
	PublishedOn string
	// Page renders the digest as the portal's page, without a greeting.
	Page bool
	// PageURL is the digest's page on the portal, linked from the email.
	PageURL string
}

// Received counts the summaries that came in.
func (d MonthDigestData) Received() int {
	n := 0
	for _, s := range d.Summaries {
		if s.Text != "" {
			n++
		}
	}
	return n
}

// RenderDigestPage renders the digest as the complete HTML page the
// officers' portal serves, from the same template as the email, and the
// text alternative, both without a greeting.
func RenderDigestPage(d MonthDigestData) (html, text string, err error) {
	d.Page, d.RecipientName = true, ""
	r, err := Render("month_digest", d)
	if err != nil {
		return "", "", err
	}
	var b strings.Builder
	if err := templates["month_digest"].html.ExecuteTemplate(&b, "digest_page", page{Subject: r.Subject, Data: d}); err != nil {
		return "", "", fmt.Errorf("mail: render month_digest page: %w", err)
	}
	return strings.TrimSpace(b.String()) + "\n", r.Text, nil
}
