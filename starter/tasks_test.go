package main

import (
	"strings"
	"testing"
)

// TestHelpAndContestCommandsWithoutServices covers what request-help,
// assign and record-results decide before they talk to Temporal.
func TestHelpAndContestCommandsWithoutServices(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantErrOut string
	}{
		{"request-help help", []string{"request-help", "--help"}, exitOK, `Usage: starter request-help --term ID --email ADDRESS --department ID --due YYYY-MM-DD --text "..."`},
		{"request-help without a department", []string{"request-help", "--term", "2026-fall", "--email", "sun.hao@example.edu", "--due", "2026-10-10", "--text", "x"},
			exitUsage, "starter request-help: --department is required"},
		{"request-help without text", []string{"request-help", "--term", "2026-fall", "--email", "sun.hao@example.edu", "--department", "publicity", "--due", "2026-10-10"},
			exitUsage, "--text is required"},
		{"request-help with a bad date", []string{"request-help", "--term", "2026-fall", "--email", "sun.hao@example.edu", "--department", "publicity", "--due", "10/10", "--text", "x"},
			exitUsage, `--due "10/10": write the date as YYYY-MM-DD`},
		{"assign help", []string{"assign", "-h"}, exitOK, "the email address of the officer who will help"},
		{"assign without a task", []string{"assign", "--term", "2026-fall", "--email", "zhang.hua@example.edu", "--officer", "lin.yue@example.edu"},
			exitUsage, "--task is required"},
		{"assign with a stray argument", []string{"assign", "--term", "2026-fall", "t1"}, exitUsage, `unexpected argument "t1"`},
		{"record-results help", []string{"record-results", "--help"}, exitOK, "the winning departments' IDs, best first"},
		{"record-results without text", []string{"record-results", "--term", "2026-fall", "--email", "li.wei@example.edu"}, exitUsage, "--text is required"},
		{"record-results with an empty winner", []string{"record-results", "--term", "2026-fall", "--email", "li.wei@example.edu", "--text", "x", "--winners", "publicity,,sports"},
			exitUsage, "--winners: winner 2 is empty"},
		{"record-results with a bad flag", []string{"record-results", "--winner", "x"}, exitUsage, "flag provided but not defined: -winner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runStarter(tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tt.wantCode, errOut)
			}
			if !strings.Contains(errOut, tt.wantErrOut) {
				t.Errorf("stderr = %q, want it to contain %q", errOut, tt.wantErrOut)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
		})
	}
}
