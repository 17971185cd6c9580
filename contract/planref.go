package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"semesterflow/plan"
)

// A plan travels by reference: the starter splits its JSON into chunks
// and hands them to a PlanUpload workflow, which stores each in Postgres;
// the term then starts with a PlanRef and its activities read the chunks.
// No payload then grows with the union: at 1,000 departments of 50 the
// plan is 4.5 MB of JSON, over the server's 2 MB payload limit, and each
// chunk stays under PlanChunkBytes.

// PlanChunkBytes bounds one chunk of a plan's JSON, below the 256 KiB at
// which the binaries warn of a large payload.
const PlanChunkBytes = 192 << 10

// MaxPlanChunks bounds a plan's chunks: 16 MB of JSON.
const MaxPlanChunks = 85

// PlanRef names a plan stored in Postgres by its content.
type PlanRef struct {
	TermID string `json:"term_id"`
	// Hash is PlanHash of the plan: the SHA-256 of its JSON, the
	// concatenation of its chunks.
	Hash string `json:"hash"`
	// Bytes is the JSON's length, Chunks how many pieces it is stored in.
	Bytes  int `json:"bytes"`
	Chunks int `json:"chunks"`
}

// Check says what is wrong with a reference, or nil.
func (r PlanRef) Check() error {
	switch {
	case r.TermID == "":
		return fmt.Errorf("plan reference: no term")
	case len(r.Hash) != 64 || strings.Trim(r.Hash, "0123456789abcdef") != "":
		return fmt.Errorf("plan reference: hash %q is not a SHA-256 in hex", r.Hash)
	case r.Chunks < 1 || r.Chunks > MaxPlanChunks:
		return fmt.Errorf("plan reference: %d chunks, want 1 to %d", r.Chunks, MaxPlanChunks)
	case r.Bytes < r.Chunks || r.Bytes > r.Chunks*PlanChunkBytes:
		return fmt.Errorf("plan reference: %d bytes do not make %d chunks of at most %d", r.Bytes, r.Chunks, PlanChunkBytes)
	}
	return nil
}

// PlanUploadWorkflowID is the workflow that stores a plan's chunks; one
// per term and content, so a second upload of the same plan finds it.
func PlanUploadWorkflowID(r PlanRef) string {
	return SemesterWorkflowID(r.TermID) + "/plan/" + r.Hash[:16]
}

// UpdatePlanChunk hands PlanUpload one chunk (PlanChunk); it completes
// once the chunk is stored. A chunk stored already is accepted again and
// changes nothing, so the starter may retry.
const UpdatePlanChunk = "plan-chunk"

// PlanChunk is one piece of a plan's JSON.
type PlanChunk struct {
	Index int    `json:"index"`
	Data  string `json:"data"`
}

// SplitPlan encodes p and cuts its JSON into chunks, returning the
// reference that names them.
func SplitPlan(p plan.Plan) (PlanRef, []PlanChunk, error) {
	ref, chunks, err := SplitJSON(p.Term.ID, p)
	if err != nil {
		var tooLarge errTooLarge
		if errors.As(err, &tooLarge) {
			return PlanRef{}, nil, fmt.Errorf("the plan is %d bytes of JSON, over the %d MB a term can carry", int(tooLarge), MaxPlanChunks*PlanChunkBytes>>20)
		}
		return PlanRef{}, nil, fmt.Errorf("encode the plan: %w", err)
	}
	return ref, chunks, nil
}

// errTooLarge is the length of JSON too long for MaxPlanChunks.
type errTooLarge int

func (e errTooLarge) Error() string {
	return fmt.Sprintf("%d bytes of JSON, over the %d MB that can be stored by reference", int(e), MaxPlanChunks*PlanChunkBytes>>20)
}

// SplitJSON encodes v and cuts its JSON into chunks stored under the term,
// returning the reference that names them: a plan, or a term's state when
// it continues as new. Each cut falls on a character boundary: a chunk
// travels as a JSON string, where a split character would become U+FFFD.
func SplitJSON(termID string, v any) (PlanRef, []PlanChunk, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return PlanRef{}, nil, err
	}
	sum := sha256.Sum256(b)
	ref := PlanRef{TermID: termID, Hash: hex.EncodeToString(sum[:]), Bytes: len(b)}
	var chunks []PlanChunk
	for rest := b; len(rest) > 0; {
		n := min(len(rest), PlanChunkBytes)
		for n < len(rest) && n > 0 && rest[n]&0xC0 == 0x80 {
			n--
		}
		chunks = append(chunks, PlanChunk{Index: len(chunks), Data: string(rest[:n])})
		rest = rest[n:]
	}
	ref.Chunks = len(chunks)
	if err := ref.Check(); err != nil {
		return PlanRef{}, nil, errTooLarge(len(b))
	}
	return ref, chunks, nil
}

// JoinPlan decodes the plan ref names from its chunks, in order, checking
// that they are what ref promised.
func JoinPlan(ref PlanRef, chunks []string) (plan.Plan, error) {
	var p plan.Plan
	if err := JoinJSON(ref, chunks, &p); err != nil {
		return plan.Plan{}, fmt.Errorf("plan %w", err)
	}
	return p, nil
}

// JoinJSON decodes into v the JSON ref names from its chunks, in order,
// checking that they are what ref promised.
func JoinJSON(ref PlanRef, chunks []string, v any) error {
	if len(chunks) != ref.Chunks {
		return fmt.Errorf("%s of %s: %d of %d chunks", ref.Hash[:12], ref.TermID, len(chunks), ref.Chunks)
	}
	var b strings.Builder
	b.Grow(ref.Bytes)
	for _, c := range chunks {
		b.WriteString(c)
	}
	sum := sha256.Sum256([]byte(b.String()))
	if b.Len() != ref.Bytes || hex.EncodeToString(sum[:]) != ref.Hash {
		return fmt.Errorf("%s of %s: the stored chunks are %d bytes with another hash", ref.Hash[:12], ref.TermID, b.Len())
	}
	if err := json.Unmarshal([]byte(b.String()), v); err != nil {
		return fmt.Errorf("%s of %s: %w", ref.Hash[:12], ref.TermID, err)
	}
	return nil
}

// SavePlanChunkInput stores one chunk of the plan ref names.
type SavePlanChunkInput struct {
	Ref   PlanRef   `json:"ref"`
	Chunk PlanChunk `json:"chunk"`
}

// LoadPlanChunkInput reads chunk Index of the plan Ref names.
type LoadPlanChunkInput struct {
	Ref   PlanRef `json:"ref"`
	Index int     `json:"index"`
}
