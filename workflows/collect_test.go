package workflows_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"semesterflow/contract"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// collectFixture runs a Collection of three department summaries due on
// 3 October (the publicity one on the 5th), on the test clock.
type collectFixture struct {
	t     *testing.T
	env   *testsuite.TestWorkflowEnvironment
	in    contract.CollectionInput
	start time.Time
	loc   *time.Location
	// The environment runs activities on goroutines of their own, and a
	// collection's emails and reports run beside its timers, so the mocks
	// lock mu.
	mu       sync.Mutex
	notified []string // "kind at [slot keys]"
	stored   [][]string
	outcome  contract.RecordCollectionOutcomeInput
}

func newCollectFixture(t *testing.T) *collectFixture {
	t.Helper()
	return newSlowCollectFixture(t, 0)
}

// newSlowCollectFixture is the fixture whose request emails take
// requestDelay of test time to go out.
func newSlowCollectFixture(t *testing.T, requestDelay time.Duration) *collectFixture {
	t.Helper()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, loc)
	due := time.Date(2026, 10, 3, 23, 59, 0, 0, loc)
	person := func(name, email string) plan.Person { return plan.Person{Name: name, Email: email} }
	f := &collectFixture{t: t, env: testEnv(start), start: start, loc: loc}
	f.in = contract.CollectionInput{
		TermID: "2026-fall", TermName: "Fall term 2026", TimeZone: plan.MustZone("Asia/Shanghai"),
		Kind: "summary", Scope: "2026-09", Title: "September's summary",
		Opens: time.Date(2026, 10, 1, 9, 0, 0, 0, loc),
		Slots: []contract.Slot{
			{Key: "organization", Label: "Organization Department", Due: due,
				Owners:     []plan.Person{person("Zhou Min", "zhou.min@example.edu"), person("Wu Tong", "wu.tong@example.edu")},
				EscalateTo: []plan.Person{person("Li Wei", "li.wei@example.edu")}},
			{Key: "publicity", Label: "Publicity Department", Due: due.AddDate(0, 0, 2),
				Owners:     []plan.Person{person("Sun Hao", "sun.hao@example.edu")},
				EscalateTo: []plan.Person{person("Li Wei", "li.wei@example.edu")}},
			{Key: "sports", Label: "Sports Department", Due: due,
				Owners:     []plan.Person{person("Yuan Jun", "yuan.jun@example.edu"), person("Sun Hao", "sun.hao@example.edu")},
				EscalateTo: []plan.Person{person("Li Wei", "li.wei@example.edu")}},
		},
		RemindDaysBefore: []int{1},
		SendTime:         "09:00",
		LateDays:         2,
		TextRequired:     true,
		Clock:            plan.ProductionClock(start),
	}
	notified := func(_ context.Context, in contract.NotifyCollectionInput) (contract.DeliveryResult, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		var keys []string
		for _, s := range in.Slots {
			keys = append(keys, s.Key)
		}
		f.notified = append(f.notified, in.Kind+" "+f.env.Now().In(loc).Format("01-02 15:04")+" "+strings.Join(keys, ","))
		return contract.DeliveryResult{}, nil
	}
	if requestDelay > 0 {
		isRequest := mock.MatchedBy(func(in contract.NotifyCollectionInput) bool { return in.Kind == contract.NotifyRequest })
		f.env.OnActivity(acts.NotifyCollection, mock.Anything, isRequest).After(requestDelay).Return(notified)
	}
	f.env.OnActivity(acts.NotifyCollection, mock.Anything, mock.Anything).Return(notified)
	f.env.OnActivity(acts.RecordCollectionOutcome, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.RecordCollectionOutcomeInput) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.outcome = in
			return nil
		})
	f.env.OnActivity(acts.RecordSubmissions, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.RecordSubmissionsInput) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			var slots []string
			for _, s := range in.Submissions {
				slots = append(slots, s.Slot)
			}
			f.stored = append(f.stored, slots)
			return nil
		})
	return f
}

func (f *collectFixture) submitAt(local string, in contract.SubmitInput, r *submitResult) {
	t, err := plan.LocalTime(local).In(f.loc)
	if err != nil {
		f.t.Fatal(err)
	}
	f.env.RegisterDelayedCallback(func() {
		f.env.UpdateWorkflow(contract.UpdateSubmit, local+in.Email+in.Slot, &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { r.rejected = err },
			OnComplete: func(v any, err error) {
				r.err = err
				if res, ok := v.(contract.SubmitResult); ok {
					r.value = res
				}
			},
		}, in)
	}, t.Sub(f.start))
}

