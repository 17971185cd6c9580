// Package portal is the officers' web portal: the pages behind the signed
// links in semesterflow's emails, and the published monthly digests. Pages
// are rendered on the server and work without JavaScript on a phone; every
// action is sent to its workflow as a Temporal Update, whose validator has
// the last word.
package portal

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"semesterflow/contract"
	"semesterflow/internal/links"
	"semesterflow/plan"
)

//go:embed templates/*.html
var templateFiles embed.FS

// Temporal is the part of the Temporal client the portal uses.
type Temporal interface {
	QueryWorkflow(ctx context.Context, workflowID, runID, queryType string, args ...any) (converter.EncodedValue, error)
	UpdateWorkflow(ctx context.Context, options client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error)
}

// Digests is where the published monthly digests are read.
type Digests interface {
	MonthDigests(ctx context.Context, termID string) ([]Digest, error)
	// MonthDigestOf returns an error wrapping ErrNoDigest for a month not
	// published.
	MonthDigestOf(ctx context.Context, termID, month string) (Digest, error)
}

// Server serves the portal.
type Server struct {
	links    *links.Signer
	temporal Temporal
	digests  Digests
	// directories is nil when the portal serves no directory.
	directories Directories
	logger      *slog.Logger
	pages       *template.Template
	// now is the real time, for link expiry.
	now func() time.Time
	// updateTimeout bounds how long an action waits for its workflow.
	updateTimeout time.Duration
	// leaders is nil when the portal serves no leaders' pages.
	leaders *leaders
}

// New returns a portal verifying links with signer and acting through t.
// directories may be nil.
func New(signer *links.Signer, t Temporal, digests Digests, directories Directories, logger *slog.Logger) (*Server, error) {
	pages, err := template.New("").Funcs(template.FuncMap{"inc": func(i int) int { return i + 1 }}).ParseFS(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("portal templates: %w", err)
	}
	return &Server{links: signer, temporal: t, digests: digests, directories: directories, logger: logger, pages: pages, now: time.Now, updateTimeout: 30 * time.Second}, nil
}

// Handler routes the portal's pages.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /act/{token}", s.showAction)
	mux.HandleFunc("POST /act/{token}", s.takeAction)
	mux.HandleFunc("GET /digests/{term}", s.digestIndex)
	mux.HandleFunc("GET /digests/{term}/{month}", s.digestPage)
	s.leaderRoutes(mux)
	return securityHeaders(mux)
}

// securityHeaders keeps the portal's pages out of frames and other sites'
// scripts, and out of shared caches: they are personal.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		// same-origin, not no-referrer: with no-referrer browsers post forms
		// with "Origin: null", which the forgery check must refuse.
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// page is what every page template gets.
type page struct {
	Title   string
	Message string
	// Task is the action's page, when there is one.
	Task *taskPage
	// Digests lists a term's digests.
	TermID  string
	Digests []Digest
	// Directory is the personnel directory's page, CSVLink its download.
	Directory *Directory
	CSVLink   string
	// MoreHref and MoreText are a link under a message.
	MoreHref, MoreText string
	// Leader is a leaders' page; Wide widens the page for its tables.
	Leader *leaderPage
	Wide   bool
}

func (s *Server) render(w http.ResponseWriter, status int, name string, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := s.pages.ExecuteTemplate(w, name, p); err != nil {
		s.logger.Error("render page", "page", name, "error", err)
	}
}

func (s *Server) message(w http.ResponseWriter, status int, title, msg string) {
	s.render(w, status, "message.html", page{Title: title, Message: msg})
}

func (s *Server) home(w http.ResponseWriter, _ *http.Request) {
	p := page{Title: "Officers' portal",
		Message: "Follow the link in an email from the Organization Department to sign in at an exchange, hand something in or acknowledge your training."}
	if s.leaders != nil {
		p.MoreHref, p.MoreText = "/leaders", "Leaders and department heads: sign in to follow the term"
	}
	s.render(w, http.StatusOK, "message.html", p)
}

// verify checks the link in the request and answers 403 or 410 itself when
// it does not hold.
func (s *Server) verify(w http.ResponseWriter, r *http.Request) (links.Claims, string, bool) {
	token := r.PathValue("token")
	c, err := s.links.Verify(token, s.now())
	switch {
	case errors.Is(err, links.ErrExpired):
		s.message(w, http.StatusGone, "This link has expired",
			"The deadline it was for has passed, so it no longer works. If you still need to act, ask the Organization Department.")
		return c, token, false
	case err != nil:
		s.message(w, http.StatusForbidden, "This link is not valid",
			"It was not sent by the Organization Department, or it was changed on the way. Open the link from your email again, exactly as it is.")
		return c, token, false
	}
	return c, token, true
}

