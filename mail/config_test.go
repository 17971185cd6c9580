package mail

import (
	"strings"
	"testing"
	"time"
)

// env turns a map into a getenv function; missing keys read as "".
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func defaultConfig() Config {
	return Config{
		Host:    DefaultHost,
		Port:    DefaultPort,
		TLS:     DefaultTLS,
		From:    DefaultFrom,
		Timeout: DefaultTimeout,
	}
}

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want Config
	}{
		{name: "defaults when nothing is set", env: nil, want: defaultConfig()},
		{
			name: "empty and blank values mean default",
			env:  map[string]string{EnvHost: "", EnvPort: " ", EnvTLS: "", EnvTimeout: ""},
			want: defaultConfig(),
		},
		{
			name: "every variable set",
			env: map[string]string{
				EnvHost:     "smtp.example.edu",
				EnvPort:     "587",
				EnvUsername: "organization",
				EnvPassword: " secret with spaces ",
				EnvTLS:      "mandatory",
				EnvFrom:     "Publicity Department <publicity@example.edu>",
				EnvTimeout:  "1m30s",
			},
			want: Config{
				Host:     "smtp.example.edu",
				Port:     587,
				Username: "organization",
				Password: " secret with spaces ",
				TLS:      TLSMandatory,
				From:     "Publicity Department <publicity@example.edu>",
				Timeout:  90 * time.Second,
			},
		},
		{
			name: "TLS policy is case-insensitive",
			env:  map[string]string{EnvTLS: " None "},
			want: func() Config { c := defaultConfig(); c.TLS = TLSNone; return c }(),
		},
		{
			name: "bare from address and IPv6 host",
			env:  map[string]string{EnvFrom: "org@example.edu", EnvHost: "::1"},
			want: func() Config { c := defaultConfig(); c.From = "org@example.edu"; c.Host = "::1"; return c }(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ConfigFromEnv(env(tt.env))
			if err != nil {
				t.Fatalf("ConfigFromEnv: %v", err)
			}
			if got != tt.want {
				t.Errorf("ConfigFromEnv =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestConfigFromEnvRejects(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"port not a number", map[string]string{EnvPort: "abc"}, `SMTP_PORT: "abc" is not a port number (1-65535)`},
		{"port zero", map[string]string{EnvPort: "0"}, `SMTP_PORT: "0" is not a port number (1-65535)`},
		{"port negative", map[string]string{EnvPort: "-25"}, `SMTP_PORT: "-25" is not a port number (1-65535)`},
		{"port too large", map[string]string{EnvPort: "65536"}, `SMTP_PORT: "65536" is not a port number (1-65535)`},
		{"unknown TLS policy", map[string]string{EnvTLS: "maybe"}, `SMTP_TLS: "maybe" is not one of mandatory, opportunistic, none`},
		{"from without address", map[string]string{EnvFrom: "Organization Department"}, `SMTP_FROM: "Organization Department" is not an email address (e.g. "Name <name@example.edu>")`},
		{"from without at sign", map[string]string{EnvFrom: "Org <organization>"}, `SMTP_FROM: "Org <organization>" is not an email address (e.g. "Name <name@example.edu>")`},
		{"two from addresses", map[string]string{EnvFrom: "a@example.edu, b@example.edu"}, `SMTP_FROM: "a@example.edu, b@example.edu" is not an email address (e.g. "Name <name@example.edu>")`},
		{"timeout without unit", map[string]string{EnvTimeout: "15"}, `SMTP_TIMEOUT: "15" is not a positive duration (e.g. 15s, 1m)`},
		{"timeout zero", map[string]string{EnvTimeout: "0s"}, `SMTP_TIMEOUT: "0s" is not a positive duration (e.g. 15s, 1m)`},
		{"timeout negative", map[string]string{EnvTimeout: "-5s"}, `SMTP_TIMEOUT: "-5s" is not a positive duration (e.g. 15s, 1m)`},
		{"host with port", map[string]string{EnvHost: "smtp.example.edu:587"}, `SMTP_HOST: "smtp.example.edu:587" includes a port; give the port separately`},
		{"host with slash", map[string]string{EnvHost: "smtp://mail"}, `SMTP_HOST: "smtp://mail" is not a host name`},
		{"password without username", map[string]string{EnvPassword: "secret"}, `SMTP_PASSWORD is set but SMTP_USERNAME is empty; authentication needs both`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ConfigFromEnv(env(tt.env))
			if err == nil {
				t.Fatalf("ConfigFromEnv(%v) succeeded, want %q", tt.env, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got %q\nwant %q", err, tt.want)
			}
		})
	}
}

func TestConfigFromEnvReportsEveryProblem(t *testing.T) {
	_, err := ConfigFromEnv(env(map[string]string{
		EnvPort:    "abc",
		EnvTLS:     "maybe",
		EnvFrom:    "nobody",
		EnvTimeout: "soon",
	}))
	if err == nil {
		t.Fatal("ConfigFromEnv succeeded with four bad variables")
	}
	want := []string{
		`SMTP_PORT: "abc" is not a port number (1-65535)`,
		`SMTP_TLS: "maybe" is not one of mandatory, opportunistic, none`,
		`SMTP_FROM: "nobody" is not an email address`,
		`SMTP_TIMEOUT: "soon" is not a positive duration`,
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("problem %d = %q, want it to start with %q", i+1, lines[i], w)
		}
	}
}

func TestNewSenderConfig(t *testing.T) {
	s, err := NewSender(Config{})
	if err != nil {
		t.Fatalf("NewSender(zero Config): %v", err)
	}
	if s.From() != DefaultFrom || s.Addr() != "127.0.0.1:1025" {
		t.Errorf("zero Config gave From %q, Addr %q; want the defaults", s.From(), s.Addr())
	}
	if s, err := NewSender(Config{Host: "::1", Port: 2525}); err != nil || s.Addr() != "[::1]:2525" {
		t.Errorf("IPv6 host: Addr %v, err %v; want [::1]:2525", s, err)
	}

	_, err = NewSender(Config{Port: 70000, TLS: "sometimes", From: "nobody", Password: "x"})
	if err == nil {
		t.Fatal("NewSender accepted a bad Config")
	}
	for _, w := range []string{"Config.Port 70000", `Config.TLS "sometimes"`, `Config.From "nobody"`, "Config.Password is set"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
}
