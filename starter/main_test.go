package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runStarter runs the CLI in-process with an empty environment.
func runStarter(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), &env{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}, args)
	return out.String(), errOut.String(), code
}

// TestCommandsWithoutServices covers what the CLI decides before it talks
// to Temporal: help, usage errors and plan validation.
func TestCommandsWithoutServices(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    string
		wantErrOut string
	}{
		{"no command", nil, exitUsage, "Commands:", ""},
		{"help", []string{"help"}, exitOK, "start           validate a plan and start its term", ""},
		{"unknown command", []string{"begin"}, exitUsage, "", `unknown command "begin"`},
		{"start help", []string{"start", "--help"}, exitOK, "", "Usage: starter start --plan FILE [--time-scale N]"},
		{"ack help", []string{"ack", "-h"}, exitOK, "", "the officer's email address"},
		{"status help", []string{"status", "--help"}, exitOK, "", "Usage: starter status --term ID"},
		{"start without a plan", []string{"start"}, exitUsage, "", "starter start: --plan is required"},
		{"ack without an email", []string{"ack", "--term", "2026-fall"}, exitUsage, "", "--email is required"},
		{"bad flag", []string{"status", "--trem", "x"}, exitUsage, "", "flag provided but not defined: -trem"},
		{"stray argument", []string{"status", "--term", "x", "extra"}, exitUsage, "", `unexpected argument "extra"`},
		{"time scale below 1", []string{"start", "--plan", "../examples/fall-term.yaml", "--time-scale", "0.5"}, exitUsage, "", "--time-scale 0.5: must be at least 1"},
		{"missing plan file", []string{"validate", "--plan", "nope.yaml"}, exitUsage, "", "read plan: open nope.yaml"},
		{"a past plan on the real calendar", []string{"start", "--plan", "../plan/testdata/good/minimal.yaml"}, exitUsage, "",
			"the plan's onboarding window closed on Thu 12 Mar 2026, 23:59 (Asia/Shanghai)"},
		{"set-theme without a theme", []string{"set-theme", "--term", "2026-fall", "--month", "2026-10", "--email", "li.wei@example.edu"}, exitUsage, "", "--theme is required"},
		{"set-theme with a bad month", []string{"set-theme", "--term", "2026-fall", "--month", "October", "--email", "li.wei@example.edu", "--theme", "x"}, exitUsage, "",
			`--month "October" is not a month; write it as YYYY-MM, for example 2026-10`},
		{"extend without a reason", []string{"extend", "--workflow", "semester/2026-fall/2026-10/summary", "--email", "li.wei@example.edu", "--due", "2026-11-06"}, exitUsage, "", "--reason is required"},
		{"hand-over without a reason", []string{"hand-over", "--workflow", "semester/2026-fall/exchanges/publicity/3/minutes", "--email", "gao.yang@example.edu", "--to", "ma.li@example.edu"}, exitUsage, "", "--reason is required"},
		{"hand-over of a stranger's workflow", []string{"hand-over", "--workflow", "minutes", "--email", "gao.yang@example.edu", "--to", "ma.li@example.edu", "--reason", "ill"}, exitUsage, "", "is not one of a term's workflows"},
		{"plan without a subcommand", []string{"plan"}, exitUsage, "", "starter plan diff --term ID --plan FILE"},
		{"plan with an unknown subcommand", []string{"plan", "merge"}, exitUsage, "", `unknown plan command "merge"`},
		{"plan diff without a file", []string{"plan", "diff", "--term", "2026-fall"}, exitUsage, "", "--plan is required"},
		{"plan apply without a leader", []string{"plan", "apply", "--term", "2026-fall", "--plan", "../examples/fall-term.yaml"}, exitUsage, "", "--by is required"},
		{"plan apply with a bad plan", []string{"plan", "apply", "--term", "2026-fall", "--plan", "../plan/testdata/bad/bad-email.yaml", "--by", "li.wei@example.edu"}, exitUsage, "",
			`departments[0].officers[0].email: "bob@" is not an email address`},
		{"plan apply with a negative version", []string{"plan", "apply", "--term", "2026-fall", "--plan", "../examples/fall-term.yaml", "--by", "x@example.edu", "--expect-version", "-1"}, exitUsage, "",
			"--expect-version is -1"},
		{"valid plan", []string{"validate", "--plan", "../examples/fall-term.yaml"}, exitOK, "is valid: Fall term 2026, 8 departments, 40 officers.", ""},
		{"invalid plan", []string{"start", "--plan", "../plan/testdata/bad/bad-email.yaml"}, exitUsage, "",
			`departments[0].officers[0].email: "bob@" is not an email address`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runStarter(tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tt.wantCode, errOut)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("stdout = %q, want it to contain %q", out, tt.wantOut)
			}
			if !strings.Contains(errOut, tt.wantErrOut) {
				t.Errorf("stderr = %q, want it to contain %q", errOut, tt.wantErrOut)
			}
			if tt.wantCode != exitOK && out != "" && tt.args != nil {
				t.Errorf("a failing command wrote to stdout: %q", out)
			}
		})
	}
}

// TestWhoStartsTheTerm checks who the audit log names when --by is not
// given: the OS account first, then $USER, then $LOGNAME; with none of
// them, start refuses (exit 2) instead of recording "unknown".
func TestWhoStartsTheTerm(t *testing.T) {
	tests := []struct {
		name   string
		osUser string
		vars   map[string]string
		want   string
	}{
		{"the OS account wins", "alice", map[string]string{"USER": "bob", "LOGNAME": "carol"}, "alice"},
		{"then USER", "", map[string]string{"USER": "bob", "LOGNAME": "carol"}, "bob"},
		{"then LOGNAME", "", map[string]string{"LOGNAME": "carol"}, "carol"},
		{"blank values do not count", " ", map[string]string{"USER": "  ", "LOGNAME": "carol"}, "carol"},
		{"nobody", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &env{getenv: func(k string) string { return tt.vars[k] }, osUser: func() string { return tt.osUser }}
			if got := whoRuns(e); got != tt.want {
				t.Errorf("whoRuns = %q, want %q", got, tt.want)
			}
			// start --help shows the name it would record.
			var out, errOut bytes.Buffer
			e.stdout, e.stderr = &out, &errOut
			if code := run(context.Background(), e, []string{"start", "--help"}); code != exitOK {
				t.Fatalf("start --help exited %d: %s", code, errOut.String())
			}
			if shown := strings.Contains(errOut.String(), `(default "`+tt.want+`")`); shown != (tt.want != "") {
				t.Errorf("start --help, want the default %q shown:\n%s", tt.want, errOut.String())
			}
		})
	}

	// With no name at all, start refuses before it talks to Temporal.
	plan := "../examples/fall-term.yaml"
	for _, args := range [][]string{
		{"start", "--plan", plan, "--time-scale", "86400"},
		{"start", "--plan", plan, "--time-scale", "86400", "--by", "  "},
	} {
		out, errOut, code := runStarter(args...)
		if code != exitUsage || out != "" || !strings.Contains(errOut, "cannot tell who is starting the term") || !strings.Contains(errOut, "--by") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 asking for --by", args, code, out, errOut)
		}
	}
}
