package egdi

import (
	"fmt"
	"math"
)

// Batch is what one imported file holds, ready to be stored in one
// transaction: published edition values (source "un") and/or raw indicator
// observations (sources "itu", "wdi", "hdr").
type Batch struct {
	File         string        `json:"file"`
	Source       string        `json:"source"` // un, itu, wdi, hdr
	Records      []Record      `json:"records,omitempty"`
	Observations []Observation `json:"observations,omitempty"`
	// Read counts the data rows read; Skipped lists rows left out and why.
	Read    int    `json:"read"`
	Skipped []Skip `json:"skipped,omitempty"`
}

// Skip is a row an importer left out on purpose, with the reason (for
// example an ITU regional aggregate that is not a Member State).
type Skip struct {
	Row    int    `json:"row"`
	Reason string `json:"reason"`
}

// ValueTolerance is how far apart two stored values may be and still count
// as equal when an import is compared with what is stored: float noise of
// different parsing paths, far below the 4–5 published decimals.
const ValueTolerance = 1e-12

func sameValue64(a, b float64) bool {
	return a == b || math.Abs(a-b) <= ValueTolerance || (math.IsNaN(a) && math.IsNaN(b))
}

// SameRecord reports whether two published records hold the same values:
// assessed, rank and the five indices. The name as published is a label
// and is not compared.
func SameRecord(a, b Record) bool {
	return a.Edition == b.Edition && a.ISO3 == b.ISO3 && a.Assessed == b.Assessed && a.Rank == b.Rank &&
		sameValue64(a.EGDI, b.EGDI) && sameValue64(a.OSI, b.OSI) && sameValue64(a.TII, b.TII) &&
		sameValue64(a.HCI, b.HCI) && sameValue64(a.EPI, b.EPI)
}

// SameObservation reports whether two observations of one key hold the
// same value and estimate flag.
func SameObservation(a, b Observation) bool {
	return sameValue64(a.Value, b.Value) && a.Estimate == b.Estimate
}

// RecordKey identifies a published record: one country in one edition.
type RecordKey struct {
	Edition int
	ISO3    ISO3
}

// ObservationKey identifies an observation: a source may publish the same
// country, indicator and year again in a later vintage, and both are kept.
type ObservationKey struct {
	ISO3      ISO3
	Indicator Indicator
	Year      int
	Source    string
	Vintage   string
}

// Key returns the observation's key.
func (o *Observation) Key() ObservationKey {
	return ObservationKey{o.ISO3, o.Indicator, o.Year, o.Source, o.Vintage}
}

// PrepareBatch checks a batch before it is stored and removes repeated
// rows: every record must name a known country, an edition and values
// within bounds; every observation a known country, an indicator, a year
// from 1950 to 2100 and a value within the indicator's bounds. An
// observation without a source takes the batch's. A row repeated with the
// same values is skipped ("duplicate row"); repeated with other values it
// is an EINVALID error naming the file and the key, and nothing is stored.
func PrepareBatch(b *Batch, cs *Countries) (recs []Record, obs []Observation, skipped []Skip, err error) {
	if b == nil {
		return nil, nil, nil, Errorf(EINVALID, "Nothing to import.")
	}
	file := b.File
	if file == "" {
		file = "input"
	}
	seenR := make(map[RecordKey]int, len(b.Records))
	for _, r := range b.Records {
		if cs != nil && cs.Get(r.ISO3) == nil {
			return nil, nil, nil, Errorf(EINVALID, "%s: unknown country code %q in edition %d.", file, r.ISO3, r.Edition)
		}
		if r.Edition < 2000 || r.Edition > 2100 {
			return nil, nil, nil, Errorf(EINVALID, "%s: %s: edition %d is not a survey year.", file, r.ISO3, r.Edition)
		}
		if r.Assessed {
			for _, v := range []struct {
				name string
				x    float64
			}{{"egdi", r.EGDI}, {"osi", r.OSI}, {"tii", r.TII}, {"hci", r.HCI}, {"epi", r.EPI}} {
				ind, _ := ParseIndicator(v.name)
				if v.name == "egdi" {
					ind = OSI // EGDI has the bounds of an index in [0,1]
				}
				if err := ind.CheckValue(v.x); err != nil {
					return nil, nil, nil, Errorf(EINVALID, "%s: %d %s: %s = %g is not a possible value.", file, r.Edition, r.ISO3, v.name, v.x)
				}
			}
			if r.Rank < 1 {
				return nil, nil, nil, Errorf(EINVALID, "%s: %d %s: rank %d is not a rank.", file, r.Edition, r.ISO3, r.Rank)
			}
		}
		k := RecordKey{r.Edition, r.ISO3}
		if i, ok := seenR[k]; ok {
			if !SameRecord(recs[i], r) {
				return nil, nil, nil, Errorf(EINVALID, "%s: conflicting values for %s in edition %d: EGDI %g (rank %d) and %g (rank %d).",
					file, r.ISO3, r.Edition, recs[i].EGDI, recs[i].Rank, r.EGDI, r.Rank)
			}
			skipped = append(skipped, Skip{Reason: fmt.Sprintf("duplicate row: %s in edition %d", r.ISO3, r.Edition)})
			continue
		}
		seenR[k] = len(recs)
		recs = append(recs, r)
	}
	seenO := make(map[ObservationKey]int, len(b.Observations))
	for _, o := range b.Observations {
		if o.Source == "" {
			o.Source = b.Source
		}
		if cs != nil && cs.Get(o.ISO3) == nil {
			return nil, nil, nil, Errorf(EINVALID, "%s: unknown country code %q.", file, o.ISO3)
		}
		if o.Indicator < 0 || o.Indicator >= NumIndicators {
			return nil, nil, nil, Errorf(EINVALID, "%s: %s: unknown indicator %d.", file, o.ISO3, int(o.Indicator))
		}
		if o.Year < 1950 || o.Year > 2100 {
			return nil, nil, nil, Errorf(EINVALID, "%s: %s %s: year %d is outside 1950–2100.", file, o.ISO3, o.Indicator, o.Year)
		}
		if o.Source == "" {
			return nil, nil, nil, Errorf(EINVALID, "%s: %s %s %d: no source.", file, o.ISO3, o.Indicator, o.Year)
		}
		if err := o.Indicator.CheckValue(o.Value); err != nil {
			return nil, nil, nil, Errorf(EINVALID, "%s: %s %d: %w.", file, o.ISO3, o.Year, err)
		}
		k := o.Key()
		if i, ok := seenO[k]; ok {
			if !SameObservation(obs[i], o) {
				return nil, nil, nil, Errorf(EINVALID, "%s: conflicting values for %s %s %d: %g and %g.",
					file, o.ISO3, o.Indicator, o.Year, obs[i].Value, o.Value)
			}
			skipped = append(skipped, Skip{Reason: fmt.Sprintf("duplicate row: %s %s %d", o.ISO3, o.Indicator, o.Year)})
			continue
		}
		seenO[k] = len(obs)
		obs = append(obs, o)
	}
	return recs, obs, skipped, nil
}

