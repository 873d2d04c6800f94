package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/kycd/kycd/kyc"
)

// Config bounds what the API accepts. Zero values take the defaults of kycd's configuration.
type Config struct {
	Logger *slog.Logger
	// MaxJSONBytes bounds any JSON request body (default 64 KiB).
	MaxJSONBytes int64
	// MaxImageBytes bounds an uploaded image (default 2 MiB, PRODUCT.md's default).
	MaxImageBytes int64
	// MaxPDFBytes bounds a PDF proof of address (default 10 MiB).
	MaxPDFBytes int64
	// MaxAppealFiles bounds the files of one appeal (default: the service's setting, else 5).
	MaxAppealFiles int
	// AllowPrivateWebhooks lets integrators register webhook URLs on loopback and private
	// addresses (tests, same-host deployments).
	AllowPrivateWebhooks bool
}

// Server is kycd's HTTP API over one service.
type Server struct {
	svc     *kyc.Service
	cfg     Config
	log     *slog.Logger
	mux     *http.ServeMux
	routes  []string // registered patterns, for the OpenAPI coverage test
	handler http.Handler
}

// New returns the API server. It panics on a route table that does not compile, a programming
// error caught by any test.
func New(svc *kyc.Service, cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxJSONBytes <= 0 {
		cfg.MaxJSONBytes = 64 << 10
	}
	if cfg.MaxImageBytes <= 0 {
		cfg.MaxImageBytes = 2 << 20
	}
	if cfg.MaxPDFBytes <= 0 {
		cfg.MaxPDFBytes = 10 << 20
	}
	if cfg.MaxAppealFiles <= 0 {
		cfg.MaxAppealFiles = svc.Settings().MaxAppealFiles
	}
	if cfg.MaxAppealFiles <= 0 {
		cfg.MaxAppealFiles = 5
	}
	s := &Server{svc: svc, cfg: cfg, log: cfg.Logger, mux: http.NewServeMux()}
	s.registerRoutes()
	s.handler = s.withRequestID(s.withAccessLog(s.withRecover(http.HandlerFunc(s.dispatch))))
	return s
}

// Handler returns the API's root handler, with request ids, the access log and panic recovery.
func (s *Server) Handler() http.Handler { return s.handler }

// dispatch serves matched routes through the mux and answers unmatched ones (unknown path, or a
// known path with another method) with a problem instead of the mux's plain text.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.mux.Handler(r); pattern == "" {
		h, _ := s.mux.Handler(r)
		rec := &headerRecorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		if rec.status == http.StatusMethodNotAllowed {
			s.writeError(w, r, &methodError{allow: rec.header.Get("Allow")})
			return
		}
		s.writeError(w, r, kyc.NotFound("route"))
		return
	}
	s.mux.ServeHTTP(w, r)
}

// headerRecorder captures the status the mux would answer for an unmatched request.
type headerRecorder struct {
	header http.Header
	status int
}

func (h *headerRecorder) Header() http.Header         { return h.header }
func (h *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (h *headerRecorder) WriteHeader(code int) {
	if h.status == 0 {
		h.status = code
	}
}

// audience says who may call a route.
type audience uint8

const (
	public     audience = 1 << iota // no credentials
	integrator                      // API key kyck_...
	applicant                       // applicant token kat_..., scoped to the {id} in the path
	staff                           // staff session kst_..., any role
	admin                           // staff session of an admin
)

// principal is the authenticated caller of a request.
type principal struct {
	actor       kyc.Actor
	applicantID string // set for applicant tokens: the only applicant they reach
	staff       *kyc.Staff
}

func (p *principal) isApplicant() bool { return p != nil && p.actor.Type == kyc.ActorApplicant }

// handlerFunc is an API handler: it returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request, p *principal) error

// handle registers a route for an audience.
func (s *Server) handle(pattern string, aud audience, h handlerFunc) {
	s.routes = append(s.routes, pattern)
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r, aud)
		if err == nil {
			err = h(w, r, p)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	})
}

