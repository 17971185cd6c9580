// Package config reads the settings the worker and the starter share from
// the environment, with documented defaults that match scripts/up.sh and
// docker-compose.yml.
package config

import (
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
	tlog "go.temporal.io/sdk/log"

	"semesterflow/contract"
	"semesterflow/internal/links"
)

// Defaults, overridden by the environment variable named beside each.
const (
	DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/semesterflow?sslmode=disable" // DATABASE_URL
	DefaultTemporalUI  = "http://localhost:8233"                                           // TEMPORAL_UI_URL
	DefaultTaskQueue   = contract.DefaultTaskQueue                                         // SEMESTERFLOW_TASK_QUEUE
	DefaultNamespace   = "default"                                                         // TEMPORAL_NAMESPACE
	DefaultPortalURL   = "http://localhost:8090"                                           // PORTAL_URL
	DefaultPortalAddr  = "127.0.0.1:8090"                                                  // PORTAL_ADDR
)

// LinkKeyVariable holds the hex-encoded key that signs the links in emails;
// the worker signs with it and the portal verifies with it.
const LinkKeyVariable = "SEMESTERFLOW_LINK_KEY"

// LinkSigner reads SEMESTERFLOW_LINK_KEY: at least 32 bytes, hex-encoded
// (openssl rand -hex 32). It returns nil and no error when the variable is
// unset, for callers that can do without links.
func LinkSigner(getenv Getenv) (*links.Signer, error) {
	raw := strings.TrimSpace(getenv(LinkKeyVariable))
	if raw == "" {
		return nil, nil
	}
	key, err := hex.DecodeString(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: not hex (make one with: openssl rand -hex 32)", LinkKeyVariable)
	}
	s, err := links.NewSigner(key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", LinkKeyVariable, err)
	}
	return s, nil
}

// PortalURL is the officers' portal as people's browsers reach it, the
// base of the links in emails.
func PortalURL(getenv Getenv) (string, error) {
	raw := strings.TrimRight(getenv.or("PORTAL_URL", DefaultPortalURL), "/")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("PORTAL_URL: %q is not an http(s) URL", raw)
	}
	return raw, nil
}

// PortalAddr is the address the portal listens on.
func PortalAddr(getenv Getenv) string {
	return getenv.or("PORTAL_ADDR", DefaultPortalAddr)
}

// Getenv looks up a variable; os.Getenv in the mains, a map in tests.
type Getenv func(string) string

func (g Getenv) or(key, fallback string) string {
	if v := strings.TrimSpace(g(key)); v != "" {
		return v
	}
	return fallback
}

// DatabaseURL is the Postgres connection string.
func DatabaseURL(getenv Getenv) (string, error) {
	raw := getenv.or("DATABASE_URL", DefaultDatabaseURL)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return "", fmt.Errorf("DATABASE_URL: %q is not a postgres:// URL", redact(raw))
	}
	return raw, nil
}

// TaskQueue is the Temporal task queue of the worker and the starter.
func TaskQueue(getenv Getenv) string {
	return getenv.or("SEMESTERFLOW_TASK_QUEUE", DefaultTaskQueue)
}

// TemporalUI is the base URL of the Temporal Web UI, for links.
func TemporalUI(getenv Getenv) string {
	return strings.TrimRight(getenv.or("TEMPORAL_UI_URL", DefaultTemporalUI), "/")
}

// WorkflowURL links to a workflow in the Temporal Web UI.
func WorkflowURL(getenv Getenv, namespace, workflowID string) string {
	return fmt.Sprintf("%s/namespaces/%s/workflows/%s", TemporalUI(getenv), url.PathEscape(namespace), url.PathEscape(workflowID))
}

// TemporalClientOptions reads TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
// TEMPORAL_API_KEY, the TLS variables and a TOML profile the same way the
// Temporal CLI does, and logs through logger. environ lists the whole
// environment, where envconfig finds the TEMPORAL_GRPC_META_* headers by
// prefix: os.Environ in the mains, nil in tests.
func TemporalClientOptions(getenv Getenv, environ func() []string, logger *slog.Logger) (client.Options, error) {
	opts, err := envconfig.LoadClientOptions(envconfig.LoadClientOptionsRequest{EnvLookup: envLookup{getenv, environ}})
	if err != nil {
		return client.Options{}, fmt.Errorf("temporal client settings: %w", err)
	}
	if opts.Namespace == "" {
		opts.Namespace = DefaultNamespace
	}
	opts.Logger = tlog.NewStructuredLogger(logger)
	// Half the SDK's default: a payload this large is a design smell long
	// before the server's 2 MB limit refuses it, and the warning
	// ([TMPRL1103] in the log) is what the scale benchmark counts.
	opts.PayloadLimits.PayloadSizeWarning = PayloadSizeWarning
	return opts, nil
}

// PayloadSizeWarning is the payload size, in bytes, above which the
// binaries log the SDK's [TMPRL1103] warning.
const PayloadSizeWarning = 256 * 1024

// envLookup hands envconfig the injected environment instead of the
// process's. A variable set empty counts as unset, as everywhere here.
type envLookup struct {
	getenv  Getenv
	environ func() []string
}

func (e envLookup) LookupEnv(key string) (string, bool) {
	v := e.getenv(key)
	return v, v != ""
}

func (e envLookup) Environ() []string {
	if e.environ == nil {
		return nil
	}
	return e.environ()
}

// Logger builds the structured logger, writing to w, from LOG_LEVEL (debug,
// info, warn, error; default info) and LOG_FORMAT (text or json; default
// text).
func Logger(getenv Getenv, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(getenv.or("LOG_LEVEL", "info"))); err != nil {
		return nil, fmt.Errorf("LOG_LEVEL: %q is not one of debug, info, warn, error", getenv("LOG_LEVEL"))
	}
	opts := &slog.HandlerOptions{Level: level}
	switch format := getenv.or("LOG_FORMAT", "text"); format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	default:
		return nil, fmt.Errorf("LOG_FORMAT: %q is not one of text, json", format)
	}
}

// redact hides a password in a connection string before it is printed.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
