package check_test

import (
	"context"
	"slices"
	"testing"

	"github.com/kycd/kycd/check"
	"github.com/kycd/kycd/imagecheck"
	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/synth"
)

// TestQualityEngine runs the quality engine inside the pipeline: a clean photo of a card passes and
// leaves its outline for the engines after it; a blurred one fails at upload time and at check
// time, on the side it concerns, with its measure and threshold.
func TestQualityEngine(t *testing.T) {
	clean := synth.Render(synth.Spec{Seed: 11, Kind: synth.IDCard}).JPEG
	blurred := synth.Render(synth.Spec{Seed: 5, Kind: synth.IDCard, Defect: kyc.ImgBlurry})
	if !slices.Contains(blurred.Labels, kyc.ImgBlurry) {
		t.Fatalf("the corpus did not label the blurred sample: %v", blurred.Labels)
	}
	q := check.NewQuality(imagecheck.Thresholds{})
	var seen *imagecheck.Report
	probe := probeEngine(func(in *check.Input) { seen = in.Quality(in.Front) })
	p := check.New(check.Options{}, q, probe)

	up := p.CheckUpload(context.Background(), &kyc.Upload{Step: kyc.StepIdentity, Side: kyc.SideFront, Data: clean})
	if up.Rejected || len(up.Findings) != 0 || up.Measurements["px_per_mm"] == 0 {
		t.Fatalf("clean upload: %+v", up)
	}
	res, err := p.Check(context.Background(), &kyc.CheckInput{Front: &kyc.Upload{Step: kyc.StepIdentity, Side: kyc.SideFront, Data: clean}})
	if err != nil || len(res.Findings) != 0 {
		t.Fatalf("clean check: %v %+v", err, res.Findings)
	}
	if seen == nil || !seen.Found || res.Measurements["front"]["px_per_mm"] == 0 {
		t.Fatalf("the outline is not kept for later engines: %+v", seen)
	}

	up = p.CheckUpload(context.Background(), &kyc.Upload{Step: kyc.StepIdentity, Side: kyc.SideBack, Data: blurred.JPEG})
	if up.Rejected || !hasFinding(up.Findings, kyc.ImgBlurry, kyc.SideBack) {
		t.Fatalf("blurred upload: %+v", up.Findings)
	}
	res, err = p.Check(context.Background(), &kyc.CheckInput{Back: &kyc.Upload{Step: kyc.StepIdentity, Side: kyc.SideBack, Data: blurred.JPEG}})
	if err != nil || !hasFinding(res.Findings, kyc.ImgBlurry, kyc.SideBack) {
		t.Fatalf("blurred check: %v %+v", err, res.Findings)
	}
	for _, f := range res.Findings {
		if f.Code == kyc.ImgBlurry && f.Detail["threshold"] == nil && f.Detail["max_blur_mm"] == nil {
			t.Fatalf("IMG_BLURRY without its threshold: %+v", f.Detail)
		}
	}
	// Selfies are not documents: the quality engine leaves them alone.
	up = p.CheckUpload(context.Background(), &kyc.Upload{Step: kyc.StepSelfie, Side: kyc.SideSelfie, Data: blurred.JPEG})
	if len(up.Findings) != 0 {
		t.Fatalf("selfie upload got document findings: %+v", up.Findings)
	}
}

type probeEngine func(in *check.Input)

func (probeEngine) Name() string { return "probe" }

func (f probeEngine) Check(ctx context.Context, in *check.Input, res *kyc.CheckResult) error {
	f(in)
	return nil
}

func hasFinding(fs []kyc.Finding, c kyc.Code, s kyc.Side) bool {
	for _, f := range fs {
		if f.Code == c && f.Side == s && f.Step == kyc.StepIdentity {
			return true
		}
	}
	return false
}
