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
		db       string
		logLevel string
	)
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the dashboard (English and Arabic) and the JSON API on the built-in data",
		Long: `serve starts the web dashboard and the JSON API (described at /api/v1/openapi.yaml).
Every asset is embedded: it needs no internet access. It logs one JSON line per
request to stderr and stops gracefully on SIGTERM or Ctrl-C.`,
		Example: "  egdi serve\n  egdi serve --addr 0.0.0.0:8080",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var level slog.Level
			if err := level.UnmarshalText([]byte(logLevel)); err != nil {
				return egdi.Errorf(egdi.EINVALID, "Unknown --log-level %q: choose debug, info, warn or error.", logLevel)
			}
			if db != "" {
				return egdi.Errorf(egdi.EINVALID, "--db is not supported by this build yet: serve uses the built-in data.")
			}
			logger := slog.New(slog.NewJSONHandler(a.stderr, &slog.HandlerOptions{Level: level}))
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return egdi.Errorf(egdi.EINVALID, "Cannot listen on %s: %v.", addr, err)
			}
			h := server.NewServer(logger, server.Deps{Dataset: a.dataset, Version: builtin.Version})
			url := "http://" + ln.Addr().String() + "/"
			if ta, ok := ln.Addr().(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
				url = fmt.Sprintf("http://127.0.0.1:%d/", ta.Port)
			}
			cmd.Printf("egdi: serving on %s (Ctrl-C to stop)\n", url)
			return server.Serve(cmd.Context(), ln, h, logger)
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	c.Flags().StringVar(&db, "db", "", "database URL of the store (default: the built-in data)")
	c.Flags().StringVar(&logLevel, "log-level", "info", "request log level: debug|info|warn|error")
	return c
}
