package portal_test

import (
	"context"
	"crypto/rand"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"semesterflow/activities"
	"semesterflow/contract"
	"semesterflow/internal/links"
	"semesterflow/internal/portal"
	"semesterflow/internal/testenv"
	"semesterflow/mail"
	"semesterflow/plan"
	"semesterflow/store"
	"semesterflow/workflows"
)

// rig is the real stack behind the portal: the Temporal dev server with the
// real workflows and activities on an in-process worker, Postgres, the SMTP
// server with Mailpit to read what arrived, and the portal on a local port.
type rig struct {
	t        *testing.T
	tag      string
	temporal client.Client
	db       *bun.DB
	mailpit  *testenv.Mailpit
	signer   *links.Signer
	portal   *httptest.Server
	queue    string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	addr := testenv.TemporalAddress(t)
	host, port := testenv.SMTP(t)
	r := &rig{t: t, tag: testenv.UniqueID("portal"), mailpit: testenv.NewMailpit(t)}
	dsn := testenv.Postgres(t)
	r.db = testenv.OpenBun(t, dsn)
	if _, err := store.Migrate(context.Background(), r.db); err != nil {
		t.Fatal(err)
	}
	// The portal reads the digests as its binary does: plain SQL through
	// database/sql.
	digestDB := r.db.DB
	var err error
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	if r.signer, err = links.NewSigner(key); err != nil {
		t.Fatal(err)
	}
	if r.temporal, err = client.Dial(client.Options{HostPort: addr}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.temporal.Close)
	srv, err := portal.New(r.signer, r.temporal, portal.NewDigestTable(digestDB), portal.NewDirectoryTable(digestDB), slog.New(slog.NewTextHandler(t.Output(), nil)))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := mail.ConfigFromEnv(func(k string) string { return map[string]string{"SMTP_HOST": host, "SMTP_PORT": port}[k] })
	if err != nil {
		t.Fatal(err)
	}
	sender, err := mail.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Unstarted first: the sign-in emails link to the portal's own address.
	r.portal = httptest.NewUnstartedServer(nil)
	srv.EnableLeaders(portal.NewLeaderTable(digestDB), sender, "http://"+r.portal.Listener.Addr().String())
	r.portal.Config.Handler = srv.Handler()
	r.portal.Start()
	t.Cleanup(r.portal.Close)
	r.queue = r.tag
	w := worker.New(r.temporal, r.queue, worker.Options{})
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Store: store.New(r.db), Mailer: sender, Links: r.signer, PortalURL: r.portal.URL})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return r
}

func (r *rig) email(name string) string { return name + "." + r.tag + "@example.edu" }

// startSummaries starts October's summaries of two departments, open now
// and due in an hour, and returns the collection's workflow ID.
func (r *rig) startSummaries() string {
	r.t.Helper()
	now := time.Now()
	person := func(name, email string) plan.Person { return plan.Person{Name: name, Email: email} }
	in := contract.CollectionInput{
		TermID: r.tag, TermName: "Fall term 2026", TimeZone: plan.MustZone("Asia/Shanghai"),
		Kind: "summary", Scope: "2026-10", Title: "October's summary",
		Instructions: "What your department did in October, in a few paragraphs.",
		Opens:        now,
		Slots: []contract.Slot{
			{Key: "publicity", Label: "Publicity Department", Due: now.Add(time.Hour), Department: "publicity",
				Owners: []plan.Person{person("Sun Hao", r.email("sun.hao"))}},
			{Key: "sports", Label: "Sports Department", Due: now.Add(time.Hour), Department: "sports",
				Owners: []plan.Person{person("Yuan Jun", r.email("yuan.jun"))}},
		},
		SendTime: "09:00", TextRequired: true, Clock: plan.ProductionClock(now),
	}
	return r.startCollection(in)
}

// startCollection starts a Collection and ends it with the test.
func (r *rig) startCollection(in contract.CollectionInput) string {
	r.t.Helper()
	id := contract.CollectionWorkflowID(r.tag, in.Scope, in.Kind)
	r.start(id, workflows.Collection, in)
	return id
}

