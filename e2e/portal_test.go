package e2e

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"

	"semesterflow/internal/links"
)

var (
	portalLink = regexp.MustCompile(`https?://[^\s"<>]+/act/[A-Za-z0-9_\-.]+`)
	csrfField  = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

// portalLinks waits for an email to `to` whose subject contains `subject`
// and returns the portal links in its text, in order.
func (s *stack) portalLinks(to, subject string) []string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, m := range s.mailpit.Search(s.t, "to:"+to+` subject:"`+subject+`"`) {
			if !strings.Contains(m.Subject, subject) {
				continue
			}
			msg := s.mailpit.Message(s.t, m.ID)
			if links := portalLink.FindAllString(msg.Text, -1); len(links) > 0 {
				for _, l := range links {
					if !strings.HasPrefix(l, s.portalURL+"/act/") {
						s.t.Fatalf("link %s does not lead to the portal at %s", l, s.portalURL)
					}
				}
				return links
			}
			s.t.Fatalf("the email %q to %s has no portal link:\n%s", m.Subject, to, msg.Text)
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no email to %s about %q", to, subject)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// followLink does what an officer's browser does: opens the link, then
// sends its form with fields. It returns the status and text of the page
// the form leads to.
func (s *stack) followLink(link string, fields url.Values) (int, string) {
	s.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	res, err := c.Get(link)
	if err != nil {
		s.t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(page)
	if res.StatusCode != http.StatusOK || m == nil {
		return res.StatusCode, string(page)
	}
	form := url.Values{"csrf": {string(m[1])}}
	for k, v := range fields {
		form[k] = v
	}
	req, _ := http.NewRequest(http.MethodPost, link, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.portalURL)
	res, err = c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// actFromEmail follows link i of the email to `to` whose subject contains
// subject, sends fields, and checks that the page it leads to says want.
func (s *stack) actFromEmail(to, subject string, i int, fields url.Values, want string) {
	s.t.Helper()
	links := s.portalLinks(to, subject)
	if i >= len(links) {
		s.t.Errorf("the email %q to %s has %d links, want link %d", subject, to, len(links), i+1)
		return
	}
	if status, page := s.followLink(links[i], fields); status != http.StatusOK || !strings.Contains(page, want) {
		s.t.Errorf("acting from the email %q to %s at %s: %d, want 200 saying %q (the link expires at %s)\n%s",
			subject, to, time.Now().UTC().Format(time.StampMilli), status, want, linkExpires(links[i]), page)
	}
}

// linkExpires reads the expiry a portal link carries, to tell a link used
// too late from one refused too soon.
func linkExpires(link string) string {
	body, _, _ := strings.Cut(link[strings.LastIndex(link, "/")+1:], ".")
	raw, err := base64.RawURLEncoding.DecodeString(body)
	var c links.Claims
	if err != nil || json.Unmarshal(raw, &c) != nil {
		return "an unreadable time"
	}
	return c.Expires.UTC().Format(time.StampMilli)
}
