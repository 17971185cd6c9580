package deploy

import (
	"maps"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// composeFile is the file under test, relative to this package's directory.
const composeFile = "../../docker-compose.yml"

// These mirror the code's defaults (internal/config, mail, the workflows'
// task queue and search attributes, scripts/lib.sh). They are repeated here
// rather than imported so this test builds on its own; keep them in step.
const (
	defaultDatabaseURL  = "postgres://postgres@127.0.0.1:5432/semesterflow?sslmode=disable"
	defaultTemporalPort = "7233"
	defaultSMTPPort     = "1025"
	defaultTaskQueue    = "semesterflow"
	defaultNamespace    = "default"
	temporalUIPort      = "8233"
	mailpitAPIPort      = "8025"
)

// smtpTLSPolicies are the values mail.ConfigFromEnv accepts in SMTP_TLS.
var smtpTLSPolicies = []string{"mandatory", "opportunistic", "none"}

// searchAttributes are the custom search attributes the workflows set; the
// Temporal server must register each with this type.
var searchAttributes = map[string]string{
	"SemesterTerm":       "Keyword",
	"SemesterDepartment": "Keyword",
	"SemesterPhase":      "Keyword",
}

// loadProject parses docker-compose.yml the way Docker Compose does, without
// the caller's environment or any .env file, so the result is the file alone.
func loadProject(t *testing.T) *types.Project {
	t.Helper()
	path, err := filepath.Abs(composeFile)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := cli.NewProjectOptions([]string{path},
		cli.WithWorkingDirectory(filepath.Dir(path)),
		cli.WithName("semesterflow"),
	)
	if err != nil {
		t.Fatalf("compose options: %v", err)
	}
	project, err := opts.LoadProject(t.Context())
	if err != nil {
		t.Fatalf("load %s: %v", composeFile, err)
	}
	return project
}

// service returns the named service or stops the test.
func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, ok := p.Services[name]
	if !ok {
		t.Fatalf("service %q: missing; have %v", name, slices.Sorted(maps.Keys(p.Services)))
	}
	return s
}

// hasContainerPort reports whether the service declares port as a container
// (target) port.
func hasContainerPort(s types.ServiceConfig, port string) bool {
	for _, p := range s.Ports {
		if strconv.FormatUint(uint64(p.Target), 10) == port {
			return true
		}
	}
	return false
}

func TestComposeServices(t *testing.T) {
	p := loadProject(t)
	for _, name := range []string{"postgres", "temporal", "mailpit", "worker"} {
		t.Run(name, func(t *testing.T) {
			service(t, p, name)
		})
	}
}

func TestComposePublishedPorts(t *testing.T) {
	p := loadProject(t)
	tests := []struct {
		service string
		port    string
	}{
		{"postgres", "5432"},
		{"temporal", defaultTemporalPort},
		{"temporal", temporalUIPort},
		{"mailpit", defaultSMTPPort},
		{"mailpit", mailpitAPIPort},
	}
	for _, tt := range tests {
		t.Run(tt.service+"/"+tt.port, func(t *testing.T) {
			s := service(t, p, tt.service)
			var published []string
			for _, port := range s.Ports {
				if strconv.FormatUint(uint64(port.Target), 10) == tt.port {
					published = append(published, port.Published)
				}
			}
			if !slices.Contains(published, tt.port) {
				t.Errorf("container port %s published on host ports %q; want %s", tt.port, published, tt.port)
			}
		})
	}
}

