package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// withStoreOptions sets the options of an activity that writes to Postgres.
// Writes are idempotent, so retries go on until the database is back. No
// part's calendar waits for such a write in the middle of its term: it
// runs beside (a part continuing as new carries it into its next run), or
// it is the first or last thing its part does (docs/RELIABILITY.md).
func withStoreOptions(ctx workflow.Context, summary string) workflow.Context {
	return workflow.WithActivityOptions(ctx, storeOptions(summary))
}

func storeOptions(summary string) workflow.ActivityOptions {
	return workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute},
		Summary:             summary,
	}
}

// updateWriteTry bounds, in real time, the tries of a write an Update
// waits for (an acknowledgement, a request, results): as long as an email
// is tried at least, so a database away for ten minutes loses nothing.
// Past it the Update fails ("please try again"), its claim is undone and
// the part reports the loss: the calendar and continue-as-new wait for
// Updates in flight, so they must end.
const updateWriteTry = minMailTry

// withUpdateStoreOptions sets the options of a write an Update waits for.
func withUpdateStoreOptions(ctx workflow.Context, summary string) workflow.Context {
	opts := storeOptions(summary)
	opts.ScheduleToCloseTimeout = updateWriteTry
	return workflow.WithActivityOptions(ctx, opts)
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
