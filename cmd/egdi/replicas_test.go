package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// replica is one `egdi serve` process.
type replica struct {
	cmd *exec.Cmd
	url string // http://127.0.0.1:port/
	log string // its stderr (request and job logs)
}

func startReplica(t *testing.T, bin string, env []string, name string, args ...string) *replica {
	t.Helper()
	r := &replica{log: filepath.Join(t.TempDir(), name+".log")}
	logf, err := os.Create(r.log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = logf.Close() })
	r.cmd = exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	r.cmd.Env = append(os.Environ(), env...)
	r.cmd.Stderr = logf
	out, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.cmd.Process.Kill(); _ = r.cmd.Wait() })
	got := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := servingURL.FindStringSubmatch(sc.Text()); m != nil {
				got <- m[1]
			}
		}
	}()
	select {
	case r.url = <-got:
	case <-time.After(60 * time.Second):
		b, _ := os.ReadFile(r.log)
		t.Fatalf("replica %s did not start:\n%s", name, b)
	}
	return r
}

type jobRow struct {
	id, status, worker string
	attempts           int
}

func jobRows(t *testing.T, conn *pgx.Conn, schema string) []jobRow {
	t.Helper()
	rows, err := conn.Query(t.Context(), `SELECT id, status, worker, attempts FROM `+schema+`.jobs ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []jobRow
	for rows.Next() {
		var j jobRow
		if err := rows.Scan(&j.id, &j.status, &j.worker, &j.attempts); err != nil {
			t.Fatal(err)
		}
		out = append(out, j)
	}
	return out
}

// TestReplicasSIGKILL (finding 2): two `egdi serve` processes share one
// PostgreSQL store. Jobs are queued through the first; when it is killed
// (SIGKILL) while it runs one and others wait, the second requeues the
// killed job within the lease (2 s here) plus its poll (1 s), runs it and
// every other job to the end, and answers for all of them.
func TestReplicasSIGKILL(t *testing.T) {
	base := os.Getenv("EGDI_TEST_POSTGRES")
	if base == "" {
		t.Skip("EGDI_TEST_POSTGRES not set: PostgreSQL replica test skipped")
	}
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	schema := fmt.Sprintf("egdi_replicas_%d", os.Getpid())
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
	env := []string{"EGDI_DB=" + base + sep + "search_path=" + schema}
	bin := buildBinary(t)
	seed := exec.Command(bin, "rank", "--top", "1") // migrate and seed once
	seed.Env = append(os.Environ(), env...)
	if out, err := seed.CombinedOutput(); err != nil {
		t.Fatalf("seeding: %v\n%s", err, out)
	}
	const lease, poll = 2 * time.Second, time.Second
	args := []string{"--job-lease", lease.String(), "--max-jobs-per-client", "10"}
	a := startReplica(t, bin, env, "a", args...)
	b := startReplica(t, bin, env, "b", args...)

	var ids []string
	for seed := range 5 {
		body := fmt.Sprintf(`{"edition":2022,"replications":200000,"seed":%d}`, seed+1)
		resp, err := http.Post(a.url+"api/v1/uncertainty", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var j struct{ ID string }
		err = json.NewDecoder(resp.Body).Decode(&j)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted || err != nil {
			t.Fatalf("POST %d: %d %v", seed, resp.StatusCode, err)
		}
		ids = append(ids, j.ID)
	}

	// Wait until a runs a job while at least one waits; then kill a.
	mark := "-" + strconv.Itoa(a.cmd.Process.Pid) + "-"
	var victim string
	for deadline := time.Now().Add(60 * time.Second); victim == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		queued, running := 0, ""
		for _, j := range jobRows(t, conn, schema) {
			switch {
			case j.status == "queued":
				queued++
			case j.status == "running" && strings.Contains(j.worker, mark):
				running = j.id
			}
		}
		if running != "" && queued > 0 {
			victim = running
		}
	}
	if victim == "" {
		t.Fatalf("replica a never ran a job while others were queued: %+v", jobRows(t, conn, schema))
	}
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	t.Logf("killed replica a (pid %d) while it ran job %s: %+v", a.cmd.Process.Pid, victim, jobRows(t, conn, schema))

	// The killed job leaves the dead process within lease + poll.
	var freed time.Duration
	for freed == 0 && time.Since(killed) < 30*time.Second {
		for _, j := range jobRows(t, conn, schema) {
			if j.id == victim && !(j.status == "running" && strings.Contains(j.worker, mark)) {
				freed = time.Since(killed)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if bound := lease + poll + time.Second; freed == 0 || freed > bound {
		t.Errorf("the killed job was freed after %s, the bound is %s", freed, bound)
	}

	// Every job ends done, through the surviving replica.
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		done := 0
		for _, id := range ids {
			resp, err := http.Get(b.url + "api/v1/uncertainty/" + id)
			if err != nil {
				t.Fatal(err)
			}
			var j struct {
				Status string
				Error  *struct{ Code, Message string }
			}
			err = json.NewDecoder(resp.Body).Decode(&j)
			_ = resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("GET job %s from b: %d %v", id, resp.StatusCode, err)
			}
			switch j.Status {
			case "done":
				done++
			case "failed", "canceled":
				t.Fatalf("job %s %s: %+v", id, j.Status, j.Error)
			}
		}
		if done == len(ids) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d jobs done after 3 minutes: %+v", done, len(ids), jobRows(t, conn, schema))
		}
	}
	for _, j := range jobRows(t, conn, schema) {
		if j.id == victim && j.attempts != 2 {
			t.Errorf("the killed job was started %d times, want 2", j.attempts)
		}
		if strings.Contains(j.worker, mark) {
			t.Errorf("job %s is left to the killed replica", j.id)
		}
	}
	t.Logf("freed %s after the kill; all %d jobs done %s after it", freed, len(ids), time.Since(killed))
}
