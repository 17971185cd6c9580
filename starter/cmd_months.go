package main

import (
	"context"
	"fmt"
	"regexp"

	"semesterflow/contract"
)

var monthPattern = regexp.MustCompile(`^\d{4}-\d{2}$`)

func runSetTheme(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "set-theme", "--term ID --month YYYY-MM --email LEADER --theme TEXT")
	term := fs.String("term", "", "the term's id, for example 2026-fall")
	month := fs.String("month", "", "the month, as YYYY-MM")
	email := fs.String("email", "", "your email address; only leaders set the theme")
	theme := fs.String("theme", "", "the month's theme for organisation life")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := requiredFlags("term", *term, "month", *month, "email", *email, "theme", *theme); err != nil {
		return err
	}
	if !monthPattern.MatchString(*month) {
		return usageError{fmt.Sprintf("--month %q is not a month; write it as YYYY-MM, for example 2026-10", *month)}
	}
	var res contract.SetThemeResult
	notRunning := fmt.Sprintf("organisation life for %s is not running in term %s: it has not opened yet or is over", *month, *term)
	if err := sendUpdate(ctx, e, contract.MonthWorkflowID(*term, *month), contract.UpdateSetTheme,
		contract.SetThemeInput{Email: *email, Theme: *theme}, &res, notRunning); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "The theme for %s is %q; every head and leader is told.\n", *month, res.Theme)
	return nil
}
