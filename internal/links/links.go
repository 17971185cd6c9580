// Package links signs and verifies the links in semesterflow's emails. A
// link lets one person do one action on one workflow until it expires; the
// portal checks it before doing anything, so a link cannot be forged,
// altered, or used by someone it was not sent to.
package links

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Action names what a link lets its holder do.
type Action string

// The actions officers and leaders take from their emails.
const (
	// Acknowledge confirms a training (Onboarding's acknowledge-training).
	Acknowledge Action = "acknowledge"
	// SignIn signs in to an exchange meeting.
	SignIn Action = "sign-in"
	// Excuse reports an excused absence from an exchange meeting.
	Excuse Action = "excuse"
	// Submit hands in one slot of a Collection: minutes, a theme
	// recommendation, a competition entry, a judge's scores, a summary, a
	// milestone or task, a leader's assessment.
	Submit Action = "submit"
	// ViewDirectory opens the term's personnel directory, read only; its
	// slot is the term's ID.
	ViewDirectory Action = "directory"
)

func (a Action) valid() bool {
	switch a {
	case Acknowledge, SignIn, Excuse, Submit, ViewDirectory:
		return true
	}
	return false
}

// Claims is what a link grants.
type Claims struct {
	// Person is the email address the link was sent to.
	Person     string `json:"p"`
	WorkflowID string `json:"w"`
	Action     Action `json:"a"`
	// Slot narrows the action: a collection's slot key, or a meeting's
	// number for sign-in and excuses.
	Slot string `json:"s,omitempty"`
	// Expires is when the link stops working, in real time; Sign rounds
	// it up to the second.
	Expires time.Time `json:"e"`
}

// Errors Verify returns. The portal answers ErrForged with 403 and
// ErrExpired with 410.
var (
	ErrForged  = errors.New("links: the link is not one we sent, or it was altered")
	ErrExpired = errors.New("links: the link has expired")
)

// MinKeyBytes is the shortest key NewSigner accepts.
const MinKeyBytes = 32

// domain separates link signatures from any other use of the key.
const domain = "semesterflow link v1\x00"

// Signer signs and verifies links with one secret key.
type Signer struct {
	key []byte
}

// NewSigner returns a Signer for key, which must be at least MinKeyBytes
// long.
func NewSigner(key []byte) (*Signer, error) {
	if len(key) < MinKeyBytes {
		return nil, fmt.Errorf("links: the signing key has %d bytes; it needs at least %d (for example: openssl rand -hex 32)", len(key), MinKeyBytes)
	}
	return &Signer{key: bytes.Clone(key)}, nil
}

// Sign returns the token for c, safe to put in a URL path.
func (s *Signer) Sign(c Claims) (string, error) {
	if c.Person == "" || c.WorkflowID == "" || !c.Action.valid() || c.Expires.IsZero() {
		return "", fmt.Errorf("links: a link needs a person, a workflow, a known action and an expiry: %+v", c)
	}
	// Whole seconds keep the token short. Rounding up, not down: a link
	// must not stop short of what it is for (in a rehearsal at a plan day
	// a second, a second is a day of the late window); the workflow still
	// refuses what comes after its deadline.
	if e := c.Expires.UTC().Truncate(time.Second); e.Before(c.Expires) {
		c.Expires = e.Add(time.Second)
	} else {
		c.Expires = e
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	body := base64.RawURLEncoding.EncodeToString(payload)
	return body + "." + base64.RawURLEncoding.EncodeToString(s.mac(body)), nil
}

// URL returns base (the portal's address) with the link for c.
func (s *Signer) URL(base string, c Claims) (string, error) {
	token, err := s.Sign(c)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(base, "/") + "/act/" + token, nil
}

// Verify checks token and returns its claims. An expired link returns its
// claims with ErrExpired, so the page can say what it was for.
func (s *Signer) Verify(token string, now time.Time) (Claims, error) {
	body, sig, ok := strings.Cut(token, ".")
	if !ok {
		return Claims{}, ErrForged
	}
	got, ok := decodeCanonical(sig)
	if !ok || !hmac.Equal(got, s.mac(body)) {
		return Claims{}, ErrForged
	}
	payload, ok := decodeCanonical(body)
	if !ok {
		return Claims{}, ErrForged
	}
	var c Claims
	if err := json.Unmarshal(payload, &c); err != nil || !c.Action.valid() {
		return Claims{}, ErrForged
	}
	if !now.Before(c.Expires) {
		return c, ErrExpired
	}
	return c, nil
}

// decodeCanonical decodes unpadded URL-safe base64, accepting only the one
// encoding Sign writes, so each link has a single URL. Lenient decoding
// ignores the last character's spare bits and any CR or LF, so several
// spellings of a link would verify; Strict still skips CR and LF, hence the
// check that encoding the bytes again gives s back.
func decodeCanonical(s string) ([]byte, bool) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || base64.RawURLEncoding.EncodeToString(b) != s {
		return nil, false
	}
	return b, true
}

// MAC returns a keyed digest of parts for other uses of the key, such as a
// form's anti-forgery field; purpose keeps each use apart.
func (s *Signer) MAC(purpose string, parts ...string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("semesterflow " + purpose + "\x00"))
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Signer) mac(body string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(domain))
	m.Write([]byte(body))
	return m.Sum(nil)
}
