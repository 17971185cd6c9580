package contract_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// goList runs go list in the module over packages, one line per result.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on the PATH")
	}
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Fields(string(out))
}

// TestStarterAndPortalLinkNeitherStoreNorMail: the CLI and the portal talk
// to the workflows through the contract only, so they link none of the
// workflows, their activities or the store with its models and
// migrations. Both read Postgres with plain queries through bun's driver
// (the CLI for its exports, the portal for its pages). Only the portal
// links the mail package, to send the leaders' sign-in links itself; the
// CLI sends no mail.
func TestStarterAndPortalLinkNeitherStoreNorMail(t *testing.T) {
	banned := []string{
		"semesterflow/store",
		"semesterflow/activities",
		"semesterflow/workflows",
	}
	for pkg, more := range map[string][]string{
		"semesterflow/starter": {"github.com/wneessen/go-mail", "semesterflow/mail"},
		"semesterflow/portal":  nil,
	} {
		deps := goList(t, "-deps", pkg)
		for _, b := range append(more, banned...) {
			if slices.Contains(deps, b) {
				t.Errorf("%s links %s", pkg, b)
			}
		}
		if !slices.Contains(deps, "semesterflow/contract") {
			t.Errorf("%s does not use the contract", pkg)
		}
	}
}

// TestContractIsALeaf: the contract imports only plan and the SDK's
// temporal package besides the standard library.
func TestContractIsALeaf(t *testing.T) {
	for _, imp := range goList(t, "-f", `{{join .Imports " "}}`, "semesterflow/contract") {
		if first, _, _ := strings.Cut(imp, "/"); !strings.Contains(first, ".") && first != "semesterflow" {
			continue // the standard library
		}
		if imp != "semesterflow/plan" && imp != "go.temporal.io/sdk/temporal" {
			t.Errorf("contract imports %s", imp)
		}
	}
}
