package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"semesterflow/internal/testenv"
	"semesterflow/store"
)

// starter export writes a term's attendance as XLSX and CSV from the
// database in DATABASE_URL, and says plainly what it cannot export.
func TestExportWritesTheTermsAttendance(t *testing.T) {
	ctx := context.Background()
	dsn := testenv.Postgres(t)
	db := testenv.OpenBun(t, dsn)
	if _, err := store.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	st := store.New(db)
	if err := st.SaveDirectory(ctx, store.Directory{
		Term: store.Term{ID: "2026-fall", Name: "Fall 2026", StartsOn: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
			EndsOn: time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC), TimeZone: "Asia/Shanghai"},
		Departments: []store.Department{{ID: "publicity", Name: "Publicity Department", HeadName: "Sun Hao", HeadEmail: "sun.hao@example.edu"}},
		Officers:    []store.Officer{{Email: "ma.li@example.edu", DepartmentID: "publicity", Name: "Ma Li"}},
	}); err != nil {
		t.Fatal(err)
	}
	held := time.Date(2026, 9, 15, 11, 0, 0, 0, time.UTC)
	if err := st.SaveMeetings(ctx, []store.Meeting{{TermID: "2026-fall", DepartmentID: "publicity", Number: 1, StartsAt: held, EndsAt: held.Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordAttendance(ctx, []store.Attendance{{TermID: "2026-fall", DepartmentID: "publicity", MeetingNumber: 1, OfficerEmail: "ma.li@example.edu", Status: "present", SignedInAt: &held}}, nil); err != nil {
		t.Fatal(err)
	}
	exec := func(args ...string) (string, string, int) {
		var out, errOut bytes.Buffer
		getenv := func(k string) string { return map[string]string{"DATABASE_URL": dsn}[k] }
		code := run(ctx, &env{stdout: &out, stderr: &errOut, getenv: getenv}, args)
		return out.String(), errOut.String(), code
	}

	file := filepath.Join(t.TempDir(), "attendance.xlsx")
	out, errOut, code := exec("export", "attendance", "--term", "2026-fall", "--format", "xlsx", "--out", file)
	if code != exitOK || !strings.Contains(out, "Wrote "+file+": 1 rows of Fall 2026: attendance at the exchanges.") {
		t.Fatalf("export to xlsx: exit %d\n%s%s", code, out, errOut)
	}
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetList()[0])
	f.Close()
	if len(rows) != 2 || rows[1][4] != "Ma Li" || rows[1][6] != "present" {
		t.Errorf("the sheet holds %q", rows)
	}

	out, _, code = exec("export", "attendance-officers", "--term", "2026-fall")
	if code != exitOK || !strings.Contains(out, "Publicity Department,Ma Li,ma.li@example.edu,1,0,0,0,100%") {
		t.Errorf("export as CSV to standard output: exit %d\n%s", code, out)
	}

	missing := filepath.Join(filepath.Dir(file), "missing.xlsx")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"export", "marks", "--term", "2026-fall"}, exitUsage, `no export "marks"; the exports are attendance, attendance-officers, submissions`},
		{[]string{"export", "--term", "2026-fall"}, exitUsage, "say what to export"},
		{[]string{"export", "audit", "--term", "2026-fall", "--format", "xlsx"}, exitUsage, "--out FILE is needed for xlsx"},
		{[]string{"export", "audit", "--term", "2026-fall", "--format", "pdf"}, exitUsage, `--format "pdf": write csv or xlsx`},
		{[]string{"export", "audit", "--term", "2025-fall", "--format", "xlsx", "--out", missing}, exitFailed, `term "2025-fall" has no records in the database`},
	} {
		_, errOut, code := exec(tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, want %d with %q:\n%s", tc.args, code, tc.code, tc.want, errOut)
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(file)); len(entries) != 1 {
		t.Errorf("the refused exports left files: %v", entries)
	}
}
