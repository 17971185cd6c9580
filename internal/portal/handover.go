package portal

import (
	"fmt"
	"net/http"
	"strings"

	"semesterflow/contract"
	"semesterflow/internal/links"
	"semesterflow/plan"
)

// handOverForm is the value of the "form" field of the form that hands a
// task to someone else, on the task's own page.
const handOverForm = "handover"

// handOver is that form: whom to hand the task to, and why.
type handOver struct {
	To     string
	Reason string
	// Error is a refusal of this form, in plain words.
	Error string
}

// handTaskOver looks the new person up in the term's directory and sends
// the hand-over as the link's person, for the link's slot.
func (s *Server) handTaskOver(w http.ResponseWriter, r *http.Request, c links.Claims, token string, t *taskPage) {
	h := t.HandOver
	h.To, h.Reason = strings.TrimSpace(r.PostForm.Get("to")), strings.TrimSpace(r.PostForm.Get("reason"))
	switch {
	case !plan.ValidEmail(plan.NormalizeEmail(h.To)):
		h.Error = fmt.Sprintf("give the email address of the officer who takes it (%q is not one)", h.To)
	case h.Reason == "":
		h.Error = "give a reason: the new person and the log are told why"
	}
	if h.Error != "" {
		s.showTask(w, r, token, t, form{}, http.StatusUnprocessableEntity)
		return
	}
	term := contract.SemesterWorkflowID(contract.TermOfWorkflow(c.WorkflowID))
	var where contract.OfficerLocation
	if err := s.queryWorkflow(r.Context(), term, contract.QueryFindOfficer, &where, h.To); err != nil {
		h.Error = fmt.Sprintf("%s is not an officer of this term; hand it to an officer of the department", h.To)
		s.showTask(w, r, token, t, form{}, http.StatusUnprocessableEntity)
		return
	}
	in := contract.HandOverInput{
		Email: c.Person, Slot: c.Slot, Reason: h.Reason,
		To: plan.Person{Name: where.Name, Email: where.Email}, ToDepartment: where.DepartmentID,
	}
	var res contract.HandOverResult
	refused, err := s.update(r.Context(), c.WorkflowID, contract.UpdateHandOver, in, &res)
	switch {
	case refused != "":
		h.Error = refused
		s.showTask(w, r, token, t, form{}, http.StatusUnprocessableEntity)
		return
	case err != nil:
		s.actionFailed(w, r, c.WorkflowID, err)
		return
	}
	s.logger.Info("task handed over", "workflow", c.WorkflowID, "slot", c.Slot)
	s.message(w, http.StatusOK, "Handed over",
		fmt.Sprintf("%s now has the task for %s: they get the request with their own link, and this one no longer works for it.", res.To.Name, res.Label))
}
