// Package upload hands a plan to Temporal by reference: its chunks go to a
// PlanUpload workflow, which stores them in Postgres, so the term starts
// with a small PlanRef instead of a payload that grows with the union.
package upload

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"semesterflow/contract"
	"semesterflow/plan"
)

// InlineBytes is the largest plan, as JSON, that travels by value in the
// term's input; a larger one is uploaded. One chunk's worth keeps every
// payload under the 256 KiB warning.
const InlineBytes = contract.PlanChunkBytes

// ChunkTimeout bounds the wait for one chunk to be stored. A worker must
// be running to store it.
const ChunkTimeout = 2 * time.Minute

// ErrNoWorker is returned, wrapped, when no worker stored a chunk in
// ChunkTimeout.
var ErrNoWorker = errors.New("no worker stored the plan")

// Input returns the term's input for p: by value when it is small, else
// by reference after uploading it on taskQueue. Uploading the same plan
// again stores nothing twice.
func Input(ctx context.Context, c client.Client, taskQueue string, in contract.SemesterInput) (contract.SemesterInput, error) {
	ref, chunks, err := contract.SplitPlan(in.Plan)
	if err != nil {
		return in, err
	}
	if ref.Bytes <= InlineBytes {
		return in, nil
	}
	if err := Plan(ctx, c, taskQueue, ref, chunks); err != nil {
		return in, err
	}
	in.Plan, in.PlanRef = plan.Plan{}, &ref
	return in, nil
}

// Plan stores chunks through a PlanUpload workflow and waits until it has
// them all.
func Plan(ctx context.Context, c client.Client, taskQueue string, ref contract.PlanRef, chunks []contract.PlanChunk) error {
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        contract.PlanUploadWorkflowID(ref),
		TaskQueue: taskQueue,
		// A second upload of the same plan joins the first, or runs
		// again once it has ended; the chunks are stored once.
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		StaticSummary:            fmt.Sprintf("The plan of %s: %d bytes in %d chunks", ref.TermID, ref.Bytes, ref.Chunks),
	}, contract.WorkflowPlanUpload, ref)
	if err != nil {
		return fmt.Errorf("upload the plan of %s: %w", ref.TermID, err)
	}
	for _, chunk := range chunks {
		if err := storeChunk(ctx, c, run, chunk); err != nil {
			return fmt.Errorf("upload chunk %d of %d of the plan of %s: %w", chunk.Index+1, len(chunks), ref.TermID, err)
		}
	}
	wctx, cancel := context.WithTimeout(ctx, ChunkTimeout)
	defer cancel()
	if err := run.Get(wctx, nil); err != nil {
		return fmt.Errorf("upload the plan of %s: %w", ref.TermID, err)
	}
	return nil
}

func storeChunk(ctx context.Context, c client.Client, run client.WorkflowRun, chunk contract.PlanChunk) error {
	uctx, cancel := context.WithTimeout(ctx, ChunkTimeout)
	defer cancel()
	h, err := c.UpdateWorkflow(uctx, client.UpdateWorkflowOptions{
		WorkflowID: run.GetID(), RunID: run.GetRunID(), UpdateName: contract.UpdatePlanChunk,
		WaitForStage: client.WorkflowUpdateStageCompleted, Args: []any{chunk},
	})
	if err == nil {
		err = h.Get(uctx, nil)
	}
	if err != nil && uctx.Err() != nil && ctx.Err() == nil {
		return fmt.Errorf("%w within %s: is the worker running on the task queue? (%v)", ErrNoWorker, ChunkTimeout, err)
	}
	return err
}
