package workflows_test

import (
	"strings"
	"testing"
	"time"

	"semesterflow/contract"
	"semesterflow/plan"
)

func (f *collectFixture) handOverAt(local string, in contract.HandOverInput) *collectionUpdate[contract.HandOverResult] {
	return updateAt[contract.HandOverResult](f, local, contract.UpdateHandOver, in)
}

// The publicity summary goes from its head, who is ill, to an officer of
// the department: she gets the request and the reminder, can hand it in,
// and the old owner's task says where it went. A hand-over outside the
// department, or of someone else's task by a stranger, is refused.
func TestCollectionTaskHandedOver(t *testing.T) {
	f := newCollectFixture(t)
	for i := range f.in.Slots {
		f.in.Slots[i].Department = f.in.Slots[i].Key
	}
	audits := f.audits()
	maLi := plan.Person{Name: "Ma Li", Email: "ma.li@example.edu"}
	outside := f.handOverAt("2026-10-02 10:00", contract.HandOverInput{Email: "sun.hao@example.edu", Slot: "publicity", To: maLi, ToDepartment: "sports", Reason: "Ill."})
	stranger := f.handOverAt("2026-10-02 10:30", contract.HandOverInput{Email: "yuan.jun@example.edu", Slot: "publicity", From: "sun.hao@example.edu", To: maLi, ToDepartment: "publicity", Reason: "Ill."})
	ok := f.handOverAt("2026-10-02 11:00", contract.HandOverInput{Email: "sun.hao@example.edu", Slot: "publicity", To: maLi, ToDepartment: "publicity", Reason: "I'm ill; Ma Li writes it."})
	var oldOwner, newOwner submitResult
	f.submitAt("2026-10-03 09:00", contract.SubmitInput{Email: "sun.hao@example.edu", Slot: "publicity", Text: "Posters."}, &oldOwner)
	var before, after contract.CollectionTask
	f.env.RegisterDelayedCallback(func() {
		after = queryAs[contract.CollectionTask](t, f.env, contract.QueryTask, "publicity", "sun.hao@example.edu")
		before = queryAs[contract.CollectionTask](t, f.env, contract.QueryTask, "publicity", "ma.li@example.edu")
	}, 48*time.Hour)
	f.submitAt("2026-10-04 20:00", contract.SubmitInput{Email: "ma.li@example.edu", Slot: "publicity", Text: "Posters for every event."}, &newOwner)
	got := f.run()

	if outside.rejected == nil || !strings.Contains(outside.rejected.Error(), "ma.li@example.edu is not in the Publicity Department; hand it to one of its officers") {
		t.Errorf("hand-over outside the department: %v", outside.rejected)
	}
	if stranger.rejected == nil || !strings.Contains(stranger.rejected.Error(), "only the person asked, or those it escalates to, can") {
		t.Errorf("hand-over by a stranger: %v", stranger.rejected)
	}
	if ok.rejected != nil || ok.err != nil || ok.value.To.Email != "ma.li@example.edu" || ok.value.From.Email != "sun.hao@example.edu" {
		t.Fatalf("hand-over: %+v", ok)
	}
	if oldOwner.rejected == nil {
		t.Errorf("the old owner could still hand it in")
	}
	if newOwner.rejected != nil || newOwner.err != nil || newOwner.value.Late {
		t.Errorf("the new owner's submission: %+v", newOwner)
	}
	if after.Owner || after.HandedOver == nil || after.HandedOver.To.Name != "Ma Li" || after.HandedOver.Reason != "I'm ill; Ma Li writes it." {
		t.Errorf("the old owner's task: owner %v, handed over %+v", after.Owner, after.HandedOver)
	}
	if !before.Owner || before.HandedOver != nil {
		t.Errorf("the new owner's task: owner %v, handed over %+v", before.Owner, before.HandedOver)
	}
	want := []string{
		"request 10-01 09:00 organization,publicity,sports",
		"reminder 10-02 09:00 organization,sports",
		"request 10-02 11:00 publicity",
		"escalation 10-03 23:59 organization,sports",
		"reminder 10-04 09:00 publicity",
	}
	if strings.Join(f.notified, "\n") != strings.Join(want, "\n") {
		t.Errorf("notifications:\n%s\nwant:\n%s", strings.Join(f.notified, "\n"), strings.Join(want, "\n"))
	}
	if len(got.Submissions) != 1 || got.Submissions[0].Author != "ma.li@example.edu" {
		t.Errorf("submissions: %+v", got.Submissions)
	}
	if len(*audits) != 1 || (*audits)[0].Action != contract.ActionHandOver || (*audits)[0].Payload["from"] != "sun.hao@example.edu" || (*audits)[0].Payload["to"] != "ma.li@example.edu" {
		t.Errorf("audit: %+v", *audits)
	}
}

// A hand-over sent the moment the collection starts is taken, and the new
// person is asked once the collection opens.
func TestCollectionHandedOverAsItStarts(t *testing.T) {
	f := newCollectFixture(t)
	for i := range f.in.Slots {
		f.in.Slots[i].Department = f.in.Slots[i].Key
	}
	early := f.handOverAt("2026-10-01 00:00", contract.HandOverInput{Email: "sun.hao@example.edu", Slot: "publicity",
		To: plan.Person{Name: "Ma Li", Email: "ma.li@example.edu"}, ToDepartment: "publicity", Reason: "Ill."})
	f.run()
	if early.rejected != nil || early.err != nil {
		t.Fatalf("hand-over as the collection starts: %v / %v", early.rejected, early.err)
	}
}
