package server

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
)

// TestLaterEdition serves a dataset with a 2026 edition imported from its
// UN file (the 2024 values with every EGDI the mean of its components):
// the API and the pages offer it, with its method assumed from 2024.
func TestLaterEdition(t *testing.T) {
	b := builtin.MustDataset()
	var recs []egdi.Record
	for _, r := range b.Published[2024] {
		r.Edition = 2026
		r.EGDI = math.Round((r.OSI+r.TII+r.HCI)/3*1e5) / 1e5
		recs = append(recs, r)
	}
	for i := range recs {
		recs[i].Rank = 1
		for _, o := range recs {
			if o.EGDI > recs[i].EGDI {
				recs[i].Rank++
			}
		}
	}
	d := egdi.MergeDataset(b, recs, nil)
	s := newServer(slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		Deps{Dataset: func(context.Context) (*egdi.Dataset, error) { return d, nil }, Version: "test", Hosts: []string{"example.com"}})
	h := s.handler()
	sp := loadSpec(t)
	for _, tc := range []struct {
		target string
		want   []string
	}{
		{"/api/v1/editions", []string{`"edition":2026`, `"method_from":2024`, `"status":"assumed from 2024"`}},
		{"/api/v1/editions/2026", []string{`"edition":2026`}},
		{"/api/v1/rankings?edition=2026&top=3", []string{`"edition":2026`}},
		{"/api/v1/countries/BHR", []string{`"edition":2026`}},
		{"/en/methodology", []string{"2026", "assumed from 2024"}},
		{"/ar/methodology", []string{"2026", "مفترض من منهجية 2024"}},
		{"/en/rankings?edition=2026", []string{`<option value="2026" selected`}},
		{"/en/countries/BHR?edition=2026", []string{"2026"}},
	} {
		t.Run(tc.target, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tc.target, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("%d: %s", rec.Code, rec.Body)
			}
			body := rec.Body.String()
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("no %q in the response", w)
				}
			}
			if strings.HasPrefix(tc.target, "/api/") {
				sp.check(t, req, nil, rec)
			}
		})
	}
}
