// Package api holds the contract of egdi's HTTP API: the OpenAPI 3.1
// document openapi.yaml, written by hand, embedded in the binary and served
// at /api/v1/openapi.yaml. Tests in internal/server check every real
// response against it and every route against its paths.
package api

import _ "embed"

// Spec is the OpenAPI 3.1 document of the API, in YAML.
//
//go:embed openapi.yaml
var Spec []byte
