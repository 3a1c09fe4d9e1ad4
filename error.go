package egdi

import (
	"context"
	"errors"
	"fmt"
)

// Error codes. They are the project's one error vocabulary: the CLI maps
// them to exit statuses and the HTTP server to statuses, each in one place.
const (
	ECONFLICT    = "conflict"    // the request conflicts with stored data
	EINTERNAL    = "internal"    // a bug or an unexpected failure, such as a file the OS cannot write
	EINVALID     = "invalid"     // bad input: a flag, a file, a value
	ENOTFOUND    = "not_found"   // an unknown country, edition or object
	EUNAVAILABLE = "unavailable" // a store or a browser that cannot be reached
	EBUSY        = "busy"        // the store is locked by another writer
	ECANCELED    = "canceled"    // the user stopped the operation
	ETOOMANY     = "too_many"    // a limit on queued work is reached: try again later
	EFORBIDDEN   = "forbidden"   // the request is refused whoever retries it (a cross-site write)
)

// Error is an error a user can act on. Message is written for people: it says
// what is wrong and, where it helps, what to do. Err is the cause, if any
// (an OS or driver error, say): errors.Is and errors.As see it through
// Unwrap, while the message stays the one written for people.
type Error struct {
	Code    string
	Message string
	Err     error
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the cause, or nil.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message. As
// with fmt.Errorf, a %w verb formats its operand as %v does and makes it
// the cause (several %w: all of them, joined).
func Errorf(code, format string, args ...any) *Error {
	w := fmt.Errorf(format, args...)
	e := &Error{Code: code, Message: w.Error()}
	switch u := w.(type) {
	case interface{ Unwrap() error }:
		e.Err = u.Unwrap()
	case interface{ Unwrap() []error }:
		e.Err = errors.Join(u.Unwrap()...)
	}
	return e
}

// ErrorCode returns the code of the first *Error in err's chain, ECANCELED
// for a context cancellation, "" for nil and EINTERNAL for anything else.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	if errors.Is(err, context.Canceled) {
		return ECANCELED
	}
	var ie *InputError
	if errors.As(err, &ie) {
		return EINVALID
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the message of an
// *Error or an *InputError, and "Internal error." for anything else.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	// An *InputError first: it may wrap an *Error (a check that knows no
	// file), and its message adds the file, row and column.
	if e, ok := errors.AsType[*InputError](err); ok {
		return e.Error()
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	if errors.Is(err, context.Canceled) {
		return "Canceled."
	}
	return "Internal error."
}

// InputError reports a problem in an input file: which file, sheet, row and
// column, and why. It is modelled on encoding/csv.ParseError. Row and Column
// are 1-based as a spreadsheet shows them; 0 means "not applicable".
type InputError struct {
	File   string // file name as the user gave it
	Sheet  string // sheet name, for workbooks
	Row    int    // 1-based row, the header being row 1
	Column string // column name (or letter) as in the file
	Err    error  // the cause
}

func (e *InputError) Error() string {
	s := e.File
	if s == "" {
		s = "input"
	}
	if e.Sheet != "" {
		s += ", sheet " + e.Sheet
	}
	if e.Row > 0 {
		s += fmt.Sprintf(", row %d", e.Row)
	}
	if e.Column != "" {
		s += ", column " + e.Column
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *InputError) Unwrap() error { return e.Err }
