package portal_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"semesterflow/internal/links"
	"semesterflow/internal/testenv"
	"semesterflow/store"
)

// A head opens the directory link from their email: the page lists the
// leaders and every department with its head first, leaves out an officer
// who left, fits a phone, and downloads the same rows as a spreadsheet.
func TestDirectoryLinkShowsTheWholeDirectory(t *testing.T) {
	r := newRig(t)
	ctx := testenv.Browser(t, false, false)
	left := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	dir := store.Directory{
		Term: store.Term{ID: r.tag, Name: "Fall term 2026", StartsOn: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
			EndsOn: time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC), TimeZone: "Asia/Shanghai", WorkflowID: "semester/" + r.tag},
		Leaders: []store.Leader{{Email: r.email("li.wei"), Name: "Li Wei", Role: "Minister of Organization"}},
		Departments: []store.Department{
			{ID: "organization", Name: "Organization Department", HeadName: "Zhang Hua", HeadEmail: r.email("zhang.hua"), Position: 0},
			{ID: "publicity", Name: "Publicity Department", HeadName: "Sun Hao", HeadEmail: r.email("sun.hao"), Position: 1},
		},
		Officers: []store.Officer{
			{Email: r.email("chen.jie"), DepartmentID: "organization", Name: "Chen Jie", Role: "Secretary", Position: 0},
			{Email: r.email("ma.li"), DepartmentID: "publicity", Name: "Ma Li", Position: 0},
			{Email: r.email("guo.rui"), DepartmentID: "publicity", Name: "=Guo Rui", Position: 1},
		},
	}
	s := store.New(r.db)
	if err := s.SaveDirectory(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	// He Xin joined and left again: an amendment marks her, it does not delete her.
	dir.Officers = append(dir.Officers, store.Officer{Email: r.email("he.xin"), DepartmentID: "publicity", Name: "He Xin", Position: 2})
	dir.AmendedAt = left.Add(-time.Hour)
	if err := s.SaveDirectory(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	dir.Officers = dir.Officers[:3]
	dir.AmendedAt = left
	if err := s.SaveDirectory(context.Background(), dir); err != nil {
		t.Fatal(err)
	}

	link, err := r.signer.URL(r.portal.URL, links.Claims{Person: r.email("sun.hao"), WorkflowID: "semester/" + r.tag + "/kickoff",
		Action: links.ViewDirectory, Slot: r.tag, Expires: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	page := bodyText(t, ctx)
	order := []string{"Personnel directory", "Fall term 2026: 2 departments, 6 people", "Leaders", "Li Wei", "Minister of Organization",
		"Organization Department", "Zhang Hua", "Head", "Chen Jie", "Secretary",
		"Publicity Department", "Sun Hao", "Head", "Ma Li", "Officer", "=Guo Rui"}
	rest := page
	for _, want := range order {
		i := strings.Index(rest, want)
		if i < 0 {
			t.Fatalf("the directory page lacks %q where expected:\n%s", want, page)
		}
		rest = rest[i+len(want):]
	}
	if strings.Contains(page, "He Xin") {
		t.Errorf("the directory lists He Xin, who left:\n%s", page)
	}
	fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	if err != nil || !fits {
		t.Errorf("the directory page is wider than the phone's screen (%v)", err)
	}
	screenshot(t, ctx, "portal-directory")

	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('a[download]').href`))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(href)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("the spreadsheet link answered %d %q", resp.StatusCode, ct)
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"\ufeffDepartment", "Name", "Role", "Email"},
		{"Leaders", "Li Wei", "Minister of Organization", r.email("li.wei")},
		{"Organization Department", "Zhang Hua", "Head", r.email("zhang.hua")},
		{"Organization Department", "Chen Jie", "Secretary", r.email("chen.jie")},
		{"Publicity Department", "Sun Hao", "Head", r.email("sun.hao")},
		{"Publicity Department", "Ma Li", "Officer", r.email("ma.li")},
		// A name that starts like a formula is not run as one.
		{"Publicity Department", "'=Guo Rui", "Officer", r.email("guo.rui")},
	}
	if len(rows) != len(want) {
		t.Fatalf("the spreadsheet has %d rows, want %d: %q", len(rows), len(want), rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("spreadsheet row %d = %q, want %q", i, rows[i], want[i])
		}
	}

	// The link is read only, and only for its term.
	post, err := http.Post(link, "application/x-www-form-urlencoded", strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	post.Body.Close()
	if post.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("posting to the directory link answered %d, want 405", post.StatusCode)
	}
	other, _ := r.signer.URL(r.portal.URL, links.Claims{Person: r.email("sun.hao"), WorkflowID: "semester/none/kickoff",
		Action: links.ViewDirectory, Slot: "no-such-term", Expires: time.Now().Add(time.Hour)})
	missing, err := http.Get(other)
	if err != nil {
		t.Fatal(err)
	}
	missing.Body.Close()
	if missing.StatusCode != http.StatusNotFound {
		t.Errorf("a link to a term with no directory answered %d, want 404", missing.StatusCode)
	}
}
