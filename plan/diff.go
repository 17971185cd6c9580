package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Kinds of change between two versions of a plan.
const (
	ChangeAdded    = "added"
	ChangeRemoved  = "removed"
	ChangeModified = "modified"
)

// Change is one difference between two versions of a plan.
type Change struct {
	// Path is where in the plan file it is, in the validator's style with
	// list items named by their identity: "departments[publicity].head",
	// "departments[publicity].officers[li.na@uni.edu]", "contest.at".
	Path string `json:"path"`
	// Section is the part of the plan it belongs to: "term", "leaders",
	// "departments", "training", "kickoff", "exchanges", "months",
	// "contest", "tasks" or "evaluation".
	Section string `json:"section"`
	// Department is the department it concerns, when it concerns one.
	Department string `json:"department,omitempty"`
	// Email is the person it concerns, when it concerns one.
	Email string `json:"email,omitempty"`
	Kind  string `json:"kind"`
	// Old and New are the values before and after, as written in JSON;
	// empty when added or removed.
	Old string `json:"old,omitempty"`
	New string `json:"new,omitempty"`
	// What says it for people.
	What string `json:"what"`
}

// Diff lists what changes from one valid version of a plan to the next, in
// plan order. Both plans must have been validated (defaults filled in), so
// a default written out in one and left out of the other is no change. It
// is deterministic (no map iteration), so workflows can call it.
func Diff(old, new *Plan) []Change {
	var d differ
	d.term(old.Term, new.Term)
	d.people("leaders", "leaders", "", "leader", old.Leaders, new.Leaders)
	d.departments(old.Departments, new.Departments)
	d.fields("training", "training", old.Training, new.Training)
	d.optional("kickoff", old.Kickoff, new.Kickoff)
	d.optional("exchanges", old.Exchanges, new.Exchanges)
	d.months(old.Months, new.Months)
	d.contest(old.Contest, new.Contest)
	d.optional("tasks", old.Tasks, new.Tasks)
	d.optional("evaluation", old.Evaluation, new.Evaluation)
	return d.changes
}

type differ struct{ changes []Change }

func (d *differ) add(c Change) { d.changes = append(d.changes, c) }

func (d *differ) term(old, new Term) {
	d.fields("term", "term", old, new)
}

// people compares lists of people by email.
func (d *differ) people(section, path, department, noun string, old, new []Person) {
	find := func(list []Person, email string) (Person, bool) {
		for _, p := range list {
			if p.Email == email {
				return p, true
			}
		}
		return Person{}, false
	}
	for _, o := range old {
		p := fmt.Sprintf("%s[%s]", path, o.Email)
		n, ok := find(new, o.Email)
		switch {
		case !ok:
			d.add(Change{Path: p, Section: section, Department: department, Email: o.Email, Kind: ChangeRemoved, Old: jsonText(o),
				What: fmt.Sprintf("%s %s leaves", noun, o.describe())})
		case n != o:
			d.add(Change{Path: p, Section: section, Department: department, Email: o.Email, Kind: ChangeModified, Old: jsonText(o), New: jsonText(n),
				What: fmt.Sprintf("%s %s becomes %s", noun, o.describe(), n.describe())})
		}
	}
	for _, n := range new {
		if _, ok := find(old, n.Email); !ok {
			d.add(Change{Path: fmt.Sprintf("%s[%s]", path, n.Email), Section: section, Department: department, Email: n.Email, Kind: ChangeAdded, New: jsonText(n),
				What: fmt.Sprintf("%s %s joins", noun, n.describe())})
		}
	}
}

func (p Person) describe() string {
	s := p.Name + " <" + p.Email + ">"
	if p.Role != "" {
		s += " (" + p.Role + ")"
	}
	return s
}

func (d *differ) departments(old, new []Department) {
	find := func(list []Department, id string) (Department, bool) {
		for _, dep := range list {
			if dep.ID == id {
				return dep, true
			}
		}
		return Department{}, false
	}
	for _, o := range old {
		path := fmt.Sprintf("departments[%s]", o.ID)
		n, ok := find(new, o.ID)
		if !ok {
			d.add(Change{Path: path, Section: "departments", Department: o.ID, Kind: ChangeRemoved, Old: o.Name,
				What: fmt.Sprintf("the %s is dropped", o.Name)})
			continue
		}
		if o.Name != n.Name {
			d.add(Change{Path: path + ".name", Section: "departments", Department: o.ID, Kind: ChangeModified, Old: o.Name, New: n.Name,
				What: fmt.Sprintf("the %s is renamed %s", o.Name, n.Name)})
		}
		if o.Head != n.Head {
			what := fmt.Sprintf("the head of the %s, %s, is replaced by %s", n.Name, o.Head.describe(), n.Head.describe())
			if o.Head.Email == n.Head.Email {
				what = fmt.Sprintf("the head of the %s, %s, becomes %s", n.Name, o.Head.describe(), n.Head.describe())
			}
			d.add(Change{Path: path + ".head", Section: "departments", Department: o.ID, Email: n.Head.Email, Kind: ChangeModified,
				Old: jsonText(o.Head), New: jsonText(n.Head), What: what})
		}
		if os, ns := o.Secretary(), n.Secretary(); os.Email != ns.Email {
			d.add(Change{Path: path + ".secretary", Section: "departments", Department: o.ID, Email: ns.Email, Kind: ChangeModified,
				Old: jsonText(os), New: jsonText(ns),
				What: fmt.Sprintf("the secretary of the %s, %s, is replaced by %s", n.Name, os.describe(), ns.describe())})
		}
		d.people("departments", path+".officers", o.ID, "officer of the "+n.Name, o.Officers, n.Officers)
	}
	for _, n := range new {
		if _, ok := find(old, n.ID); !ok {
			d.add(Change{Path: fmt.Sprintf("departments[%s]", n.ID), Section: "departments", Department: n.ID, Kind: ChangeAdded, New: n.Name,
				What: fmt.Sprintf("the %s joins, headed by %s, with %d officers", n.Name, n.Head.describe(), len(n.Officers))})
		}
	}
}

