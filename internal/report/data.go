package report

import (
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/egdi-project/egdi"
)

// Request says which report to build: a country report (Country) or a
// peer-group report (one of Group, Region, Subregion).
type Request struct {
	Country   string // ISO3 code or UN name
	Group     string // ldc, lldc, sids, gcc, arab or an income group
	Region    string // M49 region, e.g. "Asia"
	Subregion string // M49 sub-region, e.g. "Western Asia"
	Edition   int    // 0: the newest edition of the dataset
	Lang      string // "en" or "ar"

	// Country reports only (issue 14, point 5):
	Vs     string // a peer (ISO3 code or name): adds the gap to it (egdi.ExplainGap)
	Target int    // an EGDI rank to reach: the plan section plans to it instead of the next class
	Brief  bool   // one A4 page in both languages (Lang is ignored): headline, change and why, gap, cheapest plan
}

// IsGroup reports whether the request is for a peer-group report.
func (q Request) IsGroup() bool { return q.Country == "" }

// Validate checks that the request names exactly one subject and a
// supported language. It returns EINVALID errors written for users.
func (q Request) Validate() error {
	if q.Lang != "en" && q.Lang != "ar" && !(q.Brief && q.Lang == "") {
		return egdi.Errorf(egdi.EINVALID, "Unknown language %q: choose en or ar.", q.Lang)
	}
	n := 0
	for _, s := range []string{q.Country, q.Group, q.Region, q.Subregion} {
		if strings.TrimSpace(s) != "" {
			n++
		}
	}
	switch {
	case n == 0:
		return egdi.Errorf(egdi.EINVALID, "Say what to report on: a country (ISO3 code or name), or one of --group, --region, --subregion.")
	case n > 1:
		return egdi.Errorf(egdi.EINVALID, "Give one subject per report: a country, or one of --group, --region, --subregion.")
	}
	if q.IsGroup() && (q.Vs != "" || q.Target != 0 || q.Brief) {
		return egdi.Errorf(egdi.EINVALID, "--vs, --target and --brief are for a country report, not a group's.")
	}
	if q.Target < 0 {
		return egdi.Errorf(egdi.EINVALID, "--target %d is not a rank: give a whole number from 1.", q.Target)
	}
	if q.Edition < 0 {
		return egdi.Errorf(egdi.EINVALID, "Edition %d is not a year.", q.Edition)
	}
	return nil
}

// filter returns the filter of a group request.
func (q Request) filter() egdi.Filter {
	return egdi.Filter{Group: strings.ToLower(strings.TrimSpace(q.Group)), Region: strings.TrimSpace(q.Region), Subregion: strings.TrimSpace(q.Subregion)}
}

// means are unweighted means of the indices over a set of countries (the
// UN's regional and world figures are simple means, METHODOLOGY §5). EPI
// is averaged over the countries that have one.
type means struct {
	EGDI, OSI, TII, HCI, EPI float64
	N                        int
}

func (m means) of(index string) float64 {
	switch index {
	case "osi":
		return m.OSI
	case "tii":
		return m.TII
	case "hci":
		return m.HCI
	case "epi":
		return m.EPI
	}
	return m.EGDI
}

func meanOf(scores []*egdi.Score) means {
	m := means{N: len(scores)}
	epi, nEPI := 0.0, 0
	for _, s := range scores {
		m.EGDI += s.EGDI
		m.OSI += s.OSI
		m.TII += s.TII
		m.HCI += s.HCI
		if s.EPI != nil {
			epi += *s.EPI
			nEPI++
		}
	}
	nan := math.NaN()
	if m.N == 0 {
		return means{EGDI: nan, OSI: nan, TII: nan, HCI: nan, EPI: nan}
	}
	n := float64(m.N)
	m.EGDI, m.OSI, m.TII, m.HCI, m.EPI = m.EGDI/n, m.OSI/n, m.TII/n, m.HCI/n, nan
	if nEPI > 0 {
		m.EPI = epi / float64(nEPI)
	}
	return m
}

// data is a dataset with every edition scored once, shared by all the
// reports of a batch.
type data struct {
	mu    sync.Mutex                      // guards the lazy caches below
	bases map[int]*egdi.Base              // analysis bases by edition
	unc   map[int]*egdi.UncertaintyResult // rank uncertainty by edition

	d        *egdi.Dataset
	years    []int
	editions map[int][]egdi.Score
	index    map[int]map[egdi.ISO3]*egdi.Score
	world    map[int]means
}

func newData(d *egdi.Dataset) (*data, error) {
	if d == nil || d.Countries == nil {
		return nil, egdi.Errorf(egdi.EUNAVAILABLE, "No data loaded.")
	}
	x := &data{d: d, years: d.Years(), editions: map[int][]egdi.Score{}, bases: map[int]*egdi.Base{}, unc: map[int]*egdi.UncertaintyResult{},
		index: map[int]map[egdi.ISO3]*egdi.Score{}, world: map[int]means{}}
	if len(x.years) == 0 {
		return nil, egdi.Errorf(egdi.ENOTFOUND, "The dataset holds no published edition.")
	}
	for _, y := range x.years {
		scores, err := d.Edition(y)
		if err != nil {
			return nil, err
		}
		x.editions[y] = scores
		idx := make(map[egdi.ISO3]*egdi.Score, len(scores))
		all := make([]*egdi.Score, len(scores))
		for i := range scores {
			idx[scores[i].ISO3] = &scores[i]
			all[i] = &scores[i]
		}
		x.index[y] = idx
		x.world[y] = meanOf(all)
	}
	return x, nil
}

// edition resolves a requested edition: 0 is the newest.
func (x *data) edition(y int) (int, error) {
	if y == 0 {
		return x.years[len(x.years)-1], nil
	}
	if !slices.Contains(x.years, y) {
		return 0, egdi.Errorf(egdi.ENOTFOUND, "No data for edition %d: the dataset holds %s.", y, yearList(x.years))
	}
	return y, nil
}

// previous returns the edition before y in the dataset, or 0.
func (x *data) previous(y int) int {
	i := slices.Index(x.years, y)
	if i <= 0 {
		return 0
	}
	return x.years[i-1]
}

// score returns a country's score in an edition, or nil.
func (x *data) score(y int, c egdi.ISO3) *egdi.Score { return x.index[y][c] }

// members returns the scores of the countries keep selects in edition y,
// by EGDI rank.
func (x *data) members(y int, keep func(*egdi.Country) bool) []*egdi.Score {
	var out []*egdi.Score
	for i := range x.editions[y] {
		s := &x.editions[y][i]
		if keep(x.d.Countries.Get(s.ISO3)) {
			out = append(out, s)
		}
	}
	return out
}

func yearList(ys []int) string {
	var b strings.Builder
	for i, y := range ys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(itoa(y))
	}
	return b.String()
}
