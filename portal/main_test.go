package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// These tests run the portal's run in-process with an environment of its
// own, and read what it writes to stderr, as an operator would.

func TestPortalRefusesBadSettingsBeforeItStarts(t *testing.T) {
	key := strings.Repeat("ab", 32)
	for _, tt := range []struct {
		name     string
		vars     map[string]string
		wantCode int
		want     string
	}{
		{"no link key", nil, 1, "SEMESTERFLOW_LINK_KEY is not set: the portal needs the key the worker signs links with (make one with: openssl rand -hex 32)"},
		{"short link key", map[string]string{"SEMESTERFLOW_LINK_KEY": "abcd"}, 1, "SEMESTERFLOW_LINK_KEY: links: the signing key has 2 bytes; it needs at least 32"},
		{"database URL", map[string]string{"SEMESTERFLOW_LINK_KEY": key, "DATABASE_URL": "mysql://db/sf"}, 1, `DATABASE_URL: \"mysql://db/sf\" is not a postgres:// URL`},
		{"log format", map[string]string{"LOG_FORMAT": "xml"}, 2, `portal: LOG_FORMAT: "xml" is not one of text, json`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(context.Background(), env{getenv: func(k string) string { return tt.vars[k] }, stderr: &stderr})
			if code != tt.wantCode || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr.String(), tt.wantCode, tt.want)
			}
			if strings.Contains(stderr.String(), "portal listening") {
				t.Errorf("the portal started:\n%s", stderr.String())
			}
		})
	}
}
