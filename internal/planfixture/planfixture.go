// Package planfixture makes large plans for benchmarks and scale tests: the
// example term's calendar with as many departments and officers as asked.
package planfixture

import (
	"fmt"

	"semesterflow/plan"
)

// Scale returns a copy of base with departments × officersPerDepartment
// officers. Each department has a head and a secretary; milestone owners and
// judges keep pointing at people who exist.
func Scale(base *plan.Plan, departments, officersPerDepartment int) (*plan.Plan, error) {
	p := *base
	p.Departments = make([]plan.Department, departments)
	for d := range departments {
		dept := plan.Department{
			ID:   fmt.Sprintf("dept-%03d", d+1),
			Name: fmt.Sprintf("Department %d", d+1),
			Head: plan.Person{Name: fmt.Sprintf("Head of Department %d", d+1), Email: fmt.Sprintf("head.%03d@scale.example.edu", d+1)},
		}
		for o := range officersPerDepartment {
			role := "Officer"
			if o == 0 {
				role = "Secretary"
			}
			dept.Officers = append(dept.Officers, plan.Person{
				Name:  fmt.Sprintf("Officer %d-%d", d+1, o+1),
				Email: fmt.Sprintf("officer.%03d.%03d@scale.example.edu", d+1, o+1),
				Role:  role,
			})
		}
		p.Departments[d] = dept
	}
	if base.Contest != nil {
		c := *base.Contest
		c.Milestones = append([]plan.Milestone(nil), base.Contest.Milestones...)
		for i := range c.Milestones {
			c.Milestones[i].Owner = p.Departments[i%departments].Officers[0].Email
		}
		p.Contest = &c
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("scaled plan: %w", err)
	}
	return &p, nil
}
