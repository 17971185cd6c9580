package mail

// TermCancelledData feeds the term_cancelled notice.
type TermCancelledData struct {
	TermName      string
	RecipientName string
	Reason        string
	// When is the plan time of the cancellation, formatted.
	When string
}
