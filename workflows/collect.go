package workflows

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
)

// maxSubmissionLength bounds a submission's text, in characters.
const maxSubmissionLength = 20000

// Collection asks the owners of each slot to hand something in by the
// slot's due date: it emails the request, takes submissions as the
// UpdateSubmit update, reminds owners of missing slots, escalates at the due
// date, and closes each slot after its late days. Submissions are stored in
// batches, one activity per wake-up, whatever the number of slots.
func Collection(ctx workflow.Context, in contract.CollectionInput) (contract.CollectionResult, error) {
	c, err := newCollection(in)
	if err != nil {
		return contract.CollectionResult{}, err
	}
	// Decided before the handlers are set: an Update that came with the
	// first workflow task is validated and handled as its handler is
	// registered, before run. The markers keep their order.
	c.beside = newBeside(ctx, c.in.Clock)
	c.report.beside = c.beside
	c.reschedulable = workflow.GetVersion(ctx, changeCollectionReschedule, workflow.DefaultVersion, 1) == 1
	if err := c.setup(ctx); err != nil {
		return contract.CollectionResult{}, err
	}
	return c.run(ctx)
}

type collection struct {
	in        contract.CollectionInput
	index     map[string]int         // slot key -> position
	subs      []*contract.Submission // per slot; nil while missing
	reminders []int
	escalated []bool
	closed    []bool
	open      bool
	finished  bool
	// unsaved lists slots submitted but not yet stored; saving is set while
	// a batch is being stored.
	unsaved []int
	saving  bool
	// saveErr is a storage failure the run must report.
	saveErr error
	report  *reporter
	// beside sends the emails and reports beside the calendar.
	beside *beside
	// lastOverdue is what was overdue at the last report, as slot indices.
	lastOverdue string
	// reschedulable is set for runs since changeCollectionReschedule;
	// rescheduled wakes the timeline after an extension made at
	// rescheduledAt (plan time).
	reschedulable bool
	rescheduled   bool
	rescheduledAt time.Time
}

// overdueKey lists the slots overdue now, to tell whether that changed.
func (c *collection) overdueKey(ctx workflow.Context) string {
	now := c.in.Clock.Plan(workflow.Now(ctx))
	var b strings.Builder
	for i, s := range c.in.Slots {
		if c.subs[i] == nil && !c.closed[i] && !now.Before(s.Due) {
			b.WriteString(strconv.Itoa(i) + ",")
		}
	}
	return b.String()
}

func newCollection(in contract.CollectionInput) (*collection, error) {
	if len(in.Slots) == 0 {
		return nil, contract.BadInput(fmt.Sprintf("collection %s/%s has no slots", in.Scope, in.Kind), nil)
	}
	c := &collection{
		in:        in,
		index:     map[string]int{},
		subs:      make([]*contract.Submission, len(in.Slots)),
		reminders: make([]int, len(in.Slots)),
		escalated: make([]bool, len(in.Slots)),
		closed:    make([]bool, len(in.Slots)),
		report:    &reporter{termKey: in.ReportTo, part: in.Part},
	}
	for i, s := range in.Slots {
		if _, dup := c.index[s.Key]; dup || s.Key == "" {
			return nil, contract.BadInput(fmt.Sprintf("collection %s/%s: slot key %q is empty or repeated", in.Scope, in.Kind, s.Key), nil)
		}
		c.index[s.Key] = i
	}
	return c, nil
}

