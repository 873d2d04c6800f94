// Package check is kycd's check pipeline: it composes the check engines (file, image quality,
// document reading, face, proof of address) into one kyc.Checker used at upload time, by the
// workers after a submission, and by `kycd check` without a server. Engines are plain functions of
// their inputs: bytes, decoded images and the profile in; measurements and findings out.
package check

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/kycd/kycd/imagecheck"
	"github.com/kycd/kycd/kyc"
)

// Engine is one family of checks. It reads the decoded input and adds findings, measurements and
// what it read to res. It must skip, not fail, when its inputs are absent. An error means the
// engine could not run (a model failed to load): the submission is retried and, in the end, goes
// to a reviewer.
type Engine interface {
	Name() string
	Check(ctx context.Context, in *Input, res *kyc.CheckResult) error
}

// UploadEngine is an engine that also answers at upload time, on one decoded image, fast enough
// for the capture screen.
type UploadEngine interface {
	Engine
	CheckImage(ctx context.Context, step kyc.Step, side kyc.Side, img *imagecheck.Decoded, res *kyc.UploadResult)
}

// Input is a submission's check input with every image decoded once.
type Input struct {
	*kyc.CheckInput
	images  map[*kyc.Upload]*imagecheck.Decoded
	quality qualityReports
}

// Image returns the decoded image of an upload, or nil when it is absent or could not be decoded.
func (in *Input) Image(u *kyc.Upload) *imagecheck.Decoded {
	if u == nil {
		return nil
	}
	return in.images[u]
}

// Options are the pipeline's limits.
type Options struct {
	Image       imagecheck.Limits
	MaxPDFBytes int64
	Logger      *slog.Logger
}

// Pipeline runs the file checks, then each engine in order.
type Pipeline struct {
	opts    Options
	engines []Engine
}

var _ kyc.Checker = (*Pipeline)(nil)

// New returns a pipeline over the given engines.
func New(opts Options, engines ...Engine) *Pipeline {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxPDFBytes <= 0 {
		opts.MaxPDFBytes = 10 << 20
	}
	return &Pipeline{opts: opts, engines: engines}
}

// CheckUpload implements kyc.Checker: file-level checks, then the upload engines.
func (p *Pipeline) CheckUpload(ctx context.Context, u *kyc.Upload) *kyc.UploadResult {
	res := &kyc.UploadResult{}
	if u.Step == kyc.StepProofOfAddress && imagecheck.Sniff(u.Data) == "pdf" {
		info, findings := CheckPDF(u.Data, p.opts.MaxPDFBytes)
		res.SHA256 = sha(u.Data)
		if len(findings) > 0 {
			res.Rejected, res.Findings = true, findings
			return res
		}
		res.ContentType = "application/pdf"
		res.Measurements = map[string]float64{"pdf_pages": float64(info.Pages)}
		return res
	}
	img, findings := imagecheck.CheckFile(u.Data, p.opts.Image)
	res.SHA256 = sha(u.Data)
	for _, f := range findings {
		f.Step, f.Side = u.Step, u.Side
		res.Findings = append(res.Findings, f)
		// A file-level problem refuses the file; an image-quality one (a photo too small to read)
		// keeps it as a draft with its reason, for the applicant to retake.
		res.Rejected = res.Rejected || fileLevel(f.Code)
	}
	if res.Rejected {
		return res
	}
	res.ContentType = "image/" + imagecheck.Sniff(u.Data)
	if img == nil {
		return res
	}
	res.Width, res.Height = img.Width, img.Height
	for _, e := range p.engines {
		if ue, ok := e.(UploadEngine); ok {
			ue.CheckImage(ctx, u.Step, u.Side, img, res)
		}
	}
	return res
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Check implements kyc.Checker.
func (p *Pipeline) Check(ctx context.Context, ci *kyc.CheckInput) (*kyc.CheckResult, error) {
	start := time.Now()
	res := &kyc.CheckResult{}
	in := &Input{CheckInput: ci, images: map[*kyc.Upload]*imagecheck.Decoded{}}
	p.fileStage(in, res)
	res.Time("decode", time.Since(start))
	for _, e := range p.engines {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		t := time.Now()
		if err := e.Check(ctx, in, res); err != nil {
			return nil, fmt.Errorf("check: engine %s: %w", e.Name(), err)
		}
		res.Time(e.Name(), time.Since(t))
	}
	res.Time("total", time.Since(start))
	return res, nil
}

// fileStage decodes every image once and reports file-level findings, and the capture problems
// visible without reading the document: a missing side, the same side twice.
func (p *Pipeline) fileStage(in *Input, res *kyc.CheckResult) {
	type named struct {
		name string
		u    *kyc.Upload
		step kyc.Step
		side kyc.Side
	}
	var all []named
	add := func(name string, u *kyc.Upload, step kyc.Step, side kyc.Side) {
		if u != nil {
			all = append(all, named{name, u, step, side})
		}
	}
	add("front", in.Front, kyc.StepIdentity, kyc.SideFront)
	add("back", in.Back, kyc.StepIdentity, kyc.SideBack)
	add("selfie", in.Selfie, kyc.StepSelfie, kyc.SideSelfie)
	for i, f := range in.Frames {
		add("frame_"+strconv.Itoa(i), f, kyc.StepLiveness, kyc.SideFrame)
	}
	add("poa", in.POA, kyc.StepProofOfAddress, kyc.SidePOA)
	for _, n := range all {
		if n.step == kyc.StepProofOfAddress && imagecheck.Sniff(n.u.Data) == "pdf" {
			info, findings := CheckPDF(n.u.Data, p.opts.MaxPDFBytes)
			for _, f := range findings {
				f.Step, f.Side = n.step, n.side
				res.Findings = append(res.Findings, f)
			}
			if info != nil {
				res.Measure(n.name, "pdf_pages", float64(info.Pages))
			}
			continue
		}
		img, findings := imagecheck.CheckFile(n.u.Data, p.opts.Image)
		for _, f := range findings {
			f.Step, f.Side = n.step, n.side
			res.Findings = append(res.Findings, f)
		}
		if img != nil {
			in.images[n.u] = img
			res.Measure(n.name, "width", float64(img.Width))
			res.Measure(n.name, "height", float64(img.Height))
		}
	}
	if in.Front != nil && in.Back != nil && sha(in.Front.Data) == sha(in.Back.Data) {
		res.Findings = append(res.Findings, kyc.NewFinding(kyc.DocSameSideTwice, kyc.SideBack, nil))
	}
	if in.Identity != nil {
		if in.Front == nil {
			res.Findings = append(res.Findings, kyc.NewFinding(kyc.DocSideMissing, kyc.SideFront, nil))
		}
		if in.Identity.DocType.HasBack() && in.Back == nil && in.Front != nil {
			res.Findings = append(res.Findings, kyc.NewFinding(kyc.DocSideMissing, kyc.SideBack,
				map[string]any{"doc_type": string(in.Identity.DocType)}))
		}
	}
}

// fileLevel reports whether a code refuses the file itself: it is not kept.
func fileLevel(c kyc.Code) bool {
	switch c {
	case kyc.FileFormatUnsupported, kyc.FileTooLarge, kyc.FileCorrupted, kyc.FileDuplicateUpload:
		return true
	}
	return false
}

// Close releases the engines' resources (loaded models).
func (p *Pipeline) Close() error {
	var errs []error
	for _, e := range p.engines {
		if c, ok := e.(interface{ Close() error }); ok {
			errs = append(errs, c.Close())
		}
	}
	return errors.Join(errs...)
}
