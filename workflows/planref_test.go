package workflows_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"

	"semesterflow/contract"
	"semesterflow/internal/planfixture"
	"semesterflow/plan"
	"semesterflow/workflows"
)

// servePackedPlan answers LoadPackedPlan as the activity does, from the
// raw chunks chunk gives; calls counts the pieces asked for.
func servePackedPlan(env *testsuite.TestWorkflowEnvironment, chunk func(hash string, i int) string) (calls func() int) {
	var mu sync.Mutex
	n := 0
	env.OnActivity(acts.LoadPackedPlan, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.LoadPackedPlanInput) (contract.PackedPiece, error) {
			mu.Lock()
			n++
			mu.Unlock()
			raw := make([]string, in.Ref.Chunks)
			for i := range raw {
				raw[i] = chunk(in.Ref.Hash, i)
			}
			b, err := contract.JoinBytes(in.Ref, raw)
			if err != nil {
				return contract.PackedPiece{}, contract.BadInput("plan "+err.Error(), err)
			}
			pieces := contract.Pieces(contract.Pack(b))
			return contract.PackedPiece{Data: pieces[in.Piece], Pieces: len(pieces)}, nil
		})
	return func() int { mu.Lock(); defer mu.Unlock(); return n }
}

// A term started with its plan by reference reads it from its chunks,
// hands the directory and version 1 the reference rather than the plan,
// runs as the plan says, and continues as new still by reference: the
// next run's input holds no plan.
func TestTermRunsFromAPlanByReference(t *testing.T) {
	p := testPlan(t)
	env := testEnv(time.Time{}, wholeTerm)
	env.OnActivity(acts.CloseOnboarding, mock.Anything, mock.Anything).Return(nil)
	ref, chunks, err := contract.SplitPlan(*p)
	if err != nil {
		t.Fatal(err)
	}
	loads := servePackedPlan(env, func(_ string, i int) string { return chunks[i].Data })
	var directory contract.SaveDirectoryInput
	env.OnActivity(acts.SaveDirectory, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.SaveDirectoryInput) error { directory = in; return nil })
	var versions contract.SavePlanVersionInput
	env.OnActivity(acts.SavePlanVersions, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.SavePlanVersionInput) error { versions = in; return nil })
	env.OnActivity(acts.NotifyOnboarding, mock.Anything, mock.Anything).Return(contract.DeliveryResult{}, nil)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: contract.SemesterWorkflowID(p.Term.ID)})
	var located contract.OfficerLocation
	env.RegisterDelayedCallback(func() {
		located = queryAs[contract.OfficerLocation](t, env, contract.QueryFindOfficer, "ma.li@example.edu")
		env.SetContinueAsNewSuggested(true)
	}, 10*time.Second)
	env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{PlanRef: &ref, TimeScale: 86400, StartedBy: "li.wei"})

	next := continuedInput(t, env)
	if loads() != 1 {
		t.Errorf("read the packed plan in %d pieces, want one for a plan this small", loads())
	}
	if directory.PlanRef == nil || *directory.PlanRef != ref || directory.Plan.Term.ID != "" {
		t.Errorf("the directory was saved from %+v with a plan for %q; want the reference alone", directory.PlanRef, directory.Plan.Term.ID)
	}
	if len(versions.Versions) != 1 || versions.Versions[0].PlanRef == nil || versions.Versions[0].Hash != contract.PlanHash(*p) || versions.Versions[0].Plan.Term.ID != "" {
		t.Errorf("version 1 stored as %+v; want the reference with the plan's hash", versions.Versions)
	}
	if located.DepartmentID != "publicity" {
		t.Errorf("find-officer on a term by reference = %+v", located)
	}
	if next.PlanRef == nil || *next.PlanRef != ref || next.Plan.Term.ID != "" || next.State == nil || !next.State.OnboardingStarted {
		t.Fatalf("continued as new with ref %+v, a plan for %q, state %v; want the reference and the state", next.PlanRef, next.Plan.Term.ID, next.State != nil)
	}
	whole, err := converter.GetDefaultDataConverter().ToPayload(contract.SemesterInput{Plan: *p, State: next.State})
	if err != nil {
		t.Fatal(err)
	}
	carried, err := converter.GetDefaultDataConverter().ToPayload(next)
	if err != nil {
		t.Fatal(err)
	}
	if len(carried.Data) >= len(whole.Data)-ref.Bytes/2 {
		t.Errorf("the next run's input is %d bytes, the plan by value would be %d", len(carried.Data), len(whole.Data))
	}
}

