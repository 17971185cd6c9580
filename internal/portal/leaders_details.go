package portal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"semesterflow/plan"
)

// The detail pages a dashboard row leads to: one exchange with its sheet
// and minutes, one month of organisation life, one officer's record.

// SheetLine is one officer on an exchange's attendance sheet.
type SheetLine struct {
	Name, Email, Status, SignedIn, Reason string
}

// TextEntry is something handed in, as a detail page shows it.
type TextEntry struct {
	What, Who, When, Text string
	Late                  bool
}

// MeetingPage is one exchange in detail.
type MeetingPage struct {
	TermID, TermName         string
	DepartmentID, Department string
	Number                   int
	When, Place, Note        string
	Sheet                    []SheetLine
	Minutes                  []TextEntry
}

// RankLine is one department's entry in a month's competition.
type RankLine struct {
	Rank       string
	Department string
	Mean       string
	Judges     int
}

// MonthPage is one month of organisation life in detail.
type MonthPage struct {
	TermID, TermName string
	Month            string
	Theme, SetBy     string
	Arrangement      string
	Ranking          []RankLine
	Summaries        []TextEntry
	Missing          []string
}

// RecordPart is one part of an officer's evaluation.
type RecordPart struct {
	Name, Value, Share, Detail string
}

// OfficerRecord is one officer's term.
type OfficerRecord struct {
	TermID, TermName         string
	Name, Email, Role        string
	DepartmentID, Department string
	Joined, Left             string
	Onboarding               string
	Deadline, Acknowledged   string
	Attendance               []SheetLine
	Handed                   []TextEntry
	Total                    string
	Parts                    []RecordPart
}

// termZone reads a term's name and time zone.
func termZone(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, termID string) (string, *time.Location, error) {
	var name, zone string
	err := q.QueryRowContext(ctx, "SELECT name, time_zone FROM terms WHERE id = $1", termID).Scan(&name, &zone)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, fmt.Errorf("%w: %s", ErrNoDirectory, termID)
	}
	if err != nil {
		return "", nil, err
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	return name, loc, nil
}

func local(t sql.NullTime, loc *time.Location) string {
	if !t.Valid {
		return ""
	}
	return t.Time.In(loc).Format("Mon 2 Jan 2006, 15:04")
}

// MeetingOf reads one exchange of a department.
func (t *LeaderTable) MeetingOf(ctx context.Context, termID, departmentID string, number int) (MeetingPage, error) {
	tx, err := t.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return MeetingPage{}, err
	}
	defer func() { _ = tx.Rollback() }()
	p := MeetingPage{TermID: termID, DepartmentID: departmentID, Number: number}
	var loc *time.Location
	if p.TermName, loc, err = termZone(ctx, tx, termID); err != nil {
		return MeetingPage{}, err
	}
	var starts sql.NullTime
	err = tx.QueryRowContext(ctx, `
SELECT coalesce(d.name, m.department_id), m.starts_at, m.place, m.note
  FROM meetings m LEFT JOIN departments d ON d.term_id = m.term_id AND d.id = m.department_id
 WHERE m.term_id = $1 AND m.department_id = $2 AND m.number = $3`, termID, departmentID, number).Scan(&p.Department, &starts, &p.Place, &p.Note)
	if errors.Is(err, sql.ErrNoRows) {
		return MeetingPage{}, fmt.Errorf("%w: no exchange %d of %s", ErrNoDirectory, number, departmentID)
	}
	if err != nil {
		return MeetingPage{}, err
	}
	p.When = local(starts, loc)
	rows, err := tx.QueryContext(ctx, `
SELECT coalesce(o.name, ''), a.officer_email, a.status, a.signed_in_at, a.reason
  FROM attendance a LEFT JOIN officers o ON o.term_id = a.term_id AND o.email = a.officer_email
 WHERE a.term_id = $1 AND a.department_id = $2 AND a.meeting_number = $3
 ORDER BY coalesce(o.position, 0), a.officer_email`, termID, departmentID, number)
	if err != nil {
		return MeetingPage{}, err
	}
	for rows.Next() {
		var l SheetLine
		var signed sql.NullTime
		if err := rows.Scan(&l.Name, &l.Email, &l.Status, &signed, &l.Reason); err != nil {
			rows.Close()
			return MeetingPage{}, err
		}
		l.SignedIn = local(signed, loc)
		p.Sheet = append(p.Sheet, l)
	}
	rows.Close()
	if p.Minutes, err = entries(ctx, tx, loc, `
SELECT 'minutes', author_email, submitted_at, late, body FROM submissions
 WHERE term_id = $1 AND kind = 'minutes' AND scope = $2 ORDER BY submitted_at`, termID, fmt.Sprintf("%s/exchange-%d", departmentID, number)); err != nil {
		return MeetingPage{}, err
	}
	return p, rows.Err()
}

