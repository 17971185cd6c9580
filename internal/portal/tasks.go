package portal

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"semesterflow/contract"
	"semesterflow/internal/links"
)

// taskPage is an action's page: what is asked, by when, and the form.
type taskPage struct {
	Heading string
	// Facts are shown as a list of label and value, e.g. "Due", "Mon 5 Oct".
	Facts []fact
	Intro string
	// Inputs of the form.
	TextLabel    string // a textarea, when set
	TextRequired bool
	Criteria     []string // one score input each
	MaxScore     float64
	Button       string
	CSRF         string
	Form         form

	// Sheet, when set, is the attendance sheet of an exchange nobody could
	// sign in at, on its minutes' page.
	Sheet *attendanceSheet
	// HandOver, when set, offers to hand the task to someone else.
	HandOver *handOver

	// Done or Over, when set, replace the form with a plain page (Done
	// leaves the attendance sheet, if there is one).
	Done string
	Over string
	// Thanks is the page after the action was taken.
	Thanks string
	update string
}

type fact struct{ Label, Value string }

// form is what the person typed, kept when the action is refused.
type form struct {
	Text   string
	Scores []string
	Error  string
}

func readForm(r *http.Request, t *taskPage) form {
	f := form{Text: r.PostForm.Get("text")}
	for i := range t.Criteria {
		f.Scores = append(f.Scores, strings.TrimSpace(r.PostForm.Get("score"+strconv.Itoa(i))))
	}
	return f
}

// input builds the Update's argument from the form, or says what is wrong
// with it before the workflow is asked.
func (t *taskPage) input(c links.Claims, f form) (any, string) {
	switch c.Action {
	case links.Acknowledge:
		return contract.AcknowledgeInput{Email: c.Person, Note: strings.TrimSpace(f.Text)}, ""
	case links.SignIn, links.Excuse:
		// The link's meeting goes with the Update, so the workflow refuses
		// it once another exchange is being held.
		meeting, _ := strconv.Atoi(c.Slot)
		if c.Action == links.SignIn {
			return contract.SignInInput{Email: c.Person, Meeting: meeting}, ""
		}
		return contract.ExcuseInput{Email: c.Person, Reason: f.Text, Meeting: meeting}, ""
	}
	in := contract.SubmitInput{Email: c.Person, Slot: c.Slot, Text: f.Text}
	for i, raw := range f.Scores {
		if raw == "" {
			return nil, fmt.Sprintf("give a score for %s", t.Criteria[i])
		}
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Sprintf("the score for %s, %q, is not a number", t.Criteria[i], raw)
		}
		in.Scores = append(in.Scores, v)
	}
	return in, ""
}

// loadTask asks the link's workflow what the person is asked to do.
func (s *Server) loadTask(ctx context.Context, c links.Claims) (*taskPage, error) {
	switch c.Action {
	case links.Acknowledge:
		return s.acknowledgeTask(ctx, c)
	case links.SignIn, links.Excuse:
		return s.meetingTask(ctx, c)
	default:
		return s.submitTask(ctx, c)
	}
}

func (s *Server) query(ctx context.Context, c links.Claims, name string, into any, args ...any) error {
	return s.queryWorkflow(ctx, c.WorkflowID, name, into, args...)
}

func (s *Server) queryWorkflow(ctx context.Context, workflowID, name string, into any, args ...any) error {
	v, err := s.temporal.QueryWorkflow(ctx, workflowID, "", name, args...)
	if err != nil {
		return err
	}
	return v.Get(into)
}

func (s *Server) acknowledgeTask(ctx context.Context, c links.Claims) (*taskPage, error) {
	var p contract.OnboardingProgress
	if err := s.query(ctx, c, contract.QueryProgress, &p); err != nil {
		return nil, err
	}
	t := &taskPage{
		Heading: "Acknowledge your training",
		Intro:   fmt.Sprintf("Confirm that you have taken in the training for new officers of the %s.", p.DepartmentName),
		Facts: []fact{{"Term", p.TermName}, {"Department", p.DepartmentName},
			{"Deadline", humanTime(p.Deadline, p.TimeZone)}, {"Late acknowledgements until", humanTime(p.WindowCloses, p.TimeZone)}},
		TextLabel: "Note (optional), for example which session you attended",
		Button:    "I have taken in the training",
		update:    contract.UpdateAcknowledgeTraining,
	}
	for _, session := range p.Sessions {
		t.Facts = append(t.Facts, fact{"Session", strings.TrimSpace(session.Title + ", " + string(session.At) + " " + session.Where)})
	}
	for _, o := range p.Officers {
		if o.Email == c.Person {
			t.Thanks = fmt.Sprintf("Thank you, %s: your acknowledgement is recorded.", o.Name)
			if o.AcknowledgedAt != nil {
				t.Done = fmt.Sprintf("You acknowledged your training on %s. There is nothing more to do.", humanTime(*o.AcknowledgedAt, p.TimeZone))
			}
			return t, nil
		}
	}
	t.Over = "You are not among the officers of this department any more, so there is nothing to acknowledge."
	return t, nil
}

