package contract

// DeliveryResult says how many emails of a batch went out now and how many
// had already gone out on an earlier attempt.
type DeliveryResult struct {
	Sent        int `json:"sent"`
	AlreadySent int `json:"already_sent"`
}
