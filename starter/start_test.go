package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
)

// writePlan writes the example plan with extra lines appended under
// kickoff.agenda to a temporary file.
func writePlan(t *testing.T, agenda []string) string {
	t.Helper()
	data, err := os.ReadFile("../examples/fall-term.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	const anchor = "  agenda:\n"
	i := strings.Index(text, anchor)
	if i < 0 {
		t.Fatal("the example has no kickoff agenda")
	}
	var extra strings.Builder
	for _, a := range agenda {
		extra.WriteString("    - " + a + "\n")
	}
	text = text[:i+len(anchor)] + extra.String() + text[i+len(anchor):]
	path := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A plan Temporal would refuse is refused by validate, and by start before
// it dials, with exit code 2: nothing was started.
func TestAPlanTooLargeToStart(t *testing.T) {
	var agenda []string
	for range 40 {
		agenda = append(agenda, strings.Repeat("A long agenda item. ", 2000))
	}
	big := writePlan(t, agenda)
	huge := filepath.Join(t.TempDir(), "huge.yaml")
	if err := os.WriteFile(huge, make([]byte, 30<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"validate", "--plan", big}, "kickoff: 1.53 MB"},
		{[]string{"start", "--plan", big, "--time-scale", "86400"}, "as JSON, more than the 1.5 MB (1572864 bytes) one part of a plan may take"},
		{[]string{"validate", "--plan", huge}, huge + " has 1 problem:\n  - the file is 30 MB; a plan file may be at most 24 MB"},
		{[]string{"start", "--plan", huge}, "the file is 30 MB; a plan file may be at most 24 MB"},
	} {
		out, errOut, code := runStarter(tt.args...)
		if code != exitUsage || out != "" || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %.300q; want exit 2 and %q", tt.args[0], code, out, errOut, tt.want)
		}
	}
}

// start measures the input it sends, which holds more than the plan.
func TestInputSizeCountsWhatStartAdds(t *testing.T) {
	_, _, code := runStarter("validate", "--plan", "../examples/fall-term.yaml")
	if code != exitOK {
		t.Fatal("the example does not validate")
	}
	_, errOut, code := runStarter("start", "--plan", "../examples/fall-term.yaml", "--time-scale", "86400", "--by", strings.Repeat("x", 2<<20))
	want := "starter start: the term's input is 2.01 MB, more than the 1.5 MB it may take (Temporal refuses a payload over 2 MB); nothing was started\n"
	if code != exitUsage || errOut != want {
		t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, errOut, want)
	}
}

func TestStartErrorsSayWhatHappened(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		code int
		want string
	}{
		{"gRPC's message limit", serviceerror.NewResourceExhausted(enumspb.RESOURCE_EXHAUSTED_CAUSE_UNSPECIFIED, "grpc: trying to send message larger than max (10485760 vs. 4194304)"), exitUsage,
			"the Temporal server refused to start term 2026-fall: its input, the plan, is 10 MB, more than Temporal takes (grpc: trying to send message larger than max (10485760 vs. 4194304)); " +
				"nothing was started. Make the plan smaller, for example by splitting its departments across terms"},
		{"Temporal's blob limit", serviceerror.NewInvalidArgument("Blob data size exceeds limit."), exitUsage,
			"the Temporal server refused to start term 2026-fall: its input, the plan, is 10 MB, more than Temporal takes (Blob data size exceeds limit.); " +
				"nothing was started. Make the plan smaller, for example by splitting its departments across terms"},
		{"a rate limit", serviceerror.NewResourceExhausted(enumspb.RESOURCE_EXHAUSTED_CAUSE_RPS_LIMIT, "namespace rate limit exceeded"), exitFailed,
			"the Temporal server is too busy to start term 2026-fall (namespace rate limit exceeded); nothing was started, try again in a minute"},
		{"anything else", errors.New("connection reset"), exitFailed, "start term 2026-fall: connection reset"},
	} {
		err := startError("2026-fall", 10<<20, tt.err)
		code := exitFailed
		var ee exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		if code != tt.code || err.Error() != tt.want {
			t.Errorf("%s: exit %d, %q\nwant exit %d, %q", tt.name, code, err, tt.code, tt.want)
		}
	}
}

// start refuses a bad plan with every problem and its path, and exit code
// 2, before it even dials Temporal: nothing was started.
func TestStartListsEveryProblemBeforeItDials(t *testing.T) {
	want, err := os.ReadFile("../plan/testdata/bad/duplicates.want")
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	vars := map[string]string{"TEMPORAL_ADDRESS": "127.0.0.1:1"}
	code := run(context.Background(), &env{stdout: &out, stderr: &errOut, getenv: func(k string) string { return vars[k] }},
		[]string{"start", "--plan", "../plan/testdata/bad/duplicates.yaml", "--time-scale", "86400", "--by", "li.wei"})
	if code != exitUsage || out.Len() != 0 {
		t.Errorf("exit %d, stdout %q; want exit 2 and nothing", code, out.String())
	}
	lines := strings.Split(strings.TrimSpace(string(want)), "\n")
	if !strings.Contains(errOut.String(), fmt.Sprintf("has %d problems:", len(lines))) {
		t.Errorf("stderr %q does not count %d problems", errOut.String(), len(lines))
	}
	for _, line := range lines {
		if !strings.Contains(errOut.String(), "  - "+line+"\n") {
			t.Errorf("stderr does not list %q:\n%s", line, errOut.String())
		}
	}
	if strings.Contains(errOut.String(), "Temporal") {
		t.Errorf("start went on to Temporal:\n%s", errOut.String())
	}
}
