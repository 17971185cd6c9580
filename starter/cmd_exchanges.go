package main

import (
	"context"
	"fmt"
	"strings"

	"semesterflow/contract"
)

func runSignIn(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "sign-in", "--term ID --email ADDRESS")
	term := fs.String("term", "", "the term's id, for example 2026-fall")
	email := fs.String("email", "", "your email address as an officer")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := requiredFlags("term", *term, "email", *email); err != nil {
		return err
	}
	var res contract.SignInResult
	where, err := updateExchanges(ctx, e, *term, *email, contract.UpdateSignIn, contract.SignInInput{Email: *email}, &res)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Signed in, %s: exchange %d of the %s, at %s.\n", where.Name, res.Meeting, res.Department, where.TimeZone.Human(res.At))
	if res.WasExcused {
		fmt.Fprintln(e.stdout, "You had excused yourself; you count as present.")
	}
	return nil
}

func runExcuse(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "excuse", "--term ID --email ADDRESS --reason TEXT")
	term := fs.String("term", "", "the term's id, for example 2026-fall")
	email := fs.String("email", "", "your email address as an officer")
	reason := fs.String("reason", "", "why you will miss the next exchange")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := requiredFlags("term", *term, "email", *email); err != nil {
		return err
	}
	if strings.TrimSpace(*reason) == "" {
		return usageError{"--reason is required: say why you will miss the exchange"}
	}
	var res contract.ExcuseResult
	where, err := updateExchanges(ctx, e, *term, *email, contract.UpdateExcuse, contract.ExcuseInput{Email: *email, Reason: *reason}, &res)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Excused, %s: you will miss exchange %d of the %s on %s. If you can come after all, sign in as usual.\n",
		where.Name, res.Meeting, res.Department, where.TimeZone.Human(res.Start))
	return nil
}

// updateExchanges finds the officer's department through the term and
// sends the update to that department's Exchanges, waiting for its result.
func updateExchanges(ctx context.Context, e *env, term, email, name string, arg, into any) (contract.OfficerLocation, error) {
	c, _, err := dial(ctx, e)
	if err != nil {
		return contract.OfficerLocation{}, err
	}
	defer c.Close()

	var where contract.OfficerLocation
	if err := query(ctx, c, contract.SemesterWorkflowID(term), contract.QueryFindOfficer, &where, email); err != nil {
		return where, err
	}
	notRunning := fmt.Sprintf("the exchanges of the %s are not running: they have not started yet or are over for this term", where.DepartmentName)
	if err := update(ctx, e, c, contract.ExchangesWorkflowID(term, where.DepartmentID), name, arg, into, notRunning); err != nil {
		return where, err
	}
	return where, nil
}
