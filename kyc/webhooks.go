package kyc

import (
	"context"
	"encoding/json"
	"net"
	"net/url"
	"strings"
	"time"
)

// DeliveryMaxAttempts bounds a delivery's tries; with DeliveryBackoff they span the retry window
// (three days by default), after which the delivery is marked failed and can be replayed.
const DeliveryMaxAttempts = 30

// DeliveryBackoff is the wait before retry n (1-based): 30 s doubling up to 6 h. Thirty tries
// cover about 3.5 days; the retry window cuts them at three.
func DeliveryBackoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// CreateEndpoint registers a webhook receiver and returns its signing secret once.
func (s *Service) CreateEndpoint(ctx context.Context, actor Actor, rawURL string, types []string, allowPrivate bool) (*Endpoint, string, error) {
	if err := checkEndpointURL(rawURL, allowPrivate); err != nil {
		return nil, "", err
	}
	secret := "whsec_" + randomToken(32)
	ep := &Endpoint{ID: NewID("wh", s.now()), URL: rawURL, EventTypes: types, CreatedAt: s.now()}
	sealed, err := s.sealer.Seal(ctx, []byte(secret), ep.ID)
	if err != nil {
		return nil, "", err
	}
	ep.Secret = sealed
	err = s.store.Update(ctx, func(tx Tx) error {
		if err := tx.CreateEndpoint(ctx, ep); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "webhook.create", "", ep.ID, map[string]any{"event_types": types})
	})
	if err != nil {
		return nil, "", err
	}
	return ep, secret, nil
}

func checkEndpointURL(raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(raw) > 2000 {
		return Invalid("url", "url must be an absolute http(s) URL")
	}
	if u.User != nil {
		return Invalid("url", "url must not carry credentials")
	}
	if !allowPrivate {
		host := u.Hostname()
		if ip := net.ParseIP(host); (ip != nil && (ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified())) ||
			strings.EqualFold(host, "localhost") {
			return Invalid("url", "url must not point at a private or loopback address")
		}
	}
	return nil
}

// ListEndpoints lists webhook endpoints.
func (s *Service) ListEndpoints(ctx context.Context) ([]Endpoint, error) {
	return s.store.ListEndpoints(ctx)
}

// RotateEndpointSecret replaces an endpoint's signing secret and returns the new one.
func (s *Service) RotateEndpointSecret(ctx context.Context, actor Actor, id string) (string, error) {
	secret := "whsec_" + randomToken(32)
	err := s.store.Update(ctx, func(tx Tx) error {
		ep, err := tx.GetEndpoint(ctx, id)
		if err != nil {
			return err
		}
		if ep.Secret, err = s.sealer.Seal(ctx, []byte(secret), ep.ID); err != nil {
			return err
		}
		if err := tx.UpdateEndpoint(ctx, ep); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "webhook.rotate_secret", "", ep.ID, nil)
	})
	return secret, err
}

// DisableEndpoint stops deliveries to an endpoint.
func (s *Service) DisableEndpoint(ctx context.Context, actor Actor, id string) error {
	return s.store.Update(ctx, func(tx Tx) error {
		ep, err := tx.GetEndpoint(ctx, id)
		if err != nil {
			return err
		}
		now := s.now()
		ep.DisabledAt = &now
		if err := tx.UpdateEndpoint(ctx, ep); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "webhook.disable", "", ep.ID, nil)
	})
}