func (c *collection) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandlerWithOptions(ctx, contract.QueryProgress,
		func() (contract.CollectionResult, error) { return c.result(), nil },
		workflow.QueryHandlerOptions{Description: "Every slot: handed in or not, late, reminded, escalated"},
	); err != nil {
		return err
	}
	if err := workflow.SetQueryHandlerWithOptions(ctx, contract.QueryTask, c.task,
		workflow.QueryHandlerOptions{Description: "One slot as the person asked for it sees it: what, by when, handed in or not (arguments: slot key, email)"},
	); err != nil {
		return err
	}
	c.setupSlotsFromParent(ctx)
	if err := workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateHandOver, c.handOver, workflow.UpdateHandlerOptions{
		Validator:   c.validateHandOver,
		Description: "Hand a task of " + c.in.Title + " to someone else in its department, with a reason",
	}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateExtendDeadline, c.extend, workflow.UpdateHandlerOptions{
		Validator:   c.validateExtend,
		Description: "Move a deadline of " + c.in.Title + " later, with a reason (those it escalates to)",
	}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateSubmit, c.submit, workflow.UpdateHandlerOptions{
		Validator:   c.validate,
		Description: "Hand in " + c.in.Title,
	})
}

// event is a moment on the collection's timeline.
type event struct {
	at   time.Time
	kind int // eventReminder, eventDue or eventClose: the order at one moment
	slot int
	days int
}

const (
	eventReminder = iota
	eventDue
	eventClose
)

// timeline lists every slot's reminders, due date and close, in time order.
func (c *collection) timeline() []event {
	loc := c.in.TimeZone.Location()
	send := c.in.SendTime
	if send == "" {
		send = plan.DefaultSendTime
	}
	var evs []event
	for i, s := range c.in.Slots {
		dueDay := plan.Date(s.Due.In(loc).Format("2006-01-02"))
		for _, d := range c.in.RemindDaysBefore {
			at := dueDay.AddDays(-d).At(send, loc)
			if at.After(c.in.Opens) && at.Before(s.Due) {
				evs = append(evs, event{at: at, kind: eventReminder, slot: i, days: d})
			}
		}
		evs = append(evs, event{at: s.Due, kind: eventDue, slot: i})
		evs = append(evs, event{at: c.closes(s), kind: eventClose, slot: i})
	}
	sort.SliceStable(evs, func(a, b int) bool {
		if !evs[a].at.Equal(evs[b].at) {
			return evs[a].at.Before(evs[b].at)
		}
		return evs[a].kind < evs[b].kind
	})
	return evs
}

func (c *collection) run(ctx workflow.Context) (contract.CollectionResult, error) {
	workflow.Go(ctx, c.store)
	c.sleepUntil(ctx, c.in.Opens, "open: "+c.in.Title)
	if err := c.notify(ctx, contract.NotifyRequest, c.allSlots(), 0, "request", c.in.Opens); err != nil {
		return contract.CollectionResult{}, err
	}
	c.open = true
	c.sendReport(ctx, "open")

	if c.reschedulable {
		if err := c.runTimeline(ctx); err != nil {
			return contract.CollectionResult{}, err
		}
	}
	evs := c.timeline()
	if c.reschedulable {
		evs = nil
	}
	for i := 0; i < len(evs); {
		// Take every event at the same moment and of the same kind at once.
		j := i
		for j < len(evs) && evs[j].at.Equal(evs[i].at) && evs[j].kind == evs[i].kind {
			j++
		}
		group := evs[i:j]
		i = j
		if c.sleepUntil(ctx, group[0].at, c.summary(group)) {
			break
		}
		if err := c.take(ctx, group); err != nil {
			return contract.CollectionResult{}, err
		}
	}

	// Close what is left, then wait for every admitted submission to be
	// stored before reporting the result.
	for i := range c.closed {
		if c.subs[i] == nil {
			c.closed[i] = true
		}
	}
	if err := workflow.Await(ctx, func() bool {
		return workflow.AllHandlersFinished(ctx) && len(c.unsaved) == 0 && !c.saving || c.saveErr != nil
	}); err != nil {
		return contract.CollectionResult{}, err
	}
	// The last report says how every email went.
	if err := c.beside.wait(ctx); err != nil {
		return contract.CollectionResult{}, err
	}
	c.finished = true
	if c.saveErr != nil {
		return contract.CollectionResult{}, c.saveErr
	}
	if err := c.recordOutcome(ctx); err != nil {
		return contract.CollectionResult{}, err
	}
	c.sendReport(ctx, "done")
	if err := c.beside.wait(ctx); err != nil {
		return contract.CollectionResult{}, err
	}
	return c.result(), nil
}

