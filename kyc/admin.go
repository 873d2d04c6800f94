package kyc

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
)

// CreateAPIKey creates an integrator key. The key is returned once; only its hash is kept.
func (s *Service) CreateAPIKey(ctx context.Context, actor Actor, name string) (string, *APIKey, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", nil, Invalid("name", "name is required, at most 100 characters")
	}
	secret := "kyck_" + randomToken(32)
	k := &APIKey{ID: NewID("key", s.now()), Name: name, Prefix: secret[:13], Hash: hashKey(secret), CreatedAt: s.now()}
	err := s.store.Update(ctx, func(tx Tx) error {
		if err := tx.CreateAPIKey(ctx, k); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "apikey.create", "", k.ID, map[string]any{"name": name})
	})
	if err != nil {
		return "", nil, err
	}
	return secret, k, nil
}

// RevokeAPIKey revokes a key at once.
func (s *Service) RevokeAPIKey(ctx context.Context, actor Actor, id string) error {
	return s.store.Update(ctx, func(tx Tx) error {
		keys, err := tx.ListAPIKeys(ctx)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if k.ID == id {
				now := s.now()
				k.RevokedAt = &now
				if err := tx.UpdateAPIKey(ctx, &k); err != nil {
					return err
				}
				return s.audit(ctx, tx, actor, "apikey.revoke", "", id, nil)
			}
		}
		return NotFound("api key")
	})
}

// ListAPIKeys lists keys (never their secrets).
func (s *Service) ListAPIKeys(ctx context.Context) ([]APIKey, error) { return s.store.ListAPIKeys(ctx) }

// AuthenticateAPIKey returns the live key matching secret.
func (s *Service) AuthenticateAPIKey(ctx context.Context, secret string) (*APIKey, error) {
	if !strings.HasPrefix(secret, "kyck_") || len(secret) > 100 {
		return nil, Errorf(KindUnauthorized, "invalid API key")
	}
	k, err := s.store.GetAPIKeyByHash(ctx, hashKey(secret))
	if IsNotFound(err) || (err == nil && k.RevokedAt != nil) {
		return nil, Errorf(KindUnauthorized, "invalid API key")
	}
	return k, err
}

func hashKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// CreateStaff adds a reviewer or an admin. Passwords are hashed with Argon2id.
func (s *Service) CreateStaff(ctx context.Context, actor Actor, email, name string, role Role, password string) (*Staff, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !strings.Contains(email, "@") || len(email) > 254 {
		return nil, Invalid("email", "a valid email is required")
	}
	if role != RoleReviewer && role != RoleAdmin {
		return nil, Invalid("role", "role must be reviewer or admin")
	}
	if len(password) < 12 || len(password) > 200 {
		return nil, Invalid("password", "password must be 12 to 200 characters")
	}
	st := &Staff{ID: NewID("stf", s.now()), Email: email, Name: strings.TrimSpace(name), Role: role,
		PasswordHash: HashPassword(password), CreatedAt: s.now()}
	err := s.store.Update(ctx, func(tx Tx) error {
		if err := tx.CreateStaff(ctx, st); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "staff.create", "", st.ID, map[string]any{"role": string(role)})
	})
	return st, err
}

// ListStaff lists reviewers and admins.
func (s *Service) ListStaff(ctx context.Context) ([]Staff, error) { return s.store.ListStaff(ctx) }

// GetStaff returns one staff member.
func (s *Service) GetStaff(ctx context.Context, id string) (*Staff, error) {
	return s.store.GetStaff(ctx, id)
}

