package main

import (
	"fmt"
	"io"

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
		fmt.Fprintf(stderr, "egdi: internal error: %v\n", err)
	default:
		fmt.Fprintf(stderr, "egdi: %s\n", egdi.ErrorMessage(err))
	}
	switch code {
	case egdi.EINVALID, egdi.ENOTFOUND, egdi.ECONFLICT, egdi.ENOTIMPLEMENTED, egdi.EUNAVAILABLE:
		return exitInvalid
	case egdi.EUNAUTHORIZED, egdi.EFORBIDDEN: // accounts (user.go): a bad --as or a right the user lacks
		return exitInvalid
	case egdi.EBUSY:
		return exitBusy
	case egdi.ECANCELED:
		return exitCanceled
	}
	return exitInternal
}
