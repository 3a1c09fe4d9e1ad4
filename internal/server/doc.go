// Package server is egdi's HTTP face: a JSON API under /api/v1, described by
// the OpenAPI 3.1 document of package api, and a bilingual dashboard (English
// under /en/, Arabic right to left under /ar/) rendered on the server with
// html/template and the SVG charts of internal/chart.
//
// [NewServer] returns one http.Handler; every route is listed in routes.go.
// [New] returns the [Server], whose [Server.Work] runs the queued jobs.
// Everything the handler serves is embedded (templates, CSS, JavaScript,
// fonts, the world map): nothing is fetched at run time and no CDN is used.
//
// Errors follow the project's vocabulary (egdi.Error codes) and are mapped
// to HTTP statuses in one place, [statusOf]; API errors are written as
// {"error":{"code":…,"message":…}}. Bad input never yields a 5xx.
//
// Published data never change for a given dataset, so API responses carry an
// ETag and Cache-Control and are kept, gzip-compressed, in a small cache.
// Nothing another process needs lives only in this one's memory: uncertainty
// jobs live in the egdi.JobStore the caller passes in (Deps.Jobs), bounded
// per server and per client, with random ids, leases that any process
// recovers, and expiry.
//
// Requests that change state are POST or DELETE only and refused from other
// sites (crossOrigin); Host headers other than IP addresses, localhost and
// Deps.Hosts are refused with 421 (allowedHosts), against DNS rebinding.
package server
