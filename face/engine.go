package face

import (
	"context"
	"crypto/sha256"
	"image"
	"log/slog"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/kycd/kycd/check"
	"github.com/kycd/kycd/imagecheck"
	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/onnx"
)

// Config configures the face engine. The zero value uses the default models from
// onnx.DefaultDir() and the defaults noted on each field.
type Config struct {
	// ONNX says where the runtime library and models are.
	ONNX onnx.Config
	// Models overrides model files (an operator's own models with the same inputs/outputs).
	Models Models
	// MatchThreshold is the cosine similarity a selfie and the document portrait need
	// (default DefaultMatchThreshold); below it the match goes to a reviewer (FACE_MISMATCH).
	MatchThreshold float64
	// MinFacePixels is the smallest selfie face side, in the photo's pixels (default 120): the
	// embedding model sees 112×112, and a smaller face carries too little detail to compare.
	MinFacePixels float64
	// MinFaceFraction is the smallest selfie face side over the photo's short side (default
	// 0.15): the applicant is asked to fill an oval with their face.
	MinFaceFraction float64
	// MaxCutOff is the largest share of the selfie face's box that may lie beyond the photo's
	// edge when a landmark does too (default 0.1; the fixtures' half-cropped faces measure
	// 0.25 and 0.28, whole faces 0).
	MaxCutOff float64
	// MinBrightness is the lowest mean grey level of the selfie's face (default 50 of 255).
	MinBrightness float64
	// MinSharpness is the lowest variance of the Laplacian of the face's 112×112 grey crop
	// (default 40; 170–1,600 on the sharp fixtures, see TestSelfieAndMatch for a blurred one).
	MinSharpness float64
	// EyeOpen is the eye model's open probability above which an eye is open (default 0.5).
	EyeOpen float64
	// TurnAngle is the yaw, in degrees, a turn must reach (default 20); the head must come
	// back within half of it.
	TurnAngle float64
	// NodAngle is the pitch change, in degrees, a nod must reach (default 12), and back
	// within half of it.
	NodAngle float64
	// FramesMirrored says the client sends front-camera frames mirrored (as the preview
	// shows them), which swaps turn_left and turn_right.
	FramesMirrored bool
	// SameIdentity is the cosine every liveness frame's face needs against the selfie (or the
	// first frame when there is no selfie). Default: MatchThreshold.
	SameIdentity float64
	// CopyMAD is the mean absolute grey difference (0–255) of two frames' 32×32 face crops
	// below which they count as copies of one still (default 1.0).
	CopyMAD float64
	// CopyShift is the mean movement of the 68 landmarks between two frames, over the face's
	// side, below which they count as copies of one still (default 0.006). A still replayed
	// through a virtual camera is re-compressed for each frame, which moves its crop by up to 3
	// grey levels but its landmarks by at most 0.0034 of the face (measured on a fixture photo
	// re-encoded at JPEG qualities 70–92). A live head is expected to move more between frames
	// taken during a challenge; that is not measured (the fixtures hold no video), and frames
	// count as a replay only when at least half of the consecutive pairs are copies.
	CopyShift float64
	// SpoofBelow is the anti-spoof model's camera-photo probability (class 0) below which the
	// median over the selfie and frames is a spoof signal for a reviewer (default 0.2). The
	// model's classes are undocumented, so it never rejects on its own.
	SpoofBelow float64
	// Logger receives load failures (never images or anything derived from a face).
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	def := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.MatchThreshold, DefaultMatchThreshold)
	def(&c.MinFacePixels, 120)
	def(&c.MinFaceFraction, 0.15)
	def(&c.MaxCutOff, 0.1)
	def(&c.MinBrightness, 50)
	def(&c.MinSharpness, 40)
	def(&c.EyeOpen, 0.5)
	def(&c.TurnAngle, 20)
	def(&c.NodAngle, 12)
	def(&c.SameIdentity, c.MatchThreshold)
	def(&c.CopyMAD, 1.0)
	def(&c.CopyShift, 0.006)
	def(&c.SpoofBelow, 0.2)
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Engine is the face check engine: selfie quality, selfie against document portrait, and the
// active liveness challenge. It loads the models on first use and retries after a failure.
type Engine struct {
	cfg Config
	ld  *loader
}

