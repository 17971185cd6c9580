package workflows

import (
	"fmt"
	"slices"
	"strings"

	"semesterflow/contract"
)

// progressFor answers QueryProgress. A large union's answer folds the
// departments' parts by kind, and one department can be asked for instead.
func (s *semester) progressFor(req contract.ProgressRequest) (contract.Progress, error) {
	p := s.progress()
	switch {
	case req.Department != "":
		i, ok := s.deptPos[req.Department]
		if !ok {
			return contract.Progress{}, fmt.Errorf("%s has no department %q; its departments are %s",
				s.plan.Term.Name, req.Department, s.departmentIDs())
		}
		p.Departments = p.Departments[i : i+1]
		p.Parts = p.Parts[:0]
		for _, part := range s.state.Parts {
			if d := contract.PartDepartment(part.Part); d == "" || d == req.Department {
				p.Parts = append(p.Parts, part)
			}
		}
		overdue := p.Overdue
		p.Overdue = nil
		for _, g := range overdue {
			if g.Department == req.Department {
				p.Overdue = append(p.Overdue, g)
			}
		}
	case len(s.plan.Departments) > contract.ProgressListsEveryPartUpTo:
		p.Parts = foldDepartmentParts(s.state.Parts)
		p.FoldedDepartments = len(s.plan.Departments)
		p.Departments, p.MoreDepartments = outstandingDepartments(p.Departments)
		if n := len(p.Overdue); n > contract.ProgressOverdueGroupsUpTo {
			p.MoreOverdue = n - contract.ProgressOverdueGroupsUpTo
			p.Overdue = p.Overdue[:contract.ProgressOverdueGroupsUpTo]
		}
	}
	return p, nil
}

// outstandingDepartments keeps the first ProgressDepartmentsUpTo
// departments with something outstanding (officers pending, overdue or
// never acknowledged, a problem, a failed onboarding) and counts the rest.
func outstandingDepartments(all []contract.DepartmentProgress) (kept []contract.DepartmentProgress, more int) {
	for _, d := range all {
		c := d.Onboarding
		if len(kept) < contract.ProgressDepartmentsUpTo && (c.Pending+c.Overdue+c.Never > 0 || len(d.Problems) > 0 || d.Phase == contract.PhaseFailed) {
			kept = append(kept, d)
		}
	}
	return kept, len(all) - len(kept)
}

// departmentIDs lists the plan's department IDs for an error message, the
// first ten of a large union.
func (s *semester) departmentIDs() string {
	var ids []string
	for i, d := range s.plan.Departments {
		if i == 10 {
			ids = append(ids, fmt.Sprintf("and %d more", len(s.plan.Departments)-10))
			break
		}
		ids = append(ids, d.ID)
	}
	return strings.Join(ids, ", ")
}

// foldedProblemsUpTo is how many problems a folded part quotes.
const foldedProblemsUpTo = 3

// foldDepartmentParts keeps the term-wide parts as they are and folds the
// departments' parts into one entry per kind, where the first of its kind
// was: "exchanges/*/minutes-3" stands for every department's third
// minutes, summarised by phase.
func foldDepartmentParts(parts []contract.PartStatus) []contract.PartStatus {
	type folding struct {
		count    int
		done     int
		phases   []string
		byPhase  []int
		problems int
	}
	var out []contract.PartStatus
	var folds []*folding
	foldAt := map[string]int{}
	for _, part := range parts {
		d := contract.PartDepartment(part.Part)
		if d == "" {
			out = append(out, part)
			folds = append(folds, nil)
			continue
		}
		kind, rest, _ := strings.Cut(part.Part, "/")
		name := kind + "/*" + strings.TrimPrefix(rest, d)
		i, ok := foldAt[name]
		if !ok {
			i = len(out)
			foldAt[name] = i
			out = append(out, contract.PartStatus{PartReport: contract.PartReport{Part: name, Done: true}})
			folds = append(folds, &folding{})
		}
		f, entry := folds[i], &out[i]
		f.count++
		entry.Tracked = entry.Tracked || part.Tracked
		if part.Done {
			f.done++
		} else {
			entry.Done = false
			phase := part.Phase
			if j := slices.Index(f.phases, phase); j >= 0 {
				f.byPhase[j]++
			} else {
				f.phases = append(f.phases, phase)
				f.byPhase = append(f.byPhase, 1)
			}
			if part.Next != nil && (entry.Next == nil || part.Next.Due.Before(entry.Next.Due)) {
				next := *part.Next
				entry.Next = &next
			}
		}
		if len(part.Problems) > 0 {
			f.problems++
			for _, pr := range part.Problems {
				if len(entry.Problems) == foldedProblemsUpTo {
					break
				}
				entry.Problems = append(entry.Problems, d+": "+pr)
			}
		}
	}
	for i, f := range folds {
		if f == nil {
			continue
		}
		entry := &out[i]
		summary := []string{fmt.Sprintf("%d done", f.done)}
		for j, phase := range f.phases {
			summary = append(summary, fmt.Sprintf("%d %s", f.byPhase[j], phase))
		}
		departments := "departments"
		if f.count == 1 {
			departments = "department"
		}
		entry.Summary = fmt.Sprintf("%d %s: %s", f.count, departments, strings.Join(summary, ", "))
		entry.Phase = contract.PhaseDone
		if len(f.phases) == 1 {
			entry.Phase = f.phases[0]
		} else if len(f.phases) > 1 {
			entry.Phase = "mixed"
		}
		if f.problems > 0 {
			entry.Summary += fmt.Sprintf("; %d with problems", f.problems)
			if f.problems > 1 || len(entry.Problems) == foldedProblemsUpTo {
				entry.Problems = append(entry.Problems, "starter status --department ID lists one department's")
			}
		}
	}
	return out
}
