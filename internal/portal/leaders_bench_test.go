package portal_test

import (
	"context"
	"testing"

	"semesterflow/contract"
	"semesterflow/internal/portal"
	"semesterflow/internal/testenv"
	"semesterflow/store"
)

// BenchmarkDashboardOf200Departments reads the dashboard of a term of 200
// departments of 50 officers, 8 exchanges each held (80,000 attendance
// rows), 10,000 onboarding rows and a report from each of 2,000 parts: the
// leaders' page stays fast at a large union's size because it groups in
// Postgres and asks no workflow. It checks the page counts every row.
//
//	go test ./internal/portal -run '^$' -bench DashboardOf200 -benchtime 20x
func BenchmarkDashboardOf200Departments(b *testing.B) {
	ctx := context.Background()
	db := testenv.OpenBun(b, testenv.Postgres(b))
	if _, err := store.Migrate(ctx, db); err != nil {
		b.Fatal(err)
	}
	key := contract.SemesterWorkflowID("big") + "/run"
	for _, q := range []string{
		`INSERT INTO terms (id, name, starts_on, ends_on, time_zone) VALUES ('big', 'A large union', '2026-09-01', '2027-01-15', 'Asia/Shanghai')`,
		`INSERT INTO departments (term_id, id, name, head_name, head_email, position)
		 SELECT 'big', 'd' || d, 'Department ' || d, 'Head ' || d, 'head' || d || '@example.edu', d FROM generate_series(1, 200) d`,
		`INSERT INTO officers (term_id, email, department_id, name, position)
		 SELECT 'big', 'o' || d || '.' || o || '@example.edu', 'd' || d, 'Officer ' || d || '.' || o, o
		   FROM generate_series(1, 200) d, generate_series(1, 50) o`,
		`INSERT INTO onboarding (term_id, officer_email, department_id, status, outcome, assigned_at, deadline_at, acknowledged_at)
		 SELECT 'big', email, department_id, 'acknowledged', 'on_time', '2026-09-05', '2026-09-12', '2026-09-10' FROM officers WHERE term_id = 'big'`,
		`INSERT INTO meetings (term_id, department_id, number, starts_at, ends_at)
		 SELECT 'big', 'd' || d, m, '2026-09-15'::timestamptz + (m * 14) * interval '1 day', '2026-09-15'::timestamptz + (m * 14) * interval '1 day' + interval '1 hour'
		   FROM generate_series(1, 200) d, generate_series(1, 8) m`,
		`INSERT INTO attendance (term_id, department_id, meeting_number, officer_email, status)
		 SELECT 'big', o.department_id, m, o.email, CASE WHEN o.position % 10 = 0 THEN 'absent' ELSE 'present' END
		   FROM officers o, generate_series(1, 8) m WHERE o.term_id = 'big'`,
		`INSERT INTO part_reports (term_key, part, seq, done, report, version)
		 SELECT '` + key + `', 'exchanges/d' || d || '/minutes-' || m, 1, true,
		        jsonb_build_object('part', 'exchanges/d' || d || '/minutes-' || m, 'seq', 1, 'phase', 'closed', 'done', true), nextval('part_report_version')
		   FROM generate_series(1, 200) d, generate_series(1, 10) m`,
	} {
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	table := portal.NewLeaderTable(db.DB)
	b.ResetTimer()
	for b.Loop() {
		d, err := table.DashboardOf(ctx, "big")
		if err != nil {
			b.Fatal(err)
		}
		t := d.Totals()
		if len(d.Departments) != 200 || t.Officers != 10_000 || t.OnTime != 10_000 || t.Expected != 80_000 || t.Present != 72_000 || len(d.Attendance.Bars) != 8 {
			b.Fatalf("the dashboard counts %d departments, %d officers, %d on time, %d of %d present, %d exchanges",
				len(d.Departments), t.Officers, t.OnTime, t.Present, t.Expected, len(d.Attendance.Bars))
		}
	}
}
