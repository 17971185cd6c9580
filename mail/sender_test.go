package mail

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestMessageID(t *testing.T) {
	id := MessageID("wf-1/onboarding-assignment/ann@example.edu", "semesterflow.local")
	if !regexp.MustCompile(`^<[0-9a-f]{32}@semesterflow\.local>$`).MatchString(id) {
		t.Errorf("MessageID = %q, want <32 hex digits@semesterflow.local>", id)
	}
	if again := MessageID("wf-1/onboarding-assignment/ann@example.edu", "semesterflow.local"); again != id {
		t.Errorf("MessageID is not deterministic: %q then %q", id, again)
	}
	if other := MessageID("wf-1/onboarding-assignment/bob@example.edu", "semesterflow.local"); other == id {
		t.Errorf("two keys share Message-ID %q", id)
	}
	if got := MessageID("k", ""); !strings.HasSuffix(got, "@localhost>") {
		t.Errorf("MessageID with no domain = %q, want @localhost", got)
	}
}

func TestDomainOf(t *testing.T) {
	tests := map[string]string{
		DefaultFrom:                   "semesterflow.local",
		"org@Example.EDU":             "example.edu",
		`"Dept, Org" <org@union.edu>`: "union.edu",
		"broken <org@union.edu":       "union.edu",
		"no address":                  "localhost",
		"":                            "localhost",
	}
	for from, want := range tests {
		if got := DomainOf(from); got != want {
			t.Errorf("DomainOf(%q) = %q, want %q", from, got, want)
		}
	}
}

// validMessage returns a message that passes validation.
func validMessage(i int) Message {
	return Message{
		Key:     fmt.Sprintf("test/batch/%d", i),
		To:      Address{Name: fmt.Sprintf("Officer %d", i), Email: fmt.Sprintf("officer%d@example.edu", i)},
		Subject: fmt.Sprintf("Message %d", i),
		HTML:    "<p>Hello</p>",
		Text:    "Hello",
	}
}