var _ check.UploadEngine = (*Engine)(nil)

// New returns the engine; the models are loaded on first use (or by Load).
func New(cfg Config) *Engine {
	cfg = cfg.withDefaults()
	return &Engine{cfg: cfg, ld: &loader{cfg: cfg.ONNX, m: cfg.Models}}
}

// NewWithAnalyzer returns an engine over already loaded models (tests, tools).
func NewWithAnalyzer(a *Analyzer, cfg Config) *Engine {
	e := New(cfg)
	e.ld.a = a
	return e
}

// Name implements check.Engine.
func (e *Engine) Name() string { return "face" }

// Config is the engine's configuration with defaults applied.
func (e *Engine) Config() Config { return e.cfg }

// Load loads the models now (at start-up, to fail loudly and early); Check calls it too.
func (e *Engine) Load() error {
	_, err := e.analyzer()
	return err
}

func (e *Engine) analyzer() (*Analyzer, error) {
	a, err := e.ld.get()
	if err != nil {
		e.cfg.Logger.Warn("face checks unavailable", "err", err)
	}
	return a, err
}

// Close releases the models.
func (e *Engine) Close() error {
	e.ld.mu.Lock()
	defer e.ld.mu.Unlock()
	if e.ld.a == nil {
		return nil
	}
	err := e.ld.a.Close()
	e.ld.a = nil
	return err
}

// Check implements check.Engine. Without a selfie or frames it does nothing.
func (e *Engine) Check(ctx context.Context, in *check.Input, res *kyc.CheckResult) error {
	sub := submission{challenge: in.Challenge}
	if img := in.Image(in.Selfie); img != nil {
		sub.selfie = img.Image
	}
	if img := in.Image(in.Front); img != nil {
		sub.front = img.Image
	}
	for _, u := range in.Frames {
		f := frameInput{at: u.CapturedAt, sum: sha256.Sum256(u.Data)}
		if img := in.Image(u); img != nil {
			f.img = img.Image
		}
		sub.frames = append(sub.frames, f)
	}
	return e.check(ctx, sub, res)
}

// submission is the face engine's input: decoded images.
type submission struct {
	selfie, front image.Image
	challenge     *kyc.Challenge
	frames        []frameInput
}

// frameInput is one liveness frame: its image (nil when it could not be decoded), capture time
// (zero when the client did not say) and the hash of its bytes.
type frameInput struct {
	img image.Image
	at  time.Time
	sum [32]byte
}

