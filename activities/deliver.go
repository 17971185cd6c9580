package activities

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"semesterflow/contract"
	"semesterflow/mail"
	"semesterflow/store"
)

// Email delivery sends each email once, but for one narrow window (see
// deliver):
//
//  1. claim: every email of the batch is inserted in the outbox as pending;
//  2. send: only the keys the outbox does not show as sent, and none an
//     earlier attempt saw accepted (below), go to the SMTP server, in order
//     on one connection;
//  3. record: as soon as the server accepts an email, its outbox row is
//     marked sent;
//  4. remember: if the database does not answer, the key and the time go
//     into the activity's heartbeat details, which Temporal keeps across the
//     activity's attempts: the batch stops (its SMTP session closes), the
//     details are sent to Temporal at once and waited for (pinned: the SDK's
//     own heartbeats are throttled), the record is retried with backoff for
//     RecordPatience, and the rest of the batch goes out on a new session
//     once it succeeds.
//
// A database that stays down longer than RecordPatience fails the attempt
// with the key still in the heartbeat details, pinned once more, and the
// server hands them to the next attempt. That attempt fails at the claim
// while the database is still down, sending nothing, and leaves the details
// as they are; the first one after the outage records the key from the
// details and sends only the rest. So an outage of any length (ten minutes,
// an hour) costs time, not a duplicate: nothing in the retries depends on
// how long the database is away. Whether the rest of the batch still goes
// out depends only on the activity being tried past the outage (its
// ScheduleToClose); if it is given up first, nothing is sent twice, and an
// email accepted but never recorded stays pending in the outbox.

// DefaultRecordPatience is how long deliver waits for the database to record
// an accepted email before it fails the attempt and leaves the record to the
// retry. A minute rides out a restart or a failover within the attempt;
// beyond it the activity's retry backoff takes over, and the attempt does
// not sit on the worker's activity slot for nothing.
const DefaultRecordPatience = time.Minute

// The backoff between tries to record an accepted email.
const (
	recordFirstWait = 250 * time.Millisecond
	recordMaxWait   = 5 * time.Second
	// recordTryTimeout bounds one try, so a database that hangs rather than
	// refuses is tried again; an UPDATE by primary key needs milliseconds.
	recordTryTimeout = 5 * time.Second
	// pinTimeout bounds sending the heartbeat details to Temporal at once.
	pinTimeout = 10 * time.Second
	// deadlineMargin leaves the attempt time to report its failure, with its
	// heartbeat details, before the server times it out.
	deadlineMargin = 5 * time.Second
)

// deliveryProgress is deliver's heartbeat details: the emails the SMTP
// server has accepted that the outbox may not show as sent yet.
type deliveryProgress struct {
	Unrecorded []acceptedEmail `json:"unrecorded"`
}

// acceptedEmail is one email the SMTP server accepted, and when.
type acceptedEmail struct {
	Key string    `json:"key"`
	At  time.Time `json:"at"`
}

// progressOf reads the heartbeat details an earlier attempt of this activity
// left, keeping only keys of this batch.
func progressOf(ctx context.Context, batch map[string]bool) *deliveryProgress {
	var p deliveryProgress
	if !activity.HasHeartbeatDetails(ctx) {
		return &p
	}
	if err := activity.GetHeartbeatDetails(ctx, &p); err != nil {
		// Workers before this one heartbeated the last key they had already
		// recorded, a bare string; it promises nothing to act on.
		activity.GetLogger(ctx).Warn("ignoring heartbeat details of another shape", "error", err)
		return &deliveryProgress{}
	}
	kept := p.Unrecorded[:0]
	seen := map[string]bool{}
	for _, e := range p.Unrecorded {
		if batch[e.Key] && !seen[e.Key] {
			seen[e.Key] = true
			kept = append(kept, e)
		}
	}
	p.Unrecorded = kept
	return &p
}

