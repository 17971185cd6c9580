package portal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"semesterflow/contract"
	"semesterflow/plan"
)

// ErrNoSignIn is returned for a sign-in link that is unknown, used or
// expired, and ErrNoSession for a session cookie that no longer holds.
var (
	ErrNoSignIn  = errors.New("the sign-in link is unknown, used or expired")
	ErrNoSession = errors.New("no such session")
)

// Role is what one person is in one term: a leader, or the head of a
// department.
type Role struct {
	TermID   string
	TermName string
	Name     string
	Leader   bool
	// DepartmentID and DepartmentName are a head's department.
	DepartmentID   string
	DepartmentName string
}

// LeaderTable keeps the leaders' sign-in links and sessions and reads what
// their pages show, with plain SQL on the tables the worker writes. Times
// of links and sessions are the database's, so every portal agrees on them.
type LeaderTable struct {
	db *sql.DB
}

// NewLeaderTable works on db, a Postgres database that store migrated.
func NewLeaderTable(db *sql.DB) *LeaderTable { return &LeaderTable{db: db} }

// RolesOf lists what email is in every term the directory knows: leader
// first, then the departments it heads, newest term first.
func (t *LeaderTable) RolesOf(ctx context.Context, email string) ([]Role, error) {
	rows, err := t.db.QueryContext(ctx, `
SELECT tm.id, tm.name, l.name, true, '', '', tm.starts_on, 0
  FROM leaders l JOIN terms tm ON tm.id = l.term_id
 WHERE lower(l.email) = $1
UNION ALL
SELECT tm.id, tm.name, d.head_name, false, d.id, d.name, tm.starts_on, d.position + 1
  FROM departments d JOIN terms tm ON tm.id = d.term_id
 WHERE lower(d.head_email) = $1
ORDER BY 7 DESC, 1, 8`, plan.NormalizeEmail(email))
	if err != nil {
		return nil, fmt.Errorf("roles of %s: %w", email, err)
	}
	defer rows.Close()
	var roles []Role
	for rows.Next() {
		var r Role
		var starts string // a date, which pgdriver hands over as text
		var position int
		if err := rows.Scan(&r.TermID, &r.TermName, &r.Name, &r.Leader, &r.DepartmentID, &r.DepartmentName, &starts, &position); err != nil {
			return nil, fmt.Errorf("roles of %s: %w", email, err)
		}
		roles = append(roles, r)
	}
	return roles, rows.Err()
}

// AddSignIn stores a sign-in link's token hash for email, valid for ttl,
// unless email already had limit links in the last window; it reports
// whether it stored one.
func (t *LeaderTable) AddSignIn(ctx context.Context, email, tokenHash string, ttl time.Duration, limit int, window time.Duration) (bool, error) {
	res, err := t.db.ExecContext(ctx, `
INSERT INTO portal_sign_ins (token_hash, email, expires_at)
SELECT $1, $2, now() + make_interval(secs => $3)
 WHERE (SELECT count(*) FROM portal_sign_ins WHERE email = $2 AND created_at > now() - make_interval(secs => $4)) < $5`,
		tokenHash, email, ttl.Seconds(), window.Seconds(), limit)
	if err != nil {
		return false, fmt.Errorf("store a sign-in link for %s: %w", email, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// PendingSignIn returns whom an unused, unexpired sign-in link is for.
func (t *LeaderTable) PendingSignIn(ctx context.Context, tokenHash string) (string, error) {
	var email string
	err := t.db.QueryRowContext(ctx,
		"SELECT email FROM portal_sign_ins WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()", tokenHash).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNoSignIn
	}
	return email, err
}

// UseSignIn spends a sign-in link and opens a session for its person in one
// transaction, so a link signs in once however often it is posted.
func (t *LeaderTable) UseSignIn(ctx context.Context, tokenHash, sessionHash string, sessionTTL time.Duration) (string, error) {
	tx, err := t.db.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer func() { _ = tx.Rollback() }()
	var email string
	err = tx.QueryRowContext(ctx, `
UPDATE portal_sign_ins SET used_at = now()
 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
RETURNING email`, tokenHash).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNoSignIn
	}
	if err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx,
		"INSERT INTO portal_sessions (id_hash, email, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))",
		sessionHash, email, sessionTTL.Seconds()); err != nil {
		return "", err
	}
	return email, tx.Commit()
}

