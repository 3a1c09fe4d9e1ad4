package egdi

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Store keeps egdi's data between runs: the published editions (the
// built-in record, read-only, plus imported ones), raw indicator
// observations, user-defined editions (scenarios), computed results with
// the inputs and method that produced them, and background jobs.
//
// Two implementations exist, internal/sqlite (the embedded default) and
// internal/postgres (for teams), and one conformance suite,
// internal/storetest, that both pass. Every method may also return
// EUNAVAILABLE when the database cannot be reached, EBUSY when another
// writer holds it longer than the store waits, and ECANCELED when ctx ends.
type Store interface {
	DatasetStore
	ImportStore
	ScenarioStore
	ResultStore
	JobStore
	// Close releases the store's connections.
	Close() error
}

// DatasetStore is the read side the ranking commands use.
type DatasetStore interface {
	// Dataset returns the data the commands work on: the countries (the
	// built-in list), every published edition (built-in and imported) and
	// every raw observation, imported ones before built-in ones so that
	// [LatestInputs] prefers an imported value over a built-in value of the
	// same year. The result may be shared: stores keep it (and the
	// built-in record's slices in it) until the data change, so callers
	// must not modify it.
	Dataset(ctx context.Context) (*Dataset, error)
}

// ImportStore stores what an importer read from a file.
type ImportStore interface {
	// Import stores a batch in one transaction: all of it or, on any error,
	// nothing. It is idempotent: rows equal to stored rows are counted as
	// unchanged and not written, so importing the same file twice changes
	// nothing. progress, when not nil, is called as rows are written
	// (done of total) from inside the transaction.
	//
	// Errors: EINVALID for a row that is not valid (unknown country or
	// indicator, value out of bounds) or two rows of the batch with the
	// same key and different values, naming the file and the key;
	// ECONFLICT when a row would change a built-in published value, which
	// is read-only.
	Import(ctx context.Context, b *Batch, progress func(done, total int)) (*ImportSummary, error)
}

// ScenarioStore keeps user-defined editions.
type ScenarioStore interface {
	// SaveScenario stores a new scenario. Errors: EINVALID for a bad name
	// or an empty scenario, ECONFLICT when the name is taken.
	SaveScenario(ctx context.Context, s *Scenario) error
	// Scenario returns the named scenario with its values. Errors:
	// ENOTFOUND.
	Scenario(ctx context.Context, name string) (*Scenario, error)
	// Scenarios returns every scenario, with its values, by name.
	Scenarios(ctx context.Context) ([]*Scenario, error)
	// DeleteScenario deletes a scenario and the results computed from it.
	// Errors: ENOTFOUND.
	DeleteScenario(ctx context.Context, name string) error
}

// ResultStore keeps computed results.
type ResultStore interface {
	// SaveResult stores a computed result with its inputs and method and
	// returns its id. When r.Scenario is set the scenario must exist
	// (ENOTFOUND); the result is deleted with it. Errors: EINVALID for a
	// result without scores.
	SaveResult(ctx context.Context, r *Result) (int64, error)
	// Result returns a result by id. Errors: ENOTFOUND.
	Result(ctx context.Context, id int64) (*Result, error)
	// Results returns the results of an edition (a year as text, or a
	// scenario's name), newest first, without their inputs and scores.
	Results(ctx context.Context, edition string) ([]*Result, error)
}

// JobStore keeps background jobs (Monte Carlo runs and the like), so that
// several server processes sharing one database can share the work.
type JobStore interface {
	// CreateJob stores a new queued job and returns it with its id and
	// times set. Errors: EINVALID for an empty kind or params that are not
	// JSON.
	CreateJob(ctx context.Context, kind string, params json.RawMessage) (*Job, error)
	// Job returns a job. Errors: ENOTFOUND.
	Job(ctx context.Context, id int64) (*Job, error)
	// Jobs returns jobs, newest first, filtered by kind and status when
	// they are not empty, at most limit (0: all).
	Jobs(ctx context.Context, kind string, status JobStatus, limit int) ([]*Job, error)
	// ClaimJob moves the oldest queued job of a kind to running for a
	// worker, atomically: two workers never claim the same job. Errors:
	// ENOTFOUND when no job is queued.
	ClaimJob(ctx context.Context, kind, worker string) (*Job, error)
	// UpdateJob changes a job's status, progress, result or error.
	// Errors: ENOTFOUND; EINVALID for a progress outside [0,1] or a result
	// that is not JSON; ECONFLICT for a job already finished or a status
	// change the job's state does not allow (see [JobStatus.Next]).
	UpdateJob(ctx context.Context, id int64, u JobUpdate) (*Job, error)
	// DeleteJob deletes a job. Errors: ENOTFOUND.
	DeleteJob(ctx context.Context, id int64) error
}

