package egdi

import (
	"encoding/json"
	"slices"
	"time"
)

// Result is a computation kept in the store: the scores, the inputs they
// were computed from and the method (its edition and, for audit, the
// method as JSON, which records best guesses that may change between
// versions of egdi).
type Result struct {
	ID int64 `json:"id"`
	// Edition is the year ("2022") or the scenario's name.
	Edition string `json:"edition"`
	// Scenario is the scenario's name when the result is a scenario's.
	Scenario   string          `json:"scenario,omitempty"`
	Method     int             `json:"method"`
	MethodJSON json.RawMessage `json:"method_json,omitempty"`
	Inputs     []InputValue    `json:"inputs,omitempty"`
	Scores     []Score         `json:"scores,omitempty"`
	CreatedAt  time.Time       `json:"created_at"`
}

// NewResult returns the result of computing a scenario, ready to store.
func NewResult(s *Scenario, r *Results, now time.Time) (*Result, error) {
	mj, err := json.Marshal(r.Method)
	if err != nil {
		return nil, err
	}
	return &Result{Edition: s.Name, Scenario: s.Name, Method: r.Method.Edition, MethodJSON: mj,
		Inputs: slices.Clone(s.Values), Scores: slices.Clone(r.Scores), CreatedAt: now}, nil
}

// Jobs.