func (e *Engine) check(ctx context.Context, in submission, res *kyc.CheckResult) error {
	selfie := in.selfie
	hasFrames := in.challenge != nil && len(in.frames) > 0
	if selfie == nil && !hasFrames {
		return nil
	}
	a, err := e.analyzer()
	if err != nil {
		return err
	}
	fd := &kyc.FaceData{MatchThreshold: e.cfg.MatchThreshold, ModelVersion: e.modelVersion()}
	var selfieAn *Analysis
	if selfie != nil {
		selfieAn, err = a.Analyze(ctx, NewPhoto(selfie), Options{Eyes: true, Spoof: true})
		if err != nil {
			return err
		}
		fd.SelfieFaceFound = selfieAn.Found()
		if selfieAn.Found() && countFaces(selfieAn) == 1 {
			// Kept for the duplicate-face search across applicants (never output).
			fd.Embedding = append([]float32(nil), selfieAn.Embedding...)
		}
		fs, ms := e.selfieFindings(selfieAn)
		res.Findings = append(res.Findings, fs...)
		for k, v := range ms {
			res.Measure("selfie", k, v)
		}
		if in.front != nil && selfieAn.Found() && countFaces(selfieAn) == 1 {
			doc, err := a.Portrait(ctx, NewPhoto(in.front))
			if err != nil {
				return err
			}
			fd.DocumentFaceFound = doc.Found()
			switch {
			case !doc.Found():
				res.Findings = append(res.Findings, kyc.NewFinding(kyc.FaceMatchInconclusive, kyc.SideSelfie,
					map[string]any{"reason": "no_document_portrait"}))
			case doc.Faces[0].Box.W < minPortraitPixels:
				res.Findings = append(res.Findings, kyc.NewFinding(kyc.FaceMatchInconclusive, kyc.SideSelfie,
					map[string]any{"reason": "portrait_too_small", "portrait_side_px": math.Round(doc.Faces[0].Box.W),
						"threshold": minPortraitPixels}))
			default:
				s := Cosine(selfieAn.Embedding, doc.Embedding)
				s = math.Round(s*1000) / 1000
				fd.MatchScore = &s
				res.Measure("front", "portrait_side_px", math.Round(doc.Faces[0].Box.W))
				if s < e.cfg.MatchThreshold {
					res.Findings = append(res.Findings, kyc.NewFinding(kyc.FaceMismatch, kyc.SideSelfie,
						map[string]any{"score": s, "threshold": e.cfg.MatchThreshold}))
				}
			}
		}
	}
	if hasFrames {
		lv, err := e.liveness(ctx, a, in, selfieAn, res)
		if err != nil {
			return err
		}
		fd.Liveness = lv
	}
	res.Face = fd
	return nil
}

// minPortraitPixels is the smallest document portrait compared: below it the embedding model,
// which sees the face at 112×112, would mostly see interpolation (the 240p fixture's 72-pixel
// face still matched at 0.97, so this leaves a margin).
const minPortraitPixels = 40

// CheckImage implements check.UploadEngine: the selfie's face findings while the applicant is
// still on the capture screen. When the models cannot run it adds nothing; the submission's
// checks report that.
func (e *Engine) CheckImage(ctx context.Context, step kyc.Step, side kyc.Side, img *imagecheck.Decoded, res *kyc.UploadResult) {
	if step != kyc.StepSelfie || img == nil {
		return
	}
	a, err := e.analyzer()
	if err != nil {
		return
	}
	an, err := a.Analyze(ctx, NewPhoto(img.Image), Options{Eyes: true, Spoof: true})
	if err != nil {
		e.cfg.Logger.Warn("face check at upload failed", "err", err)
		return
	}
	fs, ms := e.selfieFindings(an)
	res.Findings = append(res.Findings, fs...)
	if res.Measurements == nil {
		res.Measurements = map[string]float64{}
	}
	for k, v := range ms {
		res.Measurements[k] = v
	}
}

