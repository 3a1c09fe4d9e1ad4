package report_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/egdi-project/egdi/internal/report"
)

// BenchmarkCountryHTML measures one country report as HTML (fonts linked).
func BenchmarkCountryHTML(b *testing.B) {
	r, d := newRenderer(b), dataset(b)
	q := report.Request{Country: "BHR", Lang: "ar"}
	for b.Loop() {
		if err := r.HTML(io.Discard, d, q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCountryPDFCold measures one country PDF from nothing: a new
// Renderer, the browser's start, the print and the browser's stop. Target
// ≤ 2 s.
func BenchmarkCountryPDFCold(b *testing.B) {
	needPDFTools(b)
	d := dataset(b)
	q := report.Request{Country: "BHR", Lang: "ar"}
	for b.Loop() {
		r := report.New(report.Config{Now: fixedNow, DataVersion: "bench"})
		var buf bytes.Buffer
		if err := r.PDF(b.Context(), &buf, d, q); err != nil {
			b.Fatal(err)
		}
		if err := r.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCountryPDFBatch measures one country PDF in a batch: the
// browser is already running. Target ≤ 300 ms per report.
func BenchmarkCountryPDFBatch(b *testing.B) {
	needPDFTools(b)
	r, d := newRenderer(b), dataset(b)
	var buf bytes.Buffer
	if err := r.PDF(b.Context(), &buf, d, report.Request{Country: "BHR", Lang: "en"}); err != nil {
		b.Fatal(err) // starts the browser outside the measurement
	}
	countries := []string{"BHR", "DNK", "KEN", "BRA", "SAU", "TUV"}
	i := 0
	for b.Loop() {
		buf.Reset()
		q := report.Request{Country: countries[i%len(countries)], Lang: []string{"en", "ar"}[i%2]}
		if err := r.PDF(b.Context(), &buf, d, q); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkCountryPDFBatchParallel measures the wall time per report when a
// batch prints on every core (one tab per goroutine), as `egdi report --all`
// does.
func BenchmarkCountryPDFBatchParallel(b *testing.B) {
	needPDFTools(b)
	r, d := newRenderer(b), dataset(b)
	var buf bytes.Buffer
	if err := r.PDF(b.Context(), &buf, d, report.Request{Country: "BHR", Lang: "en"}); err != nil {
		b.Fatal(err)
	}
	b.RunParallel(func(pb *testing.PB) {
		var buf bytes.Buffer
		for pb.Next() {
			buf.Reset()
			if err := r.PDF(context.Background(), &buf, d, report.Request{Country: "KEN", Lang: "ar"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
