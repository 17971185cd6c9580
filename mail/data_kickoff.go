package mail

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// KickoffInvitationData feeds kickoff_invitation: the invitation to the
// ministerial meeting that opens the term. Times are preformatted in the
// term's time zone.
type KickoffInvitationData struct {
	TermName      string
	RecipientName string
	// DepartmentName is the department the recipient heads; empty for a
	// leader.
	DepartmentName string
	// Starts is the meeting's start, e.g. "Tue 15 Sep 2026, 19:00
	// (Asia/Shanghai)"; Ends its end, the same way.
	Starts string
	Ends   string
	Where  string
	// Agenda lists the term's main tasks presented at the meeting.
	Agenda []string
	// PlansDue is when every department's plan and suggestions are due.
	PlansDue string
}

// NumberedAgenda numbers the agenda for the plain-text part: "1. ...".
func (d KickoffInvitationData) NumberedAgenda() []string {
	out := make([]string, len(d.Agenda))
	for i, a := range d.Agenda {
		out[i] = strconv.Itoa(i+1) + ". " + a
	}
	return out
}

// DirectoryEntry is one person in the personnel directory.
type DirectoryEntry struct {
	Name  string
	Role  string
	Email string
}

// DirectoryGroup is one department of the directory (or the leaders), its
// head first.
type DirectoryGroup struct {
	Department string
	People     []DirectoryEntry
}

// DirectoryData feeds directory: the term's personnel directory, grouped by
// department, as a table. A large directory is not sent whole: Groups then
// list the leaders and the recipient's department, and Link opens the rest.
type DirectoryData struct {
	TermName      string
	RecipientName string
	// Groups are what this email lists, the leaders first.
	Groups []DirectoryGroup
	// Departments and People count the whole directory (see CountDirectory).
	Departments int
	People      int
	// Link opens the whole directory on the portal; empty without a portal.
	Link string
}

// Partial reports whether the email lists less than the whole directory.
func (d DirectoryData) Partial() bool {
	_, people := CountDirectory(d.Groups)
	return people < d.People
}

// CountDirectory counts the departments (every group but the leaders') and
// the entries of groups.
func CountDirectory(groups []DirectoryGroup) (departments, people int) {
	for _, g := range groups {
		people += len(g.People)
		if g.Department != DirectoryLeaders {
			departments++
		}
	}
	return departments, people
}

// DirectoryLeaders names the group of the term's leaders.
const DirectoryLeaders = "Leaders"

// TextTable lays the directory out in aligned columns for the plain-text
// part: the department on its group's first row, a blank line between
// groups. Widths count characters, which lines up in any monospaced font for
// Latin names.
func (d DirectoryData) TextTable() string {
	header := [4]string{"DEPARTMENT", "NAME", "ROLE", "EMAIL"}
	var widths [4]int
	for i := range widths {
		widths[i] = utf8.RuneCountInString(header[i])
	}
	grow := func(i int, s string) {
		if n := utf8.RuneCountInString(s); n > widths[i] {
			widths[i] = n
		}
	}
	for _, g := range d.Groups {
		grow(0, g.Department)
		for _, p := range g.People {
			grow(1, p.Name)
			grow(2, p.Role)
			grow(3, p.Email)
		}
	}
	var b strings.Builder
	row := func(cols [4]string) {
		for i := 0; i < 3; i++ {
			b.WriteString(cols[i])
			b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cols[i])+2))
		}
		b.WriteString(cols[3])
		b.WriteString("\n")
	}
	row(header)
	row([4]string{strings.Repeat("-", widths[0]), strings.Repeat("-", widths[1]), strings.Repeat("-", widths[2]), strings.Repeat("-", widths[3])})
	for gi, g := range d.Groups {
		if gi > 0 {
			b.WriteString("\n")
		}
		for i, p := range g.People {
			dept := ""
			if i == 0 {
				dept = g.Department
			}
			row([4]string{dept, p.Name, p.Role, p.Email})
		}
	}
	return b.String()
}
