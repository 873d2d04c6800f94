package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kycd/kycd/kyc"
)

// registerRoutes is the route table. Every pattern here is in openapi.yaml and the other way
// round (TestOpenAPICoversRoutes).
func (s *Server) registerRoutes() {
	flow := integrator | applicant

	s.handle("GET /healthz", public, s.health)
	s.handle("GET /openapi.json", public, s.openAPI)
	s.handle("GET /v1/reasons", public, s.reasons)

	// Integrator.
	s.handle("POST /v1/applicants", integrator, s.createApplicant)
	s.handle("GET /v1/applicants", integrator, s.findApplicants)
	s.handle("POST /v1/applicants/{id}/token", integrator, s.issueToken)
	s.handle("GET /v1/applicants/{id}/attempts", integrator, s.attempts)
	s.handle("GET /v1/events", integrator, s.events)
	s.handle("POST /v1/webhooks", integrator, s.createWebhook)
	s.handle("GET /v1/webhooks", integrator, s.listWebhooks)
	s.handle("POST /v1/webhooks/{id}/rotate-secret", integrator, s.rotateWebhookSecret)
	s.handle("DELETE /v1/webhooks/{id}", integrator, s.deleteWebhook)
	s.handle("GET /v1/webhooks/{id}/deliveries", integrator, s.deliveries)
	s.handle("POST /v1/webhooks/deliveries/{id}/replay", integrator, s.replayDelivery)

	// Applicant flow: the applicant's token, or the integrator's key when it runs its own UI.
	s.handle("GET /v1/applicants/{id}", flow, s.getApplicant)
	s.handle("PATCH /v1/applicants/{id}", flow, s.updateApplicant)
	s.handle("PUT /v1/applicants/{id}/identity", flow, s.setIdentity)
	s.handle("POST /v1/applicants/{id}/documents/{side}", flow, s.uploadDocument)
	s.handle("POST /v1/applicants/{id}/selfie", flow, s.uploadSelfie)
	s.handle("POST /v1/applicants/{id}/proof-of-address", flow, s.uploadProofOfAddress)
	s.handle("POST /v1/applicants/{id}/liveness/challenge", flow, s.newChallenge)
	s.handle("POST /v1/applicants/{id}/liveness/frames", flow, s.uploadFrame)
	s.handle("POST /v1/applicants/{id}/submit", flow, s.submit)
	s.handle("POST /v1/applicants/{id}/appeal", flow, s.appeal)
	// Files are served only to the applicant who owns them (and to reviewers, below).
	s.handle("GET /v1/applicants/{id}/files/{file_id}", applicant, s.applicantFile)

	// Reviewers.
	s.handle("POST /v1/staff/login", public, s.login)
	s.handle("GET /v1/review/cases", staff, s.queue)
	s.handle("GET /v1/review/cases/{id}", staff, s.caseDetail)
	s.handle("POST /v1/review/cases/{id}/claim", staff, s.claim)
	s.handle("POST /v1/review/cases/{id}/release", staff, s.release)
	s.handle("POST /v1/review/cases/{id}/decision", staff, s.decide)
	s.handle("GET /v1/review/files/{id}", staff, s.staffFile)

	// Admins.
	s.handle("POST /v1/admin/api-keys", admin, s.createAPIKey)
	s.handle("GET /v1/admin/api-keys", admin, s.listAPIKeys)
	s.handle("DELETE /v1/admin/api-keys/{id}", admin, s.revokeAPIKey)
	s.handle("POST /v1/admin/staff", admin, s.createStaff)
	s.handle("GET /v1/admin/staff", admin, s.listStaff)
	s.handle("GET /v1/admin/levels", admin, s.levels)
}

func (s *Server) health(w http.ResponseWriter, _ *http.Request, _ *principal) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// ReasonEntry is one reason code of the catalogue, as GET /v1/reasons lists it.
type ReasonEntry struct {
	Code               kyc.Code        `json:"code"`
	DefaultDisposition kyc.Disposition `json:"default_disposition"`
	Step               kyc.Step        `json:"step"`
	Message            string          `json:"message"`
	MessageZH          string          `json:"message_zh"`
	Hint               string          `json:"hint"`
	HintZH             string          `json:"hint_zh"`
}

