package store

import (
	"context"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"semesterflow/internal/testenv"
)

// wantMigrations lists every embedded migration by the name Migrate returns.
var wantMigrations = []string{
	"20260801000001_directory",
	"20260801000002_onboarding",
	"20260801000003_audit_outbox",
	"20261123000001_submissions",
	"20261123000002_exchanges",
	"20261123000003_collection_slots",
	"20261123000010_kickoff",
	"20261123000030_months",
	"20261123000040_contest",
	"20261123000041_help_tasks",
	"20261123000050_evaluations",
	"20261123000060_part_reports",
	"20261201000001_meeting_outcome",
	"20261202000001_plan_versions",
	"20261203000001_plan_chunks",
	"20261203000010_leader_sessions",
}

var wantTables = []string{"attendance", "audit_log", "collection_slots", "competition_results", "contest", "departments", "email_outbox", "evaluation_reports", "evaluations", "help_tasks", "kickoff", "leaders", "meetings", "month_digests", "month_themes", "officers", "onboarding", "part_reports", "plan_chunks", "plan_versions", "portal_sessions", "portal_sign_ins", "submissions", "terms"}

func TestMigrationFilesPaired(t *testing.T) {
	// Every migration needs its down file, and the names must match the
	// list the other tests check against.
	var ups, downs []string
	err := fs.WalkDir(migrationFiles, "migrations", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := strings.TrimPrefix(path, "migrations/")
		switch {
		case strings.HasSuffix(name, ".tx.up.sql"):
			ups = append(ups, strings.TrimSuffix(name, ".tx.up.sql"))
		case strings.HasSuffix(name, ".tx.down.sql"):
			downs = append(downs, strings.TrimSuffix(name, ".tx.down.sql"))
		default:
			t.Errorf("unexpected migration file %s", name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ups, wantMigrations) {
		t.Errorf("up migrations = %v, want %v", ups, wantMigrations)
	}
	if !slices.Equal(downs, wantMigrations) {
		t.Errorf("down migrations = %v, want %v", downs, wantMigrations)
	}
}

// tables lists the public tables other than bun's bookkeeping.
func tables(t *testing.T, db *bun.DB) []string {
	t.Helper()
	var names []string
	if err := db.NewSelect().
		TableExpr("information_schema.tables").
		Column("table_name").
		Where("table_schema = 'public'").
		Where("table_name NOT LIKE 'bun_%'").
		Order("table_name").
		Scan(context.Background(), &names); err != nil {
		t.Fatalf("list tables: %v", err)
	}
	return names
}

// schemaSnapshot describes every public column, constraint and index.
func schemaSnapshot(t *testing.T, db *bun.DB) []string {
	t.Helper()
	var out []string
	if err := db.NewRaw(`
		SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
		FROM information_schema.columns WHERE table_schema = 'public'
		UNION ALL
		SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
		FROM pg_constraint WHERE connamespace = 'public'::regnamespace
		UNION ALL
		SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
		ORDER BY 1`).Scan(context.Background(), &out); err != nil {
		t.Fatalf("schema snapshot: %v", err)
	}
	return out
}

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	db := testenv.OpenBun(t, testenv.Postgres(t))

	applied, err := Migrate(ctx, db)
	if err != nil {
		t.Fatalf("first Migrate: %v", err)
	}
	if !slices.Equal(applied, wantMigrations) {
		t.Errorf("first Migrate applied %v, want %v", applied, wantMigrations)
	}
	if got := tables(t, db); !slices.Equal(got, wantTables) {
		t.Errorf("tables = %v, want %v", got, wantTables)
	}
	before := schemaSnapshot(t, db)
	if len(before) == 0 {
		t.Fatal("schema snapshot is empty")
	}

	applied, err = Migrate(ctx, db)
	if err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	if len(applied) != 0 {
		t.Errorf("second Migrate applied %v, want none", applied)
	}
	if after := schemaSnapshot(t, db); !slices.Equal(after, before) {
		t.Errorf("second Migrate changed the schema:\nbefore %v\nafter  %v", before, after)
	}
	if got, want := count(t, db, "SELECT count(*) FROM bun_migrations"), len(wantMigrations); got != want {
		t.Errorf("bun_migrations has %d rows, want %d", got, want)
	}
	if got := count(t, db, "SELECT count(*) FROM bun_migration_locks"); got != 0 {
		t.Errorf("bun_migration_locks has %d rows after Migrate, want 0", got)
	}
}

func TestMigrateConcurrent(t *testing.T) {
	// Each round starts from an empty database, where Init and the first
	// migrations race hardest. Every worker has its own pool, like separate
	// worker processes.
	const rounds, workers = 3, 4
	for round := range rounds {
		t.Run("round", func(t *testing.T) {
			ctx := context.Background()
			dsn := testenv.Postgres(t)
			dbs := make([]*bun.DB, workers)
			for i := range dbs {
				dbs[i] = testenv.OpenBun(t, dsn)
			}

			var wg sync.WaitGroup
			results := make([][]string, workers)
			errs := make([]error, workers)
			for i, db := range dbs {
				wg.Go(func() { results[i], errs[i] = Migrate(ctx, db) })
			}
			wg.Wait()

			var all []string
			for i := range workers {
				if errs[i] != nil {
					t.Errorf("round %d: worker %d: Migrate: %v", round, i, errs[i])
				}
				all = append(all, results[i]...)
			}
			slices.Sort(all)
			if !slices.Equal(all, wantMigrations) {
				t.Errorf("round %d: migrations applied across workers = %v, want each of %v once", round, all, wantMigrations)
			}
			if got := tables(t, dbs[0]); !slices.Equal(got, wantTables) {
				t.Errorf("round %d: tables = %v, want %v", round, got, wantTables)
			}
		})
	}
}
