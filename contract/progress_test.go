package contract_test

import (
	"testing"

	"semesterflow/contract"
)

// TestPartDepartment: the department parts are told from the term-wide
// ones by their kind, whatever follows the department.
func TestPartDepartment(t *testing.T) {
	for part, want := range map[string]string{
		"exchanges/publicity":           "publicity",
		"exchanges/publicity/minutes-3": "publicity",
		"evaluation/sports/assessments": "sports",
		"onboarding/sports/v2":          "sports",
		"kickoff":                       "",
		"kickoff/plans":                 "",
		"month/2026-10/summary":         "",
		"tasks/help-3":                  "",
		"contest/milestones":            "",
		"month/2026-10/summary/part-2":  "",
		"exchanges":                     "",
	} {
		if got := contract.PartDepartment(part); got != want {
			t.Errorf("PartDepartment(%q) = %q, want %q", part, got, want)
		}
	}
}
