// Command egdi is the UN E-Government Development Index engine: it ranks,
// compares and recomputes every edition of the UN E-Government Survey
// (2003–2024), in English and Arabic. Run `egdi help` for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}