// storedRow scans the single column of query, with the rig's term as its
// one argument, into dest once the row is there: collections store
// submissions in batches, a moment after they are handed in.
func (r *rig) storedRow(dest any, query string) {
	r.t.Helper()
	var err error
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if err = r.db.QueryRow(query, r.tag).Scan(dest); err == nil {
			return
		}
	}
	r.t.Errorf("%s: %v", query, err)
}

var linkPattern = regexp.MustCompile(`https?://[^\s"<>]+/act/[A-Za-z0-9_\-.]+`)

// linksFor waits for the first email to arrive and returns its portal
// links, in order.
func (r *rig) linksFor(email string) []string {
	r.t.Helper()
	msgs := r.mailpit.WaitFor(r.t, "to:"+email, 1, 30*time.Second)
	m := r.mailpit.Message(r.t, msgs[0].ID)
	links := linkPattern.FindAllString(m.Text, -1)
	for _, l := range links {
		if !strings.Contains(m.HTML, l) {
			r.t.Errorf("link %s is in the text of the email to %s but not in its HTML", l, email)
		}
	}
	if len(links) == 0 {
		r.t.Fatalf("no portal link in the email to %s:\n%s", email, m.Text)
	}
	return links
}

// linkFor returns the one link of the first email to arrive.
func (r *rig) linkFor(email string) string {
	r.t.Helper()
	return r.linksFor(email)[0]
}

func (r *rig) task(workflowID, slot, email string) contract.CollectionTask {
	r.t.Helper()
	var task contract.CollectionTask
	r.query(workflowID, contract.QueryTask, &task, slot, email)
	return task
}

// query asks a workflow what its state is, as the portal does.
func (r *rig) query(workflowID, name string, into any, args ...any) {
	r.t.Helper()
	v, err := r.temporal.QueryWorkflow(context.Background(), workflowID, "", name, args...)
	if err == nil {
		err = v.Get(into)
	}
	if err != nil {
		r.t.Fatalf("query %s on %s: %v", name, workflowID, err)
	}
}

// screenshot saves the page as docs/screenshots/name.png for the README.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	testenv.Screenshot(t, ctx, filepath.Join("..", "..", "docs", "screenshots", name+".png"))
}