func TestSendBatchRejectsInvalidMessagesBeforeDialling(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Message)
		want   string
	}{
		{"no key", func(m *Message) { m.Key = " " }, "key is empty"},
		{"no recipient", func(m *Message) { m.To.Email = "" }, "recipient email is empty"},
		{"bad recipient", func(m *Message) { m.To.Email = "not-an-address" }, `recipient email "not-an-address" is not an email address`},
		{"recipient with name", func(m *Message) { m.To.Email = "Eve <eve@example.edu>" }, "is not an email address"},
		{"two recipients", func(m *Message) { m.To.Email = "a@example.edu, b@example.edu" }, "is not an email address"},
		{"header in name", func(m *Message) { m.To.Name = "Ann\r\nBcc: eve@example.edu" }, "contains a line break"},
		{"bad cc", func(m *Message) { m.Cc = []Address{{Email: "head@"}} }, `cc 1 email "head@" is not an email address`},
		{"no subject", func(m *Message) { m.Subject = "" }, "subject is empty"},
		{"multi-line subject", func(m *Message) { m.Subject = "a\nb" }, "contains a line break"},
		{"no HTML", func(m *Message) { m.HTML = "\n" }, "HTML body is empty"},
		{"no text", func(m *Message) { m.Text = "" }, "text body is empty"},
		{"attachment without name", func(m *Message) { m.Attachments = []Attachment{{ContentType: "text/plain"}} }, "attachment 1 has no file name"},
		{"attachment with bad type", func(m *Message) { m.Attachments = []Attachment{{Filename: "a", ContentType: "calendar"}} }, `content type "calendar"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startProxy(t, "")
			s := senderFor(t, p.port())
			bad := validMessage(2)
			tt.modify(&bad)
			msgs := []Message{validMessage(1), bad, validMessage(3)}
			calls := 0
			err := s.SendBatch(context.Background(), msgs, func(Message) error { calls++; return nil })
			if err == nil {
				t.Fatal("SendBatch accepted an invalid message")
			}
			if !errors.Is(err, ErrInvalidMessage) {
				t.Errorf("error %v is not ErrInvalidMessage", err)
			}
			var be *BatchError
			if !errors.As(err, &be) || be.Index != 1 || be.Key != bad.Key {
				t.Errorf("error %#v does not blame message 2", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), bad.Key) {
				t.Errorf("error %q does not say %q and name key %q", err, tt.want, bad.Key)
			}
			if n := p.connections(); n != 0 {
				t.Errorf("SendBatch opened %d connections for an invalid batch, want 0", n)
			}
			if calls != 0 {
				t.Errorf("sent called %d times for an invalid batch", calls)
			}
		})
	}
}

func TestSendBatchRejectsRepeatedKey(t *testing.T) {
	p := startProxy(t, "")
	s := senderFor(t, p.port())
	a, b := validMessage(1), validMessage(2)
	b.Key = a.Key
	err := s.SendBatch(context.Background(), []Message{a, b}, nil)
	if !errors.Is(err, ErrInvalidMessage) || !strings.Contains(err.Error(), "repeats message 1") {
		t.Errorf("repeated key: err = %v", err)
	}
	if p.connections() != 0 {
		t.Error("a batch with a repeated key dialled")
	}
}

func TestSendBatchEmptyDoesNotDial(t *testing.T) {
	p := startProxy(t, "")
	s := senderFor(t, p.port())
	called := false
	if err := s.SendBatch(context.Background(), nil, func(Message) error { called = true; return nil }); err != nil {
		t.Fatalf("empty batch: %v", err)
	}
	if p.connections() != 0 || called {
		t.Errorf("empty batch dialled %d times, called sent: %v", p.connections(), called)
	}
}

func TestSendBatchDialFailureNamesFirstMessage(t *testing.T) {
	// A listener closed at once leaves a port nobody answers on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := senderFor(t, port)
	m := validMessage(1)
	err = s.SendBatch(context.Background(), []Message{m, validMessage(2)}, nil)
	var be *BatchError
	if !errors.As(err, &be) || be.Index != 0 || be.Accepted {
		t.Fatalf("dial failure: err = %#v, want a *BatchError for message 0", err)
	}
	for _, want := range []string{m.Key, m.To.Email, "connect to 127.0.0.1:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// TestSendBatchStopsAtRejectedRecipient uses a scripted SMTP server because a
// real sink accepts every recipient.
func TestSendBatchStopsAtRejectedRecipient(t *testing.T) {
	srv := startFakeSMTP(t, "officer3@")
	s := senderFor(t, srv.port())
	msgs := []Message{validMessage(1), validMessage(2), validMessage(3), validMessage(4)}
	var sent []string
	err := s.SendBatch(context.Background(), msgs, func(m Message) error {
		sent = append(sent, m.Key)
		return nil
	})
	var be *BatchError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want a *BatchError", err)
	}
	if be.Index != 2 || be.Accepted || be.To != "officer3@example.edu" {
		t.Errorf("BatchError = %+v, want message 3 not accepted", be)
	}
	for _, want := range []string{"test/batch/3", "officer3@example.edu", "550"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if got := strings.Join(sent, ","); got != "test/batch/1,test/batch/2" {
		t.Errorf("sent called for %s, want messages 1 and 2", got)
	}
	if got := srv.delivered(); strings.Join(got, ",") != "officer1@example.edu,officer2@example.edu" {
		t.Errorf("server received %v, want only the first two", got)
	}
	if n := srv.connections(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
}

func TestSendBatchFakeServerOneConnection(t *testing.T) {
	srv := startFakeSMTP(t, "")
	s := senderFor(t, srv.port())
	var msgs []Message
	for i := 1; i <= 5; i++ {
		msgs = append(msgs, validMessage(i))
	}
	if err := s.SendBatch(context.Background(), msgs, nil); err != nil {
		t.Fatal(err)
	}
	if n, got := srv.connections(), len(srv.delivered()); n != 1 || got != 5 {
		t.Errorf("%d connections delivered %d messages, want 1 and 5", n, got)
	}
	if !srv.quit() {
		t.Error("the session did not end with QUIT")
	}
}

func TestSendBatchCancelled(t *testing.T) {
	srv := startFakeSMTP(t, "")
	s := senderFor(t, srv.port())
	ctx, cancel := context.WithCancel(context.Background())
	msgs := []Message{validMessage(1), validMessage(2), validMessage(3)}
	err := s.SendBatch(ctx, msgs, func(m Message) error {
		if m.Key == msgs[0].Key {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	var be *BatchError
	if errors.As(err, &be) && be.Index != 1 {
		t.Errorf("cancelled batch blamed message %d, want 1", be.Index)
	}
	if got := len(srv.delivered()); got != 1 {
		t.Errorf("server received %d messages after cancel, want 1", got)
	}
}

// TestSendBatchConnectionPolicy checks what the scripted server, which offers
// neither STARTTLS nor AUTH, makes of each TLS policy and of a username.
func TestSendBatchConnectionPolicy(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"opportunistic TLS falls back to plain SMTP", Config{TLS: TLSOpportunistic}, ""},
		{"no TLS", Config{TLS: TLSNone}, ""},
		{"mandatory TLS refuses a server without STARTTLS", Config{TLS: TLSMandatory}, "STARTTLS"},
		{"a username requires SMTP AUTH", Config{TLS: TLSOpportunistic, Username: "org", Password: "pw"}, "AUTH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFakeSMTP(t, "")
			cfg := tt.cfg
			cfg.Host, cfg.Port, cfg.Timeout = "127.0.0.1", srv.port(), 10*time.Second
			s, err := NewSender(cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = s.SendBatch(context.Background(), []Message{validMessage(1)}, nil)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("SendBatch: %v", err)
				}
				if len(srv.delivered()) != 1 {
					t.Error("message not delivered")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one mentioning %s", err, tt.wantErr)
			}
			if len(srv.delivered()) != 0 {
				t.Error("a message went out although the connection policy failed")
			}
		})
	}
}

func senderFor(t *testing.T, port int) *Sender {
	t.Helper()
	s, err := NewSender(Config{Host: "127.0.0.1", Port: port, TLS: TLSOpportunistic, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// proxy counts the TCP connections made to it and, when it has an upstream,
// forwards each one there byte for byte. Without an upstream it closes them.
type proxy struct {
	ln       net.Listener
	upstream string
	count    atomic.Int32
	wg       sync.WaitGroup
	mu       sync.Mutex
	open     []net.Conn
}

func startProxy(t *testing.T, upstream string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, upstream: upstream}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for _, c := range p.open {
			c.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

func (p *proxy) port() int        { return p.ln.Addr().(*net.TCPAddr).Port }
func (p *proxy) connections() int { return int(p.count.Load()) }

func (p *proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		// Count before forwarding: the client cannot finish a send
		// until bytes flow, so the count is settled when SendBatch returns.
		p.count.Add(1)
		if p.upstream == "" {
			c.Close()
			continue
		}
		p.wg.Add(1)
		go p.forward(c)
	}
}

func (p *proxy) forward(c net.Conn) {
	defer p.wg.Done()
	defer c.Close()
	u, err := net.Dial("tcp", p.upstream)
	if err != nil {
		return
	}
	defer u.Close()
	p.mu.Lock()
	p.open = append(p.open, c, u)
	p.mu.Unlock()
	done := make(chan struct{})
	go func() {
		io.Copy(u, c)
		u.(*net.TCPConn).CloseWrite()
		close(done)
	}()
	io.Copy(c, u)
	c.(*net.TCPConn).CloseWrite()
	<-done
}

// fakeSMTP is a minimal scripted SMTP server: it accepts everything except
// recipients containing reject, which get a permanent 550.
type fakeSMTP struct {
	ln     net.Listener
	reject string
	count  atomic.Int32
	wg     sync.WaitGroup
	mu     sync.Mutex
	rcpts  []string
	quits  int
}

func startFakeSMTP(t *testing.T, reject string) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMTP{ln: ln, reject: reject}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.count.Add(1)
			f.wg.Add(1)
			go f.session(c)
		}
	}()
	t.Cleanup(func() { ln.Close(); f.wg.Wait() })
	return f
}

func (f *fakeSMTP) port() int        { return f.ln.Addr().(*net.TCPAddr).Port }
func (f *fakeSMTP) connections() int { return int(f.count.Load()) }

func (f *fakeSMTP) delivered() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.rcpts...)
}

func (f *fakeSMTP) quit() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.quits > 0
}

func (f *fakeSMTP) session(c net.Conn) {
	defer f.wg.Done()
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	reply := func(s string) { fmt.Fprintf(c, "%s\r\n", s) }
	reply("220 fake.test ESMTP")
	var rcpt []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			reply("250 fake.test")
		case strings.HasPrefix(cmd, "MAIL FROM:"), cmd == "NOOP":
			reply("250 OK")
		case cmd == "RSET":
			rcpt = nil
			reply("250 OK")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			addr := strings.Trim(strings.TrimSpace(line)[len("RCPT TO:"):], "<>")
			if f.reject != "" && strings.Contains(addr, f.reject) {
				reply("550 no such user here")
				continue
			}
			rcpt = append(rcpt, addr)
			reply("250 OK")
		case cmd == "DATA":
			reply("354 end with <CRLF>.<CRLF>")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			f.mu.Lock()
			f.rcpts = append(f.rcpts, rcpt...)
			f.mu.Unlock()
			rcpt = nil
			reply("250 queued")
		case cmd == "QUIT":
			f.mu.Lock()
			f.quits++
			f.mu.Unlock()
			reply("221 bye")
			return
		default:
			reply("502 not implemented")
		}
	}
}
