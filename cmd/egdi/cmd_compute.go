package main

import (
	"context"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/tabular"
)

// computeRow is one output row of `egdi compute`.
type computeRow struct {
	ISO3        egdi.ISO3  `json:"iso3"`
	OSI         float64    `json:"osi"`
	TII         float64    `json:"tii"`
	HCI         float64    `json:"hci"`
	EGDI        float64    `json:"egdi"`
	EPI         *float64   `json:"epi"`
	EGDIRank    int        `json:"egdi_rank"`
	OSIRank     int        `json:"osi_rank"`
	TIIRank     int        `json:"tii_rank"`
	HCIRank     int        `json:"hci_rank"`
	EPIRank     int        `json:"epi_rank,omitempty"`
	Group       egdi.Group `json:"group"`
	RatingClass string     `json:"rating_class,omitempty"`
}

var computeHead = []string{"iso3", "osi", "tii", "hci", "egdi", "epi", "egdi_rank", "osi_rank", "tii_rank", "hci_rank",
	"epi_rank", "group", "rating_class"}

func (a *app) computeCmd() *cobra.Command {
	var (
		o       outputFlags
		edition string
		input   string
	)
	c := &cobra.Command{
		Use:   "compute --edition Y --input FILE.csv",
		Short: "Recompute every index for the countries in a CSV file of raw inputs, with an edition's method",
		Long: `compute reads a CSV file whose header is iso3 followed by what the edition needs among
internet_users, mobile_subscriptions, active_mobile_broadband, fixed_broadband, fixed_telephone,
wireless_broadband, adult_literacy, gross_enrolment, expected_schooling, mean_schooling,
osi_points or osi, epi_points or epi (tii and hci may also be given as indices), and computes
OSI, TII, HCI, EGDI and EPI, the ranks, groups and rating classes among the countries in the file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			var res *egdi.Results
			if year, err := strconv.Atoi(edition); err == nil {
				res, err = a.computeFile(cmd.Context(), year, input)
				if err != nil {
					return err
				}
			} else if res, err = a.computeScenario(cmd.Context(), edition, input); err != nil {
				return err
			}
			m := res.Method
			rows := make([]computeRow, len(res.Scores))
			for i, s := range res.Scores {
				rows[i] = computeRow{ISO3: s.ISO3, OSI: s.OSI, TII: s.TII, HCI: s.HCI, EGDI: s.EGDI, EPI: s.EPI,
					EGDIRank: s.EGDIRank, OSIRank: s.OSIRank, TIIRank: s.TIIRank, HCIRank: s.HCIRank, EPIRank: s.EPIRank,
					Group: s.Group, RatingClass: s.RatingClass}
			}
			if o.format == "json" {
				return writeJSON(a.stdout, rows)
			}
			t := &table{head: computeHead}
			if o.format == "table" {
				t.head = []string{"iso3", label(o.lang, "osi"), label(o.lang, "tii"), label(o.lang, "hci"), label(o.lang, "egdi"),
					label(o.lang, "epi"), label(o.lang, "rank"), "osi#", "tii#", "hci#", "epi#", label(o.lang, "group"), label(o.lang, "rating_class")}
			}
			for _, r := range rows {
				epi := ""
				if r.EPI != nil {
					epi = num(m.EPIPrecision, *r.EPI)
				}
				g := string(r.Group)
				if o.format == "table" {
					g = label(o.lang, g)
				}
				t.rows = append(t.rows, []string{string(r.ISO3), num(m.OSIPrecision, r.OSI), num(m.TIIPrecision, r.TII),
					num(m.HCIPrecision, r.HCI), num(m.EGDIPrecision, r.EGDI), epi, strconv.Itoa(r.EGDIRank),
					itoa(r.OSIRank), itoa(r.TIIRank), itoa(r.HCIRank), itoa(r.EPIRank), g, r.RatingClass})
			}
			return t.write(a.stdout, o.format, o.lang)
		},
	}
	c.Flags().StringVar(&edition, "edition", strconv.Itoa(egdi.LatestEdition), "edition whose method to use (survey year), or the name of an edition of yours (egdi edition list)")
	c.Flags().StringVar(&input, "input", "", "CSV file of inputs (header: iso3, then indicator names)")
	o.add(c, "table", "csv", "json")
	return c
}

// computeFile computes the inputs in a CSV file with a published edition's
// method.
func (a *app) computeFile(ctx context.Context, year int, input string) (*egdi.Results, error) {
	if input == "" {
		return nil, egdi.Errorf(egdi.EINVALID, "--input FILE.csv is required.")
	}
	m, err := egdi.MethodFor(year)
	if err != nil {
		return nil, err
	}
	d, err := a.dataset(ctx)
	if err != nil {
		return nil, err
	}
	fh, err := os.Open(input)
	if err != nil {
		return nil, egdi.Errorf(egdi.EINVALID, "Cannot read %s: %w.", input, err)
	}
	defer func() { _ = fh.Close() }()
	f, err := tabular.ReadInputs(input, fh, d.Countries)
	if err != nil {
		return nil, err
	}
	need, err := m.Required(f.Inputs)
	if err != nil {
		return nil, &egdi.InputError{File: input, Row: 1, Err: err}
	}
	if err := f.CheckComplete(need); err != nil {
		return nil, err
	}
	return m.Compute(f.Inputs)
}
