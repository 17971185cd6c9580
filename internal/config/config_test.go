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
