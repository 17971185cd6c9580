package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"semesterflow/internal/roster"
)

func runRoster(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return usageError{"usage: starter roster import --plan FILE --file officers.csv|officers.xlsx [--out FILE]"}
	}
	fs := newFlags(e, "roster import", "--plan FILE --file officers.csv|officers.xlsx [--out FILE]")
	planFile := fs.String("plan", "", "the plan file (YAML) to fill in")
	file := fs.String("file", "", "the roster: a CSV (UTF-8, as Excel saves it) or an XLSX whose first sheet has the columns department, name, email and role")
	out := fs.String("out", "", "where to write the plan; the plan file itself without it")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if err := requiredFlags("plan", *planFile, "file", *file); err != nil {
		return err
	}
	planYAML, err := os.ReadFile(*planFile)
	if err != nil {
		return usageError{err.Error()}
	}
	data, err := readLimited(*file, roster.MaxFileBytes)
	if err != nil {
		return usageError{err.Error()}
	}
	rows, err := roster.Read(filepath.Base(*file), data)
	if err != nil {
		return usageError{err.Error()}
	}
	updated, changes, err := roster.Apply(filepath.Base(*file), planYAML, rows)
	if err != nil {
		return usageError{err.Error()}
	}
	target := *out
	if target == "" {
		target = *planFile
	}
	if err := writeAtomically(target, updated); err != nil {
		return err
	}
	for _, c := range changes {
		line := fmt.Sprintf("%s: %d officers", c.Department, c.Officers)
		if len(c.Added) > 0 {
			line += fmt.Sprintf(", %d new (%s)", len(c.Added), strings.Join(c.Added, ", "))
		}
		if len(c.Removed) > 0 {
			line += fmt.Sprintf(", %d no longer listed (%s)", len(c.Removed), strings.Join(c.Removed, ", "))
		}
		if c.NewHead != "" {
			line += ", new head " + c.NewHead
		}
		fmt.Fprintln(e.stdout, line)
	}
	fmt.Fprintf(e.stdout, "Wrote %s with %d rows of %s. For a running term, check it with: starter plan diff --term ID --plan %s\n",
		target, len(rows), *file, target)
	return nil
}

// readLimited reads a file, refusing one larger than limit before reading it all.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes; a roster may not be", path, limit)
	}
	return data, nil
}

// writeAtomically writes data beside path and renames it into place, so
// a failure leaves the old file whole.
func writeAtomically(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".semesterflow-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if info, err := os.Stat(path); err == nil {
		_ = os.Chmod(tmp.Name(), info.Mode().Perm())
	}
	return os.Rename(tmp.Name(), path)
}
