// Package egdi is the domain of the UN E-Government Development Index (EGDI):
// the editions of the United Nations E-Government Survey (2003–2024), their
// methods, the component indices and how they are combined and ranked.
//
// The EGDI of a country is a weighted mean of three normalised indices:
//
//	EGDI = w_OSI·OSI + w_TII·TII + w_HCI·HCI
//
// with w = 1/3 each in every edition except 2008 and 2010 (0.34/0.33/0.33).
// OSI (online services) and EPI (e-participation) are min–max rescaled
// questionnaire points; TII (telecommunication infrastructure) and HCI (human
// capital) are weighted means of z-scores of their indicators, min–max
// rescaled from 2012 on. Ranks are competition ranks on the published
// (rounded) values, except in 2020, when equal published values got distinct
// ranks. Countries are put in four groups by EGDI (cut-offs 0.25, 0.50, 0.75)
// and, from 2020, each group is split into four rating classes by count.
//
// Every parameter is kept per edition in [Method]; where the UN has not
// published a detail, the method carries the documented best guess as a
// named [Param] whose Status says so. Sources: UN DESA, United Nations
// E-Government Survey 2003–2024 and its annexes (see METHODOLOGY in the
// project's shared documents).
//
// The package does no I/O: data come in as values ([Dataset], [Inputs]) and
// adapters under internal/ read and write files, databases and HTTP.
package egdi