// entries reads handed-in texts: (what, who, when, late, text) rows.
func entries(ctx context.Context, tx *sql.Tx, loc *time.Location, query string, args ...any) ([]TextEntry, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TextEntry
	for rows.Next() {
		var e TextEntry
		var at sql.NullTime
		if err := rows.Scan(&e.What, &e.Who, &at, &e.Late, &e.Text); err != nil {
			return nil, err
		}
		e.When = local(at, loc)
		out = append(out, e)
	}
	return out, rows.Err()
}

// MonthOf reads one month of organisation life.
func (t *LeaderTable) MonthOf(ctx context.Context, termID, month string) (MonthPage, error) {
	tx, err := t.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return MonthPage{}, err
	}
	defer func() { _ = tx.Rollback() }()
	p := MonthPage{TermID: termID, Month: month}
	var loc *time.Location
	if p.TermName, loc, err = termZone(ctx, tx, termID); err != nil {
		return MonthPage{}, err
	}
	var fallback bool
	err = tx.QueryRowContext(ctx, "SELECT theme, set_by, fallback, arrangement FROM month_themes WHERE term_id = $1 AND month = $2", termID, month).
		Scan(&p.Theme, &p.SetBy, &fallback, &p.Arrangement)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return MonthPage{}, err
	case fallback:
		p.SetBy = "the departments' recommendations"
	}
	rows, err := tx.QueryContext(ctx, `
SELECT c.rank, coalesce(d.name, c.department_id), c.mean_total, c.judges
  FROM competition_results c LEFT JOIN departments d ON d.term_id = c.term_id AND d.id = c.department_id
 WHERE c.term_id = $1 AND c.month = $2
 ORDER BY c.rank NULLS LAST, coalesce(d.position, 0)`, termID, month)
	if err != nil {
		return MonthPage{}, err
	}
	for rows.Next() {
		var l RankLine
		var rank sql.NullInt64
		var mean sql.NullFloat64
		if err := rows.Scan(&rank, &l.Department, &mean, &l.Judges); err != nil {
			rows.Close()
			return MonthPage{}, err
		}
		l.Rank, l.Mean = "–", "not scored"
		if rank.Valid {
			l.Rank, l.Mean = strconv.FormatInt(rank.Int64, 10), strconv.FormatFloat(mean.Float64, 'f', 1, 64)
		}
		p.Ranking = append(p.Ranking, l)
	}
	rows.Close()
	if p.Summaries, err = entries(ctx, tx, loc, `
SELECT coalesce(d.name, s.slot), s.author_email, s.submitted_at, s.late, s.body
  FROM submissions s LEFT JOIN departments d ON d.term_id = s.term_id AND d.id = s.slot
 WHERE s.term_id = $1 AND s.kind = 'summary' AND s.scope = $2
 ORDER BY coalesce(d.position, 0), s.slot`, termID, month); err != nil {
		return MonthPage{}, err
	}
	missing, err := tx.QueryContext(ctx, `
SELECT coalesce(d.name, c.slot) FROM collection_slots c LEFT JOIN departments d ON d.term_id = c.term_id AND d.id = c.slot
 WHERE c.term_id = $1 AND c.kind = 'summary' AND c.scope = $2 AND NOT c.submitted
 ORDER BY coalesce(d.position, 0), c.slot`, termID, month)
	if err != nil {
		return MonthPage{}, err
	}
	defer missing.Close()
	for missing.Next() {
		var name string
		if err := missing.Scan(&name); err != nil {
			return MonthPage{}, err
		}
		p.Missing = append(p.Missing, name)
	}
	return p, missing.Err()
}

