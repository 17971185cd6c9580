// Package mail renders semesterflow's emails from embedded templates and
// sends them over SMTP. A batch of messages goes out on one connection, and the
// caller hears about each message as soon as the server accepts it, so an
// outbox can record it before the next one is sent. Every message carries a
// Message-ID derived from its idempotency key, so a resend after a crash is
// recognisable as the same email.
package mail

import (
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"
)

// TLSPolicy says whether the connection to the SMTP server must, may or must
// not be upgraded with STARTTLS.
type TLSPolicy string

// The TLS policies ConfigFromEnv accepts in SMTP_TLS.
const (
	// TLSMandatory refuses to send unless the server offers STARTTLS.
	TLSMandatory TLSPolicy = "mandatory"
	// TLSOpportunistic uses STARTTLS when the server offers it and plain
	// SMTP otherwise; Mailpit in development offers none.
	TLSOpportunistic TLSPolicy = "opportunistic"
	// TLSNone never attempts STARTTLS.
	TLSNone TLSPolicy = "none"
)

// The environment variables ConfigFromEnv reads.
const (
	EnvHost     = "SMTP_HOST"
	EnvPort     = "SMTP_PORT"
	EnvUsername = "SMTP_USERNAME"
	EnvPassword = "SMTP_PASSWORD"
	EnvTLS      = "SMTP_TLS"
	EnvFrom     = "SMTP_FROM"
	EnvTimeout  = "SMTP_TIMEOUT"
)

// Defaults used when a variable is unset or empty. They point at a local
// Mailpit, so development needs no configuration at all.
const (
	DefaultHost    = "127.0.0.1"
	DefaultPort    = 1025
	DefaultTLS     = TLSOpportunistic
	DefaultFrom    = "Organization Department <organization@semesterflow.local>"
	DefaultTimeout = 15 * time.Second
)

// Config is how to reach the SMTP server and whom the emails come from.
type Config struct {
	Host string
	Port int
	// Username and Password are used for SMTP AUTH; without a username the
	// client does not authenticate.
	Username string
	Password string
	TLS      TLSPolicy
	// From is the sender in RFC 5322 form, e.g. DefaultFrom. Its domain
	// also names the domain of every Message-ID.
	From string
	// Timeout bounds the dial and each SMTP command.
	Timeout time.Duration
}

// ConfigFromEnv reads the SMTP_* variables through getenv (os.Getenv in
// production, a map in tests). Unset or empty variables take their defaults.
// Every problem found is reported, joined with errors.Join, each naming the
// variable and its value.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{
		Host:     DefaultHost,
		Port:     DefaultPort,
		Username: getenv(EnvUsername),
		Password: getenv(EnvPassword),
		TLS:      DefaultTLS,
		From:     DefaultFrom,
		Timeout:  DefaultTimeout,
	}
	var errs []error
	bad := func(name, value, why string) {
		errs = append(errs, fmt.Errorf("%s: %q %s", name, value, why))
	}

	if v := strings.TrimSpace(getenv(EnvHost)); v != "" {
		if why := hostProblem(v); why != "" {
			bad(EnvHost, v, why)
		}
		cfg.Host = v
	}
	if v := strings.TrimSpace(getenv(EnvPort)); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || !validPort(p) {
			bad(EnvPort, v, "is not a port number (1-65535)")
		}
		cfg.Port = p
	}
	if v := strings.TrimSpace(getenv(EnvTLS)); v != "" {
		cfg.TLS = TLSPolicy(strings.ToLower(v))
		if !cfg.TLS.valid() {
			bad(EnvTLS, v, "is not one of mandatory, opportunistic, none")
		}
	}
	if v := strings.TrimSpace(getenv(EnvFrom)); v != "" {
		if fromProblem(v) {
			bad(EnvFrom, v, `is not an email address (e.g. "Name <name@example.edu>")`)
		}
		cfg.From = v
	}
	if v := strings.TrimSpace(getenv(EnvTimeout)); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			bad(EnvTimeout, v, "is not a positive duration (e.g. 15s, 1m)")
		}
		cfg.Timeout = d
	}
	// A password without a username would be silently ignored, which hides a
	// typo in the variable name until the server refuses to relay.
	if cfg.Password != "" && cfg.Username == "" {
		errs = append(errs, fmt.Errorf("%s is set but %s is empty; authentication needs both", EnvPassword, EnvUsername))
	}
	if len(errs) > 0 {
		return cfg, errors.Join(errs...)
	}
	return cfg, nil
}

// withDefaults fills zero fields, so a Config built by hand only needs the
// fields that differ from the defaults.
func (c Config) withDefaults() Config {
	if c.Host == "" {
		c.Host = DefaultHost
	}
	if c.Port == 0 {
		c.Port = DefaultPort
	}
	if c.TLS == "" {
		c.TLS = DefaultTLS
	}
	if c.From == "" {
		c.From = DefaultFrom
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// validate checks a Config after defaults are applied, naming fields rather
// than variables because the Config may not have come from the environment.
func (c Config) validate() error {
	var errs []error
	if why := hostProblem(c.Host); why != "" {
		errs = append(errs, fmt.Errorf("Config.Host %q %s", c.Host, why))
	}
	if !validPort(c.Port) {
		errs = append(errs, fmt.Errorf("Config.Port %d is not a port number (1-65535)", c.Port))
	}
	if !c.TLS.valid() {
		errs = append(errs, fmt.Errorf("Config.TLS %q is not one of mandatory, opportunistic, none", c.TLS))
	}
	if fromProblem(c.From) {
		errs = append(errs, fmt.Errorf("Config.From %q is not an email address", c.From))
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("Config.Timeout %s is negative", c.Timeout))
	}
	if c.Password != "" && c.Username == "" {
		errs = append(errs, errors.New("Config.Password is set but Config.Username is empty"))
	}
	return errors.Join(errs...)
}

func (p TLSPolicy) valid() bool {
	switch p {
	case TLSMandatory, TLSOpportunistic, TLSNone:
		return true
	}
	return false
}

func validPort(p int) bool { return p >= 1 && p <= 65535 }

// hostProblem explains why a host name is unusable, or returns "". A port in
// the host is a common mistake and would otherwise fail only when dialling.
func hostProblem(h string) string {
	if h == "" {
		return "is empty"
	}
	if strings.ContainsAny(h, " \t\r\n/") {
		return "is not a host name"
	}
	if _, _, err := net.SplitHostPort(h); err == nil {
		return "includes a port; give the port separately"
	}
	return ""
}

// fromProblem reports whether s is not a single address that parses.
func fromProblem(s string) bool {
	a, err := netmail.ParseAddress(s)
	return err != nil || !strings.Contains(a.Address, "@")
}
