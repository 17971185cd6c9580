package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Problem is one thing wrong with a plan, at a path such as
// "departments[2].officers[0].email".
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// ValidationError lists every problem found in a plan.
type ValidationError struct {
	Source   string
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	name := e.Source
	if name == "" {
		name = "plan"
	}
	fmt.Fprintf(&b, "%s has %d problem", name, len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteString("s")
	}
	b.WriteString(":")
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Load reads, decodes and validates a plan file. A file larger than
// MaxFileBytes is refused before it is read in full.
func Load(path string) (*Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	defer f.Close()
	// One byte more than allowed tells a file at the limit from a bigger
	// one, without reading all of a huge file (or /dev/zero).
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	var p *Plan
	if len(data) > MaxFileBytes {
		problem := tooLarge(MaxFileBytes, "more than ")
		if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
			problem = tooLarge(int(min(info.Size(), 1<<40)), "")
		}
		err = &ValidationError{Problems: []Problem{problem}}
	} else {
		p, err = Decode(data)
	}
	var verr *ValidationError
	if errors.As(err, &verr) {
		verr.Source = path
	}
	return p, err
}

func tooLarge(size int, than string) Problem {
	return Problem{Message: fmt.Sprintf("the file is %s%s; a plan file may be at most %s", than, megabytes(size), megabytes(MaxFileBytes))}
}

// Decode parses a plan, fills in defaults and validates it. A plan with any
// problem is returned as nil with a *ValidationError listing them all.
func Decode(data []byte) (*Plan, error) {
	fail := func(ps ...Problem) (*Plan, error) { return nil, &ValidationError{Problems: ps} }
	if len(data) > MaxFileBytes {
		return fail(tooLarge(len(data), ""))
	}
	data, bad := checkText(data)
	if bad != nil {
		return fail(*bad)
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return fail(Problem{Message: "the plan is empty"})
		}
		return fail(yamlProblem(err, data))
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}

	w := walker{aliasBudget: maxAliasValues}
	w.walk(doc, reflect.TypeOf(Plan{}), "", false)
	if len(w.problems) > 0 {
		return fail(w.problems...)
	}
	// Decoding a tree without aliases keeps the decoder's own alias checks,
	// whose errors name no place, from ever firing; the walk has bounded
	// what the copy holds.
	var p Plan
	if err := withoutAliases(doc, 0).Decode(&p); err != nil {
		// The walk above reports what the decoder would, with paths; this
		// is a safety net for anything it does not foresee.
		var typeErr *yaml.TypeError
		if !errors.As(err, &typeErr) {
			return fail(Problem{Message: "the plan cannot be decoded: " + strings.TrimPrefix(err.Error(), "yaml: ")})
		}
		var ps []Problem
		for _, msg := range typeErr.Errors {
			ps = append(ps, Problem{Message: strings.TrimPrefix(msg, "yaml: ")})
		}
		return fail(ps...)
	}
	p.normalize(w.numbers)
	var ps []Problem
	var verr *ValidationError
	if errors.As(p.Validate(), &verr) {
		ps = verr.Problems
	}
	if big := p.sizeProblem(); big != nil {
		ps = append(ps, *big)
	}
	if len(ps) > 0 {
		return fail(ps...)
	}
	return &p, nil
}

// sizeProblem refuses a plan too large to start: the whole plan, as JSON,
// must fit the chunks it is stored in, and each of its parts must fit the
// workflow input it travels in, for Temporal refuses a payload over 2 MB.
// It is not part of Validate, which the workflow runs and which must not
// call encoding/json there.
func (p *Plan) sizeProblem() *Problem {
	b, err := json.Marshal(p)
	if err != nil {
		return nil // a value JSON cannot hold (NaN) is reported where it is
	}
	if len(b) > MaxPlanBytes {
		return &Problem{Message: fmt.Sprintf("the plan is %s (%d bytes) as JSON, more than the %s a term can carry; split its departments across terms",
			megabytes(len(b)), len(b), megabytes(MaxPlanBytes))}
	}
	parts := []struct {
		name  string
		value any
	}{{"term", p.Term}, {"leaders", p.Leaders}, {"training", p.Training},
		{"kickoff", p.Kickoff}, {"exchanges", p.Exchanges}, {"months", p.Months}, {"contest", p.Contest},
		{"tasks", p.Tasks}, {"evaluation", p.Evaluation}}
	for i := range p.Departments {
		parts = append(parts, struct {
			name  string
			value any
		}{fmt.Sprintf("departments[%s]", p.Departments[i].ID), p.Departments[i]})
	}
	for _, part := range parts {
		if b, err := json.Marshal(part.value); err == nil && len(b) > MaxInputBytes {
			return &Problem{Path: part.name, Message: fmt.Sprintf("%s (%d bytes) as JSON, more than the %s (%d bytes) one part of a plan may take: "+
				"it travels whole in its workflow's input, and Temporal refuses a payload over 2 MB",
				megabytes(len(b)), len(b), megabytes(MaxInputBytes), MaxInputBytes)}
		}
	}
	return nil
}

// yamlProblem words a parse error. The parser leaves out the line when the
// error is on the first, and names none for an unknown alias.
func yamlProblem(err error, data []byte) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if !strings.HasPrefix(msg, "line ") {
		line := 1
		if name, ok := strings.CutPrefix(msg, "unknown anchor '"); ok {
			name = strings.TrimSuffix(name, "' referenced")
			if i := bytes.Index(data, []byte("*"+name)); i >= 0 {
				line += bytes.Count(data[:i], []byte("\n"))
			}
		}
		msg = fmt.Sprintf("line %d: %s", line, msg)
	}
	return Problem{Message: "not valid YAML: " + msg}
}

