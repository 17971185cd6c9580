package contract_test

import (
	"errors"
	"fmt"
	"testing"

	"go.temporal.io/sdk/temporal"

	"semesterflow/contract"
)

// TestARefusalCrossesTemporalAsItsType: what a workflow refuses with
// reaches the client as an ApplicationError of type TypeRefused (or
// carrying one as its cause), message intact, and is told apart from any
// other failure.
func TestARefusalCrossesTemporalAsItsType(t *testing.T) {
	fc := temporal.GetDefaultFailureConverter()
	const msg = "the acknowledgement window for Ma Li closed on Wed 30 Sep 2026, 23:59 (Asia/Shanghai)"
	for name, err := range map[string]error{
		"refusal":         contract.Refuse(msg),
		"plain, turned":   contract.AsRefusal(errors.New(msg)),
		"wrapped refusal": fmt.Errorf("acknowledge: %w", contract.Refuse(msg)),
	} {
		received := fc.FailureToError(fc.ErrorToFailure(err))
		var appErr *temporal.ApplicationError
		if !errors.As(received, &appErr) {
			t.Errorf("%s: received %#v, want an ApplicationError", name, received)
			continue
		}
		if got, ok := contract.RefusalMessage(received); !ok || got != msg {
			t.Errorf("%s: refusal message %q, %v; want %q", name, got, ok, msg)
		}
	}
	for name, err := range map[string]error{
		"plain error": errors.New("store: invalid input"),
		"bad input":   contract.BadInput("store: invalid input", nil),
	} {
		if got, ok := contract.RefusalMessage(fc.FailureToError(fc.ErrorToFailure(err))); ok {
			t.Errorf("%s passes for a refusal: %q", name, got)
		}
	}
}
