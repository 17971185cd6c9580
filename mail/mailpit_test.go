package mail

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"semesterflow/internal/testenv"
)

// These tests send through a counting proxy to a real SMTP server (Mailpit)
// and read the result back from Mailpit's API. They skip when Mailpit is not
// running, and fail instead under scripts/test.sh or CI.

// mailpitSender returns a Sender that reaches the test SMTP server through a
// counting proxy, and the Mailpit API client.
func mailpitSender(t *testing.T) (*Sender, *proxy, *testenv.Mailpit) {
	t.Helper()
	mp := testenv.NewMailpit(t)
	host, port := testenv.SMTP(t)
	p := startProxy(t, net.JoinHostPort(host, port))
	return senderFor(t, p.port()), p, mp
}

// renderedMessage renders a real onboarding email to a unique address.
func renderedMessage(t *testing.T, run string, i int) Message {
	t.Helper()
	email := testenv.UniqueID("officer") + "@example.edu"
	d := sampleOnboarding()
	d.RecipientName = "Officer " + strconv.Itoa(i)
	d.ActionCommand = "starter ack --term 2026-fall --email " + email
	r, err := Render("onboarding_assignment", d)
	if err != nil {
		t.Fatal(err)
	}
	return Message{
		Key:     run + "/onboarding-assignment/" + email,
		To:      Address{Name: d.RecipientName, Email: email},
		Subject: r.Subject,
		HTML:    r.HTML,
		Text:    r.Text,
	}
}

// arrived waits for exactly one message to m's recipient and fetches it.
func arrived(t *testing.T, mp *testenv.Mailpit, m Message) testenv.MailMessage {
	t.Helper()
	got := mp.WaitFor(t, `to:"`+m.To.Email+`"`, 1, 10*time.Second)
	if len(got) != 1 {
		t.Fatalf("Mailpit has %d messages to %s, want 1", len(got), m.To.Email)
	}
	return mp.Message(t, got[0].ID)
}

// mimePart is one node of a message's MIME tree as it reached the sink: its
// media type, and either its sub-parts or its body with the transfer
// encoding removed.
type mimePart struct {
	Type  string
	Parts []mimePart
	Body  string
}

// shape names the tree's types, e.g. "multipart/alternative(text/plain
// text/html)", so a test states the whole structure in one comparison.
func (p mimePart) shape() string {
	if len(p.Parts) == 0 {
		return p.Type
	}
	var kids []string
	for _, c := range p.Parts {
		kids = append(kids, c.shape())
	}
	return p.Type + "(" + strings.Join(kids, " ") + ")"
}

// find returns the first leaf of the given media type.
func (p mimePart) find(typ string) (mimePart, bool) {
	if len(p.Parts) == 0 {
		return p, p.Type == typ
	}
	for _, c := range p.Parts {
		if f, ok := c.find(typ); ok {
			return f, true
		}
	}
	return mimePart{}, false
}

// rawMIME parses the message Mailpit stored byte for byte. Mailpit's Text
// field is no proof of a text/plain part: Mailpit derives it from the HTML
// when the part is missing.
func rawMIME(t *testing.T, mp *testenv.Mailpit, id string) mimePart {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(mp.Raw(t, id)))
	if err != nil {
		t.Fatalf("raw message %s: %v", id, err)
	}
	p, err := readMIME(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	if err != nil {
		t.Fatalf("raw message %s: %v", id, err)
	}
	return p
}

func readMIME(contentType, encoding string, body io.Reader) (mimePart, error) {
	typ, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return mimePart{}, err
	}
	p := mimePart{Type: typ}
	if strings.HasPrefix(typ, "multipart/") {
		// NextPart removes a quoted-printable encoding itself and drops
		// the header, so the switch below only sees the others.
		r := multipart.NewReader(body, params["boundary"])
		for {
			part, err := r.NextPart()
			if err == io.EOF {
				return p, nil
			}
			if err != nil {
				return mimePart{}, err
			}
			c, err := readMIME(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part)
			if err != nil {
				return mimePart{}, err
			}
			p.Parts = append(p.Parts, c)
		}
	}
	switch strings.ToLower(encoding) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return mimePart{}, err
	}
	p.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
	return p, nil
}