// SessionEmail returns whose open session idHash is.
func (t *LeaderTable) SessionEmail(ctx context.Context, idHash string) (string, error) {
	var email string
	err := t.db.QueryRowContext(ctx,
		"SELECT email FROM portal_sessions WHERE id_hash = $1 AND ended_at IS NULL AND expires_at > now()", idHash).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNoSession
	}
	return email, err
}

// EndSession signs a session out; ending one already ended does nothing.
func (t *LeaderTable) EndSession(ctx context.Context, idHash string) error {
	_, err := t.db.ExecContext(ctx, "UPDATE portal_sessions SET ended_at = now() WHERE id_hash = $1 AND ended_at IS NULL", idHash)
	return err
}

// DepartmentRow is one department on the dashboard.
type DepartmentRow struct {
	ID       string
	Name     string
	HeadName string
	Officers int
	// Onboarding outcomes, as the onboarding rows have them.
	OnTime, Late, Pending, Never int
	// Attendance at the exchanges held so far: Present of Expected, where
	// Expected leaves out the excused and the unrecorded.
	Present, Expected, Excused int
	// Summaries handed in, and missed once their month closed.
	SummariesIn, SummariesMissing int
	Overdue                       int
}

// AttendanceRate is "85%", or "–" before any exchange was recorded.
func (d DepartmentRow) AttendanceRate() string {
	if d.Expected == 0 {
		return "–"
	}
	return fmt.Sprintf("%d%%", (200*d.Present+d.Expected)/(2*d.Expected))
}

// PartLine is one part of the term as it last reported.
type PartLine struct {
	Part     string
	Phase    string
	Summary  string
	Done     bool
	Problems []string
}

// DeadlineLine is an upcoming deadline or an overdue item, formatted in
// the term's time zone.
type DeadlineLine struct {
	When string
	What string
	Who  string
	// WorkflowID and Slot are set for a collection's slot, which can be
	// extended or handed over.
	WorkflowID string
	Slot       string
	due        time.Time
}

// Dashboard is a term as its leaders' dashboard shows it.
type Dashboard struct {
	TermID      string
	TermName    string
	TimeZone    string
	Departments []DepartmentRow
	// Parts are the term-wide parts (kickoff, months, contest, help desk).
	Parts    []PartLine
	Upcoming []DeadlineLine
	Overdue  []DeadlineLine
	// ReportsAsOf is when the parts last reported, in the term's time
	// zone; empty before any did.
	ReportsAsOf string
	// Months are the months of organisation life that have started, for
	// the theme form; Unassigned the help requests no officer has yet.
	Months     []string
	Unassigned []HelpRequestLine
	// Attendance is the rate per exchange over all departments; nil
	// before any exchange was recorded.
	Attendance *Chart
}

// Chart is attendance per exchange drawn as SVG bars on the server, so it
// shows on a phone without scripts.
type Chart struct {
	Bars []Bar
	// Width and Height are the drawing's size in its own units.
	Width, Height int
}

// Bar is one exchange: its rate as a bar, and the label under it.
type Bar struct {
	X, Y, W, H int
	LabelX     int
	Number     int
	Rate       string
	Present    int
	Expected   int
}

// chartHeight is the bars' full height; the labels take chartLabels more.
const (
	chartHeight = 120
	chartLabels = 36
	barWidth    = 36
	barGap      = 12
)

