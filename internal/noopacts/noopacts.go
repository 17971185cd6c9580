// Package noopacts registers every activity of semesterflow under its own
// name as a function that returns zero values at once. Benchmarks use it to
// measure the workflows alone: their wall time and their history sizes.
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

// Register registers the no-op activities.
func Register(r Registry) {
	t := reflect.TypeOf(&activities.Activities{})
	for i := range t.NumMethod() {
		m := t.Method(i)
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
