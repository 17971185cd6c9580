package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/uptrace/bun/driver/pgdriver"

	"semesterflow/internal/config"
	"semesterflow/internal/export"
)

func runExport(ctx context.Context, e *env, args []string) error {
	usage := "KIND --term ID [--format csv|xlsx] [--out FILE]\n\nKINDs:\n"
	for _, k := range export.Kinds {
		usage += fmt.Sprintf("  %-20s %s\n", k.Name, k.About)
	}
	fs := newFlags(e, "export", strings.TrimRight(usage, "\n"))
	term := fs.String("term", "", "the term's id, for example 2026-fall")
	format := fs.String("format", export.CSV, "csv (UTF-8, as Excel reads it) or xlsx")
	out := fs.String("out", "", "the file to write; a CSV goes to standard output without it")
	kind := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		kind, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case kind == "":
		return usageError{"say what to export: one of " + export.KindNames()}
	case *format != export.CSV && *format != export.XLSX:
		return usageError{fmt.Sprintf("--format %q: write csv or xlsx", *format)}
	case *format == export.XLSX && *out == "":
		return usageError{"--out FILE is needed for xlsx, which is not text"}
	}
	if err := requiredFlags("term", *term); err != nil {
		return err
	}
	dsn, err := config.DatabaseURL(e.getenv)
	if err != nil {
		return err
	}
	db := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn)))
	defer db.Close()
	t, err := export.Read(ctx, db, kind, *term)
	if errors.Is(err, export.ErrNoTerm) {
		return fmt.Errorf("term %q has no records in the database; check --term and DATABASE_URL", *term)
	}
	if errors.Is(err, export.ErrNoKind) {
		return usageError{err.Error()}
	}
	if err != nil {
		return err
	}
	if *out == "" {
		return export.Write(e.stdout, *format, t)
	}
	// Written beside the target and renamed, so a failure leaves no half file.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := export.Write(tmp, *format, t); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Wrote %s: %d rows of %s.\n", *out, len(t.Rows), t.Title)
	return nil
}
