// Package export turns a term's records in Postgres into the spreadsheets
// leaders hand to the Bureau and the Youth League Committee: attendance
// (each officer at each exchange, and per officer), the submissions, the
// evaluation with each part explained, the help tasks and the audit log,
// as CSV or XLSX. It reads with plain SQL, as the portal does.
package export

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Table is one sheet: a title, a header row and the rows.
type Table struct {
	Title  string
	Header []string
	Rows   [][]string
}

// Kind is one export.
type Kind struct {
	Name  string
	About string
	read  func(ctx context.Context, q querier, termID string, loc *time.Location) (Table, error)
}

// Kinds lists the exports, in the order the help and the pages show them.
var Kinds = []Kind{
	{"attendance", "each officer at each exchange held: present, excused, absent or unrecorded", readAttendance},
	{"attendance-officers", "per officer: exchanges present, excused, absent and the rate", readAttendanceByOfficer},
	{"submissions", "everything handed in: plans, minutes, themes, entries, scores, summaries, milestones", readSubmissions},
	{"evaluation", "every officer's evaluation with each part's value, share and explanation", readEvaluation},
	{"help-tasks", "help requested by departments: who asked, who helped, how it ended", readHelpTasks},
	{"audit", "every human action recorded: who, what, when", readAudit},
}

// KindNames lists the kinds' names, for messages.
func KindNames() string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = k.Name
	}
	return strings.Join(names, ", ")
}

// Formats are the file formats.
const (
	CSV  = "csv"
	XLSX = "xlsx"
)

