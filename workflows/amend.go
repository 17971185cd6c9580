package workflows

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"semesterflow/contract"
	"semesterflow/plan"
)

// changeLivingPlan is the workflow.GetVersion change under which a term
// stores the plan it started with as version 1.
const changeLivingPlan = "living-plan"

// setupAmendments registers the plan's diff query and the amendment Update.
// Registering handlers adds nothing to history, so terms started before
// them replay unchanged.
func (s *semester) setupAmendments(ctx workflow.Context) error {
	s.amended = workflow.NewBufferedChannel(ctx, 1)
	diff := func(next plan.Plan) (contract.PlanDiff, error) {
		if _, err := s.prepare(&next, s.state.Clock.Plan(workflow.Now(ctx))); err != nil {
			return contract.PlanDiff{}, err
		}
		return s.planDiff(s.state.Clock.Plan(workflow.Now(ctx)), &next), nil
	}
	if err := workflow.SetQueryHandlerWithOptions(ctx, contract.QueryPlanDiff, diff,
		workflow.QueryHandlerOptions{Description: "What applying a new version of the plan would change, and how; changes nothing"},
	); err != nil {
		return err
	}
	if err := workflow.SetQueryHandlerWithOptions(ctx, contract.QueryPlanDiffPacked,
		func(packed string) (contract.PlanDiff, error) {
			next, err := contract.UnpackPlanText(packed)
			if err != nil {
				return contract.PlanDiff{}, err
			}
			return diff(next)
		},

		workflow.QueryHandlerOptions{Description: "The plan-diff query for a large plan, sent packed (gzipped JSON in base64)"},
	); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, contract.UpdateAmendPlan, s.amend,
		workflow.UpdateHandlerOptions{
			Validator:   s.validateAmend,
			Description: "A leader applies a new version of the plan; refused whole when any change is",
		})
}

// planVersion is the version of the plan the term runs.
func (s *semester) planVersion() int { return max(1, s.state.PlanVersion) }

func (s *semester) planDiff(now time.Time, next *plan.Plan) contract.PlanDiff {
	d := contract.PlanDiff{TermID: s.plan.Term.ID, Version: s.planVersion(), Hash: contract.PlanHash(s.plan), NewHash: contract.PlanHash(*next)}
	d.Changes = s.classify(now, next, plan.Diff(&s.plan, next))
	for _, c := range d.Changes {
		if c.Effect == contract.EffectRefused {
			d.Refused++
		}
	}
	return d
}

func (s *semester) validateAmend(ctx workflow.Context, in contract.AmendPlanInput) error {
	if err := s.refuseAmendingNow(in); err != nil {
		return err
	}
	if in.PlanRef != nil {
		// The plan is in Postgres, which a validator cannot read; amend
		// checks it once it has read it.
		return nil
	}
	return s.refusePlan(ctx, in.Plan)
}

// refuseAmendingNow refuses an amendment the term cannot take now,
// whatever its plan.
func (s *semester) refuseAmendingNow(in contract.AmendPlanInput) error {
	if !s.isLeader(in.By) {
		return contract.Refusef("%q is not a leader of %s; only leaders can change the plan", in.By, s.plan.Term.Name)
	}
	switch {
	case s.cancelled || s.state.Phase == contract.PhaseCancelled:
		return contract.Refusef("%s is cancelled; its plan can no longer change", s.plan.Term.Name)
	case s.state.Phase == contract.PhaseDone:
		return contract.Refusef("%s has finished; its plan can no longer change", s.plan.Term.Name)
	case s.amending:
		return contract.Refusef("another change of the plan is being applied; look at the diff again in a moment")
	case s.onboardingStartsLeft():
		return contract.Refusef("onboarding is being started (%d of %d departments so far); apply the change again in a few minutes",
			s.state.OnboardingStartedFor, len(s.plan.Departments))
	case in.ExpectVersion != 0 && in.ExpectVersion != s.planVersion():
		return contract.Refusef("the plan is at version %d now, not %d: someone changed it since; look at the diff again", s.planVersion(), in.ExpectVersion)
	case in.PlanRef != nil && in.PlanRef.TermID != s.plan.Term.ID:
		return contract.Refusef("the uploaded plan is for term %q, not %q", in.PlanRef.TermID, s.plan.Term.ID)
	}
	return nil
}

// refusePlan refuses a new plan that fails validation or holds a refused
// change.
func (s *semester) refusePlan(ctx workflow.Context, next plan.Plan) error {
	if _, err := s.prepare(&next, s.state.Clock.Plan(workflow.Now(ctx))); err != nil {
		return contract.Refuse(err.Error())
	}
	d := s.planDiff(s.state.Clock.Plan(workflow.Now(ctx)), &next)
	if d.Refused > 0 {
		var reasons []string
		for _, c := range d.Changes {
			if c.Effect == contract.EffectRefused {
				reasons = append(reasons, c.Path+": "+c.Reason)
			}
		}
		return contract.Refusef("the new plan is refused, and nothing of it applies:\n%s", strings.Join(reasons, "\n"))
	}
	return nil
}

func (s *semester) isLeader(email string) bool {
	email = plan.NormalizeEmail(email)
	for _, l := range s.plan.Leaders {
		if l.Email == email {
			return true
		}
	}
	return false
}

