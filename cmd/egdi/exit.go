package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"syscall"

	"github.com/egdi-project/egdi"
)

// Exit statuses. They are part of the CLI contract.
const (
	exitOK       = 0
	exitInternal = 1   // a bug or an unexpected failure
	exitInvalid  = 2   // bad input: a flag, a file, a value, an unknown country or edition, a bad database URL
	exitBusy     = 3   // the store is locked by another writer; try again
	exitCanceled = 130 // interrupted (Ctrl-C), as shells report SIGINT
)

// exitCode maps an error to the exit status and prints its message: the
// one place where the error vocabulary meets exit statuses.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	code := egdi.ErrorCode(err)
	switch code {
	case egdi.EINTERNAL:
		_, _ = fmt.Fprintf(stderr, "egdi: internal error: %v\n", err)
	default:
		_, _ = fmt.Fprintf(stderr, "egdi: %s\n", egdi.ErrorMessage(err))
	}
	switch code {
	case egdi.EINVALID, egdi.ENOTFOUND, egdi.ECONFLICT, egdi.EUNAVAILABLE, egdi.EFORBIDDEN:
		return exitInvalid
	case egdi.EUNAUTHORIZED: // accounts (user.go): a bad --as
		return exitInvalid
	case egdi.EBUSY, egdi.ETOOMANY:
		return exitBusy
	case egdi.ECANCELED:
		return exitCanceled
	}
	return exitInternal
}

// writeError is the error for a file or directory the command could not
// write. A path that cannot name a file — its directory does not exist, or
// a directory stands where the file would go (EISDIR, or EEXIST from the
// rename) — is the user's bad argument (EINVALID, exit 2). Any other OS failure (permission denied, a read-only
// or full file system) is not bad input: it is EINTERNAL (exit 1), and the
// message carries the OS error.
func writeError(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.ENOTDIR) {
		return egdi.Errorf(egdi.EINVALID, "Cannot write %s: %w.", path, err)
	}
	return egdi.Errorf(egdi.EINTERNAL, "Cannot write %s: %w.", path, err)
}

// checkedWriter is standard output as the commands see it: it remembers the
// first write error and drops later writes, so that printing code can
// discard errors (_, _ = fmt.Fprintf) and run still reports a failed
// output (a full disk, a closed file) as an internal error, exit 1.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.err = err
	return n, err
}
