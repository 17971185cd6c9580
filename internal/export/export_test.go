package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"semesterflow/internal/export"
	"semesterflow/internal/testenv"
	"semesterflow/store"
)

// seeded is a migrated database holding a small term's records, as the
// worker writes them.
func seeded(t *testing.T) func(kind string) export.Table {
	t.Helper()
	ctx := context.Background()
	db := testenv.OpenBun(t, testenv.Postgres(t))
	if _, err := store.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	st := store.New(db)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	if err := st.SaveDirectory(ctx, store.Directory{
		Term: store.Term{ID: "2026-fall", Name: "Fall 2026", StartsOn: time.Date(2026, 9, 1, 0, 0, 0, 0, shanghai),
			EndsOn: time.Date(2027, 1, 15, 0, 0, 0, 0, shanghai), TimeZone: "Asia/Shanghai", WorkflowID: "semester/2026-fall"},
		Leaders:     []store.Leader{{Email: "li.wei@example.edu", Name: "Li Wei", Role: "minister"}},
		Departments: []store.Department{{ID: "publicity", Name: "宣传部", HeadName: "Sun Hao", HeadEmail: "sun.hao@example.edu"}},
		Officers: []store.Officer{
			{Email: "ma.li@example.edu", DepartmentID: "publicity", Name: "马丽", Position: 0},
			{Email: "guo.rui@example.edu", DepartmentID: "publicity", Name: "Guo Rui", Position: 1},
		},
	}); err != nil {
		t.Fatal(err)
	}
	held := time.Date(2026, 9, 15, 11, 0, 0, 0, time.UTC)
	if err := st.SaveMeetings(ctx, []store.Meeting{{TermID: "2026-fall", DepartmentID: "publicity", Number: 1, StartsAt: held, EndsAt: held.Add(time.Hour), Place: "Room 204"}}); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordAttendance(ctx, []store.Attendance{
		{TermID: "2026-fall", DepartmentID: "publicity", MeetingNumber: 1, OfficerEmail: "ma.li@example.edu", Status: "present", SignedInAt: &held},
		{TermID: "2026-fall", DepartmentID: "publicity", MeetingNumber: 1, OfficerEmail: "guo.rui@example.edu", Status: "excused", Reason: "exam"},
	}, nil); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		// A summary whose text a spreadsheet would run as a formula.
		`INSERT INTO submissions (term_id, kind, scope, slot, author_email, body, submitted_at, due_at)
		 VALUES ('2026-fall', 'summary', '2026-10', 'publicity', 'sun.hao@example.edu', '=HYPERLINK("http://evil.example","click")', '2026-10-30 12:00Z', '2026-10-31 15:59Z')`,
		`INSERT INTO evaluations (term_id, officer_email, department_id, total, components, computed_at)
		 VALUES ('2026-fall', 'ma.li@example.edu', 'publicity', 0.8,
		 '[{"name":"attendance","applicable":true,"value":1,"weight":0.5,"share":0.5,"contribution":0.5,"detail":"present at 1 of 1"},
		   {"name":"onboarding","applicable":true,"value":0.6,"weight":0.5,"share":0.5,"contribution":0.3,"detail":"acknowledged late"}]', now())`,
		`INSERT INTO help_tasks (term_id, task_id, department_id, requester, description, due_at, requested_at, assignee, status)
		 VALUES ('2026-fall', 't1', 'publicity', 'sun.hao@example.edu', 'Two people to hang posters', '2026-10-10 10:00Z', '2026-10-01 10:00Z', 'ma.li@example.edu', 'assigned')`,
		`INSERT INTO audit_log (key, term_id, actor, action, subject, payload, plan_time)
		 VALUES ('k1', '2026-fall', 'li.wei@example.edu', 'set_theme', '2026-10', '{"theme":"服务同学"}', '2026-10-02 02:00Z')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return func(kind string) export.Table {
		t.Helper()
		tb, err := export.Read(ctx, db.DB, kind, "2026-fall")
		if err != nil {
			t.Fatalf("export %s: %v", kind, err)
		}
		return tb
	}
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Error("the CSV has no byte-order mark, so Excel would garble its Chinese")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func readXLSX(t *testing.T, b []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// Every export reads back, from CSV and from XLSX, as the rows the
// records hold, Chinese included, in the term's time zone.
func TestEveryExportReadsBackInBothFormats(t *testing.T) {
	read := seeded(t)
	want := map[string][]string{
		"attendance":          {"宣传部", "1", "2026-09-15 19:00", "Room 204", "马丽", "ma.li@example.edu", "present", "2026-09-15 19:00", ""},
		"attendance-officers": {"宣传部", "马丽", "ma.li@example.edu", "1", "0", "0", "0", "100%", "", ""},
		"submissions":         {"summary", "2026-10", "publicity", "Sun Hao", "sun.hao@example.edu", "2026-10-30 20:00", "2026-10-31 23:59", "no", "", `=HYPERLINK("http://evil.example","click")`},
		"evaluation":          {"宣传部", "马丽", "ma.li@example.edu", "80.0%", "", "100%", "50%", "present at 1 of 1", "60%", "50%", "acknowledged late"},
		"help-tasks":          {"t1", "宣传部", "sun.hao@example.edu", "Two people to hang posters", "2026-10-10 18:00", "2026-10-01 18:00", "ma.li@example.edu", "", "", "assigned", ""},
		"audit":               {"2026-10-02 10:00"},
	}
	for _, k := range export.Kinds {
		tb := read(k.Name)
		first, ok := want[k.Name]
		if !ok {
			t.Errorf("export %s has no expectation", k.Name)
			continue
		}
		if len(tb.Rows) == 0 {
			t.Errorf("export %s has no rows", k.Name)
			continue
		}
		for _, format := range []string{export.CSV, export.XLSX} {
			var b bytes.Buffer
			if err := export.Write(&b, format, tb); err != nil {
				t.Fatalf("%s as %s: %v", k.Name, format, err)
			}
			var rows [][]string
			if format == export.CSV {
				rows = readCSV(t, b.Bytes())
			} else {
				rows = readXLSX(t, b.Bytes())
			}
			if strings.Join(rows[0], "|") != strings.Join(tb.Header, "|") {
				t.Errorf("%s.%s header %q, want %q", k.Name, format, rows[0], tb.Header)
			}
			got := rows[1]
			if k.Name == "submissions" && format == export.CSV {
				// Defused for spreadsheets: shown as text, not run.
				first = append(append([]string(nil), first[:9]...), `'`+first[9])
			}
			if k.Name == "audit" {
				got = got[:1]
			}
			// XLSX drops trailing empty cells.
			if strings.TrimRight(strings.Join(got, "|"), "|") != strings.TrimRight(strings.Join(first, "|"), "|") {
				t.Errorf("%s.%s first row\n%q\nwant\n%q", k.Name, format, got, first)
			}
			if k.Name == "submissions" {
				first = want["submissions"]
			}
		}
	}
	if h := read("evaluation").Header; strings.Join(h[5:], "|") != "attendance: value|attendance: share|attendance: how|onboarding: value|onboarding: share|onboarding: how" {
		t.Errorf("evaluation columns %q", h)
	}
}

// The formula a summary carries stays text in XLSX: the cell has no
// formula.
func TestXLSXNeverHoldsAFormula(t *testing.T) {
	read := seeded(t)
	var b bytes.Buffer
	if err := export.Write(&b, export.XLSX, read("submissions")); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	cell, _ := excelize.CoordinatesToCellName(10, 2)
	formula, err := f.GetCellFormula(sheet, cell)
	if err != nil || formula != "" {
		t.Errorf("cell %s holds the formula %q (%v)", cell, formula, err)
	}
}

func TestReadRefusesWhatIsNotThere(t *testing.T) {
	seeded(t)
	db := testenv.OpenBun(t, testenv.Postgres(t))
	if _, err := store.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if _, err := export.Read(context.Background(), db.DB, "attendance", "2026-fall"); err == nil || !strings.Contains(err.Error(), `no such term: "2026-fall"`) {
		t.Errorf("an unknown term: %v", err)
	}
	if _, err := export.Read(context.Background(), db.DB, "marks", "2026-fall"); err == nil || !strings.Contains(err.Error(), `no export "marks"; the exports are attendance, attendance-officers`) {
		t.Errorf("an unknown kind: %v", err)
	}
}