// amend stores the new version, then runs the term from it. Nothing changes
// in the term unless the version is stored.
func (s *semester) amend(ctx workflow.Context, in contract.AmendPlanInput) (contract.AmendPlanResult, error) {
	if in.PlanRef != nil {
		// Read the uploaded plan, then check it as the validator checks a
		// plan sent by value; another amendment waits meanwhile.
		if err := s.refuseAmendingNow(in); err != nil {
			return contract.AmendPlanResult{}, err
		}
		s.amending = true
		p, err := loadPlan(ctx, *in.PlanRef)
		s.amending = false
		if err != nil {
			return contract.AmendPlanResult{}, fmt.Errorf("the uploaded plan could not be read, so nothing changed; please try again: %w", err)
		}
		if err := s.refuseAmendingNow(in); err != nil {
			return contract.AmendPlanResult{}, err
		}
		if err := s.refusePlan(ctx, p); err != nil {
			return contract.AmendPlanResult{}, err
		}
		in.Plan = p
	}
	now := s.state.Clock.Plan(workflow.Now(ctx))
	next := in.Plan
	shifts, err := s.prepare(&next, now)
	if err != nil {
		return contract.AmendPlanResult{}, contract.Refuse(err.Error())
	}
	d := s.planDiff(now, &next)
	res := contract.AmendPlanResult{Version: d.Version, At: now}
	if len(d.Changes) == 0 {
		res.Unchanged = true
		return res, nil
	}
	s.amending = true
	defer func() { s.amending = false }()

	version := d.Version + 1
	by := plan.NormalizeEmail(in.By)
	save := contract.SavePlanVersionInput{
		TermID:    s.plan.Term.ID,
		AuditKey:  fmt.Sprintf("amend_plan/%s/%d", workflow.GetInfo(ctx).WorkflowExecution.ID, version),
		Directory: true,
	}
	if !s.state.PlanVersionsSaved {
		save.Versions = append(save.Versions, s.firstVersion(now))
	}
	stored := contract.PlanVersion{Version: version, Hash: d.NewHash, Plan: next, Source: in.Source, By: by, At: now, Changes: d.Changes}
	var ref *contract.PlanRef
	switch {
	case in.PlanRef != nil:
		// Uploaded already; from now on the term carries it by reference.
		ref = in.PlanRef
		stored.Plan, stored.PlanRef = plan.Plan{}, ref
	case s.in.PlanRef != nil:

		// A term that carries its plan by reference carries the new
		// version the same way.
		if ref, err = s.storePlan(ctx, next); err != nil {
			return contract.AmendPlanResult{}, fmt.Errorf("plan version %d could not be stored, so nothing changed; please try again: %w", version, err)
		}
		stored.Plan, stored.PlanRef = plan.Plan{}, ref
	}
	save.Versions = append(save.Versions, stored)
	s.events += eventsPerActivity
	actx := withUpdateStoreOptions(ctx, fmt.Sprintf("store plan version %d", version))
	if err := workflow.ExecuteActivity(actx, a.SavePlanVersions, save).Get(ctx, nil); err != nil {
		return contract.AmendPlanResult{}, fmt.Errorf("plan version %d could not be stored, so nothing changed; please try again: %w", version, err)
	}
	s.state.PlanVersionsSaved = true
	s.state.PlanVersion = version
	s.state.MilestoneShifts = shifts
	if ref != nil {
		s.in.PlanRef = ref
	}
	s.adopt(next)
	s.onboardChanges(ctx, d.Changes, version, now)
	s.amended.Send(ctx, version)
	s.sendRosters(ctx, d.Changes, version)
	s.sendContest(ctx, d.Changes)
	s.sendCalendars(ctx, d.Changes, version)
	s.sendPeople(ctx, d.Changes, version)
	s.sendJudging(ctx, d.Changes, now)
	res.Version, res.Changes = version, d.Changes
	return res, nil
}

// firstVersion is the plan the term started with, as version 1.
func (s *semester) firstVersion(now time.Time) contract.PlanVersion {
	by := s.in.StartedBy
	if by == "" {
		by = "unknown"
	}
	// Called before an amendment replaces the reference, which then still
	// names the plan the term started with.
	if ref := s.in.PlanRef; ref != nil {
		return contract.PlanVersion{Version: 1, Hash: ref.Hash, PlanRef: ref, By: by, At: now}
	}
	return contract.PlanVersion{Version: 1, Hash: contract.PlanHash(s.in.Plan), Plan: s.in.Plan, By: by, At: now}
}