func bodyText(t *testing.T, ctx context.Context) string {
	t.Helper()
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// An officer follows the link in their email on a phone, is told what is
// wrong with an empty summary, hands it in, and finds the link done after.
func TestOfficerHandsInASummaryFromTheEmailLink(t *testing.T) {
	r := newRig(t)
	ctx := testenv.Browser(t, false, false)
	id := r.startSummaries()
	link := r.linkFor(r.email("sun.hao"))

	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("textarea#text"))); err != nil {
		t.Fatal(err)
	}
	page := bodyText(t, ctx)
	for _, want := range []string{"Hand in October's summary", "Publicity Department", "Fall term 2026", "What your department did in October"} {
		if !strings.Contains(page, want) {
			t.Errorf("the task page lacks %q:\n%s", want, page)
		}
	}
	fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	if err != nil || !fits {
		t.Errorf("the page is wider than a 390-pixel phone screen (%v)", err)
	}
	screenshot(t, ctx, "portal-task")

	// Only spaces: the workflow's validator refuses, the page says why and
	// keeps the form.
	if _, err := chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.CSS("textarea#text"), "   "),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
	); err != nil {
		t.Fatal(err)
	}
	if page := bodyText(t, ctx); !strings.Contains(page, "the text is empty; write October's summary") {
		t.Errorf("the rejection is not shown in plain words:\n%s", page)
	}
	screenshot(t, ctx, "portal-rejected")
	if task := r.task(id, "publicity", r.email("sun.hao")); task.Slot.Submitted {
		t.Fatal("a rejected summary was taken")
	}

	summary := "Two poster campaigns and the freshers' photo wall."
	if _, err := chromedp.RunResponse(ctx,
		chromedp.SetValue(chromedp.CSS("textarea#text"), summary),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
	); err != nil {
		t.Fatal(err)
	}
	if page := bodyText(t, ctx); !strings.Contains(page, "Thank you: October's summary for Publicity Department is handed in.") {
		t.Fatalf("no confirmation after handing in:\n%s", page)
	}
	screenshot(t, ctx, "portal-done")

	task := r.task(id, "publicity", r.email("sun.hao"))
	if !task.Slot.Submitted || task.SubmittedBy != r.email("sun.hao") {
		t.Errorf("the workflow has %+v, want the summary handed in by Sun Hao", task)
	}
	var body string
	r.storedRow(&body, `SELECT body FROM submissions WHERE term_id = ? AND kind = 'summary' AND slot = 'publicity'`)
	if body != summary {
		t.Errorf("stored summary = %q, want %q", body, summary)
	}

	// The link again: a plain page saying it is done, no form.
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	if page := bodyText(t, ctx); !strings.Contains(page, "Already done") || !strings.Contains(page, "was handed in by "+r.email("sun.hao")) {
		t.Errorf("a used link shows:\n%s", page)
	}
	forms, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.forms.length`))
	if err != nil || forms != 0 {
		t.Errorf("a used link still shows %d forms (%v)", forms, err)
	}
}

// Forged, altered, expired and cross-site requests are refused and change
// nothing.
func TestPortalRefusesBadLinksAndForgedForms(t *testing.T) {
	r := newRig(t)
	ctx := testenv.Browser(t, false, false)
	id := r.startSummaries()
	link := r.linkFor(r.email("yuan.jun"))
	token := link[strings.LastIndex(link, "/")+1:]
	body, sig, _ := strings.Cut(token, ".")
	tampered := []byte(body)
	tampered[len(tampered)/2] ^= 1
	other, _ := links.NewSigner([]byte("a key that the portal does not use"))
	foreign, _ := other.URL(r.portal.URL, links.Claims{Person: r.email("yuan.jun"), WorkflowID: id, Action: links.Submit, Slot: "sports", Expires: time.Now().Add(time.Hour)})
	expired, _ := r.signer.URL(r.portal.URL, links.Claims{Person: r.email("yuan.jun"), WorkflowID: id, Action: links.Submit, Slot: "sports", Expires: time.Now().Add(-time.Minute)})

	cases := []struct {
		name, url string
		status    int
		says      string
	}{
		{"altered", r.portal.URL + "/act/" + string(tampered) + "." + sig, http.StatusForbidden, "This link is not valid"},
		{"signed with another key", foreign, http.StatusForbidden, "This link is not valid"},
		{"expired", expired, http.StatusGone, "This link has expired"},
	}
	for _, c := range cases {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			res, err := http.PostForm(c.url, url.Values{"text": {"Sneaky"}})
			if method == http.MethodGet {
				res, err = http.Get(c.url)
			}
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != c.status || !strings.Contains(string(page), c.says) {
				t.Errorf("%s link, %s: %d, want %d saying %q", c.name, method, res.StatusCode, c.status, c.says)
			}
		}
	}
	res, err := chromedp.RunResponse(ctx, chromedp.Navigate(cases[0].url))
	if err != nil {
		t.Fatal(err)
	}
	if page := bodyText(t, ctx); res.Status != http.StatusForbidden || !strings.Contains(page, "This link is not valid") {
		t.Errorf("the browser gets %d for an altered link:\n%s", res.Status, page)
	}
	screenshot(t, ctx, "portal-forged")

	// A form posted from elsewhere, with the real link but without the
	// form's cookie: refused.
	res2, err := http.PostForm(link, url.Values{"text": {"Posted by another site"}, "csrf": {"guess"}})
	if err != nil {
		t.Fatal(err)
	}
	refused, _ := io.ReadAll(res2.Body)
	res2.Body.Close()
	if res2.StatusCode != http.StatusForbidden || !strings.Contains(string(refused), "press the button again") || !strings.Contains(string(refused), "Posted by another site") {
		t.Errorf("a post without the form's cookie: %d, want 403 with the form again and the text kept\n%s", res2.StatusCode, refused)
	}
	// From another site, as the browser says in Origin: refused outright.
	req, _ := http.NewRequest(http.MethodPost, link, strings.NewReader(url.Values{"text": {"x"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("a post from another origin: %v, %v; want 403", res, err)
	} else {
		res.Body.Close()
	}
	if task := r.task(id, "sports", r.email("yuan.jun")); task.Slot.Submitted {
		t.Errorf("a refused request handed the summary in: %+v", task)
	}
	// The real link still works afterwards.
	res3, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	res3.Body.Close()
	if res3.StatusCode != http.StatusOK {
		t.Errorf("the real link: %d, want 200", res3.StatusCode)
	}
}

// A judge scores an entry on the plan's criteria from the email link.
func TestJudgeScoresFromTheEmailLink(t *testing.T) {
	r := newRig(t)
	ctx := testenv.Browser(t, false, false)
	now := time.Now()
	judge := plan.Person{Name: "Zhang Hua", Email: r.email("zhang.hua")}
	in := contract.CollectionInput{
		TermID: r.tag, TermName: "Fall term 2026", TimeZone: plan.MustZone("Asia/Shanghai"),
		Kind: "competition_score", Scope: "2026-10", Title: "your scores for the group-life design competition",
		Opens: now,
		Slots: []contract.Slot{{Key: judge.Email + "/publicity", Label: "Publicity Department's entry", Due: now.Add(time.Hour),
			Owners: []plan.Person{judge}}},
		Criteria: []string{"content", "creativity"}, MaxScore: 10,
		SendTime: "09:00", Clock: plan.ProductionClock(now),
	}
	r.startCollection(in)
	link := r.linkFor(judge.Email)
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("input#score1"))); err != nil {
		t.Fatal(err)
	}
	if page := bodyText(t, ctx); !strings.Contains(page, "content (0 to 10)") || !strings.Contains(page, "creativity (0 to 10)") || !strings.Contains(page, "Comment (optional)") {
		t.Errorf("the scoring form lacks a criterion or the comment:\n%s", page)
	}
	screenshot(t, ctx, "portal-scores")
	if _, err := chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.CSS("input#score0"), "8"),
		chromedp.SendKeys(chromedp.CSS("input#score1"), "9.5"),
		chromedp.SendKeys(chromedp.CSS("textarea#text"), "Lively and well run."),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
	); err != nil {
		t.Fatal(err)
	}
	if page := bodyText(t, ctx); !strings.Contains(page, "is handed in") {
		t.Fatalf("no confirmation after scoring:\n%s", page)
	}
	var scores string
	r.storedRow(&scores, `SELECT scores::text FROM submissions WHERE term_id = ? AND kind = 'competition_score'`)
	if scores != "[8, 9.5]" {
		t.Errorf("stored scores = %s, want [8, 9.5]", scores)
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// formSession is one browser's visit: its own cookie jar, which holds the
// form's cookie once a link's page is opened.
type formSession struct {
	t      *testing.T
	client *http.Client
}

func newFormSession(t *testing.T) *formSession {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &formSession{t: t, client: &http.Client{Jar: jar}}
}

// open fetches link's page and returns its form's csrf field.
func (s *formSession) open(link string) string {
	s.t.Helper()
	status, page := s.post(link, nil)
	if status != http.StatusOK {
		s.t.Fatalf("GET %s: %d\n%s", link, status, page)
	}
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		s.t.Fatalf("no csrf field on the page of %s:\n%s", link, page)
	}
	return m[1]
}

// mainText is a page's card without the markup around it, for failure
// messages.
func mainText(page string) string {
	if _, after, ok := strings.Cut(page, "<main>"); ok {
		page, _, _ = strings.Cut(after, "</main>")
	}
	return html.UnescapeString(strings.Join(strings.Fields(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(page, " ")), " "))
}

// post sends the form to link (or, with a nil form, fetches link) and
// returns the status and page.
func (s *formSession) post(link string, form url.Values) (int, string) {
	s.t.Helper()
	var res *http.Response
	var err error
	if form == nil {
		res, err = s.client.Get(link)
	} else {
		res, err = s.client.PostForm(link, form)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(page)
}

// A page's cookie is not enough: a form whose csrf field is missing, made
// up, or belongs to another link or another visit is shown again and
// nothing is handed in. The field of the page itself then works.
func TestPortalRefusesAFormWithoutItsOwnCSRFField(t *testing.T) {
	r := newRig(t)
	id := r.startSummaries()
	link, otherLink := r.linkFor(r.email("yuan.jun")), r.linkFor(r.email("sun.hao"))
	s := newFormSession(t)
	field := s.open(link)
	otherLinksField := s.open(otherLink)
	otherVisitsField := newFormSession(t).open(link)

	text := "Three matches and the autumn run."
	for _, c := range []struct {
		name string
		csrf []string
	}{
		{"no csrf field", nil},
		{"an empty csrf field", []string{""}},
		{"a made-up csrf field", []string{strings.Repeat("0", len(field))}},
		{"the csrf field of another link's page", []string{otherLinksField}},
		{"the csrf field of another visit", []string{otherVisitsField}},
	} {
		form := url.Values{"text": {text}}
		if c.csrf != nil {
			form["csrf"] = c.csrf
		}
		status, page := s.post(link, form)
		if status != http.StatusForbidden || !strings.Contains(page, "press the button again") || !strings.Contains(page, text) {
			t.Errorf("%s, with the page's cookie: %d, want 403 with the form again and the text kept: %s", c.name, status, mainText(page))
		}
		if task := r.task(id, "sports", r.email("yuan.jun")); task.Slot.Submitted {
			t.Fatalf("%s, with the page's cookie: the summary was handed in by %s", c.name, task.SubmittedBy)
		}
	}

	if status, page := s.post(link, url.Values{"text": {text}, "csrf": {field}}); status != http.StatusOK || !strings.Contains(page, "is handed in") {
		t.Fatalf("the page's own field: %d, want it handed in: %s", status, mainText(page))
	}
	if task := r.task(id, "sports", r.email("yuan.jun")); !task.Slot.Submitted {
		t.Error("the page's own field did not hand the summary in")
	}
}

// What a form acts on comes from its signed link: fields naming another
// person and slot, posted beside it, are ignored.
func TestPortalActsAsTheLinksPersonAndSlotWhateverTheForm(t *testing.T) {
	r := newRig(t)
	id := r.startSummaries()
	yuan, sun := r.email("yuan.jun"), r.email("sun.hao")
	link := r.linkFor(yuan)
	s := newFormSession(t)
	field := s.open(link)

	text := "Three matches and the autumn run."
	form := url.Values{"text": {text}, "csrf": {field},
		"email": {sun}, "person": {sun}, "slot": {"publicity"}, "workflow": {id}, "action": {"submit"}}
	if status, page := s.post(link, form); status != http.StatusOK || !strings.Contains(page, "for Sports Department is handed in") {
		t.Fatalf("posting identity fields beside the link: %d: %s", status, mainText(page))
	}
	if task := r.task(id, "sports", yuan); !task.Slot.Submitted || task.SubmittedBy != yuan {
		t.Errorf("the sports slot: handed in %v by %q, want it handed in by %s, the link's person", task.Slot.Submitted, task.SubmittedBy, yuan)
	}
	if task := r.task(id, "publicity", sun); task.Slot.Submitted {
		t.Errorf("the form's fields handed in the publicity slot, by %s", task.SubmittedBy)
	}
	var author string
	r.storedRow(&author, `SELECT author_email FROM submissions WHERE term_id = ? AND kind = 'summary' AND slot = 'sports'`)
	if author != yuan {
		t.Errorf("the stored sports summary is by %q, want %q", author, yuan)
	}
}
