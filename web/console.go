package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kycd/kycd/kyc"
)

// The reviewer console. A session is the service's signed staff token in an HttpOnly,
// SameSite=Strict cookie (Secure when served over https). Every state-changing request passes
// http.CrossOriginProtection and carries a form token bound to the session.

const sessionCookie = "kycd_session"

// consoleHandler is a console page: it returns its error instead of writing it.
type consoleHandler func(w http.ResponseWriter, r *http.Request, p *page) error

func (s *Server) consoleRoutes() {
	s.mux.HandleFunc("GET /console", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/console/", http.StatusSeeOther)
	})
	s.mux.Handle("GET /console/login", http.HandlerFunc(s.loginPage))
	s.mux.Handle("POST /console/login", s.csrf.Handler(http.HandlerFunc(s.loginSubmit)))
	s.mux.Handle("POST /console/logout", s.staffOnly(false, s.logout))
	s.mux.Handle("GET /console/{$}", s.staffOnly(false, s.queuePage))
	s.mux.Handle("GET /console/cases/{id}", s.staffOnly(false, s.casePage))
	s.mux.Handle("POST /console/cases/{id}/claim", s.staffOnly(false, s.claim))
	s.mux.Handle("POST /console/cases/{id}/release", s.staffOnly(false, s.release))
	s.mux.Handle("POST /console/cases/{id}/decide", s.staffOnly(false, s.decide))
	s.mux.Handle("GET /console/files/{id}", s.staffOnly(false, s.file))
	s.mux.Handle("GET /console/admin/keys", s.staffOnly(true, s.keysPage))
	s.mux.Handle("POST /console/admin/keys", s.staffOnly(true, s.createKey))
	s.mux.Handle("POST /console/admin/keys/{id}/revoke", s.staffOnly(true, s.revokeKey))
	s.mux.Handle("GET /console/admin/webhooks", s.staffOnly(true, s.webhooksPage))
	s.mux.Handle("GET /console/admin/webhooks/{id}", s.staffOnly(true, s.deliveriesPage))
	s.mux.Handle("POST /console/admin/deliveries/{id}/replay", s.staffOnly(true, s.replay))
	s.mux.Handle("GET /console/admin/staff", s.staffOnly(true, s.staffPage))
	s.mux.Handle("POST /console/admin/staff", s.staffOnly(true, s.createStaff))
	s.mux.Handle("GET /console/admin/levels", s.staffOnly(true, s.levelsPage))
}

// consolePage starts a page: the language (a ?lang= choice is remembered in a cookie).
func (s *Server) consolePage(w http.ResponseWriter, r *http.Request) *page {
	lang := requestLang(r)
	if _, ok := ParseLang(r.URL.Query().Get("lang")); ok {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	}
	return &page{Lang: lang, RequestID: newRequestID()}
}

func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(s.cfg.PublicURL, "https://")
}

// csrfToken binds a form to the session: only a page rendered for this session knows it.
func csrfToken(session string) string {
	sum := sha256.Sum256([]byte("kycd-console-csrf:" + session))
	return hex.EncodeToString(sum[:16])
}