// saveFirstVersion stores the plan the term started with, once.
func (s *semester) saveFirstVersion(ctx workflow.Context) {
	if s.state.PlanVersionsSaved || workflow.GetVersion(ctx, changeLivingPlan, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	v := s.firstVersion(s.state.Clock.Plan(workflow.Now(ctx)))
	s.events += eventsPerActivity
	actx := withStoreOptions(ctx, "store the plan as version 1")
	if err := workflow.ExecuteActivity(actx, a.SavePlanVersions, contract.SavePlanVersionInput{TermID: s.plan.Term.ID, Versions: []contract.PlanVersion{v}}).Get(ctx, nil); err != nil {
		// The first amendment stores it with its own version.
		workflow.GetLogger(ctx).Warn("plan version 1 not stored", "error", err)
		return
	}
	s.state.PlanVersionsSaved = true
}

// adopt makes next the term's plan: parts that have not started start
// from it, and the next run carries it.
func (s *semester) adopt(next plan.Plan) {
	s.plan, s.in.Plan = next, next
	s.schedule = next.OnboardingSchedule()
	if s.state.OnboardingStarted {
		return
	}
	// Before onboarding, departments may come and go (classify refuses it
	// later); their progress rows follow the plan.
	var departments []contract.DepartmentProgress
	for _, d := range next.Departments {
		row := contract.DepartmentProgress{DepartmentID: d.ID, Name: d.Name, Phase: contract.PhaseWaiting,
			Onboarding: contract.OnboardingCounts{Officers: len(d.Officers), Pending: len(d.Officers)}}
		if i, ok := s.deptPos[d.ID]; ok {
			row.Problems, row.ReportSeq = s.state.Departments[i].Problems, s.state.Departments[i].ReportSeq
		}
		departments = append(departments, row)
	}
	s.state.Departments = departments
	s.deptPos = map[string]int{}
	for i, d := range departments {
		s.deptPos[d.DepartmentID] = i
	}
}

// classify says what each change does to the term as it stands at now.
func (s *semester) classify(now time.Time, next *plan.Plan, changes []plan.Change) []contract.PlanChange {
	out := make([]contract.PlanChange, len(changes))
	for i, c := range changes {
		out[i] = contract.PlanChange{Change: c}
		out[i].Effect, out[i].Reason = s.effectOf(now, next, c)
	}
	return out
}

// effectOf is the effect of one change, and why.
func (s *semester) effectOf(now time.Time, next *plan.Plan, c plan.Change) (string, string) {
	termStarted := len(s.state.Started) > 0
	if c.Section == "term" {
		switch c.Path {
		case "term.id":
			return contract.EffectRefused, "the term's ID names its workflows and records; start a new term for a new ID"
		case "term.name":
			if s.anyRunning() {
				return contract.EffectNext, "parts that start from now on use the new name; those under way keep the old one in their emails"
			}
			return contract.EffectNow, ""
		default:
			if termStarted {
				return contract.EffectRefused, fmt.Sprintf("the term has started; %s bounds every part's calendar and can no longer change", c.Path)
			}
			return contract.EffectNow, ""
		}
	}
	if c.Section == "leaders" {
		if s.anyRunning() {
			return contract.EffectNext, "the term takes the new leaders at once (who may change the plan or cancel the term); parts under way keep theirs"
		}
		return contract.EffectNow, ""
	}
	effect, reason := contract.EffectNow, ""
	for _, part := range s.partsTouched(c) {
		if !s.started(part) {
			continue
		}
		if s.partDone(part) {
			if c.Section == "departments" || c.Section == "months" && !strings.HasPrefix(c.Path, "months.run[") {
				// The directory or the months to come change; a part that
				// is over keeps its records.
				continue
			}
			return contract.EffectRefused, fmt.Sprintf("%s is over; what it did cannot change", partLabel(part))
		}
		if e, why, ok := s.amendsRunning(now, next, part, c); ok {
			if e == contract.EffectRefused {
				return e, why
			}
			if effect != contract.EffectNext {
				effect = e
			}
			if !strings.Contains(reason, why) {
				reason = strings.TrimPrefix(reason+"; "+why, "; ")
			}
			continue
		}
		return contract.EffectRefused, fmt.Sprintf("%s is under way and cannot take this change while it runs", partLabel(part))
	}
	return effect, reason
}

// amendsRunning says whether a running part takes the change, with its
// effect and what it means; a refusal comes back as its effect too.
func (s *semester) amendsRunning(now time.Time, next *plan.Plan, part string, c plan.Change) (string, string, bool) {
	officer := c.Section == "departments" && strings.Contains(c.Path, ".officers[")
	if part == "contest" && c.Section == "contest" {
		return s.contestEffect(now, next, c)
	}
	if strings.HasPrefix(part, "exchanges/") && c.Section == "exchanges" {
		return s.exchangesEffect(now, next)
	}
	if strings.HasPrefix(part, "month/") && judgingChange(c) {
		return s.judgingEffect(now, strings.TrimPrefix(part, "month/"))
	}
	switch {
	case strings.HasPrefix(part, "exchanges/") && c.Section == "departments" && c.Path != "departments["+c.Department+"]":
		return contract.EffectNext, "the department's exchanges take it from the next exchange not yet invited to: invitations, sign-in, attendance and minutes", true
	case peopleChange(c) && part == "onboarding":
		return contract.EffectNow, "onboarding tells the new head about those overdue", true
	case peopleChange(c) && strings.HasPrefix(part, "month/"):
		return contract.EffectNow, "what organisation life asks of the department goes to the new people, with their own links; the old links say where it went", true
	case peopleChange(c) && part == "tasks":
		return contract.EffectNow, "the new head asks for help from now on; requests already made keep their requester", true
	case peopleChange(c) && part == "contest":
		return contract.EffectNow, "the contest names the department as the plan does", true
	case part == "onboarding" && officer && c.Kind == plan.ChangeAdded:
		return contract.EffectNow, "onboarding assigns the training to them now, with a deadline counted from today", true
	case part == "onboarding" && officer && c.Kind == plan.ChangeRemoved:
		return contract.EffectNow, "onboarding sends them no more emails and no longer counts them; their records stay", true
	}
	return "", "", false
}

// onboardChanges starts onboarding for the officers the amendment added
// once onboarding had started (through the calendar of starts), and takes
// out of onboarding those it removed.
func (s *semester) onboardChanges(ctx workflow.Context, changes []contract.PlanChange, version int, now time.Time) {
	if !s.state.OnboardingStarted {
		return
	}
	var left []leaver
	for _, c := range changes {
		if c.Section != "departments" || !strings.Contains(c.Path, ".officers[") {
			continue
		}
		switch c.Kind {
		case plan.ChangeAdded:
			o, ok := s.plan.FindOfficer(c.Email)
			if !ok {
				continue
			}
			j := len(s.state.Joiners) - 1
			if j < 0 || s.state.Joiners[j].Version != version || s.state.Joiners[j].DepartmentID != c.Department {
				s.state.Joiners = append(s.state.Joiners, contract.JoinerOnboarding{DepartmentID: c.Department, Version: version, At: now})
				j = len(s.state.Joiners) - 1
			}
			s.state.Joiners[j].Officers = append(s.state.Joiners[j].Officers, o.Person)
		case plan.ChangeRemoved:
			left = append(left, leaver{c.Department, c.Email})
		}
	}
	// Tell each onboarding that holds someone who left: the department's
	// own and any joiners' batch.
	for _, id := range s.onboardingsOf(left) {
		var emails []string
		for _, l := range left {
			if s.holdsOfficer(id, l.department, l.email) {
				emails = append(emails, l.email)
			}
		}
		if len(emails) == 0 {
			continue
		}
		s.events += eventsPerSignal + 2
		if err := workflow.SignalExternalWorkflow(ctx, id, "", contract.SignalOnboardingLeft, contract.OnboardingLeft{Emails: emails, At: now}).Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Warn("onboarding not told who left", "workflow", id, "error", err)
		}
	}
}