// A term whose stored plan is not the one its reference names fails with
// the reason, and does nothing.
func TestTermRefusesAPlanThatIsNotItsReference(t *testing.T) {
	env, p := termEnv(t)
	ref, chunks, err := contract.SplitPlan(*p)
	if err != nil {
		t.Fatal(err)
	}
	servePackedPlan(env, func(_ string, i int) string { return strings.Replace(chunks[i].Data, "Ma Li", "Ma Lu", 1) })
	env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{PlanRef: &ref, TimeScale: 86400})
	if err := env.GetWorkflowError(); err == nil || !strings.Contains(err.Error(), "the stored chunks are") {
		t.Errorf("term error = %v; want the chunks refused", err)
	}
	env.AssertNotCalled(t, "SaveDirectory", mock.Anything, mock.Anything)
}

// PlanUpload stores each chunk once, whatever the starter repeats, refuses
// a chunk the plan does not have, and ends once it has them all.
func TestPlanUploadStoresEachChunkOnce(t *testing.T) {
	env := testEnv(time.Time{})
	env.RegisterWorkflow(workflows.PlanUpload)
	ref := contract.PlanRef{TermID: "2026-fall", Hash: strings.Repeat("ab", 32), Bytes: contract.PlanChunkBytes + 10, Chunks: 2}
	var mu sync.Mutex
	var stored []int
	env.OnActivity(acts.SavePlanChunk, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.SavePlanChunkInput) error {
			mu.Lock()
			defer mu.Unlock()
			stored = append(stored, in.Chunk.Index)
			return nil
		})
	var refused error
	send := func(at time.Duration, c contract.PlanChunk) {
		env.RegisterDelayedCallback(func() {
			env.UpdateWorkflow(contract.UpdatePlanChunk, "", &testsuite.TestUpdateCallback{
				OnAccept: func() {}, OnReject: func(err error) { refused = err }, OnComplete: func(any, error) {},
			}, c)
		}, at)
	}
	send(time.Second, contract.PlanChunk{Index: 0, Data: "{"})
	send(2*time.Second, contract.PlanChunk{Index: 0, Data: "{"})
	send(3*time.Second, contract.PlanChunk{Index: 2, Data: "}"})
	send(4*time.Second, contract.PlanChunk{Index: 1, Data: "}"})
	env.ExecuteWorkflow(workflows.PlanUpload, ref)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("upload: %v", err)
	}
	if len(stored) != 2 || stored[0] != 0 || stored[1] != 1 {
		t.Errorf("stored chunks %v; want 0 and 1, once each", stored)
	}
	if refused == nil || !strings.Contains(refused.Error(), "chunk 2: the plan has chunks 0 to 1") {
		t.Errorf("chunk 2 of 2: %v", refused)
	}
}

// An upload abandoned half way ends after an hour and says so.
func TestPlanUploadGivesUpOnAnAbandonedUpload(t *testing.T) {
	env := testEnv(time.Time{})
	env.RegisterWorkflow(workflows.PlanUpload)
	ref := contract.PlanRef{TermID: "2026-fall", Hash: strings.Repeat("ab", 32), Bytes: contract.PlanChunkBytes + 10, Chunks: 2}
	env.OnActivity(acts.SavePlanChunk, mock.Anything, mock.Anything).Return(nil)
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(contract.UpdatePlanChunk, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(error) {}, OnComplete: func(any, error) {},
		}, contract.PlanChunk{Index: 0, Data: "{"})
	}, time.Second)
	env.ExecuteWorkflow(workflows.PlanUpload, ref)
	if err := env.GetWorkflowError(); err == nil || !strings.Contains(err.Error(), "only 1 of the plan's 2 chunks arrived within 1h0m0s") {
		t.Errorf("upload error = %v", err)
	}
}

