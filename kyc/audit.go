package kyc

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// ActorType says who did something.
type ActorType string

// Actor types.
const (
	ActorSystem     ActorType = "system"
	ActorIntegrator ActorType = "integrator"
	ActorApplicant  ActorType = "applicant"
	ActorStaff      ActorType = "staff"
)

// Actor is who performs an action: kept in the audit log.
type Actor struct {
	Type ActorType `json:"type"`
	ID   string    `json:"id,omitempty"`
}

// AuditEntry is one line of the append-only, hash-chained audit log. Detail carries ids, codes
// and statuses, never personal data.
type AuditEntry struct {
	Seq         int64          `json:"seq"`
	ID          string         `json:"id"`
	At          time.Time      `json:"at"`
	ActorType   ActorType      `json:"actor_type"`
	ActorID     string         `json:"actor_id,omitempty"`
	Action      string         `json:"action"`
	ApplicantID string         `json:"applicant_id,omitempty"`
	Subject     string         `json:"subject,omitempty"`
	Detail      map[string]any `json:"detail,omitempty"`
	PrevHash    string         `json:"prev_hash"`
	Hash        string         `json:"hash"`
}

// ChainHash is the hash of an entry: SHA-256 over the previous hash and a canonical encoding of
// every field except the hash itself. Changing any field of any entry breaks its hash and every
// link after it.
func ChainHash(e *AuditEntry) string {
	body := struct {
		Seq         int64          `json:"seq"`
		ID          string         `json:"id"`
		At          string         `json:"at"`
		ActorType   ActorType      `json:"actor_type"`
		ActorID     string         `json:"actor_id"`
		Action      string         `json:"action"`
		ApplicantID string         `json:"applicant_id"`
		Subject     string         `json:"subject"`
		Detail      map[string]any `json:"detail"`
		PrevHash    string         `json:"prev_hash"`
	}{e.Seq, e.ID, e.At.UTC().Format(time.RFC3339Nano), e.ActorType, e.ActorID, e.Action,
		e.ApplicantID, e.Subject, e.Detail, e.PrevHash}
	b, err := json.Marshal(body) // map keys are sorted: the encoding is canonical
	if err != nil {
		panic(fmt.Sprintf("kyc: audit detail not encodable: %v", err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ChainVerifier checks audit entries in order, one page at a time.
type ChainVerifier struct {
	prev    string
	lastSeq int64
	Checked int64
}

// Check verifies the next entries. It returns the first entry that was tampered with (its hash
// does not match its content, its link does not match the previous entry, or a sequence number is
// missing), or nil.
func (v *ChainVerifier) Check(entries []AuditEntry) (*AuditEntry, string) {
	for i := range entries {
		e := &entries[i]
		switch {
		case e.Seq != v.lastSeq+1:
			return e, fmt.Sprintf("sequence jumps from %d to %d", v.lastSeq, e.Seq)
		case e.PrevHash != v.prev:
			return e, "link to the previous entry does not match"
		case ChainHash(e) != e.Hash:
			return e, "content does not match its hash"
		}
		v.prev, v.lastSeq = e.Hash, e.Seq
		v.Checked++
	}
	return nil, ""
}
