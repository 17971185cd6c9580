package contract

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
)

// Types of the ApplicationErrors semesterflow's workflows and activities
// fail with. Only a refusal's message is written for people; the others
// name internal causes and are shown to nobody but the log.
const (
	// TypeRefused is an Update refused by its validator or its handler:
	// someone asked for what the plan does not allow (a closed window, a
	// stranger, an empty text), and the message tells them why.
	TypeRefused = "Refusal"
	// TypeBadInput is a workflow or activity input that cannot be run:
	// a bug in whoever built it, so retrying cannot help.
	TypeBadInput = "BadInput"
	// TypeInvalidPlan is a plan that fails validation.
	TypeInvalidPlan = "InvalidPlan"
	// TypeTemplate is an email or page that cannot be rendered.
	TypeTemplate = "Template"
	// TypeNotComputed is an evaluation report asked for before the
	// evaluations it reports were computed.
	TypeNotComputed = "NotComputed"
)

// Refusal is a refusal for people, who read its message where they acted
// (the portal's page, the starter's output). It crosses Temporal as an
// ApplicationError of type TypeRefused: the SDK names an error it does not
// know by its Go type, so the type's name is TypeRefused (a test holds
// them together). In the workflow and its tests its Error() is the message
// alone.
type Refusal struct{ msg string }

func (r *Refusal) Error() string { return r.msg }

// Refuse is a refusal with msg.
func Refuse(msg string) error { return &Refusal{msg: msg} }

// Refusef is Refuse with a formatted message.
func Refusef(format string, args ...any) error {
	return Refuse(fmt.Sprintf(format, args...))
}

// AsRefusal turns a plain error into a refusal with the same message;
// nil stays nil.
func AsRefusal(err error) error {
	if err == nil || IsRefused(err) {
		return err
	}
	return Refuse(err.Error())
}

// IsRefused says whether err carries a refusal.
func IsRefused(err error) bool {
	_, ok := RefusalMessage(err)
	return ok
}

// RefusalMessage is the message of the refusal err carries, for people; ok
// is false for any other error, whose text is not for them.
func RefusalMessage(err error) (msg string, ok bool) {
	var r *Refusal
	if errors.As(err, &r) {
		return r.msg, true
	}
	// Across Temporal a wrapped refusal is the cause of the wrapper's
	// ApplicationError: look at every one in the chain.
	for ; err != nil; err = errors.Unwrap(err) {
		if appErr, ok := err.(*temporal.ApplicationError); ok && appErr.Type() == TypeRefused {
			return appErr.Message(), true
		}
	}
	return "", false
}

// BadInput fails a workflow or activity whose input cannot be run.
func BadInput(msg string, cause error) error {
	return temporal.NewNonRetryableApplicationError(msg, TypeBadInput, cause)
}

// InvalidPlan fails a term whose plan does not validate.
func InvalidPlan(msg string, cause error) error {
	return temporal.NewNonRetryableApplicationError(msg, TypeInvalidPlan, cause)
}

// Template fails an activity whose email or page cannot be rendered.
func Template(msg string, cause error) error {
	return temporal.NewNonRetryableApplicationError(msg, TypeTemplate, cause)
}

// Unexpected is what people are told when their action failed for a
// reason of ours: the details go to the log, not to them.
const Unexpected = "Something went wrong on our side; your action was not recorded. Please try again later, or tell the department's head."
