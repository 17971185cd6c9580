package contract_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"semesterflow/contract"
	"semesterflow/internal/planfixture"
	"semesterflow/plan"
)

// A plan of 200 departments of 50 officers, with Chinese names so that cuts
// meet multi-byte characters, is cut into chunks no larger than allowed,
// each valid UTF-8, and joined back into the same plan, with the hash the
// amendments use.
func TestSplitPlanJoinsBackIntoTheSamePlan(t *testing.T) {
	example, err := plan.Load("../examples/fall-term.yaml")
	if err != nil {
		t.Fatal(err)
	}
	big, err := planfixture.Scale(example, 200, 50)
	if err != nil {
		t.Fatal(err)
	}
	for i := range big.Departments {
		big.Departments[i].Name = "组织部 " + big.Departments[i].Name
		for j := range big.Departments[i].Officers {
			big.Departments[i].Officers[j].Name = "王小明" + big.Departments[i].Officers[j].Name
		}
	}
	ref, chunks, err := contract.SplitPlan(*big)
	if err != nil {
		t.Fatal(err)
	}
	if err := ref.Check(); err != nil || ref.Chunks != len(chunks) || ref.Chunks < 5 || ref.Hash != contract.PlanHash(*big) || ref.TermID != big.Term.ID {
		t.Fatalf("ref %+v (%v) for %d chunks; want a valid reference with the plan's hash", ref, err, len(chunks))
	}
	var data []string
	total := 0
	for i, c := range chunks {
		if c.Index != i || len(c.Data) == 0 || len(c.Data) > contract.PlanChunkBytes || !utf8.ValidString(c.Data) {
			t.Fatalf("chunk %d: index %d, %d bytes, valid UTF-8 %v", i, c.Index, len(c.Data), utf8.ValidString(c.Data))
		}
		total += len(c.Data)
		data = append(data, c.Data)
	}
	if total != ref.Bytes {
		t.Errorf("chunks hold %d bytes, the reference says %d", total, ref.Bytes)
	}
	back, err := contract.JoinPlan(ref, data)
	if err != nil {
		t.Fatal(err)
	}
	if contract.PlanHash(back) != ref.Hash || len(back.Officers()) != 10_000 || back.Departments[7].Officers[3].Name != big.Departments[7].Officers[3].Name {
		t.Errorf("the joined plan differs: %d officers", len(back.Officers()))
	}

	// Chunks that are not what the reference promised are refused.
	for name, bad := range map[string][]string{
		"one missing":  data[1:],
		"out of order": append([]string{data[1], data[0]}, data[2:]...),
		"altered":      append(append([]string{}, data[:2]...), append([]string{strings.Replace(data[2], "王", "汪", 1)}, data[3:]...)...),
	} {
		if _, err := contract.JoinPlan(ref, bad); err == nil {
			t.Errorf("JoinPlan took chunks with %s", name)
		}
	}
}

func TestPlanRefCheckSaysWhatIsWrong(t *testing.T) {
	good := contract.PlanRef{TermID: "2026-fall", Hash: strings.Repeat("ab", 32), Bytes: 1000, Chunks: 1}
	if err := good.Check(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		change func(*contract.PlanRef)
		want   string
	}{
		{func(r *contract.PlanRef) { r.TermID = "" }, "no term"},
		{func(r *contract.PlanRef) { r.Hash = "ABC" }, `hash "ABC" is not a SHA-256 in hex`},
		{func(r *contract.PlanRef) { r.Chunks = 0 }, "0 chunks, want 1 to 85"},
		{func(r *contract.PlanRef) { r.Chunks = 86 }, "86 chunks, want 1 to 85"},
		{func(r *contract.PlanRef) { r.Bytes = contract.PlanChunkBytes + 1 }, "do not make 1 chunks"},
	} {
		r := good
		tt.change(&r)
		if err := r.Check(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Check(%+v) = %v, want %q", r, err, tt.want)
		}
	}
}

// The plan of 1,000 departments of 50 packs into a tenth of its JSON, and
// unpacks into the same plan; a packed state joins back as it was; a piece
// changed on the way is refused.
func TestPackedPlanAndStateRoundTrip(t *testing.T) {
	example, err := plan.Load("../examples/fall-term.yaml")
	if err != nil {
		t.Fatal(err)
	}
	big, err := planfixture.Scale(example, 1000, 50)
	if err != nil {
		t.Fatal(err)
	}
	ref, chunks, err := contract.SplitPlan(*big)
	if err != nil {
		t.Fatal(err)
	}
	raw := make([]string, len(chunks))
	for i, c := range chunks {
		raw[i] = c.Data
	}
	b, err := contract.JoinBytes(ref, raw)
	if err != nil {
		t.Fatal(err)
	}
	pieces := contract.Pieces(contract.Pack(b))
	packed := len(strings.Join(pieces, ""))
	if packed*10 > len(b) || len(pieces) > 4 {
		t.Errorf("the plan's %d bytes pack into %d in %d pieces; want a tenth or less", len(b), packed, len(pieces))
	}
	back, err := contract.UnpackPlan(ref, pieces)
	if err != nil || contract.PlanHash(back) != ref.Hash || len(back.Departments) != 1000 {
		t.Fatalf("unpacked plan: %v, %d departments", err, len(back.Departments))
	}
	tampered := append([]string(nil), pieces...)
	tampered[0] = contract.Pack([]byte(`{"term":{"id":"other"}}`))
	if _, err := contract.UnpackPlan(ref, tampered[:1]); err == nil || !strings.Contains(err.Error(), "another hash") {
		t.Errorf("another plan's pieces: %v, want them refused", err)
	}

	state := contract.SemesterState{Phase: "term", Started: []string{"kickoff", "exchanges/组织部"}}
	sref, schunks, err := contract.PackJSON("2026-fall", state)
	if err != nil || !sref.Packed || sref.Check() != nil {
		t.Fatalf("packed state ref %+v: %v", sref, err)
	}
	data := make([]string, len(schunks))
	for i, c := range schunks {
		data[i] = c.Data
	}
	var got contract.SemesterState
	if err := contract.JoinJSON(sref, data, &got); err != nil || got.Phase != "term" || got.Started[1] != "exchanges/组织部" {
		t.Errorf("state joined back as %+v: %v", got, err)
	}
}
