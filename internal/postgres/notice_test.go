package postgres_test

import (
	"testing"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/postgres"
	"github.com/egdi-project/egdi/internal/storetest"
)

func TestLaterEditionNotice(t *testing.T) {
	serverURL(t)
	urls := map[string]string{}
	storetest.RunNotice(t, func(t *testing.T, name string, b *egdi.Dataset, version string, notice func(string)) egdi.Store {
		u, ok := urls[name]
		if !ok {
			u = schemaURL(t)
			urls[name] = u
		}
		return mustOpen(t, postgres.Config{URL: u, Builtin: b, BuiltinVersion: version, Notice: notice})
	})
}
