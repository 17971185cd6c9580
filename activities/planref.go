package activities

import (
	"context"
	"errors"
	"strconv"

	"semesterflow/contract"
	"semesterflow/plan"
	"semesterflow/store"
)

// SavePlanChunk stores one chunk of a plan travelling by reference. A
// retry, or a second upload of the same plan, stores nothing twice.
func (a *Activities) SavePlanChunk(ctx context.Context, in contract.SavePlanChunkInput) error {
	if err := in.Ref.Check(); err != nil {
		return contract.BadInput(err.Error(), err)
	}
	if in.Chunk.Index < 0 || in.Chunk.Index >= in.Ref.Chunks || len(in.Chunk.Data) > contract.PlanChunkBytes {
		return contract.BadInput("plan chunk "+strconv.Itoa(in.Chunk.Index)+" is outside the plan's chunks or too long", nil)
	}
	err := a.Store.SavePlanChunk(ctx, store.PlanChunk{TermID: in.Ref.TermID, Hash: in.Ref.Hash, Index: in.Chunk.Index, Data: in.Chunk.Data})
	if err != nil {
		return storeError("save a plan chunk", err)
	}
	return nil
}

// LoadPlanChunk reads one chunk of a plan travelling by reference. A chunk
// that is not stored is retried: its upload may still be committing.
func (a *Activities) LoadPlanChunk(ctx context.Context, in contract.LoadPlanChunkInput) (string, error) {
	if err := in.Ref.Check(); err != nil {
		return "", contract.BadInput(err.Error(), err)
	}
	data, err := a.Store.LoadPlanChunk(ctx, in.Ref.TermID, in.Ref.Hash, in.Index)
	if err != nil {
		return "", storeError("load a plan chunk", err)
	}
	return data, nil
}

// planOf is the plan an activity was given: by value, or read from its
// chunks when ref is set.
func (a *Activities) planOf(ctx context.Context, p plan.Plan, ref *contract.PlanRef) (plan.Plan, error) {
	if ref == nil {
		return p, nil
	}
	if err := ref.Check(); err != nil {
		return plan.Plan{}, contract.BadInput(err.Error(), err)
	}
	chunks := make([]string, ref.Chunks)
	for i := range chunks {
		data, err := a.Store.LoadPlanChunk(ctx, ref.TermID, ref.Hash, i)
		if err != nil {
			return plan.Plan{}, storeError("load the plan", err)
		}
		chunks[i] = data
	}
	loaded, err := contract.JoinPlan(*ref, chunks)
	if err != nil {
		return plan.Plan{}, contract.BadInput(err.Error(), errors.Unwrap(err))
	}
	return loaded, nil
}

// LoadPackedPlan reads the plan ref names, checks it, and hands out piece
// in.Piece of its JSON gzipped and in base64, with the count of pieces: the
// term takes its plan in a tenth of the history the raw chunks would fill.
func (a *Activities) LoadPackedPlan(ctx context.Context, in contract.LoadPackedPlanInput) (contract.PackedPiece, error) {
	if err := in.Ref.Check(); err != nil {
		return contract.PackedPiece{}, contract.BadInput(err.Error(), err)
	}
	chunks := make([]string, in.Ref.Chunks)
	for i := range chunks {
		data, err := a.Store.LoadPlanChunk(ctx, in.Ref.TermID, in.Ref.Hash, i)
		if err != nil {
			return contract.PackedPiece{}, storeError("load the plan", err)
		}
		chunks[i] = data
	}
	raw, err := contract.JoinBytes(in.Ref, chunks)
	if err != nil {
		return contract.PackedPiece{}, contract.BadInput("plan "+err.Error(), err)
	}
	pieces := contract.Pieces(contract.Pack(raw))
	if in.Piece < 0 || in.Piece >= len(pieces) {
		return contract.PackedPiece{}, contract.BadInput("packed plan: piece "+strconv.Itoa(in.Piece)+" of "+strconv.Itoa(len(pieces)), nil)
	}
	return contract.PackedPiece{Data: pieces[in.Piece], Pieces: len(pieces)}, nil
}