// attendanceChart reads the attendance rate of each exchange number, of
// one department or, with department "", of all.
func attendanceChart(ctx context.Context, tx *sql.Tx, termID, department string) (*Chart, error) {
	rows, err := tx.QueryContext(ctx, `
SELECT meeting_number,
       count(*) FILTER (WHERE status = 'present'),
       count(*) FILTER (WHERE status IN ('present', 'absent'))
  FROM attendance
 WHERE term_id = $1 AND ($2 = '' OR department_id = $2)
 GROUP BY 1 ORDER BY 1`, termID, department)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	c := &Chart{Height: chartHeight + chartLabels}
	for rows.Next() {
		var b Bar
		if err := rows.Scan(&b.Number, &b.Present, &b.Expected); err != nil {
			return nil, err
		}
		b.X, b.W = len(c.Bars)*(barWidth+barGap), barWidth
		b.LabelX = b.X + barWidth/2
		b.Rate = "–"
		if b.Expected > 0 {
			b.H = chartHeight * b.Present / b.Expected
			b.Rate = fmt.Sprintf("%d%%", (200*b.Present+b.Expected)/(2*b.Expected))
		}
		b.Y = chartHeight - b.H
		c.Bars = append(c.Bars, b)
	}
	if len(c.Bars) == 0 {
		return nil, rows.Err()
	}
	c.Width = len(c.Bars)*(barWidth+barGap) - barGap
	return c, rows.Err()
}

// HelpRequestLine is a help request waiting for an officer.
type HelpRequestLine struct {
	TaskID      string
	Department  string
	Description string
	Due         string
}

// Totals sums the departments' rows.
func (d Dashboard) Totals() DepartmentRow {
	t := DepartmentRow{Name: fmt.Sprintf("All %d departments", len(d.Departments))}
	for _, r := range d.Departments {
		t.Officers += r.Officers
		t.OnTime, t.Late, t.Pending, t.Never = t.OnTime+r.OnTime, t.Late+r.Late, t.Pending+r.Pending, t.Never+r.Never
		t.Present, t.Expected, t.Excused = t.Present+r.Present, t.Expected+r.Expected, t.Excused+r.Excused
		t.SummariesIn, t.SummariesMissing = t.SummariesIn+r.SummariesIn, t.SummariesMissing+r.SummariesMissing
		t.Overdue += r.Overdue
	}
	return t
}

// upcomingShown is how many of the next deadlines the dashboard lists.
const upcomingShown = 10

// DashboardOf reads term's dashboard in one read-only snapshot: a handful
// of grouped queries whatever the union's size, and no workflow queried.
func (t *LeaderTable) DashboardOf(ctx context.Context, termID string) (Dashboard, error) {
	tx, err := t.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return Dashboard{}, fmt.Errorf("dashboard of %s: %w", termID, err)
	}
	defer func() { _ = tx.Rollback() }()
	d, _, _, err := dashboardIn(ctx, tx, termID)
	return d, err
}

