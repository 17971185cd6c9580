package roster_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"semesterflow/internal/roster"
	"semesterflow/plan"
)

// publicityCSV is the Publicity Department's new list as Excel saves "CSV
// UTF-8": a byte-order mark, Chinese headers, an extra column, a blank
// row, CRLF line ends. Guo Rui is gone, Tang Lei is new, and the head
// changed.
const publicityCSV = "\ufeff部门,姓名,邮箱,职务,学号\r\n" +
	"publicity,Wu Fang,wu.fang@example.edu,head,2024001\r\n" +
	"Publicity Department,Ma Li,ma.li@example.edu,Deputy head,2024002\r\n" +
	",,,,\r\n" +
	"publicity,He Xin,he.xin@example.edu,Officer,2024003\r\n" +
	"publicity,Luo Qing,luo.qing@example.edu,Officer,2024004\r\n" +
	"publicity,Gao Yang,gao.yang@example.edu,Secretary,2024005\r\n" +
	"publicity,唐磊,tang.lei@example.edu,Officer,2024006\r\n"

func xlsxOf(t *testing.T, csvText string) []byte {
	t.Helper()
	rows, err := roster.Read("in.csv", []byte(csvText))
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	_ = f.SetSheetRow("Sheet1", "A1", &[]any{"Department", "Name", "Email", "Role"})
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		_ = f.SetSheetRow("Sheet1", cell, &[]any{r.Department, r.Name, r.Email, r.Role})
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The same list read from CSV and from XLSX fills the plan the same way:
// the department gets exactly the listed officers and the new head, the
// other departments and the file's comments stay, and the plan is valid.
func TestImportFillsTheDepartmentFromCSVAndXLSX(t *testing.T) {
	planYAML, err := os.ReadFile("../../examples/fall-term.yaml")
	if err != nil {
		t.Fatal(err)
	}
	before, err := plan.Decode(planYAML)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"officers.csv": []byte(publicityCSV), "officers.xlsx": xlsxOf(t, publicityCSV)} {
		rows, err := roster.Read(name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		updated, changes, err := roster.Apply(name, planYAML, rows)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		after, err := plan.Decode(updated)
		if err != nil {
			t.Fatalf("%s: the new plan is invalid: %v", name, err)
		}
		d, _ := after.Department("publicity")
		var got []string
		for _, o := range d.Officers {
			got = append(got, o.Name+"/"+o.Role)
		}
		if strings.Join(got, ", ") != "Ma Li/Deputy head, He Xin/Officer, Luo Qing/Officer, Gao Yang/Secretary, 唐磊/Officer" || d.Head.Name != "Wu Fang" {
			t.Errorf("%s: publicity is headed by %s with %v", name, d.Head.Name, got)
		}
		if len(changes) != 1 || strings.Join(changes[0].Added, ",") != "tang.lei@example.edu" ||
			strings.Join(changes[0].Removed, ",") != "guo.rui@example.edu" || changes[0].NewHead != "Wu Fang" {
			t.Errorf("%s: changes %+v", name, changes)
		}
		for i, od := range before.Departments {
			if od.ID != "publicity" && len(od.Officers) != len(after.Departments[i].Officers) {
				t.Errorf("%s: %s changed", name, od.ID)
			}
		}
		if !bytes.Contains(updated, []byte("# The Organization Department's fall term, as semesterflow runs it.")) {
			t.Errorf("%s: the plan's comments were lost", name)
		}
	}
}

// Every problem of a sheet is reported with its row and column, and the
// sheet changes nothing.
func TestImportNamesEveryProblemsRowAndColumn(t *testing.T) {
	planYAML, err := os.ReadFile("../../examples/fall-term.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, csv string
		read      bool // the problems are found by Read, not by Apply
		want      []string
	}{
		{"no email column", "department,name\npublicity,Ma Li\n", true,
			[]string{"row 1: no email column; the first row names the columns department, name, email and role"}},
		{"bad cells", "department,name,email,role\npublicity,,ma.li@example.edu,\n,Guo Rui,guo.rui@\npublicity,He Xin,MA.LI@example.edu,Officer\n", true,
			[]string{"row 2, column B (name): empty", "row 3, column A (department): empty", `row 3, column C (email): "guo.rui@" is not an email address`,
				"row 4, column C (email): MA.LI@example.edu is on row 2 already"}},
		{"broken quotes", "department,name,email\npublicity,\"Ma Li,ma.li@example.edu\n", true, []string{"row 2: extraneous or missing \" in quoted-field"}},
		{"not UTF-8", "department,name,email\npublicity,\xb9\xf9\xc8\xf0,guo.rui@example.edu\n", true, []string{"the file is not UTF-8 text"}},
		{"unknown department and two heads", "department,name,email,role\nmedia,Ma Li,ma.li@example.edu,\npublicity,Wu Fang,wu.fang@example.edu,head\npublicity,Sun Hao,sun.hao@example.edu,Head\n", false,
			[]string{`row 2, column A (department): "media" is no department of the plan; its departments are organization, publicity`,
				"row 4, column D (role): a second head for Publicity Department (the first is on row 3)"}},
		{"an officer of another department", "department,name,email\npublicity,Chen Jie,chen.jie@example.edu\n", false,
			[]string{"with the roster the plan would not be valid, so nothing was changed", "chen.jie@example.edu"}},
	} {
		rows, err := roster.Read("officers.csv", []byte(tc.csv))
		if !tc.read && err == nil {
			_, _, err = roster.Apply("officers.csv", planYAML, rows)
		}
		if err == nil {
			t.Errorf("%s: no problem found", tc.name)
			continue
		}
		var rerr *roster.Error
		if tc.read && !errors.As(err, &rerr) {
			t.Errorf("%s: %v is not a roster.Error", tc.name, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: the error lacks %q:\n%v", tc.name, w, err)
			}
		}
	}
}

// FuzzRead feeds arbitrary bytes as a CSV roster: Read never panics, and
// what it accepts has a department, a name and a valid, unique address on
// every row.
//
//	go test ./internal/roster -run '^$' -fuzz '^FuzzRead$' -fuzztime 60s
func FuzzRead(f *testing.F) {
	f.Add([]byte(publicityCSV))
	f.Add([]byte("department,name,email\npublicity,\"Ma, Li\",ma.li@example.edu\n"))
	f.Add([]byte("\ufeffdept,name,email,role,role\n"))
	f.Add([]byte(""))
	f.Add([]byte("a\"b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := roster.Read("fuzz.csv", data)
		if err != nil {
			var rerr *roster.Error
			if !errors.As(err, &rerr) || len(rerr.Problems) == 0 {
				t.Fatalf("Read failed without problems: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, r := range rows {
			key := plan.NormalizeEmail(r.Email)
			if r.Department == "" || r.Name == "" || !strings.Contains(r.Email, "@") || seen[key] || r.Line < 2 {
				t.Fatalf("Read accepted the row %+v", r)
			}
			seen[key] = true
		}
	})
}
