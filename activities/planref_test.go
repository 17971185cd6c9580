package activities_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"

	"semesterflow/contract"
	"semesterflow/internal/planfixture"
	"semesterflow/plan"
	"semesterflow/store"
)

// A plan of 60 departments of 50 officers is stored in chunks (each chunk
// twice, as a retried upload would), read back chunk by chunk, and saves
// its directory by reference: every officer has a row. A chunk that is not
// stored is an error to retry, not a bad input.
func TestPlanByReferenceSavesItsDirectory(t *testing.T) {
	r := newRig(t)
	example, err := plan.Load("../examples/fall-term.yaml")
	if err != nil {
		t.Fatal(err)
	}
	big, err := planfixture.Scale(example, 60, 50)
	if err != nil {
		t.Fatal(err)
	}
	big.Term.ID = r.tag
	ref, chunks, err := contract.SplitPlan(*big)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Chunks < 2 {
		t.Fatalf("the plan is %d bytes, one chunk: the test needs more", ref.Bytes)
	}
	for range 2 {
		for _, c := range chunks {
			r.run(r.acts.SavePlanChunk, contract.SavePlanChunkInput{Ref: ref, Chunk: c}, nil)
		}
	}
	var rows int
	if err := r.db.NewRaw("SELECT count(*) FROM plan_chunks WHERE term_id = ?", r.tag).Scan(context.Background(), &rows); err != nil || rows != ref.Chunks {
		t.Fatalf("%d chunk rows (%v), want %d", rows, err, ref.Chunks)
	}
	var last string
	r.run(r.acts.LoadPlanChunk, contract.LoadPlanChunkInput{Ref: ref, Index: ref.Chunks - 1}, &last)
	if last != chunks[ref.Chunks-1].Data {
		t.Errorf("chunk %d read back as %d bytes, stored %d", ref.Chunks-1, len(last), len(chunks[ref.Chunks-1].Data))
	}

	// The term reads it packed: the pieces unpack into the same plan.
	var piece contract.PackedPiece
	r.run(r.acts.LoadPackedPlan, contract.LoadPackedPlanInput{Ref: ref}, &piece)
	pieces := []string{piece.Data}
	for i := 1; i < piece.Pieces; i++ {
		var more contract.PackedPiece
		r.run(r.acts.LoadPackedPlan, contract.LoadPackedPlanInput{Ref: ref, Piece: i}, &more)
		pieces = append(pieces, more.Data)
	}
	if back, err := contract.UnpackPlan(ref, pieces); err != nil || contract.PlanHash(back) != ref.Hash {
		t.Errorf("the packed plan read back: %v", err)
	}
	if len(strings.Join(pieces, ""))*5 > ref.Bytes {
		t.Errorf("packed, the plan is %d bytes of its %d", len(strings.Join(pieces, "")), ref.Bytes)
	}

	start, _ := big.Term.Starts.In(big.Location())
	r.run(r.acts.SaveDirectory, contract.SaveDirectoryInput{PlanRef: &ref, StartedBy: "li.wei", At: start}, nil)
	dir, err := r.store.LoadDirectory(context.Background(), r.tag)
	if err != nil {
		t.Fatal(err)
	}
	if len(dir.Departments) != 60 || len(dir.Officers) != 3000 {
		t.Errorf("the directory saved by reference has %d departments and %d officers, want 60 and 3000", len(dir.Departments), len(dir.Officers))
	}

	missing := ref
	missing.Hash = strings.Repeat("0", 64)
	_, err = r.env.ExecuteActivity(r.acts.LoadPlanChunk, contract.LoadPlanChunkInput{Ref: missing, Index: 0})
	var app *temporal.ApplicationError
	if err == nil || !strings.Contains(err.Error(), store.ErrNoPlanChunk.Error()) || (errors.As(err, &app) && app.NonRetryable()) {
		t.Errorf("a chunk not stored: %v; want a retryable error that says so", err)
	}
	bad := ref
	bad.Chunks = 0
	_, err = r.env.ExecuteActivity(r.acts.SavePlanChunk, contract.SavePlanChunkInput{Ref: bad, Chunk: chunks[0]})
	if !errors.As(err, &app) || !app.NonRetryable() || !strings.Contains(err.Error(), "0 chunks") {
		t.Errorf("a bad reference: %v; want a bad input that says why", err)
	}
}