// staffOnly authenticates the session cookie, checks the CSRF token of POSTs and the admin role
// where required, and renders the handler's error as a page.
func (s *Server) staffOnly(adminOnly bool, h consoleHandler) http.Handler {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := s.consolePage(w, r)
		c, err := r.Cookie(sessionCookie)
		var st *kyc.Staff
		if err == nil {
			st, err = s.svc.VerifyStaffSession(r.Context(), c.Value)
		}
		if err != nil {
			if kyc.KindOf(err) != kyc.KindUnauthorized && c != nil {
				s.errorPage(w, r, err)
				return
			}
			target := "/console/login"
			if c != nil {
				target += "?expired=1"
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		p.Staff, p.CSRF = st, csrfToken(c.Value)
		if r.Method == http.MethodPost {
			if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
				s.errorPage(w, r, kyc.Invalid("form", "unreadable form"))
				return
			}
			if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(p.CSRF)) != 1 {
				s.errorPage(w, r, kyc.Errorf(kyc.KindForbidden, "bad form token"))
				return
			}
		}
		if adminOnly && st.Role != kyc.RoleAdmin {
			s.errorPage(w, r, kyc.Errorf(kyc.KindForbidden, "admins only"))
			return
		}
		if err := h(w, r, p); err != nil {
			s.errorPage(w, r, err)
		}
	})
	r := http.MaxBytesHandler(inner, 2<<20)
	return s.csrf.Handler(r)
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	p := s.consolePage(w, r)
	p.Title = p.T("login.title")
	if r.URL.Query().Get("expired") != "" {
		p.FlashErr = p.T("login.expired")
	}
	s.render(w, r, http.StatusOK, "login", p)
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	p := s.consolePage(w, r)
	p.Title = p.T("login.title")
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	email, pw := r.PostFormValue("email"), r.PostFormValue("password")
	st, err := s.svc.Login(r.Context(), email, pw)
	if err != nil {
		status := http.StatusUnauthorized
		switch kyc.KindOf(err) {
		case kyc.KindForbidden:
			p.FlashErr = p.T("login.locked")
			status = http.StatusTooManyRequests
		case kyc.KindUnauthorized:
			p.FlashErr = p.T("login.failed")
		default:
			s.errorPage(w, r, err)
			return
		}
		p.D = map[string]string{"Email": email}
		s.render(w, r, status, "login", p)
		return
	}
	tok, exp := s.svc.IssueStaffSession(st)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/console", Expires: exp, HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/console/", http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, _ *page) error {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/console", MaxAge: -1, HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/console/login", http.StatusSeeOther)
	return nil
}

// --- queue ---

type queueRow struct {
	kyc.Case
	Codes       []string
	ClaimedName string
}

type queueData struct {
	Rows     []queueRow
	Levels   []kyc.Level
	Codes    []kyc.Entry
	Filter   map[string]string
	Statuses []kyc.CaseStatus
}

func (s *Server) queuePage(w http.ResponseWriter, r *http.Request, p *page) error {
	q := r.URL.Query()
	f := kyc.CaseFilter{Level: q.Get("level"), Kind: kyc.CaseKind(q.Get("kind")), Code: kyc.Code(q.Get("code"))}
	if f.Level != "" {
		if _, ok := s.svc.Level(f.Level); !ok {
			f.Level = ""
		}
	}
	if f.Kind != kyc.CaseReview && f.Kind != kyc.CaseAppeal {
		f.Kind = ""
	}
	if !f.Code.Known() {
		f.Code = ""
	}
	switch st := kyc.CaseStatus(q.Get("status")); st {
	case kyc.CaseOpen, kyc.CaseClaimed, kyc.CaseAwaitingSecond, kyc.CaseClosed:
		f.Statuses = []kyc.CaseStatus{st}
	}
	if days, err := strconv.Atoi(q.Get("age")); err == nil && days > 0 && days < 3650 {
		f.CreatedBefore = time.Now().Add(-time.Duration(days) * 24 * time.Hour)
	}
	cases, err := s.svc.Queue(r.Context(), p.Staff, f)
	if err != nil {
		return err
	}
	names := s.staffNames(r)
	d := queueData{Levels: s.svc.Settings().Levels, Codes: kyc.Catalogue(),
		Statuses: []kyc.CaseStatus{kyc.CaseOpen, kyc.CaseClaimed, kyc.CaseAwaitingSecond, kyc.CaseClosed},
		Filter:   map[string]string{"level": f.Level, "kind": string(f.Kind), "code": string(f.Code), "status": q.Get("status"), "age": q.Get("age")}}
	for _, c := range cases {
		row := queueRow{Case: c, ClaimedName: names[c.ClaimedBy]}
		seen := map[kyc.Code]bool{}
		for _, rs := range c.Reasons {
			if !seen[rs.Code] {
				seen[rs.Code] = true
				row.Codes = append(row.Codes, string(rs.Code))
			}
		}
		d.Rows = append(d.Rows, row)
	}
	p.Title, p.D = p.T("queue.title"), d
	s.render(w, r, http.StatusOK, "queue", p)
	return nil
}

func (s *Server) staffNames(r *http.Request) map[string]string {
	out := map[string]string{}
	if all, err := s.svc.ListStaff(r.Context()); err == nil {
		for _, st := range all {
			name := st.Name
			if name == "" {
				name = st.Email
			}
			out[st.ID] = name
		}
	}
	return out
}

