package egdi

import (
	"fmt"
	"math"
)

// Indicator is one input of the Survey's computation: a raw statistic
// (ITU, UNESCO, UNDP), raw questionnaire points, or a component index given
// as is.
type Indicator int

// Indicators. Their names (see [Indicator.String]) are the column names of
// `egdi compute` input files and the INPUT names of `egdi whatif`.
const (
	InternetUsers         Indicator = iota // individuals using the Internet, % of population (ITU)
	MobileSubscriptions                    // mobile-cellular subscriptions per 100 inhabitants (ITU)
	ActiveMobileBroadband                  // active mobile-broadband subscriptions per 100 inhabitants (ITU)
	FixedBroadband                         // fixed broadband subscriptions per 100 inhabitants (ITU)
	FixedTelephone                         // fixed-telephone subscriptions per 100 inhabitants (ITU)
	WirelessBroadband                      // wireless broadband subscriptions per 100 inhabitants (ITU, 2014–2016)
	AdultLiteracy                          // adult literacy rate, % of people aged 15+ (UNESCO)
	GrossEnrolment                         // combined primary, secondary and tertiary gross enrolment ratio, % (UNESCO)
	ExpectedSchooling                      // expected years of schooling (UNESCO/UNDP)
	MeanSchooling                          // mean years of schooling of adults 25+ (UNESCO/UNDP)
	OSIPoints                              // raw points of the online services questionnaire
	EPIPoints                              // raw points of the e-participation questionnaire
	OSI                                    // Online Service Index, given as an index in [0,1]
	TII                                    // Telecommunication Infrastructure Index, given as an index
	HCI                                    // Human Capital Index, given as an index
	EPI                                    // E-Participation Index, given as an index
	NumIndicators
)

var indicatorNames = [NumIndicators]string{
	"internet_users", "mobile_subscriptions", "active_mobile_broadband", "fixed_broadband",
	"fixed_telephone", "wireless_broadband", "adult_literacy", "gross_enrolment",
	"expected_schooling", "mean_schooling", "osi_points", "epi_points", "osi", "tii", "hci", "epi",
}

// String returns the indicator's name as used in files and on the command line.
func (i Indicator) String() string {
	if i < 0 || i >= NumIndicators {
		return fmt.Sprintf("Indicator(%d)", int(i))
	}
	return indicatorNames[i]
}

// ParseIndicator returns the indicator with the given name.
func ParseIndicator(s string) (Indicator, bool) {
	for i, n := range indicatorNames {
		if n == s {
			return Indicator(i), true
		}
	}
	return 0, false
}

// IsIndex reports whether the indicator is a component index given as is.
func (i Indicator) IsIndex() bool { return i >= OSI && i <= EPI }

// Bounds returns the range of values the indicator can take. A value
// outside it is impossible, not merely unusual, and is rejected.
//
//   - percentages of population (Internet users, literacy): 0–100;
//   - subscriptions per 100 inhabitants: 0–1000 (Macao and a few states
//     exceed 300 mobile subscriptions per 100; 1000 is a sanity ceiling);
//   - gross enrolment: 0–300 % (combined GER can exceed 100);
//   - expected years of schooling 0–30, mean years 0–20;
//   - questionnaire points: ≥ 0;
//   - indices: 0–1, except HCI up to 1.5 because the 2003 edition
//     published values above 1 (Micronesia 1.422, METHODOLOGY Q12).
func (i Indicator) Bounds() (lo, hi float64) {
	switch i {
	case InternetUsers, AdultLiteracy:
		return 0, 100
	case MobileSubscriptions, ActiveMobileBroadband, FixedBroadband, FixedTelephone, WirelessBroadband:
		return 0, 1000
	case GrossEnrolment:
		return 0, 300
	case ExpectedSchooling:
		return 0, 30
	case MeanSchooling:
		return 0, 20
	case OSIPoints, EPIPoints:
		return 0, math.Inf(1)
	case HCI:
		return 0, 1.5
	default:
		return 0, 1
	}
}

// CheckValue returns an error describing why v is not a possible value of
// the indicator, or nil.
func (i Indicator) CheckValue(v float64) error {
	lo, hi := i.Bounds()
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return fmt.Errorf("%s must be a finite number", i)
	case v < lo:
		return fmt.Errorf("%s = %g is below %g", i, v, lo)
	case v > hi:
		return fmt.Errorf("%s = %g is above %g", i, v, hi)
	}
	return nil
}

// Observation is one raw value of an indicator for a country and a data
// year, as published by its source.
type Observation struct {
	ISO3      ISO3      `json:"iso3"`
	Indicator Indicator `json:"indicator"`
	Year      int       `json:"year"`
	Value     float64   `json:"value"`
	Source    string    `json:"source"`            // "itu", "wdi", "hdr", "user", …
	Vintage   string    `json:"vintage,omitempty"` // the release the value comes from
	Estimate  bool      `json:"estimate,omitempty"`
}
