package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
)

// changeLateAttendance is the workflow.GetVersion change under which the
// secretary may record, afterwards, the attendance of an exchange nobody
// could sign in at, and the series waits for that before it ends. Runs
// recorded before it leave such attendance unrecorded and end at once, as
// they did.
const changeLateAttendance = "late-attendance"

func (w *exchanges) setupLateAttendance(ctx workflow.Context) error {
	if err := workflow.SetQueryHandlerWithOptions(ctx, contract.QueryAttendanceSheet,
		func(meeting int, email string) (contract.AttendanceSheet, error) {
			return w.attendanceSheet(ctx, meeting, email), nil
		},
		workflow.QueryHandlerOptions{Description: "Whether an exchange nobody could sign in at awaits its attendance, and whether the person may record it (arguments: meeting number, email)"},
	); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateRecordAttendance, w.recordLateAttendance, workflow.UpdateHandlerOptions{
		Validator:   w.validateRecordAttendance,
		Description: "The secretary (or the head) records, afterwards, who came to an exchange nobody could sign in at",
	})
}

// lateRecording is a recording of late attendance that may be taken.
type lateRecording struct {
	// entry is its exchange's position in ExchangesInput.LateAttendance.
	entry int
	by    plan.Person
	// records are every officer's attendance, in plan order.
	records                  []contract.AttendanceRecord
	present, excused, absent int
}

func (w *exchanges) validateRecordAttendance(ctx workflow.Context, in contract.RecordAttendanceInput) error {
	_, err := w.checkRecordAttendance(ctx, in)
	return contract.AsRefusal(err)
}

// checkRecordAttendance says, in words the secretary understands, why the
// attendance cannot be recorded, or what it records: those present and
// excused, and everyone else absent.
func (w *exchanges) checkRecordAttendance(ctx workflow.Context, in contract.RecordAttendanceInput) (lateRecording, error) {
	d := w.in.Department
	var r lateRecording
	switch who := plan.NormalizeEmail(in.Email); {
	case who == "":
		return r, errors.New("say who you are: the email address is empty")
	case who == w.in.Secretary.Email:
		r.by = w.in.Secretary
	case who == d.Head.Email:
		r.by = d.Head
	default:
		return r, fmt.Errorf("%s is neither the secretary nor the head of the %s; the attendance of an exchange nobody could sign in at is recorded by %s, who takes its minutes",
			in.Email, d.Name, w.in.Secretary.Name)
	}
	r.entry = -1
	for i, e := range w.in.LateAttendance {
		if e.Meeting == in.Meeting {
			r.entry = i
		}
	}
	if r.entry < 0 {
		return r, w.notAwaitingAttendance(in.Meeting)
	}
	e := w.in.LateAttendance[r.entry]
	switch {
	case e.RecordedBy != "":
		return r, fmt.Errorf("the attendance of exchange %d of the %s was already recorded by %s on %s",
			e.Meeting, d.Name, w.personName(e.RecordedBy), w.humanTime(e.RecordedAt))
	case w.recording[e.Meeting]:
		return r, fmt.Errorf("the attendance of exchange %d of the %s is being recorded just now; open the link again in a minute to see it", e.Meeting, d.Name)
	case !w.planNow(ctx).Before(e.Until):
		return r, fmt.Errorf("the attendance of exchange %d of the %s could be recorded until %s; that has passed, so it stays unrecorded",
			e.Meeting, d.Name, w.humanTime(e.Until))
	}

	status := make([]string, len(d.Officers))
	reasons := make([]string, len(d.Officers))
	for _, email := range in.Present {
		i, err := w.listedOfficer(email)
		if err != nil {
			return r, err
		}
		if status[i] != "" {
			return r, fmt.Errorf("%s is listed twice among those present", d.Officers[i].Name)
		}
		status[i] = contract.AttendancePresent
	}
	for _, x := range in.Excused {
		i, err := w.listedOfficer(x.Email)
		if err != nil {
			return r, err
		}
		name := d.Officers[i].Name
		reason := strings.TrimSpace(x.Reason)
		switch {
		case status[i] == contract.AttendancePresent:
			return r, fmt.Errorf("%s is marked both present and excused; choose one", name)
		case status[i] == contract.AttendanceExcused:
			return r, fmt.Errorf("%s is listed twice among the excused", name)
		case reason == "":
			return r, fmt.Errorf("give the reason %s was excused from exchange %d", name, e.Meeting)
		case utf8.RuneCountInString(reason) > maxReasonLength:
			return r, fmt.Errorf("the reason %s was excused has %d characters; keep it to %d", name, utf8.RuneCountInString(reason), maxReasonLength)
		}
		status[i], reasons[i] = contract.AttendanceExcused, reason
	}
	// Those who excused themselves before the exchange stay excused.
	inTime := map[string]string{}
	for _, x := range e.Excused {
		inTime[x.Email] = x.Reason
	}
	for i, o := range d.Officers {
		rec := contract.AttendanceRecord{Email: o.Email, Status: status[i], Reason: reasons[i]}
		if reason, ok := inTime[o.Email]; ok {
			rec.Status, rec.Reason = contract.AttendanceExcused, reason
		}
		switch rec.Status {
		case contract.AttendancePresent:
			r.present++
		case contract.AttendanceExcused:
			r.excused++
		default:
			rec.Status = contract.AttendanceAbsent
			r.absent++
		}
		r.records = append(r.records, rec)
	}
	return r, nil
}

