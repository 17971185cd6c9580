package plan

import (
	"bytes"
	"errors"
	"fmt"
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

// Load reads, decodes and validates a plan file.
func Load(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	p, err := Decode(data)
	var verr *ValidationError
	if errors.As(err, &verr) {
		verr.Source = path
	}
	return p, err
}

// Decode parses a plan, fills in defaults and validates it. A plan with any
// problem is returned as nil with a *ValidationError listing them all.
func Decode(data []byte) (*Plan, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if err.Error() == "EOF" {
			return nil, &ValidationError{Problems: []Problem{{Message: "the plan is empty"}}}
		}
		return nil, &ValidationError{Problems: []Problem{{Message: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}}}
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}

	var problems []Problem
	unknownFields(doc, reflect.TypeOf(Plan{}), "", &problems)

	if len(problems) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	var p Plan
	if err := doc.Decode(&p); err != nil {
		var typeErr *yaml.TypeError
		if errors.As(err, &typeErr) {
			for _, msg := range typeErr.Errors {
				problems = append(problems, Problem{Message: strings.TrimPrefix(msg, "yaml: ")})
			}
		} else {
			problems = append(problems, Problem{Message: err.Error()})
		}
		return nil, &ValidationError{Problems: problems}
	}
	p.normalize()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// unknownFields reports mapping keys that no struct field takes, so a typo
// such as "officrs" is caught instead of silently dropping the officers.
func unknownFields(node *yaml.Node, t reflect.Type, path string, problems *[]Problem) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if node.Kind != yaml.MappingNode {
			return // the decoder reports the type mismatch
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(node.Content); i += 2 {
			key, value := node.Content[i], node.Content[i+1]
			childPath := joinPath(path, key.Value)
			field, ok := fields[key.Value]
			if !ok {
				msg := fmt.Sprintf("unknown field (line %d)", key.Line)
				if s := closest(key.Value, fields); s != "" {
					msg += fmt.Sprintf("; did you mean %q?", s)
				}
				*problems = append(*problems, Problem{Path: childPath, Message: msg})
				continue
			}
			unknownFields(value, field.Type, childPath, problems)
		}
	case reflect.Int, reflect.Float64:
		if node.Kind != yaml.ScalarNode {
			return
		}
		want, kind := "!!int", "a whole number"
		if t.Kind() == reflect.Float64 {
			want, kind = "!!float", "a number"
		}
		if tag := node.ShortTag(); tag != "!!int" && tag != want {
			*problems = append(*problems, Problem{Path: path, Message: fmt.Sprintf("%q is not %s (line %d)", node.Value, kind, node.Line)})
		}
	case reflect.Slice:
		if node.Kind != yaml.SequenceNode {
			return
		}
		for i, item := range node.Content {
			unknownFields(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), problems)
		}
	}
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
		if d := editDistance(key, name); d < bestDist {
			best, bestDist = name, d
		}
	}
	return best
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
