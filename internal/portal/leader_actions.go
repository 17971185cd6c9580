package portal

import (
	"bytes"
	"crypto/hmac"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"

	"semesterflow/contract"
	"semesterflow/internal/export"
	"semesterflow/plan"
)

// leaderAction is one thing a leader does from the dashboard: the form's
// fields become the Update the CLI sends, so the workflow's validator
// decides, in the same words, on both paths.
type leaderAction struct {
	// build returns the workflow, the Update and its argument, or a
	// problem with the form in plain words.
	build func(term, email string, form func(string) string) (workflowID, update string, arg any, problem string)
	// notRunning is what to say when the workflow is not running.
	notRunning string
	done       func(form func(string) string) string
}

var monthID = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)

var leaderActions = map[string]leaderAction{
	"theme": {
		build: func(term, email string, form func(string) string) (string, string, any, string) {
			month, theme := form("month"), form("theme")
			switch {
			case !monthID.MatchString(month):
				return "", "", nil, "Choose the month the theme is for."
			case theme == "":
				return "", "", nil, "Write the month's theme."
			}
			return contract.MonthWorkflowID(term, month), contract.UpdateSetTheme, contract.SetThemeInput{Email: email, Theme: theme}, ""
		},
		notRunning: "That month's organisation life is not running: it has not opened yet or is over.",
		done: func(form func(string) string) string {
			return fmt.Sprintf("The theme for %s is %q; every head and leader is told by email.", form("month"), form("theme"))
		},
	},
	"assign": {
		build: func(term, email string, form func(string) string) (string, string, any, string) {
			task, officer := form("task"), form("officer")
			switch {
			case task == "":
				return "", "", nil, "Choose the help request to assign."
			case officer == "":
				return "", "", nil, "Write the email address of the officer who will help."
			}
			return contract.HelpDeskWorkflowID(term), contract.UpdateAssignTask, contract.AssignTaskInput{Email: email, Task: task, Officer: officer}, ""
		},
		notRunning: "Help requests are not taken: the term has not started or is over.",
		done: func(form func(string) string) string {
			return fmt.Sprintf("Task %s is assigned to %s, who is asked to confirm it by its due date; the requester is told.", form("task"), form("officer"))
		},
	},
	"results": {
		build: func(term, email string, form func(string) string) (string, string, any, string) {
			in := contract.RecordResultsInput{Email: email, Text: form("text")}
			if in.Text == "" {
				return "", "", nil, "Write the contest's results."
			}
			for w := range strings.SplitSeq(form("winners"), ",") {
				if w = strings.TrimSpace(w); w != "" {
					in.Winners = append(in.Winners, w)
				}
			}
			return contract.ContestWorkflowID(term), contract.UpdateRecordResults, in, ""
		},
		notRunning: "The contest is not taking results: it has not started or its results window has closed.",
		done:       func(func(string) string) string { return "The contest's results are recorded." },
	},
	"cancel": {
		build: func(term, email string, form func(string) string) (string, string, any, string) {
			switch {
			case form("reason") == "":
				return "", "", nil, "Say why the term stops: everyone involved is told."
			case form("confirm") != "yes":
				return "", "", nil, "Tick the box to confirm: cancelling stops every part of the term, and it cannot be undone."
			}
			return contract.SemesterWorkflowID(term), contract.UpdateCancelTerm, contract.CancelTermInput{Email: email, Reason: form("reason")}, ""
		},
		notRunning: "The term is not running.",
		done: func(func(string) string) string {
			return "The term is being cancelled: every part stops and everyone involved gets a notice."
		},
	},
}

