package plan

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // time zones resolve even where the system has no zoneinfo
)

// Defaults for the training fields a plan may leave out.
const (
	DefaultDeadlineTime   ClockTime = "23:59"
	DefaultSendTime       ClockTime = "09:00"
	DefaultLateWindowDays           = 7
)

// DefaultRemindDaysBefore are the reminders when the plan names none: two
// days before the deadline and on its day.
var DefaultRemindDaysBefore = []int{2, 0}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// normalize trims names and lower-cases emails, and fills in defaults.
func (p *Plan) normalize() {
	p.Term.ID = strings.TrimSpace(p.Term.ID)
	p.Term.Name = strings.TrimSpace(p.Term.Name)
	p.Term.TimeZone = strings.TrimSpace(p.Term.TimeZone)
	for i := range p.Leaders {
		p.Leaders[i].normalize()
	}
	for i := range p.Departments {
		d := &p.Departments[i]
		d.ID = strings.TrimSpace(d.ID)
		d.Name = strings.TrimSpace(d.Name)
		d.Head.normalize()
		for j := range d.Officers {
			d.Officers[j].normalize()
		}
	}
	t := &p.Training
	if t.DeadlineTime == "" {
		t.DeadlineTime = DefaultDeadlineTime
	}
	if t.SendTime == "" {
		t.SendTime = DefaultSendTime
	}
	if t.RemindDaysBefore == nil {
		t.RemindDaysBefore = append([]int(nil), DefaultRemindDaysBefore...)
	}
	if t.LateWindowDays == nil {
		days := DefaultLateWindowDays
		t.LateWindowDays = &days
	}
	p.normalizeParts()
}

func (p *Person) normalize() {
	p.Name = strings.TrimSpace(p.Name)
	p.Email = NormalizeEmail(p.Email)
	p.Role = strings.TrimSpace(p.Role)
}

// problems collects problems while validating.
type problems []Problem

func (ps *problems) add(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Validate checks the whole plan and returns a *ValidationError listing
// every problem, or nil.
func (p *Plan) Validate() error {
	var ps problems
	loc := p.validateTerm(&ps)
	p.validatePeople(&ps)
	if loc != nil {
		p.validateTraining(&ps, loc)
		p.validateParts(&ps, loc)
	}
	if len(ps) > 0 {
		return &ValidationError{Problems: ps}
	}
	return nil
}

// validateTerm checks the term and returns its location when the dates and
// time zone are usable for checking the rest.
func (p *Plan) validateTerm(ps *problems) *time.Location {
	t := p.Term
	if t.ID == "" {
		ps.add("term.id", "is empty")
	} else if !slugPattern.MatchString(t.ID) {
		ps.add("term.id", "%q must be lower-case letters, digits and dashes, like 2026-fall", t.ID)
	}
	if t.Name == "" {
		ps.add("term.name", "is empty")
	}
	if t.TimeZone == "" {
		ps.add("term.time_zone", "is empty; use an IANA name such as Asia/Shanghai")
		return nil
	}
	loc, err := time.LoadLocation(t.TimeZone)
	if err != nil {
		ps.add("term.time_zone", "%q is not a known time zone; use an IANA name such as Asia/Shanghai", t.TimeZone)
		return nil
	}
	start, errStart := t.Starts.In(loc)
	if errStart != nil {
		ps.add("term.starts", "%v", errStart)
	}
	end, errEnd := t.Ends.In(loc)
	if errEnd != nil {
		ps.add("term.ends", "%v", errEnd)
	}
	if errStart != nil || errEnd != nil {
		return nil
	}
	if !end.After(start) {
		ps.add("term.ends", "%s is not after term.starts %s", t.Ends, t.Starts)
		return nil
	}
	return loc
}

func (p *Plan) validatePeople(ps *problems) {
	if len(p.Leaders) == 0 {
		ps.add("leaders", "lists nobody; name at least one leader of the department")
	}
	for i, l := range p.Leaders {
		validatePerson(ps, fmt.Sprintf("leaders[%d]", i), l)
	}
	if len(p.Departments) == 0 {
		ps.add("departments", "lists no department")
	}
	deptIDs := map[string]string{}
	officerEmails := map[string]string{}
	for i, d := range p.Departments {
		path := fmt.Sprintf("departments[%d]", i)
		switch {
		case d.ID == "":
			ps.add(path+".id", "is empty")
		case !slugPattern.MatchString(d.ID):
			ps.add(path+".id", "%q must be lower-case letters, digits and dashes", d.ID)
		case deptIDs[d.ID] != "":
			ps.add(path+".id", "%q is already the id of %s", d.ID, deptIDs[d.ID])
		default:
			deptIDs[d.ID] = path
		}
		if d.Name == "" {
			ps.add(path+".name", "is empty")
		}
		validatePerson(ps, path+".head", d.Head)
		if len(d.Officers) == 0 {
			ps.add(path+".officers", "lists no officer")
		}
		names := map[string]string{}
		for j, o := range d.Officers {
			opath := fmt.Sprintf("%s.officers[%d]", path, j)
			validatePerson(ps, opath, o)
			if key := strings.ToLower(o.Name); o.Name != "" {
				if first, dup := names[key]; dup {
					ps.add(opath+".name", "%q is listed twice in this department (first at %s)", o.Name, first)
				} else {
					names[key] = opath
				}
			}
			if o.Email != "" {
				if first, dup := officerEmails[o.Email]; dup {
					ps.add(opath+".email", "%q is already the email of %s", o.Email, first)
				} else {
					officerEmails[o.Email] = opath
				}
			}
		}
	}
}

func validatePerson(ps *problems, path string, person Person) {
	if person.Name == "" {
		ps.add(path+".name", "is empty")
	}
	if person.Email == "" {
		ps.add(path+".email", "is empty")
	} else if !validEmail(person.Email) {
		ps.add(path+".email", "%q is not an email address", person.Email)
	}
}

// validEmail accepts a bare address with a dotted domain, as mail needs.
func validEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".")
}