// notAwaitingAttendance says why exchange n has no attendance to record.
func (w *exchanges) notAwaitingAttendance(n int) error {
	d := w.in.Department
	for i, m := range w.in.Meetings {
		if m.Number != n {
			continue
		}
		held := i < w.in.Next || i == w.in.Next && w.closed
		switch {
		case !held:
			return fmt.Errorf("exchange %d of the %s is on %s; its attendance is taken as officers sign in", n, d.Name, w.humanTime(m.Start))
		case w.hasProblem(unrecordedProblem(n)):
			// Left unrecorded by a run from before late recording.
			return fmt.Errorf("the attendance of exchange %d of the %s was left unrecorded before it could be recorded afterwards; ask the Organization Department to correct it", n, d.Name)
		default:
			return fmt.Errorf("exchange %d of the %s does not await its attendance: its sign-in recorded it", n, d.Name)
		}
	}
	return fmt.Errorf("the %s has no exchange %d this term", d.Name, n)
}

// listedOfficer finds an officer named on the attendance sheet.
func (w *exchanges) listedOfficer(email string) (int, error) {
	e := plan.NormalizeEmail(email)
	if i, ok := w.index[e]; ok {
		return i, nil
	}
	if e == "" {
		return 0, errors.New("an officer's email address is empty")
	}
	if e == w.in.Department.Head.Email {
		return 0, fmt.Errorf("%s heads the %s; attendance is taken for its officers only", w.in.Department.Head.Name, w.in.Department.Name)
	}
	return 0, fmt.Errorf("%q is not an officer of the %s", email, w.in.Department.Name)
}

// recordLateAttendance stores the attendance the secretary recorded, then
// counts it: each officer's unrecorded exchange becomes present, excused
// or absent, and the part's report says who recorded it.
func (w *exchanges) recordLateAttendance(ctx workflow.Context, in contract.RecordAttendanceInput) (contract.RecordAttendanceResult, error) {
	r, err := w.checkRecordAttendance(ctx, in)
	if err != nil {
		return contract.RecordAttendanceResult{}, contract.AsRefusal(err)
	}
	d := w.in.Department
	n := w.in.LateAttendance[r.entry].Meeting
	// A second recording that arrives meanwhile is refused.
	w.recording[n] = true
	defer delete(w.recording, n)
	// The series' own write of the unrecorded rows lands first, so that
	// this one replaces them.
	if err := workflow.Await(ctx, func() bool { return !w.storing[n] }); err != nil {
		return contract.RecordAttendanceResult{}, err
	}
	at := w.planNow(ctx)
	note := w.in.LateAttendance[r.entry].Note
	if note != "" {
		note += "; "
	}
	note += fmt.Sprintf("the attendance was recorded afterwards by %s on %s", r.by.Name, w.humanTime(at))
	actx := withUpdateStoreOptions(ctx, fmt.Sprintf("late attendance at exchange %d of the %s, recorded by %s", n, d.Name, r.by.Name))
	if err := workflow.ExecuteActivity(actx, a.RecordLateAttendance, contract.RecordLateAttendanceInput{
		TermID: w.in.TermID, DepartmentID: d.ID, MeetingNumber: n,
		Key: "update/" + workflow.GetCurrentUpdateInfo(ctx).ID, By: r.by.Email, At: at,
		Records: r.records, Note: note,
	}).Get(ctx, nil); err != nil {
		w.beside.problems = append(w.beside.problems, fmt.Sprintf("the attendance of exchange %d recorded by %s on %s could not be stored", n, r.by.Name, w.humanTime(at)))
		return contract.RecordAttendanceResult{}, fmt.Errorf("the attendance of exchange %d of the %s could not be stored, so nothing is recorded: %w", n, d.Name, err)
	}

	w.countLateAttendance(r)
	e := &w.in.LateAttendance[r.entry]
	e.RecordedBy, e.RecordedAt = r.by.Email, at
	w.replaceProblem(unrecordedProblem(n), fmt.Sprintf(
		"exchange %d's attendance was recorded late by %s: nobody could sign in, as the service was not running over its sign-in window", n, r.by.Name))
	w.showDetails(ctx)
	w.sendReport(ctx)
	return contract.RecordAttendanceResult{Meeting: n, Department: d.Name, Present: r.present, Excused: r.excused, Absent: r.absent, At: at}, nil
}