func (s *Server) meetingTask(ctx context.Context, c links.Claims) (*taskPage, error) {
	var m contract.MeetingTask
	if err := s.query(ctx, c, contract.QueryTask, &m, c.Person); err != nil {
		return nil, err
	}
	number, _ := strconv.Atoi(c.Slot)
	t := &taskPage{Facts: []fact{{"Term", m.TermName}, {"Department", m.Department}}}
	if m.Meeting == nil || m.Meeting.Number != number {
		t.Over = fmt.Sprintf("Exchange %d of the %s is over.", number, m.Department)
		return t, nil
	}
	mt := m.Meeting
	t.Facts = append(t.Facts, fact{"Exchange", fmt.Sprintf("%d", mt.Number)}, fact{"Starts", humanTime(mt.Start, m.TimeZone)},
		fact{"Sign-in", m.TimeZone.Range(mt.SignInOpens, mt.SignInCloses)})
	signedIn := humanTime(m.SignedInAt, m.TimeZone)
	switch c.Action {
	case links.SignIn:
		t.Heading = fmt.Sprintf("Sign in: exchange %d", mt.Number)
		t.Intro = "Sign in once you are at the exchange, while sign-in is open."
		t.Button = "Sign in now"
		t.update = contract.UpdateSignIn
		t.Thanks = fmt.Sprintf("Thank you, %s: you are signed in at exchange %d.", m.Name, mt.Number)
		if signedIn != "" {
			t.Done = fmt.Sprintf("You signed in at exchange %d on %s.", mt.Number, signedIn)
		}
	default:
		t.Heading = fmt.Sprintf("Can't come to exchange %d?", mt.Number)
		t.Intro = "Tell us why before the exchange starts and your absence is excused. If you come after all, sign in as usual."
		t.TextLabel, t.TextRequired = "Reason", true
		t.Button = "Report my absence"
		t.update = contract.UpdateExcuse
		t.Thanks = fmt.Sprintf("Thank you, %s: your absence from exchange %d is excused.", m.Name, mt.Number)
		switch {
		case signedIn != "":
			t.Done = fmt.Sprintf("You signed in at exchange %d on %s, so there is no absence to excuse.", mt.Number, signedIn)
		case !m.ExcusedAt.IsZero():
			t.Done = fmt.Sprintf("Your absence from exchange %d is already excused (since %s: %q).", mt.Number, humanTime(m.ExcusedAt, m.TimeZone), m.ExcuseReason)
		}
	}
	if !m.Officer {
		t.Over = fmt.Sprintf("You are not an officer of the %s any more, so attendance is not taken for you.", m.Department)
	}
	return t, nil
}

func (s *Server) submitTask(ctx context.Context, c links.Claims) (*taskPage, error) {
	var ct contract.CollectionTask
	if err := s.query(ctx, c, contract.QueryTask, &ct, c.Slot, c.Person); err != nil {
		return nil, err
	}
	sl := ct.Slot
	t := &taskPage{
		Heading: "Hand in " + ct.Title,
		Intro:   ct.Instructions,
		Facts: []fact{{"Term", ct.TermName}, {"For", sl.Label}, {"Due", humanTime(sl.Due, ct.TimeZone)},
			{"Closes", humanTime(ct.Closes, ct.TimeZone)}},
		Criteria: ct.Criteria, MaxScore: ct.MaxScore, TextRequired: ct.TextRequired,
		Button: "Hand it in",
		update: contract.UpdateSubmit,
		Thanks: fmt.Sprintf("Thank you: %s for %s is handed in.", ct.Title, sl.Label),
	}
	if ct.TextRequired || len(ct.Criteria) == 0 {
		t.TextLabel = "Your text"
	} else {
		t.TextLabel = "Comment (optional)"
	}
	switch {
	case ct.HandedOver != nil && !ct.Owner:
		h := ct.HandedOver
		t.Over = fmt.Sprintf("%s for %s was handed over to %s on %s (by %s: %q). %s has it now; this link no longer works for it.",
			ct.Title, sl.Label, h.To.Name, humanTime(h.At, ct.TimeZone), h.By, h.Reason, h.To.Name)
	case sl.Submitted:
		t.Done = fmt.Sprintf("%s for %s was handed in by %s on %s.", ct.Title, sl.Label, ct.SubmittedBy, humanTime(ct.SubmittedAt, ct.TimeZone))
	case sl.Closed:
		t.Over = fmt.Sprintf("%s for %s closed on %s.", ct.Title, sl.Label, humanTime(ct.Closes, ct.TimeZone))
	}
	if t.Over == "" {
		s.addAttendanceSheet(ctx, c, t)
	}
	if ct.Owner && t.Over == "" && t.Done == "" {
		t.HandOver = &handOver{}
	}
	return t, nil
}