// recordOutcome stores how every slot ended, missed ones included.
func (c *collection) recordOutcome(ctx workflow.Context) error {
	in := contract.RecordCollectionOutcomeInput{TermID: c.in.TermID, Kind: c.in.Kind, Scope: c.in.Scope}
	for i, s := range c.in.Slots {
		o := contract.SlotOutcome{Key: s.Key, Label: s.Label, Due: s.Due, Submitted: c.subs[i] != nil}
		if c.subs[i] != nil {
			o.Late = c.subs[i].Late
		}
		for _, p := range s.Owners {
			o.Owners = append(o.Owners, p.Email)
		}
		in.Slots = append(in.Slots, o)
	}
	actx := withStoreOptions(ctx, "record how "+c.in.Title+" ended")
	if err := workflow.ExecuteActivity(actx, a.RecordCollectionOutcome, in).Get(ctx, nil); err != nil {
		return fmt.Errorf("record the outcome: %w", err)
	}
	return nil
}

// sendReport tells the term what is overdue in the collection. It stays
// quiet while that is unchanged, so that a term of 200 departments is not
// flooded: the term's view is what is overdue and whether a part is done.
func (c *collection) sendReport(ctx workflow.Context, phase string) {
	c.showProgress(ctx, phase)
	if c.report.termKey == "" {
		return
	}
	overdue := c.overdueKey(ctx)
	if overdue == c.lastOverdue && (phase != "done" || c.report.seq == 0) {
		return
	}
	c.lastOverdue = overdue
	now := c.in.Clock.Plan(workflow.Now(ctx))
	rep := contract.PartReport{Phase: phase, Done: phase == "done"}
	in := 0
	for i, s := range c.in.Slots {
		switch {
		case c.subs[i] != nil:
			in++
		case !c.closed[i] && !now.Before(s.Due):
			rep.Overdue = append(rep.Overdue, contract.OverdueItem{Department: s.Department, What: c.in.Title + ": " + s.Label, Due: s.Due,
				WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, Slot: s.Key})
		case !c.closed[i] && (rep.Next == nil || s.Due.Before(rep.Next.Due)):
			rep.Next = &contract.Deadline{What: c.in.Title + ": " + s.Label, Due: s.Due}
		}
	}
	rep.Summary = fmt.Sprintf("%s: %d of %d in", c.in.Title, in, len(c.in.Slots))
	rep.Problems = append([]string(nil), c.beside.problems...)
	c.report.send(ctx, rep)
}

// maxDetailRows bounds the slot table in the Web UI's current details.
const maxDetailRows = 40

// showProgress keeps a short Markdown table of the slots in the Web UI's
// current details.
func (c *collection) showProgress(ctx workflow.Context, phase string) {
	in, late := 0, 0
	for _, sub := range c.subs {
		if sub != nil {
			in++
			if sub.Late {
				late++
			}
		}
	}
	var b strings.Builder
	b.WriteString(fmt.Sprintf("**%s**: %s, %d of %d in (%d late)\n\n| for | due | state |\n|---|---|---|\n", c.in.Title, phase, in, len(c.in.Slots), late))
	for i, sl := range c.in.Slots {
		if i == maxDetailRows {
			b.WriteString(fmt.Sprintf("| … and %d more | | |\n", len(c.in.Slots)-maxDetailRows))
			break
		}
		state := "waiting"
		switch sub := c.subs[i]; {
		case sub != nil && sub.Late:
			state = "in, late"
		case sub != nil:
			state = "in"
		case c.closed[i]:
			state = "missed"
		case c.escalated[i]:
			state = "overdue, escalated"
		}
		b.WriteString(fmt.Sprintf("| %s | %s | %s |\n", sl.Label, c.in.TimeZone.Human(sl.Due), state))
	}
	workflow.SetCurrentDetails(ctx, b.String())
}