// Login checks a password. After five failures the account is locked for 15 minutes; the error
// does not say whether the email exists.
func (s *Service) Login(ctx context.Context, email, password string) (*Staff, error) {
	bad := Errorf(KindUnauthorized, "wrong email or password")
	st, err := s.store.GetStaffByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if IsNotFound(err) {
		VerifyPassword(HashPassword("dummy-password"), password) // same work either way
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if st.DisabledAt != nil {
		return nil, bad
	}
	if st.LockedUntil != nil && now.Before(*st.LockedUntil) {
		return nil, Errorf(KindForbidden, "too many failed attempts; try again after %s", st.LockedUntil.Format(time.RFC3339))
	}
	ok := VerifyPassword(st.PasswordHash, password)
	err = s.store.Update(ctx, func(tx Tx) error {
		if ok {
			st.FailedLogins, st.LockedUntil = 0, nil
		} else {
			st.FailedLogins++
			if st.FailedLogins >= 5 {
				until := now.Add(15 * time.Minute)
				st.LockedUntil, st.FailedLogins = &until, 0
			}
		}
		if err := tx.UpdateStaff(ctx, st); err != nil {
			return err
		}
		action := "staff.login"
		if !ok {
			action = "staff.login_failed"
		}
		return s.audit(ctx, tx, staffActor(st), action, "", st.ID, nil)
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, bad
	}
	return st, nil
}

// Argon2id parameters (RFC 9106 second recommendation, memory-constrained).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

// HashPassword hashes a password with Argon2id in the PHC string format.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// VerifyPassword checks pw against a hash from HashPassword.
func VerifyPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || m > 1<<20 || t > 10 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// IssueToken returns a short-lived access token scoped to one applicant and the hosted-flow link
// that carries it.
func (s *Service) IssueToken(ctx context.Context, actor Actor, applicantID string) (token string, expires time.Time, link string, err error) {
	if _, err := s.store.GetApplicant(ctx, applicantID); err != nil {
		return "", time.Time{}, "", err
	}
	token, expires = s.issueSigned("kat_", applicantID, s.set.TokenTTL)
	link = s.set.PublicURL + "/flow/" + url.PathEscape(applicantID) + "#token=" + url.QueryEscape(token)
	err = s.store.Update(ctx, func(tx Tx) error {
		return s.audit(ctx, tx, actor, "token.issue", applicantID, "", map[string]any{"expires_at": expires.Format(time.RFC3339)})
	})
	return token, expires, link, err
}

func (s *Service) sign(payload string) string {
	m := hmac.New(sha256.New, s.set.TokenSecret)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// issueSigned returns a bearer token "<prefix><base64(subject.expiry)>.<HMAC>" valid for ttl.
func (s *Service) issueSigned(prefix, subject string, ttl time.Duration) (string, time.Time) {
	exp := s.now().Add(ttl).Truncate(time.Second)
	payload := subject + "." + strconv.FormatInt(exp.Unix(), 10)
	return prefix + base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + s.sign(payload), exp
}

// openSigned checks a token from issueSigned (prefix, signature, expiry) and returns its subject.
func (s *Service) openSigned(prefix, token string) (string, bool) {
	rest, ok := strings.CutPrefix(token, prefix)
	if !ok || len(token) > 512 {
		return "", false
	}
	enc, mac, ok := strings.Cut(rest, ".")
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if !ok || err != nil || !hmac.Equal([]byte(mac), []byte(s.sign(string(raw)))) {
		return "", false
	}
	subject, exp, ok := strings.Cut(string(raw), ".")
	n, err := strconv.ParseInt(exp, 10, 64)
	if !ok || err != nil || s.now().After(time.Unix(n, 0)) {
		return "", false
	}
	return subject, true
}

// VerifyToken returns the applicant a token grants access to.
func (s *Service) VerifyToken(token string) (string, error) {
	id, ok := s.openSigned("kat_", token)
	if !ok {
		return "", Errorf(KindUnauthorized, "invalid or expired applicant token")
	}
	return id, nil
}

// Events pages through the events feed.
func (s *Service) Events(ctx context.Context, after string, limit int) ([]EventRecord, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return s.store.ListEvents(ctx, after, limit)
}

// Attempts returns the applicant's attempt history, oldest first.
func (s *Service) Attempts(ctx context.Context, applicantID string) ([]Attempt, []Submission, error) {
	if _, err := s.store.GetApplicant(ctx, applicantID); err != nil {
		return nil, nil, err
	}
	at, err := s.store.ListAttempts(ctx, applicantID)
	if err != nil {
		return nil, nil, err
	}
	subs, err := s.store.ListSubmissions(ctx, applicantID)
	return at, subs, err
}

// AuditReport is the result of verifying the audit chain.
type AuditReport struct {
	Checked  int64       `json:"checked"`
	OK       bool        `json:"ok"`
	Tampered *AuditEntry `json:"tampered,omitempty"`
	Problem  string      `json:"problem,omitempty"`
}

// VerifyAudit walks the whole audit log and names the first entry that was tampered with.
func (s *Service) VerifyAudit(ctx context.Context) (*AuditReport, error) {
	var v ChainVerifier
	var after int64
	for {
		page, err := s.store.ListAudit(ctx, after, 1000)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			return &AuditReport{Checked: v.Checked, OK: true}, nil
		}
		if bad, why := v.Check(page); bad != nil {
			return &AuditReport{Checked: v.Checked, Tampered: bad, Problem: why}, nil
		}
		after = page[len(page)-1].Seq
	}
}

// StaffSessionTTL is how long a staff session token lives.
const StaffSessionTTL = 8 * time.Hour

// IssueStaffSession returns a signed session token for a staff member who just logged in.
func (s *Service) IssueStaffSession(st *Staff) (string, time.Time) {
	return s.issueSigned("kst_", "staff:"+st.ID, StaffSessionTTL)
}

// VerifyStaffSession returns the staff member of a session token, refusing disabled accounts.
func (s *Service) VerifyStaffSession(ctx context.Context, token string) (*Staff, error) {
	bad := Errorf(KindUnauthorized, "invalid or expired session")
	subject, ok := s.openSigned("kst_", token)
	id, isStaff := strings.CutPrefix(subject, "staff:")
	if !ok || !isStaff {
		return nil, bad
	}
	st, err := s.store.GetStaff(ctx, id)
	if KindOf(err) == KindNotFound || (err == nil && st.DisabledAt != nil) {
		return nil, bad
	}
	return st, err
}

// Rewrapper re-wraps data keys and sealed secrets under the current primary master key.
type Rewrapper interface {
	Rewrap(ctx context.Context, ref BlobRef) (BlobRef, error)
	Sealer
}

// RewrapAll moves every file's data key and every webhook secret to the primary master key, for
// key rotation. It returns how many it re-wrapped.
func (s *Service) RewrapAll(ctx context.Context, rw Rewrapper) (int, error) {
	n, after := 0, ""
	for {
		files, err := s.store.ListAllFiles(ctx, after, 500)
		if err != nil {
			return n, err
		}
		if len(files) == 0 {
			break
		}
		err = s.store.Update(ctx, func(tx Tx) error {
			for i := range files {
				f := &files[i]
				ref, err := rw.Rewrap(ctx, f.Blob)
				if err != nil {
					return fmt.Errorf("file %s: %w", f.ID, err)
				}
				if ref != f.Blob {
					f.Blob = ref
					if err := tx.UpdateFile(ctx, f); err != nil {
						return err
					}
					n++
				}
			}
			return nil
		})
		if err != nil {
			return n, err
		}
		after = files[len(files)-1].ID
	}
	err := s.store.Update(ctx, func(tx Tx) error {
		eps, err := tx.ListEndpoints(ctx)
		if err != nil {
			return err
		}
		for i := range eps {
			ep := &eps[i]
			secret, err := rw.Unseal(ctx, ep.Secret, ep.ID)
			if err != nil {
				return fmt.Errorf("webhook %s: %w", ep.ID, err)
			}
			if ep.Secret, err = rw.Seal(ctx, secret, ep.ID); err != nil {
				return err
			}
			if err := tx.UpdateEndpoint(ctx, ep); err != nil {
				return err
			}
			n++
		}
		return s.audit(ctx, tx, Actor{Type: ActorSystem, ID: "cli"}, "keys.rotate", "", "", map[string]any{"rewrapped": n})
	})
	return n, err
}
