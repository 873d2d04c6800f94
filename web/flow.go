package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strings"

	"github.com/kycd/kycd/kyc"
)

// The hosted applicant flow. GET /flow/{id} is a shell page: its script reads the applicant's
// token from the URL fragment (never sent to a server, never in logs) and drives the JSON API
// with it. The page itself carries nothing personal, only the message table and the reason
// catalogue in both languages.

func (s *Server) flowRoutes() {
	s.mux.HandleFunc("GET /flow/{id}", s.flowPage)
	s.mux.HandleFunc("GET /flow/{id}/config", s.flowConfig)
}

// reasonText is a catalogue entry as the flow's script needs it, to explain an upload refused
// with a reason code.
type reasonText struct {
	Message   string `json:"message"`
	MessageZH string `json:"message_zh"`
	Hint      string `json:"hint"`
	HintZH    string `json:"hint_zh"`
}

// flowData is the JSON the shell embeds for its script.
type flowData struct {
	ApplicantID   string                     `json:"applicant_id"`
	Lang          Lang                       `json:"lang"`
	Messages      map[Lang]map[string]string `json:"messages"`
	Reasons       map[kyc.Code]reasonText    `json:"reasons"`
	Countries     []country                  `json:"countries"`
	MaxImageBytes int64                      `json:"max_image_bytes"`
}

func (s *Server) flowPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !plainID(id) {
		s.errorPage(w, r, kyc.NotFound("applicant"))
		return
	}
	lang := requestLang(r)
	d := flowData{ApplicantID: id, Lang: lang, Countries: countries, MaxImageBytes: s.cfg.MaxImageBytes,
		Messages: map[Lang]map[string]string{EN: table(EN), ZH: table(ZH)}, Reasons: map[kyc.Code]reasonText{}}
	for _, e := range kyc.Catalogue() {
		d.Reasons[e.Code] = reasonText{e.Message, e.MessageZH, e.Hint, e.HintZH}
	}
	raw, err := json.Marshal(d)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	// html/template escapes the JSON for a <script type="application/json"> element.
	s.render(w, r, http.StatusOK, "flow", &page{Lang: lang, Title: T(lang, "flow.title"), D: template.JS(raw)})
}

// FlowConfig is what the flow's script needs to know about the applicant's level: its steps and
// the documents it accepts. It is served to the applicant's token only.
type FlowConfig struct {
	Level     string                   `json:"level"`
	Steps     []kyc.Step               `json:"steps"`
	Documents map[string][]kyc.DocType `json:"documents"`
	HasBack   map[kyc.DocType]bool     `json:"has_back"`
}

func (s *Server) flowConfig(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	sub, err := s.svc.VerifyToken(strings.TrimSpace(tok))
	if !ok || err != nil || sub != id {
		writeJSONError(w, http.StatusUnauthorized, "invalid or expired applicant token")
		return
	}
	v, err := s.svc.Applicant(r.Context(), id)
	if err != nil {
		status := http.StatusInternalServerError
		if kyc.IsNotFound(err) {
			status = http.StatusNotFound
		} else {
			s.log.Error("flow config", "err", err)
		}
		writeJSONError(w, status, "could not load the applicant")
		return
	}
	l, ok := s.svc.Level(v.Level)
	if !ok {
		writeJSONError(w, http.StatusInternalServerError, "level not configured")
		return
	}
	out := FlowConfig{Level: l.Name, Steps: l.Steps, Documents: l.Documents, HasBack: map[kyc.DocType]bool{}}
	for _, t := range kyc.DocTypes {
		out.HasBack[t] = t.HasBack()
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func writeJSONError(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"title": http.StatusText(status), "status": status, "detail": detail})
}

// plainID accepts the identifiers kycd issues (prefix, underscore, base32).
func plainID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
