package mail

import (
	"flag"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current templates")

// sampleOnboarding is realistic data for the onboarding emails: a department,
// two sessions, two materials, and names that need escaping or are not ASCII.
func sampleOnboarding() OnboardingData {
	return OnboardingData{
		TermName:       "Fall 2026",
		DepartmentName: "Publicity Department",
		RecipientName:  "Chen Jing",
		Deadline:       "Mon 14 Sep 2026, 23:59 (Asia/Shanghai)",
		WindowCloses:   "Mon 21 Sep 2026, 23:59 (Asia/Shanghai)",
		Sessions: []TrainingSession{
			{Title: "Welcome & how the union works", When: "Tue 8 Sep 2026, 19:00 (Asia/Shanghai)", Where: "Student Center, Room 301"},
			{Title: "Tools and channels", When: "Thu 10 Sep 2026, 19:00 (Asia/Shanghai)", Where: "Online (link in the handbook)"},
		},
		Materials: []Material{
			{Title: "Officer handbook", URL: "https://union.example.edu/handbook?term=2026-fall&lang=en"},
			{Title: "Code of conduct", URL: "https://union.example.edu/conduct"},
		},
		ActionURL:     "https://union.example.edu/ack?term=2026-fall&token=abc123",
		ActionCommand: "starter ack --term 2026-fall --email chen.jing@example.edu",
		DaysLeft:      3,
		Overdue: []Officer{
			{Name: "Li Wei", Email: "li.wei@example.edu", Role: "Officer"},
			{Name: "Zoë O'Brien", Email: "zoe.obrien@example.edu", Role: "Designer"},
			{Name: "Ahmed Khan", Email: "ahmed.khan@example.edu", Role: ""},
		},
	}
}

// sampleCollection is a judge asked to score two entries.
func sampleCollection() CollectionData {
	return CollectionData{
		TermName:      "Fall 2026",
		RecipientName: "Li Wei",
		Title:         "your scores for the group-life design competition of October 2026",
		Instructions:  "Score every department's entry; the entries are attached to the request.",
		Criteria:      []string{"ideological content", "creativity", "participation"},
		DaysLeft:      2,
		Items: []CollectionItem{
			{Label: "Publicity Department", Due: "Sat 24 Oct 2026, 23:59 (Asia/Shanghai)",
				ActionCommand: "starter submit --workflow semester/2026-fall/2026-10/score --slot li.wei/publicity --email li.wei@example.edu --scores S1,S2,... --text \"...\""},
			{Label: "Sports <Department>", Due: "Sat 24 Oct 2026, 23:59 (Asia/Shanghai)",
				ActionURL: "https://union.example.edu/act?token=xyz&slot=sports"},
		},
	}
}

// sampleContestAtRisk is the contest a week ahead with two of five
// milestones open.
func sampleContestAtRisk() ContestAtRiskData {
	return ContestAtRiskData{
		TermName: "Fall 2026", RecipientName: "Li Wei",
		ContestName: "Party & League Knowledge Contest", ContestWhen: "Wed 28 Oct 2026, 19:00 (Asia/Shanghai)",
		Where: "University Auditorium", Total: 5,
		Open: []MilestoneItem{
			{Title: "Registration", Owner: Officer{Name: "Huang Bo", Email: "huang.bo@example.edu"}, Due: "Fri 16 Oct 2026, 23:59 (Asia/Shanghai)"},
			{Title: "Preliminary <round>", Owner: Officer{Name: "Zhao Ning", Email: "zhao.ning@example.edu"}, Due: "Wed 21 Oct 2026, 23:59 (Asia/Shanghai)"},
		},
	}
}

func sampleContestResultsReminder() ContestResultsReminderData {
	return ContestResultsReminderData{
		TermName: "Fall 2026", RecipientName: "Zhang Hua",
		ContestName: "Party & League Knowledge Contest", ContestWhen: "Wed 28 Oct 2026, 19:00 (Asia/Shanghai)",
		ResultsDue:    "Fri 30 Oct 2026, 23:59 (Asia/Shanghai)",
		ActionCommand: `starter record-results --term 2026-fall --email zhang.hua@example.edu --text "..." --winners ID,ID`,
		Departments:   []string{"organization", "publicity", "sports"},
	}
}

func sampleHelpRequested() HelpRequestedData {
	return HelpRequestedData{
		TermName: "Fall 2026", RecipientName: "Zhang Hua", TaskID: "t3", DepartmentName: "Publicity Department",
		Requester:     Officer{Name: "Sun Hao", Email: "sun.hao@example.edu"},
		Description:   "Two people to hand out leaflets at the <Autumn Fair> & help set up the stand.",
		Due:           "Sat 10 Oct 2026, 23:59 (Asia/Shanghai)",
		ActionCommand: "starter assign --term 2026-fall --email zhang.hua@example.edu --task t3 --officer EMAIL",
	}
}

func sampleTaskAssigned() TaskAssignedData {
	return TaskAssignedData{
		TermName: "Fall 2026", RecipientName: "Sun Hao", TaskID: "t3", DepartmentName: "Publicity Department",
		Description: "Two people to hand out leaflets at the <Autumn Fair> & help set up the stand.",
		Due:         "Sat 10 Oct 2026, 23:59 (Asia/Shanghai)",
		Assignee:    Officer{Name: "Lin Yue", Email: "lin.yue@example.edu"},
		AssignedBy:  "Zhang Hua",
	}
}

// goldenCases are the renders kept under testdata. Every template must have
// at least one, and a case's name starts with its template's name.
func goldenCases() []struct {
	name, template string
	data           any
} {
	assignment := sampleOnboarding()
	assignment.DaysLeft, assignment.Overdue = 0, nil
	reminder := sampleOnboarding()
	reminder.Overdue = nil
	today := reminder
	today.DaysLeft = 0
	lastCall := reminder
	lastCall.DaysLeft = -1
	escalation := sampleOnboarding()
	escalation.RecipientName = "Zhang Min"
	escalation.ActionURL, escalation.ActionCommand = "", ""
	request := sampleCollection()
	monthThemeFallback := sampleMonthTheme()
	monthThemeFallback.SetBy, monthThemeFallback.Fallback, monthThemeFallback.Recommendations = "", true, 3
	monthThemeNone := sampleMonthTheme()
	monthThemeNone.Theme, monthThemeNone.SetBy, monthThemeNone.Fallback, monthThemeNone.Arrangement = "", "", true, ""
	collectionEscalation := sampleCollection()
	collectionEscalation.RecipientName = "Zhou Min"
	for i := range collectionEscalation.Items {
		collectionEscalation.Items[i].ActionURL, collectionEscalation.Items[i].ActionCommand = "", ""
		collectionEscalation.Items[i].Owners = []Officer{{Name: "Ma Li", Email: "ma.li@example.edu"}, {Name: "Sun Hao", Email: "sun.hao@example.edu"}}
	}
	kickoffLeader := sampleKickoffInvitation()
	kickoffLeader.RecipientName, kickoffLeader.DepartmentName, kickoffLeader.Where = "Li Wei", "", ""
	return []struct {
		name, template string
		data           any
	}{
		{"onboarding_assignment", "onboarding_assignment", assignment},
		{"onboarding_reminder", "onboarding_reminder", reminder},
		{"onboarding_reminder_today", "onboarding_reminder", today},
		{"onboarding_reminder_last_call", "onboarding_reminder", lastCall},
		{"onboarding_escalation", "onboarding_escalation", escalation},
		{"collection_request", "collection_request", request},
		{"collection_reminder", "collection_reminder", request},
		{"collection_escalation", "collection_escalation", collectionEscalation},
		{"kickoff_invitation", "kickoff_invitation", sampleKickoffInvitation()},
		{"kickoff_invitation_leader", "kickoff_invitation", kickoffLeader},
		{"directory", "directory", sampleDirectory()},
		{"term_cancelled", "term_cancelled", TermCancelledData{TermName: "Fall 2026", RecipientName: "Ma Li",
			Reason: "The union's elections were moved; a new plan follows.", When: "Mon 12 Oct 2026, 10:00 (Asia/Shanghai)"}},
		{"portal_sign_in", "portal_sign_in", PortalSignInData{RecipientName: "Zhang Wei",
			Link: "http://localhost:8090/leaders/welcome/q1w2e3r4t5y6u7i8o9p0", ValidFor: "15 minutes"}},
		{"part_problem", "part_problem", PartProblemData{TermName: "Fall 2026", RecipientName: "Sun Hao",
			Part: "exchange 3 of the Publicity Department on Tue 10 Nov 2026, 19:00 (Asia/Shanghai)", Problem: "the invitation went out 2 h late",
			Advice: "Officers may not have seen it in time; a word in the department's group helps."}},
		{"evaluation_report", "evaluation_report", sampleEvaluationReport()},
		{"evaluation_summary", "evaluation_summary", sampleEvaluationSummary()},
		{"evaluation_summary_unassessed", "evaluation_summary", sampleEvaluationSummaryUnassessed()},
		{"contest_at_risk", "contest_at_risk", sampleContestAtRisk()},
		{"contest_results_reminder", "contest_results_reminder", sampleContestResultsReminder()},
		{"help_requested", "help_requested", sampleHelpRequested()},
		{"task_assigned", "task_assigned", sampleTaskAssigned()},
		{"exchange_invitation", "exchange_invitation", sampleExchange()},
		{"exchange_invitation_secretary", "exchange_invitation", exchangeSecretary()},
		{"exchange_invitation_head", "exchange_invitation", exchangeHead()},
		{"exchange_invitation_moved", "exchange_invitation", exchangeMoved()},
		{"exchange_cancelled", "exchange_cancelled", ExchangeCancelledData{TermName: "Fall 2026", DepartmentName: "Publicity Department",
			RecipientName: "Guo Rui", Number: 4, Starts: "Tue 24 Nov 2026, 19:00 (Asia/Shanghai)", Where: "Student Activity Centre"}},
		{"month_theme", "month_theme", sampleMonthTheme()},
		{"month_theme_fallback", "month_theme", monthThemeFallback},
		{"month_theme_none", "month_theme", monthThemeNone},
		{"competition_results", "competition_results", sampleCompetition()},
		{"competition_results_none", "competition_results", CompetitionResultsData{TermName: "Fall 2026", RecipientName: "Li Wei", MonthName: "November 2026", Criteria: []string{"creativity"}, MaxTotal: "10"}},
		{"month_digest", "month_digest", sampleDigest()},
	}
}

// sampleExchange is an officer invited to the third exchange of the term.
func sampleExchange() ExchangeData {
	return ExchangeData{
		TermName: "Fall 2026", DepartmentName: "Publicity Department", RecipientName: "Guo Rui",
		Number: 3, Total: 6,
		Starts: "Tue 10 Nov 2026, 19:00 (Asia/Shanghai)", Ends: "20:00",
		Where:       "Student Activity Centre, meeting room 2 & the <lounge>",
		SignInOpens: "18:30", SignInCloses: "19:30",
		Secretary: "Gao Yang", MinutesDue: "Thu 12 Nov 2026, 23:59 (Asia/Shanghai)",
		IsOfficer:     true,
		SignInCommand: "starter sign-in --term 2026-fall --email guo.rui@example.edu",
		ExcuseCommand: `starter excuse --term 2026-fall --email guo.rui@example.edu --reason "..."`,
		SignInURL:     "https://union.example.edu/portal/act/signin-token",
		ExcuseURL:     "https://union.example.edu/portal/act/excuse-token",
	}
}

// exchangeMoved is the updated invite after exchange 3 moved.
func exchangeMoved() ExchangeData {
	d := sampleExchange()
	d.MovedFrom, d.Starts = d.Starts, "Thu 12 Nov 2026, 19:00 (Asia/Shanghai)"
	return d
}

// exchangeSecretary is the same invitation to the secretary.
func exchangeSecretary() ExchangeData {
	d := sampleExchange()
	d.RecipientName, d.IsSecretary = "Gao Yang", true
	d.SignInCommand = "starter sign-in --term 2026-fall --email gao.yang@example.edu"
	d.ExcuseCommand = `starter excuse --term 2026-fall --email gao.yang@example.edu --reason "..."`
	return d
}

// exchangeHead is the head's invitation: no sign-in, no minutes.
func exchangeHead() ExchangeData {
	d := sampleExchange()
	d.RecipientName, d.IsOfficer, d.SignInCommand, d.ExcuseCommand = "Sun Hao", false, "", ""
	d.Where = ""
	return d
}

// TestEveryTemplateRenders fails loudly when a template is broken or has no
// sample data, so a new email cannot ship untested.
func TestEveryTemplateRenders(t *testing.T) {
	covered := map[string]any{}
	for _, c := range goldenCases() {
		covered[c.template] = c.data
	}
	names := TemplateNames()
	if len(names) == 0 {
		t.Fatal("no templates were embedded")
	}
	for _, name := range names {
		data, ok := covered[name]
		if !ok {
			t.Errorf("template %q has no sample data in goldenCases", name)
			continue
		}
		r, err := Render(name, data)
		if err != nil {
			t.Errorf("Render(%q, sample): %v", name, err)
			continue
		}
		if r.Subject == "" || strings.TrimSpace(r.HTML) == "" || strings.TrimSpace(r.Text) == "" {
			t.Errorf("Render(%q) left a part empty: %+v", name, r)
		}
		// ZgotmplZ is what html/template writes when it refused a value.
		if strings.Contains(r.HTML, "ZgotmplZ") {
			t.Errorf("Render(%q): html/template rejected a value:\n%s", name, r.HTML)
		}
	}
}

func TestRenderGolden(t *testing.T) {
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			r, err := Render(c.template, c.data)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, c.name+".text.golden", "Subject: "+r.Subject+"\n\n"+r.Text)
			checkGolden(t, c.name+".html.golden", r.HTML)
		})
	}
}