// selfieFindings reports a selfie without one clear, sharp, lit face with open eyes, and the
// measurements behind the verdict.
func (e *Engine) selfieFindings(an *Analysis) ([]kyc.Finding, map[string]float64) {
	if !an.Found() {
		return []kyc.Finding{kyc.NewFinding(kyc.SelfieNoFace, kyc.SideSelfie, nil)}, nil
	}
	main := an.Faces[0].Box
	if n := countFaces(an); n > 1 {
		return []kyc.Finding{kyc.NewFinding(kyc.SelfieMultipleFaces, kyc.SideSelfie, map[string]any{"faces": n})},
			map[string]float64{"faces": float64(n)}
	}
	c := e.cfg
	open := (an.EyeOpen[0] + an.EyeOpen[1]) / 2
	ms := map[string]float64{
		"face_side_px": math.Round(main.W), "face_fraction": round3(an.FaceFraction),
		"brightness": math.Round(an.Brightness), "sharpness": math.Round(an.Sharpness),
		"eye_open": round3(open), "ear": round3(an.EAR), "face_cut_off": round3(an.CutOff),
	}
	if len(an.Spoof) > 0 {
		ms["spoof_live_score"] = round3(an.Spoof[0])
	}
	var fs []kyc.Finding
	q := func(measure string, value, threshold float64) {
		fs = append(fs, kyc.NewFinding(kyc.SelfieQuality, kyc.SideSelfie,
			map[string]any{"measure": measure, "value": value, "threshold": threshold}))
	}
	switch {
	case main.W < c.MinFacePixels:
		q("face_side_px", math.Round(main.W), c.MinFacePixels)
	case an.FaceFraction < c.MinFaceFraction:
		q("face_fraction", round3(an.FaceFraction), c.MinFaceFraction)
	}
	if an.CutOff > c.MaxCutOff {
		q("face_cut_off", round3(an.CutOff), c.MaxCutOff)
	}
	if an.Brightness < c.MinBrightness {
		q("brightness", math.Round(an.Brightness), c.MinBrightness)
	}
	if an.Sharpness < c.MinSharpness {
		q("sharpness", math.Round(an.Sharpness), c.MinSharpness)
	}
	if open < c.EyeOpen {
		q("eye_open", round3(open), c.EyeOpen)
	}
	return fs, ms
}

