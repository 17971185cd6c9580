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

// normalize trims names and lower-cases emails, and fills in the defaults
// of what the plan leaves out. given holds the paths of the numbers the plan
// writes: a number written as 0 stays 0, to be honoured or refused, never
// replaced by its default.
func (p *Plan) normalize(given map[string]bool) {
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
	p.normalizeParts(given)
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

// checker validates one plan. It reads the plan and never changes it.
type checker struct {
	p  *Plan
	ps problems
	// loc is the term's time zone, or UTC when it is unusable, so the
	// format of every date is still checked.
	loc *time.Location
	// termOK says the term's zone and dates are usable: only then are
	// dates checked against the term and schedules computed.
	termOK           bool
	start, endOfTerm time.Time
	// days is how many days term.ends is after term.starts: the largest
	// number of days anything may be placed after the term's first day.
	days int
}

// Validate checks the whole plan and returns a *ValidationError listing
// every problem, or nil. It changes nothing, and checks a plan that came
// from JSON as well: absent optional values count as their defaults.
func (p *Plan) Validate() error {
	c := &checker{p: p, loc: time.UTC, days: MaxTermDays - 1}
	c.term()
	c.people()
	c.training()
	c.kickoff()
	c.exchanges()
	c.months()
	c.contest()
	c.tasks()
	c.evaluation()
	if len(c.ps) > 0 {
		return &ValidationError{Problems: c.ps}
	}
	return nil
}

// term checks the term and learns what the rest is checked against.
func (c *checker) term() {
	t := c.p.Term
	if t.ID == "" {
		c.ps.add("term.id", "is empty")
	} else if !slugPattern.MatchString(t.ID) {
		c.ps.add("term.id", "%q must be lower-case letters, digits and dashes, like 2026-fall", t.ID)
	}
	if t.Name == "" {
		c.ps.add("term.name", "is empty")
	}
	zoneOK := false
	if t.TimeZone == "" {
		c.ps.add("term.time_zone", "is empty; use an IANA name such as Asia/Shanghai")
	} else if loc, err := time.LoadLocation(t.TimeZone); err != nil {
		c.ps.add("term.time_zone", "%q is not a known time zone; use an IANA name such as Asia/Shanghai", t.TimeZone)
	} else {
		c.loc, zoneOK = loc, true
	}
	datesOK := true
	for _, d := range []struct {
		path string
		date Date
	}{{"term.starts", t.Starts}, {"term.ends", t.Ends}} {
		day, err := d.date.In(c.loc)
		switch {
		case err != nil:
			c.ps.add(d.path, "%v", err)
			datesOK = false
		case day.Year() < MinYear || day.Year() > MaxYear:
			c.ps.add(d.path, "%s is outside the years a plan may cover, %d to %d", d.date, MinYear, MaxYear)
			datesOK = false
		}
	}
	if !datesOK {
		return
	}
	start, _ := t.Starts.In(c.loc)
	end, _ := t.Ends.In(c.loc)
	days := daysBetween(t.Starts, t.Ends)
	if days <= 0 {
		c.ps.add("term.ends", "%s is not after term.starts %s", t.Ends, t.Starts)
		return
	}
	if days+1 > MaxTermDays {
		c.ps.add("term.ends", "%s makes the term %d days long, counting both ends; a term may last at most %d days", t.Ends, days+1, MaxTermDays)
		return
	}
	if zoneOK {
		c.termOK, c.start, c.endOfTerm, c.days = true, start, end.AddDate(0, 0, 1), days
	}
}

// daysBetween counts calendar days from a to b; both must be valid dates.
func daysBetween(a, b Date) int {
	ta, _ := a.In(time.UTC)
	tb, _ := b.In(time.UTC)
	return int(tb.Sub(ta).Hours()) / 24
}

// inTerm reports a date or time that does not parse or falls outside the
// term, and says whether it can be compared with others.
func (c *checker) inTerm(path string, t time.Time, err error, written string) bool {
	if err != nil {
		c.ps.add(path, "%v", err)
		return false
	}
	if !c.termOK {
		return false
	}
	if t.Before(c.start) || !t.Before(c.endOfTerm) {
		c.ps.add(path, "%s is outside the term (%s to %s)", written, c.p.Term.Starts, c.p.Term.Ends)
		return false
	}
	return true
}

// dayCount checks a number of days: from lo up to the days the term spans.
func (c *checker) dayCount(path string, v, lo int) bool {
	if v >= lo && v <= c.days {
		return true
	}
	if c.termOK {
		c.ps.add(path, "must be from %d to %d (the days from term.starts to term.ends), got %d", lo, c.days, v)
	} else {
		c.ps.add(path, "must be from %d to %d (the days a term may span), got %d", lo, c.days, v)
	}
	return false
}

// minutes checks a number of minutes: from lo up to a day.
func (c *checker) minutes(path string, v, lo int) bool {
	if v >= lo && v <= MaxMinutes {
		return true
	}
	c.ps.add(path, "must be from %d to %d minutes (a day), got %d", lo, MaxMinutes, v)
	return false
}

// count checks how many entries a list has.
func (c *checker) count(path string, n, limit int, noun string) {
	if n > limit {
		c.ps.add(path, "lists %d %s; at most %d are allowed", n, noun, limit)
	}
}

// score checks a maximum score: a number above 0, up to MaxScore. NaN and
// infinities fail every comparison, so they are refused too.
func (c *checker) score(path string, v float64) {
	if !(v > 0 && v <= MaxScore) {
		c.ps.add(path, "must be more than 0 and at most %d, got %g", MaxScore, v)
	}
}

// reminders checks a remind_days_before list: each a number of days the
// term can hold, none twice. It says whether all are usable.
func (c *checker) reminders(path string, days []int) bool {
	ok := true
	c.count(path, len(days), MaxReminders, "reminders")
	seen := map[int]bool{}
	for i, d := range days {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		if !c.dayCount(ipath, d, 0) {
			ok = false
		} else if seen[d] {
			c.ps.add(ipath, "%d is listed twice", d)
		}
		seen[d] = true
	}
	return ok
}

func (c *checker) people() {
	p := c.p
	if len(p.Leaders) == 0 {
		c.ps.add("leaders", "lists nobody; name at least one leader of the department")
	}
	c.count("leaders", len(p.Leaders), MaxLeaders, "leaders")
	for i, l := range p.Leaders {
		validatePerson(&c.ps, fmt.Sprintf("leaders[%d]", i), l)
	}
	if len(p.Departments) == 0 {
		c.ps.add("departments", "lists no department")
	}
	c.count("departments", len(p.Departments), MaxDepartments, "departments")
	deptIDs := map[string]string{}
	officerEmails := map[string]string{}
	for i, d := range p.Departments {
		path := fmt.Sprintf("departments[%d]", i)
		switch {
		case d.ID == "":
			c.ps.add(path+".id", "is empty")
		case !slugPattern.MatchString(d.ID):
			c.ps.add(path+".id", "%q must be lower-case letters, digits and dashes", d.ID)
		case deptIDs[d.ID] != "":
			c.ps.add(path+".id", "%q is already the id of %s", d.ID, deptIDs[d.ID])
		default:
			deptIDs[d.ID] = path
		}
		if d.Name == "" {
			c.ps.add(path+".name", "is empty")
		}
		validatePerson(&c.ps, path+".head", d.Head)
		if len(d.Officers) == 0 {
			c.ps.add(path+".officers", "lists no officer")
		}
		c.count(path+".officers", len(d.Officers), MaxOfficers, "officers")
		names := map[string]string{}
		for j, o := range d.Officers {
			opath := fmt.Sprintf("%s.officers[%d]", path, j)
			validatePerson(&c.ps, opath, o)
			if key := strings.ToLower(o.Name); o.Name != "" {
				if first, dup := names[key]; dup {
					c.ps.add(opath+".name", "%q is listed twice in this department (first at %s)", o.Name, first)
				} else {
					names[key] = opath
				}
			}
			if o.Email != "" {
				if first, dup := officerEmails[o.Email]; dup {
					c.ps.add(opath+".email", "%q is already the email of %s", o.Email, first)
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

// orDefault is a clock time, or def when the plan leaves it out.
func orDefault(c, def ClockTime) ClockTime {
	if c == "" {
		return def
	}
	return c
}

// lateWindowDays is training.late_window_days, or its default.
func (t Training) lateWindowDays() int {
	if t.LateWindowDays == nil {
		return DefaultLateWindowDays
	}
	return *t.LateWindowDays
}

func (c *checker) training() {
	p, t := c.p, c.p.Training
	// scheduleOK says the assignment and the deadline can be placed, to
	// check the late window and the reminders against them.
	scheduleOK := c.termOK
	deadlineTime := orDefault(t.DeadlineTime, DefaultDeadlineTime)
	send := orDefault(t.SendTime, DefaultSendTime)
	for _, ct := range []struct {
		path  string
		value ClockTime
	}{{"training.deadline_time", deadlineTime}, {"training.send_time", send}} {
		if _, _, err := ct.value.parse(); err != nil {
			c.ps.add(ct.path, "%v", err)
			scheduleOK = false
		}
	}

	assign := p.Term.Starts
	if t.AssignOn != nil {
		assign = *t.AssignOn
		day, err := assign.In(c.loc)
		if err != nil {
			scheduleOK = false
		}
		c.inTerm("training.assign_on", day, err, string(assign))
	}
	if !c.dayCount("training.deadline_days_after_start", t.DeadlineDaysAfterStart, 1) {
		scheduleOK = false
	}
	lateOK := c.dayCount("training.late_window_days", t.lateWindowDays(), 0)

	if len(t.Sessions) == 0 {
		c.ps.add("training.sessions", "lists no training session")
	}
	c.count("training.sessions", len(t.Sessions), MaxSessions, "sessions")
	for i, s := range t.Sessions {
		path := fmt.Sprintf("training.sessions[%d]", i)
		if strings.TrimSpace(s.Title) == "" {
			c.ps.add(path+".title", "is empty")
		}
		at, err := s.At.In(c.loc)
		c.inTerm(path+".at", at, err, string(s.At))
	}
	c.count("training.materials", len(t.Materials), MaxMaterials, "materials")
	for i, m := range t.Materials {
		path := fmt.Sprintf("training.materials[%d]", i)
		if strings.TrimSpace(m.Title) == "" {
			c.ps.add(path+".title", "is empty")
		}
		if u, err := url.Parse(m.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			c.ps.add(path+".url", "%q is not an http(s) link", m.URL)
		}
	}
	c.reminders("training.remind_days_before", t.RemindDaysBefore)
	if !scheduleOK {
		return
	}

	// As OnboardingSchedule places them, each from numbers checked above.
	deadlineDay := p.Term.Starts.AddDays(t.DeadlineDaysAfterStart)
	assignAt := assign.At(send, c.loc)
	deadline := deadlineDay.At(deadlineTime, c.loc)
	if lateOK && daysBetween(deadlineDay.AddDays(t.lateWindowDays()), p.Term.Ends) < 0 {
		c.ps.add("training.late_window_days", "keeps late acknowledgements open until %s, after the term ends on %s; it may be at most %d",
			deadlineDay.AddDays(t.lateWindowDays()), p.Term.Ends, daysBetween(deadlineDay, p.Term.Ends))
	}
	if !assignAt.Before(deadline) {
		c.ps.add("training.assign_on", "%s is not before the acknowledgement deadline %s", assign, deadline.Format(localTimeLayout))
	}
	for i, d := range t.RemindDaysBefore {
		if d < 0 || d > c.days {
			continue // reported above
		}
		at := deadlineDay.AddDays(-d).At(send, c.loc)
		if !at.After(assignAt) || !at.Before(deadline) {
			c.ps.add(fmt.Sprintf("training.remind_days_before[%d]", i),
				"puts a reminder at %s, which is not between the assignment (%s) and the deadline (%s)",
				at.Format(localTimeLayout), assignAt.Format(localTimeLayout), deadline.Format(localTimeLayout))
		}
	}
}

// ValidEmail says whether s is a bare email address with a dotted domain,
// as the plan requires of everyone it names.
func ValidEmail(s string) bool { return validEmail(s) }