// An amendment of a term that carries its plan by reference stores the new
// version's chunks and keeps the version by reference too; the term runs
// from the amended plan.
func TestAmendingATermWhosePlanIsByReference(t *testing.T) {
	r := newTermRun(t)
	saved := r.savedVersions()
	stored := map[string]string{} // hash/index -> data
	key := func(hash string, i int) string { return fmt.Sprintf("%s/%d", hash, i) }
	ref, chunks, err := contract.SplitPlan(*r.plan)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		stored[key(ref.Hash, c.Index)] = c.Data
	}
	servePackedPlan(r.env, func(hash string, i int) string {
		r.mu.Lock()
		defer r.mu.Unlock()
		return stored[key(hash, i)]
	})
	r.env.OnActivity(acts.SavePlanChunk, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.SavePlanChunkInput) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			stored[key(in.Ref.Hash, in.Chunk.Index)] = in.Chunk.Data
			return nil
		})
	amended := testPlan(t, func(p *plan.Plan) { p.Months.Run = p.Months.Run[:len(p.Months.Run)-1] })
	change := r.amend("2026-10-20 10:00", contract.AmendPlanInput{Plan: *amended, By: "li.wei@example.edu"})
	r.env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{PlanRef: &ref, TimeScale: 86400, StartedBy: "li.wei@example.edu"})
	if err := r.env.GetWorkflowError(); err != nil {
		t.Fatalf("term failed: %v", err)
	}
	if !change.done || change.failed != nil || change.rejected != "" || change.result.Version != 2 {
		t.Fatalf("amendment: %+v", change)
	}
	if len(*saved) != 2 {
		t.Fatalf("%d saves of plan versions, want 2", len(*saved))
	}
	v2 := (*saved)[1].Versions[0]
	if v2.PlanRef == nil || v2.PlanRef.Hash != contract.PlanHash(*amended) || v2.Plan.Term.ID != "" {
		t.Fatalf("version 2 stored as ref %+v with a plan for %q; want the amended plan by reference", v2.PlanRef, v2.Plan.Term.ID)
	}
	var back []string
	for i := range v2.PlanRef.Chunks {
		back = append(back, stored[key(v2.PlanRef.Hash, i)])
	}
	if p, err := contract.JoinPlan(*v2.PlanRef, back); err != nil || len(p.Months.Run) != len(r.plan.Months.Run)-1 {
		t.Errorf("the stored version 2 reads back as %v", err)
	}
	if len(r.digests) != 3 {
		t.Errorf("digests %v, want September to November: the term did not run the amended plan", r.digests)
	}
}

// A term of 1,000 departments continues as new with its state stored in
// chunks, over StateInlineBytes as it is, and the next run reads it back:
// the carried input stays small, and no department is lost.
func TestLargeTermCarriesItsStateByReference(t *testing.T) {
	p, err := planfixture.Scale(testPlan(t), 1000, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Only the state matters here: no part starts before the runs end.
	p.Kickoff, p.Exchanges, p.Months, p.Contest, p.Tasks, p.Evaluation = nil, nil, nil, nil, nil, nil
	env := testEnv(time.Time{}, wholeTerm, quiet)
	var mu sync.Mutex
	saved := map[int]string{}
	env.OnActivity(acts.SavePlanChunk, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.SavePlanChunkInput) error {
			mu.Lock()
			defer mu.Unlock()
			saved[in.Chunk.Index] = in.Chunk.Data
			return nil
		})
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: contract.SemesterWorkflowID(p.Term.ID)})
	env.RegisterDelayedCallback(func() { env.SetContinueAsNewSuggested(true) }, time.Second)
	env.ExecuteWorkflow(workflows.SemesterPlan, contract.SemesterInput{Plan: *p, TimeScale: 86400})

	next := continuedInput(t, env)
	if next.State != nil || next.StateRef == nil || !next.StateRef.Packed || len(saved) != next.StateRef.Chunks {
		t.Fatalf("continued with state %v, reference %+v, %d chunks saved; want the state by reference", next.State != nil, next.StateRef, len(saved))
	}
	carried, err := converter.GetDefaultDataConverter().ToPayload(contract.SemesterInput{StateRef: next.StateRef, TimeScale: next.TimeScale})
	if err != nil {
		t.Fatal(err)
	}
	if len(carried.Data) > 1<<10 {
		t.Errorf("the reference takes %d bytes", len(carried.Data))
	}

	again := testEnv(time.Time{}, wholeTerm, quiet)
	again.OnActivity(acts.LoadPlanChunk, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in contract.LoadPlanChunkInput) (string, error) { return saved[in.Index], nil })
	again.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: contract.SemesterWorkflowID(p.Term.ID)})
	var whole, last contract.Progress
	again.RegisterDelayedCallback(func() {
		whole = queryAs[contract.Progress](t, again, contract.QueryProgress)
		last = queryAs[contract.Progress](t, again, contract.QueryProgress, contract.ProgressRequest{Department: "dept-1000"})
		again.SetContinueAsNewSuggested(true)
	}, time.Second)
	again.ExecuteWorkflow(workflows.SemesterPlan, next)
	third := continuedInput(t, again)
	if whole.FoldedDepartments != 1000 || len(last.Departments) != 1 || last.Departments[0].DepartmentID != "dept-1000" {
		t.Errorf("the next run knows %d departments (the last: %+v), want the 1,000 it read back", whole.FoldedDepartments, last.Departments)
	}
	if third.StateRef == nil {
		t.Errorf("the third run's state is not by reference")
	}
}
