package workflows

import (
	"fmt"
	"strconv"

	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
)

// maxSlotsPerCollection bounds one Collection workflow. Every slot adds to
// its input, its batch of requests and its result (the slot's owners and
// what they handed in), and its submission and reminders add events. At
// 200 slots a collection stays near 80 KB of input and 2,500 events; a
// union of 1,000 departments would pass both the 256 KiB a payload should
// keep under and the 4,096 events a run may have. Larger collections run
// as shards of at most this many slots.
const maxSlotsPerCollection = 200

// collectionShardsVersion guards sharding: a collection with more slots
// started before it runs as one workflow on replay.
const collectionShardsVersion = "collection-shards"

// collectionRun is a collection running as one Collection child or as
// several shards, each with a contiguous run of its slots.
type collectionRun struct {
	shards []collectionShard
}

type collectionShard struct {
	id   string
	keys map[string]bool
	f    workflow.ChildWorkflowFuture
}

// startCollection starts the collection in as child workflows with opts,
// in shards when it has more than maxSlotsPerCollection slots. Each shard
// reports to the term as its own part.
func startCollection(ctx workflow.Context, opts workflow.ChildWorkflowOptions, in contract.CollectionInput) *collectionRun {
	pieces := []contract.CollectionInput{in}
	if len(in.Slots) > maxSlotsPerCollection &&
		workflow.GetVersion(ctx, collectionShardsVersion, workflow.DefaultVersion, 1) == 1 {
		pieces = shardCollection(in)
	}
	run := &collectionRun{}
	for i, piece := range pieces {
		o := opts
		o.WorkflowID = contract.CollectionShardID(opts.WorkflowID, i)
		if len(pieces) > 1 {
			o.StaticSummary = fmt.Sprintf("%s (part %d of %d)", opts.StaticSummary, i+1, len(pieces))
		}
		keys := make(map[string]bool, len(piece.Slots))
		for _, s := range piece.Slots {
			keys[s.Key] = true
		}
		f := workflow.ExecuteChildWorkflow(workflow.WithChildOptions(ctx, o), Collection, piece)
		run.shards = append(run.shards, collectionShard{id: o.WorkflowID, keys: keys, f: f})
	}
	return run
}

// shardCollection cuts in into shards of at most maxSlotsPerCollection
// slots, as even as the count allows, each its own part of the term.
func shardCollection(in contract.CollectionInput) []contract.CollectionInput {
	n := (len(in.Slots) + maxSlotsPerCollection - 1) / maxSlotsPerCollection
	out := make([]contract.CollectionInput, 0, n)
	for i := range n {
		from, to := i*len(in.Slots)/n, (i+1)*len(in.Slots)/n
		piece := in
		piece.Slots = in.Slots[from:to:to]
		if in.Part != "" && i > 0 {
			piece.Part = in.Part + "/part-" + strconv.Itoa(i+1)
		}
		out = append(out, piece)
	}
	return out
}

// IsReady tells whether every shard has ended.
func (r *collectionRun) IsReady() bool {
	for _, s := range r.shards {
		if !s.f.IsReady() {
			return false
		}
	}
	return true
}

// Get waits for every shard and joins their results in slot order.
func (r *collectionRun) Get(ctx workflow.Context, res *contract.CollectionResult) error {
	var joined contract.CollectionResult
	for i, s := range r.shards {
		var part contract.CollectionResult
		if err := s.f.Get(ctx, &part); err != nil {
			if len(r.shards) > 1 {
				return fmt.Errorf("part %d of %d: %w", i+1, len(r.shards), err)
			}
			return err
		}
		if i == 0 {
			joined.Kind, joined.Scope = part.Kind, part.Scope
		}
		joined.Submissions = append(joined.Submissions, part.Submissions...)
		joined.Missing = append(joined.Missing, part.Missing...)
		joined.Slots = append(joined.Slots, part.Slots...)
	}
	*res = joined
	return nil
}

// signalSlots tells each running shard of the new schedule of its own
// slots; slots new to the collection go to the last shard.
func (r *collectionRun) signalSlots(ctx workflow.Context, update contract.CollectionSlots) {
	for i, s := range r.shards {
		if s.f.IsReady() {
			continue
		}
		mine := contract.CollectionSlots{LateDays: update.LateDays}
		for _, sl := range update.Slots {
			if s.keys[sl.Key] || (i == len(r.shards)-1 && !r.holds(sl.Key)) {
				mine.Slots = append(mine.Slots, sl)
			}
		}
		if len(mine.Slots) == 0 {
			continue
		}
		for _, sl := range mine.Slots {
			s.keys[sl.Key] = true
		}
		if err := workflow.SignalExternalWorkflow(ctx, s.id, "", contract.SignalCollectionSlots, mine).Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Warn("collection not told of the new schedule", "workflow", s.id, "error", err)
		}
	}
}

func (r *collectionRun) holds(key string) bool {
	for _, s := range r.shards {
		if s.keys[key] {
			return true
		}
	}
	return false
}
