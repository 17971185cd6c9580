// Package plan describes a semester work plan: the term, the people, and what
// each part of the plan asks for and when. It decodes and validates plan files
// and computes the term's calendar. It does no I/O beyond reading the bytes it
// is given, so workflows, activities and tools can all share it.
package plan

import (
	"strings"
	"time"
)

// Plan is one term's work plan for the Organization Department.
type Plan struct {
	Term        Term         `yaml:"term" json:"term"`
	Leaders     []Person     `yaml:"leaders" json:"leaders"`
	Departments []Department `yaml:"departments" json:"departments"`
	Training    Training     `yaml:"training" json:"training"`

	// The later parts of the plan; each is optional, and a term runs the
	// parts its plan describes.
	Kickoff    *Kickoff    `yaml:"kickoff,omitempty" json:"kickoff,omitempty"`
	Exchanges  *Exchanges  `yaml:"exchanges,omitempty" json:"exchanges,omitempty"`
	Months     *Months     `yaml:"months,omitempty" json:"months,omitempty"`
	Contest    *Contest    `yaml:"contest,omitempty" json:"contest,omitempty"`
	Tasks      *Tasks      `yaml:"tasks,omitempty" json:"tasks,omitempty"`
	Evaluation *Evaluation `yaml:"evaluation,omitempty" json:"evaluation,omitempty"`
}

// Term names the semester and bounds every date in the plan.
type Term struct {
	// ID is a short slug such as "2026-fall"; workflow IDs derive from it.
	ID       string `yaml:"id" json:"id"`
	Name     string `yaml:"name" json:"name"`
	Starts   Date   `yaml:"starts" json:"starts"`
	Ends     Date   `yaml:"ends" json:"ends"`
	TimeZone string `yaml:"time_zone" json:"time_zone"`
}

// Person is anyone the plan names: a leader, a head, an officer, a judge.
type Person struct {
	Name  string `yaml:"name" json:"name"`
	Email string `yaml:"email" json:"email"`
	Role  string `yaml:"role,omitempty" json:"role,omitempty"`
}

// Department is one department of the student union with its people.
type Department struct {
	ID       string   `yaml:"id" json:"id"`
	Name     string   `yaml:"name" json:"name"`
	Head     Person   `yaml:"head" json:"head"`
	Officers []Person `yaml:"officers" json:"officers"`
}

// Training is what new officers learn once the officer list is final, and
// when they must confirm they have taken it in.
type Training struct {
	// AssignOn is the day the officer list is final and assignments go out.
	// It defaults to the term's first day.
	AssignOn  *Date             `yaml:"assign_on,omitempty" json:"assign_on,omitempty"`
	Sessions  []TrainingSession `yaml:"sessions" json:"sessions"`
	Materials []Material        `yaml:"materials,omitempty" json:"materials,omitempty"`
	// DeadlineDaysAfterStart places the acknowledgement deadline relative to
	// the term's first day.
	DeadlineDaysAfterStart int `yaml:"deadline_days_after_start" json:"deadline_days_after_start"`
	// DeadlineTime is the time of day of the deadline, "23:59" by default.
	DeadlineTime ClockTime `yaml:"deadline_time,omitempty" json:"deadline_time,omitempty"`
	// RemindDaysBefore lists reminders in days before the deadline; 0 is the
	// deadline's own day. Default: 2 and 0.
	RemindDaysBefore []int `yaml:"remind_days_before,omitempty" json:"remind_days_before,omitempty"`
	// SendTime is when assignments and reminders go out, "09:00" by default.
	SendTime ClockTime `yaml:"send_time,omitempty" json:"send_time,omitempty"`
	// LateWindowDays is how long after the deadline a late acknowledgement is
	// still accepted. Default 7.
	LateWindowDays *int `yaml:"late_window_days,omitempty" json:"late_window_days,omitempty"`
}

// TrainingSession is a scheduled training meeting.
type TrainingSession struct {
	Title string    `yaml:"title" json:"title"`
	At    LocalTime `yaml:"at" json:"at"`
	Where string    `yaml:"where,omitempty" json:"where,omitempty"`
}

// Material is reading or a video the officers go through on their own.
type Material struct {
	Title string `yaml:"title" json:"title"`
	URL   string `yaml:"url" json:"url"`
}

// Officer is an officer together with the department they serve in.
type Officer struct {
	Person
	DepartmentID string
}

// Officers lists every officer of the plan in plan order.
func (p *Plan) Officers() []Officer {
	var out []Officer
	for _, d := range p.Departments {
		for _, o := range d.Officers {
			out = append(out, Officer{Person: o, DepartmentID: d.ID})
		}
	}
	return out
}

// Department returns the department with the given ID.
func (p *Plan) Department(id string) (Department, bool) {
	for _, d := range p.Departments {
		if d.ID == id {
			return d, true
		}
	}
	return Department{}, false
}

// FindOfficer returns the officer with the given email, compared without case.
func (p *Plan) FindOfficer(email string) (Officer, bool) {
	email = NormalizeEmail(email)
	for _, o := range p.Officers() {
		if o.Email == email {
			return o, true
		}
	}
	return Officer{}, false
}

// Location returns the term's time zone. The plan must be valid.
func (p *Plan) Location() *time.Location {
	z := p.Zone()
	if !z.Known() {
		panic("plan: Location on an unvalidated plan: unknown time zone " + z.Name())
	}
	return z.Location()
}

// NormalizeEmail trims and lower-cases an address, so lookups ignore case.
func NormalizeEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}