// OfficerOf reads one officer's record.
func (t *LeaderTable) OfficerOf(ctx context.Context, termID, email string) (OfficerRecord, error) {
	tx, err := t.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return OfficerRecord{}, err
	}
	defer func() { _ = tx.Rollback() }()
	r := OfficerRecord{TermID: termID}
	var loc *time.Location
	if r.TermName, loc, err = termZone(ctx, tx, termID); err != nil {
		return OfficerRecord{}, err
	}
	var joined, left, deadline, acked sql.NullTime
	err = tx.QueryRowContext(ctx, `
SELECT o.name, o.email, o.role, o.department_id, coalesce(d.name, o.department_id), o.joined_at, o.left_at,
       coalesce(ob.outcome, ''), ob.deadline_at, ob.acknowledged_at
  FROM officers o
  LEFT JOIN departments d ON d.term_id = o.term_id AND d.id = o.department_id
  LEFT JOIN onboarding ob ON ob.term_id = o.term_id AND ob.officer_email = o.email
 WHERE o.term_id = $1 AND o.email = $2`, termID, plan.NormalizeEmail(email)).
		Scan(&r.Name, &r.Email, &r.Role, &r.DepartmentID, &r.Department, &joined, &left, &r.Onboarding, &deadline, &acked)
	if errors.Is(err, sql.ErrNoRows) {
		return OfficerRecord{}, fmt.Errorf("%w: %s is no officer of %s", ErrNoDirectory, email, termID)
	}
	if err != nil {
		return OfficerRecord{}, err
	}
	r.Joined, r.Left, r.Deadline, r.Acknowledged = local(joined, loc), local(left, loc), local(deadline, loc), local(acked, loc)
	r.Onboarding = strings.ReplaceAll(r.Onboarding, "_", " ")
	rows, err := tx.QueryContext(ctx, `
SELECT 'Exchange ' || a.meeting_number, a.officer_email, a.status, a.signed_in_at, a.reason
  FROM attendance a WHERE a.term_id = $1 AND a.officer_email = $2 ORDER BY a.meeting_number`, termID, r.Email)
	if err != nil {
		return OfficerRecord{}, err
	}
	for rows.Next() {
		var l SheetLine
		var signed sql.NullTime
		if err := rows.Scan(&l.Name, &l.Email, &l.Status, &signed, &l.Reason); err != nil {
			rows.Close()
			return OfficerRecord{}, err
		}
		l.SignedIn = local(signed, loc)
		r.Attendance = append(r.Attendance, l)
	}
	rows.Close()
	if r.Handed, err = entries(ctx, tx, loc, `
SELECT kind || ' ' || scope, author_email, submitted_at, late, '' FROM submissions
 WHERE term_id = $1 AND author_email = $2 ORDER BY submitted_at`, termID, r.Email); err != nil {
		return OfficerRecord{}, err
	}
	var total sql.NullFloat64
	var raw string
	err = tx.QueryRowContext(ctx, "SELECT total, components::text FROM evaluations WHERE term_id = $1 AND officer_email = $2", termID, r.Email).Scan(&total, &raw)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return r, nil
	case err != nil:
		return OfficerRecord{}, err
	}
	if total.Valid {
		r.Total = fmt.Sprintf("%.1f%%", 100*total.Float64)
	}
	var parts []struct {
		Name       string  `json:"name"`
		Applicable bool    `json:"applicable"`
		Value      float64 `json:"value"`
		Share      float64 `json:"share"`
		Detail     string  `json:"detail"`
	}
	if err := json.Unmarshal([]byte(raw), &parts); err != nil {
		return OfficerRecord{}, fmt.Errorf("the evaluation of %s: %w", r.Email, err)
	}
	for _, c := range parts {
		p := RecordPart{Name: c.Name, Value: "n/a", Share: "0%", Detail: c.Detail}
		if c.Applicable {
			p.Value, p.Share = fmt.Sprintf("%.0f%%", 100*c.Value), fmt.Sprintf("%.0f%%", 100*c.Share)
		}
		r.Parts = append(r.Parts, p)
	}
	return r, nil
}

