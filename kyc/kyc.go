// Package kyc is kycd's domain: applicants, levels, steps, attempts, files, reasons, decisions,
// reviewer cases, events and the rules that move an applicant between statuses.
//
// It imports no database, no net/http and no image library. The packages around it (sqlstore,
// filestore, httpapi, check, webhook, ...) wrap a technology and depend on this package, never on
// each other; the service in service.go holds every business rule.
package kyc

import (
	"context"
	"time"
)

// Clock tells the time. It is passed in wherever time matters (expiry, SLA, 90-day rules) so tests
// can set it.
type Clock interface{ Now() time.Time }

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current UTC time.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// FixedClock is a clock that tests move by hand.
type FixedClock struct{ T time.Time }

// Now returns the fixed time.
func (c *FixedClock) Now() time.Time { return c.T }

// Advance moves the clock forward.
func (c *FixedClock) Advance(d time.Duration) { c.T = c.T.Add(d) }

// BlobRef locates one encrypted file in the file store: the object key, the file's data key wrapped
// by the master key, and the id of the master key that wrapped it (for rotation).
type BlobRef struct {
	Key        string `json:"key"`
	WrappedKey string `json:"wrapped_key"`
	KeyID      string `json:"key_id"`
}

// FileStore keeps applicant files encrypted at rest. Every file has its own data key; the
// ciphertext is bound to the applicant and file ids, so a blob moved to another record fails to
// open.
type FileStore interface {
	Put(ctx context.Context, applicantID, fileID string, data []byte) (BlobRef, error)
	Get(ctx context.Context, applicantID, fileID string, ref BlobRef) ([]byte, error)
	Delete(ctx context.Context, ref BlobRef) error
}
