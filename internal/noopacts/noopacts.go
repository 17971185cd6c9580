// Package noopacts registers every activity of semesterflow under its own
// name as a function that returns zero values at once, except the part
// reports, which an in-memory Relay keeps so a term still follows its parts.
// Benchmarks and whole-term workflow tests use it to measure and drive the
// workflows alone: their wall time and their history sizes.
package noopacts

import (
	"reflect"

	"go.temporal.io/sdk/activity"

	"semesterflow/activities"
)

// Registry is what takes activities: a worker or a test environment.
type Registry interface {
	RegisterActivityWithOptions(a any, options activity.RegisterOptions)
}

// Register registers the no-op activities and a fresh Relay.
func Register(r Registry) {
	relay := &Relay{}
	relay.register(r)
	t := reflect.TypeOf(&activities.Activities{})
	for i := range t.NumMethod() {
		m := t.Method(i)
		if m.Name == "ReportPart" || m.Name == "PartReportsSince" {
			continue
		}
		var in, out []reflect.Type
		for j := 1; j < m.Type.NumIn(); j++ { // skip the receiver
			in = append(in, m.Type.In(j))
		}
		for j := range m.Type.NumOut() {
			out = append(out, m.Type.Out(j))
		}
		fn := reflect.MakeFunc(reflect.FuncOf(in, out, false), func([]reflect.Value) []reflect.Value {
			results := make([]reflect.Value, len(out))
			for k, o := range out {
				results[k] = reflect.Zero(o)
			}
			return results
		})
		r.RegisterActivityWithOptions(fn.Interface(), activity.RegisterOptions{Name: m.Name})
	}
}