// departmentActions are the forms of a department's page: a help request
// for the department, and, on an overdue slot of a collection, extending
// its deadline or handing it to another officer. Who may do the last two
// is the collection's to decide, from the signed-in email.
var departmentActions = map[string]leaderAction{
	"request-help": {
		build: func(term, email string, form func(string) string) (string, string, any, string) {
			due, text := form("due"), form("text")
			if _, err := time.Parse("2006-01-02", due); err != nil {
				return "", "", nil, "Give the date the help is needed by, as YYYY-MM-DD."
			}
			if text == "" {
				return "", "", nil, "Say what help the department needs."
			}
			return contract.HelpDeskWorkflowID(term), contract.UpdateRequestHelp,
				contract.RequestHelpInput{Email: email, Department: form("department"), Due: due, Text: text}, ""
		},
		notRunning: "Help requests are not taken: the term has not started or is over.",
		done: func(form func(string) string) string {
			return fmt.Sprintf("Your request is sent: help needed by %s. The coordinator assigns an officer, and you hear who by email.", form("due"))
		},
	},
	"extend": {
		build: func(term, email string, form func(string) string) (string, string, any, string) {
			due, reason := form("due"), form("reason")
			if _, err := time.Parse("2006-01-02", due); err != nil {
				return "", "", nil, "Give the new due date, as YYYY-MM-DD."
			}
			if reason == "" {
				return "", "", nil, "Give a reason: it is kept in the audit log."
			}
			return form("workflow"), contract.UpdateExtendDeadline, contract.ExtendDeadlineInput{Email: email, Slot: form("slot"), Due: due, Reason: reason}, ""
		},
		notRunning: "That collection is not running any more, so its deadline cannot move.",
		done: func(form func(string) string) string {
			return fmt.Sprintf("The deadline moved to %s. Reminders follow the new date; nobody is escalated for the old one.", form("due"))
		},
	},
	"hand-over": {
		build: func(term, email string, form func(string) string) (string, string, any, string) {
			switch {
			case form("to_email") == "":
				return "", "", nil, fmt.Sprintf("%s is not an officer serving in this term; hand it to an officer of the department.", form("to"))
			case form("reason") == "":
				return "", "", nil, "Give a reason: the new person and the log are told why."
			}
			return form("workflow"), contract.UpdateHandOver, contract.HandOverInput{Email: email, Slot: form("slot"), Reason: form("reason"),
				To: plan.Person{Name: form("to_name"), Email: form("to_email")}, ToDepartment: form("to_department")}, ""
		},
		notRunning: "That collection is not running any more, so the task cannot be handed over.",
		done: func(form func(string) string) string {
			return fmt.Sprintf("%s has the task now, with its own link; the old one no longer works for it.", form("to_name"))
		},
	},
}

// formToken ties a leader's forms to their session, beside the SameSite
// cookie and the origin check.
func (s *Server) formToken(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	return s.links.MAC("leader form", hashToken(c.Value))
}

func (s *Server) leaderAct(w http.ResponseWriter, r *http.Request) {
	email, roles, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	term, name := r.PathValue("term"), r.PathValue("action")
	act, known := leaderActions[name]
	if !known {
		s.message(w, http.StatusNotFound, "No such action", fmt.Sprintf("The leaders' pages have no action %q.", name))
		return
	}
	if leader, _ := leads(roles, term); !leader {
		s.forbidden(w, email, roles, "Only the term's leaders act from its dashboard.")
		return
	}
	if !s.readSessionForm(w, r) {
		return
	}
	form := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	problem, ok := s.send(w, r, act, term, email, form)
	if !ok {
		return
	}
	if problem != "" {
		s.logger.Info("leader's action refused", "action", name, "term", term, "problem", problem)
		s.showDashboard(w, r, email, roles, term, http.StatusUnprocessableEntity, actionResult{Action: name, Problem: problem})
		return
	}
	s.logger.Info("leader's action taken", "action", name, "term", term, "by", email)
	s.showDashboard(w, r, email, roles, term, http.StatusOK, actionResult{Action: name, Done: act.done(form)})
}

// isNotRunning tells an Update sent to a workflow that is not there or
// has ended, as the CLI tells it.
func isNotRunning(err error) bool {
	var notFound *serviceerror.NotFound
	return errors.As(err, &notFound) || err != nil && strings.Contains(err.Error(), "workflow execution already completed")
}

// actionResult is what the dashboard says after a leader's action.
type actionResult struct {
	Action  string
	Done    string
	Problem string
}

