package plan

import (
	"strings"
	"testing"
)

func loadExample(t *testing.T) *Plan {
	t.Helper()
	p, err := Load("../examples/fall-term.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDiffOfAPlanWithItselfIsEmpty(t *testing.T) {
	p := loadExample(t)
	if got := Diff(p, loadExample(t)); len(got) != 0 {
		t.Fatalf("the same plan differs: %+v", got)
	}
}

// The changes the seed's plan says will come, each named by its path.
func TestDiffNamesEachChangeByItsPath(t *testing.T) {
	old, p := loadExample(t), loadExample(t)
	pub := &p.Departments[1]
	pub.Officers = append(pub.Officers, Person{Name: "Qian Lu", Email: "qian.lu@example.edu", Role: "Officer"})
	removed := pub.Officers[2]
	pub.Officers = append(pub.Officers[:2], pub.Officers[3:]...)
	p.Departments[0].Head = Person{Name: "Xu Fang", Email: "xu.fang@example.edu"}
	p.Contest.At = "2026-10-24 14:00"
	p.Contest.Milestones[0].Due = "2026-10-02"
	p.Months.Run = p.Months.Run[:len(p.Months.Run)-1] // drops 2026-12
	p.Evaluation = nil

	got := map[string]Change{}
	for _, c := range Diff(old, p) {
		got[c.Path] = c
	}
	want := map[string]string{
		"departments[publicity].officers[qian.lu@example.edu]":        ChangeAdded,
		"departments[publicity].officers[" + removed.Email + "]":      ChangeRemoved,
		"departments[organization].head":                              ChangeModified,
		"contest.at":                                                  ChangeModified,
		"contest.milestones[" + old.Contest.Milestones[0].Title + "]": ChangeModified,
		"months.run[2026-12]":                                         ChangeRemoved,
		"evaluation":                                                  ChangeRemoved,
	}
	for path, kind := range want {
		c, ok := got[path]
		if !ok {
			t.Errorf("no change at %s; got %v", path, paths(got))
			continue
		}
		if c.Kind != kind {
			t.Errorf("%s: kind %s, want %s", path, c.Kind, kind)
		}
		if c.What == "" {
			t.Errorf("%s: says nothing for people", path)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d changes, want %d: %v", len(got), len(want), paths(got))
	}
	if c := got["departments[organization].head"]; !strings.Contains(c.What, "replaced by Xu Fang") || c.Department != "organization" {
		t.Errorf("head change reads %q (department %q)", c.What, c.Department)
	}
	if c := got["departments[publicity].officers[qian.lu@example.edu]"]; c.Email != "qian.lu@example.edu" || c.Department != "publicity" {
		t.Errorf("added officer: email %q department %q", c.Email, c.Department)
	}
	if c := got["contest.at"]; c.New != `"2026-10-24 14:00"` || c.Old == c.New {
		t.Errorf("contest.at: old %s new %s", c.Old, c.New)
	}
}

func TestDiffSeesANewSecretary(t *testing.T) {
	old, p := loadExample(t), loadExample(t)
	org := &p.Departments[0]
	for i := range org.Officers {
		switch org.Officers[i].Email {
		case "wu.tong@example.edu":
			org.Officers[i].Role = "Officer"
		case "lin.yue@example.edu":
			org.Officers[i].Role = "Secretary"
		}
	}
	var secretary *Change
	for _, c := range Diff(old, p) {
		if c.Path == "departments[organization].secretary" {
			secretary = &c
		}
	}
	if secretary == nil || secretary.Email != "lin.yue@example.edu" {
		t.Fatalf("secretary change: %+v", secretary)
	}
}

func paths(m map[string]Change) []string {
	var out []string
	for p := range m {
		out = append(out, p)
	}
	return out
}
