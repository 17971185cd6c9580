package mail

import (
	"strings"
	"testing"
)

// sampleMonthTheme is a theme set by a leader, with the Youth League
// Committee's arrangement.
func sampleMonthTheme() MonthThemeData {
	return MonthThemeData{
		TermName:      "Fall 2026",
		RecipientName: "Sun Hao",
		MonthName:     "October 2026",
		Theme:         "Red memory: the stories of our founders",
		SetBy:         "Li Wei",
		Arrangement:   "Study the spirit of the youth congress; every branch holds one themed meeting & one volunteer activity.",
		EntriesDue:    "Thu 15 Oct 2026, 23:59 (Asia/Shanghai)",
		SummariesDue:  "Tue 3 Nov 2026, 23:59 (Asia/Shanghai)",
	}
}

// sampleCompetition has two entries tied on the total, decided by the first
// criterion, and one entry nobody scored.
func sampleCompetition() CompetitionResultsData {
	return CompetitionResultsData{
		TermName:      "Fall 2026",
		RecipientName: "Zhang Hua",
		MonthName:     "October 2026",
		Criteria:      []string{"ideological content", "creativity", "participation"},
		MaxTotal:      "30",
		Ranked: []CompetitionRow{
			{Rank: 1, Department: "Publicity Department", MeanTotal: "25.5", Judges: 2, CriterionMeans: []string{"9", "8", "8.5"}},
			{Rank: 2, Department: "Sports <Department>", MeanTotal: "25.5", Judges: 2, CriterionMeans: []string{"8.5", "9", "8"}},
			{Rank: 3, Department: "Organization Department", MeanTotal: "21", Judges: 1, CriterionMeans: []string{"7", "7", "7"}},
		},
		Unscored: []string{"Arts Department"},
		TieBreak: "Equal totals are decided by the higher mean score on ideological content, then on the next criteria in order, then by more judges, then by the earlier entry.",
	}
}

// sampleDigest is a month with every part: a theme, results, a summary on
// time, a late one and a missing one.
func sampleDigest() MonthDigestData {
	return MonthDigestData{
		TermName:      "Fall 2026",
		RecipientName: "Sun Hao",
		MonthName:     "October 2026",
		PageURL:       "https://union.example.edu/portal/digests/2026-fall/2026-10",
		Theme:         "Red memory: the stories of our founders",
		ThemeNote:     "set by Li Wei",
		Arrangement:   "Study the spirit of the youth congress.",
		Competition:   sampleCompetition(),
		Summaries: []DigestSummary{
			{Department: "Organization Department", Text: "A visit to the memorial hall with 24 members.\nA reading circle on the founders' letters.", By: "Wu Tong"},
			{Department: "Publicity Department", Text: "Posters & a short film <in progress>.", By: "Sun Hao", Late: true},
			{Department: "Arts Department"},
		},
		PublishedOn: "Sat 7 Nov 2026, 09:00 (Asia/Shanghai)",
	}
}

func TestRenderDigestPage(t *testing.T) {
	html, text, err := RenderDigestPage(sampleDigest())
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "month_digest_page.html.golden", html)
	checkGolden(t, "month_digest_page.text.golden", text)
	if strings.Contains(html, "Hi Sun Hao") || strings.Contains(text, "Hi Sun Hao") {
		t.Error("the page greets the email's recipient")
	}
	if strings.Contains(html, "sent automatically") || !strings.Contains(html, "<h1") {
		t.Error("the page uses the email frame instead of its own")
	}
}

func TestRenderMonthEmails(t *testing.T) {
	d := sampleDigest()
	r, err := Render("month_digest", d)
	if err != nil {
		t.Fatal(err)
	}
	for part, body := range map[string]string{"text": r.Text, "HTML": r.HTML} {
		for _, want := range []string{"Red memory", "set by Li Wei", "Publicity Department", "25.5", "No summary received", "late", "2 of 3 received"} {
			if !strings.Contains(body, want) {
				t.Errorf("digest %s lacks %q", part, want)
			}
		}
	}
	if !strings.Contains(r.HTML, "Posters &amp; a short film &lt;in progress&gt;.") {
		t.Error("digest HTML does not escape a summary's markup")
	}

	c, err := Render("competition_results", sampleCompetition())
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "October 2026 group-life design competition: Publicity Department wins" {
		t.Errorf("results subject = %q", c.Subject)
	}
	if got := strings.Count(c.HTML, "<tr>"); got != 4 {
		t.Errorf("results table has %d rows, want a header and 3 ranked entries", got)
	}
	if !strings.Contains(c.Text, "Not ranked, as no judge scored it: Arts Department.") {
		t.Errorf("results text does not list the unscored entry:\n%s", c.Text)
	}

	none := sampleMonthTheme()
	none.Theme = ""
	n, err := Render("month_theme", none)
	if err != nil {
		t.Fatal(err)
	}
	if n.Subject != "October 2026 organisation life has no common theme" || !strings.Contains(n.Text, "Each department chooses its own.") {
		t.Errorf("no-theme email: %q\n%s", n.Subject, n.Text)
	}
}