// checkBodies checks that the raw message has the wanted structure and that
// its text and HTML parts carry what was sent.
func checkBodies(t *testing.T, mp *testenv.Mailpit, id string, m Message, wantShape string) mimePart {
	t.Helper()
	root := rawMIME(t, mp, id)
	if got := root.shape(); got != wantShape {
		t.Errorf("%s: MIME structure %s, want %s", m.To.Email, got, wantShape)
	}
	norm := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
	for typ, want := range map[string]string{"text/plain": m.Text, "text/html": m.HTML} {
		part, ok := root.find(typ)
		if !ok {
			t.Errorf("%s: no %s part", m.To.Email, typ)
			continue
		}
		if norm(part.Body) != norm(want) {
			t.Errorf("%s: %s part (%d bytes) differs from what was sent (%d bytes)", m.To.Email, typ, len(part.Body), len(want))
		}
	}
	return root
}

func TestMailpitBatchOnOneConnection(t *testing.T) {
	s, p, mp := mailpitSender(t)
	run := testenv.UniqueID("batch")
	var msgs []Message
	for i := 1; i <= 5; i++ {
		msgs = append(msgs, renderedMessage(t, run, i))
	}

	var sent []string
	err := s.SendBatch(context.Background(), msgs, func(m Message) error {
		sent = append(sent, m.Key)
		return nil
	})
	if err != nil {
		t.Fatalf("SendBatch: %v", err)
	}
	if n := p.connections(); n != 1 {
		t.Errorf("5 messages used %d SMTP connections, want 1", n)
	}
	if len(sent) != len(msgs) {
		t.Fatalf("sent called %d times for %d messages", len(sent), len(msgs))
	}
	for i, m := range msgs {
		if sent[i] != m.Key {
			t.Errorf("sent call %d got key %q, want %q (calls must follow batch order)", i+1, sent[i], m.Key)
		}
	}

	domain := DomainOf(s.From())
	for _, m := range msgs {
		got := arrived(t, mp, m)
		if got.Subject != m.Subject {
			t.Errorf("%s: subject %q, want %q", m.To.Email, got.Subject, m.Subject)
		}
		if want := strings.Trim(MessageID(m.Key, domain), "<>"); got.MessageID != want {
			t.Errorf("%s: Message-ID %q, want %q from key %q", m.To.Email, got.MessageID, want, m.Key)
		}
		if got.From.Address != "organization@semesterflow.local" || got.From.Name != "Organization Department" {
			t.Errorf("%s: From %+v, want the default sender", m.To.Email, got.From)
		}
		if len(got.To) != 1 || got.To[0].Name != m.To.Name {
			t.Errorf("%s: To %+v, want %q", m.To.Email, got.To, m.To.Name)
		}
		if !strings.Contains(got.HTML, "max-width:600px") || !strings.Contains(got.HTML, m.To.Name) {
			t.Errorf("%s: HTML part missing or wrong:\n%s", m.To.Email, got.HTML)
		}
		if !strings.Contains(got.Text, "Please acknowledge by Mon 14 Sep 2026") || strings.Contains(got.Text, "<p") {
			t.Errorf("%s: text part missing or wrong:\n%s", m.To.Email, got.Text)
		}
		checkBodies(t, mp, got.ID, m, "multipart/alternative(text/plain text/html)")
	}
}

