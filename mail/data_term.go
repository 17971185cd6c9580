package mail

// TermCancelledData feeds the term_cancelled notice.
type TermCancelledData struct {
	TermName      string
	RecipientName string
	Reason        string
	// When is the plan time of the cancellation, formatted.
	When string
}

// PartProblemData feeds the part_problem notice: something a part of the
// term could not do on time, told to the person responsible for it.
type PartProblemData struct {
	TermName      string
	RecipientName string
	// Part names what it is about, e.g. "exchange 3 of the Publicity
	// Department (Tue 10 Nov 2026, 19:00)".
	Part string
	// Problem says what went wrong, e.g. "the invitation went out 2 h late".
	Problem string
	// Advice says what the recipient can do about it.
	Advice string
}

// PortalSignInData feeds the portal_sign_in email: the one-time link to
// the leaders' pages.
type PortalSignInData struct {
	RecipientName string
	Link          string
	// ValidFor says how long the link works, e.g. "15 minutes".
	ValidFor string
}
