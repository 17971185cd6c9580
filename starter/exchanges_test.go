package main

import (
	"strings"
	"testing"
)

// TestExchangeCommandsFlags covers what sign-in and excuse decide before
// they talk to Temporal.
func TestExchangeCommandsFlags(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    string
		wantErrOut string
	}{
		{"listed in help", []string{"help"}, exitOK, "sign-in         sign in at your department's exchange", ""},
		{"sign-in help", []string{"sign-in", "--help"}, exitOK, "", "Usage: starter sign-in --term ID --email ADDRESS"},
		{"excuse help", []string{"excuse", "-h"}, exitOK, "", "why you will miss the next exchange"},
		{"sign-in without a term", []string{"sign-in", "--email", "ma.li@example.edu"}, exitUsage, "", "starter sign-in: --term is required"},
		{"sign-in without an email", []string{"sign-in", "--term", "2026-fall"}, exitUsage, "", "--email is required"},
		{"excuse without a reason", []string{"excuse", "--term", "2026-fall", "--email", "ma.li@example.edu"}, exitUsage, "",
			"starter excuse: --reason is required: say why you will miss the exchange"},
		{"excuse with a blank reason", []string{"excuse", "--term", "2026-fall", "--email", "ma.li@example.edu", "--reason", "  "}, exitUsage, "",
			"--reason is required"},
		{"sign-in with a stray argument", []string{"sign-in", "--term", "2026-fall", "--email", "a@example.edu", "now"}, exitUsage, "", `unexpected argument "now"`},
		{"excuse with a bad flag", []string{"excuse", "--why", "x"}, exitUsage, "", "flag provided but not defined: -why"},
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
		})
	}
}
