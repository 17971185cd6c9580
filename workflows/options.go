package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// withStoreOptions sets the options of an activity that writes to Postgres.
// Writes are idempotent, so retries go on until the database is back.
func withStoreOptions(ctx workflow.Context, summary string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute},
		Summary:             summary,
	})
}

// withMailOptions sets the options of an activity that sends a batch of
// emails and that the workflow waits for.
func withMailOptions(ctx workflow.Context, summary string) workflow.Context {
	return workflow.WithActivityOptions(ctx, mailOptions(summary))
}

// mailOptions are the options of an activity that sends a batch of emails.
// The outbox keeps retries from sending anything twice; the longer backoff
// spares an SMTP server that is refusing us. Retries are in real time: in a
// rehearsal at a plan day a second, the 5-minute cap is 300 plan days, so
// no plan moment may wait for an email (see beside.send, which also bounds
// the tries by when the email stops being of use).
func mailOptions(summary string) workflow.ActivityOptions {
	return workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		// Delivery heartbeats after every accepted email.
		HeartbeatTimeout: time.Minute,
		RetryPolicy:      &temporal.RetryPolicy{InitialInterval: 5 * time.Second, MaximumInterval: 5 * time.Minute},
		Summary:          summary,
	}
}