// ImportSummary says what an import did. Read is what the importer read
// (data rows of the file); Stored counts rows written (new or replacing a
// different imported value), Unchanged rows already stored with the same
// value, and Skipped the rows left out, with the reason.
type ImportSummary struct {
	File      string `json:"file"`
	Source    string `json:"source"`
	Read      int    `json:"read"`
	Stored    int    `json:"stored"`
	Unchanged int    `json:"unchanged"`
	Skipped   []Skip `json:"skipped,omitempty"`
}

// String is the summary as the CLI prints it.
func (s *ImportSummary) String() string {
	return fmt.Sprintf("%s (%s): %d rows read, %d stored, %d unchanged, %d skipped",
		s.File, s.Source, s.Read, s.Stored, s.Unchanged, len(s.Skipped))
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
			return nil, nil, nil, Errorf(EINVALID, "%s: %s %d: %v.", file, o.ISO3, o.Year, err)
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

// Scenarios: user-defined editions.

// Origins of a scenario's values.
const (
	OriginRaw     = "raw"     // the latest stored observation up to the data year
	OriginCarried = "carried" // the --like edition's published index
	OriginSet     = "set"     // given by the user (--set)
)

// InputValue is one input of a scenario or of a stored result: a value of
// an indicator (raw or a component index) for a country, and where it
// came from.
type InputValue struct {
	ISO3      ISO3      `json:"iso3"`
	Indicator Indicator `json:"-"`
	Value     float64   `json:"value"`
	Origin    string    `json:"origin"` // raw, carried or set
	// Year is the data year of a raw value, the edition of a carried one.
	Year int `json:"year,omitempty"`
	// Source is the observation's source and vintage for a raw value.
	Source string `json:"source,omitempty"`
}

// MarshalJSON writes the indicator by name.
func (v InputValue) MarshalJSON() ([]byte, error) {
	type plain InputValue
	return json.Marshal(struct {
		Indicator string `json:"indicator"`
		plain
	}{v.Indicator.String(), plain(v)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (v *InputValue) UnmarshalJSON(b []byte) error {
	type plain InputValue
	var w struct {
		Indicator string `json:"indicator"`
		plain
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	ind, ok := ParseIndicator(w.Indicator)
	if !ok {
		return fmt.Errorf("unknown indicator %q", w.Indicator)
	}
	*v = InputValue(w.plain)
	v.Indicator = ind
	return nil
}

// Set is one override of a scenario: `--set ISO3.indicator=value`.
type Set struct {
	ISO3      ISO3
	Indicator Indicator
	Value     float64
}

// ParseSet reads `ISO3.indicator=value`, for example
// `BHR.internet_users=99.5` or `BHR.osi=0.95`. The indicator is a raw
// indicator of the TII or HCI or a component index (osi, tii, hci, epi);
// questionnaire points cannot be set, because points of one edition are
// not comparable with another's. Errors: EINVALID.
func ParseSet(s string) (Set, error) {
	bad := func(why string) (Set, error) {
		return Set{}, Errorf(EINVALID, "--set %q: %s (expected ISO3.indicator=value, e.g. BHR.internet_users=99.5).", s, why)
	}
	lhs, val, ok := strings.Cut(s, "=")
	if !ok {
		return bad("no '='")
	}
	code, name, ok := strings.Cut(strings.TrimSpace(lhs), ".")
	if !ok {
		return bad("no '.' between the country and the indicator")
	}
	iso := ISO3(strings.ToUpper(strings.TrimSpace(code)))
	if !iso.Valid() {
		return bad(fmt.Sprintf("%q is not an ISO3 code", code))
	}
	ind, ok := ParseIndicator(strings.ToLower(strings.TrimSpace(name)))
	if !ok {
		return bad(fmt.Sprintf("unknown indicator %q", name))
	}
	if ind == OSIPoints || ind == EPIPoints {
		return bad("questionnaire points cannot be set in a scenario; set osi or epi")
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
	if err != nil {
		return bad(fmt.Sprintf("%q is not a number", val))
	}
	if err := ind.CheckValue(v); err != nil {
		return bad(err.Error())
	}
	return Set{iso, ind, v}, nil
}

// Scenario is a user-defined edition: the inputs of one computation, built
// from stored raw data and the published indices of an edition it is like,
// computed with that edition's method.
type Scenario struct {
	Name      string       `json:"name"`
	Like      int          `json:"like"`      // the edition whose method and published indices it uses
	DataYear  int          `json:"data_year"` // raw values are the latest up to this year
	Values    []InputValue `json:"values"`    // sorted by country, then indicator
	CreatedAt time.Time    `json:"created_at"`
}

var scenarioName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,63}$`)

// CheckScenarioName returns an EINVALID error unless name can name a
// scenario: a letter, then up to 63 letters, digits, '_', '.', '-'. A
// name never looks like a year, so `--edition 2022` and `--edition
// my-2026` cannot be confused.
func CheckScenarioName(name string) error {
	if !scenarioName.MatchString(name) {
		return Errorf(EINVALID, "%q cannot name an edition: use a letter, then letters, digits, '_', '.' or '-' (at most 64).", name)
	}
	return nil
}

// Countries returns the scenario's countries, in code order.
func (s *Scenario) Countries() []ISO3 {
	var cs []ISO3
	for _, v := range s.Values {
		if len(cs) == 0 || cs[len(cs)-1] != v.ISO3 {
			cs = append(cs, v.ISO3)
		}
	}
	slices.Sort(cs)
	return slices.Compact(cs)
}

// Count returns how many values have the origin, by component: for raw
// and set values the component an indicator feeds (tii, hci) or the index
// itself.
func (s *Scenario) Count(origin string) map[string]int {
	out := map[string]int{}
	for _, v := range s.Values {
		if v.Origin == origin {
			out[v.Indicator.String()]++
		}
	}
	return out
}

// Inputs returns the scenario's values as inputs: one column per
// indicator present, NaN where a country has no value.
func (s *Scenario) Inputs() *Inputs {
	in := NewInputs(s.Countries())
	pos := make(map[ISO3]int, in.Len())
	for i, c := range in.Countries {
		pos[c] = i
	}
	for _, v := range s.Values {
		in.Set(v.Indicator, pos[v.ISO3], v.Value)
	}
	return in
}

// ScenarioReport says how a scenario was built: for each component, which
// countries got it from raw data and which carried the --like edition's
// published index, and why.
type ScenarioReport struct {
	Rule    string            `json:"rule"`
	Raw     map[string][]ISO3 `json:"raw"`     // component → countries computed from raw data
	Carried map[string][]ISO3 `json:"carried"` // component → countries carrying the published index
	Set     []Set             `json:"-"`
	Missing map[ISO3][]string `json:"missing,omitempty"` // country → raw inputs it lacks
}

// GapRule describes the gap-filling rule of scenarios in words.
func GapRule(dataYear int) string {
	return fmt.Sprintf("each raw input is the latest stored value from %d to %d (a missing year is filled by the most recent earlier one, at most %d years back; nothing is interpolated or taken from a later year); imported values come before built-in ones of the same year",
		dataYear-GapYears, dataYear, GapYears)
}

// NewScenario builds a scenario like an edition from a dataset:
//
//   - the countries are those the --like edition assessed;
//   - each raw input of the TII and the HCI is the latest observation up
//     to dataYear, at most [GapYears] older ([LatestInputs]);
//   - a country's TII (HCI) is computed from raw data when it has every
//     input of the --like method's TII (HCI); otherwise its published TII
//     (HCI) in the --like edition is carried;
//   - OSI and EPI come from questionnaires no raw data replace: they are
//     always carried;
//   - sets replace a raw value or give an index directly (an index given
//     wins over its inputs).
//
// Errors: EINVALID for a bad name, data year or set; ENOTFOUND for an
// edition without published data or a set naming a country the edition
// did not assess.
func NewScenario(name string, like, dataYear int, d *Dataset, sets []Set, now time.Time) (*Scenario, *ScenarioReport, error) {
	if err := CheckScenarioName(name); err != nil {
		return nil, nil, err
	}
	m, err := MethodFor(like)
	if err != nil {
		return nil, nil, err
	}
	if dataYear < 1990 || dataYear > 2100 {
		return nil, nil, Errorf(EINVALID, "Data year %d is outside 1990–2100.", dataYear)
	}
	recs := d.Published[like]
	pub := map[ISO3]Record{}
	var cs []ISO3
	for _, r := range recs {
		if r.Assessed {
			pub[r.ISO3] = r
			cs = append(cs, r.ISO3)
		}
	}
	if len(cs) == 0 {
		return nil, nil, Errorf(ENOTFOUND, "No published data for edition %d.", like)
	}
	slices.Sort(cs)
	setOf := map[ISO3]map[Indicator]float64{}
	for _, st := range sets {
		if _, ok := pub[st.ISO3]; !ok {
			return nil, nil, Errorf(ENOTFOUND, "--set %s.%s: %s was not assessed in edition %d.", st.ISO3, st.Indicator, st.ISO3, like)
		}
		if setOf[st.ISO3] == nil {
			setOf[st.ISO3] = map[Indicator]float64{}
		}
		setOf[st.ISO3][st.Indicator] = st.Value // the last --set of a key wins
	}
	var raw []Indicator
	raw = append(raw, m.TII.Inputs...)
	raw = append(raw, m.HCI.Inputs...)
	latest := latestObservations(d.Observations, cs, raw, dataYear, GapYears)

	s := &Scenario{Name: name, Like: like, DataYear: dataYear, CreatedAt: now}
	rep := &ScenarioReport{Rule: GapRule(dataYear), Raw: map[string][]ISO3{}, Carried: map[string][]ISO3{},
		Missing: map[ISO3][]string{}}
	for _, c := range cs {
		r := pub[c]
		set := setOf[c]
		index := func(ind Indicator, published float64) {
			if v, ok := set[ind]; ok {
				s.Values = append(s.Values, InputValue{ISO3: c, Indicator: ind, Value: v, Origin: OriginSet})
				return
			}
			s.Values = append(s.Values, InputValue{ISO3: c, Indicator: ind, Value: published, Origin: OriginCarried, Year: like})
			rep.Carried[ind.String()] = append(rep.Carried[ind.String()], c)
		}
		composite := func(ind Indicator, comp *Composite, published float64) {
			var vals []InputValue
			complete := comp.CanCompute()
			for _, x := range comp.Inputs {
				if v, ok := set[x]; ok {
					vals = append(vals, InputValue{ISO3: c, Indicator: x, Value: v, Origin: OriginSet})
					continue
				}
				o, ok := latest[obsKey{c, x}]
				if !ok {
					complete = false
					rep.Missing[c] = append(rep.Missing[c], x.String())
					continue
				}
				vals = append(vals, InputValue{ISO3: c, Indicator: x, Value: o.Value, Origin: OriginRaw, Year: o.Year,
					Source: strings.TrimSpace(o.Source + " " + o.Vintage)})
			}
			_, given := set[ind]
			if complete && !given {
				s.Values = append(s.Values, vals...)
				rep.Raw[ind.String()] = append(rep.Raw[ind.String()], c)
				return
			}
			// Set inputs are kept even when the index is carried, so that
			// the scenario shows what the user gave.
			for _, v := range vals {
				if v.Origin == OriginSet {
					s.Values = append(s.Values, v)
				}
			}
			index(ind, published)
		}
		index(OSI, r.OSI)
		composite(TII, &m.TII, r.TII)
		composite(HCI, &m.HCI, r.HCI)
		index(EPI, r.EPI)
	}
	for c, ms := range rep.Missing {
		rep.Missing[c] = slices.Compact(ms)
	}
	for _, st := range sets {
		rep.Set = append(rep.Set, st)
	}
	SortValues(s.Values)
	return s, rep, nil
}

// SortValues sorts values by country, then indicator.
func SortValues(vs []InputValue) {
	slices.SortStableFunc(vs, func(a, b InputValue) int {
		if a.ISO3 != b.ISO3 {
			return strings.Compare(string(a.ISO3), string(b.ISO3))
		}
		return int(a.Indicator) - int(b.Indicator)
	})
}

type obsKey struct {
	c   ISO3
	ind Indicator
}

// latestObservations applies the rule of [LatestInputs] and keeps the
// observation chosen, so that its year and source can be shown.
func latestObservations(obs []Observation, countries []ISO3, inds []Indicator, dataYear, maxAge int) map[obsKey]Observation {
	want := map[ISO3]bool{}
	for _, c := range countries {
		want[c] = true
	}
	wantInd := [NumIndicators]bool{}
	for _, i := range inds {
		wantInd[i] = true
	}
	out := map[obsKey]Observation{}
	for _, o := range obs {
		if !want[o.ISO3] || o.Indicator < 0 || o.Indicator >= NumIndicators || !wantInd[o.Indicator] || o.Year > dataYear ||
			(maxAge > 0 && o.Year < dataYear-maxAge) {
			continue
		}
		k := obsKey{o.ISO3, o.Indicator}
		if p, seen := out[k]; seen && p.Year >= o.Year {
			continue
		}
		out[k] = o
	}
	return out
}

// Compute computes the scenario with its --like edition's method. A
// country's TII (HCI) is its index value when the scenario holds one,
// otherwise it is computed from its raw inputs among all the countries
// computed that way (z-scores over those countries, capped, weighted,
// then min–max rescaled, as [Method.Compute] does). Then OSI, TII, HCI
// and EPI go through [Method.Compute] as indices: EGDI, rounding, ranks,
// groups and rating classes. Errors: EINVALID when a country has neither
// an index nor all its inputs.
func (s *Scenario) Compute() (*Results, error) {
	m, err := MethodFor(s.Like)
	if err != nil {
		return nil, err
	}
	in := s.Inputs()
	n := in.Len()
	if n == 0 {
		return nil, Errorf(EINVALID, "Edition %s holds no values.", s.Name)
	}
	final := NewInputs(in.Countries)
	for _, ind := range []Indicator{OSI, EPI} {
		if !in.Has(ind) {
			continue
		}
		copy(final.Column(ind), in.Values[ind])
	}
	for _, comp := range []struct {
		ind Indicator
		c   *Composite
	}{{TII, &m.TII}, {HCI, &m.HCI}} {
		col := final.Column(comp.ind)
		var rawIdx []int
		for i := range n {
			if v := in.Get(comp.ind, i); !math.IsNaN(v) {
				col[i] = v
				continue
			}
			for _, x := range comp.c.Inputs {
				if math.IsNaN(in.Get(x, i)) {
					return nil, Errorf(EINVALID, "Edition %s: %s has neither %s nor %s.", s.Name, in.Countries[i], comp.ind, x)
				}
			}
			if !comp.c.CanCompute() {
				return nil, Errorf(EINVALID, "Edition %s: %s has no %s, and edition %d cannot compute it: %s.",
					s.Name, in.Countries[i], comp.ind, m.Edition, comp.c.Note)
			}
			rawIdx = append(rawIdx, i)
		}
		if len(rawIdx) == 0 {
			continue
		}
		k := 0
		sub := in.Subset(func(i int) bool {
			if k < len(rawIdx) && rawIdx[k] == i {
				k++
				return true
			}
			return false
		})
		dst := make([]float64, sub.Len())
		tmp := make([]float64, sub.Len())
		if err := m.composite(sub, dst, fromRaw, comp.ind, comp.c, tmp, false); err != nil {
			return nil, err
		}
		for j, i := range rawIdx {
			col[i] = dst[j]
		}
	}
	return m.Compute(final)
}

// Results: computations kept with what produced them.

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

// JobStatus is the state of a job.
type JobStatus string

// Job states: queued → running → done | failed; queued or running →
// canceled.
const (
	JobQueued   JobStatus = "queued"
	JobRunning  JobStatus = "running"
	JobDone     JobStatus = "done"
	JobFailed   JobStatus = "failed"
	JobCanceled JobStatus = "canceled"
)

// Finished reports whether the status is final.
func (s JobStatus) Finished() bool { return s == JobDone || s == JobFailed || s == JobCanceled }

// Valid reports whether s is a known status.
func (s JobStatus) Valid() bool {
	switch s {
	case JobQueued, JobRunning, JobDone, JobFailed, JobCanceled:
		return true
	}
	return false
}

// Next reports whether a job in state s may move to t.
func (s JobStatus) Next(t JobStatus) bool {
	switch s {
	case JobQueued:
		return t == JobRunning || t == JobCanceled || t == JobQueued
	case JobRunning:
		return t == JobRunning || t == JobDone || t == JobFailed || t == JobCanceled
	}
	return false
}

// Job is a unit of background work, kept in the store so that several
// server processes can share it. Params and Result are JSON written by the
// job's kind.
type Job struct {
	ID       int64           `json:"id"`
	Kind     string          `json:"kind"`
	Status   JobStatus       `json:"status"`
	Progress float64         `json:"progress"` // 0–1
	Params   json.RawMessage `json:"params,omitempty"`
	Result   json.RawMessage `json:"result,omitempty"`
	Error    string          `json:"error,omitempty"`
	Worker   string          `json:"worker,omitempty"`
	// Times are stored to the microsecond.
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// JobUpdate is a change to a job; nil fields are left as they are.
type JobUpdate struct {
	Status   *JobStatus
	Progress *float64
	Result   json.RawMessage
	Error    *string
}

// Apply checks the update against the job and applies it at time now.
// Errors: EINVALID, ECONFLICT (see [JobStore.UpdateJob]).
func (u JobUpdate) Apply(j *Job, now time.Time) error {
	if j.Status.Finished() {
		return Errorf(ECONFLICT, "Job %d is %s: it can no longer change.", j.ID, j.Status)
	}
	if u.Progress != nil && !(*u.Progress >= 0 && *u.Progress <= 1) {
		return Errorf(EINVALID, "Job progress %v is outside 0–1.", *u.Progress)
	}
	if u.Result != nil && !json.Valid(u.Result) {
		return Errorf(EINVALID, "Job %d: the result is not JSON.", j.ID)
	}
	if u.Status != nil {
		if !u.Status.Valid() {
			return Errorf(EINVALID, "Unknown job status %q.", *u.Status)
		}
		if !j.Status.Next(*u.Status) {
			return Errorf(ECONFLICT, "Job %d cannot go from %s to %s.", j.ID, j.Status, *u.Status)
		}
		if *u.Status == JobRunning && j.StartedAt == nil {
			t := now
			j.StartedAt = &t
		}
		if u.Status.Finished() {
			t := now
			j.FinishedAt = &t
		}
		j.Status = *u.Status
	}
	if u.Progress != nil {
		j.Progress = *u.Progress
	}
	if u.Result != nil {
		j.Result = slices.Clone(u.Result)
	}
	if u.Error != nil {
		j.Error = *u.Error
	}
	j.UpdatedAt = now
	return nil
}

// CheckJob checks a new job's kind and params. Errors: EINVALID.
func CheckJob(kind string, params json.RawMessage) error {
	if strings.TrimSpace(kind) == "" {
		return Errorf(EINVALID, "A job needs a kind.")
	}
	if params != nil && !json.Valid(params) {
		return Errorf(EINVALID, "Job params are not JSON.")
	}
	return nil
}

// StoreTime is the form in which stores keep times: UTC, to the
// microsecond (PostgreSQL's precision).
func StoreTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