// dashboardIn reads the dashboard in tx, and hands back the parts' reports
// and the term's zone it read them with, for a department's page.
func dashboardIn(ctx context.Context, tx *sql.Tx, termID string) (Dashboard, []contract.PartReport, *time.Location, error) {
	d := Dashboard{TermID: termID}
	name, loc, err := termZone(ctx, tx, termID)
	if err != nil {
		return Dashboard{}, nil, nil, fmt.Errorf("dashboard of %s: %w", termID, err)
	}
	d.TermName, d.TimeZone = name, loc.String()

	rows, err := tx.QueryContext(ctx, "SELECT id, name, head_name FROM departments WHERE term_id = $1 ORDER BY position, id", termID)
	if err != nil {
		return Dashboard{}, nil, nil, fmt.Errorf("departments of %s: %w", termID, err)
	}
	at := map[string]int{}
	for rows.Next() {
		var r DepartmentRow
		if err := rows.Scan(&r.ID, &r.Name, &r.HeadName); err != nil {
			rows.Close()
			return Dashboard{}, nil, nil, err
		}
		at[r.ID] = len(d.Departments)
		d.Departments = append(d.Departments, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Dashboard{}, nil, nil, err
	}
	row := func(id string) *DepartmentRow {
		if i, ok := at[id]; ok {
			return &d.Departments[i]
		}
		return nil
	}

	// Each count is grouped by department and one more key.
	counts := []struct {
		query string
		add   func(r *DepartmentRow, key string, n int)
	}{
		{"SELECT department_id, '', count(*) FROM officers WHERE term_id = $1 AND left_at IS NULL GROUP BY 1",
			func(r *DepartmentRow, _ string, n int) { r.Officers = n }},
		{"SELECT department_id, outcome, count(*) FROM onboarding WHERE term_id = $1 GROUP BY 1, 2",
			func(r *DepartmentRow, outcome string, n int) {
				switch outcome {
				case contract.OutcomeOnTime:
					r.OnTime = n
				case contract.OutcomeLate:
					r.Late = n
				case contract.OutcomePending:
					r.Pending = n
				case contract.OutcomeNever:
					r.Never = n
				}
			}},
		{"SELECT department_id, status, count(*) FROM attendance WHERE term_id = $1 GROUP BY 1, 2",
			func(r *DepartmentRow, status string, n int) {
				switch status {
				case "present":
					r.Present += n
					r.Expected += n
				case "absent":
					r.Expected += n
				case "excused":
					r.Excused += n
				}
			}},
		{"SELECT slot, '', count(*) FROM submissions WHERE term_id = $1 AND kind = '" + contract.SummaryKind + "' GROUP BY 1",
			func(r *DepartmentRow, _ string, n int) { r.SummariesIn = n }},
		{"SELECT slot, '', count(*) FROM collection_slots WHERE term_id = $1 AND kind = '" + contract.SummaryKind + "' AND NOT submitted GROUP BY 1",
			func(r *DepartmentRow, _ string, n int) { r.SummariesMissing = n }},
	}
	for _, c := range counts {
		if err := groupedCounts(ctx, tx, c.query, termID, func(dept, key string, n int) {
			if r := row(dept); r != nil {
				c.add(r, key, n)
			}
		}); err != nil {
			return Dashboard{}, nil, nil, fmt.Errorf("dashboard of %s: %w", termID, err)
		}
	}

	reports, asOf, err := partReports(ctx, tx, termID)
	if err != nil {
		return Dashboard{}, nil, nil, fmt.Errorf("part reports of %s: %w", termID, err)
	}
	if !asOf.IsZero() {
		d.ReportsAsOf = asOf.In(loc).Format("Mon 2 Jan 15:04:05")
	}
	for _, rep := range reports {
		dept := contract.PartDepartment(rep.Part)
		if dept == "" {
			d.Parts = append(d.Parts, partLine(rep))
			if m, ok := strings.CutPrefix(rep.Part, "month/"); ok && !strings.Contains(m, "/") {
				d.Months = append(d.Months, m)
			}
		}
		for _, o := range rep.Overdue {
			owner := o.Department
			if owner == "" {
				owner = dept
			}
			if r := row(owner); r != nil {
				r.Overdue++
			}
			d.Overdue = append(d.Overdue, deadlineLine(o.Due, loc, o.What, o.Who))
		}
		if n := rep.Next; n != nil && dept == "" {
			d.Upcoming = append(d.Upcoming, deadlineLine(n.Due, loc, n.What, ""))
		}
	}
	byDue := func(a, b DeadlineLine) int { return a.due.Compare(b.due) }
	slices.SortStableFunc(d.Upcoming, byDue)
	slices.SortStableFunc(d.Overdue, byDue)
	if len(d.Upcoming) > upcomingShown {
		d.Upcoming = d.Upcoming[:upcomingShown]
	}
	if d.Attendance, err = attendanceChart(ctx, tx, termID, ""); err != nil {
		return Dashboard{}, nil, nil, fmt.Errorf("attendance of %s: %w", termID, err)
	}
	rows, err = tx.QueryContext(ctx, `
SELECT h.task_id, coalesce(dp.name, h.department_id), h.description, h.due_at
  FROM help_tasks h LEFT JOIN departments dp ON dp.term_id = h.term_id AND dp.id = h.department_id
 WHERE h.term_id = $1 AND h.status = 'requested'
 ORDER BY h.due_at, h.task_id`, termID)
	if err != nil {
		return Dashboard{}, nil, nil, fmt.Errorf("help requests of %s: %w", termID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var h HelpRequestLine
		var due time.Time
		if err := rows.Scan(&h.TaskID, &h.Department, &h.Description, &due); err != nil {
			return Dashboard{}, nil, nil, err
		}
		h.Due = due.In(loc).Format("Mon 2 Jan 15:04")
		d.Unassigned = append(d.Unassigned, h)
	}
	return d, reports, loc, rows.Err()
}

// groupedCounts runs a query whose rows are (department, key, count).
func groupedCounts(ctx context.Context, tx *sql.Tx, query, termID string, add func(dept, key string, n int)) error {
	rows, err := tx.QueryContext(ctx, query, termID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var dept, key string
		var n int
		if err := rows.Scan(&dept, &key, &n); err != nil {
			return err
		}
		add(dept, key, n)
	}
	return rows.Err()
}

// partReports reads the parts' last reports to the term's newest run (a
// term restarted under the same ID reports under a new key), and when the
// last one came.
func partReports(ctx context.Context, tx *sql.Tx, termID string) ([]contract.PartReport, time.Time, error) {
	prefix := contract.SemesterWorkflowID(termID) + "/"
	var key string
	err := tx.QueryRowContext(ctx,
		"SELECT term_key FROM part_reports WHERE left(term_key, length($1)) = $1 ORDER BY version DESC LIMIT 1", prefix).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	rows, err := tx.QueryContext(ctx, "SELECT report, reported_at FROM part_reports WHERE term_key = $1 ORDER BY part", key)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer rows.Close()
	var out []contract.PartReport
	var last time.Time
	for rows.Next() {
		var raw []byte
		var at time.Time
		if err := rows.Scan(&raw, &at); err != nil {
			return nil, time.Time{}, err
		}
		var rep contract.PartReport
		if err := json.Unmarshal(raw, &rep); err != nil {
			return nil, time.Time{}, fmt.Errorf("a stored report: %w", err)
		}
		out = append(out, rep)
		if at.After(last) {
			last = at
		}
	}
	return out, last, rows.Err()
}

func partLine(rep contract.PartReport) PartLine {
	return PartLine{Part: rep.Part, Phase: rep.Phase, Summary: rep.Summary, Done: rep.Done, Problems: rep.Problems}
}

func deadlineLine(due time.Time, loc *time.Location, what, who string) DeadlineLine {
	return DeadlineLine{When: due.In(loc).Format("Mon 2 Jan 15:04"), What: what, Who: who, due: due}
}

// OfficerRow is one officer on a department's page.
type OfficerRow struct {
	Name       string
	Email      string
	Role       string
	Onboarding string
	// Present of Expected exchanges, and Excused.
	Present, Expected, Excused int
	Left                       bool
}

// MeetingRow is one exchange of a department that was held.
type MeetingRow struct {
	Number  int
	When    string
	Place   string
	Present int
	Of      int
	Note    string
}

// DepartmentPage is one department in detail.
type DepartmentPage struct {
	TermID   string
	TermName string
	Row      DepartmentRow
	Officers []OfficerRow
	Meetings []MeetingRow
	Parts    []PartLine
	Overdue  []DeadlineLine
	// Attendance is the department's rate per exchange.
	Attendance *Chart
}

// DepartmentOf reads one department's page; the dashboard's row comes with
// it, so both pages count alike.
func (t *LeaderTable) DepartmentOf(ctx context.Context, termID, departmentID string) (DepartmentPage, error) {
	tx, err := t.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return DepartmentPage{}, err
	}
	defer func() { _ = tx.Rollback() }()
	dash, reports, loc, err := dashboardIn(ctx, tx, termID)
	if err != nil {
		return DepartmentPage{}, err
	}
	p := DepartmentPage{TermID: termID, TermName: dash.TermName}
	found := false
	for _, r := range dash.Departments {
		if r.ID == departmentID {
			p.Row, found = r, true
		}
	}
	if !found {
		return DepartmentPage{}, fmt.Errorf("%w: %s has no department %q", ErrNoDirectory, termID, departmentID)
	}
	rows, err := tx.QueryContext(ctx, `
SELECT o.name, o.email, o.role, o.left_at IS NOT NULL, coalesce(ob.outcome, ''),
       count(a.*) FILTER (WHERE a.status = 'present'),
       count(a.*) FILTER (WHERE a.status IN ('present', 'absent')),
       count(a.*) FILTER (WHERE a.status = 'excused')
  FROM officers o
  LEFT JOIN onboarding ob ON ob.term_id = o.term_id AND ob.officer_email = o.email
  LEFT JOIN attendance a ON a.term_id = o.term_id AND a.department_id = o.department_id AND a.officer_email = o.email
 WHERE o.term_id = $1 AND o.department_id = $2
 GROUP BY o.name, o.email, o.role, o.left_at, ob.outcome, o.position
 ORDER BY o.left_at IS NOT NULL, o.position, o.email`, termID, departmentID)
	if err != nil {
		return DepartmentPage{}, fmt.Errorf("officers of %s: %w", departmentID, err)
	}
	for rows.Next() {
		var o OfficerRow
		if err := rows.Scan(&o.Name, &o.Email, &o.Role, &o.Left, &o.Onboarding, &o.Present, &o.Expected, &o.Excused); err != nil {
			rows.Close()
			return DepartmentPage{}, err
		}
		o.Onboarding = strings.ReplaceAll(o.Onboarding, "_", " ")
		p.Officers = append(p.Officers, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return DepartmentPage{}, err
	}

	rows, err = tx.QueryContext(ctx, `
SELECT m.number, m.starts_at, m.place, m.note,
       count(a.*) FILTER (WHERE a.status = 'present'), count(a.*)
  FROM meetings m
  LEFT JOIN attendance a ON a.term_id = m.term_id AND a.department_id = m.department_id AND a.meeting_number = m.number
 WHERE m.term_id = $1 AND m.department_id = $2
 GROUP BY m.number, m.starts_at, m.place, m.note
 ORDER BY m.number`, termID, departmentID)
	if err != nil {
		return DepartmentPage{}, fmt.Errorf("meetings of %s: %w", departmentID, err)
	}
	for rows.Next() {
		var m MeetingRow
		var starts time.Time
		if err := rows.Scan(&m.Number, &starts, &m.Place, &m.Note, &m.Present, &m.Of); err != nil {
			rows.Close()
			return DepartmentPage{}, err
		}
		m.When = starts.In(loc).Format("Mon 2 Jan 2006, 15:04")
		p.Meetings = append(p.Meetings, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return DepartmentPage{}, err
	}

	if p.Attendance, err = attendanceChart(ctx, tx, termID, departmentID); err != nil {
		return DepartmentPage{}, err
	}
	for _, rep := range reports {
		dept := contract.PartDepartment(rep.Part)
		if dept == departmentID {
			p.Parts = append(p.Parts, partLine(rep))
		}
		for _, o := range rep.Overdue {
			if o.Department == departmentID || o.Department == "" && dept == departmentID {
				l := deadlineLine(o.Due, loc, o.What, o.Who)
				l.WorkflowID, l.Slot = o.WorkflowID, o.Slot
				p.Overdue = append(p.Overdue, l)
			}
		}
	}
	slices.SortStableFunc(p.Overdue, func(a, b DeadlineLine) int { return a.due.Compare(b.due) })
	return p, nil
}

// ServingOfficer finds an officer of term who has not left, for a hand-over.
func (t *LeaderTable) ServingOfficer(ctx context.Context, termID, email string) (plan.Person, string, error) {
	var p plan.Person
	var dept string
	err := t.db.QueryRowContext(ctx, "SELECT name, email, department_id FROM officers WHERE term_id = $1 AND email = $2 AND left_at IS NULL",
		termID, plan.NormalizeEmail(email)).Scan(&p.Name, &p.Email, &dept)
	if errors.Is(err, sql.ErrNoRows) {
		return plan.Person{}, "", fmt.Errorf("%w: %s is not serving in %s", ErrNoDirectory, email, termID)
	}
	return p, dept, err
}