func TestMailpitCalendarAttachment(t *testing.T) {
	s, _, mp := mailpitSender(t)
	m := renderedMessage(t, testenv.UniqueID("ics"), 1)
	ics := strings.Join([]string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//semesterflow//test//EN", "METHOD:REQUEST",
		"BEGIN:VEVENT", "UID:" + m.Key, "DTSTAMP:20260901T000000Z",
		"DTSTART:20260908T110000Z", "DTEND:20260908T123000Z", "SUMMARY:Onboarding training",
		"END:VEVENT", "END:VCALENDAR", "",
	}, "\r\n")
	m.Attachments = []Attachment{{Filename: "invite.ics", ContentType: "text/calendar; method=REQUEST", Data: []byte(ics)}}
	if err := s.SendBatch(context.Background(), []Message{m}, nil); err != nil {
		t.Fatalf("SendBatch: %v", err)
	}
	got := arrived(t, mp, m)
	if len(got.Attachments) != 1 {
		t.Fatalf("got %d attachments, want 1: %+v", len(got.Attachments), got.Attachments)
	}
	a := got.Attachments[0]
	if a.FileName != "invite.ics" || !strings.HasPrefix(a.ContentType, "text/calendar") {
		t.Errorf("attachment %+v, want invite.ics as text/calendar", a)
	}
	if got.HTML == "" || got.Text == "" {
		t.Error("bodies were lost next to the attachment")
	}
	// The invite rides beside the two bodies, not as a third alternative.
	root := checkBodies(t, mp, got.ID, m, "multipart/mixed(multipart/alternative(text/plain text/html) text/calendar)")
	if cal, ok := root.find("text/calendar"); ok && cal.Body != strings.ReplaceAll(ics, "\r\n", "\n") {
		t.Errorf("the invite arrived changed:\n%s", cal.Body)
	}
}

func TestMailpitCallbackErrorStopsBatch(t *testing.T) {
	s, p, mp := mailpitSender(t)
	run := testenv.UniqueID("stop")
	msgs := []Message{renderedMessage(t, run, 1), renderedMessage(t, run, 2), renderedMessage(t, run, 3)}
	outboxDown := errors.New("outbox is down")
	var calls []string
	err := s.SendBatch(context.Background(), msgs, func(m Message) error {
		calls = append(calls, m.Key)
		if len(calls) == 2 {
			return outboxDown
		}
		return nil
	})
	if !errors.Is(err, outboxDown) {
		t.Fatalf("err = %v, want the callback's error", err)
	}
	var be *BatchError
	if !errors.As(err, &be) || be.Index != 1 || !be.Accepted || be.Key != msgs[1].Key {
		t.Errorf("BatchError = %+v, want message 2, accepted", be)
	}
	if !strings.Contains(err.Error(), msgs[1].To.Email) {
		t.Errorf("error %q does not name the recipient", err)
	}
	if len(calls) != 2 {
		t.Errorf("sent called %d times, want 2", len(calls))
	}
	// The first two were accepted before the callback failed; the third
	// was never sent, so it cannot show up later.
	arrived(t, mp, msgs[0])
	arrived(t, mp, msgs[1])
	if got := mp.Search(t, `to:"`+msgs[2].To.Email+`"`); len(got) != 0 {
		t.Errorf("message 3 was sent after the callback failed: %+v", got)
	}
	if n := p.connections(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
}

func TestMailpitInvalidRecipientSendsNothing(t *testing.T) {
	s, p, mp := mailpitSender(t)
	run := testenv.UniqueID("invalid")
	good := renderedMessage(t, run, 1)
	bad := renderedMessage(t, run, 2)
	bad.To.Email = "officer-at-example.edu"
	err := s.SendBatch(context.Background(), []Message{good, bad}, nil)
	if !errors.Is(err, ErrInvalidMessage) || !strings.Contains(err.Error(), bad.Key) {
		t.Fatalf("err = %v, want ErrInvalidMessage naming %q", err, bad.Key)
	}
	if n := p.connections(); n != 0 {
		t.Errorf("an invalid batch opened %d connections, want 0", n)
	}
	if got := mp.Search(t, `to:"`+good.To.Email+`"`); len(got) != 0 {
		t.Errorf("the valid message of an invalid batch was sent: %+v", got)
	}
}
