package cli

import (
	"log/slog"

	"github.com/kycd/kycd/check"
	"github.com/kycd/kycd/config"
	"github.com/kycd/kycd/face"
	"github.com/kycd/kycd/imagecheck"
	"github.com/kycd/kycd/ocr"
	"github.com/kycd/kycd/onnx"
	"github.com/kycd/kycd/poa"
	"github.com/kycd/kycd/reading"
)

// newPipeline composes the check engines named in checks.engines, in that order, behind the file
// checks. Engines with models load them on first use, so a service whose models are missing
// still starts; its checks then end as CHECK_UNAVAILABLE, retried, then reviewed by a person.
func newPipeline(cfg *config.Config, log *slog.Logger) *check.Pipeline {
	lim := imagecheck.DefaultLimits()
	lim.MaxBytes, lim.MaxPixels = cfg.Limits.MaxImageBytes, cfg.Limits.MaxPixels
	models := onnx.Config{Dir: cfg.Checks.ModelsDir}
	// One OCR engine serves document reading and proof of address: its models load once.
	text := ocr.NewLazy(models, ocr.Options{})
	var engines []check.Engine
	for _, name := range cfg.Checks.Engines {
		switch name {
		case "quality":
			engines = append(engines, check.NewQuality(qualityThresholds(cfg.Checks.Quality)))
		case "reading":
			engines = append(engines, reading.New(reading.Config{Shared: text, Logger: log}))
		case "face":
			engines = append(engines, face.New(faceConfig(cfg.Checks.Face, models, log)))
		case "poa":
			engines = append(engines, poa.New(poa.Config{Shared: text, MaxPages: cfg.Limits.MaxPDFPages,
				DPI: cfg.Checks.POA.DPI, MinPageChars: cfg.Checks.POA.MinPageChars,
				AddressThreshold: cfg.Checks.POA.AddressThreshold, Logger: log}))
		}
	}
	return check.New(check.Options{Image: lim, MaxPDFBytes: cfg.Limits.MaxPDFBytes, Logger: log}, engines...)
}

func qualityThresholds(q config.Quality) imagecheck.Thresholds {
	return imagecheck.Thresholds{
		MinFrameShare: q.MinFrameShare, MinPxPerMM: q.MinPxPerMM, MaxCutOff: q.MaxCutOff,
		MaxBlurMM: q.MaxBlurMM, MaxGlare: q.MaxGlare, MinWhiteLevel: q.MinWhiteLevel,
		MaxMeanLuma: q.MaxMeanLuma, MaxClipped: q.MaxClipped, MaxFrameClipped: q.MaxFrameClipped, MinShadowRatio: q.MinShadowRatio,
		MinChroma: q.MinChroma, MaxCoverDepthMM: q.MaxCoverDepthMM, MinCoverShare: q.MinCoverShare,
		MaxCoverRagged: q.MaxCoverRagged,
	}
}

func faceConfig(f config.Face, models onnx.Config, log *slog.Logger) face.Config {
	return face.Config{
		ONNX: models, MatchThreshold: f.MatchThreshold, MinFacePixels: f.MinFacePixels,
		MinBrightness: f.MinBrightness, MinSharpness: f.MinSharpness, EyeOpen: f.EyeOpen,
		TurnAngle: f.TurnAngle, NodAngle: f.NodAngle, FramesMirrored: f.FramesMirrored,
		SpoofBelow: f.SpoofBelow, MinFaceFraction: f.MinFaceFraction, MaxCutOff: f.MaxCutOff,
		SameIdentity: f.SameIdentity, CopyMAD: f.CopyMAD, CopyShift: f.CopyShift, Logger: log,
		Models: face.Models{Detect: f.Models.Detect, Landmark: f.Models.Landmark, Feature: f.Models.Feature,
			Eye: f.Models.Eye, Pose: f.Models.Pose, Liveness: f.Models.Liveness},
	}
}