// meetingPage serves one exchange, to the term's leaders and the
// department's head; monthPage serves a month to the leaders, officerPage
// an officer's record to the leaders and the officer's head.
func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request) {
	email, roles, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	term, dept := r.PathValue("term"), r.PathValue("department")
	number, err := strconv.Atoi(r.PathValue("number"))
	if !s.mayView(w, email, roles, term, dept) {
		return
	}
	var p MeetingPage
	if err == nil {
		p, err = s.leaders.table.MeetingOf(r.Context(), term, dept, number)
	} else {
		err = fmt.Errorf("%w: exchanges are numbered", ErrNoDirectory)
	}
	if !s.detailFound(w, err) {
		return
	}
	leader, _ := leads(roles, term)
	s.render(w, http.StatusOK, "leaders_meeting.html", page{Title: fmt.Sprintf("Exchange %d, %s", p.Number, p.Department), Wide: true,
		Leader: &leaderPage{Email: email, Roles: roles, Leader: leader, Meeting: &p}})
}

func (s *Server) monthPage(w http.ResponseWriter, r *http.Request) {
	email, roles, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	term, month := r.PathValue("term"), r.PathValue("month")
	if leader, _ := leads(roles, term); !leader {
		s.forbidden(w, email, roles, "A month's page, with every department's entry and summary, is for the term's leaders.")
		return
	}
	p, err := s.leaders.table.MonthOf(r.Context(), term, month)
	if !s.detailFound(w, err) {
		return
	}
	s.render(w, http.StatusOK, "leaders_month.html", page{Title: "Organisation life, " + month, Wide: true,
		Leader: &leaderPage{Email: email, Roles: roles, Leader: true, Month: &p}})
}

func (s *Server) officerPage(w http.ResponseWriter, r *http.Request) {
	email, roles, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	term := r.PathValue("term")
	rec, err := s.leaders.table.OfficerOf(r.Context(), term, r.PathValue("email"))
	// Checked before saying whether the officer exists, so a head learns
	// nothing about other departments.
	leader, heads := leads(roles, term)
	if !leader && (err != nil || !heads[rec.DepartmentID]) {
		s.forbidden(w, email, roles, "You can see the records of your own department's officers.")
		return
	}
	if !s.detailFound(w, err) {
		return
	}
	s.render(w, http.StatusOK, "leaders_officer.html", page{Title: rec.Name, Wide: true,
		Leader: &leaderPage{Email: email, Roles: roles, Leader: leader, Officer: &rec}})
}

// mayView lets the term's leaders and the department's head through.
func (s *Server) mayView(w http.ResponseWriter, email string, roles []Role, term, dept string) bool {
	leader, heads := leads(roles, term)
	if !leader && !heads[dept] {
		s.forbidden(w, email, roles, "You can see the department you head, and its leaders see every department.")
		return false
	}
	return true
}

func (s *Server) detailFound(w http.ResponseWriter, err error) bool {
	switch {
	case errors.Is(err, ErrNoDirectory):
		s.message(w, http.StatusNotFound, "Not found", strings.TrimPrefix(err.Error(), ErrNoDirectory.Error()+": "))
		return false
	case err != nil:
		s.unavailable(w, "read a detail page", err)
		return false
	}
	return true
}