// deliver sends the messages of the batch that have not gone out yet and
// records each one in the outbox as soon as the SMTP server accepts it. It
// must run at most once per activity, as it owns the heartbeat details.
//
// The one window left opens when the SMTP server accepts an email and closes
// when either its outbox record commits or a heartbeat naming it reaches
// Temporal. A worker killed inside it (SIGKILL, a crash, the machine lost)
// leaves the retry no trace of the acceptance, and the email goes out again.
// With the database up the window is the one UPDATE, milliseconds. With the
// database down it is the failed try (milliseconds when connections are
// refused, at most recordTryTimeout when the database hangs) and the round
// trip of the pinning heartbeat. Temporal unreachable at the same time
// widens it to the whole outage.
func (a *Activities) deliver(ctx context.Context, purpose string, msgs []mail.Message) (contract.DeliveryResult, error) {
	if len(msgs) == 0 {
		return contract.DeliveryResult{}, nil
	}
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	rows := make([]store.OutboxEmail, len(msgs))
	batch := make(map[string]bool, len(msgs))
	for i, m := range msgs {
		batch[m.Key] = true
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
	progress := progressOf(ctx, batch)
	// Keys an earlier attempt saw accepted are never sent again, whatever
	// the outbox says.
	acceptedBefore := make(map[string]bool, len(progress.Unrecorded))
	for _, e := range progress.Unrecorded {
		acceptedBefore[e.Key] = true
	}

	// While the database is down this fails before anything is sent; the
	// server keeps the earlier attempt's details for the next one.
	unsent, err := a.Store.ClaimOutbox(ctx, rows)
	if err != nil {
		return contract.DeliveryResult{}, storeError("claim outbox", err)
	}
	if len(progress.Unrecorded) > 0 {
		activity.GetLogger(ctx).Info("recording emails an earlier attempt sent", "purpose", purpose, "emails", len(progress.Unrecorded))
		// Temporal has these already: they came from there.
		if err := a.recordAccepted(ctx, progress, true); err != nil {
			return contract.DeliveryResult{}, err
		}
	}
	wanted := make(map[string]bool, len(unsent))
	for _, k := range unsent {
		wanted[k] = !acceptedBefore[k]
	}
	var pending []mail.Message
	for _, m := range msgs {
		if wanted[m.Key] {
			pending = append(pending, m)
		}
	}

	accepted := make(map[string]bool, len(pending))
	for rest := pending; len(rest) > 0; {
		err = a.Mailer.SendBatch(ctx, rest, func(m mail.Message) error {
			accepted[m.Key] = true
			progress.Unrecorded = append(progress.Unrecorded, acceptedEmail{Key: m.Key, At: time.Now()})
			// The outbox first: the SDK's heartbeat can be a round trip to
			// Temporal, and a worker killed before the record commits sends
			// the email again. Only when the record fails must Temporal
			// hold the key, and then the batch pins it (below).
			if err := a.markAccepted(context.WithoutCancel(ctx), progress); err != nil {
				return &unrecordedError{err}
			}
			// Each accepted email is progress, so a worker that dies
			// mid-batch is noticed at the heartbeat timeout, not the batch's.
			activity.RecordHeartbeat(ctx, *progress)
			return nil
		})
		if err == nil {
			break
		}
		rest = slices.DeleteFunc(rest, func(m mail.Message) bool { return accepted[m.Key] })
		var unrecorded *unrecordedError
		if errors.As(err, &unrecorded) {
			// The database went away: stop the batch and wait for it with
			// no SMTP session open (go-mail lets an idle one expire after
			// SMTP_TIMEOUT), then go on with the rest on a new one.
			err = a.recordAccepted(ctx, progress, a.pin(ctx, progress))
		}
		if err != nil {
			if len(progress.Unrecorded) > 0 {
				// The latest details, whatever became of the SDK's
				// heartbeats, for the retry.
				a.pin(ctx, progress)
			}
			return contract.DeliveryResult{}, fmt.Errorf("send %s emails: %w", purpose, err)
		}
	}
	activity.GetLogger(ctx).Info("emails delivered", "purpose", purpose, "sent", len(pending), "already_sent", len(msgs)-len(pending))
	return contract.DeliveryResult{Sent: len(pending), AlreadySent: len(msgs) - len(pending)}, nil
}

// recordAccepted marks the accepted emails of progress sent in the outbox,
// removing each one recorded. The server has the emails whatever happens to
// this activity now, so it goes on while the activity is being cancelled and
// retries with backoff while the database is unreachable, heartbeating the
// progress (pinning it until that succeeds once, unless pinned already), for
// RecordPatience or until the attempt's deadline is near. Then it fails, and
// the emails left in the heartbeat details are the retry's to record.
func (a *Activities) recordAccepted(ctx context.Context, progress *deliveryProgress, pinned bool) error {
	giveUp := time.Now().Add(a.recordPatience())
	if deadline := activity.GetInfo(ctx).Deadline; !deadline.IsZero() && deadline.Add(-deadlineMargin).Before(giveUp) {
		giveUp = deadline.Add(-deadlineMargin)
	}
	rctx := context.WithoutCancel(ctx)
	wait := recordFirstWait
	for tries := 1; ; tries++ {
		err := a.markAccepted(rctx, progress)
		if err == nil {
			return nil
		}
		if errors.Is(err, sql.ErrNoRows) || errors.Is(err, store.ErrInvalid) || time.Now().Add(wait).After(giveUp) {
			return fmt.Errorf("record %d accepted email(s) in the outbox after %d tries (the retry records them and does not send them again): %w",
				len(progress.Unrecorded), tries, err)
		}
		activity.GetLogger(ctx).Warn("the outbox is unreachable; retrying the record of accepted emails",
			"emails", len(progress.Unrecorded), "tries", tries, "retry_in", wait, "error", err)
		// Keeps the attempt alive past the heartbeat timeout.
		if pinned {
			activity.RecordHeartbeat(ctx, *progress)
		} else {
			pinned = a.pin(ctx, progress)
		}
		time.Sleep(wait)
		wait = min(2*wait, recordMaxWait)
	}
}

// pin sends progress to Temporal as the activity's heartbeat details at once
// and waits until they are stored, instead of leaving them to the SDK, whose
// heartbeats are throttled (to 0.8 of the heartbeat timeout, 48 s for the
// mail activities) and whose RPC fails after that same interval. It reports
// whether Temporal has them. Without a.Temporal (tests in the SDK's activity
// environment) the SDK's heartbeat stands in.
func (a *Activities) pin(ctx context.Context, progress *deliveryProgress) bool {
	// The SDK's buffer gets the same details, or its next flush could put
	// older ones back.
	activity.RecordHeartbeat(ctx, *progress)
	if a.Temporal == nil {
		return true
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pinTimeout)
	defer cancel()
	err := a.Temporal.RecordActivityHeartbeat(pctx, activity.GetInfo(ctx).TaskToken, *progress)
	// A cancellation requested meanwhile does not undo the record.
	var canceled *temporal.CanceledError
	if err != nil && !errors.As(err, &canceled) {
		activity.GetLogger(ctx).Warn("could not send the accepted emails' keys to Temporal", "emails", len(progress.Unrecorded), "error", err)
		return false
	}
	return true
}

// unrecordedError stops a batch whose accepted email the outbox could not
// record.
type unrecordedError struct{ err error }

func (e *unrecordedError) Error() string { return "record the accepted email: " + e.err.Error() }
func (e *unrecordedError) Unwrap() error { return e.err }

// markAccepted records the accepted emails in order, stopping at the first
// failure; those recorded leave progress.
func (a *Activities) markAccepted(ctx context.Context, progress *deliveryProgress) error {
	for len(progress.Unrecorded) > 0 {
		e := progress.Unrecorded[0]
		tctx, cancel := context.WithTimeout(ctx, recordTryTimeout)
		err := a.Store.MarkSent(tctx, e.Key, e.At)
		cancel()
		if err != nil {
			return err
		}
		progress.Unrecorded = progress.Unrecorded[1:]
	}
	return nil
}

func (a *Activities) recordPatience() time.Duration {
	if a.RecordPatience > 0 {
		return a.RecordPatience
	}
	return DefaultRecordPatience
}
