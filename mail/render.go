package mail

import (
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	texttemplate "text/template"
)

// TrainingSession is one training session as an email shows it.
type TrainingSession struct {
	Title string
	// When is already formatted in the term's time zone.
	When  string
	Where string
}

// Material is something to read before acknowledging training.
type Material struct {
	Title string
	URL   string
}

// Officer is a person listed in an email, e.g. one who is overdue.
type Officer struct {
	Name  string
	Email string
	Role  string
}

// OnboardingData feeds the onboarding_* templates. Times are preformatted
// strings so the templates never deal with time zones.
type OnboardingData struct {
	TermName       string
	DepartmentName string
	RecipientName  string
	// Deadline is when acknowledgements are due, e.g.
	// "Mon 14 Sep 2026, 23:59 (Asia/Shanghai)".
	Deadline string
	// WindowCloses is when late acknowledgements stop being accepted.
	WindowCloses string
	Sessions     []TrainingSession
	Materials    []Material
	// ActionURL is a link to acknowledge; when empty the button is left out.
	ActionURL string
	// ActionCommand is the CLI alternative, shown as a code block.
	ActionCommand string
	// DaysLeft is, for reminders, the days until Deadline; 0 means today.
	DaysLeft int
	// Overdue lists, for escalations, who has not acknowledged.
	Overdue []Officer
}

// CollectionItem is one thing a collection email is about: what, by when,
// and how to hand it in (or, in an escalation, who should have).
type CollectionItem struct {
	Label         string
	Due           string
	ActionURL     string
	ActionCommand string
	// Owners are, in an escalation, those who were asked to hand it in.
	Owners []Officer
}

// CollectionData feeds the collection_* templates: a request, a reminder or
// an escalation about one or more slots of a collection.
type CollectionData struct {
	TermName      string
	RecipientName string
	// Title completes "Please hand in ...", e.g. "the department's summary
	// of October's organisation life".
	Title        string
	Instructions string
	// Criteria, when set, are what the recipient scores.
	Criteria []string
	// DaysLeft is, for reminders, the days until the due date; 0 is today.
	DaysLeft int
	Items    []CollectionItem
}

// Rendered is an email's subject and bodies, ready to go into a Message.
type Rendered struct {
	Subject string
	HTML    string
	Text    string
}

//go:embed templates
var templateFS embed.FS

// Files in templates/ that are shared by every email rather than emails
// themselves.
const (
	layoutFile       = "layout.html"
	htmlPartialsFile = "partials.html"
	textPartialsFile = "partials.txt"
)

// emailTemplates is one email's parsed HTML and text templates.
type emailTemplates struct {
	html *htmltemplate.Template
	text *texttemplate.Template
}

// templates holds every email, keyed by name. Parsing at init is safe because
// the files are embedded: a broken template fails every test run, never a
// deployment.
var templates = mustParseTemplates(templateFS)

// page is what the HTML layout executes with.
type page struct {
	Subject string
	Data    any
}

// Render fills the named email's templates with data. The subject comes from
// the text template's "subject" block, with whitespace collapsed to single
// spaces. It fails on an unknown name or when a template fails on data.
func Render(name string, data any) (Rendered, error) {
	t, ok := templates[name]
	if !ok {
		return Rendered{}, fmt.Errorf("mail: no email template %q (have %s)", name, strings.Join(TemplateNames(), ", "))
	}
	var b strings.Builder
	if err := t.text.ExecuteTemplate(&b, "subject", data); err != nil {
		return Rendered{}, fmt.Errorf("mail: render %s subject: %w", name, err)
	}
	// A name with a line break must not split the header.
	subject := strings.Join(strings.Fields(b.String()), " ")
	if subject == "" {
		return Rendered{}, fmt.Errorf("mail: render %s: subject is empty", name)
	}

	b.Reset()
	if err := t.text.Execute(&b, data); err != nil {
		return Rendered{}, fmt.Errorf("mail: render %s text: %w", name, err)
	}
	text := tidyText(b.String())

	b.Reset()
	if err := t.html.ExecuteTemplate(&b, "layout", page{Subject: subject, Data: data}); err != nil {
		return Rendered{}, fmt.Errorf("mail: render %s HTML: %w", name, err)
	}
	return Rendered{Subject: subject, HTML: strings.TrimSpace(b.String()) + "\n", Text: text}, nil
}

// TemplateNames lists the emails Render knows, sorted.
func TemplateNames() []string {
	names := make([]string, 0, len(templates))
	for n := range templates {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var funcs = map[string]any{
	"due":    due,
	"plural": plural,
}

// due says when something is due relative to today.
func due(days int) string {
	switch {
	case days < 0:
		return "overdue"
	case days == 0:
		return "due today"
	case days == 1:
		return "due in 1 day"
	}
	return "due in " + strconv.Itoa(days) + " days"
}

// plural picks the singular form for exactly one.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// mustParseTemplates finds every email (a NAME.html with its NAME.txt) and
// parses it together with the shared layout and partials.
func mustParseTemplates(fsys fs.FS) map[string]emailTemplates {
	sub, err := fs.Sub(fsys, "templates")
	if err != nil {
		panic(err)
	}
	entries, err := fs.ReadDir(sub, ".")
	if err != nil {
		panic(err)
	}
	out := make(map[string]emailTemplates)
	for _, e := range entries {
		file := e.Name()
		if path.Ext(file) != ".html" || file == layoutFile || file == htmlPartialsFile {
			continue
		}
		name := strings.TrimSuffix(file, ".html")
		textFile := name + ".txt"
		h := htmltemplate.Must(htmltemplate.New(file).Funcs(funcs).Option("missingkey=error").
			ParseFS(sub, layoutFile, htmlPartialsFile, file))
		t := texttemplate.Must(texttemplate.New(textFile).Funcs(funcs).Option("missingkey=error").
			ParseFS(sub, textPartialsFile, textFile))
		if h.Lookup("content") == nil {
			panic(fmt.Sprintf("mail: templates/%s defines no \"content\"", file))
		}
		if t.Lookup("subject") == nil {
			panic(fmt.Sprintf("mail: templates/%s defines no \"subject\"", textFile))
		}
		out[name] = emailTemplates{html: h, text: t}
	}
	return out
}

var blankLines = regexp.MustCompile(`\n{3,}`)

// tidyText strips trailing spaces and runs of blank lines that template
// actions leave behind, so the text templates can stay readable.
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	s = blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")
	return strings.TrimSpace(s) + "\n"
}
