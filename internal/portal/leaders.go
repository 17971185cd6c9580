package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	netmail "net/mail"
	"net/url"
	"strings"
	"time"

	"semesterflow/internal/export"
	"semesterflow/mail"
	"semesterflow/plan"
)

// Mailer sends the sign-in emails; *mail.Sender is one.
type Mailer interface {
	SendBatch(ctx context.Context, msgs []mail.Message, sent func(mail.Message) error) error
}

// The leaders' sign-in: a link by email, usable once within signInTTL, and
// at most signInsPerWindow of them per address in signInWindow, so the form
// cannot flood someone's inbox. A session lasts sessionTTL.
const (
	signInTTL        = 15 * time.Minute
	signInWindow     = 15 * time.Minute
	signInsPerWindow = 3
	sessionTTL       = 12 * time.Hour
	sessionCookie    = "semesterflow_session"
)

// leaders is the state of the leaders' pages.
type leaders struct {
	table   *LeaderTable
	mailer  Mailer
	baseURL string
}

// EnableLeaders serves the leaders' and heads' pages: sign-in by an emailed
// link that mailer sends, pointing at baseURL (the portal's public
// address), then the term's dashboard and the departments' pages, read
// from table.
func (s *Server) EnableLeaders(table *LeaderTable, mailer Mailer, baseURL string) {
	s.leaders = &leaders{table: table, mailer: mailer, baseURL: strings.TrimRight(baseURL, "/")}
}

func (s *Server) leaderRoutes(mux *http.ServeMux) {
	if s.leaders == nil {
		return
	}
	mux.HandleFunc("GET /leaders/sign-in", s.signInForm)
	mux.HandleFunc("POST /leaders/sign-in", s.sendSignIn)
	mux.HandleFunc("GET /leaders/welcome/{token}", s.welcome)
	mux.HandleFunc("POST /leaders/welcome/{token}", s.useSignIn)
	mux.HandleFunc("POST /leaders/sign-out", s.signOut)
	mux.HandleFunc("GET /leaders", s.leaderHome)
	mux.HandleFunc("GET /leaders/{term}", s.dashboard)
	mux.HandleFunc("GET /leaders/{term}/departments/{department}", s.departmentPage)
	mux.HandleFunc("POST /leaders/{term}/actions/{action}", s.leaderAct)
	mux.HandleFunc("GET /leaders/{term}/export/{file}", s.download)
	mux.HandleFunc("POST /leaders/{term}/departments/{department}/{action}", s.headAct)
	mux.HandleFunc("GET /leaders/{term}/departments/{department}/exchanges/{number}", s.meetingPage)
	mux.HandleFunc("GET /leaders/{term}/months/{month}", s.monthPage)
	mux.HandleFunc("GET /leaders/{term}/officers/{email}", s.officerPage)
}

// leaderPage is what the leaders' templates get.
type leaderPage struct {
	// Email is who is signed in; empty on the sign-in pages.
	Email      string
	Error      string
	FormEmail  string
	Roles      []Role
	Dashboard  *Dashboard
	Department *DepartmentPage
	Meeting    *MeetingPage
	Month      *MonthPage
	Officer    *OfficerRecord
	SignedOut  bool
	// Result is what a leader's action came to; CSRF ties their forms to
	// the session; Form is what they sent, to fill the form again.
	Result actionResult
	CSRF   string
	Form   url.Values
	// Exports are the downloads a leader can take.
	Exports []export.Kind
	// Leader says the viewer leads the term (and may go back to its dashboard).
	Leader bool
}

func (s *Server) renderLeaders(w http.ResponseWriter, status int, name, title string, lp leaderPage) {
	s.render(w, status, name, page{Title: title, Leader: &lp, Wide: lp.Dashboard != nil || lp.Department != nil})
}

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.viewer(r); ok {
		http.Redirect(w, r, "/leaders", http.StatusSeeOther)
		return
	}
	s.renderLeaders(w, http.StatusOK, "leaders_sign_in.html", "Sign in", leaderPage{})
}

