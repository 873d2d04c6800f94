package kyc

import (
	"errors"
	"fmt"
)

// ErrorKind classifies a domain error; the HTTP layer maps each kind to one status code.
type ErrorKind string

// Error kinds.
const (
	KindInvalid      ErrorKind = "invalid"      // 400/422: the input is wrong
	KindNotFound     ErrorKind = "not_found"    // 404
	KindConflict     ErrorKind = "conflict"     // 409: the state does not allow it
	KindUnauthorized ErrorKind = "unauthorized" // 401
	KindForbidden    ErrorKind = "forbidden"    // 403
	KindTooLarge     ErrorKind = "too_large"    // 413
	KindUnsupported  ErrorKind = "unsupported"  // 415
	KindInternal     ErrorKind = "internal"     // 500
)

// Error is the one error model of kycd: a kind, an optional reason code, a message safe to show
// the caller, and the field it concerns. Internal causes go to the log, never to the client.
type Error struct {
	Kind    ErrorKind
	Code    Code   // reason code where one applies (FILE_TOO_LARGE, ...)
	Field   string // the input field at fault, if any
	Message string
	Missing []Step // for submit: the steps still missing
	Err     error  // internal cause, never shown
}

func (e *Error) Error() string {
	s := string(e.Kind) + ": " + e.Message
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a domain error of the given kind.
func Errorf(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns a KindInvalid error naming the field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns a KindNotFound error. Stores return it instead of nil, nil.
func NotFound(what string) *Error {
	return &Error{Kind: KindNotFound, Message: what + " not found"}
}

// WithCode attaches a reason code.
func (e *Error) WithCode(c Code) *Error { e.Code = c; return e }

// KindOf returns the kind of err, KindInternal for errors that are not domain errors.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// IsNotFound reports whether err is a not-found domain error.
func IsNotFound(err error) bool { return KindOf(err) == KindNotFound }