// settled is true when every slot is handed in and stored, or closed.
func (c *collection) settled() bool {
	for i := range c.subs {
		if c.subs[i] == nil && !c.closed[i] {
			return false
		}
	}
	return len(c.unsaved) == 0 && !c.saving
}

// sleepUntil waits for plan time t unless every slot settles first, and
// says whether they did.
func (c *collection) sleepUntil(ctx workflow.Context, t time.Time, summary string) bool {
	if c.open && c.settled() {
		return true
	}
	d := c.in.Clock.Real(t).Sub(workflow.Now(ctx))
	if d <= 0 {
		return false
	}
	ok, _ := workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{
		Timeout:      d,
		TimerOptions: workflow.TimerOptions{Summary: summary},
	}, func() bool { return c.open && c.settled() || c.rescheduled })
	return ok && !c.rescheduled
}

func (c *collection) summary(group []event) string {
	what := [...]string{eventReminder: "reminder", eventDue: "deadline", eventClose: "close"}[group[0].kind]
	label := c.in.Slots[group[0].slot].Label
	if len(group) > 1 {
		label = fmt.Sprintf("%d slots", len(group))
	}
	return fmt.Sprintf("%s: %s, %s", what, c.in.Title, label)
}

func (c *collection) allSlots() []int {
	all := make([]int, len(c.in.Slots))
	for i := range all {
		all[i] = i
	}
	return all
}

// notify emails the owners of the slots (or, for an escalation, those the
// slots escalate to) in one batch, for plan time at. The emails go beside
// the calendar: a reminder or a due date never waits for the request.
func (c *collection) notify(ctx workflow.Context, kind string, slots []int, daysLeft int, occurrence string, at time.Time) error {
	if len(slots) == 0 {
		return nil
	}
	in := contract.NotifyCollectionInput{
		Kind:         kind,
		Occurrence:   occurrence,
		TermID:       c.in.TermID,
		TermName:     c.in.TermName,
		TimeZone:     c.in.TimeZone,
		Title:        c.in.Title,
		Instructions: c.in.Instructions,
		Criteria:     c.in.Criteria,
		DaysLeft:     daysLeft,
	}
	// The emails are of use until the last of their slots closes (a
	// reminder: until it is due).
	var until time.Time
	for _, s := range slots {
		sl := c.in.Slots[s]
		in.Slots = append(in.Slots, contract.CollectionSlot{Key: sl.Key, Label: sl.Label, Due: sl.Due, Owners: sl.Owners, EscalateTo: sl.EscalateTo,
			LinkExpires: c.in.Clock.Real(c.closes(sl))})
		end := c.closes(sl)
		if kind == contract.NotifyReminder {
			end = sl.Due
		}
		if end.After(until) {
			until = end
		}
	}
	summary := fmt.Sprintf("%s emails: %s (%d)", kind, c.in.Title, len(slots))
	if !c.beside.blocking {
		c.beside.send(ctx, email{
			what: fmt.Sprintf("the %s of %s (%s)", kind, c.in.Title, c.in.TimeZone.Human(at)),
			due:  at, until: until,
			activity: a.NotifyCollection, input: in,
		})
		return nil
	}
	actx := withMailOptions(ctx, summary)
	if err := workflow.ExecuteActivity(actx, a.NotifyCollection, in).Get(ctx, nil); err != nil {
		return fmt.Errorf("%s emails: %w", kind, err)
	}
	return nil
}

