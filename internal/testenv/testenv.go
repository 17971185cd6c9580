// Package testenv gives integration tests the real services they need
// (Postgres, Temporal, an SMTP server with Mailpit's API) or skips them with a
// message naming the command that provides those services. When
// SEMESTERFLOW_INTEGRATION or CI is set, a missing service fails the test
// instead: under CI a skip would hide an untested feature.
package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/driver/pgdriver"
)

// TestCommand is the command that starts every service the tests need.
const TestCommand = "scripts/test.sh"

// Defaults mirror the ones the worker and scripts use.
const (
	DefaultDatabaseURL     = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	DefaultTemporalAddress = "127.0.0.1:7233"
	DefaultSMTPHost        = "127.0.0.1"
	DefaultSMTPPort        = "1025"
	DefaultMailpitAPI      = "http://127.0.0.1:8025"
)

// strict reports whether a missing service must fail the test.
func strict() bool {
	return os.Getenv("SEMESTERFLOW_INTEGRATION") != "" || os.Getenv("CI") != ""
}

// unavailable skips the test, or fails it when running strictly.
func unavailable(tb testing.TB, service string, err error) {
	tb.Helper()
	msg := fmt.Sprintf("%s is not reachable (%v); run %s, which starts it", service, err, TestCommand)
	if strict() {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

// Getenv returns the environment variable or a default.
func Getenv(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

// reachable dials a TCP address briefly.
func reachable(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return err
	}
	return conn.Close()
}

// AdminDatabaseURL is the server the tests create their databases on.
func AdminDatabaseURL() string {
	return Getenv("TEST_DATABASE_URL", DefaultDatabaseURL)
}

// Postgres creates a fresh, empty database for the test and drops it at the
// end, so tests never see each other's rows. It returns the database's URL.
func Postgres(tb testing.TB) string {
	tb.Helper()
	admin := AdminDatabaseURL()
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatalf("TEST_DATABASE_URL %q: %v", admin, err)
	}
	if err := reachable(u.Host); err != nil {
		unavailable(tb, "Postgres at "+u.Host, err)
	}
	adminDB := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(admin)))
	defer adminDB.Close()

	name := "semesterflow_test_" + randomSuffix()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := adminDB.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		unavailable(tb, "Postgres at "+u.Host, err)
	}
	tb.Cleanup(func() {
		db := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(admin)))
		defer db.Close()
		if _, err := db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			tb.Logf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// OpenBun opens a bun handle on the database URL and closes it at the end.
func OpenBun(tb testing.TB, dsn string) *bun.DB {
	tb.Helper()
	db := bun.NewDB(sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn))), pgdialect.New())
	tb.Cleanup(func() { db.Close() })
	return db
}

// TemporalAddress returns the dev server's address, skipping when it is down.
func TemporalAddress(tb testing.TB) string {
	tb.Helper()
	addr := Getenv("TEMPORAL_ADDRESS", DefaultTemporalAddress)
	if err := reachable(addr); err != nil {
		unavailable(tb, "Temporal at "+addr, err)
	}
	return addr
}

// SMTP returns the SMTP server's host and port, skipping when it is down.
func SMTP(tb testing.TB) (host, port string) {
	tb.Helper()
	host = Getenv("SMTP_HOST", DefaultSMTPHost)
	port = Getenv("SMTP_PORT", DefaultSMTPPort)
	if err := reachable(net.JoinHostPort(host, port)); err != nil {
		unavailable(tb, "SMTP server at "+host+":"+port, err)
	}
	return host, port
}

// UniqueID returns a short random identifier with a prefix, for term IDs,
// task queues and email addresses that must not collide between runs.
func UniqueID(prefix string) string {
	return prefix + "-" + randomSuffix()
}

func randomSuffix() string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return strings.ToLower(hex.EncodeToString(b))
}