func (s *Server) reasons(w http.ResponseWriter, _ *http.Request, _ *principal) error {
	cat := kyc.Catalogue()
	out := make([]ReasonEntry, len(cat))
	for i, e := range cat {
		out[i] = ReasonEntry{e.Code, e.Default, e.Step, e.Message, e.MessageZH, e.Hint, e.HintZH}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"reasons": out})
}

// --- integrator ---

func (s *Server) createApplicant(w http.ResponseWriter, r *http.Request, p *principal) error {
	var in kyc.NewApplicant
	if err := readJSON(w, r, s.cfg.MaxJSONBytes, &in); err != nil {
		return err
	}
	v, err := s.svc.CreateApplicant(r.Context(), p.actor, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/applicants/"+v.ID)
	return writeJSON(w, http.StatusCreated, v)
}

func (s *Server) findApplicants(w http.ResponseWriter, r *http.Request, _ *principal) error {
	ext := r.URL.Query().Get("external_id")
	if ext == "" {
		return malformed("external_id", "the external_id query parameter is required")
	}
	out := []*kyc.ApplicantView{}
	v, err := s.svc.ApplicantByExternalID(r.Context(), ext)
	switch {
	case kyc.IsNotFound(err):
	case err != nil:
		return err
	default:
		out = append(out, v)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"applicants": out})
}

// TokenResponse is an applicant access token and the hosted-flow link that carries it.
type TokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	FlowURL   string    `json:"flow_url"`
}

func (s *Server) issueToken(w http.ResponseWriter, r *http.Request, p *principal) error {
	tok, exp, link, err := s.svc.IssueToken(r.Context(), p.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, TokenResponse{Token: tok, ExpiresAt: exp, FlowURL: link})
}

func (s *Server) attempts(w http.ResponseWriter, r *http.Request, _ *principal) error {
	at, subs, err := s.svc.Attempts(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"attempts": orEmpty(at), "submissions": orEmpty(subs)})
}

func (s *Server) events(w http.ResponseWriter, r *http.Request, _ *principal) error {
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"), "limit", 0)
	if err != nil {
		return err
	}
	after := q.Get("after")
	evs, err := s.svc.Events(r.Context(), after, limit)
	if err != nil {
		return err
	}
	next := after
	if len(evs) > 0 {
		next = evs[len(evs)-1].ID
	}
	return writeJSON(w, http.StatusOK, map[string]any{"events": orEmpty(evs), "next_after": next})
}

// WebhookRequest registers a webhook endpoint. No event types means every event.
type WebhookRequest struct {
	URL        string   `json:"url"`
	EventTypes []string `json:"event_types"`
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request, p *principal) error {
	var in WebhookRequest
	if err := readJSON(w, r, s.cfg.MaxJSONBytes, &in); err != nil {
		return err
	}
	ep, secret, err := s.svc.CreateEndpoint(r.Context(), p.actor, in.URL, in.EventTypes, s.cfg.AllowPrivateWebhooks)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"endpoint": ep, "secret": secret})
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request, _ *principal) error {
	eps, err := s.svc.ListEndpoints(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"endpoints": orEmpty(eps)})
}

func (s *Server) rotateWebhookSecret(w http.ResponseWriter, r *http.Request, p *principal) error {
	secret, err := s.svc.RotateEndpointSecret(r.Context(), p.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]string{"secret": secret})
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, p *principal) error {
	if err := s.svc.DisableEndpoint(r.Context(), p.actor, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// DeliveryLog is a webhook delivery with the HTTP requests made for it.
type DeliveryLog struct {
	kyc.Delivery
	Requests []kyc.DeliveryAttempt `json:"requests"`
}

func (s *Server) deliveries(w http.ResponseWriter, r *http.Request, _ *principal) error {
	limit, err := intParam(r.URL.Query().Get("limit"), "limit", 0)
	if err != nil {
		return err
	}
	ds, att, err := s.svc.Deliveries(r.Context(), r.PathValue("id"), limit)
	if err != nil {
		return err
	}
	out := make([]DeliveryLog, len(ds))
	for i, d := range ds {
		out[i] = DeliveryLog{Delivery: d, Requests: orEmpty(att[d.ID])}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"deliveries": out})
}

func (s *Server) replayDelivery(w http.ResponseWriter, r *http.Request, p *principal) error {
	d, err := s.svc.ReplayDelivery(r.Context(), p.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, d)
}

// --- applicant flow ---

func (s *Server) getApplicant(w http.ResponseWriter, r *http.Request, p *principal) error {
	v, err := s.svc.Applicant(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, viewFor(p, v))
}

func (s *Server) updateApplicant(w http.ResponseWriter, r *http.Request, p *principal) error {
	var up kyc.ApplicantUpdate
	if err := readJSON(w, r, s.cfg.MaxJSONBytes, &up); err != nil {
		return err
	}
	if p.isApplicant() && up.Level != nil {
		return &kyc.Error{Kind: kyc.KindForbidden, Field: "level", Message: "the level is chosen by the integrator; an applicant may change the profile only"}
	}
	v, err := s.svc.UpdateApplicant(r.Context(), p.actor, r.PathValue("id"), up)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, viewFor(p, v))
}

