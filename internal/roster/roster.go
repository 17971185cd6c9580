// Package roster reads the officer lists departments keep in spreadsheets
// (CSV as Excel writes it, with or without a byte-order mark, or XLSX) and
// puts them into a plan file: each department in the sheet gets the
// sheet's officers, and its head when a row says so. Every problem names
// the sheet's row and column, and a sheet with any problem changes
// nothing.
package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	netmail "net/mail"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
	"go.yaml.in/yaml/v3"

	"semesterflow/plan"
)

// MaxFileBytes bounds a roster file: 50,000 officers fit in well under it.
const MaxFileBytes = 16 << 20

// Row is one person in a roster file; Line is its row in the sheet,
// counting the header as row 1.
type Row struct {
	Line       int
	Department string
	Name       string
	Email      string
	Role       string
	// columns names each field's column, "C (email)", for problems.
	columns map[string]string
}

func (r Row) column(field string) string {
	if c, ok := r.columns[field]; ok {
		return c
	}
	return field
}

// Head tells whether the row names the department's head.
func (r Row) Head() bool {
	switch strings.ToLower(strings.TrimSpace(r.Role)) {
	case "head", "department head", "部长":
		return true
	}
	return false
}

// Problem is one thing wrong with a roster file. Row 0 is the file as a
// whole; Column is empty when the problem is the row's.
type Problem struct {
	Row     int
	Column  string
	Message string
}

func (p Problem) String() string {
	switch {
	case p.Row == 0:
		return p.Message
	case p.Column == "":
		return fmt.Sprintf("row %d: %s", p.Row, p.Message)
	}
	return fmt.Sprintf("row %d, column %s: %s", p.Row, p.Column, p.Message)
}

// Error lists every problem of a file.
type Error struct {
	File     string
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s has %d problem", e.File, len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteString("s")
	}
	b.WriteString("; nothing was changed:")
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.String())
	}
	return b.String()
}

// columns maps a header, lower-cased, to the field it fills: English and
// Chinese spellings.
var columns = map[string]string{
	"department": "department", "dept": "department", "部门": "department",
	"name": "name", "姓名": "name",
	"email": "email", "e-mail": "email", "email address": "email", "邮箱": "email", "电子邮箱": "email",
	"role": "role", "position": "role", "职务": "role",
}

// Read parses a roster file by its name's extension, .csv or .xlsx.
// Columns other than department, name, email and role are ignored; blank
// rows are skipped.
func Read(name string, data []byte) ([]Row, error) {
	fail := func(msg string) ([]Row, error) {
		return nil, &Error{File: name, Problems: []Problem{{Message: msg}}}
	}
	if len(data) > MaxFileBytes {
		return fail(fmt.Sprintf("the file has %d bytes; a roster may have at most %d", len(data), MaxFileBytes))
	}
	var cells [][]string
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".csv":
		var p *Problem
		if cells, p = readCSV(data); p != nil {
			return nil, &Error{File: name, Problems: []Problem{*p}}
		}
	case ".xlsx":
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			return fail("the file is not an XLSX workbook: " + err.Error())
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return fail("the workbook has no sheet")
		}
		if cells, err = f.GetRows(sheets[0]); err != nil {
			return fail("the first sheet cannot be read: " + err.Error())
		}
	default:
		return fail(fmt.Sprintf("a roster is a .csv or an .xlsx file, not %q", ext))
	}
	rows, problems := parse(cells)
	if len(problems) > 0 {
		return nil, &Error{File: name, Problems: problems}
	}
	return rows, nil
}

func readCSV(data []byte) ([][]string, *Problem) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !isUTF8(data) {
		return nil, &Problem{Message: "the file is not UTF-8 text; save it as \"CSV UTF-8\""}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	cells, err := r.ReadAll()
	var perr *csv.ParseError
	if errors.As(err, &perr) {
		return nil, &Problem{Row: perr.StartLine, Message: perr.Err.Error()}
	}
	if err != nil {
		return nil, &Problem{Message: err.Error()}
	}
	return cells, nil
}

func isUTF8(b []byte) bool { return strings.ToValidUTF8(string(b), "\uFFFD") == string(b) }

