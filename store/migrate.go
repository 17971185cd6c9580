package store

import (
	"context"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrateLockSQL names the session advisory lock that serializes Migrate
// across processes. hashtext turns a readable name into the lock's key.
const (
	migrateLockSQL   = "SELECT pg_advisory_lock(hashtext('semesterflow.store.migrate'))"
	migrateUnlockSQL = "SELECT pg_advisory_unlock(hashtext('semesterflow.store.migrate'))"
)

// newMigrator loads the embedded migrations.
func newMigrator(db *bun.DB) (*migrate.Migrator, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	migrations := migrate.NewMigrations()
	if err := migrations.Discover(sub); err != nil {
		return nil, fmt.Errorf("store: discover migrations: %w", err)
	}
	// Mark a migration applied only once its SQL succeeded, so a failed
	// migration is retried by the next Migrate rather than skipped.
	return migrate.NewMigrator(db, migrations, migrate.WithMarkAppliedOnSuccess(true)), nil
}

// Migrate applies the embedded SQL migrations under the migrator's lock
// (Init, Lock, Migrate, Unlock). Running it again is a no-op. It returns
// the names of the migrations applied by this call, empty when none; on
// error it returns no names.
//
// Several workers may call Migrate at once. bun's Init (CREATE TABLE IF NOT
// EXISTS) can fail when run concurrently and its Lock fails rather than
// waits, so the whole sequence runs under a Postgres advisory lock held on
// a dedicated connection: later callers wait, then find nothing to do. The
// migrator needs a second connection from db's pool meanwhile.
//
// If a process died between Lock and Unlock, the bun_migration_locks row
// stays and Migrate reports the migrations table as locked until an
// operator deletes that row.
func Migrate(ctx context.Context, db *bun.DB) (applied []string, err error) {
	m, err := newMigrator(db)
	if err != nil {
		return nil, err
	}

	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	if _, err := conn.ExecContext(ctx, migrateLockSQL); err != nil {
		conn.Close()
		return nil, fmt.Errorf("store: migrate: advisory lock: %w", err)
	}
	defer func() {
		err = errors.Join(err, releaseAdvisoryLock(context.WithoutCancel(ctx), conn))
	}()

	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("store: migrate: init: %w", err)
	}
	if err := m.Lock(ctx); err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	defer func() {
		// Unlock even when ctx is cancelled: a stale lock row blocks every
		// later Migrate.
		if uerr := m.Unlock(context.WithoutCancel(ctx)); uerr != nil {
			err = errors.Join(err, fmt.Errorf("store: migrate: unlock: %w", uerr))
		}
	}()

	group, err := m.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	applied = make([]string, 0, len(group.Migrations))
	for _, mig := range group.Migrations {
		applied = append(applied, mig.String())
	}
	return applied, nil
}

// releaseAdvisoryLock unlocks and returns the connection to the pool. A
// session lock lives as long as its connection, so if the unlock fails the
// connection is discarded instead of going back to the pool still locked.
func releaseAdvisoryLock(ctx context.Context, conn bun.Conn) error {
	if _, err := conn.ExecContext(ctx, migrateUnlockSQL); err != nil {
		// Returning driver.ErrBadConn from Raw makes database/sql close
		// the connection rather than reuse it, which ends the session and
		// with it the lock.
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		return fmt.Errorf("store: migrate: advisory unlock: %w", err)
	}
	return conn.Close()
}
