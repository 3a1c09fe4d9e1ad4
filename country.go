package egdi

import (
	"slices"
	"strings"
)

// ISO3 is an ISO 3166-1 alpha-3 country code, upper case (e.g. "BHR").
// It is the key that joins every source: country names change between
// editions and files, codes do not.
type ISO3 string

// Valid reports whether c has the shape of an ISO3 code (three letters A–Z).
func (c ISO3) Valid() bool {
	if len(c) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}

// Income groups of the World Bank classification, as used by the Survey.
const (
	HighIncome        = "high_income"
	UpperMiddleIncome = "upper_middle_income"
	LowerMiddleIncome = "lower_middle_income"
	LowIncome         = "low_income"
)

// Country is a UN Member State with the classifications the Survey uses.
type Country struct {
	ISO3     ISO3   `json:"iso3"`
	ISO2     string `json:"iso2"`
	M49      string `json:"m49"`     // UN M49 numeric code, three digits
	NameEN   string `json:"name"`    // UN short name in English
	NameAR   string `json:"name_ar"` // UN short name in Arabic
	FormalEN string `json:"formal_name"`
	FormalAR string `json:"formal_name_ar"`
	// Names holds the names in the other UN languages and every spelling
	// found in the published files, used to match names to codes.
	Names []string `json:"-"`

	Region             string `json:"region"`    // M49 region (Africa, Americas, Asia, Europe, Oceania)
	Subregion          string `json:"subregion"` // M49 sub-region
	IntermediateRegion string `json:"intermediate_region,omitempty"`
	LDC                bool   `json:"ldc"`    // least developed country (UN-OHRLLS)
	LLDC               bool   `json:"lldc"`   // landlocked developing country
	SIDS               bool   `json:"sids"`   // small island developing state
	Income             string `json:"income"` // World Bank income group, FY2025
}

// Name returns the country's short name in lang ("ar" or anything else for English).
func (c *Country) Name(lang string) string {
	if lang == "ar" && c.NameAR != "" {
		return c.NameAR
	}
	if n, ok := shortNamesEN[c.ISO3]; ok {
		return n
	}
	return c.NameEN
}

// shortNamesEN are English short names the UN adopted after the M49 table
// the built-in data carry (whose NameEN stays as imported, so that old
// files still match): Türkiye, the UN's name for Turkey since 1 June 2022.
var shortNamesEN = map[ISO3]string{"TUR": "Türkiye"}

// Peer groups defined by membership lists rather than by the M49 table.
var (
	// GCC is the Gulf Cooperation Council.
	GCC = []ISO3{"ARE", "BHR", "KWT", "OMN", "QAT", "SAU"}
	// Arab is the League of Arab States' members that are UN Member States
	// (Palestine, a League member, is a UN observer and not ranked).
	Arab = []ISO3{"ARE", "BHR", "COM", "DJI", "DZA", "EGY", "IRQ", "JOR", "KWT", "LBN", "LBY",
		"MAR", "MRT", "OMN", "QAT", "SAU", "SDN", "SOM", "SYR", "TUN", "YEM"}
)

// GroupNames lists the group filters [Country.In] understands, in display order.
var GroupNames = []string{"ldc", "lldc", "sids", "gcc", "arab",
	HighIncome, UpperMiddleIncome, LowerMiddleIncome, LowIncome}

// In reports whether the country belongs to the named group: ldc, lldc,
// sids, gcc, arab or an income group. ok is false for an unknown name.
func (c *Country) In(group string) (in, ok bool) {
	switch strings.ToLower(group) {
	case "ldc":
		return c.LDC, true
	case "lldc":
		return c.LLDC, true
	case "sids":
		return c.SIDS, true
	case "gcc":
		return slices.Contains(GCC, c.ISO3), true
	case "arab":
		return slices.Contains(Arab, c.ISO3), true
	case HighIncome, UpperMiddleIncome, LowerMiddleIncome, LowIncome:
		return c.Income == strings.ToLower(group), true
	}
	return false, false
}

// Groups returns the names of every group in [GroupNames] the country belongs to.
func (c *Country) Groups() []string {
	var gs []string
	for _, g := range GroupNames {
		if in, _ := c.In(g); in {
			gs = append(gs, g)
		}
	}
	return gs
}

// Countries is the list of Member States with look-ups by code and name.
type Countries struct {
	list   []Country
	byISO3 map[ISO3]int
	byName map[string]int
}

// NewCountries indexes list. Names are matched case-insensitively after
// trimming spaces, across every language and variant a country carries.
func NewCountries(list []Country) *Countries {
	cs := &Countries{list: list, byISO3: make(map[ISO3]int, len(list)), byName: make(map[string]int)}
	for i := range list {
		c := &list[i]
		cs.byISO3[c.ISO3] = i
		for _, n := range append([]string{c.NameEN, c.NameAR, c.FormalEN, c.FormalAR, string(c.ISO3)}, c.Names...) {
			if k := NormName(n); k != "" {
				if _, dup := cs.byName[k]; !dup {
					cs.byName[k] = i
				}
			}
		}
	}
	return cs
}

// NormName is the key used to match country names: lower case, trimmed,
// inner spaces folded, quotes dropped.
func NormName(s string) string {
	s = strings.Trim(strings.TrimSpace(s), `"'`)
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// All returns the countries in ISO3 order. The slice must not be modified.
func (cs *Countries) All() []Country { return cs.list }

// Len returns the number of countries.
func (cs *Countries) Len() int { return len(cs.list) }

// Get returns the country with the given code, or nil.
func (cs *Countries) Get(c ISO3) *Country {
	if i, ok := cs.byISO3[c]; ok {
		return &cs.list[i]
	}
	return nil
}

// Lookup finds a country by ISO3 code (any case) or by any of its names.
// It returns an ENOTFOUND error naming what was asked for.
func (cs *Countries) Lookup(s string) (*Country, error) {
	if c := cs.Get(ISO3(strings.ToUpper(strings.TrimSpace(s)))); c != nil {
		return c, nil
	}
	if i, ok := cs.byName[NormName(s)]; ok {
		return &cs.list[i], nil
	}
	return nil, Errorf(ENOTFOUND, "Unknown country %q: give an ISO3 code (e.g. BHR) or a UN name.", s)
}
