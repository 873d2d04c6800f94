package kyc

import (
	"context"
	"time"
)

// Checker runs kycd's checks. The check package composes the engines (file, image quality,
// document reading, face, proof of address) into one; the service calls it at upload time and
// when a submission's job runs, and `kycd check` calls the same pipeline without a server.
type Checker interface {
	// CheckUpload is the fast answer given while the applicant is still on the capture screen:
	// file-level and image-quality findings for one file.
	CheckUpload(ctx context.Context, u *Upload) *UploadResult
	// Check runs every check whose inputs are present. Missing inputs skip a check, they do not
	// fail it. An error means the checks could not run (CHECK_UNAVAILABLE) and will be retried.
	Check(ctx context.Context, in *CheckInput) (*CheckResult, error)
}

// Upload is one file handed to the checks.
type Upload struct {
	FileID     string    `json:"file_id,omitempty"`
	Step       Step      `json:"step"`
	Side       Side      `json:"side,omitempty"`
	Data       []byte    `json:"-"`
	CapturedAt time.Time `json:"captured_at,omitempty"`
}

// UploadResult is the upload-time verdict on one file. Rejected means a file-level problem (wrong
// format, too large, corrupt): the file is not kept.
type UploadResult struct {
	Rejected     bool               `json:"-"`
	ContentType  string             `json:"content_type,omitempty"`
	Width        int                `json:"width,omitempty"`
	Height       int                `json:"height,omitempty"`
	SHA256       string             `json:"sha256,omitempty"`
	Findings     []Finding          `json:"findings,omitempty"`
	Measurements map[string]float64 `json:"measurements,omitempty"`
}

// CheckInput is everything the checks may look at for one submission.
type CheckInput struct {
	Level     *Level
	Profile   *Profile
	Identity  *IdentityChoice
	Front     *Upload
	Back      *Upload
	Selfie    *Upload
	Challenge *Challenge
	Frames    []*Upload
	POA       *Upload
	// Attempts holds, per step, the number of the attempt being checked (1 = first).
	Attempts map[Step]int
	Now      time.Time
}

// CheckResult is what the checks found: findings (reasons before policy), what was read, and the
// measurements behind each finding. Its JSON is part of `kycd check`'s output.
type CheckResult struct {
	Findings     []Finding                     `json:"findings,omitempty"`
	Document     *DocumentData                 `json:"document,omitempty"`
	Face         *FaceData                     `json:"face,omitempty"`
	POA          *POAData                      `json:"poa,omitempty"`
	Measurements map[string]map[string]float64 `json:"measurements,omitempty"`
	TimingsMS    map[string]float64            `json:"timings_ms,omitempty"`
}

// Measure records a measurement of one input (front, back, selfie, poa, ...).
func (r *CheckResult) Measure(input, name string, v float64) {
	if r.Measurements == nil {
		r.Measurements = map[string]map[string]float64{}
	}
	if r.Measurements[input] == nil {
		r.Measurements[input] = map[string]float64{}
	}
	r.Measurements[input][name] = v
}

// Time records how long a stage took.
func (r *CheckResult) Time(stage string, d time.Duration) {
	if r.TimingsMS == nil {
		r.TimingsMS = map[string]float64{}
	}
	r.TimingsMS[stage] += float64(d.Microseconds()) / 1000
}

// DocumentData is what was read from the identity document.
type DocumentData struct {
	MRZ    *MRZData          `json:"mrz,omitempty"`
	Fields map[string]string `json:"fields,omitempty"`
}

// MRZData is a parsed machine-readable zone.
type MRZData struct {
	Format string            `json:"format"`
	Raw    []string          `json:"raw"`
	Valid  bool              `json:"valid"`
	Fields map[string]string `json:"fields,omitempty"`
}

// FaceData is what the face checks found.
type FaceData struct {
	DocumentFaceFound bool          `json:"document_face_found"`
	SelfieFaceFound   bool          `json:"selfie_face_found"`
	MatchScore        *float64      `json:"match_score,omitempty"`
	MatchThreshold    float64       `json:"match_threshold,omitempty"`
	ModelVersion      string        `json:"model_version,omitempty"`
	Liveness          *LivenessData `json:"liveness,omitempty"`
	// Embedding is the selfie's face embedding (unit length), kept to find the same face on
	// another applicant (DUPLICATE_FACE). Never part of any output.
	Embedding []float32 `json:"-"`
}

// LivenessData is the liveness verdict.
type LivenessData struct {
	Passed  bool     `json:"passed"`
	Actions []string `json:"actions"`
}

// POAData is what was read from a proof of address.
type POAData struct {
	IssueDate    string  `json:"issue_date,omitempty"`
	DocType      string  `json:"doc_type,omitempty"`
	NameFound    bool    `json:"name_found"`
	AddressScore float64 `json:"address_score"`
}