func (s *Server) setIdentity(w http.ResponseWriter, r *http.Request, p *principal) error {
	var c kyc.IdentityChoice
	if err := readJSON(w, r, s.cfg.MaxJSONBytes, &c); err != nil {
		return err
	}
	d, err := s.svc.SetIdentity(r.Context(), p.actor, r.PathValue("id"), c)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

// fileSpec is the one "file" field of an upload.
func fileSpec(limit int64) map[string]fieldSpec {
	return map[string]fieldSpec{"file": {file: true, max: limit, required: true, tooLarge: kyc.FileTooLarge}}
}

// readUpload reads a multipart body of one file (and the small fields spec adds).
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request, spec map[string]fieldSpec) (*form, error) {
	mr, err := multipartReader(w, r, spec, 1)
	if err != nil {
		return nil, err
	}
	return readForm(mr, spec, 1)
}

func (s *Server) uploadDocument(w http.ResponseWriter, r *http.Request, p *principal) error {
	side := kyc.Side(r.PathValue("side"))
	if side != kyc.SideFront && side != kyc.SideBack {
		return kyc.Invalid("side", "side must be front or back")
	}
	return s.upload(w, r, p, kyc.StepIdentity, side, s.cfg.MaxImageBytes)
}

func (s *Server) uploadSelfie(w http.ResponseWriter, r *http.Request, p *principal) error {
	return s.upload(w, r, p, kyc.StepSelfie, kyc.SideSelfie, s.cfg.MaxImageBytes)
}

func (s *Server) uploadProofOfAddress(w http.ResponseWriter, r *http.Request, p *principal) error {
	// The body may be a PDF or an image; the checks apply the limit of the format they find.
	return s.upload(w, r, p, kyc.StepProofOfAddress, kyc.SidePOA, max(s.cfg.MaxImageBytes, s.cfg.MaxPDFBytes))
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request, p *principal, step kyc.Step, side kyc.Side, limit int64) error {
	f, err := s.readUpload(w, r, fileSpec(limit))
	if err != nil {
		return err
	}
	file, err := s.svc.UploadFile(r.Context(), p.actor, r.PathValue("id"), step, side, f.file("file"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, fileFor(p, file))
}

func (s *Server) newChallenge(w http.ResponseWriter, r *http.Request, p *principal) error {
	c, err := s.svc.NewChallenge(r.Context(), p.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, c)
}

func (s *Server) uploadFrame(w http.ResponseWriter, r *http.Request, p *principal) error {
	spec := fileSpec(s.cfg.MaxImageBytes)
	spec["nonce"] = fieldSpec{max: 128, required: true}
	spec["index"] = fieldSpec{max: 16, required: true}
	spec["captured_at"] = fieldSpec{max: 64}
	f, err := s.readUpload(w, r, spec)
	if err != nil {
		return err
	}
	index, err := intParam(f.values["index"], "index", -1)
	if err != nil {
		return err
	}
	var at time.Time
	if v := f.values["captured_at"]; v != "" {
		if at, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return malformed("captured_at", "captured_at must be an RFC 3339 time such as 2025-01-02T15:04:05.123Z")
		}
	}
	file, err := s.svc.UploadFrame(r.Context(), p.actor, r.PathValue("id"), f.values["nonce"], index, at, f.file("file"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, fileFor(p, file))
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request, p *principal) error {
	sub, err := s.svc.Submit(r.Context(), p.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, submissionFor(p, sub))
}

// AppealRequest is the JSON form of an appeal, without files.
type AppealRequest struct {
	Message string `json:"message"`
}

// maxAppealMessageBytes bounds the message field: 4000 characters of up to four bytes each.
const maxAppealMessageBytes = 16 << 10

func (s *Server) appeal(w http.ResponseWriter, r *http.Request, p *principal) error {
	var msg string
	var files [][]byte
	if isJSON(r.Header.Get("Content-Type")) {
		var in AppealRequest
		if err := readJSON(w, r, s.cfg.MaxJSONBytes, &in); err != nil {
			return err
		}
		msg = in.Message
	} else {
		spec := map[string]fieldSpec{
			"message": {max: maxAppealMessageBytes, required: true},
			"files":   {file: true, multiple: true, max: s.cfg.MaxImageBytes, tooLarge: kyc.FileTooLarge},
		}
		mr, err := multipartReader(w, r, spec, s.cfg.MaxAppealFiles)
		if err != nil {
			return &kyc.Error{Kind: kyc.KindUnsupported, Message: "send the appeal as multipart/form-data (message, files) or as application/json ({message})"}
		}
		f, err := readForm(mr, spec, s.cfg.MaxAppealFiles)
		if err != nil {
			return err
		}
		msg, files = f.values["message"], f.files["files"]
	}
	c, err := s.svc.Appeal(r.Context(), p.actor, r.PathValue("id"), msg, files)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, caseFor(p, c))
}