// task answers QueryTask for one slot and one person.
func (c *collection) task(slot, email string) (contract.CollectionTask, error) {
	i, ok := c.index[slot]
	if !ok {
		return contract.CollectionTask{}, fmt.Errorf("%q is not one of the slots of %s", slot, c.in.Title)
	}
	s := c.in.Slots[i]
	t := contract.CollectionTask{
		TermName: c.in.TermName, TimeZone: c.in.TimeZone, Title: c.in.Title, Instructions: c.in.Instructions,
		Criteria: c.in.Criteria, MaxScore: c.in.MaxScore, TextRequired: c.in.TextRequired,
		Open: c.open && !c.finished, Opens: c.in.Opens, Closes: c.closes(s),
		Slot:  c.slotProgress(i),
		Owner: owns(s, plan.NormalizeEmail(email)),
	}
	if sub := c.subs[i]; sub != nil {
		t.SubmittedBy, t.SubmittedAt = sub.Author, sub.At
	}
	if !t.Owner {
		t.HandedOver = c.handedOverFrom(i, plan.NormalizeEmail(email))
	}
	return t, nil
}

func (c *collection) validate(ctx workflow.Context, in contract.SubmitInput) error {
	_, err := c.slotFor(ctx, in)
	return contract.AsRefusal(err)
}

// slotFor finds the slot a submission is for and says, in words the person
// understands, why it cannot be taken.
func (c *collection) slotFor(ctx workflow.Context, in contract.SubmitInput) (int, error) {
	email := plan.NormalizeEmail(in.Email)
	if email == "" {
		return 0, fmt.Errorf("say who you are: the email address is empty")
	}
	i := -1
	if in.Slot != "" {
		var ok bool
		if i, ok = c.index[in.Slot]; !ok {
			return 0, fmt.Errorf("%q is not one of the slots of %s", in.Slot, c.in.Title)
		}
		if !owns(c.in.Slots[i], email) {
			return 0, fmt.Errorf("%s is not among those who hand in %s for %s", in.Email, c.in.Title, c.in.Slots[i].Label)
		}
	} else {
		var mine []string
		for k, s := range c.in.Slots {
			if owns(s, email) {
				i = k
				mine = append(mine, s.Key)
			}
		}
		switch len(mine) {
		case 0:
			return 0, fmt.Errorf("%s is not among those who hand in %s", in.Email, c.in.Title)
		case 1:
		default:
			return 0, fmt.Errorf("%s hands in %s for several slots (%s); say which one", in.Email, c.in.Title, strings.Join(mine, ", "))
		}
	}
	s := c.in.Slots[i]
	now := c.in.Clock.Plan(workflow.Now(ctx))
	switch {
	case !c.open && now.Before(c.in.Opens):
		// Time decides, not whether the request activity has finished:
		// the first emails of a large batch arrive before it does.
		return 0, fmt.Errorf("%s is not open yet; it opens on %s", c.in.Title, c.in.TimeZone.Human(c.in.Opens))
	case c.subs[i] != nil:
		return 0, fmt.Errorf("%s for %s was already handed in by %s on %s", c.in.Title, s.Label, c.subs[i].Author, c.in.TimeZone.Human(c.subs[i].At))
	case c.closed[i] || !now.Before(c.closes(s)):
		return 0, fmt.Errorf("%s for %s closed on %s", c.in.Title, s.Label, c.in.TimeZone.Human(c.closes(s)))
	case c.in.TextRequired && strings.TrimSpace(in.Text) == "":
		return 0, fmt.Errorf("the text is empty; write %s", c.in.Title)
	case utf8.RuneCountInString(in.Text) > maxSubmissionLength:
		return 0, fmt.Errorf("the text has %d characters; keep it to %d", utf8.RuneCountInString(in.Text), maxSubmissionLength)
	}
	if len(c.in.Criteria) > 0 {
		if len(in.Scores) != len(c.in.Criteria) {
			return 0, fmt.Errorf("give %d scores, one for each of %s; got %d", len(c.in.Criteria), strings.Join(c.in.Criteria, ", "), len(in.Scores))
		}
		for k, v := range in.Scores {
			if math.IsNaN(v) || v < 0 || v > c.in.MaxScore {
				return 0, fmt.Errorf("the score for %s is %g; scores go from 0 to %g", c.in.Criteria[k], v, c.in.MaxScore)
			}
		}
	} else if len(in.Scores) > 0 {
		return 0, fmt.Errorf("%s takes no scores", c.in.Title)
	}
	return i, nil
}

