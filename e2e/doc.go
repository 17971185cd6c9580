// Package e2e holds the end-to-end tests: the real starter and worker
// binaries against a Temporal dev server, Postgres and Mailpit.
package e2e
