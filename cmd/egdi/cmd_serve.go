package main

import (
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/server"
)

func (a *app) serveCmd() *cobra.Command {
	var (
		addr      string
		logLevel  string
		hosts     []string
		maxJobs   int
		perClient int
		maxKept   int
		jobTTL    time.Duration
		jobLease  time.Duration

		secureCookies bool // accounts
	)
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the dashboard (English and Arabic) and the JSON API",
		Long: `serve starts the web dashboard and the JSON API (described at /api/v1/openapi.yaml)
on the store named by --db (SQLite by default, seeded with the built-in data).
Every asset is embedded: it needs no internet access. It logs one JSON line per
request to stderr and stops gracefully on SIGTERM or Ctrl-C.

Uncertainty analyses are jobs kept in the store: several serve processes can
share one PostgreSQL store, and any of them runs any queued job. At most
--max-jobs jobs are queued or running over all of them, --max-jobs-per-client
per client address (beyond: 429 with Retry-After); a finished job and its
result are deleted after --job-ttl, and at most --max-jobs-kept are kept. A
process renews the lease of the job it runs; when it stops (even by SIGKILL)
another process requeues the job within --job-lease plus a second, and fails
it after 3 starts.

Requests that change state (POST, DELETE) are refused from other sites (403),
and only Host headers naming an IP address, localhost or a --host name are
served (421 otherwise), so that no web page the user opens can start jobs on a
loopback server.`,
		Example: "  egdi serve\n  egdi serve --addr :8080 --host egdi.example.org --db postgres://egdi@db/egdi",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var level slog.Level
			if err := level.UnmarshalText([]byte(logLevel)); err != nil {
				return egdi.Errorf(egdi.EINVALID, "Unknown --log-level %q: choose debug, info, warn or error.", logLevel)
			}
			for name, v := range map[string]int{"--max-jobs": maxJobs, "--max-jobs-per-client": perClient, "--max-jobs-kept": maxKept} {
				if v < 1 {
					return egdi.Errorf(egdi.EINVALID, "%s must be 1 or more, not %d.", name, v)
				}
			}
			if jobTTL < time.Minute || jobLease < time.Second {
				return egdi.Errorf(egdi.EINVALID, "--job-ttl must be at least 1m and --job-lease at least 1s (got %s and %s).", jobTTL, jobLease)
			}
			for _, h := range hosts {
				if h == "" || strings.ContainsAny(h, ":/ ") {
					return egdi.Errorf(egdi.EINVALID, "--host %q: give a host name without port or scheme, e.g. egdi.example.org.", h)
				}
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			logger := slog.New(slog.NewJSONHandler(a.stderr, &slog.HandlerOptions{Level: level}))
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return egdi.Errorf(egdi.EINVALID, "Cannot listen on %s: %w.", addr, err)
			}
			deps := server.Deps{Dataset: a.dataset, Jobs: st, Assessments: st, Tracker: st, Version: builtin.Version, Hosts: hosts,
				JobLimits: egdi.JobLimits{MaxActive: maxJobs, MaxPerClient: perClient, MaxKept: maxKept},
				JobTTL:    jobTTL, JobLease: jobLease, SecureCookies: secureCookies}
			// Accounts are on when the store has users (egdi user add,
			// cmd_user.go): then assessments and every write need a
			// signed-in user. A store without users is a single user's, as
			// the CLI treats it: its writes stay open to whoever reaches
			// the server (loopback and the --host names only). The choice
			// is made at start-up: restart after adding the first user.
			users, err := st.Users(cmd.Context())
			if err != nil {
				_ = ln.Close()
				return err
			}
			if len(users) > 0 {
				deps.Accounts = st
			}
			srv := server.New(logger, deps)
			urls, err := listenURLs(ln.Addr(), net.InterfaceAddrs)
			if err != nil {
				_ = ln.Close()
				return err
			}
			where := "on " + urls[0]
			if len(urls) > 1 {
				where = "on every interface: " + strings.Join(urls, " ")
			}
			cmd.Printf("egdi: serving %s (Ctrl-C to stop)\n", where)
			if len(users) > 0 {
				cmd.Printf("egdi: accounts on (%d %s): assessments and writes need a signed-in user\n", len(users), plural(len(users), "user", "users"))
			} else {
				cmd.Printf("egdi: no accounts: a single user's store, writes open (egdi user add EMAIL --role admin, then restart, to require sign-in)\n")
			}
			var wg sync.WaitGroup
			wg.Go(func() { _ = srv.Work(cmd.Context()) })
			err = server.Serve(cmd.Context(), ln, srv.Handler(), logger)
			wg.Wait()
			return err
		},
	}
	lim := server.DefaultJobLimits
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; :PORT listens on every interface; port 0 picks a free one)")
	c.Flags().StringVar(&logLevel, "log-level", "info", "request log level: debug|info|warn|error")
	c.Flags().StringSliceVar(&hosts, "host", nil, "a host name the server answers to, besides IP addresses and localhost (repeat or comma-separate)")
	c.Flags().IntVar(&maxJobs, "max-jobs", lim.MaxActive, "uncertainty jobs queued or running at most, over every process sharing the store")
	c.Flags().IntVar(&perClient, "max-jobs-per-client", lim.MaxPerClient, "uncertainty jobs queued or running at most per client address")
	c.Flags().IntVar(&maxKept, "max-jobs-kept", lim.MaxKept, "jobs kept at most, finished ones included (the oldest finished go first)")
	c.Flags().DurationVar(&jobTTL, "job-ttl", time.Hour, "how long a finished job and its result are kept (and the longest a job waits in the queue)")
	c.Flags().DurationVar(&jobLease, "job-lease", 30*time.Second, "how long the job of a process that stopped stays running before another process requeues it")
	c.Flags().BoolVar(&secureCookies, "secure-cookies", false, "mark the session cookie Secure over plain HTTP too (behind a TLS proxy); it is over TLS anyway")
	return c
}