func (p *Plan) validateTraining(ps *problems, loc *time.Location) {
	t := p.Training
	start, _ := p.Term.Starts.In(loc)
	end, _ := p.Term.Ends.In(loc)
	endOfTerm := end.AddDate(0, 0, 1)

	clockOK := true
	for _, c := range []struct {
		path  string
		value ClockTime
	}{{"training.deadline_time", t.DeadlineTime}, {"training.send_time", t.SendTime}} {
		if _, _, err := c.value.parse(); err != nil {
			ps.add(c.path, "%v", err)
			clockOK = false
		}
	}

	assign := p.Term.Starts
	if t.AssignOn != nil {
		assign = *t.AssignOn
		if day, err := assign.In(loc); err != nil {
			ps.add("training.assign_on", "%v", err)
			clockOK = false
		} else if day.Before(start) || !day.Before(endOfTerm) {
			ps.add("training.assign_on", "%s is outside the term (%s to %s)", assign, p.Term.Starts, p.Term.Ends)
		}
	}
	if t.DeadlineDaysAfterStart <= 0 {
		ps.add("training.deadline_days_after_start", "must be at least 1, got %d", t.DeadlineDaysAfterStart)
		clockOK = false
	}
	if *t.LateWindowDays < 0 {
		ps.add("training.late_window_days", "must not be negative, got %d", *t.LateWindowDays)
		clockOK = false
	}

	if len(t.Sessions) == 0 {
		ps.add("training.sessions", "lists no training session")
	}
	for i, s := range t.Sessions {
		path := fmt.Sprintf("training.sessions[%d]", i)
		if strings.TrimSpace(s.Title) == "" {
			ps.add(path+".title", "is empty")
		}
		at, err := s.At.In(loc)
		if err != nil {
			ps.add(path+".at", "%v", err)
		} else if at.Before(start) || !at.Before(endOfTerm) {
			ps.add(path+".at", "%s is outside the term (%s to %s)", s.At, p.Term.Starts, p.Term.Ends)
		}
	}
	for i, m := range t.Materials {
		path := fmt.Sprintf("training.materials[%d]", i)
		if strings.TrimSpace(m.Title) == "" {
			ps.add(path+".title", "is empty")
		}
		if u, err := url.Parse(m.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			ps.add(path+".url", "%q is not an http(s) link", m.URL)
		}
	}
	seen := map[int]bool{}
	for i, d := range t.RemindDaysBefore {
		path := fmt.Sprintf("training.remind_days_before[%d]", i)
		if d < 0 {
			ps.add(path, "must not be negative, got %d", d)
			clockOK = false
		} else if seen[d] {
			ps.add(path, "%d is listed twice", d)
		}
		seen[d] = true
	}
	if !clockOK {
		return
	}

	s := p.OnboardingSchedule()
	if !s.Deadline.Before(endOfTerm) {
		ps.add("training.deadline_days_after_start", "puts the deadline on %s, after the term ends on %s", s.Deadline.Format(dateLayout), p.Term.Ends)
	} else if !s.WindowCloses.Before(endOfTerm) {
		ps.add("training.late_window_days", "keeps late acknowledgements open until %s, after the term ends on %s", s.WindowCloses.Format(dateLayout), p.Term.Ends)
	}
	if !s.AssignAt.Before(s.Deadline) {
		ps.add("training.assign_on", "%s is not before the acknowledgement deadline %s", assign, s.Deadline.Format(localTimeLayout))
	}
	for i, d := range t.RemindDaysBefore {
		at := p.Term.Starts.AddDays(t.DeadlineDaysAfterStart-d).At(t.SendTime, p.Location())
		if !at.After(s.AssignAt) || !at.Before(s.Deadline) {
			ps.add(fmt.Sprintf("training.remind_days_before[%d]", i),
				"puts a reminder at %s, which is not between the assignment (%s) and the deadline (%s)",
				at.Format(localTimeLayout), s.AssignAt.Format(localTimeLayout), s.Deadline.Format(localTimeLayout))
		}
	}
}
