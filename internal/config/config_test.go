package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) Getenv { return func(k string) string { return m[k] } }

func TestDatabaseURL(t *testing.T) {
	tests := []struct {
		value, want, wantErr string
	}{
		{"", DefaultDatabaseURL, ""},
		{"postgresql://app:pw@db:5432/sf", "postgresql://app:pw@db:5432/sf", ""},
		{"mysql://db/sf", "", `DATABASE_URL: "mysql://db/sf" is not a postgres:// URL`},
		{"postgres://app:secret@/sf", "", `"postgres://app:xxxxx@/sf"`},
	}
	for _, tt := range tests {
		got, err := DatabaseURL(env(map[string]string{"DATABASE_URL": tt.value}))
		if got != tt.want || (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("DatabaseURL(%q) = %q, %v; want %q, error containing %q", tt.value, got, err, tt.want, tt.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

func TestWorkflowURL(t *testing.T) {
	got := WorkflowURL(env(map[string]string{"TEMPORAL_UI_URL": "https://ui.example.edu/"}), "union", "semester/2026-fall")
	if want := "https://ui.example.edu/namespaces/union/workflows/semester%2F2026-fall"; got != want {
		t.Errorf("WorkflowURL = %q, want %q", got, want)
	}
	if got := TaskQueue(env(nil)); got != "semesterflow" {
		t.Errorf("default task queue = %q", got)
	}
}

func TestLogger(t *testing.T) {
	for _, tt := range []struct{ level, format, wantErr string }{
		{"", "", ""},
		{"debug", "json", ""},
		{"loud", "", `LOG_LEVEL: "loud" is not one of debug, info, warn, error`},
		{"", "xml", `LOG_FORMAT: "xml" is not one of text, json`},
	} {
		_, err := Logger(env(map[string]string{"LOG_LEVEL": tt.level, "LOG_FORMAT": tt.format}))
		if (err == nil) != (tt.wantErr == "") || (err != nil && err.Error() != tt.wantErr) {
			t.Errorf("Logger(%q, %q) error = %v, want %q", tt.level, tt.format, err, tt.wantErr)
		}
	}
}

func TestLinkSigner(t *testing.T) {
	if s, err := LinkSigner(env(nil)); s != nil || err != nil {
		t.Errorf("unset: %v, %v; want no signer and no error", s, err)
	}
	good := strings.Repeat("ab", 32)
	if s, err := LinkSigner(env(map[string]string{LinkKeyVariable: good})); s == nil || err != nil {
		t.Errorf("a 32-byte hex key: %v, %v", s, err)
	}
	for value, want := range map[string]string{
		"not-hex-at-all":         "not hex",
		strings.Repeat("ab", 16): "has 16 bytes; it needs at least 32",
	} {
		if _, err := LinkSigner(env(map[string]string{LinkKeyVariable: value})); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), LinkKeyVariable) {
			t.Errorf("%q: %v, want an error naming %s and saying %q", value, err, LinkKeyVariable, want)
		}
	}
}

func TestPortalURL(t *testing.T) {
	for value, want := range map[string]string{"": DefaultPortalURL, "https://union.example.edu/portal/": "https://union.example.edu/portal"} {
		if got, err := PortalURL(env(map[string]string{"PORTAL_URL": value})); got != want || err != nil {
			t.Errorf("PORTAL_URL=%q: %q, %v; want %q", value, got, err, want)
		}
	}
	if _, err := PortalURL(env(map[string]string{"PORTAL_URL": "ftp://x"})); err == nil || !strings.Contains(err.Error(), "PORTAL_URL") {
		t.Errorf("ftp URL: %v", err)
	}
}