func (s *Server) claim(w http.ResponseWriter, r *http.Request, p *page) error {
	if _, err := s.svc.Claim(r.Context(), p.Staff, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/console/cases/"+url.PathEscape(r.PathValue("id")), http.StatusSeeOther)
	return nil
}

func (s *Server) release(w http.ResponseWriter, r *http.Request, p *page) error {
	if _, err := s.svc.Release(r.Context(), p.Staff, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/console/", http.StatusSeeOther)
	return nil
}

// --- case ---

type imageFile struct {
	kyc.File
	Label   string
	IsImage bool
}

type imageGroup struct {
	Title string
	Files []imageFile
}

type fieldRow struct {
	Field, Profile, MRZ, Printed, Score string
}

type kv struct{ K, V string }

type reasonRow struct {
	kyc.Reason
	Details []kv
}

type attemptRow struct {
	kyc.Attempt
	Codes []string
}

type auditRow struct {
	kyc.AuditEntry
	Actor   string
	Details []kv
}

type caseData struct {
	D            *kyc.CaseDetail
	Level        *kyc.Level
	Current      []imageGroup
	Older        []imageGroup
	Fields       []fieldRow
	Reasons      []reasonRow
	Measurements []kv
	Attempts     []attemptRow
	Audit        []auditRow // the latest entries
	AuditOlder   []auditRow // the rest, folded away
	Codes        []kyc.Entry
	Mine         bool
	CanClaim     bool
	Closed       bool
	Awaiting     bool
	ProposedBy   string
	DecidedBy    string
	Form         map[string]string
}

// auditShown is how many audit entries the case page shows before folding the rest.
const auditShown = 25

func (s *Server) casePage(w http.ResponseWriter, r *http.Request, p *page) error {
	if r.URL.Query().Get("done") != "" {
		p.Flash = p.T("case.decided")
	}
	return s.renderCase(w, r, p, http.StatusOK, nil)
}

func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, p *page, status int, form map[string]string) error {
	d, err := s.svc.CaseDetail(r.Context(), p.Staff, r.PathValue("id"))
	if err != nil {
		return err
	}
	names := s.staffNames(r)
	cd := caseData{D: d, Codes: kyc.Catalogue(), Form: form}
	cd.Level, _ = s.svc.Level(d.Case.Level)
	cd.Closed = d.Case.Status == kyc.CaseClosed
	cd.Awaiting = d.Case.Status == kyc.CaseAwaitingSecond
	cd.Mine = d.Case.ClaimedBy == p.Staff.ID
	cd.CanClaim = !cd.Closed && d.Case.ClaimedBy == "" && !cd.Awaiting
	if d.Case.Proposed != nil {
		cd.ProposedBy = names[d.Case.Proposed.By]
	}
	if d.Case.Decision != nil {
		cd.DecidedBy = names[d.Case.Decision.By]
		if d.Case.Decision.SecondBy != "" {
			cd.DecidedBy += " / " + names[d.Case.Decision.SecondBy]
		}
	}
	if cd.Awaiting {
		p.Flash = "" // a proposal is not a decision yet: the page says who must confirm
	}
	cd.Current, cd.Older = groupFiles(p.Lang, d)
	var sub *kyc.Submission
	for i := range d.Submissions {
		if d.Submissions[i].ID == d.Case.SubmissionID || sub == nil {
			sub = &d.Submissions[i]
		}
	}
	reasons := d.Case.Reasons
	if sub != nil && len(reasons) == 0 {
		reasons = sub.Reasons
	}
	for _, rs := range reasons {
		cd.Reasons = append(cd.Reasons, reasonRow{Reason: rs, Details: flatten(rs.Detail)})
	}
	cd.Fields = fieldRows(&d.Applicant.Profile, sub, reasons)
	if sub != nil && sub.Result != nil {
		for input, ms := range sub.Result.Measurements {
			for name, v := range ms {
				cd.Measurements = append(cd.Measurements, kv{input + "." + name, strconv.FormatFloat(v, 'g', 4, 64)})
			}
		}
		sort.Slice(cd.Measurements, func(i, j int) bool { return cd.Measurements[i].K < cd.Measurements[j].K })
	}
	for i := len(d.Attempts) - 1; i >= 0; i-- {
		at := d.Attempts[i]
		row := attemptRow{Attempt: at}
		for _, rs := range at.Reasons {
			row.Codes = append(row.Codes, string(rs.Code))
		}
		cd.Attempts = append(cd.Attempts, row)
	}
	for _, e := range d.Audit {
		actor := string(e.ActorType)
		if e.ActorType == kyc.ActorStaff && names[e.ActorID] != "" {
			actor += ": " + names[e.ActorID]
		} else if e.ActorID != "" {
			actor += ": " + e.ActorID
		}
		cd.Audit = append(cd.Audit, auditRow{AuditEntry: e, Actor: actor, Details: flatten(e.Detail)})
	}
	sort.SliceStable(cd.Audit, func(i, j int) bool { return cd.Audit[i].Seq > cd.Audit[j].Seq })
	if len(cd.Audit) > auditShown {
		cd.Audit, cd.AuditOlder = cd.Audit[:auditShown], cd.Audit[auditShown:]
	}
	p.Title, p.D = p.T("case.title")+" "+d.Case.ID, cd
	s.render(w, r, status, "case", p)
	return nil
}

// groupFiles sorts the case's files into the current attempt of each step (and the appeal's
// files) and the older attempts.
func groupFiles(lang Lang, d *kyc.CaseDetail) (current, older []imageGroup) {
	latest := map[kyc.Step]string{}
	num := map[string]int{}
	for _, at := range d.Attempts {
		num[at.ID] = at.Number
		if prev, ok := latest[at.Step]; !ok || at.Number > num[prev] {
			latest[at.Step] = at.ID
		}
	}
	isLatest := map[string]bool{}
	for _, id := range latest {
		isLatest[id] = true
	}
	byAttempt := map[string][]imageFile{}
	var appeal []imageFile
	for _, f := range d.Files {
		lbl := T(lang, "step."+string(f.Step))
		if f.Side != "" && f.Side != kyc.SideSelfie && f.Side != kyc.SidePOA {
			lbl += " · " + string(f.Side)
		}
		if f.Side == kyc.SideFrame {
			lbl = fmt.Sprintf("%s #%d", lbl, f.Index)
			if f.CapturedAt != nil {
				lbl += " " + f.CapturedAt.UTC().Format("15:04:05.000")
			}
		}
		im := imageFile{File: f, Label: lbl, IsImage: strings.HasPrefix(f.ContentType, "image/")}
		switch {
		case f.CaseID == d.Case.ID:
			im.Label = T(lang, "case.kind.appeal")
			appeal = append(appeal, im)
		case f.AttemptID != "":
			byAttempt[f.AttemptID] = append(byAttempt[f.AttemptID], im)
		}
	}
	for _, step := range kyc.Steps {
		id, ok := latest[step]
		if !ok || len(byAttempt[id]) == 0 {
			continue
		}
		fs := byAttempt[id]
		sort.Slice(fs, func(i, j int) bool {
			if fs[i].Side != fs[j].Side {
				return fs[i].Side > fs[j].Side // front before back
			}
			return fs[i].Index < fs[j].Index
		})
		current = append(current, imageGroup{Title: fmt.Sprintf("%s · %s %d", T(lang, "step."+string(step)), T(lang, "case.attempt"), num[id]), Files: fs})
	}
	if len(appeal) > 0 {
		current = append(current, imageGroup{Title: T(lang, "case.kind.appeal"), Files: appeal})
	}
	for i := len(d.Attempts) - 1; i >= 0; i-- {
		at := d.Attempts[i]
		if isLatest[at.ID] || len(byAttempt[at.ID]) == 0 {
			continue
		}
		older = append(older, imageGroup{Title: fmt.Sprintf("%s · %s %d", T(lang, "step."+string(at.Step)), T(lang, "case.attempt"), at.Number), Files: byAttempt[at.ID]})
	}
	return current, older
}

// fieldRows lines up the profile, the MRZ and the printed fields. Scores come from the data
// comparison's reasons where the checks reported one.
func fieldRows(pr *kyc.Profile, sub *kyc.Submission, reasons []kyc.Reason) []fieldRow {
	var mrz, printed map[string]string
	if sub != nil && sub.Result != nil && sub.Result.Document != nil {
		printed = sub.Result.Document.Fields
		if sub.Result.Document.MRZ != nil {
			mrz = sub.Result.Document.MRZ.Fields
		}
	}
	score := map[kyc.Code]string{}
	for _, rs := range reasons {
		if v, ok := rs.Detail["score"]; ok {
			score[rs.Code] = fmt.Sprint(v)
		}
	}
	name := pr.FullName
	if name == "" {
		name = strings.TrimSpace(pr.FirstName + " " + pr.LastName)
	}
	rows := []struct {
		field, profile string
		keys           []string
		code           kyc.Code
	}{
		{"last_name", pr.LastName, []string{"last_name", "surname"}, kyc.DataMismatchName},
		{"first_name", pr.FirstName, []string{"first_name", "given_names"}, kyc.DataMismatchName},
		{"full_name", name, []string{"full_name", "name"}, kyc.DataMismatchName},
		{"date_of_birth", pr.DateOfBirth, []string{"date_of_birth", "birth_date"}, kyc.DataMismatchDOB},
		{"nationality", pr.Nationality, []string{"nationality"}, kyc.DataMismatchNationality},
		{"document_number", "", []string{"document_number"}, kyc.DocNumberInvalid},
		{"expiry_date", "", []string{"expiry_date"}, kyc.DocExpired},
	}
	pick := func(m map[string]string, keys []string) string {
		for _, k := range keys {
			if v := m[k]; v != "" {
				return v
			}
		}
		return ""
	}
	var out []fieldRow
	for _, r := range rows {
		fr := fieldRow{Field: r.field, Profile: r.profile, MRZ: pick(mrz, r.keys), Printed: pick(printed, r.keys), Score: score[r.code]}
		if fr.Profile == "" && fr.MRZ == "" && fr.Printed == "" {
			continue
		}
		for _, v := range []*string{&fr.Profile, &fr.MRZ, &fr.Printed, &fr.Score} {
			if *v == "" {
				*v = "—"
			}
		}
		out = append(out, fr)
	}
	return out
}

// flatten lists a detail map for a reviewer, one row per key, sorted; nested maps become
// "key.sub" rows and lists are comma-separated, so nothing shows as Go's raw map syntax.
func flatten(m map[string]any) []kv {
	out := make([]kv, 0, len(m))
	var add func(prefix string, v any)
	add = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, sub := range x {
				add(prefix+"."+k, sub)
			}
		case []any:
			parts := make([]string, len(x))
			for i, e := range x {
				parts[i] = fmt.Sprint(e)
			}
			out = append(out, kv{prefix, strings.Join(parts, ", ")})
		default:
			out = append(out, kv{prefix, fmt.Sprint(v)})
		}
	}
	for k, v := range m {
		add(k, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].K < out[j].K })
	return out
}