// listenURLs lists every URL a listener answers on: its own address, or,
// for an unspecified address (":8080", "0.0.0.0:8080", "[::]:8080"),
// loopback and the address of every interface (from ifaddrs) of the
// listener's family.
func listenURLs(addr net.Addr, ifaddrs func() ([]net.Addr, error)) ([]string, error) {
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil {
		return []string{"http://" + addr.String() + "/"}, nil
	}
	port := strconv.Itoa(int(ap.Port()))
	url := func(ip netip.Addr) string {
		return "http://" + net.JoinHostPort(ip.Unmap().WithZone("").String(), port) + "/"
	}
	if !ap.Addr().IsUnspecified() {
		return []string{url(ap.Addr())}, nil
	}
	v4only := ap.Addr().Unmap().Is4() && ap.Addr().Is4()
	as, err := ifaddrs()
	if err != nil {
		return nil, egdi.Errorf(egdi.EINTERNAL, "listing the network interfaces: %v", err)
	}
	var ips []netip.Addr
	for _, a := range as {
		var ip net.IP
		switch a := a.(type) {
		case *net.IPNet:
			ip = a.IP
		case *net.IPAddr:
			ip = a.IP
		}
		p, ok := netip.AddrFromSlice(ip)
		if !ok || p.Unmap().IsLinkLocalUnicast() || (v4only && !p.Unmap().Is4()) {
			continue
		}
		ips = append(ips, p.Unmap())
	}
	ips = append(ips, netip.MustParseAddr("127.0.0.1"))
	slices.SortFunc(ips, func(x, y netip.Addr) int {
		if x.IsLoopback() != y.IsLoopback() {
			if x.IsLoopback() {
				return -1
			}
			return 1
		}
		return x.Compare(y)
	})
	ips = slices.Compact(ips)
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = url(ip)
	}
	return out, nil
}