// Deliveries returns an endpoint's delivery log, newest first, with each delivery's attempts.
func (s *Service) Deliveries(ctx context.Context, endpointID string, limit int) ([]Delivery, map[string][]DeliveryAttempt, error) {
	if _, err := s.store.GetEndpoint(ctx, endpointID); err != nil {
		return nil, nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	ds, err := s.store.ListDeliveries(ctx, endpointID, limit)
	if err != nil {
		return nil, nil, err
	}
	att := map[string][]DeliveryAttempt{}
	for _, d := range ds {
		a, err := s.store.ListDeliveryAttempts(ctx, d.ID)
		if err != nil {
			return nil, nil, err
		}
		att[d.ID] = a
	}
	return ds, att, nil
}

// ReplayDelivery sends a delivery's event to its endpoint again, as a new delivery with the same
// event id (receivers deduplicate on it).
func (s *Service) ReplayDelivery(ctx context.Context, actor Actor, deliveryID string) (*Delivery, error) {
	var nd *Delivery
	err := s.store.Update(ctx, func(tx Tx) error {
		d, err := tx.GetDelivery(ctx, deliveryID)
		if err != nil {
			return err
		}
		nd = &Delivery{ID: NewID("dlv", s.now()), EndpointID: d.EndpointID, EventID: d.EventID, Status: DeliveryPending, CreatedAt: s.now()}
		if err := tx.CreateDelivery(ctx, nd); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, DeliverJob{DeliveryID: nd.ID}, JobOpts{MaxAttempts: DeliveryMaxAttempts, Queue: "webhooks"}); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "webhook.replay", "", nd.ID, map[string]any{"replay_of": d.ID})
	})
	return nd, err
}

// OutgoingWebhook is one request to send: the sender signs and posts it.
type OutgoingWebhook struct {
	DeliveryID string
	EventID    string
	URL        string
	Secret     []byte
	Body       []byte
	Done       bool // already delivered or given up: nothing to send
}

// PrepareDelivery loads what a delivery must send. Done is set when it needs no sending.
func (s *Service) PrepareDelivery(ctx context.Context, deliveryID string) (*OutgoingWebhook, error) {
	d, err := s.store.GetDelivery(ctx, deliveryID)
	if err != nil {
		return nil, err
	}
	if d.Status != DeliveryPending {
		return &OutgoingWebhook{DeliveryID: d.ID, Done: true}, nil
	}
	ep, err := s.store.GetEndpoint(ctx, d.EndpointID)
	if err != nil {
		return nil, err
	}
	if ep.DisabledAt != nil {
		return &OutgoingWebhook{DeliveryID: d.ID, Done: true}, nil
	}
	ev, err := s.store.GetEvent(ctx, d.EventID)
	if err != nil {
		return nil, err
	}
	secret, err := s.sealer.Unseal(ctx, ep.Secret, ep.ID)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(map[string]any{"id": ev.ID, "type": ev.Type, "created_at": ev.CreatedAt,
		"data": map[string]any{"applicant_id": ev.ApplicantID, "external_id": ev.ExternalID, "details": ev.Data}})
	if err != nil {
		return nil, err
	}
	return &OutgoingWebhook{DeliveryID: d.ID, EventID: ev.ID, URL: ep.URL, Secret: secret, Body: body}, nil
}

// RecordDelivery logs one attempt. It returns retry=true when the delivery failed and is still
// inside the retry window.
func (s *Service) RecordDelivery(ctx context.Context, deliveryID string, statusCode int, sendErr string, took time.Duration) (retry bool, err error) {
	err = s.store.Update(ctx, func(tx Tx) error {
		d, err := tx.GetDelivery(ctx, deliveryID)
		if err != nil {
			return err
		}
		now := s.now()
		if err := tx.AddDeliveryAttempt(ctx, &DeliveryAttempt{DeliveryID: d.ID, At: now, StatusCode: statusCode,
			Error: sendErr, DurationMS: took.Milliseconds()}); err != nil {
			return err
		}
		d.Attempts++
		d.LastCode, d.LastError = statusCode, sendErr
		switch {
		case sendErr == "" && statusCode >= 200 && statusCode < 300:
			d.Status, d.DeliveredAt = DeliveryDelivered, &now
		case now.Sub(d.CreatedAt) >= s.set.WebhookRetryWindow || d.Attempts >= DeliveryMaxAttempts:
			d.Status = DeliveryFailed
		default:
			retry = true
		}
		return tx.UpdateDelivery(ctx, d)
	})
	return retry, err
}
