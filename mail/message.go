package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	netmail "net/mail"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// Address is a recipient: a display name (may be empty) and an email address.
type Address struct {
	Name  string
	Email string
}

// String formats the address for logs and error messages.
func (a Address) String() string {
	if a.Name == "" {
		return a.Email
	}
	return (&netmail.Address{Name: a.Name, Address: a.Email}).String()
}

// Attachment is a file sent with a message, such as a calendar invite with
// ContentType "text/calendar; method=REQUEST".
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// Message is one email to send. Key is its idempotency key: it must be unique
// per email, stay the same across retries, and it determines the Message-ID.
type Message struct {
	Key         string
	To          Address
	Cc          []Address
	Subject     string
	HTML        string
	Text        string
	Attachments []Attachment
}

// ErrInvalidMessage marks a message that cannot be sent as it is; retrying
// will not help. SendBatch returns it (wrapped) before dialling.
var ErrInvalidMessage = errors.New("invalid message")

// MessageID returns the Message-ID header value, angle brackets included, for
// the email with the given idempotency key. The same key always yields the
// same ID, so a message sent twice after a crash can be recognised as one.
// An empty domain becomes "localhost".
func MessageID(key, domain string) string {
	if domain == "" {
		domain = "localhost"
	}
	sum := sha256.Sum256([]byte(key))
	return "<" + hex.EncodeToString(sum[:])[:32] + "@" + domain + ">"
}

// DomainOf returns the lower-cased domain of a From address such as
// "Organization Department <organization@semesterflow.local>", or "localhost"
// when it has none.
func DomainOf(from string) string {
	addr := from
	if a, err := netmail.ParseAddress(from); err == nil {
		addr = a.Address
	}
	// Fall back to a plain split so a slightly malformed From still yields
	// the same domain everywhere MessageID is computed.
	at := strings.LastIndex(addr, "@")
	if at < 0 {
		return "localhost"
	}
	d := strings.ToLower(strings.Trim(addr[at+1:], " \t<>"))
	if d == "" {
		return "localhost"
	}
	return d
}

// validate returns why m cannot be sent, or nil.
func (m Message) validate() error {
	var errs []error
	if strings.TrimSpace(m.Key) == "" {
		errs = append(errs, errors.New("key is empty"))
	}
	if err := checkAddress("recipient", m.To); err != nil {
		errs = append(errs, err)
	}
	for i, cc := range m.Cc {
		if err := checkAddress(fmt.Sprintf("cc %d", i+1), cc); err != nil {
			errs = append(errs, err)
		}
	}
	if strings.TrimSpace(m.Subject) == "" {
		errs = append(errs, errors.New("subject is empty"))
	} else if strings.ContainsAny(m.Subject, "\r\n") {
		errs = append(errs, fmt.Errorf("subject %q contains a line break", m.Subject))
	}
	if strings.TrimSpace(m.HTML) == "" {
		errs = append(errs, errors.New("HTML body is empty"))
	}
	if strings.TrimSpace(m.Text) == "" {
		errs = append(errs, errors.New("text body is empty"))
	}
	for i, a := range m.Attachments {
		if strings.TrimSpace(a.Filename) == "" {
			errs = append(errs, fmt.Errorf("attachment %d has no file name", i+1))
		}
		if mt, _, err := mime.ParseMediaType(a.ContentType); err != nil || !strings.Contains(mt, "/") {
			errs = append(errs, fmt.Errorf("attachment %d (%q): content type %q is not a MIME type like text/calendar", i+1, a.Filename, a.ContentType))
		}
	}
	return errors.Join(errs...)
}

// checkAddress accepts only a bare address that parses, so that nothing in
// Email can smuggle in a second recipient or a header.
func checkAddress(what string, a Address) error {
	if a.Email == "" {
		return fmt.Errorf("%s email is empty", what)
	}
	p, err := netmail.ParseAddress(a.Email)
	if err != nil || p.Address != a.Email || p.Name != "" {
		return fmt.Errorf("%s email %q is not an email address", what, a.Email)
	}
	if strings.ContainsAny(a.Name, "\r\n") {
		return fmt.Errorf("%s name %q contains a line break", what, a.Name)
	}
	return nil
}

// build turns a validated message into a go-mail message: text/plain with
// text/html as its alternative, then the attachments.
func (m Message) build(from *netmail.Address, domain string) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	msg.FromMailAddress(from)
	if err := msg.AddToFormat(m.To.Name, m.To.Email); err != nil {
		return nil, fmt.Errorf("recipient: %w", err)
	}
	for _, cc := range m.Cc {
		if err := msg.AddCcFormat(cc.Name, cc.Email); err != nil {
			return nil, fmt.Errorf("cc: %w", err)
		}
	}
	msg.Subject(m.Subject)
	// go-mail adds the angle brackets itself.
	msg.SetMessageIDWithValue(strings.Trim(MessageID(m.Key, domain), "<>"))
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	for _, a := range m.Attachments {
		msg.AttachReadSeeker(a.Filename, bytes.NewReader(a.Data),
			gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
	}
	return msg, nil
}
