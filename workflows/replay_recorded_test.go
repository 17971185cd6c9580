package workflows_test

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"semesterflow/workflows"
)

// TestReplayRecordedTerm replays histories of the example term recorded on
// a dev server with the release before the change "calendar-never-waits"
// (the term's last run, and one of each part: onboarding, the kickoff and
// its plans, two runs of a department's exchanges and a minutes
// collection, a month and its summaries, the contest, the help desk, an
// evaluation). Runs under way when the worker is upgraded must go on
// exactly as they began.
func TestReplayRecordedTerm(t *testing.T) {
	replayEvery(t, "testdata/recorded", 10)
}

// replayEvery replays every history recorded under dir (as JSON, or
// gzipped JSON to keep a large run small), of which there must be at least
// least, with today's workflows.
func replayEvery(t *testing.T, dir string, least int) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err == nil {
		var gz []string
		gz, err = filepath.Glob(filepath.Join(dir, "*.json.gz"))
		files = append(files, gz...)
	}
	if err != nil || len(files) < least {
		t.Fatalf("recorded histories in %s: %v (%d files)", dir, err, len(files))
	}
	for _, f := range files {
		t.Run(historyName(f), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			workflows.Register(r)
			if err := r.ReplayWorkflowHistory(nil, readHistory(t, f)); err != nil {
				t.Fatalf("replay: %v", err)
			}
		})
	}
}

// historyName is a recorded history's file name without its extensions.
func historyName(file string) string {
	return strings.TrimSuffix(strings.TrimSuffix(filepath.Base(file), ".gz"), ".json")
}

// readHistory reads a history exported with `temporal workflow show
// --output json`, gunzipping a .gz file first.
func readHistory(t *testing.T, file string) *historypb.History {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(file, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		defer zr.Close()
		r = zr
	}
	h, err := client.HistoryFromJSON(r, client.HistoryJSONOptions{})
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return h
}
