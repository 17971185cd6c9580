package config

import (
	"bytes"
	"io"
	"log/slog"
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
		_, err := Logger(env(map[string]string{"LOG_LEVEL": tt.level, "LOG_FORMAT": tt.format}), io.Discard)
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

// The Temporal settings come from the environment handed in, not the
// process's, so a main can be run in a test with its own.
func TestTemporalClientOptionsReadTheGivenEnvironment(t *testing.T) {
	t.Setenv("TEMPORAL_ADDRESS", "process.example:7233")
	t.Setenv("TEMPORAL_NAMESPACE", "process")
	t.Setenv("TEMPORAL_CONFIG_FILE", t.TempDir()+"/none.toml")
	vars := map[string]string{"TEMPORAL_ADDRESS": "given.example:7233", "TEMPORAL_CONFIG_FILE": t.TempDir() + "/none.toml"}
	opts, err := TemporalClientOptions(env(vars), func() []string { return []string{"TEMPORAL_GRPC_META_X_TEAM=union"} }, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if opts.HostPort != "given.example:7233" || opts.Namespace != DefaultNamespace {
		t.Errorf("address %q, namespace %q; want given.example:7233 and %q", opts.HostPort, opts.Namespace, DefaultNamespace)
	}
	if opts.HeadersProvider == nil {
		t.Error("the TEMPORAL_GRPC_META_ header in environ was not read")
	}
	vars["TEMPORAL_PROFILE"] = "cloud"
	if _, err := TemporalClientOptions(env(vars), nil, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "temporal client settings") {
		t.Errorf("an unknown profile: %v, want the settings refused", err)
	}
}

func TestLoggerWritesToTheGivenWriter(t *testing.T) {
	var buf bytes.Buffer
	logger, err := Logger(env(map[string]string{"LOG_FORMAT": "json"}), &buf)
	if err != nil {
		t.Fatal(err)
	}
	logger.Info("hello")
	if !strings.Contains(buf.String(), `"msg":"hello"`) {
		t.Errorf("logged %q, want a JSON line saying hello", buf.String())
	}
}
