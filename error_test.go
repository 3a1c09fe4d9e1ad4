package egdi_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/egdi-project/egdi"
)

// TestErrorMessage: the message a user sees names the file of an input
// error even when its cause is an *egdi.Error raised by a check that knows
// no file, and the code stays the cause's.
func TestErrorMessage(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       error
		code, msg string
	}{
		{"Error", egdi.Errorf(egdi.ENOTFOUND, "No such edition."), egdi.ENOTFOUND, "No such edition."},
		{"InputError", &egdi.InputError{File: "a.csv", Row: 3, Column: "tii", Err: errors.New("not a number")},
			egdi.EINVALID, "a.csv, row 3, column tii: not a number"},
		{"InputErrorWrapsError", &egdi.InputError{File: "a.csv", Row: 1, Err: egdi.Errorf(egdi.EINVALID, "Edition 2022 needs the column osi.")},
			egdi.EINVALID, "a.csv, row 1: Edition 2022 needs the column osi."},
		{"WrappedInputError", fmt.Errorf("import: %w", &egdi.InputError{File: "b.xlsx", Sheet: "Data", Err: egdi.Errorf(egdi.ENOTFOUND, "Unknown country.")}),
			egdi.ENOTFOUND, "b.xlsx, sheet Data: Unknown country."},
		{"Canceled", context.Canceled, egdi.ECANCELED, "Canceled."},
		{"Internal", errors.New("boom"), egdi.EINTERNAL, "Internal error."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := egdi.ErrorCode(tc.err); got != tc.code {
				t.Errorf("code %q, want %q", got, tc.code)
			}
			if got := egdi.ErrorMessage(tc.err); got != tc.msg {
				t.Errorf("message %q, want %q", got, tc.msg)
			}
		})
	}
}

// TestErrorCause: an *Error keeps its cause for errors.Is and errors.As,
// while its code and message stay those written for people.
func TestErrorCause(t *testing.T) {
	cause := &fs.PathError{Op: "open", Path: "x.csv", Err: fs.ErrPermission}
	for _, tc := range []struct {
		name    string
		err     error
		code    string
		message string
		cause   error // nil: none
	}{
		{"ErrorfW", egdi.Errorf(egdi.EINTERNAL, "Cannot write %s: %w.", "x.csv", cause), egdi.EINTERNAL,
			"Cannot write x.csv: open x.csv: permission denied.", fs.ErrPermission},
		{"ErrorfV", egdi.Errorf(egdi.EINVALID, "Bad: %v.", cause), egdi.EINVALID, "Bad: open x.csv: permission denied.", nil},
		{"ErrorfTwoW", egdi.Errorf(egdi.EINVALID, "%w and %w", context.Canceled, cause), egdi.EINVALID,
			"context canceled and open x.csv: permission denied", fs.ErrPermission},
		{"WrappedAgain", errors.Join(egdi.Errorf(egdi.ENOTFOUND, "No %w", cause)), egdi.ENOTFOUND, "No open x.csv: permission denied", cause},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := egdi.ErrorCode(tc.err); got != tc.code {
				t.Errorf("code %s, want %s", got, tc.code)
			}
			if got := egdi.ErrorMessage(tc.err); got != tc.message {
				t.Errorf("message %q, want %q", got, tc.message)
			}
			if tc.cause != nil && !errors.Is(tc.err, tc.cause) {
				t.Errorf("%v does not unwrap to %v", tc.err, tc.cause)
			}
			if tc.cause == nil && errors.Unwrap(tc.err) != nil {
				t.Errorf("%v has a cause %v, want none", tc.err, errors.Unwrap(tc.err))
			}
		})
	}
}
