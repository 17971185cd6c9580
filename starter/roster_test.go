package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"semesterflow/plan"
)

// starter roster import rewrites the plan file in place from a CSV, and
// leaves it untouched, with every problem listed, when the CSV is wrong.
func TestRosterImportRewritesThePlan(t *testing.T) {
	dir := t.TempDir()
	example, err := os.ReadFile("../examples/fall-term.yaml")
	if err != nil {
		t.Fatal(err)
	}
	planFile := filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(planFile, example, 0o640); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "sports.csv")
	_ = os.WriteFile(good, []byte("\ufeffdepartment,name,email,role\nsports,Yuan Jun,yuan.jun@example.edu,head\nsports,Deng Yu,deng.yu@example.edu,Secretary\nsports,Qian Bo,qian.bo@example.edu,Officer\n"), 0o644)
	bad := filepath.Join(dir, "bad.csv")
	_ = os.WriteFile(bad, []byte("department,name,email\nsports,,qian.bo@example.edu\nswimming,Qian Bo,qian.bo\n"), 0o644)

	_, errOut, code := runStarter("roster", "import", "--plan", planFile, "--file", bad)
	for _, want := range []string{"bad.csv has 2 problems; nothing was changed:", "row 2, column B (name): empty", `row 3, column C (email): "qian.bo" is not an email address`} {
		if code != exitUsage || !strings.Contains(errOut, want) {
			t.Errorf("a bad roster: exit %d, want %d with %q:\n%s", code, exitUsage, want, errOut)
		}
	}
	if now, _ := os.ReadFile(planFile); string(now) != string(example) {
		t.Error("a refused roster changed the plan file")
	}

	out, errOut, code := runStarter("roster", "import", "--plan", planFile, "--file", good)
	if code != exitOK || !strings.Contains(out, "sports: 2 officers, 2 new (deng.yu@example.edu, qian.bo@example.edu), 5 no longer listed (lu.feng@example.edu,") || !strings.Contains(out, "Wrote "+planFile) {
		t.Fatalf("a good roster: exit %d\n%s%s", code, out, errOut)
	}
	p, err := plan.Load(planFile)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := p.Department("sports")
	if len(d.Officers) != 2 || d.Officers[1].Email != "qian.bo@example.edu" {
		t.Errorf("sports after the import: %+v", d.Officers)
	}
	if info, _ := os.Stat(planFile); info.Mode().Perm() != 0o640 {
		t.Errorf("the plan file's mode became %v", info.Mode().Perm())
	}
}