func (d *differ) months(old, new *Months) {
	if old == nil || new == nil {
		d.optional("months", old, new)
		return
	}
	in := func(list []string, m string) bool {
		for _, x := range list {
			if x == m {
				return true
			}
		}
		return false
	}
	for _, m := range old.Run {
		if !in(new.Run, m) {
			d.add(Change{Path: fmt.Sprintf("months.run[%s]", m), Section: "months", Kind: ChangeRemoved, Old: m,
				What: fmt.Sprintf("organisation life of %s is dropped", m)})
		}
	}
	for _, m := range new.Run {
		if !in(old.Run, m) {
			d.add(Change{Path: fmt.Sprintf("months.run[%s]", m), Section: "months", Kind: ChangeAdded, New: m,
				What: fmt.Sprintf("organisation life of %s is added", m)})
		}
	}
	o, n := *old, *new
	o.Run, n.Run = nil, nil
	d.fields("months", "months", o, n)
}

func (d *differ) contest(old, new *Contest) {
	if old == nil || new == nil {
		d.optional("contest", old, new)
		return
	}
	find := func(list []Milestone, title string) (Milestone, bool) {
		for _, m := range list {
			if m.Title == title {
				return m, true
			}
		}
		return Milestone{}, false
	}
	for _, o := range old.Milestones {
		path := fmt.Sprintf("contest.milestones[%s]", o.Title)
		n, ok := find(new.Milestones, o.Title)
		switch {
		case !ok:
			d.add(Change{Path: path, Section: "contest", Kind: ChangeRemoved, Old: jsonText(o), What: fmt.Sprintf("milestone %q is dropped", o.Title)})
		case n != o:
			d.add(Change{Path: path, Section: "contest", Kind: ChangeModified, Old: jsonText(o), New: jsonText(n),
				What: fmt.Sprintf("milestone %q: owner %s, due %s (was %s, due %s)", o.Title, n.Owner, n.Due, o.Owner, o.Due)})
		}
	}
	for _, n := range new.Milestones {
		if _, ok := find(old.Milestones, n.Title); !ok {
			d.add(Change{Path: fmt.Sprintf("contest.milestones[%s]", n.Title), Section: "contest", Kind: ChangeAdded, New: jsonText(n),
				What: fmt.Sprintf("milestone %q is added: owner %s, due %s", n.Title, n.Owner, n.Due)})
		}
	}
	o, n := *old, *new
	o.Milestones, n.Milestones = nil, nil
	d.fields("contest", "contest", o, n)
}

// optional compares a part the plan may leave out.
func optionalIsNil(v any) bool {
	r := reflect.ValueOf(v)
	return !r.IsValid() || (r.Kind() == reflect.Pointer && r.IsNil())
}

func (d *differ) optional(section string, old, new any) {
	switch on, nn := optionalIsNil(old), optionalIsNil(new); {
	case on && nn:
	case on:
		d.add(Change{Path: section, Section: section, Kind: ChangeAdded, New: jsonText(new), What: fmt.Sprintf("the %s part is added", section)})
	case nn:
		d.add(Change{Path: section, Section: section, Kind: ChangeRemoved, Old: jsonText(old), What: fmt.Sprintf("the %s part is dropped", section)})
	default:
		d.fields(section, section, old, new)
	}
}

// fields compares two values of one struct type field by field, by their
// JSON names, in the struct's order.
func (d *differ) fields(section, path string, old, new any) {
	ov, nv := reflect.Indirect(reflect.ValueOf(old)), reflect.Indirect(reflect.ValueOf(new))
	t := ov.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := strings.Split(f.Tag.Get("json"), ",")[0]
		if name == "" || name == "-" {
			continue
		}
		o, n := jsonText(ov.Field(i).Interface()), jsonText(nv.Field(i).Interface())
		if o == n {
			continue
		}
		d.add(Change{Path: path + "." + name, Section: section, Kind: ChangeModified, Old: o, New: n,
			What: fmt.Sprintf("%s.%s: %s becomes %s", path, name, o, n)})
	}
}

// jsonText is v in compact JSON, for comparing and showing values.
func jsonText(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
