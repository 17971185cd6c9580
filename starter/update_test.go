package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"

	"semesterflow/contract"
)

// TestUpdateFailuresSayOnlyRefusals: a refusal reaches the person in its
// own words; any other failure of an Update reads as the generic sentence,
// and its details go to the log only.
func TestUpdateFailuresSayOnlyRefusals(t *testing.T) {
	refusal := contract.Refuse("the acknowledgement window for Ma Li closed on 30 Sep")
	internal := temporal.NewNonRetryableApplicationError(
		"could not record the acknowledgement, please try again: store: invalid input: term ID is empty", contract.TypeBadInput, nil)
	for _, c := range []struct {
		name   string
		err    error
		want   string
		logged string
	}{
		{"refused", fmt.Errorf("update failed: %w", refusal), "the acknowledgement window for Ma Li closed on 30 Sep", ""},
		{"application error", internal, contract.Unexpected, "store: invalid input"},
		{"plain error", errors.New("connection reset by peer"), contract.Unexpected, "connection reset by peer"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var log bytes.Buffer
			got := updateFailure(&env{stderr: &log}, "semester/2026-fall/onboarding/publicity", contract.UpdateAcknowledgeTraining, c.err)
			if got.Error() != c.want {
				t.Errorf("says %q, want %q", got, c.want)
			}
			if c.logged == "" && log.Len() > 0 || !strings.Contains(log.String(), c.logged) {
				t.Errorf("logged %q, want %q", log.String(), c.logged)
			}
		})
	}
}