func checkGolden(t *testing.T, file, got string) {
	t.Helper()
	path := filepath.Join("testdata", file)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./mail/ -run TestRenderGolden -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the render (rerun with -update if the change is intended):\n--- got ---\n%s", path, got)
	}
}

func TestRenderSubjectNamesDepartment(t *testing.T) {
	for _, name := range onboardingTemplates() {
		r, err := Render(name, sampleOnboarding())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.Subject, "Publicity Department") {
			t.Errorf("%s subject %q does not name the department", name, r.Subject)
		}
		if strings.ContainsAny(r.Subject, "\r\n") {
			t.Errorf("%s subject %q has a line break", name, r.Subject)
		}
	}
}

func TestRenderDeadlineInBothParts(t *testing.T) {
	d := sampleOnboarding()
	for _, name := range onboardingTemplates() {
		r, err := Render(name, d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.Text, d.Deadline) {
			t.Errorf("%s text does not show the deadline %q", name, d.Deadline)
		}
		if !strings.Contains(r.HTML, html.EscapeString(d.Deadline)) {
			t.Errorf("%s HTML does not show the deadline %q", name, d.Deadline)
		}
	}
}

func TestRenderEscapesHTMLButNotText(t *testing.T) {
	d := sampleOnboarding()
	d.RecipientName = `<script>alert("hi")</script> Ann`
	d.Overdue[0].Name = `<script>alert("x")</script>`
	d.Sessions[0].Where = `<b>Room</b> 1 & 2`
	for _, name := range onboardingTemplates() {
		r, err := Render(name, d)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(r.HTML, "<script") {
			t.Errorf("%s HTML contains an unescaped <script>:\n%s", name, r.HTML)
		}
		if !strings.Contains(r.HTML, "&lt;script&gt;") {
			t.Errorf("%s HTML lost the escaped name", name)
		}
		if !strings.Contains(r.Text, `<script>alert("hi")</script> Ann`) {
			t.Errorf("%s text should show the name as typed, got:\n%s", name, r.Text)
		}
		if strings.Contains(r.Text, "&lt;") || strings.Contains(r.Text, "&amp;") {
			t.Errorf("%s text contains HTML entities:\n%s", name, r.Text)
		}
	}
}