// parse reads the header and the rows: every problem, not the first.
func parse(cells [][]string) ([]Row, []Problem) {
	if len(cells) == 0 {
		return nil, []Problem{{Message: "the file is empty; its first row names the columns department, name, email and role"}}
	}
	index := map[string]int{}
	var problems []Problem
	for i, h := range cells[0] {
		field, ok := columns[strings.ToLower(strings.TrimSpace(h))]
		if !ok {
			continue
		}
		if j, dup := index[field]; dup {
			problems = append(problems, Problem{Row: 1, Column: columnName(i), Message: fmt.Sprintf("a second %s column (the first is %s)", field, columnName(j))})
			continue
		}
		index[field] = i
	}
	for _, need := range []string{"department", "name", "email"} {
		if _, ok := index[need]; !ok {
			problems = append(problems, Problem{Row: 1, Message: fmt.Sprintf("no %s column; the first row names the columns department, name, email and role", need)})
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	cell := func(row []string, field string) string {
		i, ok := index[field]
		if !ok || i >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	names := map[string]string{}
	for field, i := range index {
		names[field] = columnName(i) + " (" + field + ")"
	}
	var rows []Row
	seen := map[string]int{}
	for n, row := range cells[1:] {
		line := n + 2
		if strings.TrimSpace(strings.Join(row, "")) == "" {
			continue
		}
		r := Row{Line: line, Department: cell(row, "department"), Name: cell(row, "name"), Email: cell(row, "email"), Role: cell(row, "role"), columns: names}
		bad := func(field, msg string) {
			problems = append(problems, Problem{Row: line, Column: names[field], Message: msg})
		}
		if r.Department == "" {
			bad("department", "empty; name the department by its ID or its name in the plan")
		}
		if r.Name == "" {
			bad("name", "empty")
		}
		switch addr, err := netmail.ParseAddress(r.Email); {
		case r.Email == "":
			bad("email", "empty")
		case err != nil || addr.Name != "" || addr.Address != r.Email:
			bad("email", fmt.Sprintf("%q is not an email address", r.Email))
		default:
			key := plan.NormalizeEmail(r.Email)
			if first, dup := seen[key]; dup {
				bad("email", fmt.Sprintf("%s is on row %d already", r.Email, first))
			} else {
				seen[key] = line
			}
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 && len(problems) == 0 {
		problems = append(problems, Problem{Message: "the file has a header but no people"})
	}
	return rows, problems
}

// columnName is a spreadsheet's name for the i-th column: A, B, ..., AA.
func columnName(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

// Change is what an import did to one department.
type Change struct {
	Department string
	Officers   int
	Added      []string
	Removed    []string
	// NewHead is set when the sheet names a different head.
	NewHead string
}

// Apply puts rows into the plan file's YAML and returns the new file,
// which the plan's own validation has accepted, and what changed. Each
// department named in rows gets exactly the officers its rows list, in
// their order, and its head when a row's role is head; departments the
// sheet does not name, and the rest of the file with its comments, stay
// as they were.
func Apply(file string, planYAML []byte, rows []Row) ([]byte, []Change, error) {
	p, err := plan.Decode(planYAML)
	if err != nil {
		return nil, nil, fmt.Errorf("the plan cannot take a roster until it is valid: %w", err)
	}
	byKey := map[string]int{}
	var ids []string
	for i, d := range p.Departments {
		byKey[strings.ToLower(d.ID)] = i
		byKey[strings.ToLower(strings.TrimSpace(d.Name))] = i
		ids = append(ids, d.ID)
	}
	type update struct {
		head     *plan.Person
		headRow  int
		officers []plan.Person
	}
	updates := map[int]*update{}
	var order []int
	var problems []Problem
	for _, r := range rows {
		i, ok := byKey[strings.ToLower(r.Department)]
		if !ok {
			problems = append(problems, Problem{Row: r.Line, Column: r.column("department"), Message: fmt.Sprintf("%q is no department of the plan; its departments are %s", r.Department, strings.Join(ids, ", "))})
			continue
		}
		u := updates[i]
		if u == nil {
			u = &update{}
			updates[i] = u
			order = append(order, i)
		}
		person := plan.Person{Name: r.Name, Email: r.Email}
		if r.Head() {
			if u.head != nil {
				problems = append(problems, Problem{Row: r.Line, Column: r.column("role"), Message: fmt.Sprintf("a second head for %s (the first is on row %d)", p.Departments[i].Name, u.headRow)})
				continue
			}
			u.head, u.headRow = &person, r.Line
			continue
		}
		person.Role = r.Role
		u.officers = append(u.officers, person)
	}
	if len(problems) > 0 {
		return nil, nil, &Error{File: file, Problems: problems}
	}

	var root yaml.Node
	if err := yaml.Unmarshal(planYAML, &root); err != nil {
		return nil, nil, err
	}
	depts := mappingValue(root.Content[0], "departments")
	if depts == nil || depts.Kind != yaml.SequenceNode || len(depts.Content) != len(p.Departments) {
		return nil, nil, errors.New("the plan's departments are not a plain list, so the roster cannot be put in")
	}
	var changes []Change
	for _, i := range order {
		u, d, node := updates[i], p.Departments[i], depts.Content[i]
		c := Change{Department: d.ID, Officers: len(u.officers)}
		before := map[string]bool{}
		for _, o := range d.Officers {
			before[plan.NormalizeEmail(o.Email)] = true
		}
		after := map[string]bool{}
		for _, o := range u.officers {
			key := plan.NormalizeEmail(o.Email)
			after[key] = true
			if !before[key] {
				c.Added = append(c.Added, o.Email)
			}
		}
		for _, o := range d.Officers {
			if !after[plan.NormalizeEmail(o.Email)] {
				c.Removed = append(c.Removed, o.Email)
			}
		}
		if err := setMapping(node, "officers", u.officers); err != nil {
			return nil, nil, err
		}
		if u.head != nil {
			if plan.NormalizeEmail(u.head.Email) != plan.NormalizeEmail(d.Head.Email) || u.head.Name != d.Head.Name {
				c.NewHead = u.head.Name
			}
			if err := setMapping(node, "head", u.head); err != nil {
				return nil, nil, err
			}
		}
		changes = append(changes, c)
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, nil, err
	}
	if _, err := plan.Decode(out.Bytes()); err != nil {
		return nil, nil, fmt.Errorf("with the roster the plan would not be valid, so nothing was changed: %w", err)
	}
	return out.Bytes(), changes, nil
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// setMapping sets key in the mapping m to v, keeping the key's place and
// its comments.
func setMapping(m *yaml.Node, key string, v any) error {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return err
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			n.HeadComment, n.LineComment, n.FootComment = m.Content[i+1].HeadComment, m.Content[i+1].LineComment, m.Content[i+1].FootComment
			m.Content[i+1] = &n
			return nil
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, &n)
	return nil
}