func (s *Server) applicantFile(w http.ResponseWriter, r *http.Request, p *principal) error {
	f, data, err := s.svc.ApplicantFile(r.Context(), p.applicantID, r.PathValue("file_id"))
	if err != nil {
		return err
	}
	return writeFile(w, f, data)
}

// writeFile sends a stored file's bytes. The content type is the one the checks detected, never
// the uploader's claim; the global no-store and nosniff headers apply.
func writeFile(w http.ResponseWriter, f *kyc.File, data []byte) error {
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Content-Disposition", "inline")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data) // a failed write means the client went away
	return nil
}

// --- reviewers ---

// LoginRequest is a staff member's credentials.
type LoginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// LoginResponse is a staff session.
type LoginResponse struct {
	Token     string     `json:"token"`
	ExpiresAt time.Time  `json:"expires_at"`
	Staff     *kyc.Staff `json:"staff"`
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, _ *principal) error {
	var in LoginRequest
	if err := readJSON(w, r, s.cfg.MaxJSONBytes, &in); err != nil {
		return err
	}
	st, err := s.svc.Login(r.Context(), in.Email, in.Password)
	if err != nil {
		return err
	}
	tok, exp := s.svc.IssueStaffSession(st)
	return writeJSON(w, http.StatusOK, LoginResponse{Token: tok, ExpiresAt: exp, Staff: st})
}

func (s *Server) queue(w http.ResponseWriter, r *http.Request, p *principal) error {
	q := r.URL.Query()
	var f kyc.CaseFilter
	for _, v := range splitList(q["status"]) {
		st := kyc.CaseStatus(v)
		switch st {
		case kyc.CaseOpen, kyc.CaseClaimed, kyc.CaseAwaitingSecond, kyc.CaseClosed:
			f.Statuses = append(f.Statuses, st)
		default:
			return kyc.Invalid("status", "status must be open, claimed, awaiting_second or closed")
		}
	}
	f.Level = q.Get("level")
	if f.Level != "" {
		if _, ok := s.svc.Level(f.Level); !ok {
			return kyc.Invalid("level", "unknown level %q", f.Level)
		}
	}
	switch k := kyc.CaseKind(q.Get("kind")); k {
	case "", kyc.CaseReview, kyc.CaseAppeal:
		f.Kind = k
	default:
		return kyc.Invalid("kind", "kind must be review or appeal")
	}
	if c := kyc.Code(q.Get("code")); c != "" {
		if !c.Known() {
			return kyc.Invalid("code", "unknown reason code %q", c)
		}
		f.Code = c
	}
	var err error
	if f.Limit, err = intParam(q.Get("limit"), "limit", 0); err != nil {
		return err
	}
	cases, err := s.svc.Queue(r.Context(), p.staff, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"cases": orEmpty(cases)})
}

