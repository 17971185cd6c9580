package portal

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"semesterflow/internal/links"
)

// DirectoryPerson is one row of the personnel directory.
type DirectoryPerson struct {
	Name  string
	Role  string
	Email string
}

// DirectoryGroup is the leaders, or one department with its head first.
type DirectoryGroup struct {
	Department string
	People     []DirectoryPerson
}

// Directory is a term's personnel directory as the portal shows it.
type Directory struct {
	TermID   string
	TermName string
	// Groups are the leaders, when there are any, then the departments.
	Groups      []DirectoryGroup
	Departments int
}

// People counts the rows.
func (d Directory) People() int {
	n := 0
	for _, g := range d.Groups {
		n += len(g.People)
	}
	return n
}

// Directories is where the term's directory is read.
type Directories interface {
	// DirectoryOf returns an error wrapping ErrNoDirectory for a term it
	// does not know.
	DirectoryOf(ctx context.Context, termID string) (Directory, error)
}

// ErrNoDirectory is returned, wrapped, for a term with no directory.
var ErrNoDirectory = errors.New("no directory for that term")

// DirectoryTable reads the directory the worker saves (see
// store.SaveDirectory) with plain SQL: the leaders, then the departments in
// plan order, each with its head first and without the officers who left.
type DirectoryTable struct {
	db *sql.DB
}

// NewDirectoryTable reads directories from db, a Postgres database that
// store migrated.
func NewDirectoryTable(db *sql.DB) *DirectoryTable { return &DirectoryTable{db: db} }

// DirectoryOf reads termID's directory in one read-only snapshot.
func (t *DirectoryTable) DirectoryOf(ctx context.Context, termID string) (Directory, error) {
	d := Directory{TermID: termID}
	tx, err := t.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return Directory{}, fmt.Errorf("directory of %s: %w", termID, err)
	}
	defer func() { _ = tx.Rollback() }()
	err = tx.QueryRowContext(ctx, "SELECT name FROM terms WHERE id = $1", termID).Scan(&d.TermName)
	if errors.Is(err, sql.ErrNoRows) {
		return Directory{}, fmt.Errorf("%w: %s", ErrNoDirectory, termID)
	}
	if err != nil {
		return Directory{}, fmt.Errorf("directory of %s: %w", termID, err)
	}
	leaders := DirectoryGroup{Department: "Leaders"}
	err = scanRows(ctx, tx, func(rows *sql.Rows) error {
		var p DirectoryPerson
		if err := rows.Scan(&p.Name, &p.Role, &p.Email); err != nil {
			return err
		}
		if p.Role == "" {
			p.Role = "Leader"
		}
		leaders.People = append(leaders.People, p)
		return nil
	}, "SELECT name, role, email FROM leaders WHERE term_id = $1 ORDER BY position, email", termID)
	if err != nil {
		return Directory{}, fmt.Errorf("leaders of %s: %w", termID, err)
	}
	if len(leaders.People) > 0 {
		d.Groups = append(d.Groups, leaders)
	}
	at := map[string]int{}
	err = scanRows(ctx, tx, func(rows *sql.Rows) error {
		var id string
		var g DirectoryGroup
		var head DirectoryPerson
		if err := rows.Scan(&id, &g.Department, &head.Name, &head.Email); err != nil {
			return err
		}
		head.Role = "Head"
		g.People = []DirectoryPerson{head}
		at[id] = len(d.Groups)
		d.Groups = append(d.Groups, g)
		return nil
	}, "SELECT id, name, head_name, head_email FROM departments WHERE term_id = $1 ORDER BY position, id", termID)
	if err != nil {
		return Directory{}, fmt.Errorf("departments of %s: %w", termID, err)
	}
	err = scanRows(ctx, tx, func(rows *sql.Rows) error {
		var department string
		var p DirectoryPerson
		if err := rows.Scan(&department, &p.Name, &p.Role, &p.Email); err != nil {
			return err
		}
		if i, ok := at[department]; ok {
			if p.Role == "" {
				p.Role = "Officer"
			}
			d.Groups[i].People = append(d.Groups[i].People, p)
		}
		return nil
	}, "SELECT department_id, name, role, email FROM officers WHERE term_id = $1 AND left_at IS NULL ORDER BY position, email", termID)
	if err != nil {
		return Directory{}, fmt.Errorf("officers of %s: %w", termID, err)
	}
	d.Departments = len(at)
	return d, nil
}

func scanRows(ctx context.Context, tx *sql.Tx, each func(*sql.Rows) error, query string, args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// showDirectory answers a directory link: the page, or with ?format=csv the
// spreadsheet of the same rows.
func (s *Server) showDirectory(w http.ResponseWriter, r *http.Request, c links.Claims) {
	if s.directories == nil {
		s.message(w, http.StatusNotFound, "No directory here", "This portal does not serve the personnel directory. Ask the Organization Department for it.")
		return
	}
	termID := c.Slot
	d, err := s.directories.DirectoryOf(r.Context(), termID)
	switch {
	case errors.Is(err, ErrNoDirectory):
		s.message(w, http.StatusNotFound, "No directory for this term", "The term this link was for has no directory any more.")
		return
	case err != nil:
		s.logger.Error("read the directory", "term", termID, "error", err)
		s.message(w, http.StatusServiceUnavailable, "The directory cannot be read just now", "Please try again in a few minutes.")
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		writeDirectoryCSV(w, d)
		return
	}
	s.render(w, http.StatusOK, "directory.html", page{Title: "Personnel directory", Directory: &d, CSVLink: "/act/" + r.PathValue("token") + "?format=csv"})
}

// writeDirectoryCSV writes the directory as a spreadsheet, one person a row.
// A leading BOM lets spreadsheet programs read the names as UTF-8.
func writeDirectoryCSV(w http.ResponseWriter, d Directory) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="directory-%s.csv"`, safeFileName(d.TermID)))
	_, _ = w.Write([]byte("\ufeff"))
	out := csv.NewWriter(w)
	_ = out.Write([]string{"Department", "Name", "Role", "Email"})
	for _, g := range d.Groups {
		for _, p := range g.People {
			_ = out.Write([]string{spreadsheetSafe(g.Department), spreadsheetSafe(p.Name), spreadsheetSafe(p.Role), p.Email})
		}
	}
	out.Flush()
}

// spreadsheetSafe keeps a cell that starts like a formula from being run as
// one when the file is opened.
func spreadsheetSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}
