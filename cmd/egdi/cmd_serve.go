package main

import (
	"fmt"
	"log/slog"
	"net"

	"github.com/spf13/cobra"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/builtin"
	"github.com/egdi-project/egdi/internal/server"
)

func (a *app) serveCmd() *cobra.Command {
	var (
		addr     string
		logLevel string

		secureCookies bool // accounts
	)
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the dashboard (English and Arabic) and the JSON API",
		Long: `serve starts the web dashboard and the JSON API (described at /api/v1/openapi.yaml)
on the store named by --db (SQLite by default, seeded with the built-in data).
Every asset is embedded: it needs no internet access. It logs one JSON line per
request to stderr and stops gracefully on SIGTERM or Ctrl-C. Several serve
processes can share one PostgreSQL store: uncertainty jobs live in the store.`,
		Example: "  egdi serve\n  egdi serve --addr 0.0.0.0:8080 --db postgres://egdi@db/egdi",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var level slog.Level
			if err := level.UnmarshalText([]byte(logLevel)); err != nil {
				return egdi.Errorf(egdi.EINVALID, "Unknown --log-level %q: choose debug, info, warn or error.", logLevel)
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			logger := slog.New(slog.NewJSONHandler(a.stderr, &slog.HandlerOptions{Level: level}))
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return egdi.Errorf(egdi.EINVALID, "Cannot listen on %s: %v.", addr, err)
			}
			h := server.NewServer(logger, server.Deps{Dataset: a.dataset, Jobs: server.StoreJobs(st), Version: builtin.Version,
				Accounts: st, SecureCookies: secureCookies}) // accounts: cmd_user.go
			url := "http://" + ln.Addr().String() + "/"
			if ta, ok := ln.Addr().(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
				url = fmt.Sprintf("http://127.0.0.1:%d/", ta.Port)
			}
			cmd.Printf("egdi: serving on %s (Ctrl-C to stop)\n", url)
			return server.Serve(cmd.Context(), ln, h, logger)
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	c.Flags().StringVar(&logLevel, "log-level", "info", "request log level: debug|info|warn|error")
	c.Flags().BoolVar(&secureCookies, "secure-cookies", false, "mark the session cookie Secure over plain HTTP too (behind a TLS proxy); it is over TLS anyway")
	return c
}