func (s *Server) decide(w http.ResponseWriter, r *http.Request, p *page) error {
	d := kyc.ReviewDecision{Action: kyc.ReviewAction(r.PostFormValue("action")),
		Comment: r.PostFormValue("comment"), InternalNote: r.PostFormValue("internal_note")}
	for _, st := range r.PostForm["steps"] {
		d.Steps = append(d.Steps, kyc.Step(st))
	}
	for _, c := range r.PostForm["codes"] {
		d.Codes = append(d.Codes, kyc.Code(c))
	}
	id := r.PathValue("id")
	if _, err := s.svc.Decide(r.Context(), p.Staff, id, d); err != nil {
		switch kyc.KindOf(err) {
		case kyc.KindInvalid, kyc.KindConflict:
			// Domain messages of these kinds are written for the caller.
			p.FlashErr = safeMessage(err)
			return s.renderCase(w, r, p, http.StatusUnprocessableEntity, map[string]string{
				"action": string(d.Action), "comment": d.Comment, "internal_note": d.InternalNote})
		}
		return err
	}
	http.Redirect(w, r, "/console/cases/"+url.PathEscape(id)+"?done=1", http.StatusSeeOther)
	return nil
}

func safeMessage(err error) string {
	var e *kyc.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

func (s *Server) file(w http.ResponseWriter, r *http.Request, p *page) error {
	f, data, err := s.svc.StaffFile(r.Context(), p.Staff, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Content-Disposition", "inline")
	_, _ = w.Write(data)
	return nil
}

// --- admin ---

type keysData struct {
	Keys   []kyc.APIKey
	Secret string
}

func (s *Server) keysPage(w http.ResponseWriter, r *http.Request, p *page) error {
	return s.renderKeys(w, r, p, "")
}

func (s *Server) renderKeys(w http.ResponseWriter, r *http.Request, p *page, secret string) error {
	keys, err := s.svc.ListAPIKeys(r.Context())
	if err != nil {
		return err
	}
	p.Title, p.D = p.T("admin.keys"), keysData{Keys: keys, Secret: secret}
	s.render(w, r, http.StatusOK, "keys", p)
	return nil
}

func actorOf(p *page) kyc.Actor { return kyc.Actor{Type: kyc.ActorStaff, ID: p.Staff.ID} }

func (s *Server) createKey(w http.ResponseWriter, r *http.Request, p *page) error {
	secret, _, err := s.svc.CreateAPIKey(r.Context(), actorOf(p), r.PostFormValue("name"))
	if kyc.KindOf(err) == kyc.KindInvalid {
		p.FlashErr = safeMessage(err)
		return s.renderKeys(w, r, p, "")
	}
	if err != nil {
		return err
	}
	// The secret is shown on this response only: it is never stored in plain text.
	return s.renderKeys(w, r, p, secret)
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request, p *page) error {
	if err := s.svc.RevokeAPIKey(r.Context(), actorOf(p), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/console/admin/keys", http.StatusSeeOther)
	return nil
}

func (s *Server) webhooksPage(w http.ResponseWriter, r *http.Request, p *page) error {
	eps, err := s.svc.ListEndpoints(r.Context())
	if err != nil {
		return err
	}
	p.Title, p.D = p.T("admin.webhooks"), eps
	s.render(w, r, http.StatusOK, "webhooks", p)
	return nil
}

type deliveryRow struct {
	kyc.Delivery
	Requests []kyc.DeliveryAttempt
}

type deliveriesData struct {
	Endpoint *kyc.Endpoint
	Rows     []deliveryRow
}

func (s *Server) deliveriesPage(w http.ResponseWriter, r *http.Request, p *page) error {
	id := r.PathValue("id")
	eps, err := s.svc.ListEndpoints(r.Context())
	if err != nil {
		return err
	}
	var ep *kyc.Endpoint
	for i := range eps {
		if eps[i].ID == id {
			ep = &eps[i]
		}
	}
	if ep == nil {
		return kyc.NotFound("endpoint")
	}
	ds, att, err := s.svc.Deliveries(r.Context(), id, 200)
	if err != nil {
		return err
	}
	d := deliveriesData{Endpoint: ep}
	for _, x := range ds {
		d.Rows = append(d.Rows, deliveryRow{Delivery: x, Requests: att[x.ID]})
	}
	if r.URL.Query().Get("replayed") != "" {
		p.Flash = p.T("admin.replayed")
	}
	p.Title, p.D = p.T("admin.deliveries"), d
	s.render(w, r, http.StatusOK, "deliveries", p)
	return nil
}

func (s *Server) replay(w http.ResponseWriter, r *http.Request, p *page) error {
	d, err := s.svc.ReplayDelivery(r.Context(), actorOf(p), r.PathValue("id"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/console/admin/webhooks/"+url.PathEscape(d.EndpointID)+"?replayed=1", http.StatusSeeOther)
	return nil
}

func (s *Server) staffPage(w http.ResponseWriter, r *http.Request, p *page) error {
	all, err := s.svc.ListStaff(r.Context())
	if err != nil {
		return err
	}
	p.Title, p.D = p.T("admin.staff"), all
	s.render(w, r, http.StatusOK, "staff", p)
	return nil
}

func (s *Server) createStaff(w http.ResponseWriter, r *http.Request, p *page) error {
	_, err := s.svc.CreateStaff(r.Context(), actorOf(p), r.PostFormValue("email"), r.PostFormValue("name"),
		kyc.Role(r.PostFormValue("role")), r.PostFormValue("password"))
	switch kyc.KindOf(err) {
	case kyc.KindInvalid, kyc.KindConflict:
		p.FlashErr = safeMessage(err)
		return s.staffPage(w, r, p)
	}
	if err != nil {
		return err
	}
	p.Flash = p.T("admin.saved")
	return s.staffPage(w, r, p)
}

type levelsData struct {
	Levels   []kyc.Level
	Settings kyc.Settings
}

func (s *Server) levelsPage(w http.ResponseWriter, r *http.Request, p *page) error {
	set := s.svc.Settings()
	set.TokenSecret = nil
	p.Title, p.D = p.T("admin.levels"), levelsData{Levels: set.Levels, Settings: set}
	s.render(w, r, http.StatusOK, "levels", p)
	return nil
}