// countFaces counts the faces at least 40% of the main one's size: a distant passer-by behind
// the applicant is not a second applicant.
func countFaces(an *Analysis) int {
	n := 0
	for _, f := range an.Faces {
		if f.Box.W >= 0.4*an.Faces[0].Box.W {
			n++
		}
	}
	return n
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// uprightNorm is the embedding norm (Analysis.Norm) above which a portrait is taken as upright
// without trying the photo's other orientations. On 32 synthetic documents carrying the
// fixture photos as portraits, the upright face's norm was 3.06–4.12 and the same face turned
// by a quarter or half turn gave 1.42–2.67.
const uprightNorm = 3.2

// Portrait finds the face on a document photo and embeds it. The document may lie in any
// orientation (a phone held upright photographs a card sideways), and the detector finds faces
// turned sideways and upside down too, with high scores and useless landmarks: the photo is
// searched in each quarter turn, and the face whose embedding is longest (an upright face gives
// a longer embedding, see uprightNorm) is kept. The portrait is often a small part of the
// photo, which the detector sees shrunk to 320×240: when no turn of the whole photo shows an
// upright face, overlapping parts of each turn are searched, each upscaled.
func (a *Analyzer) Portrait(ctx context.Context, p *Photo) (*Analysis, error) {
	var turned [4]*Photo
	turn := func(k int) *Photo {
		if turned[k] == nil {
			turned[k] = &Photo{img: p.img.rotate(k)}
		}
		return turned[k]
	}
	var best *Analysis
	keep := func(an *Analysis, k int) bool {
		an.Rotation = k
		if best == nil || (an.Found() && (!best.Found() || an.Norm > best.Norm)) {
			best = an
		}
		return best.Found() && best.Norm >= uprightNorm
	}
	order := [4]int{0, 1, 3, 2}
	for _, parts := range []bool{false, true} {
		for _, k := range order {
			q := turn(k)
			var faces []Face
			var err error
			if !parts {
				faces, err = a.Detect(ctx, q)
			} else {
				faces, err = a.detectParts(ctx, q)
			}
			if err != nil {
				return nil, err
			}
			an, err := a.analyzeFace(ctx, q, faces, Options{})
			if err != nil {
				return nil, err
			}
			if keep(an, k) {
				return best, nil
			}
		}
	}
	return best, nil
}

// detectParts finds faces in overlapping parts of a photo, each upscaled for the detector,
// largest first.
func (a *Analyzer) detectParts(ctx context.Context, p *Photo) ([]Face, error) {
	W, H := float64(p.img.W), float64(p.img.H)
	var faces []Face
	for _, r := range []rect{
		{0, 0, W * 0.6, H * 0.7}, {W * 0.4, 0, W * 0.6, H * 0.7},
		{0, H * 0.3, W * 0.6, H * 0.7}, {W * 0.4, H * 0.3, W * 0.6, H * 0.7},
		{W * 0.2, H * 0.15, W * 0.6, H * 0.7},
	} {
		fs, err := a.detectIn(ctx, p, r)
		if err != nil {
			return nil, err
		}
		faces = append(faces, fs...)
	}
	sort.SliceStable(faces, func(i, j int) bool { return faces[i].box.W > faces[j].box.W })
	return faces, nil
}

// frame is what the liveness check measured on one frame.
type frame struct {
	found     bool
	yaw       float64 // sign fixed so that positive is the subject's own left
	pitch     float64
	eyeOpen   float64 // mean open probability of both eyes
	ear       float64
	embedding Embedding
	spoof     float64 // class-0 (camera) probability; NaN when unmeasured
	crop      []float64
	shape     *[68][2]float64 // landmarks over the photo's width
	side      float64         // face box side over the photo's width
	sum       [32]byte
}

func (e *Engine) liveness(ctx context.Context, a *Analyzer, in submission, selfie *Analysis, res *kyc.CheckResult) (*kyc.LivenessData, error) {
	ch := in.challenge
	var fs []kyc.Finding
	for i, u := range in.frames {
		if u.at.IsZero() {
			continue // the client did not say; the challenge's own expiry still bounds submission
		}
		switch {
		case u.at.Before(ch.CreatedAt):
			// A frame from before the challenge existed cannot show it being performed.
			fs = append(fs, kyc.NewFinding(kyc.LivenessExpired, kyc.SideFrame, map[string]any{
				"frame": i, "reason": "before_challenge", "seconds_early": math.Ceil(ch.CreatedAt.Sub(u.at).Seconds())}))
		case !ch.ExpiresAt.IsZero() && u.at.After(ch.ExpiresAt):
			fs = append(fs, kyc.NewFinding(kyc.LivenessExpired, kyc.SideFrame, map[string]any{
				"frame": i, "reason": "after_expiry", "seconds_late": math.Ceil(u.at.Sub(ch.ExpiresAt).Seconds()),
				"window_s": ch.ExpiresAt.Sub(ch.CreatedAt).Seconds()}))
		default:
			continue
		}
		break
	}
	frames := make([]frame, len(in.frames))
	for i, u := range in.frames {
		fr := &frames[i]
		fr.spoof = math.NaN()
		fr.sum = u.sum
		if u.img == nil {
			continue
		}
		m, err := e.measureFrame(ctx, a, u.img)
		if err != nil {
			return nil, err
		}
		m.sum = u.sum
		*fr = m
		if !fr.found {
			continue
		}
		name := "frame_" + strconv.Itoa(i)
		res.Measure(name, "yaw", math.Round(fr.yaw))
		res.Measure(name, "pitch", math.Round(fr.pitch))
		res.Measure(name, "eye_open", round3(fr.eyeOpen))
		res.Measure(name, "spoof_live_score", round3(fr.spoof))
	}
	fs = append(fs, e.judgeFrames(frames, selfie)...)
	seen, failed := e.challenge(ch.Actions, frames)
	if failed != nil {
		fs = append(fs, *failed)
	}
	res.Findings = append(res.Findings, fs...)
	return &kyc.LivenessData{Passed: len(fs) == 0, Actions: seen}, nil
}

// measureFrame measures one liveness frame's main face.
func (e *Engine) measureFrame(ctx context.Context, a *Analyzer, img image.Image) (frame, error) {
	fr := frame{spoof: math.NaN()}
	p := NewPhoto(img)
	an, err := a.Analyze(ctx, p, Options{Pose: true, Eyes: true, Spoof: true})
	if err != nil || !an.Found() {
		return fr, err
	}
	fr.found = true
	fr.yaw, fr.pitch = -an.Pose.Yaw, an.Pose.Pitch
	if e.cfg.FramesMirrored {
		fr.yaw = -fr.yaw
	}
	fr.eyeOpen = (an.EyeOpen[0] + an.EyeOpen[1]) / 2
	fr.ear = an.EAR
	fr.embedding = an.Embedding
	fr.spoof = an.Spoof[0]
	fr.crop = greyCrop(p.img, an.Faces[0].box)
	w := float64(p.img.W)
	fr.shape = new([68][2]float64)
	for k, pt := range an.Landmarks {
		fr.shape[k] = [2]float64{pt[0] / w, pt[1] / w}
	}
	fr.side = an.Faces[0].box.W / w
	return fr, nil
}

// judgeFrames reports frames that are copies of each other, a face that changes between
// frames, and a strong passive spoof signal.
func (e *Engine) judgeFrames(frames []frame, selfie *Analysis) []kyc.Finding {
	var fs []kyc.Finding
	found, copies, pairs := 0, 0, 0
	var ref Embedding
	if selfie.Found() {
		ref = selfie.Embedding
	}
	minSim := 1.0
	var spoof []float64
	if selfie.Found() && len(selfie.Spoof) > 0 {
		spoof = append(spoof, selfie.Spoof[0])
	}
	var prev *frame
	for i := range frames {
		f := &frames[i]
		if !f.found {
			continue
		}
		found++
		if ref == nil {
			ref = f.embedding
		} else {
			minSim = math.Min(minSim, Cosine(ref, f.embedding))
		}
		if !math.IsNaN(f.spoof) {
			spoof = append(spoof, f.spoof)
		}
		if prev != nil {
			pairs++
			if prev.sum == f.sum || meanAbsDiff(prev.crop, f.crop) < e.cfg.CopyMAD || shift(prev, f) < e.cfg.CopyShift {
				copies++
			}
		}
		prev = f
	}
	if found == 0 {
		return nil // the challenge fails: no action can be seen without a face
	}
	if pairs > 0 && copies*2 >= pairs {
		fs = append(fs, kyc.NewFinding(kyc.LivenessSpoofSuspected, kyc.SideFrame,
			map[string]any{"reason": "frames_repeat", "copies": copies, "pairs": pairs}))
	}
	if minSim < e.cfg.SameIdentity {
		fs = append(fs, kyc.NewFinding(kyc.LivenessSpoofSuspected, kyc.SideFrame,
			map[string]any{"reason": "face_changes", "min_similarity": round3(minSim), "threshold": e.cfg.SameIdentity}))
	}
	if len(spoof) > 0 {
		sort.Float64s(spoof)
		if m := spoof[len(spoof)/2]; m < e.cfg.SpoofBelow {
			fs = append(fs, kyc.NewFinding(kyc.LivenessSpoofSuspected, kyc.SideFrame,
				map[string]any{"reason": "passive_model", "live_score": round3(m), "threshold": e.cfg.SpoofBelow}))
		}
	}
	return fs
}

// challenge checks the challenge's actions on the frames: the actions seen, and, when one was
// not, LIVENESS_CHALLENGE_FAILED naming it.
func (e *Engine) challenge(want []kyc.LivenessAction, frames []frame) ([]string, *kyc.Finding) {
	seen, missing := e.actions(want, frames)
	if missing == "" {
		return seen, nil
	}
	withFace := 0
	for _, f := range frames {
		if f.found {
			withFace++
		}
	}
	f := kyc.NewFinding(kyc.LivenessChallengeFailed, kyc.SideFrame,
		map[string]any{"action": missing, "seen": seen, "frames": len(frames), "frames_with_face": withFace})
	return seen, &f
}

// actions looks for the challenge's actions in order through the frames and returns the ones
// seen and the first one not seen ("" when all were). Each action must start and end in the
// neutral state (eyes open, head straight) so that a head held turned throughout, or eyes
// closed throughout, does not count.
func (e *Engine) actions(want []kyc.LivenessAction, frames []frame) (seen []string, missing string) {
	seen = []string{}
	var fr []frame
	for _, f := range frames {
		if f.found {
			fr = append(fr, f)
		}
	}
	// The eye aspect ratio is judged against the frames' median, the applicant's usual open
	// eyes (a blink is brief): a head turn changes it, so one turned frame's ratio must not
	// become the reference, as the maximum would.
	ears := make([]float64, 0, len(fr))
	for _, f := range fr {
		ears = append(ears, f.ear)
	}
	sort.Float64s(ears)
	medEAR := 0.0
	if len(ears) > 0 {
		medEAR = ears[len(ears)/2]
	}
	c := e.cfg
	open := func(f frame) bool { return f.eyeOpen >= c.EyeOpen && f.ear >= 0.8*medEAR }
	closed := func(f frame) bool { return f.eyeOpen < c.EyeOpen || f.ear < 0.65*medEAR }
	straight := func(f frame) bool { return math.Abs(f.yaw) <= c.TurnAngle/2 }
	cur := 0
	for _, act := range want {
		// phases: the neutral start, the move, the neutral end.
		var start, move, end func(f, base frame) bool
		switch act {
		case kyc.ActionBlink:
			start = func(f, _ frame) bool { return open(f) }
			move = func(f, _ frame) bool { return closed(f) }
			end = start
		case kyc.ActionTurnLeft, kyc.ActionTurnRight:
			sign := 1.0
			if act == kyc.ActionTurnRight {
				sign = -1
			}
			start = func(f, _ frame) bool { return straight(f) }
			move = func(f, _ frame) bool { return sign*f.yaw >= c.TurnAngle }
			end = start
		case kyc.ActionNod:
			start = func(f, _ frame) bool { return straight(f) }
			move = func(f, base frame) bool { return math.Abs(f.pitch-base.pitch) >= c.NodAngle }
			end = func(f, base frame) bool { return math.Abs(f.pitch-base.pitch) <= c.NodAngle/2 }
		default:
			return seen, string(act)
		}
		found := false
		for s := cur; s < len(fr) && !found; s++ {
			if !start(fr[s], fr[s]) {
				continue
			}
			for m := s + 1; m < len(fr) && !found; m++ {
				if !move(fr[m], fr[s]) {
					continue
				}
				for n := m + 1; n < len(fr); n++ {
					if end(fr[n], fr[s]) {
						found, cur = true, n
						break
					}
				}
			}
		}
		if !found {
			return seen, string(act)
		}
		seen = append(seen, string(act))
	}
	return seen, ""
}

// greyCrop is the face box as a 32×32 grey patch, to compare frames.
func greyCrop(m *rgbImage, r rect) []float64 {
	const n = 32
	g := make([]float64, n*n)
	m.crop(r, n, n, func(x, y int, rr, gg, b float64) { g[y*n+x] = luma(rr, gg, b) })
	return g
}

// shift is the mean movement of the landmarks between two frames, over the face's side.
func shift(a, b *frame) float64 {
	if a.shape == nil || b.shape == nil || a.side <= 0 {
		return math.Inf(1)
	}
	var d float64
	for k := range a.shape {
		d += math.Hypot(a.shape[k][0]-b.shape[k][0], a.shape[k][1]-b.shape[k][1])
	}
	return d / float64(len(a.shape)) / a.side
}

func meanAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return math.Inf(1)
	}
	var s float64
	for i := range a {
		s += math.Abs(a[i] - b[i])
	}
	return s / float64(len(a))
}

// modelVersion names the embedding model: the bundled one's version, or an operator's own file
// (embeddings of different models are never compared with each other).
func (e *Engine) modelVersion() string {
	if f := e.cfg.Models.Feature; f != "" && f != FeatureModel {
		return "custom/" + filepath.Base(f)
	}
	return ModelVersion
}
