// Command starter is the department's command line for semesterflow: it
// validates a plan, starts a term, sends an officer's acknowledgement and
// shows progress. Run "starter help" for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"os/user"
	"strings"
	"syscall"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailed  = 1 // the command could not do its work
	exitUsage   = 2 // bad flags or a bad plan: nothing was changed
	exitStarted = 3 // the term was already started
)

// usageError is bad input; nothing was changed.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// exitError carries a specific exit code.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

var commands = []command{
	{"validate", "check a plan file and list every problem", runValidate},
	{"start", "validate a plan and start its term", runStart},
	{"ack", "acknowledge an officer's training", runAck},
	{"submit", "hand in a plan, minutes, a summary, scores or another requested item", runSubmit},
	{"sign-in", "sign in at your department's exchange", runSignIn},
	{"excuse", "excuse yourself, with a reason, from your department's next exchange", runExcuse},
	{"status", "show a term's progress", runStatus},
	{"watch", "show a term's progress and refresh it until the term ends", runWatch},
	{"list", "list the terms and their phases", runList},
	{"cancel", "cancel a term: stop every part and tell everyone", runCancel},
	{"hand-over", "hand a task to someone else in its department, with a reason", runHandOver},
	{"extend", "move a deadline later, with a reason (heads and leaders, as their emails say)", runExtend},
	{"plan", "change a running term: plan diff shows what a new plan file changes, plan apply applies it (leaders)", runPlan},
	{"request-help", "ask the Organization Department for help (department heads, leaders)", runRequestHelp},
	{"assign", "assign an officer to a help task (the coordinator, leaders)", runAssign},
	{"set-theme", "set a month's theme for organisation life (leaders)", runSetTheme},
	{"record-results", "record the knowledge contest's results (leaders)", runRecordResults},
	{"roster", "roster import fills a plan's departments from an officers' spreadsheet (CSV or XLSX)", runRoster},
	{"export", "write a term's attendance, submissions, evaluation, help tasks or audit log as CSV or XLSX", runExport},
}

// env is what commands write to and read settings from.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	// environ lists the environment, for the Temporal client's
	// TEMPORAL_GRPC_META_* headers; nil in tests.
	environ func() []string
	// osUser names the account running the command, or returns ""; nil
	// means no account is known (tests).
	osUser func() string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, environ: os.Environ, osUser: osUserName}, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(e.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		if err == nil || errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintf(e.stderr, "starter %s: %v\n", c.name, err)
		var ue usageError
		var ee exitError
		switch {
		case errors.As(err, &ee):
			return ee.code
		case errors.As(err, &ue):
			return exitUsage
		default:
			return exitFailed
		}
	}
	fmt.Fprintf(e.stderr, "starter: unknown command %q\n\n", args[0])
	printUsage(e.stderr)
	return exitUsage
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: starter COMMAND [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-15s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "starter COMMAND --help" for a command's flags. Temporal settings come
from TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY and the TLS
variables; the task queue from SEMESTERFLOW_TASK_QUEUE.`)
}

// newFlags makes a flag set whose errors and help go to the command's
// streams.
func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("starter "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: starter %s %s\n\nFlags:\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags and rejects stray arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// requiredFlags checks flags given as name, value pairs, in order, and
// names the first one missing.
func requiredFlags(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := required(pairs[i], pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}

func required(name, value string) error {
	if value == "" {
		return usageError{fmt.Sprintf("--%s is required", name)}
	}
	return nil
}

// osUserName is the login name of the process's user, or "" when the
// system cannot tell (a container's uid with no passwd entry).
func osUserName() string {
	u, err := user.Current()
	if err != nil {
		return ""
	}
	return u.Username
}

// whoRuns names who runs the command, for the audit log: the OS account,
// else $USER, else $LOGNAME; "" when none is known.
func whoRuns(e *env) string {
	if e.osUser != nil {
		if name := strings.TrimSpace(e.osUser()); name != "" {
			return name
		}
	}
	for _, v := range []string{"USER", "LOGNAME"} {
		if name := strings.TrimSpace(e.getenv(v)); name != "" {
			return name
		}
	}
	return ""
}