// withoutAliases copies a tree with each alias replaced by a copy of what
// it stands for. It is only called on a tree the walker accepted: every
// node is one it visited, aliases counted, so the copy is bounded. The
// depth guard is for anything else; a plan nests a few levels deep.
func withoutAliases(n *yaml.Node, depth int) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	c := *n
	c.Anchor = ""
	if len(n.Content) > 0 && depth < 64 {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, child := range n.Content {
			c.Content[i] = withoutAliases(child, depth+1)
		}
	}
	return &c
}

// walker checks a YAML tree against the Plan type before it is decoded, so
// that every problem carries its path: a mapping key that no field takes (a
// typo such as "officrs" would otherwise drop the officers), a key given
// twice, a value of the wrong kind, a number too large. It follows aliases,
// which the decoder expands, but only up to aliasBudget values.
type walker struct {
	problems    []Problem
	aliasBudget int
	bombed      bool
	// numbers holds the path of every number the plan writes, so that a
	// 0 written is kept rather than taken for "use the default".
	numbers map[string]bool
}

func (w *walker) add(path, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if path == "" {
		msg = "the plan " + msg
	}
	w.problems = append(w.problems, Problem{Path: path, Message: msg})
}

func (w *walker) walk(node *yaml.Node, t reflect.Type, path string, viaAlias bool) {
	line := node.Line
	for node.Kind == yaml.AliasNode {
		if node.Alias == nil {
			return // the parser refuses an unknown alias
		}
		node, viaAlias = node.Alias, true
	}
	if w.bombed {
		return
	}
	if viaAlias {
		if w.aliasBudget--; w.aliasBudget < 0 {
			w.bombed = true
			w.add(path, "by here (line %d) the plan's aliases (*name) have repeated more than %d values; write the values out instead", line, maxAliasValues)
			return
		}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	// value is the scalar as YAML reads it; an explicit tag that does not
	// fit, such as !!int on "two", fails here rather than in the decoder.
	var value any
	if node.Kind == yaml.ScalarNode {
		if err := node.Decode(&value); err != nil {
			w.add(path, "%q is not a valid %s (line %d)", node.Value, node.Tag, line)
			return
		}
	}
	if node.Kind == yaml.ScalarNode && value == nil && t.Kind() != reflect.Int && t.Kind() != reflect.Float64 {
		return // an empty value leaves the field at its zero value
	}
	switch t.Kind() {
	case reflect.Struct:
		if node.Kind != yaml.MappingNode {
			w.add(path, "should be a mapping of fields, not %s (line %d)", kindOf(node), line)
			return
		}
		fields := yamlFields(t)
		seen := map[string]int{}
		for i := 0; i+1 < len(node.Content); i += 2 {
			key, value := node.Content[i], node.Content[i+1]
			if key.Kind != yaml.ScalarNode {
				w.add(path, "has a key that is %s, not a field name (line %d)", kindOf(key), key.Line)
				continue
			}
			childPath := joinPath(path, key.Value)
			field, ok := fields[key.Value]
			if !ok {
				msg := fmt.Sprintf("unknown field (line %d)", key.Line)
				if s := closest(key.Value, fields); s != "" {
					msg += fmt.Sprintf("; did you mean %q?", s)
				}
				w.problems = append(w.problems, Problem{Path: childPath, Message: msg})
				continue
			}
			if first, dup := seen[key.Value]; dup {
				w.add(childPath, "is given twice (lines %d and %d)", first, key.Line)
				continue
			}
			seen[key.Value] = key.Line
			w.walk(value, field.Type, childPath, viaAlias)
		}
	case reflect.Slice:
		if node.Kind != yaml.SequenceNode {
			w.add(path, "should be a list, not %s (line %d)", kindOf(node), line)
			return
		}
		for i, item := range node.Content {
			w.walk(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), viaAlias)
		}
	case reflect.String:
		if node.Kind != yaml.ScalarNode {
			w.add(path, "should be a single value, not %s (line %d)", kindOf(node), line)
		} else if node.ShortTag() == "!!binary" {
			w.add(path, "should be text, not binary data (line %d)", line)
		}
	case reflect.Int, reflect.Float64:
		if node.Kind != yaml.ScalarNode {
			w.add(path, "should be a number, not %s (line %d)", kindOf(node), line)
			return
		}
		want, kind := "!!int", "a whole number"
		if t.Kind() == reflect.Float64 {
			want, kind = "!!float", "a number"
		}
		if tag := node.ShortTag(); tag != "!!int" && tag != want {
			w.add(path, "%q is not %s (line %d)", node.Value, kind, line)
			return
		}
		if _, fits := value.(int); t.Kind() == reflect.Int && !fits {
			w.add(path, "%s is too large a number (line %d)", node.Value, line)
		}
		if w.numbers == nil {
			w.numbers = map[string]bool{}
		}
		w.numbers[path] = true
	}
}

// kindOf names a node's kind for a message.
func kindOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "the alias *" + n.Value
	}
	return fmt.Sprintf("the value %q", n.Value)
}

// yamlFields maps YAML keys to struct fields, following embedded structs.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	fields := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")
		if tag[0] == "-" || !f.IsExported() {
			continue
		}
		if f.Anonymous && tag[0] == "" {
			for k, v := range yamlFields(f.Type) {
				fields[k] = v
			}
			continue
		}
		name := tag[0]
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = f
	}
	return fields
}

// closest suggests a known key within two edits of the unknown one.
func closest(key string, fields map[string]reflect.StructField) string {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	best, bestDist := "", 3
	for _, name := range names {
		// Lengths that differ by the best distance or more cannot beat it,
		// which keeps a long unknown key from costing much.
		if abs(len(key)-len(name)) >= bestDist {
			continue
		}
		if d := editDistance(key, name); d < bestDist {
			best, bestDist = name, d
		}
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