// authenticate finds the caller from the bearer credential and checks it may call the route. The
// credential's prefix says what it is; each kind is verified by the service.
func (s *Server) authenticate(r *http.Request, aud audience) (*principal, error) {
	if aud == public {
		return nil, nil
	}
	auth := r.Header.Get("Authorization")
	scheme, cred, ok := strings.Cut(auth, " ")
	cred = strings.TrimSpace(cred)
	if auth == "" || !ok || !strings.EqualFold(scheme, "Bearer") || cred == "" {
		return nil, kyc.Errorf(kyc.KindUnauthorized, "send credentials as Authorization: Bearer <API key or token>")
	}
	ctx := r.Context()
	var p *principal
	var allowed bool
	switch {
	case strings.HasPrefix(cred, "kyck_"):
		k, err := s.svc.AuthenticateAPIKey(ctx, cred)
		if err != nil {
			return nil, err
		}
		p = &principal{actor: kyc.Actor{Type: kyc.ActorIntegrator, ID: k.ID}}
		allowed = aud&integrator != 0
	case strings.HasPrefix(cred, "kat_"):
		id, err := s.svc.VerifyToken(cred)
		if err != nil {
			return nil, err
		}
		p = &principal{actor: kyc.Actor{Type: kyc.ActorApplicant, ID: id}, applicantID: id}
		allowed = aud&applicant != 0
	case strings.HasPrefix(cred, "kst_"):
		st, err := s.svc.VerifyStaffSession(ctx, cred)
		if err != nil {
			return nil, err
		}
		p = &principal{actor: kyc.Actor{Type: kyc.ActorStaff, ID: st.ID}, staff: st}
		allowed = aud&staff != 0 || (aud&admin != 0 && st.Role == kyc.RoleAdmin)
	default:
		return nil, kyc.Errorf(kyc.KindUnauthorized, "unknown kind of credential")
	}
	if !allowed {
		return nil, kyc.Errorf(kyc.KindForbidden, "these credentials cannot use this route")
	}
	if p.isApplicant() && r.PathValue("id") != p.applicantID {
		// Another applicant's URL: answer as if it did not exist, revealing nothing.
		return nil, kyc.NotFound("applicant")
	}
	return p, nil
}

type ctxKey int

const requestIDKey ctxKey = 0

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// withRequestID gives every request an id: the caller's X-Request-Id when it is short and plain,
// otherwise a new random one. It is echoed in the response, the problem bodies and the log.
func (s *Server) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !plainID(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		// Every answer carries personal data or credentials, or may: never cache one.
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

func plainID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// statusWriter remembers the status and size of a response for the access log and the recover
// middleware.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withAccessLog logs one line per request: the route pattern (never the path or the query, which
// may hold an integrator's external id), the status, the size and the duration.
func (s *Server) withAccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelWarn
		}
		route := r.Pattern
		if route == "" {
			route = r.Method + " (unmatched)"
		}
		s.log.LogAttrs(r.Context(), level, "http request",
			slog.String("request_id", requestID(r.Context())), slog.String("route", route),
			slog.Int("status", sw.status), slog.Int64("bytes", sw.bytes),
			slog.Duration("took", time.Since(start)))
	})
}

// withRecover turns a panic into a 500 problem; the stack goes to the log, never to the client.
func (s *Server) withRecover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw, _ := w.(*statusWriter)
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
				slog.String("request_id", requestID(r.Context())), slog.String("route", r.Pattern),
				slog.String("panic", panicSummary(v)), slog.String("stack", string(debug.Stack())))
			if sw != nil && sw.status != 0 {
				// The response has started: all that is left is to cut it short.
				panic(http.ErrAbortHandler)
			}
			s.writeError(w, r, errors.New("panic"))
		}()
		next.ServeHTTP(w, r)
	})
}

// panicSummary describes a panic value without printing values that might hold input data:
// runtime errors (nil map, index out of range) are safe to print, anything else is named by type.
func panicSummary(v any) string {
	if err, ok := v.(runtime.Error); ok {
		return err.Error()
	}
	return fmt.Sprintf("%T", v)
}
