// Package web is kycd's browser surface: the hosted applicant flow (/flow/{id}) and the reviewer
// console (/console/). Templates and assets are embedded; pages are html/template and a little
// vanilla JavaScript. The applicant flow's script calls the JSON API (package httpapi) with the
// applicant's token; the console calls the domain service directly, behind a session cookie and
// CSRF protection. Every rule lives in package kyc: handlers here only translate.
package web

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/kycd/kycd/kyc"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config holds what the pages need beyond the service.
type Config struct {
	Logger *slog.Logger
	// PublicURL is the base URL the service is reached at; an https URL makes the console's
	// session cookie Secure.
	PublicURL string
	// MaxImageBytes is the upload limit the capture pages announce and check before sending.
	MaxImageBytes int64
}

// Server serves the applicant flow and the reviewer console.
type Server struct {
	svc   *kyc.Service
	cfg   Config
	log   *slog.Logger
	pages map[string]*template.Template
	mux   *http.ServeMux
	csrf  *http.CrossOriginProtection
}

// New returns the web server. It panics when an embedded template does not parse, a programming
// error that every test catches.
func New(svc *kyc.Service, cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxImageBytes <= 0 {
		cfg.MaxImageBytes = 2 << 20
	}
	s := &Server{svc: svc, cfg: cfg, log: cfg.Logger, mux: http.NewServeMux(), csrf: http.NewCrossOriginProtection()}
	s.pages = parsePages()
	s.routes()
	return s
}

// Mount returns one handler for the whole HTTP surface: the API for /v1/, /healthz and
// /openapi*, and the pages for /, /flow/, /console/ and /static/. Anything else goes to the API,
// which answers unknown paths with a problem document.
func (s *Server) Mount(api http.Handler) http.Handler {
	ui := s.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if p == "/" || p == "/favicon.ico" || strings.HasPrefix(p, "/flow/") || strings.HasPrefix(p, "/console") ||
			strings.HasPrefix(p, "/static/") {
			ui.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})
}

// Handler returns the pages' handler with security headers and panic recovery.
func (s *Server) Handler() http.Handler {
	return s.headers(s.recoverer(s.mux))
}

func (s *Server) routes() {
	static, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	s.mux.Handle("GET /static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		files.ServeHTTP(w, r)
	}))
	s.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/console/", http.StatusSeeOther)
	})
	s.mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	s.flowRoutes()
	s.consoleRoutes()
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, r, kyc.NotFound("page"))
	})
}

// headers sets the headers every page carries: no caching of personal data, a strict content
// security policy (scripts and styles from /static only), camera for this origin only.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob: mediastream:; "+
			"script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic into the error page; the stack goes to the log, never to the page.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving page", "route", r.Pattern, "stack", string(debug.Stack()))
				s.errorPage(w, r, errors.New("panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// page is what every template gets: the language, the signed-in staff member, the CSRF token and
// the page's own data.
type page struct {
	Lang      Lang
	Title     string
	Staff     *kyc.Staff
	CSRF      string
	Path      string
	Flash     string
	FlashErr  string
	RequestID string
	D         any
}

// T translates a message key in the page's language.
func (p *page) T(key string) string { return T(p.Lang, key) }

// OtherLang is the language the switch offers.
func (p *page) OtherLang() Lang {
	if p.Lang == ZH {
		return EN
	}
	return ZH
}

// IsAdmin reports whether the signed-in staff member is an admin.
func (p *page) IsAdmin() bool { return p.Staff != nil && p.Staff.Role == kyc.RoleAdmin }

var funcs = template.FuncMap{
	"fmtTime": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			if v.IsZero() {
				return "—"
			}
			return v.UTC().Format("2006-01-02 15:04 UTC")
		case *time.Time:
			if v == nil || v.IsZero() {
				return "—"
			}
			return v.UTC().Format("2006-01-02 15:04 UTC")
		}
		return "—"
	},
	"join": func(xs any) string {
		switch v := xs.(type) {
		case []string:
			return strings.Join(v, ", ")
		case []kyc.Step:
			s := make([]string, len(v))
			for i, x := range v {
				s[i] = string(x)
			}
			return strings.Join(s, ", ")
		case []kyc.Code:
			s := make([]string, len(v))
			for i, x := range v {
				s[i] = string(x)
			}
			return strings.Join(s, ", ")
		}
		return ""
	},
	"lower": strings.ToLower,
}

// parsePages parses each page with the layout.
func parsePages() map[string]*template.Template {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		out[base] = template.Must(template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n))
	}
	return out
}

// render writes a page. Rendering goes to a buffer first so a template error becomes the error
// page, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	if p.RequestID == "" {
		p.RequestID = newRequestID()
	}
	p.Path = r.URL.Path
	var b bytes.Buffer
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("unknown page template", "page", name)
		s.plainError(w)
		return
	}
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		s.plainError(w)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

func (s *Server) plainError(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte(`<!doctype html><meta charset="utf-8"><title>Error</title><p>Something went wrong. Please try again. / 出了点问题，请重试。</p>`))
}

// errorPage shows a friendly page for err: never its text unless it is a domain error meant for
// the caller, never a stack.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, err error) {
	lang := requestLang(r)
	p := &page{Lang: lang, RequestID: newRequestID()}
	status, key := http.StatusInternalServerError, "error.generic"
	switch kyc.KindOf(err) {
	case kyc.KindNotFound:
		status, key = http.StatusNotFound, "error.notfound"
	case kyc.KindForbidden, kyc.KindUnauthorized:
		status, key = http.StatusForbidden, "error.forbidden"
	case kyc.KindConflict:
		status, key = http.StatusConflict, "error.conflict"
	case kyc.KindInvalid, kyc.KindTooLarge, kyc.KindUnsupported:
		status, key = http.StatusUnprocessableEntity, "error.invalid"
	default:
		s.log.Error("page failed", "route", r.Pattern, "request_id", p.RequestID, "err", err)
	}
	p.Title = T(lang, "error.title")
	p.D = T(lang, key)
	s.render(w, r, status, "error", p)
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
