package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
)

// planUploadPatience is how long PlanUpload waits for its chunks, in real
// time: the starter sends them one after another within seconds, so an
// upload that has not finished in an hour was abandoned.
const planUploadPatience = time.Hour

// PlanUpload stores the plan ref names in Postgres, one chunk per
// plan-chunk Update, and ends once every chunk is stored. The starter then
// starts the term with ref, so the plan never travels as one payload.
func PlanUpload(ctx workflow.Context, ref contract.PlanRef) error {
	if err := ref.Check(); err != nil {
		return contract.BadInput(err.Error(), nil)
	}
	stored := make([]bool, ref.Chunks)
	count := 0
	actx := withStoreOptions(ctx, "store a chunk of the plan")
	err := workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdatePlanChunk,
		func(ctx workflow.Context, c contract.PlanChunk) error {
			if stored[c.Index] {
				return nil
			}
			if err := workflow.ExecuteActivity(actx, a.SavePlanChunk, contract.SavePlanChunkInput{Ref: ref, Chunk: c}).Get(ctx, nil); err != nil {
				return fmt.Errorf("store chunk %d of the plan: %w", c.Index, err)
			}
			if !stored[c.Index] {
				stored[c.Index] = true
				count++
			}
			return nil
		},
		workflow.UpdateHandlerOptions{
			Validator: func(c contract.PlanChunk) error {
				switch {
				case c.Index < 0 || c.Index >= ref.Chunks:
					return contract.Refusef("chunk %d: the plan has chunks 0 to %d", c.Index, ref.Chunks-1)
				case c.Data == "" || len(c.Data) > contract.PlanChunkBytes:
					return contract.Refusef("chunk %d is %d bytes; a chunk has 1 to %d", c.Index, len(c.Data), contract.PlanChunkBytes)
				}
				return nil
			},
			Description: "Store one chunk of the plan (PlanChunk).",
		})
	if err != nil {
		return err
	}
	ok, err := workflow.AwaitWithTimeout(ctx, planUploadPatience, func() bool { return count == ref.Chunks })
	if err != nil {
		return err
	}
	if !ok {
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("only %d of the plan's %d chunks arrived within %s; start the term again", count, ref.Chunks, planUploadPatience), contract.TypeBadInput, nil)
	}
	return workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
}