func (s *Server) caseDetail(w http.ResponseWriter, r *http.Request, p *principal) error {
	d, err := s.svc.CaseDetail(r.Context(), p.staff, r.PathValue("id"))
	if err != nil {
		return err
	}
	d.Submissions, d.Attempts, d.Files, d.Audit = orEmpty(d.Submissions), orEmpty(d.Attempts), orEmpty(d.Files), orEmpty(d.Audit)
	return writeJSON(w, http.StatusOK, d)
}

func (s *Server) claim(w http.ResponseWriter, r *http.Request, p *principal) error {
	c, err := s.svc.Claim(r.Context(), p.staff, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (s *Server) release(w http.ResponseWriter, r *http.Request, p *principal) error {
	c, err := s.svc.Release(r.Context(), p.staff, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

// DecisionRequest is a reviewer's decision. The comment is shown to the applicant, the internal
// note is not.
type DecisionRequest struct {
	Action       kyc.ReviewAction `json:"action"`
	Steps        []kyc.Step       `json:"steps"`
	Codes        []kyc.Code       `json:"codes"`
	Comment      string           `json:"comment"`
	InternalNote string           `json:"internal_note"`
}

func (s *Server) decide(w http.ResponseWriter, r *http.Request, p *principal) error {
	var in DecisionRequest
	if err := readJSON(w, r, s.cfg.MaxJSONBytes, &in); err != nil {
		return err
	}
	c, err := s.svc.Decide(r.Context(), p.staff, r.PathValue("id"), kyc.ReviewDecision{
		Action: in.Action, Steps: in.Steps, Codes: in.Codes, Comment: in.Comment, InternalNote: in.InternalNote})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (s *Server) staffFile(w http.ResponseWriter, r *http.Request, p *principal) error {
	f, data, err := s.svc.StaffFile(r.Context(), p.staff, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeFile(w, f, data)
}

// --- admins ---

// APIKeyRequest names a new integrator key.
type APIKeyRequest struct {
	Name string `json:"name"`
}

// APIKeyResponse carries a new key's secret, shown this once.
type APIKeyResponse struct {
	Key    string      `json:"key"`
	APIKey *kyc.APIKey `json:"api_key"`
}

func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request, p *principal) error {
	var in APIKeyRequest
	if err := readJSON(w, r, s.cfg.MaxJSONBytes, &in); err != nil {
		return err
	}
	secret, k, err := s.svc.CreateAPIKey(r.Context(), p.actor, in.Name)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, APIKeyResponse{Key: secret, APIKey: k})
}

func (s *Server) listAPIKeys(w http.ResponseWriter, r *http.Request, _ *principal) error {
	keys, err := s.svc.ListAPIKeys(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"api_keys": orEmpty(keys)})
}

func (s *Server) revokeAPIKey(w http.ResponseWriter, r *http.Request, p *principal) error {
	if err := s.svc.RevokeAPIKey(r.Context(), p.actor, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// StaffRequest creates a reviewer or an admin.
type StaffRequest struct {
	Email    string   `json:"email"`
	Name     string   `json:"name"`
	Role     kyc.Role `json:"role"`
	Password string   `json:"password"`
}

func (s *Server) createStaff(w http.ResponseWriter, r *http.Request, p *principal) error {
	var in StaffRequest
	if err := readJSON(w, r, s.cfg.MaxJSONBytes, &in); err != nil {
		return err
	}
	st, err := s.svc.CreateStaff(r.Context(), p.actor, in.Email, in.Name, in.Role, in.Password)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, st)
}

func (s *Server) listStaff(w http.ResponseWriter, r *http.Request, _ *principal) error {
	st, err := s.svc.ListStaff(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"staff": orEmpty(st)})
}

func (s *Server) levels(w http.ResponseWriter, _ *http.Request, _ *principal) error {
	return writeJSON(w, http.StatusOK, map[string]any{"levels": orEmpty(s.svc.Settings().Levels)})
}

// --- helpers ---

// intParam parses an optional integer; empty gives def.
func intParam(v, name string, def int) (int, error) {
	if v == "" {
		if def < 0 {
			return 0, malformed(name, "%s is required", name)
		}
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, malformed(name, "%s must be an integer", name)
	}
	return n, nil
}

// splitList accepts repeated and comma-separated query values.
func splitList(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, x := range strings.Split(v, ",") {
			if x = strings.TrimSpace(x); x != "" {
				out = append(out, x)
			}
		}
	}
	return out
}

// orEmpty makes a nil slice encode as [] rather than null: lists in the API are always arrays.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
