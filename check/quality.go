package check

import (
	"context"
	"sync"

	"github.com/kycd/kycd/imagecheck"
	"github.com/kycd/kycd/kyc"
)

// Quality is the image-quality engine: it finds the document in each identity photo and measures
// what keeps it from being read (blur, glare, exposure, shadow, cover, colour, resolution,
// framing). It answers at upload time too, so the capture screen can ask for a new photo at once.
// Its reports are kept on the Input for the engines after it (the reader rectifies the document
// with the outline it found).
type Quality struct {
	th imagecheck.Thresholds
}

var _ UploadEngine = (*Quality)(nil)

// NewQuality returns the quality engine with the given thresholds (zero fields take defaults).
func NewQuality(th imagecheck.Thresholds) *Quality { return &Quality{th: th} }

// Name implements Engine.
func (q *Quality) Name() string { return "quality" }

// Check implements Engine.
func (q *Quality) Check(ctx context.Context, in *Input, res *kyc.CheckResult) error {
	for _, s := range []struct {
		name string
		u    *kyc.Upload
		side kyc.Side
	}{{"front", in.Front, kyc.SideFront}, {"back", in.Back, kyc.SideBack}} {
		img := in.Image(s.u)
		if img == nil {
			continue
		}
		rep := imagecheck.Assess(img.Image, s.side, q.th)
		in.setQuality(s.u, rep)
		for k, v := range rep.Measurements {
			res.Measure(s.name, k, v)
		}
		for _, f := range rep.Findings {
			f.Step, f.Side = kyc.StepIdentity, s.side
			res.Findings = append(res.Findings, f)
		}
	}
	return nil
}

// CheckImage implements UploadEngine for the document sides.
func (q *Quality) CheckImage(ctx context.Context, step kyc.Step, side kyc.Side, img *imagecheck.Decoded, res *kyc.UploadResult) {
	if step != kyc.StepIdentity {
		return
	}
	rep := imagecheck.Assess(img.Image, side, q.th)
	if res.Measurements == nil {
		res.Measurements = map[string]float64{}
	}
	for k, v := range rep.Measurements {
		res.Measurements[k] = v
	}
	for _, f := range rep.Findings {
		f.Step, f.Side = step, side
		res.Findings = append(res.Findings, f)
	}
}

// qualityReports holds the quality engine's reports by upload.
type qualityReports struct {
	mu sync.Mutex
	m  map[*kyc.Upload]*imagecheck.Report
}

func (in *Input) setQuality(u *kyc.Upload, r *imagecheck.Report) {
	in.quality.mu.Lock()
	defer in.quality.mu.Unlock()
	if in.quality.m == nil {
		in.quality.m = map[*kyc.Upload]*imagecheck.Report{}
	}
	in.quality.m[u] = r
}

// Quality returns the quality engine's report on an upload's image (its document outline, size
// and measures), or nil when the quality engine did not run on it.
func (in *Input) Quality(u *kyc.Upload) *imagecheck.Report {
	in.quality.mu.Lock()
	defer in.quality.mu.Unlock()
	return in.quality.m[u]
}
