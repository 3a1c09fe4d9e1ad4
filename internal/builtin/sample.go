package builtin

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/egdi-project/egdi"
)

// sampleTracker is the sample strategy and cooperation record: the GCC
// e-government strategy (three waves) and Bahrain's international
// cooperation in ICT, facts only, from the Information & eGovernment
// Authority's Arabic page "Bahrain's international cooperation in ICT"
// (updated 16 November 2021; ../shared/docs/SOURCE-bahrain-ict-cooperation.ar.txt).
// Dates are as precise as the page: a year, a month, or none. The
// strategy has no targets because the page states none.
//
//go:embed sample/tracker.json
var sampleTracker []byte

// SampleTracker returns a fresh copy of the sample, every item marked as
// sample (egdi sample load; egdi sample remove takes them out).
func SampleTracker() (*egdi.Tracker, error) {
	dec := json.NewDecoder(bytes.NewReader(sampleTracker))
	dec.DisallowUnknownFields()
	var t egdi.Tracker
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("builtin: sample tracker: %w", err)
	}
	for _, s := range t.Strategies {
		s.Sample = true
	}
	for _, c := range t.Cooperation {
		c.Sample = true
	}
	return &t, nil
}