func (s *Server) showAction(w http.ResponseWriter, r *http.Request) {
	c, token, ok := s.verify(w, r)
	if !ok {
		return
	}
	if c.Action == links.ViewDirectory {
		s.showDirectory(w, r, c)
		return
	}
	t, err := s.loadTask(r.Context(), c)
	if err != nil {
		s.taskUnavailable(w, err)
		return
	}
	s.showTask(w, r, token, t, form{}, http.StatusOK)
}

// showTask renders the task: a form when the action can still be taken, a
// plain page when it was already done or is over.
func (s *Server) showTask(w http.ResponseWriter, r *http.Request, token string, t *taskPage, f form, status int) {
	switch {
	case t.Done != "" && t.Sheet == nil:
		s.message(w, http.StatusOK, "Already done", t.Done)
		return
	case t.Over != "":
		s.message(w, http.StatusGone, "This is over", t.Over)
		return
	}
	nonce := csrfNonce(r)
	if nonce == "" {
		nonce = newNonce()
	}
	// Lax, not Strict: a link opened from webmail is a cross-site visit,
	// and Strict would hide the cookie and give every tab a new one, so
	// only the last form opened could be sent. Browsers still leave a Lax
	// cookie off cross-site posts.
	http.SetCookie(w, &http.Cookie{
		Name: csrfCookie, Value: nonce, Path: "/act/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: secureRequest(r), MaxAge: 24 * 3600,
	})
	t.CSRF = s.links.MAC("csrf", token, nonce)
	t.Form = f
	s.render(w, status, "task.html", page{Title: t.Heading, Task: t})
}

func (s *Server) takeAction(w http.ResponseWriter, r *http.Request) {
	c, token, ok := s.verify(w, r)
	if !ok {
		return
	}
	if c.Action == links.ViewDirectory {
		s.message(w, http.StatusMethodNotAllowed, "Nothing to send here", "The personnel directory is read only. Reply to its email if anything is wrong or missing.")
		return
	}
	// A 20,000-character text in Chinese is about 180 KB once form-encoded.
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.message(w, http.StatusRequestEntityTooLarge, "The form is too long",
				"Go back, shorten the text and send it again. Nothing was recorded.")
			return
		}
		s.message(w, http.StatusBadRequest, "The form could not be read", "Go back and send it again. Nothing was recorded.")
		return
	}
	if !s.sameOrigin(r) {
		s.logger.Info("form from another site refused", "origin", r.Header.Get("Origin"), "fetch_site", r.Header.Get("Sec-Fetch-Site"), "host", r.Host)
		s.message(w, http.StatusForbidden, "The form was sent from another site",
			"For your safety the form only works from the page it came from. Open the link from your email again and send the form from there.")
		return
	}
	t, err := s.loadTask(r.Context(), c)
	if err != nil {
		s.taskUnavailable(w, err)
		return
	}
	f := readForm(r, t)
	// The attendance sheet and the minutes share the page: "form" says
	// which was sent; what it acts on comes from the link.
	sheetPosted := r.PostForm.Get("form") == attendanceForm
	if sheetPosted && t.Sheet == nil {
		s.message(w, http.StatusConflict, "Nothing was recorded",
			"There is no attendance left to record for this exchange: it was recorded already, or can no longer be. Open the link from your email again to see where it stands.")
		return
	}
	if sheetPosted {
		t.Sheet.read(r)
	}
	if !s.csrfOK(r, token) {
		// The person's own form, but older than the cookie (or the cookie
		// is gone): show it again, with what they typed and a fresh token.
		s.logger.Info("form token refused", "has_cookie", csrfNonce(r) != "")
		if sheetPosted {
			t.Sheet.Error = "For your safety, please check the attendance and press the button again."
		} else {
			f.Error = "For your safety, please check your text and press the button again."
		}
		s.showTask(w, r, token, t, f, http.StatusForbidden)
		return
	}
	if sheetPosted && t.Over == "" {
		s.recordAttendance(w, r, c, token, t, form{})
		return
	}
	if r.PostForm.Get("form") == handOverForm {
		if t.HandOver == nil {
			s.message(w, http.StatusConflict, "Nothing was handed over",
				"This task can no longer be handed over: it was handed in, handed over already, or it is over. Open the link from your email again to see where it stands.")
			return
		}
		s.handTaskOver(w, r, c, token, t)
		return
	}
	if t.Done != "" || t.Over != "" {
		s.showTask(w, r, token, t, f, http.StatusOK)
		return
	}
	arg, problem := t.input(c, f)
	if problem != "" {
		f.Error = problem
		s.showTask(w, r, token, t, f, http.StatusUnprocessableEntity)
		return
	}
	refused, err := s.update(r.Context(), c.WorkflowID, t.update, arg, nil)
	switch {
	case refused != "":
		f.Error = refused
		s.showTask(w, r, token, t, f, http.StatusUnprocessableEntity)
		return
	case err != nil:
		s.actionFailed(w, r, c.WorkflowID, err)
		return
	}
	s.logger.Info("action taken", "action", c.Action, "workflow", c.WorkflowID, "slot", c.Slot)
	s.message(w, http.StatusOK, "Done", t.Thanks)
}

