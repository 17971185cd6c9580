package workflows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"semesterflow/contract"
	"semesterflow/plan"
)

// collectionUpdate is how an Update sent to the collection ended.
type collectionUpdate[T any] struct {
	rejected, err error
	value         T
}

// updateAt sends an Update to the collection at a plan time.
func updateAt[T any](f *collectFixture, local, name string, in any) *collectionUpdate[T] {
	r := &collectionUpdate[T]{}
	t, err := plan.LocalTime(local).In(f.loc)
	if err != nil {
		f.t.Fatal(err)
	}
	f.env.RegisterDelayedCallback(func() {
		f.env.UpdateWorkflow(name, name+" "+local, &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { r.rejected = err },
			OnComplete: func(v any, err error) {
				r.err = err
				if res, ok := v.(T); ok {
					r.value = res
				}
			},
		}, in)
	}, t.Sub(f.start))
	return r
}

func (f *collectFixture) extendAt(local string, in contract.ExtendDeadlineInput) *collectionUpdate[contract.ExtendDeadlineResult] {
	return updateAt[contract.ExtendDeadlineResult](f, local, contract.UpdateExtendDeadline, in)
}

// A leader extends the sports summary after its reminder and before it is
// due: nobody is escalated for the old date, the reminder and the
// escalation follow the new one, a submission before it is on time, and
// the extension is audited with its reason.
func TestCollectionDeadlineExtended(t *testing.T) {
	f := newCollectFixture(t)
	audits := f.audits()
	stranger := f.extendAt("2026-10-02 11:00", contract.ExtendDeadlineInput{Email: "sun.hao@example.edu", Slot: "sports", Due: "2026-10-06", Reason: "Sports day."})
	earlier := f.extendAt("2026-10-02 11:30", contract.ExtendDeadlineInput{Email: "li.wei@example.edu", Slot: "sports", Due: "2026-10-02", Reason: "Sooner."})
	noReason := f.extendAt("2026-10-02 11:45", contract.ExtendDeadlineInput{Email: "li.wei@example.edu", Slot: "sports", Due: "2026-10-06"})
	ok := f.extendAt("2026-10-02 12:00", contract.ExtendDeadlineInput{Email: "Li.Wei@example.edu", Slot: "sports", Due: "2026-10-06", Reason: "The sports day took the whole week."})
	var submitted submitResult
	f.submitAt("2026-10-06 20:00", contract.SubmitInput{Email: "yuan.jun@example.edu", Slot: "sports", Text: "A football match."}, &submitted)
	got := f.run()

	want := []string{
		"request 10-01 09:00 organization,publicity,sports",
		"reminder 10-02 09:00 organization,sports",
		"escalation 10-03 23:59 organization",
		"reminder 10-04 09:00 publicity",
		"reminder 10-05 09:00 sports",
		"escalation 10-05 23:59 publicity",
	}
	if strings.Join(f.notified, "\n") != strings.Join(want, "\n") {
		t.Errorf("notifications:\n%s\nwant:\n%s", strings.Join(f.notified, "\n"), strings.Join(want, "\n"))
	}
	for name, c := range map[string]struct {
		r    *collectionUpdate[contract.ExtendDeadlineResult]
		want string
	}{
		"stranger":  {stranger, "sun.hao@example.edu cannot extend September's summary for Sports Department: only those it escalates to can"},
		"earlier":   {earlier, "an extension moves it later"},
		"no reason": {noReason, "give a reason"},
	} {
		if c.r.rejected == nil || !strings.Contains(c.r.rejected.Error(), c.want) {
			t.Errorf("%s: %v, want a refusal saying %q", name, c.r.rejected, c.want)
		}
	}
	if ok.rejected != nil || ok.err != nil || len(ok.value.Slots) != 1 || ok.value.Due.In(f.loc).Format("2006-01-02 15:04") != "2026-10-06 23:59" {
		t.Fatalf("extension: %+v", ok)
	}
	if submitted.rejected != nil || submitted.err != nil || submitted.value.Late {
		t.Errorf("submission before the new date: %+v, want on time", submitted)
	}
	for _, s := range got.Slots {
		if s.Key == "sports" && (s.Escalated || s.Due.In(f.loc).Format("01-02") != "10-06") {
			t.Errorf("sports slot: %+v", s)
		}
	}
	if len(*audits) != 1 || (*audits)[0].Action != contract.ActionExtendDeadline || (*audits)[0].Actor != "li.wei@example.edu" ||
		(*audits)[0].Payload["reason"] != "The sports day took the whole week." {
		t.Errorf("audit: %+v", *audits)
	}
}

