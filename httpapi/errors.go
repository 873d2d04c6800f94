package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/kycd/kycd/kyc"
)

// ProblemBaseURL prefixes every problem type: https://kycd.dev/problems/<kind>.
const ProblemBaseURL = "https://kycd.dev/problems/"

// Problem is an RFC 9457 problem document, the body of every error response. Code, Field and
// Missing let a client act on the error without parsing the detail text.
type Problem struct {
	Type      string     `json:"type"`
	Title     string     `json:"title"`
	Status    int        `json:"status"`
	Detail    string     `json:"detail"`
	Code      kyc.Code   `json:"code,omitempty"`
	Field     string     `json:"field,omitempty"`
	Missing   []kyc.Step `json:"missing,omitempty"`
	RequestID string     `json:"request_id,omitempty"`
}

// requestError is a request the HTTP layer cannot even read: malformed JSON, a query parameter
// of the wrong syntax, a missing multipart field. It maps to 400, unlike a domain KindInvalid
// (well-formed input the service refuses), which maps to 422.
type requestError struct {
	field string
	msg   string
}

func (e *requestError) Error() string {
	if e.field != "" {
		return "malformed request: " + e.field + ": " + e.msg
	}
	return "malformed request: " + e.msg
}

func malformed(field, format string, args ...any) error {
	return &requestError{field: field, msg: fmt.Sprintf(format, args...)}
}

// methodError is a known path asked with a method it does not serve.
type methodError struct{ allow string }

func (e *methodError) Error() string { return "method not allowed" }

type kindInfo struct {
	status int
	title  string
}

var kinds = map[kyc.ErrorKind]kindInfo{
	kyc.KindInvalid:      {http.StatusUnprocessableEntity, "Invalid input"},
	kyc.KindNotFound:     {http.StatusNotFound, "Not found"},
	kyc.KindConflict:     {http.StatusConflict, "Conflict"},
	kyc.KindUnauthorized: {http.StatusUnauthorized, "Unauthorized"},
	kyc.KindForbidden:    {http.StatusForbidden, "Forbidden"},
	kyc.KindTooLarge:     {http.StatusRequestEntityTooLarge, "Payload too large"},
	kyc.KindUnsupported:  {http.StatusUnsupportedMediaType, "Unsupported media type"},
	kyc.KindInternal:     {http.StatusInternalServerError, "Internal server error"},
}

// problemFor is the one mapping from errors to problems. It reports whether the error is an
// internal one, whose real cause must be logged and never shown.
func problemFor(err error) (p Problem, internal bool) {
	var re *requestError
	var me *methodError
	var ke *kyc.Error
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &re):
		return Problem{Type: ProblemBaseURL + "malformed", Title: "Malformed request", Status: http.StatusBadRequest,
			Detail: re.msg, Field: re.field}, false
	case errors.As(err, &me):
		return Problem{Type: ProblemBaseURL + "method_not_allowed", Title: "Method not allowed",
			Status: http.StatusMethodNotAllowed, Detail: "this path does not accept that method; allowed: " + me.allow}, false
	case errors.As(err, &mbe):
		return Problem{Type: ProblemBaseURL + string(kyc.KindTooLarge), Title: kinds[kyc.KindTooLarge].title,
			Status: http.StatusRequestEntityTooLarge, Detail: fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit)}, false
	case errors.As(err, &ke) && ke.Kind != kyc.KindInternal:
		info, ok := kinds[ke.Kind]
		if !ok {
			break
		}
		return Problem{Type: ProblemBaseURL + string(ke.Kind), Title: info.title, Status: info.status,
			Detail: ke.Message, Code: ke.Code, Field: ke.Field, Missing: ke.Missing}, false
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return Problem{Type: ProblemBaseURL + "unavailable", Title: "Service unavailable", Status: http.StatusServiceUnavailable,
			Detail: "the request was cancelled or took too long; try again"}, false
	}
	return Problem{Type: ProblemBaseURL + string(kyc.KindInternal), Title: kinds[kyc.KindInternal].title,
		Status: http.StatusInternalServerError, Detail: "something went wrong on our side; quote the request id if you contact support"}, true
}

// writeError writes err as a problem. Internal errors are logged with the request id (their text
// names ids and operations, never personal data: the service and the stores keep to that).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	p, internal := problemFor(err)
	p.RequestID = requestID(r.Context())
	if internal {
		s.log.LogAttrs(r.Context(), slog.LevelError, "request failed",
			slog.String("request_id", p.RequestID), slog.String("route", r.Pattern), slog.Any("err", err))
	}
	var me *methodError
	if errors.As(err, &me) {
		w.Header().Set("Allow", me.allow)
	}
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="kycd"`)
	}
	writeProblem(w, p)
}

func writeProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Del("Content-Disposition")
	w.Header().Del("Content-Length")
	w.WriteHeader(p.Status)
	_ = jsonEncode(w, p)
}
