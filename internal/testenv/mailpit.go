package testenv

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// Mailpit reads what reached the SMTP sink through Mailpit's REST API.
type Mailpit struct {
	API string
}

// MailAddress is a name and address as Mailpit reports them.
type MailAddress struct {
	Name    string `json:"Name"`
	Address string `json:"Address"`
}

// MailSummary is one message in a Mailpit listing.
type MailSummary struct {
	ID        string        `json:"ID"`
	MessageID string        `json:"MessageID"`
	From      MailAddress   `json:"From"`
	To        []MailAddress `json:"To"`
	Subject   string        `json:"Subject"`
	Created   time.Time     `json:"Created"`
}

// MailAttachment is an attachment of a message.
type MailAttachment struct {
	PartID      string `json:"PartID"`
	FileName    string `json:"FileName"`
	ContentType string `json:"ContentType"`
}

// MailMessage is a whole message with its HTML and text parts.
type MailMessage struct {
	MailSummary
	HTML        string           `json:"HTML"`
	Text        string           `json:"Text"`
	Attachments []MailAttachment `json:"Attachments"`
}

// NewMailpit returns a client for the Mailpit API, skipping the test when the
// SMTP server or the API is down.
func NewMailpit(tb testing.TB) *Mailpit {
	tb.Helper()
	SMTP(tb)
	api := Getenv("MAILPIT_API", DefaultMailpitAPI)
	u, err := url.Parse(api)
	if err != nil {
		tb.Fatalf("MAILPIT_API %q: %v", api, err)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "80")
	}
	if err := reachable(host); err != nil {
		unavailable(tb, "Mailpit API at "+api, err)
	}
	return &Mailpit{API: api}
}

// Search lists the messages matching a Mailpit search query, for example
// `to:"ann@example.edu" subject:"Training"`.
func (m *Mailpit) Search(tb testing.TB, query string) []MailSummary {
	tb.Helper()
	var out struct {
		Messages []MailSummary `json:"messages"`
	}
	m.get(tb, "/api/v1/search?limit=1000&query="+url.QueryEscape(query), &out)
	return out.Messages
}

// Message fetches one message with its bodies.
func (m *Mailpit) Message(tb testing.TB, id string) MailMessage {
	tb.Helper()
	var out MailMessage
	m.get(tb, "/api/v1/message/"+url.PathEscape(id), &out)
	return out
}

// Part fetches one part of a message, such as an attachment, as the raw
// bytes that were sent (transfer encoding removed).
func (m *Mailpit) Part(tb testing.TB, id, partID string) []byte {
	tb.Helper()
	return m.raw(tb, "/api/v1/message/"+url.PathEscape(id)+"/part/"+url.PathEscape(partID))
}

// Raw fetches a message as it reached the SMTP sink, headers and MIME parts
// unparsed, so a test can check the structure the Text and HTML fields hide.
func (m *Mailpit) Raw(tb testing.TB, id string) []byte {
	tb.Helper()
	return m.raw(tb, "/api/v1/message/"+url.PathEscape(id)+"/raw")
}

// WaitFor polls until the query matches at least n messages or the timeout
// passes, and returns what matched last.
func (m *Mailpit) WaitFor(tb testing.TB, query string, n int, timeout time.Duration) []MailSummary {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := m.Search(tb, query)
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (m *Mailpit) get(tb testing.TB, path string, into any) {
	tb.Helper()
	body := m.raw(tb, path)
	if err := json.Unmarshal(body, into); err != nil {
		tb.Fatalf("mailpit GET %s: %v", path, fmt.Errorf("decode %s: %w", body, err))
	}
}

func (m *Mailpit) raw(tb testing.TB, path string) []byte {
	tb.Helper()
	resp, err := http.Get(m.API + path)
	if err != nil {
		tb.Fatalf("mailpit GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("mailpit GET %s: read body: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("mailpit GET %s: %s: %s", path, resp.Status, body)
	}
	return body
}