// update sends an Update and waits for its result (into result, unless
// nil). A refusal by the validator or the handler comes back as refused,
// in their own words; err is any other failure, whose text is not for the
// person (it may name a database error).
func (s *Server) update(ctx context.Context, workflowID, name string, arg, result any) (refused string, err error) {
	ctx, cancel := context.WithTimeout(ctx, s.updateTimeout)
	defer cancel()
	handle, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateName: name, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = handle.Get(ctx, result)
	}
	if msg, ok := contract.RefusalMessage(err); ok {
		return msg, nil
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return "", fmt.Errorf("%w: %w", errFailed, err)
	}
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("%w (%w)", errNotConfirmed, err)
	}
	return "", err
}

// errNotConfirmed: the Update was sent but not confirmed in time.
var errNotConfirmed = errors.New("not confirmed in time")

// errFailed: the workflow took the Update and failed it for a reason of
// ours, not a refusal.
var errFailed = errors.New("the update failed")

// actionFailed answers an action whose Update failed other than by a
// refusal.
func (s *Server) actionFailed(w http.ResponseWriter, r *http.Request, workflowID string, err error) {
	if errors.Is(err, errNotConfirmed) && r.Context().Err() == nil {
		// The Update may still complete: say so rather than "nothing
		// changed".
		s.logger.Error("action not confirmed in time", "workflow", workflowID, "error", err)
		s.message(w, http.StatusGatewayTimeout, "Not confirmed yet",
			"We could not confirm it in time; it may still be recorded. Open the link from your email again in a minute to see whether it was.")
		return
	}
	if errors.Is(err, errFailed) {
		s.logger.Error("action failed", "workflow", workflowID, "error", err)
		s.message(w, http.StatusInternalServerError, "Not recorded", contract.Unexpected)
		return
	}
	s.taskUnavailable(w, err)
}

// taskUnavailable explains a workflow that cannot be asked right now.
func (s *Server) taskUnavailable(w http.ResponseWriter, err error) {
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		s.message(w, http.StatusGone, "This is over",
			"What this link was for has ended, so there is nothing left to do here.")
		return
	}
	s.logger.Error("workflow unavailable", "error", err)
	s.message(w, http.StatusServiceUnavailable, "Please try again in a minute",
		"We could not reach the term's workflows just now. Nothing was changed.")
}

const csrfCookie = "sf_csrf"

// maxFormBytes bounds a posted form.
const maxFormBytes = 256 << 10

func csrfNonce(r *http.Request) string {
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) != 32 {
		return ""
	}
	if _, err := hex.DecodeString(c.Value); err != nil {
		return ""
	}
	return c.Value
}

func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// csrfOK checks the form's anti-forgery field against the cookie set with
// the form: another site can make a browser post, but cannot read the
// cookie to compute the field.
func (s *Server) csrfOK(r *http.Request, token string) bool {
	nonce := csrfNonce(r)
	if nonce == "" {
		return false
	}
	return hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(s.links.MAC("csrf", token, nonce)))
}

// sameOrigin refuses posts that say they come from another site.
func (s *Server) sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return origin == ""
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

func (s *Server) digestIndex(w http.ResponseWriter, r *http.Request) {
	term := r.PathValue("term")
	ds, err := s.digests.MonthDigests(r.Context(), term)
	if err != nil {
		s.logger.Error("list digests", "term", term, "error", err)
		s.message(w, http.StatusServiceUnavailable, "Please try again in a minute", "The digests could not be read just now.")
		return
	}
	if len(ds) == 0 {
		s.message(w, http.StatusNotFound, "No digests yet", fmt.Sprintf("No monthly digest of term %q has been published yet.", term))
		return
	}
	s.render(w, http.StatusOK, "digests.html", page{Title: "Monthly digests", TermID: term, Digests: ds})
}

func (s *Server) digestPage(w http.ResponseWriter, r *http.Request) {
	term, month := r.PathValue("term"), r.PathValue("month")
	d, err := s.digests.MonthDigestOf(r.Context(), term, month)
	if errors.Is(err, ErrNoDigest) {
		s.message(w, http.StatusNotFound, "No such digest", fmt.Sprintf("The digest of %s in term %q has not been published.", month, term))
		return
	}
	if err != nil {
		s.logger.Error("read digest", "term", term, "month", month, "error", err)
		s.message(w, http.StatusServiceUnavailable, "Please try again in a minute", "The digest could not be read just now.")
		return
	}
	// The digest is the page the month's workflow compiled from our own
	// templates, archived as it was published.
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(d.HTML))
}

// humanTime writes a plan time for people in the term's zone.
func humanTime(t time.Time, zone plan.Zone) string {
	if t.IsZero() {
		return ""
	}
	return zone.Human(t)
}
