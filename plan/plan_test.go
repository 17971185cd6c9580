package plan_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"semesterflow/plan"
)

var update = flag.Bool("update", false, "rewrite the .want files of the bad plans")

// TestGoodPlans checks that every plan under testdata/good and examples/
// decodes and validates.
func TestGoodPlans(t *testing.T) {
	files, _ := filepath.Glob("testdata/good/*.yaml")
	examples, _ := filepath.Glob("../examples/*.yaml")
	files = append(files, examples...)
	if len(files) < 3 {
		t.Fatalf("found only %d good plans: %v", len(files), files)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			if _, err := plan.Load(file); err != nil {
				t.Fatalf("Load: %v", err)
			}
		})
	}
}

// TestBadPlans checks each bad plan's full list of problems against its
// .want file, so every message and path a user sees is reviewed.
func TestBadPlans(t *testing.T) {
	files, _ := filepath.Glob("testdata/bad/*.yaml")
	if len(files) == 0 {
		t.Fatal("no bad plans under testdata/bad")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := plan.Decode(data)
			if p != nil {
				t.Errorf("Decode returned a plan for a bad file")
			}
			var verr *plan.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Decode error = %v (%T), want *plan.ValidationError", err, err)
			}
			var lines []string
			for _, pr := range verr.Problems {
				lines = append(lines, pr.String())
			}
			got := strings.Join(lines, "\n") + "\n"
			wantFile := strings.TrimSuffix(file, ".yaml") + ".want"
			if *update {
				if err := os.WriteFile(wantFile, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatalf("%v (run go test ./plan -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("problems:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	_, err := plan.Load("testdata/bad/bad-email.yaml")
	if err == nil || !strings.HasPrefix(err.Error(), "testdata/bad/bad-email.yaml has 3 problems:\n  - departments[0].head.email") {
		t.Fatalf("error = %v", err)
	}
}

func TestNormalizesEmailsAndDefaults(t *testing.T) {
	p, err := plan.Load("testdata/good/dst.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Leaders[0].Email, "anna.weber@example.edu"; got != want {
		t.Errorf("leader email = %q, want %q", got, want)
	}
	if got, want := p.Training.SendTime, plan.DefaultSendTime; got != want {
		t.Errorf("send time = %q, want %q", got, want)
	}
	if o, ok := p.FindOfficer("LEA.BRAUN@example.edu"); !ok || o.DepartmentID != "organization" {
		t.Errorf("FindOfficer = %+v, %v", o, ok)
	}
}

func TestOnboardingSchedule(t *testing.T) {
	tests := []struct {
		file                   string
		assign, deadline, last string
		reminders              []string
	}{
		{
			file:      "../examples/fall-term.yaml",
			assign:    "2026-09-07T09:00:00+08:00",
			deadline:  "2026-09-17T23:59:00+08:00",
			last:      "2026-09-24T23:59:00+08:00",
			reminders: []string{"2026-09-15T09:00:00+08:00", "2026-09-17T09:00:00+08:00"},
		},
		{
			// Daylight saving ends on 25 October 2026 in Berlin: the deadline
			// on the 27th stays at 23:59 local time, now UTC+1.
			file:      "testdata/good/dst.yaml",
			assign:    "2026-10-19T09:00:00+02:00",
			deadline:  "2026-10-27T23:59:00+01:00",
			last:      "2026-10-30T23:59:00+01:00",
			reminders: []string{"2026-10-24T09:00:00+02:00", "2026-10-26T09:00:00+01:00", "2026-10-27T09:00:00+01:00"},
		},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			p, err := plan.Load(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			s := p.OnboardingSchedule()
			check := func(what string, got time.Time, want string) {
				t.Helper()
				if got.Format(time.RFC3339) != want {
					t.Errorf("%s = %s, want %s", what, got.Format(time.RFC3339), want)
				}
			}
			check("assign", s.AssignAt, tt.assign)
			check("deadline", s.Deadline, tt.deadline)
			check("window closes", s.WindowCloses, tt.last)
			if len(s.Reminders) != len(tt.reminders) {
				t.Fatalf("got %d reminders, want %d", len(s.Reminders), len(tt.reminders))
			}
			for i, r := range s.Reminders {
				check("reminder", r.At, tt.reminders[i])
			}
		})
	}
}

func TestClock(t *testing.T) {
	planStart := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	real0 := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	c := plan.RehearsalClock(planStart, real0, 86400)
	if got, want := c.Real(planStart.AddDate(0, 0, 10)), real0.Add(10*time.Second); !got.Equal(want) {
		t.Errorf("Real(+10 days) = %v, want %v", got, want)
	}
	if got, want := c.Plan(real0.Add(3*time.Second)), planStart.AddDate(0, 0, 3); !got.Equal(want) {
		t.Errorf("Plan(+3s) = %v, want %v", got, want)
	}
	if got, want := c.RealDuration(48*time.Hour), 2*time.Second; got != want {
		t.Errorf("RealDuration(48h) = %v, want %v", got, want)
	}
	prod := plan.ProductionClock(real0)
	if got := prod.Real(planStart); !got.Equal(planStart) {
		t.Errorf("production clock moved %v to %v", planStart, got)
	}
}

// A timer set for Real(t) must not wake before t in plan time, however the
// rehearsal's scale divides.
func TestClockRealNeverWakesEarly(t *testing.T) {
	planStart := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	now := time.Date(2026, 11, 23, 12, 0, 0, 123456789, time.UTC)
	for _, scale := range []float64{1, 3600, 21600, 86400} {
		c := plan.RehearsalClock(planStart, now, scale)
		for minute := 0; minute < 200*24*60; minute += 997 {
			at := planStart.Add(time.Duration(minute)*time.Minute + 59*time.Second)
			if got := c.Plan(c.Real(at)); got.Before(at) {
				t.Fatalf("scale %v: Plan(Real(%v)) = %v, before it", scale, at, got)
			}
		}
	}
}

// A huge file is refused before it is parsed, and without reading all of
// it: /dev/zero never ends.
func TestLoadRefusesAFileTooLargeToBeAPlan(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(big, bytes.Repeat([]byte("# padding\n"), 3<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, want string }{
		{big, big + " has 1 problem:\n  - the file is 30 MB; a plan file may be at most 24 MB"},
		{"/dev/zero", "/dev/zero has 1 problem:\n  - the file is more than 24 MB; a plan file may be at most 24 MB"},
	} {
		if _, err := os.Stat(tt.path); err != nil {
			continue
		}
		if _, err := plan.Load(tt.path); err == nil || err.Error() != tt.want {
			t.Errorf("Load(%s) = %v\nwant %s", tt.path, err, tt.want)
		}
	}
	if _, err := plan.Decode(make([]byte, plan.MaxFileBytes+1)); err == nil || err.Error() != "plan has 1 problem:\n  - the file is 24 MB; a plan file may be at most 24 MB" {
		t.Errorf("Decode of a file over the limit: %v", err)
	}
}
