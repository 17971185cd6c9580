package mail

// ExchangeData feeds the exchange_invitation template: one department's
// exchange, who takes the minutes, and how to sign in or excuse oneself.
// Times are preformatted in the term's time zone.
type ExchangeData struct {
	TermName       string
	DepartmentName string
	RecipientName  string
	// Number counts the department's exchanges from 1; Total is how many
	// the term has.
	Number int
	Total  int
	// Starts and Ends, e.g. "Tue 13 Oct 2026, 19:00 (Asia/Shanghai)" and
	// "20:00".
	Starts string
	Ends   string
	Where  string
	// SignInOpens and SignInCloses bound sign-in, e.g. "18:30" and "19:30".
	SignInOpens  string
	SignInCloses string
	// Secretary takes the minutes; IsSecretary is set in the secretary's
	// own email, which then says when the minutes are due.
	Secretary   string
	IsSecretary bool
	MinutesDue  string
	// IsOfficer is unset for the head, who is invited but not counted.
	IsOfficer bool
	// SignInCommand and ExcuseCommand are the CLI lines for officers;
	// SignInURL and ExcuseURL their portal links, when links are on.
	SignInCommand string
	ExcuseCommand string
	SignInURL     string
	ExcuseURL     string
	// MovedFrom, when set, is when the exchange was to take place before
	// an amendment of the plan moved it: the email is the updated invite.
	MovedFrom string
}

// ExchangeCancelledData feeds the exchange_cancelled template: an exchange
// taken off the calendar after its invitation went out.
type ExchangeCancelledData struct {
	TermName       string
	DepartmentName string
	RecipientName  string
	Number         int
	// Starts is when it was to take place.
	Starts string
	Where  string
}