func (s *Server) sendSignIn(w http.ResponseWriter, r *http.Request) {
	if !s.sameOrigin(r) {
		s.message(w, http.StatusForbidden, "Sent from another site", "This form can only be sent from the portal itself. Open the sign-in page and try again.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		s.message(w, http.StatusBadRequest, "The form could not be read", "Go back and send it again.")
		return
	}
	raw := strings.TrimSpace(r.PostForm.Get("email"))
	addr, err := netmail.ParseAddress(raw)
	if raw == "" || err != nil || addr.Name != "" || !strings.Contains(addr.Address, "@") {
		msg := "Enter your email address, for example li.wei@example.edu."
		if raw != "" {
			msg = fmt.Sprintf("%q is not an email address. Enter it as it is in the plan, for example li.wei@example.edu.", raw)
		}
		s.renderLeaders(w, http.StatusBadRequest, "leaders_sign_in.html", "Sign in", leaderPage{Error: msg, FormEmail: raw})
		return
	}
	email := plan.NormalizeEmail(addr.Address)
	ctx := r.Context()
	roles, err := s.leaders.table.RolesOf(ctx, email)
	if err != nil {
		s.unavailable(w, "look up a sign-in", err)
		return
	}
	// The same answer whether or not the address is a leader's, so the
	// form does not tell who is.
	sent := leaderPage{FormEmail: email}
	if len(roles) == 0 {
		s.logger.Info("sign-in asked for an address that leads nothing", "email", email)
		s.renderLeaders(w, http.StatusOK, "leaders_sign_in_sent.html", "Check your email", sent)
		return
	}
	token := randomToken()
	stored, err := s.leaders.table.AddSignIn(ctx, email, hashToken(token), signInTTL, signInsPerWindow, signInWindow)
	if err != nil {
		s.unavailable(w, "store a sign-in link", err)
		return
	}
	if !stored {
		s.logger.Info("sign-in links limited", "email", email, "limit", signInsPerWindow, "window", signInWindow)
		s.renderLeaders(w, http.StatusOK, "leaders_sign_in_sent.html", "Check your email", sent)
		return
	}
	rendered, err := mail.Render("portal_sign_in", mail.PortalSignInData{
		RecipientName: roles[0].Name, Link: s.leaders.baseURL + "/leaders/welcome/" + token, ValidFor: "15 minutes",
	})
	if err != nil {
		s.unavailable(w, "render the sign-in email", err)
		return
	}
	msg := mail.Message{Key: "portal-sign-in/" + hashToken(token)[:22], To: mail.Address{Name: roles[0].Name, Email: email},
		Subject: rendered.Subject, HTML: rendered.HTML, Text: rendered.Text}
	if err := s.leaders.mailer.SendBatch(ctx, []mail.Message{msg}, nil); err != nil {
		s.logger.Error("send a sign-in email", "email", email, "error", err)
		s.message(w, http.StatusServiceUnavailable, "The email could not be sent",
			"The mail server did not take the sign-in email just now. Please try again in a minute.")
		return
	}
	s.renderLeaders(w, http.StatusOK, "leaders_sign_in_sent.html", "Check your email", sent)
}

// welcome shows the button that spends the link. Opening the link does not
// sign in by itself, because mail scanners open links before people do.
func (s *Server) welcome(w http.ResponseWriter, r *http.Request) {
	email, err := s.leaders.table.PendingSignIn(r.Context(), hashToken(r.PathValue("token")))
	if errors.Is(err, ErrNoSignIn) {
		s.signInGone(w)
		return
	}
	if err != nil {
		s.unavailable(w, "read a sign-in link", err)
		return
	}
	s.renderLeaders(w, http.StatusOK, "leaders_welcome.html", "Sign in", leaderPage{FormEmail: email})
}

func (s *Server) signInGone(w http.ResponseWriter) {
	s.renderLeaders(w, http.StatusGone, "leaders_sign_in.html", "Sign in", leaderPage{
		Error: "That sign-in link has been used or has expired: each one works once, for 15 minutes. Ask for a new one below."})
}

func (s *Server) useSignIn(w http.ResponseWriter, r *http.Request) {
	if !s.sameOrigin(r) {
		s.message(w, http.StatusForbidden, "Sent from another site", "Open the sign-in link from your email again.")
		return
	}
	id := randomToken()
	email, err := s.leaders.table.UseSignIn(r.Context(), hashToken(r.PathValue("token")), hashToken(id), sessionTTL)
	if errors.Is(err, ErrNoSignIn) {
		s.signInGone(w)
		return
	}
	if err != nil {
		s.unavailable(w, "sign in", err)
		return
	}
	s.logger.Info("signed in to the leaders' pages", "email", email)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/leaders", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secureRequest(r), MaxAge: int(sessionTTL.Seconds())})
	http.Redirect(w, r, "/leaders", http.StatusSeeOther)
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if !s.sameOrigin(r) {
		s.message(w, http.StatusForbidden, "Sent from another site", "Sign out from the portal's own page.")
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.leaders.table.EndSession(r.Context(), hashToken(c.Value)); err != nil {
			s.unavailable(w, "sign out", err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/leaders", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secureRequest(r), MaxAge: -1})
	s.renderLeaders(w, http.StatusOK, "leaders_sign_in.html", "Signed out", leaderPage{SignedOut: true})
}

// viewer is the signed-in person, from the session cookie.
func (s *Server) viewer(r *http.Request) (string, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return "", false
	}
	email, err := s.leaders.table.SessionEmail(r.Context(), hashToken(c.Value))
	if err != nil {
		if !errors.Is(err, ErrNoSession) {
			s.logger.Error("read a session", "error", err)
		}
		return "", false
	}
	return email, true
}

// signedIn returns the viewer and their roles, or sends them to sign in.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request) (string, []Role, bool) {
	email, ok := s.viewer(r)
	if !ok {
		http.Redirect(w, r, "/leaders/sign-in", http.StatusSeeOther)
		return "", nil, false
	}
	roles, err := s.leaders.table.RolesOf(r.Context(), email)
	if err != nil {
		s.unavailable(w, "look up roles", err)
		return "", nil, false
	}
	return email, roles, true
}

func (s *Server) leaderHome(w http.ResponseWriter, r *http.Request) {
	email, roles, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	s.renderLeaders(w, http.StatusOK, "leaders_home.html", "Your terms", leaderPage{Email: email, Roles: roles})
}

// leads tells whether roles lead term, and which of its departments they head.
func leads(roles []Role, term string) (leader bool, heads map[string]bool) {
	heads = map[string]bool{}
	for _, r := range roles {
		if r.TermID != term {
			continue
		}
		if r.Leader {
			leader = true
		} else {
			heads[r.DepartmentID] = true
		}
	}
	return leader, heads
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	email, roles, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	term := r.PathValue("term")
	if leader, _ := leads(roles, term); !leader {
		s.forbidden(w, email, roles,
			"The term's dashboard is for its leaders. As a department head you see your own department.")
		return
	}
	s.showDashboard(w, r, email, roles, term, http.StatusOK, actionResult{})
}

// showDashboard renders term's dashboard for a leader, with what their
// last action came to.
func (s *Server) showDashboard(w http.ResponseWriter, r *http.Request, email string, roles []Role, term string, status int, result actionResult) {
	d, err := s.leaders.table.DashboardOf(r.Context(), term)
	if errors.Is(err, ErrNoDirectory) {
		s.message(w, http.StatusNotFound, "No such term", fmt.Sprintf("There is no term %q.", term))
		return
	}
	if err != nil {
		s.unavailable(w, "read the dashboard", err)
		return
	}
	s.renderLeaders(w, status, "leaders_dashboard.html", d.TermName, leaderPage{Email: email, Roles: roles, Dashboard: &d, Leader: true,
		Result: result, CSRF: s.formToken(r), Form: r.PostForm, Exports: export.Kinds})
}

func (s *Server) departmentPage(w http.ResponseWriter, r *http.Request) {
	email, roles, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	term, dept := r.PathValue("term"), r.PathValue("department")
	leader, heads := leads(roles, term)
	if !leader && !heads[dept] {
		s.forbidden(w, email, roles, "You can see the department you head, and its leaders see every department.")
		return
	}
	s.showDepartment(w, r, email, roles, term, dept, http.StatusOK, actionResult{})
}

// showDepartment renders a department's page, with what the viewer's last
// form there came to.
func (s *Server) showDepartment(w http.ResponseWriter, r *http.Request, email string, roles []Role, term, dept string, status int, result actionResult) {
	p, err := s.leaders.table.DepartmentOf(r.Context(), term, dept)
	if errors.Is(err, ErrNoDirectory) {
		s.message(w, http.StatusNotFound, "No such department", fmt.Sprintf("Term %q has no department %q.", term, dept))
		return
	}
	if err != nil {
		s.unavailable(w, "read a department", err)
		return
	}
	leader, _ := leads(roles, term)
	s.renderLeaders(w, status, "leaders_department.html", p.Row.Name, leaderPage{Email: email, Roles: roles, Department: &p, Leader: leader,
		Result: result, CSRF: s.formToken(r), Form: r.PostForm})
}

// forbidden says why a page is not the viewer's, and lists what is.
func (s *Server) forbidden(w http.ResponseWriter, email string, roles []Role, why string) {
	s.renderLeaders(w, http.StatusForbidden, "leaders_home.html", "Not your page", leaderPage{Email: email, Roles: roles, Error: why})
}

func (s *Server) unavailable(w http.ResponseWriter, what string, err error) {
	s.logger.Error(what, "error", err)
	s.message(w, http.StatusServiceUnavailable, "Please try again in a minute", "The portal could not reach its database just now.")
}

// randomToken is 32 random bytes, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what the database keeps of a token: enough to find it, not
// enough to use it.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func secureRequest(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}