type submitResult struct {
	rejected, err error
	value         contract.SubmitResult
}

func (f *collectFixture) run() contract.CollectionResult {
	f.t.Helper()
	f.env.ExecuteWorkflow(workflows.Collection, f.in)
	if err := f.env.GetWorkflowError(); err != nil {
		f.t.Fatalf("collection failed: %v", err)
	}
	var res contract.CollectionResult
	if err := f.env.GetWorkflowResult(&res); err != nil {
		f.t.Fatal(err)
	}
	return res
}

func TestCollectionRemindsEscalatesAndTakesLateSubmissions(t *testing.T) {
	f := newCollectFixture(t)
	var onTime, late, tooLate submitResult
	f.submitAt("2026-10-02 20:00", contract.SubmitInput{Email: "Wu.Tong@example.edu", Text: "Two lectures and a hike."}, &onTime)
	f.submitAt("2026-10-05 10:00", contract.SubmitInput{Email: "yuan.jun@example.edu", Text: "A football match."}, &late)
	f.submitAt("2026-10-06 10:00", contract.SubmitInput{Email: "sun.hao@example.edu", Slot: "sports", Text: "Posters."}, &tooLate)
	got := f.run()

	want := []string{
		"request 10-01 09:00 organization,publicity,sports",
		"reminder 10-02 09:00 organization,sports",
		"escalation 10-03 23:59 sports",
		"reminder 10-04 09:00 publicity",
		"escalation 10-05 23:59 publicity",
	}
	if strings.Join(f.notified, "\n") != strings.Join(want, "\n") {
		t.Errorf("notifications:\n%s\nwant:\n%s", strings.Join(f.notified, "\n"), strings.Join(want, "\n"))
	}
	if onTime.err != nil || onTime.rejected != nil || onTime.value.Late || onTime.value.Slot != "organization" {
		t.Errorf("on-time submission = %+v", onTime)
	}
	if late.err != nil || late.rejected != nil || !late.value.Late {
		t.Errorf("late submission = %+v, want accepted as late", late)
	}
	if tooLate.rejected == nil || !strings.Contains(tooLate.rejected.Error(), "September's summary for Sports Department was already handed in by yuan.jun@example.edu") {
		t.Errorf("submission after the close = %v / %v / %+v", tooLate.rejected, tooLate.err, tooLate.value)
	}
	if len(got.Submissions) != 2 || strings.Join(got.Missing, ",") != "publicity" {
		t.Errorf("result: %d submissions, missing %v", len(got.Submissions), got.Missing)
	}
	if got.Submissions[0].Author != "wu.tong@example.edu" || got.Submissions[0].Text != "Two lectures and a hike." {
		t.Errorf("first submission = %+v", got.Submissions[0])
	}
	var ended []string
	for _, o := range f.outcome.Slots {
		ended = append(ended, fmt.Sprintf("%s:%v/%v/%s", o.Key, o.Submitted, o.Late, strings.Join(o.Owners, "+")))
	}
	if want := "organization:true/false/zhou.min@example.edu+wu.tong@example.edu publicity:false/false/sun.hao@example.edu sports:true/true/yuan.jun@example.edu+sun.hao@example.edu"; strings.Join(ended, " ") != want {
		t.Errorf("outcome recorded = %s\nwant %s", strings.Join(ended, " "), want)
	}
	var stored []string
	for _, b := range f.stored {
		stored = append(stored, b...)
	}
	if strings.Join(stored, ",") != "organization,sports" {
		t.Errorf("stored %v, want organization and sports", f.stored)
	}
}