// closes is when a slot stops taking late submissions: LateDays calendar
// days after its due date at the same local time, across a daylight-saving
// change too (a time that crossed JSON keeps only its offset).
func (c *collection) closes(s contract.Slot) time.Time {
	return slotCloses(c.in.TimeZone, c.in.LateDays, s.Due)
}

// slotCloses is when a slot due at due closes in a collection in zone
// with lateDays: see collection.closes.
func slotCloses(zone plan.Zone, lateDays int, due time.Time) time.Time {
	return zone.Local(due).AddDate(0, 0, lateDays)
}

func owns(s contract.Slot, email string) bool {
	for _, o := range s.Owners {
		if o.Email == email {
			return true
		}
	}
	return false
}

func (c *collection) submit(ctx workflow.Context, in contract.SubmitInput) (contract.SubmitResult, error) {
	i, err := c.slotFor(ctx, in)
	if err != nil {
		return contract.SubmitResult{}, contract.AsRefusal(err)
	}
	at := c.in.Clock.Plan(workflow.Now(ctx))
	s := c.in.Slots[i]
	sub := &contract.Submission{
		Slot:   s.Key,
		Author: plan.NormalizeEmail(in.Email),
		Text:   strings.TrimSpace(in.Text),
		Scores: in.Scores,
		At:     at,
		Late:   at.After(s.Due),
	}
	c.subs[i] = sub
	c.unsaved = append(c.unsaved, i)
	c.showProgress(ctx, "open")
	return contract.SubmitResult{Slot: s.Key, Label: s.Label, Late: sub.Late, At: at}, nil
}

// store writes submissions to Postgres in batches: everything admitted
// since the last batch goes in one activity.
func (c *collection) store(ctx workflow.Context) {
	for {
		if err := workflow.Await(ctx, func() bool { return len(c.unsaved) > 0 || c.finished }); err != nil || c.finished {
			return
		}
		batch := c.unsaved
		c.unsaved = nil
		c.saving = true
		in := contract.RecordSubmissionsInput{TermID: c.in.TermID, Kind: c.in.Kind, Scope: c.in.Scope}
		for _, i := range batch {
			sub := c.subs[i]
			in.Submissions = append(in.Submissions, contract.SubmissionRecord{
				Slot: sub.Slot, Author: sub.Author, Text: sub.Text, Scores: sub.Scores,
				At: sub.At, Due: c.in.Slots[i].Due, Late: sub.Late,
			})
		}
		actx := withStoreOptions(ctx, fmt.Sprintf("store %d: %s", len(batch), c.in.Title))
		if err := workflow.ExecuteActivity(actx, a.RecordSubmissions, in).Get(ctx, nil); err != nil {
			c.saveErr = fmt.Errorf("store submissions: %w", err)
		}
		c.saving = false
		if !c.finished {
			c.sendReport(ctx, "open")
		}
	}
}

func (c *collection) result() contract.CollectionResult {
	r := contract.CollectionResult{Kind: c.in.Kind, Scope: c.in.Scope}
	for i, s := range c.in.Slots {
		if sub := c.subs[i]; sub != nil {
			r.Submissions = append(r.Submissions, *sub)
		} else {
			r.Missing = append(r.Missing, s.Key)
		}
		r.Slots = append(r.Slots, c.slotProgress(i))
	}
	return r
}

func (c *collection) slotProgress(i int) contract.SlotProgress {
	s := c.in.Slots[i]
	p := contract.SlotProgress{Key: s.Key, Label: s.Label, Due: s.Due, Closed: c.closed[i], RemindersSent: c.reminders[i], Escalated: c.escalated[i]}
	if sub := c.subs[i]; sub != nil {
		p.Submitted, p.Late = true, sub.Late
	}
	return p
}
