// Package activities holds the side effects of semesterflow's workflows:
// writes to Postgres and emails. Every activity is safe to retry: rows are
// upserts on natural keys, and each email passes through an outbox keyed by
// its idempotency key, so a retry never sends it twice.
package activities

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"semesterflow/internal/links"
	"semesterflow/mail"
	"semesterflow/store"
)

// Mailer sends a batch of emails on one connection, calling sent after the
// server accepts each one.
type Mailer interface {
	SendBatch(ctx context.Context, msgs []mail.Message, sent func(mail.Message) error) error
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
		return temporal.NewNonRetryableApplicationError(what+": "+err.Error(), "InvalidInput", err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// DeliveryResult says how many emails of a batch went out now and how many
// had already gone out on an earlier attempt.
type DeliveryResult struct {
	Sent        int `json:"sent"`
	AlreadySent int `json:"already_sent"`
}

// deliver sends the messages that the outbox has not seen sent yet, marking
// each one sent as soon as the SMTP server accepts it.
func (a *Activities) deliver(ctx context.Context, purpose string, msgs []mail.Message) (DeliveryResult, error) {
	if len(msgs) == 0 {
		return DeliveryResult{}, nil
	}
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	rows := make([]store.OutboxEmail, len(msgs))
	for i, m := range msgs {
		rows[i] = store.OutboxEmail{
			Key:        m.Key,
			MessageID:  mail.MessageID(m.Key, mail.DomainOf(a.from())),
			WorkflowID: workflowID,
			Purpose:    purpose,
			Recipient:  m.To.Email,
			Subject:    m.Subject,
			Status:     store.OutboxPending,
		}
	}
	unsent, err := a.Store.ClaimOutbox(ctx, rows)
	if err != nil {
		return DeliveryResult{}, storeError("claim outbox", err)
	}
	wanted := make(map[string]bool, len(unsent))
	for _, k := range unsent {
		wanted[k] = true
	}
	var pending []mail.Message
	for _, m := range msgs {
		if wanted[m.Key] {
			pending = append(pending, m)
		}
	}
	err = a.Mailer.SendBatch(ctx, pending, func(m mail.Message) error {
		if err := a.markSent(ctx, m.Key); err != nil {
			return err
		}
		// Each accepted email is progress: a worker that dies mid-batch is
		// noticed at the heartbeat timeout, not the batch's whole timeout.
		activity.RecordHeartbeat(ctx, m.Key)
		return nil
	})
	if err != nil {
		return DeliveryResult{}, fmt.Errorf("send %s emails: %w", purpose, err)
	}
	activity.GetLogger(ctx).Info("emails delivered", "purpose", purpose, "sent", len(pending), "already_sent", len(msgs)-len(pending))
	return DeliveryResult{Sent: len(pending), AlreadySent: len(msgs) - len(pending)}, nil
}

// markSent records an email the SMTP server has accepted. The server has the
// message whatever happens to this activity now, so the record is made even
// when the activity is being cancelled, with a few quick tries: a lost
// record means the email goes out again on the retry.
func (a *Activities) markSent(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	var err error
	for attempt := range 3 {
		if err = a.Store.MarkSent(ctx, key, time.Now()); err == nil {
			return nil
		}
		time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
	}
	return fmt.Errorf("record %s as sent: %w", key, err)
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