// TestCollectionCalendarNeverWaitsForTheRequest: the request emails take
// four days to go out (SMTP refusing them, say). The reminder and the
// escalations still go out on their days, the late submission is still
// taken, and the final report says the request was late.
func TestCollectionCalendarNeverWaitsForTheRequest(t *testing.T) {
	f := newSlowCollectFixture(t, 4*24*time.Hour)
	f.in.ReportTo, f.in.Part = "semester/2026-fall", "month/2026-09/summary"
	var reports []contract.PartReport
	f.env.OnActivity(acts.ReportPart, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.ReportPartInput) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			reports = append(reports, in.Report)
			return nil
		})
	var onTime submitResult
	f.submitAt("2026-10-02 20:00", contract.SubmitInput{Email: "wu.tong@example.edu", Text: "Two lectures and a hike."}, &onTime)
	f.run()
	want := []string{
		"reminder 10-02 09:00 organization,sports",
		"escalation 10-03 23:59 sports",
		"reminder 10-04 09:00 publicity",
		"request 10-05 09:00 organization,publicity,sports",
		"escalation 10-05 23:59 publicity",
	}
	if strings.Join(f.notified, "\n") != strings.Join(want, "\n") {
		t.Errorf("notifications:\n%s\nwant:\n%s", strings.Join(f.notified, "\n"), strings.Join(want, "\n"))
	}
	if onTime.err != nil || onTime.rejected != nil || onTime.value.Late {
		t.Errorf("submission while the request was on its way = %+v, want taken on time", onTime)
	}
	final := reports[len(reports)-1]
	if !final.Done || len(final.Problems) != 1 || !strings.Contains(final.Problems[0], "went out 4 days late") {
		t.Errorf("final report = %+v, want done with the late request", final)
	}
}

func TestCollectionRejectsWithReasons(t *testing.T) {
	f := newCollectFixture(t)
	rs := make([]submitResult, 8)
	f.submitAt("2026-09-30 10:00", contract.SubmitInput{Email: "zhou.min@example.edu", Text: "x"}, &rs[0])
	f.submitAt("2026-10-01 10:00", contract.SubmitInput{Email: "ma.li@example.edu", Text: "x"}, &rs[1])
	f.submitAt("2026-10-01 11:00", contract.SubmitInput{Email: "sun.hao@example.edu", Text: "x"}, &rs[2])
	f.submitAt("2026-10-01 12:00", contract.SubmitInput{Email: "zhou.min@example.edu", Text: "  "}, &rs[3])
	f.submitAt("2026-10-01 13:00", contract.SubmitInput{Email: "zhou.min@example.edu", Slot: "sports", Text: "x"}, &rs[4])
	f.submitAt("2026-10-01 14:00", contract.SubmitInput{Email: "zhou.min@example.edu", Text: "Done."}, &rs[5])
	f.submitAt("2026-10-01 15:00", contract.SubmitInput{Email: "wu.tong@example.edu", Text: "Again."}, &rs[6])
	f.submitAt("2026-10-06 10:00", contract.SubmitInput{Email: "sun.hao@example.edu", Slot: "sports", Text: "Late."}, &rs[7])
	f.run()
	want := []string{
		"September's summary is not open yet; it opens on Thu 1 Oct 2026, 09:00 (Asia/Shanghai)",
		"ma.li@example.edu is not among those who hand in September's summary",
		"sun.hao@example.edu hands in September's summary for several slots (publicity, sports); say which one",
		"the text is empty; write September's summary",
		"zhou.min@example.edu is not among those who hand in September's summary for Sports Department",
		"",
		"September's summary for Organization Department was already handed in by zhou.min@example.edu on Thu 1 Oct 2026, 14:00 (Asia/Shanghai)",
		"September's summary for Sports Department closed on Mon 5 Oct 2026, 23:59 (Asia/Shanghai)",
	}
	for i, w := range want {
		got := ""
		if rs[i].rejected != nil {
			got = rs[i].rejected.Error()
		}
		if got != w {
			t.Errorf("submission %d: rejection %q, want %q", i, got, w)
		}
	}
}

func TestCollectionScores(t *testing.T) {
	f := newCollectFixture(t)
	f.in.Criteria = []string{"content", "creativity"}
	f.in.MaxScore = 10
	f.in.TextRequired = false
	var wrongCount, outOfRange, ok submitResult
	f.submitAt("2026-10-01 10:00", contract.SubmitInput{Email: "zhou.min@example.edu", Scores: []float64{7}}, &wrongCount)
	f.submitAt("2026-10-01 11:00", contract.SubmitInput{Email: "zhou.min@example.edu", Scores: []float64{7, 11}}, &outOfRange)
	f.submitAt("2026-10-01 12:00", contract.SubmitInput{Email: "zhou.min@example.edu", Scores: []float64{7, 9.5}}, &ok)
	got := f.run()
	if wrongCount.rejected == nil || wrongCount.rejected.Error() != "give 2 scores, one for each of content, creativity; got 1" {
		t.Errorf("one score = %v", wrongCount.rejected)
	}
	if outOfRange.rejected == nil || outOfRange.rejected.Error() != "the score for creativity is 11; scores go from 0 to 10" {
		t.Errorf("score 11 = %v", outOfRange.rejected)
	}
	if ok.rejected != nil || len(got.Submissions) != 1 || got.Submissions[0].Scores[1] != 9.5 {
		t.Errorf("valid scores: %v, result %+v", ok.rejected, got.Submissions)
	}
}

