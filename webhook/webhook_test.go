package webhook

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// Test vector from the Standard Webhooks specification's reference libraries.
func TestSignStandardVector(t *testing.T) {
	t.Parallel()
	secret := []byte("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	body := []byte(`{"test": 2432232314}`)
	got := Sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), body)
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	secret := []byte("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"a":1}`)
	h := http.Header{}
	h.Set("webhook-id", "evt_1")
	h.Set("webhook-timestamp", "1800000000")
	h.Set("webhook-signature", "v1,bogus "+Sign(secret, "evt_1", now, body))
	tests := []struct {
		name string
		mut  func(http.Header) ([]byte, time.Time)
		ok   bool
	}{
		{"valid, one of two signatures", func(http.Header) ([]byte, time.Time) { return body, now }, true},
		{"body changed", func(http.Header) ([]byte, time.Time) { return []byte(`{"a":2}`), now }, false},
		{"too old", func(http.Header) ([]byte, time.Time) { return body, now.Add(10 * time.Minute) }, false},
		{"id changed", func(h http.Header) ([]byte, time.Time) { h.Set("webhook-id", "evt_2"); return body, now }, false},
		{"no timestamp", func(h http.Header) ([]byte, time.Time) { h.Del("webhook-timestamp"); return body, now }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hh := h.Clone()
			b, at := tt.mut(hh)
			if err := Verify(secret, hh, b, at, 5*time.Minute); (err == nil) != tt.ok {
				t.Fatalf("Verify = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestSend(t *testing.T) {
	t.Parallel()
	secret := []byte("whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ")
	got := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- Verify(secret, r.Header, b, time.Now(), time.Minute)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	s := NewSender(5 * time.Second)
	code, err := s.Send(context.Background(), srv.URL, "evt_x", secret, []byte(`{}`))
	if err != nil || code != 204 {
		t.Fatalf("Send = %d, %v", code, err)
	}
	if err := <-got; err != nil {
		t.Fatalf("receiver could not verify: %v", err)
	}
	fail := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer fail.Close()
	if code, err := s.Send(context.Background(), fail.URL, "evt_y", secret, nil); err == nil || code != 503 {
		t.Fatalf("Send to failing receiver = %d, %v", code, err)
	}
}