// download serves one of the term's exports, to its leaders, as
// KIND.csv or KIND.xlsx.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	email, roles, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	term := r.PathValue("term")
	if leader, _ := leads(roles, term); !leader {
		s.forbidden(w, email, roles, "The term's records are for its leaders to download.")
		return
	}
	kind, format, _ := strings.Cut(r.PathValue("file"), ".")
	if format != export.CSV && format != export.XLSX {
		s.message(w, http.StatusNotFound, "No such file", "Downloads end in .csv or .xlsx.")
		return
	}
	t, err := export.Read(r.Context(), s.leaders.table.db, kind, term)
	switch {
	case errors.Is(err, export.ErrNoTerm):
		s.message(w, http.StatusNotFound, "No such term", fmt.Sprintf("There is no term %q.", term))
		return
	case errors.Is(err, export.ErrNoKind):
		s.message(w, http.StatusNotFound, "No such download", err.Error())
		return
	case err != nil:
		s.unavailable(w, "export", err)
		return
	}
	var b bytes.Buffer
	if err := export.Write(&b, format, t); err != nil {
		s.unavailable(w, "write an export", err)
		return
	}
	s.logger.Info("export downloaded", "term", term, "kind", kind, "format", format, "by", email)
	w.Header().Set("Content-Type", export.ContentType(format))
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", term+"-"+kind+"."+format))
	_, _ = w.Write(b.Bytes())
}

// headAct takes a form from a department's page, from the department's
// head or one of the term's leaders.
func (s *Server) headAct(w http.ResponseWriter, r *http.Request) {
	email, roles, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	term, dept, name := r.PathValue("term"), r.PathValue("department"), r.PathValue("action")
	leader, heads := leads(roles, term)
	if !leader && !heads[dept] {
		s.forbidden(w, email, roles, "You can act for the department you head.")
		return
	}
	if !s.readSessionForm(w, r) {
		return
	}
	act, known := departmentActions[name]
	if !known {
		s.message(w, http.StatusNotFound, "No such action", fmt.Sprintf("A department's page has no action %q.", name))
		return
	}
	values := map[string]string{"department": dept}
	for k := range r.PostForm {
		if k != "department" && !strings.HasPrefix(k, "to_") {
			values[k] = strings.TrimSpace(r.PostForm.Get(k))
		}
	}
	if name == "extend" || name == "hand-over" {
		// Only the term's own collections, whatever the form says.
		if !strings.HasPrefix(values["workflow"], contract.SemesterWorkflowID(term)+"/") {
			s.message(w, http.StatusBadRequest, "Not this term's", "That form names a collection of another term. Nothing was changed.")
			return
		}
	}
	if name == "hand-over" && values["to"] != "" {
		to, toDept, err := s.leaders.table.ServingOfficer(r.Context(), term, values["to"])
		if err == nil {
			values["to_name"], values["to_email"], values["to_department"] = to.Name, to.Email, toDept
		} else if !errors.Is(err, ErrNoDirectory) {
			s.unavailable(w, "look up an officer", err)
			return
		}
	}
	form := func(k string) string { return values[k] }
	problem, ok := s.send(w, r, act, term, email, form)
	if !ok {
		return
	}
	result := actionResult{Action: name, Problem: problem}
	status := http.StatusUnprocessableEntity
	if problem == "" {
		result, status = actionResult{Action: name, Done: act.done(form)}, http.StatusOK
		s.logger.Info("department action taken", "action", name, "term", term, "department", dept, "by", email)
	} else {
		s.logger.Info("department action refused", "action", name, "term", term, "department", dept, "problem", problem)
	}
	s.showDepartment(w, r, email, roles, term, dept, status, result)
}

// readSessionForm reads a posted form of the leaders' pages, refusing one
// that did not come from the session's own page; it answers itself when
// it refuses.
func (s *Server) readSessionForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.message(w, http.StatusBadRequest, "The form could not be read", "Go back and send it again. Nothing was changed.")
		return false
	}
	if !s.sameOrigin(r) || !hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(s.formToken(r))) {
		s.message(w, http.StatusForbidden, "The form was not sent from your page",
			"For your safety the forms work only from the pages of your own session. Open the page again and send the form from there. Nothing was changed.")
		return false
	}
	return true
}

// send builds act's Update from the form and sends it as email. problem
// is what stopped it, in plain words; ok is false when send has answered
// an unexpected failure itself.
func (s *Server) send(w http.ResponseWriter, r *http.Request, act leaderAction, term, email string, form func(string) string) (problem string, ok bool) {
	workflowID, update, arg, problem := act.build(term, email, form)
	if problem != "" {
		return problem, true
	}
	refused, err := s.update(r.Context(), workflowID, update, arg, nil)
	switch {
	case refused != "":
		return refused, true
	case isNotRunning(err):
		return act.notRunning, true
	case err != nil:
		s.actionFailed(w, r, workflowID, err)
		return "", false
	}
	return "", true
}
