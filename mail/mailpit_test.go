package mail

import (
	"context"
	"errors"
	"net"
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