// Its parent reschedules a running collection after an amendment: an open
// slot moves (earlier or later), a slot handed in keeps its date, and a new
// slot is asked for at once.
func TestCollectionRescheduledByItsParent(t *testing.T) {
	f := newCollectFixture(t)
	var done submitResult
	f.submitAt("2026-10-01 12:00", contract.SubmitInput{Email: "wu.tong@example.edu", Text: "Two lectures."}, &done)
	person := plan.Person{Name: "Tian Ye", Email: "tian.ye@example.edu"}
	f.env.RegisterDelayedCallback(func() {
		slots := contract.CollectionSlots{LateDays: 2}
		for _, s := range f.in.Slots {
			s.Due = s.Due.AddDate(0, 0, 4)
			slots.Slots = append(slots.Slots, s)
		}
		slots.Slots = append(slots.Slots, contract.Slot{Key: "arts", Label: "Arts Department", Due: f.in.Slots[0].Due.AddDate(0, 0, 4),
			Owners: []plan.Person{person}, EscalateTo: f.in.Slots[0].EscalateTo})
		f.env.SignalWorkflow(contract.SignalCollectionSlots, slots)
	}, 26*time.Hour) // 2 October, 02:00
	got := f.run()

	want := []string{
		"request 10-01 09:00 organization,publicity,sports",
		"request 10-02 02:00 arts",
		"reminder 10-06 09:00 sports,arts",
		"escalation 10-07 23:59 sports,arts",
		"reminder 10-08 09:00 publicity",
		"escalation 10-09 23:59 publicity",
	}
	if strings.Join(f.notified, "\n") != strings.Join(want, "\n") {
		t.Errorf("notifications:\n%s\nwant:\n%s", strings.Join(f.notified, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range got.Slots {
		if s.Key == "organization" && s.Due.In(f.loc).Format("01-02") != "10-03" {
			t.Errorf("the slot handed in moved to %s", s.Due.In(f.loc).Format("01-02"))
		}
	}
	if len(got.Slots) != 4 {
		t.Errorf("%d slots, want the new one too", len(got.Slots))
	}
}

// An extension sent the moment the collection starts, before it opens, is
// taken like any other.
func TestCollectionExtendedAsItStarts(t *testing.T) {
	f := newCollectFixture(t)
	early := f.extendAt("2026-10-01 00:00", contract.ExtendDeadlineInput{Email: "li.wei@example.edu", Slot: "sports", Due: "2026-10-06", Reason: "Sports week."})
	got := f.run()
	if early.rejected != nil || early.err != nil {
		t.Fatalf("extension as the collection starts: %v / %v", early.rejected, early.err)
	}
	for _, s := range got.Slots {
		if s.Key == "sports" && s.Due.In(f.loc).Format("01-02") != "10-06" {
			t.Errorf("sports due %s, want 10-06", s.Due.In(f.loc).Format("01-02"))
		}
	}
}

// audits records the audit entries the collection writes.
func (f *collectFixture) audits() *[]contract.RecordAuditInput {
	var audits []contract.RecordAuditInput
	f.env.OnActivity(acts.RecordAudit, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.RecordAuditInput) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			audits = append(audits, in)
			return nil
		})
	return &audits
}