// leaver is an officer an amendment took out of a department.
type leaver struct{ department, email string }

// onboardingsOf lists, in a fixed order, the Onboarding workflows that may
// hold those who left.
func (s *semester) onboardingsOf(left []leaver) []string {
	var ids []string
	for _, l := range left {
		dept := l.department
		if id := contract.OnboardingWorkflowID(s.plan.Term.ID, dept); !containsString(ids, id) {
			ids = append(ids, id)
		}
		for _, j := range s.state.Joiners {
			if id := contract.JoinerOnboardingWorkflowID(s.plan.Term.ID, j.DepartmentID, j.Version); j.DepartmentID == dept && !containsString(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// holdsOfficer says whether the Onboarding id onboards the officer: a
// joiners' batch holds its own officers, the department's own the rest.
func (s *semester) holdsOfficer(id, dept, email string) bool {
	for _, j := range s.state.Joiners {
		if j.DepartmentID != dept {
			continue
		}
		for _, o := range j.Officers {
			if o.Email == email {
				return id == contract.JoinerOnboardingWorkflowID(s.plan.Term.ID, dept, j.Version)
			}
		}
	}
	return id == contract.OnboardingWorkflowID(s.plan.Term.ID, dept)
}

// joinerParts are the onboardings of officers who joined after onboarding
// had started, one per amendment and department.
func (s *semester) joinerParts() []partStart {
	var parts []partStart
	for _, j := range s.state.Joiners {
		d, ok := s.plan.Department(j.DepartmentID)
		if !ok {
			continue
		}
		d.Officers = j.Officers
		name := contract.JoinerOnboardingPart(j.DepartmentID, j.Version)
		schedule := s.plan.JoinerSchedule(j.At)
		in := contract.OnboardingInput{
			TermID: s.plan.Term.ID, TermName: s.plan.Term.Name, TimeZone: s.plan.Zone(),
			Department: d, Training: s.plan.Training, Schedule: schedule, Clock: s.state.Clock,
		}
		id := contract.JoinerOnboardingWorkflowID(s.plan.Term.ID, j.DepartmentID, j.Version)
		parts = append(parts, partStart{name: name, at: j.At, start: func(ctx workflow.Context, sel workflow.Selector) error {
			return s.startTracked(ctx, sel, name, id, d.ID,
				fmt.Sprintf("Onboarding: %d who joined the %s, %s", len(d.Officers), d.Name, s.plan.Term.Name),
				fmt.Sprintf("Training for the %d officers plan version %d added to the %s. Deadline %s; late acknowledgements until %s.",
					len(d.Officers), j.Version, d.Name, s.plan.Zone().Human(schedule.Deadline), s.plan.Zone().Human(schedule.WindowCloses)),
				Onboarding, in)
		}})
	}
	return parts
}

// joinerOnboarding is the Onboarding of an officer who joined after
// onboarding had started, if they did.
func (s *semester) joinerOnboarding(departmentID, email string) (string, bool) {
	for i := len(s.state.Joiners) - 1; i >= 0; i-- {
		j := s.state.Joiners[i]
		for _, o := range j.Officers {
			if j.DepartmentID == departmentID && o.Email == email {
				return contract.JoinerOnboardingWorkflowID(s.plan.Term.ID, j.DepartmentID, j.Version), true
			}
		}
	}
	return "", false
}

// sendRosters gives each department's running exchanges its people as the
// new version has them.
func (s *semester) sendRosters(ctx workflow.Context, changes []contract.PlanChange, version int) {
	var sent []string
	for _, c := range changes {
		part := contract.ExchangesPart(c.Department)
		if c.Section != "departments" || c.Department == "" || !s.started(part) || s.partDone(part) || containsString(sent, c.Department) {
			continue
		}
		if _, ok := s.plan.Department(c.Department); !ok {
			continue
		}
		sent = append(sent, c.Department)
		roster := contract.ExchangesRosterFrom(s.plan, c.Department, version)
		s.events += eventsPerSignal + 2
		id := contract.ExchangesWorkflowID(s.plan.Term.ID, c.Department)
		if err := workflow.SignalExternalWorkflow(ctx, id, "", contract.SignalExchangesRoster, roster).Get(ctx, nil); err != nil {
			// A series that has just ended needs no roster.
			workflow.GetLogger(ctx).Warn("roster not delivered", "workflow", id, "error", err)
		}
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// anyRunning says whether a part has started and not ended.
func (s *semester) anyRunning() bool {
	for _, name := range s.state.Started {
		if !s.partDone(name) {
			return true
		}
	}
	return false
}

// partDone says whether a started part has ended.
func (s *semester) partDone(name string) bool {
	if name == "onboarding" {
		return s.allFinished()
	}
	i, ok := s.partPos[name]
	return ok && s.state.Parts[i].Done
}

// partsTouched names the parts of the term a change concerns, in the
// names of s.state.Started.
func (s *semester) partsTouched(c plan.Change) []string {
	var months, evaluations []string
	for _, m := range s.plan.MonthCalendar() {
		months = append(months, "month/"+m.ID)
	}
	for _, d := range s.plan.Departments {
		evaluations = append(evaluations, contract.EvaluationPart(d.ID))
	}
	switch c.Section {
	case "training":
		return []string{"onboarding"}
	case "kickoff":
		return []string{"kickoff"}
	case "contest":
		return []string{"contest"}
	case "tasks":
		return []string{"tasks"}
	case "evaluation":
		return evaluations
	case "exchanges":
		var out []string
		for _, d := range s.plan.Departments {
			out = append(out, contract.ExchangesPart(d.ID))
		}
		return out
	case "months":
		if m, ok := strings.CutPrefix(c.Path, "months.run["); ok {
			return []string{"month/" + strings.TrimSuffix(m, "]")}
		}
		return months
	case "departments":
		own := []string{"onboarding", contract.ExchangesPart(c.Department), contract.EvaluationPart(c.Department)}
		switch {
		case strings.Contains(c.Path, ".officers["):
			// The kickoff sent the directory when it started; the help
			// desk's helpers are the Organization Department's officers.
			if c.Department == contract.OrganizationDepartmentID {
				own = append(own, "tasks")
			}
			return own
		case strings.HasSuffix(c.Path, ".secretary"):
			return append([]string{contract.ExchangesPart(c.Department)}, months...)
		}
		// A department's head, its name, or the department itself: its
		// own parts and the term-wide ones that name departments.
		return append(append(own, "kickoff", "contest", "tasks"), months...)
	}
	return nil
}

// partLabel names a part for people.
func partLabel(part string) string {
	switch {
	case part == "onboarding":
		return "onboarding"
	case part == "kickoff":
		return "the kickoff"
	case part == "contest":
		return "the contest"
	case part == "tasks":
		return "the help desk"
	case strings.HasPrefix(part, "month/"):
		return "organisation life of " + strings.TrimPrefix(part, "month/")
	case strings.HasPrefix(part, "exchanges/"):
		return "the exchanges of " + strings.TrimPrefix(part, "exchanges/")
	case strings.HasPrefix(part, "evaluation/"):
		return "the evaluation of " + strings.TrimPrefix(part, "evaluation/")
	}
	return part
}

// prepare validates a new version of the plan and moves the contest's
// milestones with the contest: a milestone still to come that the new file
// leaves at the date the term's files gave it keeps its distance from the
// contest. The shifts are remembered, so the next file, written from this
// one, is read the same way rather than as moving them back. It returns
// the shifts the new version runs with.
func (s *semester) prepare(next *plan.Plan, now time.Time) ([]contract.MilestoneShift, error) {
	if err := next.Validate(); err != nil {
		return nil, err
	}
	old, nc := s.plan.Contest, next.Contest
	if old == nil || nc == nil {
		return nil, nil
	}
	loc := s.plan.Location()
	delta := 0
	if was, err := old.At.In(loc); err == nil {
		if is, err := nc.At.In(loc); err == nil {
			delta = int(math.Round(is.Sub(was).Hours() / 24))
		}
	}
	var shifts []contract.MilestoneShift
	milestones := append([]plan.Milestone(nil), nc.Milestones...)
	changed := false
	for i, m := range milestones {
		days, written := 0, m.Due
		for _, sh := range s.state.MilestoneShifts {
			if sh.Title == m.Title && sh.Written == m.Due {
				days = sh.Days
			}
		}
		for _, o := range old.Milestones {
			if due, err := o.Due.In(loc); o.Title == m.Title && o.Due == m.Due.AddDays(days) && err == nil && due.AddDate(0, 0, 1).After(now) {
				days += delta
			}
		}
		if days == 0 {
			continue
		}
		milestones[i].Due = written.AddDays(days)
		shifts = append(shifts, contract.MilestoneShift{Title: m.Title, Written: written, Days: days})
		changed = true
	}
	if !changed {
		return nil, nil
	}
	c := *nc
	c.Milestones = milestones
	next.Contest = &c
	return shifts, next.Validate()
}

// contestEffect is what a change of the contest does while it is prepared.
func (s *semester) contestEffect(now time.Time, next *plan.Plan, c plan.Change) (string, string, bool) {
	loc := s.plan.Location()
	at, err := s.plan.Contest.At.In(loc)
	if err != nil {
		return "", "", false
	}
	if !now.Before(at) {
		return contract.EffectRefused, fmt.Sprintf("the contest took place on %s; what it did cannot change", s.plan.Zone().Human(at)), true
	}
	if next.Contest == nil {
		return contract.EffectRefused, "the contest is being prepared and cannot be dropped from the plan", true
	}
	switch {
	case c.Path == "contest.at":
		if t, err := next.Contest.At.In(loc); err == nil && !t.After(now) {
			return contract.EffectRefused, fmt.Sprintf("the new date, %s, has passed", s.plan.Zone().Human(t)), true
		}
		return contract.EffectNow, "the contest moves: its at-risk check, results' deadline and reminders follow, and milestones left at their dates keep their distance from it", true
	case strings.HasPrefix(c.Path, "contest.milestones["):
		if c.Kind == plan.ChangeRemoved {
			return contract.EffectRefused, "a milestone cannot be dropped while the contest is prepared; its owner can hand it over instead", true
		}
		title := strings.TrimSuffix(strings.TrimPrefix(c.Path, "contest.milestones["), "]")
		for _, m := range next.Contest.Milestones {
			if due, err := m.Due.In(loc); m.Title == title && err == nil && !due.AddDate(0, 0, 1).After(now) {
				return contract.EffectRefused, fmt.Sprintf("its new due date, %s, has passed", m.Due), true
			}
		}
		return contract.EffectNow, "the milestone's owner is asked by the new date, with reminders to match", true
	}
	return contract.EffectNow, "the contest takes it at once", true
}

// sendContest gives the running contest its new dates.
func (s *semester) sendContest(ctx workflow.Context, changes []contract.PlanChange) {
	if !s.started("contest") || s.partDone("contest") || s.plan.Contest == nil {
		return
	}
	touched := false
	for _, c := range changes {
		touched = touched || c.Section == "contest"
	}
	if !touched {
		return
	}
	in := contract.ContestInputFrom(s.plan, s.state.Clock, s.termKey)
	s.events += eventsPerSignal + 2
	if err := workflow.SignalExternalWorkflow(ctx, contract.ContestWorkflowID(s.plan.Term.ID), "", contract.SignalContestPlan, in).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("contest not told of its new dates", "error", err)
	}
}

// exchangesEffect is what a new calendar of exchanges does while they run:
// every exchange whose sign-in has opened stays as it was; the others
// follow the new calendar.
func (s *semester) exchangesEffect(now time.Time, next *plan.Plan) (string, string, bool) {
	if next.Exchanges == nil {
		return contract.EffectRefused, "the exchanges are under way and cannot be dropped from the plan", true
	}
	zone := s.plan.Zone()
	after := map[int]plan.Meeting{}
	for _, m := range next.ExchangeCalendar() {
		after[m.Number] = m
	}
	var moved, cancelled []string
	for _, m := range s.plan.ExchangeCalendar() {
		n, ok := after[m.Number]
		same := ok && n.Start.Equal(m.Start) && n.End.Equal(m.End) && n.Where == m.Where
		switch {
		case same:
		case !now.Before(m.SignInOpens):
			return contract.EffectRefused, fmt.Sprintf("exchange %d was held on %s (its sign-in opened); it cannot be moved or cancelled", m.Number, zone.Human(m.Start)), true
		case !ok:
			cancelled = append(cancelled, strconv.Itoa(m.Number))
		case !now.Before(n.SignInOpens):
			return contract.EffectRefused, fmt.Sprintf("exchange %d would move to %s, which has passed", m.Number, zone.Human(n.Start)), true
		default:
			moved = append(moved, fmt.Sprintf("%d to %s", m.Number, zone.Human(n.Start)))
		}
	}
	var what []string
	if len(moved) > 0 {
		what = append(what, "exchange "+strings.Join(moved, ", ")+": those already invited get an updated calendar invite")
	}
	if len(cancelled) > 0 {
		what = append(what, "exchange "+strings.Join(cancelled, ", ")+" cancelled: those already invited get a cancellation")
	}
	if len(what) == 0 {
		what = append(what, "the exchanges not held yet follow it")
	}
	return contract.EffectNow, strings.Join(what, "; "), true
}

// sendCalendars gives every department's running exchanges the new calendar.
func (s *semester) sendCalendars(ctx workflow.Context, changes []contract.PlanChange, version int) {
	touched := false
	for _, c := range changes {
		touched = touched || c.Section == "exchanges"
	}
	if !touched || s.plan.Exchanges == nil {
		return
	}
	for _, d := range s.plan.Departments {
		part := contract.ExchangesPart(d.ID)
		if !s.started(part) || s.partDone(part) {
			continue
		}
		s.events += eventsPerSignal + 2
		id := contract.ExchangesWorkflowID(s.plan.Term.ID, d.ID)
		if err := workflow.SignalExternalWorkflow(ctx, id, "", contract.SignalExchangesCalendar, contract.ExchangesCalendarFrom(s.plan, d.ID, version)).Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Warn("calendar not delivered", "workflow", id, "error", err)
		}
	}
}

// peopleChange says whether a change replaces a department's head or
// secretary, or renames it.
func peopleChange(c plan.Change) bool {
	return c.Section == "departments" && (strings.HasSuffix(c.Path, ".head") || strings.HasSuffix(c.Path, ".secretary") || strings.HasSuffix(c.Path, ".name"))
}

// sendPeople gives the running parts that ask departments' heads and
// secretaries the new ones: organisation life, the help desk, and the
// onboarding of each department concerned.
func (s *semester) sendPeople(ctx workflow.Context, changes []contract.PlanChange, version int) {
	var depts []string
	for _, c := range changes {
		if peopleChange(c.Change) && !containsString(depts, c.Department) {
			depts = append(depts, c.Department)
		}
	}
	if len(depts) == 0 {
		return
	}
	people := contract.DepartmentPeopleFrom(s.plan, version)
	var ids []string
	for _, m := range s.plan.MonthCalendar() {
		if part := "month/" + m.ID; s.started(part) && !s.partDone(part) {
			ids = append(ids, contract.MonthWorkflowID(s.plan.Term.ID, m.ID))
		}
	}
	if s.started("tasks") && !s.partDone("tasks") {
		ids = append(ids, contract.HelpDeskWorkflowID(s.plan.Term.ID))
	}
	for _, dept := range depts {
		if i, ok := s.deptPos[dept]; ok && s.state.OnboardingStarted && !finished(s.state.Departments[i].Phase) {
			ids = append(ids, contract.OnboardingWorkflowID(s.plan.Term.ID, dept))
		}
	}
	for _, id := range ids {
		s.events += eventsPerSignal + 2
		if err := workflow.SignalExternalWorkflow(ctx, id, "", contract.SignalDepartmentPeople, people).Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Warn("new people not delivered", "workflow", id, "error", err)
		}
	}
}

// judgingChange says whether a change is to the competition's judges,
// criteria or scores.
func judgingChange(c plan.Change) bool {
	return c.Path == "months.judges" || c.Path == "months.criteria" || c.Path == "months.max_score"
}

// judgingEffect is what new judging does to a running month: it applies
// until the month's scoring opens, when its entries are due.
func (s *semester) judgingEffect(now time.Time, monthID string) (string, string, bool) {
	for _, m := range s.plan.MonthCalendar() {
		if m.ID != monthID {
			continue
		}
		if !now.Before(m.EntriesDue) {
			return contract.EffectRefused, fmt.Sprintf("the scoring of %s opened on %s; its judges and criteria stay as they were", m.Name, s.plan.Zone().Human(m.EntriesDue)), true
		}
		return contract.EffectNow, fmt.Sprintf("%s is scored by them when its scoring opens on %s", m.Name, s.plan.Zone().Human(m.EntriesDue)), true
	}
	return "", "", false
}

// sendJudging gives the running months whose scoring has not opened the
// new judges and criteria.
func (s *semester) sendJudging(ctx workflow.Context, changes []contract.PlanChange, now time.Time) {
	touched := false
	for _, c := range changes {
		touched = touched || judgingChange(c.Change)
	}
	if !touched || s.plan.Months == nil {
		return
	}
	j := contract.MonthJudging{Judges: s.plan.Months.Judges, Criteria: s.plan.Months.Criteria, MaxScore: s.plan.Months.MaxScore}
	for _, m := range s.plan.MonthCalendar() {
		if part := "month/" + m.ID; !s.started(part) || s.partDone(part) || !now.Before(m.EntriesDue) {
			continue
		}
		s.events += eventsPerSignal + 2
		id := contract.MonthWorkflowID(s.plan.Term.ID, m.ID)
		if err := workflow.SignalExternalWorkflow(ctx, id, "", contract.SignalMonthJudging, j).Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Warn("judging not delivered", "workflow", id, "error", err)
		}
	}
}

// loadPlan reads the plan ref names from Postgres, every chunk at once,
// and checks it is the plan ref promised.
func loadPlan(ctx workflow.Context, ref contract.PlanRef) (plan.Plan, error) {
	if err := ref.Check(); err != nil {
		return plan.Plan{}, contract.BadInput(err.Error(), nil)
	}
	// Packed, as the raw chunks of a large plan would fill the history:
	// the first piece says how many there are.
	actx := withStoreOptions(ctx, "read the plan")
	var first contract.PackedPiece
	if err := workflow.ExecuteActivity(actx, a.LoadPackedPlan, contract.LoadPackedPlanInput{Ref: ref}).Get(ctx, &first); err != nil {
		return plan.Plan{}, fmt.Errorf("read the plan: %w", err)
	}
	pieces := make([]string, max(1, min(first.Pieces, contract.MaxPlanChunks)))
	pieces[0] = first.Data
	for from := 1; from < len(pieces); from += chunksPerStep {
		futures := make([]workflow.Future, min(chunksPerStep, len(pieces)-from))
		for i := range futures {
			futures[i] = workflow.ExecuteActivity(actx, a.LoadPackedPlan, contract.LoadPackedPlanInput{Ref: ref, Piece: from + i})
		}
		for i, f := range futures {
			var piece contract.PackedPiece
			if err := f.Get(ctx, &piece); err != nil {
				return plan.Plan{}, fmt.Errorf("read the plan, piece %d: %w", from+i, err)
			}
			pieces[from+i] = piece.Data
		}
	}
	p, err := contract.UnpackPlan(ref, pieces)
	if err != nil {
		return plan.Plan{}, contract.BadInput(err.Error(), nil)
	}
	return p, nil
}

// loadChunks reads every chunk ref names, side by side.
func loadChunks(ctx workflow.Context, ref contract.PlanRef, what string) ([]string, error) {
	if err := ref.Check(); err != nil {
		return nil, contract.BadInput(err.Error(), nil)
	}
	actx := withStoreOptions(ctx, what)
	chunks := make([]string, ref.Chunks)
	for from := 0; from < ref.Chunks; from += chunksPerStep {
		futures := make([]workflow.Future, min(chunksPerStep, ref.Chunks-from))
		for i := range futures {
			futures[i] = workflow.ExecuteActivity(actx, a.LoadPlanChunk, contract.LoadPlanChunkInput{Ref: ref, Index: from + i})
		}
		for i, f := range futures {
			if err := f.Get(ctx, &chunks[from+i]); err != nil {
				return nil, fmt.Errorf("%s, chunk %d: %w", what, from+i, err)
			}
		}
	}
	return chunks, nil
}

// storePlan stores p in chunks, as the starter does, and returns its
// reference.
func (s *semester) storePlan(ctx workflow.Context, p plan.Plan) (*contract.PlanRef, error) {
	ref, chunks, err := contract.SplitPlan(p)
	if err != nil {
		return nil, err
	}
	s.events += eventsPerActivity * len(chunks)
	if err := saveChunks(withUpdateStoreOptions(ctx, "store a chunk of the plan"), ref, chunks); err != nil {
		return nil, err
	}
	return &ref, nil
}

// saveChunks stores chunks under ref, side by side, with the activity
// options of ctx.
func saveChunks(ctx workflow.Context, ref contract.PlanRef, chunks []contract.PlanChunk) error {
	for from := 0; from < len(chunks); from += chunksPerStep {
		step := chunks[from:min(from+chunksPerStep, len(chunks))]
		futures := make([]workflow.Future, len(step))
		for i, c := range step {
			futures[i] = workflow.ExecuteActivity(ctx, a.SavePlanChunk, contract.SavePlanChunkInput{Ref: ref, Chunk: c})
		}
		for i, f := range futures {
			if err := f.Get(ctx, nil); err != nil {
				return fmt.Errorf("chunk %d: %w", from+i, err)
			}
		}
	}
	return nil
}

// chunksPerStep bounds the chunks one workflow task schedules or takes in:
// the server refuses a task's completion over 4 MB, and 24 chunks of 192
// KiB (a plan of 1,000 departments) would pass it.
const chunksPerStep = 4

// stateByReferenceVersion guards storing a large state in Postgres before
// the term continues as new.
const stateByReferenceVersion = "term-state-by-reference"

// stateByReference stores the state next carries in chunks and names it
// by reference instead, when its JSON passes StateInlineBytes. A smaller
// state travels as before.
func (s *semester) stateByReference(ctx workflow.Context, next *contract.SemesterInput) error {
	if contract.EncodedSize(next.State) <= contract.StateInlineBytes {
		return nil
	}
	ref, chunks, err := contract.PackJSON(s.plan.Term.ID, next.State)
	if err != nil {
		return fmt.Errorf("encode the term's state: %w", err)
	}
	if workflow.GetVersion(ctx, stateByReferenceVersion, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return nil
	}
	if err := saveChunks(withStoreOptions(ctx, "store a chunk of the term's state"), ref, chunks); err != nil {
		return fmt.Errorf("store the term's state: %w", err)
	}
	next.State, next.StateRef = nil, &ref
	return nil
}

// loadState reads a state stored by stateByReference.
func loadState(ctx workflow.Context, ref contract.PlanRef) (contract.SemesterState, error) {
	chunks, err := loadChunks(ctx, ref, "read the term's state")
	if err != nil {
		return contract.SemesterState{}, err
	}
	var st contract.SemesterState
	if err := contract.JoinJSON(ref, chunks, &st); err != nil {
		return contract.SemesterState{}, contract.BadInput("the term's state "+err.Error(), nil)
	}
	return st, nil
}