func TestRenderReminderDays(t *testing.T) {
	tests := []struct {
		days int
		want string
	}{
		{0, "due today"},
		{1, "due in 1 day"},
		{3, "due in 3 days"},
	}
	for _, tt := range tests {
		d := sampleOnboarding()
		d.DaysLeft = tt.days
		r, err := Render("onboarding_reminder", d)
		if err != nil {
			t.Fatal(err)
		}
		for part, s := range map[string]string{"subject": r.Subject, "text": r.Text, "HTML": r.HTML} {
			if !strings.Contains(s, tt.want) {
				t.Errorf("DaysLeft %d: reminder %s does not say %q", tt.days, part, tt.want)
			}
		}
		if tt.days == 0 && strings.Contains(r.Text, "due in") {
			t.Errorf("DaysLeft 0: reminder still counts days:\n%s", r.Text)
		}
	}
}

func TestRenderEscalationListsEveryOfficer(t *testing.T) {
	d := sampleOnboarding()
	r, err := Render("onboarding_escalation", d)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range d.Overdue {
		for _, s := range []string{o.Name, o.Email} {
			if !strings.Contains(r.Text, s) {
				t.Errorf("escalation text does not list %q", s)
			}
			if !strings.Contains(r.HTML, "<td") || !strings.Contains(r.HTML, html.EscapeString(s)) {
				t.Errorf("escalation HTML table does not list %q", s)
			}
		}
		if o.Role != "" && !strings.Contains(r.HTML, ">"+o.Role+"</td>") {
			t.Errorf("escalation HTML table does not show role %q", o.Role)
		}
	}
	if got := strings.Count(r.HTML, "<tr>"); got != len(d.Overdue)+1 {
		t.Errorf("escalation table has %d rows, want a header and %d officers", got, len(d.Overdue))
	}
	if !strings.Contains(r.Subject, "3 officers have") {
		t.Errorf("subject %q does not count the officers", r.Subject)
	}
	for part, s := range map[string]string{"text": r.Text, "HTML": r.HTML} {
		if !strings.Contains(s, d.WindowCloses) {
			t.Errorf("escalation %s does not say late acknowledgements close %q", part, d.WindowCloses)
		}
	}

	d.Overdue = d.Overdue[:1]
	r, err = Render("onboarding_escalation", d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Subject, "1 officer has not") {
		t.Errorf("one overdue officer: subject %q", r.Subject)
	}
}

