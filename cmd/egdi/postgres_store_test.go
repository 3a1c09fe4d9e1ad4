package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/egdi-project/egdi/internal/testenv"
)

// TestPostgresCLI runs the store commands against PostgreSQL (a schema of
// its own in the EGDI_TEST_POSTGRES database).
func TestPostgresCLI(t *testing.T) {
	base := testenv.Postgres(t)
	schema := fmt.Sprintf("egdi_cli_%d", os.Getpid())
	conn, err := pgx.Connect(t.Context(), base)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(context.Background()) }()
	if _, err := conn.Exec(t.Context(), `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = conn.Exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`) })
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	env := map[string]string{"EGDI_DB": base + sep + "search_path=" + schema}

	if out := mustEgdi(t, env, "rank", "--top", "1", "--format", "csv"); !strings.Contains(out, "DNK") {
		t.Fatalf("rank on PostgreSQL: %s", out)
	}
	hdr := sharedFile(t, "components/undp_hdr/HDR23-24_Composite_indices_complete_time_series.csv")
	for i, want := range []string{" stored, 0 unchanged", " 0 stored, "} {
		_, errs, code := egdiIn(t, env, "import", hdr)
		if code != 0 || !strings.Contains(errs, want) {
			t.Fatalf("import %d: exit %d, %q; want %q", i+1, code, errs, want)
		}
	}
	mustEgdi(t, env, "edition", "create", "pg", "--like", "2022", "--data-year", "2020")
	var rows []computeRow
	if err := json.Unmarshal([]byte(mustEgdi(t, env, "compute", "--edition", "pg", "--format", "json")), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 193 {
		t.Fatalf("compute --edition pg: %d rows, want 193", len(rows))
	}
	var n int
	if err := conn.QueryRow(t.Context(), `SELECT COUNT(*) FROM `+schema+`.results WHERE scenario = 'pg'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d stored results of edition pg (%v), want 1", n, err)
	}
}