// MergeDataset returns the built-in dataset with imported published
// records and observations added: imported records join their edition,
// imported observations come first. An imported row with the key of a
// built-in row replaces it: this happens only when a newer built-in
// release adds a row the user had imported before (an import never
// changes a built-in value), and user data are never overwritten. It
// copies what it changes and never modifies builtin.
func MergeDataset(builtin *Dataset, recs []Record, obs []Observation) *Dataset {
	d := &Dataset{Countries: builtin.Countries, Published: make(map[int][]Record, len(builtin.Published))}
	for y, rs := range builtin.Published {
		d.Published[y] = rs
	}
	byYear := map[int]map[ISO3]Record{}
	for _, r := range recs {
		if byYear[r.Edition] == nil {
			byYear[r.Edition] = map[ISO3]Record{}
		}
		byYear[r.Edition][r.ISO3] = r
	}
	for y, user := range byYear {
		var out []Record
		for _, r := range d.Published[y] {
			if _, ok := user[r.ISO3]; !ok {
				out = append(out, r)
			}
		}
		for _, r := range recs {
			if r.Edition == y {
				out = append(out, r)
			}
		}
		d.Published[y] = out
	}
	if len(obs) == 0 {
		d.Observations = builtin.Observations
		return d
	}
	// An imported observation can have a built-in one's key only if it has
	// a built-in source and vintage: only those are looked up.
	pairs := map[[2]string]bool{}
	var last [2]string
	for i := range builtin.Observations {
		if p := [2]string{builtin.Observations[i].Source, builtin.Observations[i].Vintage}; p != last {
			pairs[p], last = true, p
		}
	}
	keys := map[ObservationKey]bool{}
	for i := range obs {
		if pairs[[2]string{obs[i].Source, obs[i].Vintage}] {
			keys[obs[i].Key()] = true
		}
	}
	d.Observations = make([]Observation, 0, len(obs)+len(builtin.Observations))
	d.Observations = append(d.Observations, obs...)
	if len(keys) == 0 {
		d.Observations = append(d.Observations, builtin.Observations...)
		return d
	}
	for i := range builtin.Observations {
		if !keys[builtin.Observations[i].Key()] {
			d.Observations = append(d.Observations, builtin.Observations[i])
		}
	}
	return d
}

// SupersededNotice is what a store says, once, when a built-in release
// brings an edition the user had imported from a UN file before it was
// built in: the built-in values take precedence and the imported rows of
// the edition are dropped.
func SupersededNotice(edition, rows int, version string) string {
	return fmt.Sprintf("edition %d is now built in (release %s): its built-in values take precedence over the %d rows imported before, which were removed.",
		edition, version, rows)
}