func TestRenderActionLinkAndCommand(t *testing.T) {
	d := sampleOnboarding()
	r, err := Render("onboarding_assignment", d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.HTML, `href="https://union.example.edu/ack?term=2026-fall&amp;token=abc123"`) {
		t.Errorf("assignment HTML lacks the acknowledge button:\n%s", r.HTML)
	}
	if !strings.Contains(r.HTML, "<code>"+d.ActionCommand+"</code>") {
		t.Errorf("assignment HTML lacks the command in a code block")
	}
	if !strings.Contains(r.Text, d.ActionURL) || !strings.Contains(r.Text, d.ActionCommand) {
		t.Errorf("assignment text lacks the link or the command:\n%s", r.Text)
	}

	d.ActionURL = ""
	r, err = Render("onboarding_assignment", d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.HTML, "Acknowledge training</a>") || strings.Contains(r.Text, "Open this link") {
		t.Errorf("without ActionURL the button should be left out")
	}
	if !strings.Contains(r.Text, "Run this command:\n  "+d.ActionCommand) {
		t.Errorf("without ActionURL the command should stand alone:\n%s", r.Text)
	}
}

func TestRenderHTMLIsSelfContained(t *testing.T) {
	for _, c := range goldenCases() {
		name := c.name
		r, err := Render(c.template, c.data)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"<script", "<link", "<img", "src=", "<style", "@import"} {
			if strings.Contains(r.HTML, bad) {
				t.Errorf("%s HTML contains %q; emails must not load anything", name, bad)
			}
		}
		if !strings.Contains(r.HTML, "max-width:600px") || !strings.Contains(r.HTML, `name="viewport"`) {
			t.Errorf("%s HTML lost its phone-friendly layout", name)
		}
		if !strings.Contains(r.HTML, "<title>"+html.EscapeString(r.Subject)+"</title>") {
			t.Errorf("%s HTML title is not the subject", name)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	if _, err := Render("no_such_email", sampleOnboarding()); err == nil || !strings.Contains(err.Error(), `"no_such_email"`) {
		t.Errorf("unknown template: err = %v", err)
	}
	// Data without the fields the templates use must fail, not render blanks.
	if _, err := Render("onboarding_assignment", struct{ TermName string }{"Fall 2026"}); err == nil {
		t.Error("Render with the wrong data type succeeded")
	}
	if _, err := Render("onboarding_reminder", map[string]any{"TermName": "Fall 2026"}); err == nil {
		t.Error("Render with missing map keys succeeded")
	}
}

// onboardingTemplates lists the templates that take OnboardingData.
func onboardingTemplates() []string {
	var out []string
	for _, n := range TemplateNames() {
		if strings.HasPrefix(n, "onboarding_") {
			out = append(out, n)
		}
	}
	return out
}

func TestRenderCollectionEmails(t *testing.T) {
	d := sampleCollection()
	req, err := Render("collection_request", d)
	if err != nil {
		t.Fatal(err)
	}
	if req.Subject != "Please hand in your scores for the group-life design competition of October 2026 (2)" {
		t.Errorf("request subject = %q", req.Subject)
	}
	for part, body := range map[string]string{"text": req.Text, "HTML": req.HTML} {
		for _, want := range []string{"Publicity Department", "Sat 24 Oct 2026, 23:59 (Asia/Shanghai)", "ideological content", "starter submit --workflow semester/2026-fall/2026-10/score"} {
			if !strings.Contains(body, html.UnescapeString(want)) && !strings.Contains(body, html.EscapeString(want)) {
				t.Errorf("request %s lacks %q", part, want)
			}
		}
	}
	if !strings.Contains(req.HTML, "Sports &lt;Department&gt;") || !strings.Contains(req.Text, "Sports <Department>") {
		t.Errorf("a label with markup is not escaped in HTML and kept in text")
	}
	rem, err := Render("collection_reminder", d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rem.Subject, "is due in 2 days") {
		t.Errorf("reminder subject = %q", rem.Subject)
	}
	var escData any
	for _, c := range goldenCases() {
		if c.name == "collection_escalation" {
			escData = c.data
		}
	}
	r, err := Render("collection_escalation", escData)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Ma Li <ma.li@example.edu>", "Sun Hao <sun.hao@example.edu>"} {
		if strings.Count(r.Text, want) != 2 {
			t.Errorf("escalation text names %q %d times, want once per item", want, strings.Count(r.Text, want))
		}
	}
	if strings.Contains(r.Text, "starter submit") {
		t.Errorf("escalation tells the recipient to submit:\n%s", r.Text)
	}
}

