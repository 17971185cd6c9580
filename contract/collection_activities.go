package contract

import (
	"time"

	"semesterflow/plan"
)

// Kinds of collection email.
const (
	NotifyRequest = "request"
)

// CollectionSlot is one slot of a collection as its emails need it.
type CollectionSlot struct {
	Key        string        `json:"key"`
	Label      string        `json:"label"`
	Due        time.Time     `json:"due"`
	Owners     []plan.Person `json:"owners"`
	EscalateTo []plan.Person `json:"escalate_to,omitempty"`
	// LinkExpires is when the slot's portal links stop working (real
	// time): when the slot closes.
	LinkExpires time.Time `json:"link_expires,omitzero"`
}

// NotifyCollectionInput is one wake-up's batch of collection emails.
type NotifyCollectionInput struct {
	// Kind is NotifyRequest, NotifyReminder or NotifyEscalation.
	Kind string `json:"kind"`
	// Occurrence tells apart two batches of one kind, e.g. two reminders.
	Occurrence   string           `json:"occurrence"`
	TermID       string           `json:"term_id"`
	TermName     string           `json:"term_name"`
	TimeZone     plan.Zone        `json:"time_zone"`
	Title        string           `json:"title"`
	Instructions string           `json:"instructions,omitempty"`
	Criteria     []string         `json:"criteria,omitempty"`
	DaysLeft     int              `json:"days_left,omitempty"`
	Slots        []CollectionSlot `json:"slots"`
}

// SubmissionRecord is one submission to store.
type SubmissionRecord struct {
	Slot   string    `json:"slot"`
	Author string    `json:"author"`
	Text   string    `json:"text,omitempty"`
	Scores []float64 `json:"scores,omitempty"`
	At     time.Time `json:"at"`
	Due    time.Time `json:"due"`
	Late   bool      `json:"late"`
}

// RecordSubmissionsInput is a batch of submissions of one collection.
type RecordSubmissionsInput struct {
	TermID      string             `json:"term_id"`
	Kind        string             `json:"kind"`
	Scope       string             `json:"scope"`
	Submissions []SubmissionRecord `json:"submissions"`
}

// SlotOutcome is how one slot of a collection ended.
type SlotOutcome struct {
	Key       string    `json:"key"`
	Label     string    `json:"label"`
	Owners    []string  `json:"owners"`
	Due       time.Time `json:"due"`
	Submitted bool      `json:"submitted"`
	Late      bool      `json:"late"`
}

// RecordCollectionOutcomeInput is how a whole collection ended.
type RecordCollectionOutcomeInput struct {
	TermID string        `json:"term_id"`
	Kind   string        `json:"kind"`
	Scope  string        `json:"scope"`
	Slots  []SlotOutcome `json:"slots"`
}
