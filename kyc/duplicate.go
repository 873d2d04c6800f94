package kyc

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"
)

// MarkKind names what an identity mark identifies.
type MarkKind string

// Mark kinds.
const (
	MarkDocument MarkKind = "document"
	MarkFace     MarkKind = "face"
)

// IdentityMark is what identifies a person across applicants: a keyed hash of a document's
// issuing country and number (the number itself is not stored again), or a face embedding keyed
// by the version of the model that made it (embeddings of two models cannot be compared).
type IdentityMark struct {
	ApplicantID  string
	Kind         MarkKind
	Key          string
	Vector       []float32
	SubmissionID string
	CreatedAt    time.Time
}

// duplicatePage is how many face marks are compared per store read.
const duplicatePage = 2000

// maxDuplicateIDs bounds the other applicants named in a duplicate finding's detail.
const maxDuplicateIDs = 5

// duplicates looks for this submission's document and face on other applicants and returns the
// findings and the marks to record with the decision. The comparison of faces is a scan of every
// applicant's embedding; see docs/architecture.md for its cost.
func (s *Service) duplicates(ctx context.Context, applicantID string, res *CheckResult, now time.Time) ([]Finding, []IdentityMark, error) {
	var findings []Finding
	var marks []IdentityMark
	if key := s.documentMark(res.Document); key != "" {
		var others []string
		after := ""
		for {
			page, err := s.store.ListIdentityMarks(ctx, MarkDocument, key, after, duplicatePage)
			if err != nil {
				return nil, nil, err
			}
			for _, m := range page {
				if m.ApplicantID != applicantID {
					others = append(others, m.ApplicantID)
				}
				after = m.ApplicantID
			}
			if len(page) < duplicatePage {
				break
			}
		}
		if len(others) > 0 {
			findings = append(findings, NewFinding(DuplicateDocument, SideFront, map[string]any{
				"other_applicants": len(others), "other_applicant_ids": firstN(others, maxDuplicateIDs)}))
		}
		marks = append(marks, IdentityMark{ApplicantID: applicantID, Kind: MarkDocument, Key: key, CreatedAt: now})
	}
	if f := res.Face; f != nil && len(f.Embedding) > 0 && f.ModelVersion != "" {
		type hit struct {
			id  string
			sim float64
		}
		var hits []hit
		after := ""
		for {
			page, err := s.store.ListIdentityMarks(ctx, MarkFace, f.ModelVersion, after, duplicatePage)
			if err != nil {
				return nil, nil, err
			}
			for _, m := range page {
				after = m.ApplicantID
				if m.ApplicantID == applicantID || len(m.Vector) != len(f.Embedding) {
					continue
				}
				if sim := cosine(f.Embedding, m.Vector); s.set.DuplicateFaceThreshold > 0 && sim >= s.set.DuplicateFaceThreshold {
					hits = append(hits, hit{m.ApplicantID, sim})
				}
			}
			if len(page) < duplicatePage {
				break
			}
		}
		if len(hits) > 0 {
			sort.Slice(hits, func(i, j int) bool { return hits[i].sim > hits[j].sim })
			ids := make([]string, 0, len(hits))
			for _, h := range hits {
				ids = append(ids, h.id)
			}
			findings = append(findings, NewFinding(DuplicateFace, SideSelfie, map[string]any{
				"similarity": math.Round(hits[0].sim*1000) / 1000, "threshold": s.set.DuplicateFaceThreshold,
				"other_applicants": len(hits), "other_applicant_ids": firstN(ids, maxDuplicateIDs),
				"model_version": f.ModelVersion}))
		}
		marks = append(marks, IdentityMark{ApplicantID: applicantID, Kind: MarkFace, Key: f.ModelVersion,
			Vector: f.Embedding, CreatedAt: now})
	}
	return findings, marks, nil
}

// documentMark is the keyed hash of the document's issuing country and number, or "" when the
// number was not read. The key is derived from the token secret, so the table alone does not
// let anyone test a guessed number.
func (s *Service) documentMark(d *DocumentData) string {
	if d == nil {
		return ""
	}
	number, country, typ := d.Fields["document_number"], d.Fields["issuing_country"], d.Fields["document_type"]
	if d.MRZ != nil && d.MRZ.Valid {
		number, country = d.MRZ.Fields["document_number"], d.MRZ.Fields["issuing_country"]
	} else if src := d.Fields["document_number_source"]; src == "printed" {
		// A number no check digit verified may be misread: it must not match someone else's.
		return ""
	}
	number = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToUpper(r)
		}
		return -1
	}, number)
	if len(number) < 5 {
		return ""
	}
	k := hmac.New(sha256.New, s.set.TokenSecret)
	k.Write([]byte("kycd identity mark v1"))
	m := hmac.New(sha256.New, k.Sum(nil))
	m.Write([]byte(strings.ToUpper(country) + "\x00" + typ + "\x00" + number))
	return hex.EncodeToString(m.Sum(nil))
}

func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