// countLateAttendance moves the officers whose attendance at the exchange
// was unrecorded to what the recording says; those excused in time were
// counted so already.
func (w *exchanges) countLateAttendance(r lateRecording) {
	excused := map[string]bool{}
	for _, x := range w.in.LateAttendance[r.entry].Excused {
		excused[x.Email] = true
	}
	for i, rec := range r.records {
		if excused[rec.Email] {
			continue
		}
		c := &w.counts[i]
		if c.Unrecorded > 0 {
			c.Unrecorded--
		}
		switch rec.Status {
		case contract.AttendancePresent:
			c.Present++
		case contract.AttendanceExcused:
			c.Excused++
		default:
			c.Absent++
		}
	}
}

// awaitLateAttendance keeps a series whose exchanges are all held open
// until the secretary has recorded every exchange nobody could sign in at,
// or until the last of them may no longer be recorded.
func (w *exchanges) awaitLateAttendance(ctx workflow.Context) error {
	var last time.Time
	var waiting []string
	now := w.planNow(ctx)
	for _, e := range w.in.LateAttendance {
		if e.RecordedBy == "" && now.Before(e.Until) {
			waiting = append(waiting, fmt.Sprint(e.Meeting))
			if e.Until.After(last) {
				last = e.Until
			}
		}
	}
	d := w.in.Clock.Real(last).Sub(workflow.Now(ctx))
	if len(waiting) == 0 || d <= 0 {
		return nil
	}
	w.setPhase(ctx, contract.PhaseAwaitingAttendance)
	w.sendReport(ctx)
	if _, err := workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{
		Timeout: d,
		TimerOptions: workflow.TimerOptions{Summary: fmt.Sprintf("attendance of exchange %s of the %s, from %s",
			strings.Join(waiting, ", "), w.in.Department.Name, w.in.Secretary.Name)},
	}, func() bool { return w.nextLateAttendance(ctx) == nil }); err != nil {
		return err
	}
	// A recording still being stored when its window closed is counted
	// and reported before the series ends.
	return workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
}

// nextLateAttendance is the exchange whose attendance awaits the secretary
// and closes first; nil when none does.
func (w *exchanges) nextLateAttendance(ctx workflow.Context) *contract.LateAttendance {
	now := w.planNow(ctx)
	var next *contract.LateAttendance
	for i, e := range w.in.LateAttendance {
		if e.RecordedBy == "" && now.Before(e.Until) && (next == nil || e.Until.Before(next.Until)) {
			next = &w.in.LateAttendance[i]
		}
	}
	return next
}

// lateAttendanceSummary completes the report's "N recorded late": how many
// the secretary recorded afterwards, how many still await it and how many
// stayed unrecorded.
func (w *exchanges) lateAttendanceSummary(ctx workflow.Context) string {
	if len(w.in.LateAttendance) == 0 {
		return ""
	}
	now := w.planNow(ctx)
	bySecretary, byHead, awaiting := 0, 0, 0
	for _, e := range w.in.LateAttendance {
		switch {
		case e.RecordedBy == w.in.Secretary.Email:
			bySecretary++
		case e.RecordedBy != "":
			byHead++
		case now.Before(e.Until):
			awaiting++
		}
	}
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{
		{bySecretary, "by the secretary afterwards"},
		{byHead, "by the head afterwards"},
		{awaiting, "awaiting the secretary"},
		{w.in.RecordedLate - bySecretary - byHead - awaiting, "unrecorded"},
	} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// attendanceSheet answers QueryAttendanceSheet.
func (w *exchanges) attendanceSheet(ctx workflow.Context, meeting int, email string) contract.AttendanceSheet {
	d := w.in.Department
	s := contract.AttendanceSheet{TermName: w.in.TermName, TimeZone: w.in.TimeZone, Department: d.Name, Meeting: meeting}
	for _, m := range w.in.Meetings {
		if m.Number == meeting {
			s.Start = m.Start
		}
	}
	who := plan.NormalizeEmail(email)
	s.Recorder = who != "" && (who == w.in.Secretary.Email || who == d.Head.Email)
	for _, e := range w.in.LateAttendance {
		if e.Meeting != meeting {
			continue
		}
		s.Until = e.Until
		if e.RecordedBy != "" {
			s.RecordedBy, s.RecordedAt = w.personName(e.RecordedBy), e.RecordedAt
		} else {
			s.Awaiting = w.planNow(ctx).Before(e.Until)
		}
	}
	if s.Recorder && s.Awaiting {
		s.Officers = append([]plan.Person(nil), d.Officers...)
	}
	return s
}

// personName is the name of the secretary or the head with that email.
func (w *exchanges) personName(email string) string {
	switch email {
	case w.in.Secretary.Email:
		return w.in.Secretary.Name
	case w.in.Department.Head.Email:
		return w.in.Department.Head.Name
	}
	return email
}

func (w *exchanges) hasProblem(p string) bool {
	for _, q := range w.problems() {
		if q == p {
			return true
		}
	}
	return false
}

// replaceProblem puts now in the place of was among the part's problems,
// or adds it.
func (w *exchanges) replaceProblem(was, now string) {
	if w.beside == nil {
		return
	}
	for i, p := range w.beside.problems {
		if p == was {
			w.beside.problems[i] = now
			return
		}
	}
	w.beside.problems = append(w.beside.problems, now)
}
