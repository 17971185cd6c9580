package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
)

func (c *collection) validateHandOver(ctx workflow.Context, in contract.HandOverInput) error {
	_, _, err := c.handover(ctx, in)
	return contract.AsRefusal(err)
}

// handover finds the slot and the owner whose task moves, and says in plain
// words why it cannot be handed over.
func (c *collection) handover(ctx workflow.Context, in contract.HandOverInput) (int, int, error) {
	email := plan.NormalizeEmail(in.Email)
	to := plan.NormalizeEmail(in.To.Email)
	now := c.in.Clock.Plan(workflow.Now(ctx))
	switch {
	case !c.reschedulable:
		return 0, 0, fmt.Errorf("%s started before tasks could be handed over; ask those who have it", c.in.Title)
	case email == "":
		return 0, 0, fmt.Errorf("say who you are: the email address is empty")
	case strings.TrimSpace(in.Reason) == "":
		return 0, 0, fmt.Errorf("give a reason: the new person and the log are told why")
	case !plan.ValidEmail(to) || strings.TrimSpace(in.To.Name) == "":
		return 0, 0, fmt.Errorf("say whom to hand it to, with their name and email address (%q is not one)", in.To.Email)
	case c.finished:
		return 0, 0, fmt.Errorf("%s has ended", c.in.Title)
	}
	i := -1
	if in.Slot != "" {
		var ok bool
		if i, ok = c.index[in.Slot]; !ok {
			return 0, 0, fmt.Errorf("%q is not one of the slots of %s", in.Slot, c.in.Title)
		}
	} else {
		for k, s := range c.in.Slots {
			if owns(s, email) {
				if i >= 0 {
					return 0, 0, fmt.Errorf("%s has several slots of %s; say which one", in.Email, c.in.Title)
				}
				i = k
			}
		}
		if i < 0 {
			return 0, 0, fmt.Errorf("%s is not among those asked for %s", in.Email, c.in.Title)
		}
	}
	s := c.in.Slots[i]
	from := plan.NormalizeEmail(in.From)
	manager := managesSlot(s, email)
	switch {
	case from == "" && owns(s, email):
		from = email
	case from == "" && len(s.Owners) == 1:
		from = s.Owners[0].Email
	case from == "":
		return 0, 0, fmt.Errorf("%s for %s is asked of several people; say whose task moves", c.in.Title, s.Label)
	}
	owner := -1
	for k, o := range s.Owners {
		if o.Email == from {
			owner = k
		}
	}
	switch {
	case owner < 0:
		return 0, 0, fmt.Errorf("%s is not among those asked for %s for %s", from, c.in.Title, s.Label)
	case from != email && !manager:
		return 0, 0, fmt.Errorf("%s cannot hand over %s's task: only the person asked, or those it escalates to, can", in.Email, from)
	case owns(s, to):
		return 0, 0, fmt.Errorf("%s is already asked for %s for %s", to, c.in.Title, s.Label)
	case s.Department != "" && in.ToDepartment != s.Department:
		return 0, 0, fmt.Errorf("%s is not in the %s; hand it to one of its officers", to, s.Label)
	case c.subs[i] != nil:
		return 0, 0, fmt.Errorf("%s for %s is already handed in", c.in.Title, s.Label)
	case c.closed[i] || !now.Before(c.closes(s)):
		return 0, 0, fmt.Errorf("%s for %s closed on %s", c.in.Title, s.Label, c.in.TimeZone.Human(c.closes(s)))
	}
	return i, owner, nil
}

// handOver moves the task, sends the new person the request with its link,
// and records the handover; the old link then says where the task went.
func (c *collection) handOver(ctx workflow.Context, in contract.HandOverInput) (contract.HandOverResult, error) {
	i, owner, err := c.handover(ctx, in)
	if err != nil {
		return contract.HandOverResult{}, contract.AsRefusal(err)
	}
	now := c.in.Clock.Plan(workflow.Now(ctx))
	s := &c.in.Slots[i]
	to := plan.Person{Name: strings.TrimSpace(in.To.Name), Email: plan.NormalizeEmail(in.To.Email), Role: in.To.Role}
	h := contract.Handover{From: s.Owners[owner], To: to, By: plan.NormalizeEmail(in.Email), Reason: strings.TrimSpace(in.Reason), At: now}
	owners := append([]plan.Person(nil), s.Owners...)
	owners[owner] = to
	s.Owners = owners
	s.HandedOver = append(s.HandedOver, h)
	c.showProgress(ctx, "open")

	// The request goes to the new person alone, keyed by this handover.
	updateID := workflow.GetCurrentUpdateInfo(ctx).ID
	request := *s
	request.Owners = []plan.Person{to}
	c.notifyOne(ctx, request, "handover-"+updateID, now)

	audit := contract.RecordAuditInput{
		Key:    "update/" + updateID + "/" + workflow.GetInfo(ctx).WorkflowExecution.ID,
		TermID: c.in.TermID, Actor: h.By, Action: contract.ActionHandOver, Subject: c.in.Kind + "/" + c.in.Scope + "/" + s.Key,
		Payload: map[string]any{"from": h.From.Email, "to": to.Email, "reason": h.Reason},
		At:      now,
	}
	c.beside.start(ctx, workflow.ExecuteActivity(withStoreOptions(ctx, "audit: "+s.Label+" handed over"), a.RecordAudit, audit),
		func(ctx workflow.Context, f workflow.Future) {
			if err := f.Get(ctx, nil); err != nil {
				c.beside.problems = append(c.beside.problems, "the handover of "+c.in.Title+" for "+s.Label+" could not be recorded in the audit log")
			}
		})
	return contract.HandOverResult{Slot: s.Key, Label: s.Label, From: h.From, To: to, At: now}, nil
}

// notifyOne sends the request for one slot, as given, beside the calendar.
func (c *collection) notifyOne(ctx workflow.Context, s contract.Slot, occurrence string, at time.Time) {
	in := contract.NotifyCollectionInput{
		Kind: contract.NotifyRequest, Occurrence: occurrence,
		TermID: c.in.TermID, TermName: c.in.TermName, TimeZone: c.in.TimeZone,
		Title: c.in.Title, Instructions: c.in.Instructions, Criteria: c.in.Criteria,
		Slots: []contract.CollectionSlot{{Key: s.Key, Label: s.Label, Due: s.Due, Owners: s.Owners, EscalateTo: s.EscalateTo,
			LinkExpires: c.in.Clock.Real(c.closes(s))}},
	}
	c.beside.send(ctx, email{
		what: fmt.Sprintf("the request of %s for %s to %s", c.in.Title, s.Label, s.Owners[0].Name),
		due:  at, until: c.closes(s),
		activity: a.NotifyCollection, input: in,
	})
}

// handedOverFrom is the last handover away from email in slot i, if any.
func (c *collection) handedOverFrom(i int, email string) *contract.Handover {
	hs := c.in.Slots[i].HandedOver
	for k := len(hs) - 1; k >= 0; k-- {
		if hs[k].From.Email == email {
			h := hs[k]
			return &h
		}
	}
	return nil
}
