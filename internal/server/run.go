package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
)

// Serve serves h on ln until ctx is done (SIGTERM or Ctrl-C in `egdi
// serve`), then shuts down gracefully: it stops accepting connections and
// waits up to 20 s for requests in flight. The http.Server carries the
// timeouts that protect it from slow clients.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: serverTimeouts.ReadHeader,
		ReadTimeout:       serverTimeouts.Read,
		WriteTimeout:      serverTimeouts.Write,
		IdleTimeout:       serverTimeouts.Idle,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", "addr", ln.Addr().String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), serverTimeouts.Shutdown)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
