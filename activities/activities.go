// Package activities holds the side effects of semesterflow's workflows:
// writes to Postgres and emails. Every activity is safe to retry: rows are
// upserts on natural keys, and each email passes through an outbox keyed by
// its idempotency key, so a retry does not send it again (deliver.go says
// how, and names the one narrow window left).
package activities

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"time"

	"semesterflow/contract"
	"semesterflow/internal/links"
	"semesterflow/mail"
	"semesterflow/store"
)

// Mailer sends a batch of emails on one connection, calling sent after the
// server accepts each one.
type Mailer interface {
	SendBatch(ctx context.Context, msgs []mail.Message, sent func(mail.Message) error) error
}

// HeartbeatRecorder records an activity's heartbeat details on the Temporal
// server directly; client.Client is one.
type HeartbeatRecorder interface {
	RecordActivityHeartbeat(ctx context.Context, taskToken []byte, details ...any) error
}

// Activities carries the dependencies of every activity. Workflows call its
// methods through a nil *Activities; the worker registers a real one.
type Activities struct {
	Store  *store.Store
	Mailer Mailer
	// CLI is the command officers can run instead of following a link,
	// "starter" unless set.
	CLI string
	// Links signs the links to the officers' portal at PortalURL; emails
	// carry no links when it is nil.
	Links     *links.Signer
	PortalURL string
	// Temporal, when set (the worker sets its client), receives the
	// heartbeats that pin an accepted but unrecorded email's key on the
	// server at once (see deliver); without it the SDK's throttled
	// heartbeat carries the key.
	Temporal HeartbeatRecorder
	// RecordPatience is how long a delivery retries recording an email the
	// SMTP server accepted while the database is unreachable, before the
	// attempt fails and leaves the record to its retry (see deliver);
	// DefaultRecordPatience unless set.
	RecordPatience time.Duration
}

// link returns the signed portal link for c, or "" when links are off or
// the link has no expiry (its workflow does not set one).
func (a *Activities) link(c links.Claims) string {
	if a.Links == nil || a.PortalURL == "" || c.Expires.IsZero() {
		return ""
	}
	u, err := a.Links.URL(a.PortalURL, c)
	if err != nil {
		// The claims come from our own workflows; leave the command only.
		return ""
	}
	return u
}

// storeError wraps a store failure; input the store rejects fails the
// activity for good instead of being retried forever.
func storeError(what string, err error) error {
	if errors.Is(err, store.ErrInvalid) {
		return contract.BadInput(what+": "+err.Error(), err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func (a *Activities) from() string {
	if f, ok := a.Mailer.(interface{ From() string }); ok {
		return f.From()
	}
	return mail.DefaultFrom
}

// organizer is the sender as a calendar invite's organizer: the SMTP_FROM
// address.
func (a *Activities) organizer() mail.Address {
	if addr, err := netmail.ParseAddress(a.from()); err == nil {
		return mail.Address{Name: addr.Name, Email: addr.Address}
	}
	addr, _ := netmail.ParseAddress(mail.DefaultFrom)
	return mail.Address{Name: addr.Name, Email: addr.Address}
}

func (a *Activities) cli() string {
	if a.CLI == "" {
		return "starter"
	}
	return a.CLI
}

// emailKey is the idempotency key of one email: the workflow, what the email
// is for (including which occurrence), and the recipient.
func emailKey(workflowID, purpose, recipient string) string {
	return workflowID + "/" + purpose + "/" + recipient
}
