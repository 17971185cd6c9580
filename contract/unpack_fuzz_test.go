package contract_test

import (
	"reflect"
	"strings"
	"testing"

	"semesterflow/contract"
	"semesterflow/plan"
)

// The packed plan of the plan-diff-packed query comes from outside the
// worker: whatever it is, unpacking ends in a plan or an error, never a
// panic, and a plan it accepts packs and unpacks to itself.
func FuzzUnpackPlanText(f *testing.F) {
	example, err := plan.Load("../examples/fall-term.yaml")
	if err != nil {
		f.Fatal(err)
	}
	packed, err := contract.PackPlan(*example)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(packed)
	f.Add(packed[:len(packed)/2])
	f.Add(contract.Pack([]byte(`{"term":{"id":"x"}}`)))
	f.Add(contract.Pack([]byte(strings.Repeat("[", 1000))))
	f.Add("not base64 at all")
	f.Fuzz(func(t *testing.T, text string) {
		p, err := contract.UnpackPlanText(text)
		if err != nil {
			return
		}
		again, err := contract.PackPlan(p)
		if err != nil {
			t.Fatalf("a plan unpacked does not pack again: %v", err)
		}
		back, err := contract.UnpackPlanText(again)
		if err != nil || !reflect.DeepEqual(back, p) {
			t.Fatalf("packed and unpacked again, the plan changed (error %v)", err)
		}
	})
}

// The example plan comes back whole from its packed text, and text that is
// not a packed plan is refused with what is wrong.
func TestUnpackPlanText(t *testing.T) {
	example, err := plan.Load("../examples/fall-term.yaml")
	if err != nil {
		t.Fatal(err)
	}
	packed, err := contract.PackPlan(*example)
	if err != nil {
		t.Fatal(err)
	}
	back, err := contract.UnpackPlanText(packed)
	if err != nil || contract.PlanHash(back) != contract.PlanHash(*example) {
		t.Errorf("the example plan unpacked: error %v, hash %s, want %s", err, contract.PlanHash(back), contract.PlanHash(*example))
	}
	if _, err := contract.UnpackPlanText("not base64 at all"); err == nil || !strings.Contains(err.Error(), "unpack") {
		t.Errorf("garbage unpacked with error %v", err)
	}
}