// ErrNoTerm is returned, wrapped, for a term the database does not know,
// and ErrNoKind for an export there is not.
var (
	ErrNoTerm = errors.New("no such term")
	ErrNoKind = errors.New("no export")
)

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Read reads one kind of termID's records from db in a read-only snapshot.
func Read(ctx context.Context, db *sql.DB, kind, termID string) (Table, error) {
	i := slices.IndexFunc(Kinds, func(k Kind) bool { return k.Name == kind })
	if i < 0 {
		return Table{}, fmt.Errorf("%w %q; the exports are %s", ErrNoKind, kind, KindNames())
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return Table{}, err
	}
	defer func() { _ = tx.Rollback() }()
	var name, zone string
	err = tx.QueryRowContext(ctx, "SELECT name, time_zone FROM terms WHERE id = $1", termID).Scan(&name, &zone)
	if errors.Is(err, sql.ErrNoRows) {
		return Table{}, fmt.Errorf("%w: %q", ErrNoTerm, termID)
	}
	if err != nil {
		return Table{}, fmt.Errorf("read term %s: %w", termID, err)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	t, err := Kinds[i].read(ctx, tx, termID, loc)
	if err != nil {
		return Table{}, fmt.Errorf("export %s of %s: %w", kind, termID, err)
	}
	t.Title = name + ": " + t.Title
	return t, nil
}

// Write writes t to w as format.
func Write(w io.Writer, format string, t Table) error {
	switch format {
	case CSV:
		return writeCSV(w, t)
	case XLSX:
		return writeXLSX(w, t)
	}
	return fmt.Errorf("no format %q; write csv or xlsx", format)
}

// ContentType is the MIME type of format.
func ContentType(format string) string {
	if format == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// writeCSV writes UTF-8 with a byte-order mark, which Excel needs to read
// Chinese names. A cell that a spreadsheet would take for a formula gets
// a leading apostrophe: submissions are people's own text.
func writeCSV(w io.Writer, t Table) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	for _, row := range t.Rows {
		safe := make([]string, len(row))
		for i, cell := range row {
			safe[i] = defuse(cell)
		}
		if err := cw.Write(safe); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func defuse(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// sheetName is the one sheet's name; Excel allows 31 characters.
const sheetName = "export"

// writeXLSX writes one sheet with a bold, frozen header. Cells are set as
// strings, so no text is ever taken for a formula.
func writeXLSX(w io.Writer, t Table) error {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	if err := f.SetSheetName("Sheet1", sheetName); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheetName)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, width := range columnWidths(t) {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	header := make([]any, len(t.Header))
	for i, h := range t.Header {
		header[i] = excelize.Cell{Value: h, StyleID: bold}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for r, row := range t.Rows {
		cells := make([]any, len(row))
		for i, c := range row {
			cells[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// columnWidths fits each column to its longest cell, within bounds.
func columnWidths(t Table) []float64 {
	widths := make([]float64, len(t.Header))
	for i, h := range t.Header {
		widths[i] = float64(len([]rune(h)))
	}
	for _, row := range t.Rows {
		for i, c := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], float64(len([]rune(c))))
			}
		}
	}
	for i := range widths {
		widths[i] = min(max(widths[i]+2, 8), 60)
	}
	return widths
}

// rows runs query with termID and turns each row into strings with scan.
func rows(ctx context.Context, q querier, query, termID string, scan func(*sql.Rows) ([]string, error)) ([][]string, error) {
	rs, err := q.QueryContext(ctx, query, termID)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out [][]string
	for rs.Next() {
		row, err := scan(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, rs.Err()
}

func when(t sql.NullTime, loc *time.Location) string {
	if !t.Valid {
		return ""
	}
	return t.Time.In(loc).Format("2006-01-02 15:04")
}

func readAttendance(ctx context.Context, q querier, termID string, loc *time.Location) (Table, error) {
	t := Table{Title: "attendance at the exchanges",
		Header: []string{"department", "exchange", "starts", "place", "officer", "email", "status", "signed in at", "reason"}}
	var err error
	t.Rows, err = rows(ctx, q, `
SELECT coalesce(d.name, a.department_id), a.meeting_number, m.starts_at, coalesce(m.place, ''),
       coalesce(o.name, ''), a.officer_email, a.status, a.signed_in_at, a.reason
  FROM attendance a
  LEFT JOIN meetings m ON m.term_id = a.term_id AND m.department_id = a.department_id AND m.number = a.meeting_number
  LEFT JOIN departments d ON d.term_id = a.term_id AND d.id = a.department_id
  LEFT JOIN officers o ON o.term_id = a.term_id AND o.email = a.officer_email
 WHERE a.term_id = $1
 ORDER BY coalesce(d.position, 0), a.department_id, a.meeting_number, coalesce(o.position, 0), a.officer_email`, termID,
		func(rs *sql.Rows) ([]string, error) {
			var dept, place, name, email, status, reason string
			var number int
			var starts, signed sql.NullTime
			if err := rs.Scan(&dept, &number, &starts, &place, &name, &email, &status, &signed, &reason); err != nil {
				return nil, err
			}
			return []string{dept, strconv.Itoa(number), when(starts, loc), place, name, email, status, when(signed, loc), reason}, nil
		})
	return t, err
}

func readAttendanceByOfficer(ctx context.Context, q querier, termID string, loc *time.Location) (Table, error) {
	t := Table{Title: "attendance per officer",
		Header: []string{"department", "officer", "email", "present", "excused", "absent", "unrecorded", "rate", "joined", "left"}}
	var err error
	t.Rows, err = rows(ctx, q, `
SELECT coalesce(d.name, o.department_id), o.name, o.email,
       count(a.*) FILTER (WHERE a.status = 'present'),
       count(a.*) FILTER (WHERE a.status = 'excused'),
       count(a.*) FILTER (WHERE a.status = 'absent'),
       count(a.*) FILTER (WHERE a.status = 'unrecorded'),
       o.joined_at, o.left_at
  FROM officers o
  LEFT JOIN departments d ON d.term_id = o.term_id AND d.id = o.department_id
  LEFT JOIN attendance a ON a.term_id = o.term_id AND a.officer_email = o.email
 WHERE o.term_id = $1
 GROUP BY d.name, d.position, o.department_id, o.name, o.email, o.position, o.joined_at, o.left_at
 ORDER BY coalesce(d.position, 0), o.department_id, o.position, o.email`, termID,
		func(rs *sql.Rows) ([]string, error) {
			var dept, name, email string
			var present, excused, absent, unrecorded int
			var joined, left sql.NullTime
			if err := rs.Scan(&dept, &name, &email, &present, &excused, &absent, &unrecorded, &joined, &left); err != nil {
				return nil, err
			}
			rate := ""
			if n := present + absent; n > 0 {
				rate = fmt.Sprintf("%.0f%%", 100*float64(present)/float64(n))
			}
			return []string{dept, name, email, strconv.Itoa(present), strconv.Itoa(excused), strconv.Itoa(absent), strconv.Itoa(unrecorded),
				rate, when(joined, loc), when(left, loc)}, nil
		})
	return t, err
}

func readSubmissions(ctx context.Context, q querier, termID string, loc *time.Location) (Table, error) {
	t := Table{Title: "submissions",
		Header: []string{"kind", "scope", "slot", "author", "email", "submitted", "due", "late", "scores", "text"}}
	var err error
	t.Rows, err = rows(ctx, q, `
SELECT s.kind, s.scope, s.slot, coalesce(o.name, l.name, d.head_name, ''), s.author_email, s.submitted_at, s.due_at, s.late, s.scores::text, s.body
  FROM submissions s
  LEFT JOIN officers o ON o.term_id = s.term_id AND o.email = s.author_email
  LEFT JOIN leaders l ON l.term_id = s.term_id AND l.email = s.author_email
  LEFT JOIN LATERAL (SELECT head_name FROM departments WHERE term_id = s.term_id AND head_email = s.author_email LIMIT 1) d ON true
 WHERE s.term_id = $1
 ORDER BY s.kind, s.scope, s.slot`, termID,
		func(rs *sql.Rows) ([]string, error) {
			var kind, scope, slot, name, email, scores, body string
			var submitted, due sql.NullTime
			var late bool
			if err := rs.Scan(&kind, &scope, &slot, &name, &email, &submitted, &due, &late, &scores, &body); err != nil {
				return nil, err
			}
			if scores == "[]" {
				scores = ""
			}
			return []string{kind, scope, slot, name, email, when(submitted, loc), when(due, loc), yesNo(late), scores, body}, nil
		})
	return t, err
}

// component is one part of an officer's evaluation as stored.
type component struct {
	Name         string  `json:"name"`
	Applicable   bool    `json:"applicable"`
	Value        float64 `json:"value"`
	Share        float64 `json:"share"`
	Contribution float64 `json:"contribution"`
	Detail       string  `json:"detail"`
}

func readEvaluation(ctx context.Context, q querier, termID string, loc *time.Location) (Table, error) {
	type officer struct {
		dept, name, email, total, left string
		parts                          []component
	}
	var officers []officer
	_, err := rows(ctx, q, `
SELECT coalesce(d.name, e.department_id), coalesce(o.name, ''), e.officer_email, e.total, e.components::text, o.left_at
  FROM evaluations e
  LEFT JOIN departments d ON d.term_id = e.term_id AND d.id = e.department_id
  LEFT JOIN officers o ON o.term_id = e.term_id AND o.email = e.officer_email
 WHERE e.term_id = $1
 ORDER BY coalesce(d.position, 0), e.department_id, coalesce(o.position, 0), e.officer_email`, termID,
		func(rs *sql.Rows) ([]string, error) {
			var o officer
			var total sql.NullFloat64
			var raw string
			var left sql.NullTime
			if err := rs.Scan(&o.dept, &o.name, &o.email, &total, &raw, &left); err != nil {
				return nil, err
			}
			if total.Valid {
				o.total = fmt.Sprintf("%.1f%%", 100*total.Float64)
			}
			o.left = when(left, loc)
			if err := json.Unmarshal([]byte(raw), &o.parts); err != nil {
				return nil, fmt.Errorf("the evaluation of %s: %w", o.email, err)
			}
			officers = append(officers, o)
			return nil, nil
		})
	if err != nil {
		return Table{}, err
	}
	// One group of columns per part, in the order the parts first appear.
	var names []string
	for _, o := range officers {
		for _, c := range o.parts {
			if !slices.Contains(names, c.Name) {
				names = append(names, c.Name)
			}
		}
	}
	t := Table{Title: "evaluation", Header: []string{"department", "officer", "email", "total", "left on"}}
	for _, n := range names {
		t.Header = append(t.Header, n+": value", n+": share", n+": how")
	}
	for _, o := range officers {
		row := []string{o.dept, o.name, o.email, o.total, o.left}
		for _, n := range names {
			i := slices.IndexFunc(o.parts, func(c component) bool { return c.Name == n })
			switch {
			case i < 0:
				row = append(row, "", "", "")
			case !o.parts[i].Applicable:
				row = append(row, "n/a", "0%", o.parts[i].Detail)
			default:
				c := o.parts[i]
				row = append(row, fmt.Sprintf("%.0f%%", 100*c.Value), fmt.Sprintf("%.0f%%", 100*c.Share), c.Detail)
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

func readHelpTasks(ctx context.Context, q querier, termID string, loc *time.Location) (Table, error) {
	t := Table{Title: "help tasks",
		Header: []string{"task", "department", "requested by", "description", "needed by", "requested", "assignee", "assigned by", "assigned", "status", "completed"}}
	var err error
	t.Rows, err = rows(ctx, q, `
SELECT h.task_id, coalesce(d.name, h.department_id), h.requester, h.description, h.due_at, h.requested_at,
       h.assignee, h.assigned_by, h.assigned_at, h.status, h.completed_at
  FROM help_tasks h
  LEFT JOIN departments d ON d.term_id = h.term_id AND d.id = h.department_id
 WHERE h.term_id = $1
 ORDER BY h.requested_at, h.task_id`, termID,
		func(rs *sql.Rows) ([]string, error) {
			var task, dept, requester, desc, assignee, by, status string
			var due, requested, assigned, completed sql.NullTime
			if err := rs.Scan(&task, &dept, &requester, &desc, &due, &requested, &assignee, &by, &assigned, &status, &completed); err != nil {
				return nil, err
			}
			return []string{task, dept, requester, desc, when(due, loc), when(requested, loc), assignee, by, when(assigned, loc), status, when(completed, loc)}, nil
		})
	return t, err
}

func readAudit(ctx context.Context, q querier, termID string, loc *time.Location) (Table, error) {
	t := Table{Title: "audit log",
		Header: []string{"plan time", "recorded", "who", "action", "subject", "workflow", "details"}}
	var err error
	t.Rows, err = rows(ctx, q, `
SELECT plan_time, recorded_at, actor, action, subject, workflow_id, payload::text
  FROM audit_log WHERE term_id = $1 ORDER BY recorded_at, id`, termID,
		func(rs *sql.Rows) ([]string, error) {
			var actor, action, subject, workflow, payload string
			var planTime, recorded sql.NullTime
			if err := rs.Scan(&planTime, &recorded, &actor, &action, &subject, &workflow, &payload); err != nil {
				return nil, err
			}
			if payload == "{}" {
				payload = ""
			}
			return []string{when(planTime, loc), when(recorded, loc), actor, action, subject, workflow, payload}, nil
		})
	return t, err
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
