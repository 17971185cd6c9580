package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"semesterflow/plan"
)

// The living plan: a leader amends a running term with a new version of its
// plan file.
const (
	// QueryPlanDiff takes a plan.Plan and returns PlanDiff: what applying
	// it to the term would change, and how. It changes nothing.
	QueryPlanDiff = "plan-diff"
	// UpdateAmendPlan applies AmendPlanInput to the term and returns
	// AmendPlanResult. Its validator refuses the whole amendment when any
	// change is refused, so nothing of it enters history.
	UpdateAmendPlan = "amend-plan"
	// QueryPlanDiffPacked is QueryPlanDiff for a plan too large to be a
	// query's argument: it takes the plan's JSON packed (PackPlan).
	QueryPlanDiffPacked = "plan-diff-packed"
)

// PackPlan is p's JSON gzipped and in base64, for QueryPlanDiffPacked.
func PackPlan(p plan.Plan) (string, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	return Pack(b), nil
}

// UnpackPlanText reverses PackPlan.
func UnpackPlanText(packed string) (plan.Plan, error) {
	b, err := unpack(packed)
	if err != nil {
		return plan.Plan{}, err
	}
	var p plan.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return plan.Plan{}, fmt.Errorf("the packed plan: %w", err)
	}
	return p, nil
}

// Effects of one change on a running term.
const (
	// EffectNow: it applies at once (a part that has not started yet
	// starts from the new plan).
	EffectNow = "applies now"
	// EffectNext: it applies from the next occurrence (the next exchange,
	// the next reminder).
	EffectNext = "applies from the next occurrence"
	// EffectRefused: it cannot apply; Reason says why.
	EffectRefused = "refused"
)

// PlanChange is one change of an amendment with its effect on the term.
type PlanChange struct {
	plan.Change
	Effect string `json:"effect"`
	// Reason says why a change is refused, or what applying it means.
	Reason string `json:"reason,omitempty"`
}

// PlanDiff answers QueryPlanDiff.
type PlanDiff struct {
	TermID string `json:"term_id"`
	// Version is the term's current plan version (1 is the plan it started
	// with); Hash identifies that version's plan.
	Version int    `json:"version"`
	Hash    string `json:"hash"`
	// NewHash identifies the plan asked about; equal to Hash when it is
	// the same plan.
	NewHash string       `json:"new_hash"`
	Changes []PlanChange `json:"changes"`
	// Refused counts the refused changes; any refusal refuses the whole
	// amendment.
	Refused int `json:"refused"`
}

// AmendPlanInput is a leader applying a new version of the plan.
type AmendPlanInput struct {
	Plan plan.Plan `json:"plan"`
	// PlanRef, instead of Plan, names a plan too large for the Update,
	// uploaded first as the starter uploads a term's plan. The term reads
	// it before checking it, so its refusal comes after the Update was
	// accepted, and still changes nothing.
	PlanRef *PlanRef `json:"plan_ref,omitempty"`
	// Source is the plan file as written, kept with the version.
	Source string `json:"source,omitempty"`
	// By is the leader's email.
	By string `json:"by"`
	// ExpectVersion, when not 0, is the version the leader's diff was
	// made against: the amendment is refused if the term has moved on.
	ExpectVersion int `json:"expect_version,omitempty"`
}

// AmendPlanResult says what the amendment did.
type AmendPlanResult struct {
	// Version is the term's plan version after it: unchanged when the plan
	// was the same.
	Version   int          `json:"version"`
	Unchanged bool         `json:"unchanged,omitempty"`
	Changes   []PlanChange `json:"changes,omitempty"`
	At        time.Time    `json:"at"`
}

// PlanVersion is one version of a term's plan as Postgres keeps it.
type PlanVersion struct {
	Version int       `json:"version"`
	Hash    string    `json:"hash"`
	Plan    plan.Plan `json:"plan"`
	// PlanRef, when set, names the plan instead (see PlanRef).
	PlanRef *PlanRef `json:"plan_ref,omitempty"`
	Source  string   `json:"source,omitempty"`
	// By is who made it: who started the term for version 1, the leader
	// who amended it for later ones.
	By      string       `json:"by"`
	At      time.Time    `json:"at"`
	Changes []PlanChange `json:"changes,omitempty"`
}

// SavePlanVersionInput stores versions of a term's plan, with the audit
// entry of the amendment that made the last one. Versions already stored
// are left as they are, so a retry changes nothing.
type SavePlanVersionInput struct {
	TermID   string        `json:"term_id"`
	Versions []PlanVersion `json:"versions"`
	AuditKey string        `json:"audit_key,omitempty"`
	// Directory re-saves the personnel directory from the last version:
	// officers who left are marked as left at its time, not deleted.
	Directory bool `json:"directory,omitempty"`
}

// ActionAmendPlan is the audit action of an amendment.
const ActionAmendPlan = "amend_plan"

// PlanHash identifies a plan's content: the SHA-256 of its JSON, which has
// no maps and so one spelling.
func PlanHash(p plan.Plan) string {
	b, err := json.Marshal(p)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
