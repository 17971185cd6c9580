package contract

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	// Packed is set when the chunks hold the JSON gzipped and in base64
	// (see PackJSON); Hash and Bytes are then those of the packed text.
	Packed bool `json:"packed,omitempty"`
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
	b, err := JoinBytes(ref, chunks)
	if err != nil {
		return err
	}
	if ref.Packed {
		if b, err = unpack(string(b)); err != nil {
			return fmt.Errorf("%s of %s: %w", ref.Hash[:12], ref.TermID, err)
		}
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s of %s: %w", ref.Hash[:12], ref.TermID, err)
	}
	return nil
}

// JoinBytes joins the chunks ref names, in order, checking that they are
// what ref promised.
func JoinBytes(ref PlanRef, chunks []string) ([]byte, error) {
	if len(chunks) != ref.Chunks {
		return nil, fmt.Errorf("%s of %s: %d of %d chunks", ref.Hash[:12], ref.TermID, len(chunks), ref.Chunks)
	}
	b := make([]byte, 0, ref.Bytes)
	for _, c := range chunks {
		b = append(b, c...)
	}
	sum := sha256.Sum256(b)
	if len(b) != ref.Bytes || hex.EncodeToString(sum[:]) != ref.Hash {
		return nil, fmt.Errorf("%s of %s: the stored chunks are %d bytes with another hash", ref.Hash[:12], ref.TermID, len(b))
	}
	return b, nil
}

// PackJSON is SplitJSON with the JSON gzipped and in base64 first. What a
// workflow stores or reads goes into its history; packed, a term's state
// or plan takes a tenth of the room (the plan of 1,000 departments of 50
// goes from 4.5 MB to about 0.5 MB), and a history whose first events pass
// 4 MB cannot be handed to a worker.
func PackJSON(termID string, v any) (PlanRef, []PlanChunk, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return PlanRef{}, nil, err
	}
	packed := Pack(b)
	sum := sha256.Sum256([]byte(packed))
	ref := PlanRef{TermID: termID, Hash: hex.EncodeToString(sum[:]), Bytes: len(packed), Packed: true}
	pieces := Pieces(packed)
	chunks := make([]PlanChunk, len(pieces))
	for i, p := range pieces {
		chunks[i] = PlanChunk{Index: i, Data: p}
	}
	ref.Chunks = len(chunks)
	if err := ref.Check(); err != nil {
		return PlanRef{}, nil, errTooLarge(len(packed))
	}
	return ref, chunks, nil
}

// EncodedSize is the length of v's JSON, or -1 when it does not encode.
func EncodedSize(v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return -1
	}
	return len(b)
}

// Pack gzips b and writes it in base64, so it travels as a JSON string.
func Pack(b []byte) string {
	var buf bytes.Buffer
	w := base64.NewEncoder(base64.StdEncoding, &buf)
	zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	_, _ = zw.Write(b)
	_ = zw.Close()
	_ = w.Close()
	return buf.String()
}

// maxUnpackedBytes bounds what unpacking may produce: a little over the
// largest plan a term can carry.
const maxUnpackedBytes = (MaxPlanChunks + 1) * PlanChunkBytes

// unpack reverses Pack.
func unpack(s string) ([]byte, error) {
	zr, err := gzip.NewReader(base64.NewDecoder(base64.StdEncoding, strings.NewReader(s)))
	if err != nil {
		return nil, fmt.Errorf("unpack: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(zr, maxUnpackedBytes+1))
	if err != nil {
		return nil, fmt.Errorf("unpack: %w", err)
	}
	if len(b) > maxUnpackedBytes {
		return nil, fmt.Errorf("unpack: more than %d bytes", maxUnpackedBytes)
	}
	return b, nil
}

// Pieces cuts packed text (ASCII) into pieces of at most PlanChunkBytes.
func Pieces(packed string) []string {
	var out []string
	for rest := packed; len(rest) > 0; {
		n := min(len(rest), PlanChunkBytes)
		out = append(out, rest[:n])
		rest = rest[n:]
	}
	return out
}

// UnpackPlan is the plan ref names, from the pieces of its packed JSON as
// LoadPackedPlan hands them out, checked against the hash of the JSON.
func UnpackPlan(ref PlanRef, pieces []string) (plan.Plan, error) {
	b, err := unpack(strings.Join(pieces, ""))
	if err != nil {
		return plan.Plan{}, fmt.Errorf("plan %s of %s: %w", ref.Hash[:12], ref.TermID, err)
	}
	sum := sha256.Sum256(b)
	if len(b) != ref.Bytes || hex.EncodeToString(sum[:]) != ref.Hash {
		return plan.Plan{}, fmt.Errorf("plan %s of %s: the stored chunks are %d bytes with another hash", ref.Hash[:12], ref.TermID, len(b))
	}
	var p plan.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return plan.Plan{}, fmt.Errorf("plan %s of %s: %w", ref.Hash[:12], ref.TermID, err)
	}
	return p, nil
}

// LoadPackedPlanInput asks for piece Piece of the packed plan Ref names.
type LoadPackedPlanInput struct {
	Ref   PlanRef `json:"ref"`
	Piece int     `json:"piece"`
}

// PackedPiece is one piece of a packed plan, and how many there are.
type PackedPiece struct {
	Data   string `json:"data"`
	Pieces int    `json:"pieces"`
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
