// Package webhook signs and sends kycd's webhooks with the Standard Webhooks scheme: headers
// webhook-id, webhook-timestamp and webhook-signature ("v1,<base64 HMAC-SHA256(id.timestamp.body)>"),
// so integrators can verify them with any Standard Webhooks library.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sign returns the webhook-signature header value for a message. secret is the endpoint secret as
// issued ("whsec_" + base64); the prefix is stripped and the rest used as the key bytes.
func Sign(secret []byte, id string, ts time.Time, body []byte) string {
	m := hmac.New(sha256.New, key(secret))
	fmt.Fprintf(m, "%s.%d.", id, ts.Unix())
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func key(secret []byte) []byte {
	s := strings.TrimPrefix(string(secret), "whsec_")
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b
	}
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return b
	}
	return []byte(s)
}

// ErrVerify is returned for a message whose signature or timestamp does not check out.
var ErrVerify = errors.New("webhook: signature verification failed")

// Verify checks the headers of a received webhook, allowing tolerance of clock skew. Receivers
// (and kycd's own tests) use it.
func Verify(secret []byte, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	id, tsRaw, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	sec, err := strconv.ParseInt(tsRaw, 10, 64)
	if id == "" || err != nil {
		return ErrVerify
	}
	ts := time.Unix(sec, 0)
	if now.Sub(ts) > tolerance || ts.Sub(now) > tolerance {
		return ErrVerify
	}
	want := Sign(secret, id, ts, body)
	for _, s := range strings.Fields(sigs) {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return ErrVerify
}

// Sender posts signed webhooks.
type Sender struct {
	Client *http.Client
	Now    func() time.Time
}

// NewSender returns a sender with a timeout and no redirects (a redirect could move a signed
// payload to another host).
func NewSender(timeout time.Duration) *Sender {
	return &Sender{Client: &http.Client{Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}, Now: time.Now}
}

// Send posts body to url, signed with secret under message id. It returns the status code and a
// short error text for the delivery log (no response body is kept).
func (s *Sender) Send(ctx context.Context, url, id string, secret, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	ts := s.Now()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "kycd-webhooks/1")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set("webhook-signature", Sign(secret, id, ts, body))
	resp, err := s.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("receiver answered %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}