func TestCollectionEndsWhenEverythingIsIn(t *testing.T) {
	f := newCollectFixture(t)
	rs := make([]submitResult, 3)
	f.submitAt("2026-10-01 10:00", contract.SubmitInput{Email: "zhou.min@example.edu", Text: "a"}, &rs[0])
	f.submitAt("2026-10-01 10:00", contract.SubmitInput{Email: "sun.hao@example.edu", Slot: "publicity", Text: "b"}, &rs[1])
	f.submitAt("2026-10-01 10:00", contract.SubmitInput{Email: "yuan.jun@example.edu", Text: "c"}, &rs[2])
	got := f.run()
	if len(got.Missing) != 0 || len(f.notified) != 1 {
		t.Errorf("missing %v, notifications %v; want none missing and only the request", got.Missing, f.notified)
	}
	if end := f.env.Now().In(f.loc).Format("01-02 15:04"); end != "10-01 10:00" {
		t.Errorf("collection ended at %s, want right after the last submission", end)
	}
	total := 0
	for _, b := range f.stored {
		total += len(b)
	}
	if total != 3 || len(f.stored) > 2 {
		t.Errorf("stored %v; want all three in at most two batches", f.stored)
	}
}

// The portal asks a collection what one person is asked for, before and
// after they hand it in.
func TestCollectionTaskQuery(t *testing.T) {
	f := newCollectFixture(t)
	var handedIn submitResult
	f.submitAt("2026-10-02 10:00", contract.SubmitInput{Email: "wu.tong@example.edu", Text: "Two meetings, one outing."}, &handedIn)
	var before, after, notOwner contract.CollectionTask
	var unknownErr error
	query := func(slot, email string) (contract.CollectionTask, error) {
		var task contract.CollectionTask
		v, err := f.env.QueryWorkflow(contract.QueryTask, slot, email)
		if err == nil {
			err = v.Get(&task)
		}
		return task, err
	}
	f.env.RegisterDelayedCallback(func() {
		var err error
		if before, err = query("organization", "Zhou.Min@example.edu"); err != nil {
			t.Error(err)
		}
		notOwner, _ = query("sports", "zhou.min@example.edu")
		_, unknownErr = query("culture", "zhou.min@example.edu")
	}, 30*time.Hour) // 2 October, 06:00
	var details string
	f.env.RegisterDelayedCallback(func() {
		var err error
		if after, err = query("organization", "zhou.min@example.edu"); err != nil {
			t.Error(err)
		}
		details = currentDetails(t, f.env)
	}, 35*time.Hour) // 2 October, 11:00
	f.run()

	if !before.Open || !before.Owner || before.Slot.Submitted || before.Title != "September's summary" || !before.TextRequired ||
		before.Closes.In(f.loc).Format("01-02 15:04") != "10-05 23:59" || before.Slot.Label != "Organization Department" {
		t.Errorf("before handing in: %+v", before)
	}
	if notOwner.Owner {
		t.Errorf("Zhou Min is shown as an owner of the sports summary: %+v", notOwner)
	}
	if unknownErr == nil || !strings.Contains(unknownErr.Error(), `"culture" is not one of the slots`) {
		t.Errorf("unknown slot: %v", unknownErr)
	}
	// The Web UI's current details: a table of the slots.
	for _, want := range []string{"**September's summary**: open, 1 of 3 in (0 late)", "| Organization Department | Sat 3 Oct 2026, 23:59 (Asia/Shanghai) | in |", "| Sports Department | Sat 3 Oct 2026, 23:59 (Asia/Shanghai) | waiting |"} {
		if !strings.Contains(details, want) {
			t.Errorf("current details lack %q:\n%s", want, details)
		}
	}
	if !after.Slot.Submitted || after.SubmittedBy != "wu.tong@example.edu" || after.SubmittedAt.In(f.loc).Format("01-02 15:04") != "10-02 10:00" {
		t.Errorf("after Wu Tong handed it in: %+v", after)
	}
}