func TestComposeWorkerEnvironment(t *testing.T) {
	p := loadProject(t)
	worker := service(t, p, "worker")

	defaultDB, err := url.Parse(defaultDatabaseURL)
	if err != nil {
		t.Fatalf("defaultDatabaseURL: %v", err)
	}

	// Each check gets the variable's value; an address must name a compose
	// service and one of that service's container ports.
	pointsAt := func(t *testing.T, gotHost, gotPort, wantService, wantPort string) {
		t.Helper()
		if gotHost != wantService {
			t.Errorf("host = %q; want the compose service %q", gotHost, wantService)
		}
		if gotPort != wantPort {
			t.Errorf("port = %q; want %s", gotPort, wantPort)
		}
		if !hasContainerPort(service(t, p, wantService), wantPort) {
			t.Errorf("service %q has no container port %s", wantService, wantPort)
		}
	}
	tests := []struct {
		variable string
		check    func(t *testing.T, value string)
	}{
		{"DATABASE_URL", func(t *testing.T, value string) {
			u, err := url.Parse(value)
			if err != nil {
				t.Fatalf("parse %q: %v", value, err)
			}
			pointsAt(t, u.Hostname(), u.Port(), "postgres", defaultDB.Port())
			if got, want := u.Path, defaultDB.Path; got != want {
				t.Errorf("database = %q; want %q", got, want)
			}
			if got, want := u.User.Username(), defaultDB.User.Username(); got != want {
				t.Errorf("user = %q; want %q", got, want)
			}
			// The postgres service must create that database and let that
			// user in.
			pg := service(t, p, "postgres").Environment
			if got, want := deref(pg["POSTGRES_DB"]), strings.TrimPrefix(u.Path, "/"); got != want {
				t.Errorf("postgres POSTGRES_DB = %q; want %q", got, want)
			}
		}},
		{"TEMPORAL_ADDRESS", func(t *testing.T, value string) {
			host, port, err := net.SplitHostPort(value)
			if err != nil {
				t.Fatalf("%q is not host:port: %v", value, err)
			}
			pointsAt(t, host, port, "temporal", defaultTemporalPort)
		}},
		{"TEMPORAL_NAMESPACE", func(t *testing.T, value string) {
			if value != defaultNamespace {
				t.Errorf("got %q; want %q", value, defaultNamespace)
			}
		}},
		{"SMTP_HOST", func(t *testing.T, value string) {
			if value != "mailpit" {
				t.Errorf("got %q; want the compose service %q", value, "mailpit")
			}
		}},
		{"SMTP_PORT", func(t *testing.T, value string) {
			pointsAt(t, "mailpit", value, "mailpit", defaultSMTPPort)
		}},
		{"SMTP_TLS", func(t *testing.T, value string) {
			if !slices.Contains(smtpTLSPolicies, value) {
				t.Errorf("got %q; want one of %q", value, smtpTLSPolicies)
			}
		}},
		{"SEMESTERFLOW_TASK_QUEUE", func(t *testing.T, value string) {
			if value != defaultTaskQueue {
				t.Errorf("got %q; want %q", value, defaultTaskQueue)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.variable, func(t *testing.T) {
			value, ok := worker.Environment[tt.variable]
			if !ok || value == nil || *value == "" {
				t.Fatalf("worker environment has no %s", tt.variable)
			}
			tt.check(t, *value)
		})
	}
}

func TestComposeWorkerWaitsForHealthyServices(t *testing.T) {
	p := loadProject(t)
	worker := service(t, p, "worker")
	if worker.Build == nil {
		t.Errorf("worker has no build section; want it built from the repository's Dockerfile")
	}
	for _, dep := range []string{"postgres", "temporal", "mailpit"} {
		t.Run(dep, func(t *testing.T) {
			if s := service(t, p, dep); s.HealthCheck == nil || len(s.HealthCheck.Test) == 0 {
				t.Errorf("service %q has no healthcheck", dep)
			}
			d, ok := worker.DependsOn[dep]
			if !ok {
				t.Fatalf("worker does not depend on %q", dep)
			}
			if got, want := d.Condition, types.ServiceConditionHealthy; got != want {
				t.Errorf("depends_on %s condition = %q; want %q", dep, got, want)
			}
		})
	}
}

// flagValues returns every value of a --name flag in args, written either as
// --name=value or as --name value.
func flagValues(args []string, name string) []string {
	var values []string
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			values = append(values, v)
		} else if a == name && i+1 < len(args) {
			values = append(values, args[i+1])
		}
	}
	return values
}

func TestComposeTemporalCommand(t *testing.T) {
	p := loadProject(t)
	cmd := []string(service(t, p, "temporal").Command)

	t.Run("start-dev", func(t *testing.T) {
		if len(cmd) < 2 || cmd[0] != "server" || cmd[1] != "start-dev" {
			t.Errorf("command = %q; want it to start with server start-dev", cmd)
		}
		// The dev server listens on localhost unless told otherwise, which
		// other containers cannot reach.
		if got := flagValues(cmd, "--ip"); !slices.Equal(got, []string{"0.0.0.0"}) {
			t.Errorf("--ip = %q; want [0.0.0.0]", got)
		}
	})

	registered := map[string]string{}
	for _, v := range flagValues(cmd, "--search-attribute") {
		name, typ, _ := strings.Cut(v, "=")
		registered[name] = typ
	}
	for name, want := range searchAttributes {
		t.Run("search-attribute/"+name, func(t *testing.T) {
			got, ok := registered[name]
			if !ok {
				t.Fatalf("command %q does not register %s", cmd, name)
			}
			if got != want {
				t.Errorf("type = %q; want %q", got, want)
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
