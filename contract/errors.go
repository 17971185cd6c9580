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
	TypeRefused = "Refused"
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

// Refused is a refusal for people, who read msg where they acted (the
// portal's page, the starter's output). It is not retried.
func Refused(msg string) error {
	return temporal.NewNonRetryableApplicationError(msg, TypeRefused, nil)
}

// Refusef is Refused with a formatted message.
func Refusef(format string, args ...any) error {
	return Refused(fmt.Sprintf(format, args...))
}

// AsRefusal turns a plain error into a refusal with the same message;
// nil stays nil.
func AsRefusal(err error) error {
	if err == nil || IsRefused(err) {
		return err
	}
	return Refused(err.Error())
}

// IsRefused says whether err carries a refusal.
func IsRefused(err error) bool {
	_, ok := Refusal(err)
	return ok
}

// Refusal is the message of the refusal err carries, for people; ok is
// false for any other error, whose text is not for them.
func Refusal(err error) (msg string, ok bool) {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == TypeRefused {
		return appErr.Message(), true
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