// TestRenderEscalationSubjectNamesWhatIsMissing: the contest's milestones
// fall due one by one, so each leader gets one escalation per milestone;
// their subjects must tell them apart.
func TestRenderEscalationSubjectNamesWhatIsMissing(t *testing.T) {
	milestones := []string{"Review of previous years' contests", "Question bank", "Publicity", "Registration", "Preliminary round"}
	seen := map[string]bool{}
	for _, m := range milestones {
		r, err := Render("collection_escalation", CollectionData{
			TermName: "Fall 2026", RecipientName: "Li Wei", Title: "your milestone for Party and League Knowledge Contest",
			Items: []CollectionItem{{Label: m, Due: "Tue 20 Oct 2026, 23:59 (Asia/Shanghai)",
				Owners: []Officer{{Name: "Chen Jie", Email: "chen.jie@example.edu"}}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		want := "Missing after the deadline: your milestone for Party and League Knowledge Contest: " + m
		if r.Subject != want {
			t.Errorf("subject = %q, want %q", r.Subject, want)
		}
		if seen[r.Subject] {
			t.Errorf("two milestones' escalations share the subject %q", r.Subject)
		}
		seen[r.Subject] = true
	}
	// Several items at once: the first is named and the rest counted.
	d := sampleCollection()
	d.Items = append(d.Items, CollectionItem{Label: "Arts Department", Due: "Sat 24 Oct 2026, 23:59 (Asia/Shanghai)"})
	r, err := Render("collection_escalation", d)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Missing after the deadline: " + d.Title + ": Publicity Department and 2 more"; r.Subject != want {
		t.Errorf("subject = %q, want %q", r.Subject, want)
	}
}
