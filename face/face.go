// Package face is kycd's face engine: it finds faces in selfies, liveness frames and document
// portraits, compares them, and checks an active liveness challenge. It runs six small ONNX
// models from the faceplugin-face-recognition-js package (see MODELS.md) through the onnx
// package: an SSD-style detector, a 68-point landmark regressor, a MobileFaceNet embedding on
// faces aligned by a 5-point similarity transform to the 112×112 ArcFace template, an eye
// open/closed classifier, a head-pose regressor (Hopenet-style bins) and a passive anti-spoof
// classifier.
//
// The weights' provenance is undocumented (the npm package declares MIT); the model paths are
// configurable so an operator can substitute their own models with the same inputs and outputs.
// Nothing here logs images or anything derived from a person's face.
package face

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"sort"
	"sync"

	"github.com/kycd/kycd/onnx"
)

// Default model files, relative to the models folder (see models.lock).
const (
	DetectModel   = "face/fr_detect.onnx"
	LandmarkModel = "face/fr_landmark.onnx"
	FeatureModel  = "face/fr_feature.onnx"
	EyeModel      = "face/fr_eye.onnx"
	PoseModel     = "face/fr_pose.onnx"
	LivenessModel = "face/fr_liveness.onnx"
)

// ModelVersion names the model set in results, so a reviewer can tell which embedding a match
// score came from (scores of different models are not comparable).
const ModelVersion = "faceplugin-fr-0.0.1/mobilefacenet-512"

// Models names the model files; empty fields take the defaults above.
type Models struct {
	Detect, Landmark, Feature, Eye, Pose, Liveness string
}

func (m Models) withDefaults() Models {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&m.Detect, DetectModel)
	def(&m.Landmark, LandmarkModel)
	def(&m.Feature, FeatureModel)
	def(&m.Eye, EyeModel)
	def(&m.Pose, PoseModel)
	def(&m.Liveness, LivenessModel)
	return m
}

// Analyzer runs the face models. It is safe for concurrent use; the sessions are shared.
type Analyzer struct {
	det, lmk, feat, eye, hp, live *onnx.Session
	// MinScore is the detector confidence a face needs (default 0.9). The package uses 0.65,
	// but printed text (Debian's skimage text.png) gave false faces at 0.72–0.87, while every
	// face in the fixtures, 240p video frames included, scored above 0.99.
	MinScore float64
}

// Open loads the six models through rt. A missing model is an error wrapping
// onnx.ErrUnavailable.
func Open(rt *onnx.Runtime, m Models) (*Analyzer, error) {
	m = m.withDefaults()
	a := &Analyzer{MinScore: 0.9}
	for _, x := range []struct {
		s    **onnx.Session
		path string
	}{{&a.det, m.Detect}, {&a.lmk, m.Landmark}, {&a.feat, m.Feature}, {&a.eye, m.Eye}, {&a.hp, m.Pose}, {&a.live, m.Liveness}} {
		s, err := rt.Open(x.path)
		if err != nil {
			a.Close()
			return nil, err
		}
		*x.s = s
	}
	return a, nil
}

// Close releases the models.
func (a *Analyzer) Close() error {
	var errs []error
	for _, s := range []*onnx.Session{a.det, a.lmk, a.feat, a.eye, a.hp, a.live} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// Photo is a decoded photo prepared once for every model that looks at it.
type Photo struct {
	img *rgbImage
}

// NewPhoto prepares a decoded image (copied and, when very large, shrunk).
func NewPhoto(img image.Image) *Photo { return &Photo{img: toRGB(img)} }

// Size is the photo's size in its original pixels.
func (p *Photo) Size() (w, h int) {
	return int(float64(p.img.W) * p.img.Scale), int(float64(p.img.H) * p.img.Scale)
}

// Mirror returns the photo flipped left to right.
func (p *Photo) Mirror() *Photo { return &Photo{img: p.img.mirror()} }

// Box is a face's square box in original-photo pixels.
type Box struct {
	X, Y, W, H float64
	// Score is the detector's confidence.
	Score float64
}

// Face is one detected face.
type Face struct {
	Box Box
	box rect // the same box in working pixels
}

const detW, detH = 320, 240

// Detect finds the faces in a photo, largest first.
func (a *Analyzer) Detect(ctx context.Context, p *Photo) ([]Face, error) {
	return a.detectIn(ctx, p, rect{0, 0, float64(p.img.W), float64(p.img.H)})
}

// detectIn runs the detector on a region of the photo stretched to 320×240 (the package does
// the same to the whole photo); a small region is an upscaled view that finds small faces.
func (a *Analyzer) detectIn(ctx context.Context, p *Photo, region rect) ([]Face, error) {
	in := onnx.Tensor{Shape: []int64{1, 3, detH, detW}, Data: make([]float32, 3*detW*detH)}
	plane := detW * detH
	p.img.crop(region, detW, detH, func(x, y int, r, g, b float64) {
		i := y*detW + x
		in.Data[i] = float32((r - 127) / 128)
		in.Data[plane+i] = float32((g - 127) / 128)
		in.Data[2*plane+i] = float32((b - 127) / 128)
	})
	out, err := a.det.Run(ctx, in)
	if err != nil {
		return nil, err
	}
	scores, boxes := out[0], out[1]
	if len(out) == 2 && len(out[0].Data) > len(out[1].Data)/2+1 {
		scores, boxes = out[1], out[0]
	}
	n := len(scores.Data) / 2
	if len(boxes.Data) < 4*n {
		return nil, fmt.Errorf("face: detector output %v / %v", scores.Shape, boxes.Shape)
	}
	type cand struct {
		x1, y1, x2, y2, s float64
	}
	var cs []cand
	for i := 0; i < n; i++ {
		s := float64(scores.Data[2*i+1])
		if s < a.MinScore {
			continue
		}
		b := boxes.Data[4*i : 4*i+4]
		c := cand{
			region.X + float64(b[0])*region.W, region.Y + float64(b[1])*region.H,
			region.X + float64(b[2])*region.W, region.Y + float64(b[3])*region.H, s,
		}
		if c.x2 > c.x1 && c.y2 > c.y1 {
			cs = append(cs, c)
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].s > cs[j].s })
	var kept []cand
	for _, c := range cs {
		ok := true
		for _, k := range kept {
			if iou(c.x1, c.y1, c.x2, c.y2, k.x1, k.y1, k.x2, k.y2) > 0.4 {
				ok = false
				break
			}
		}
		if ok {
			kept = append(kept, c)
		}
	}
	faces := make([]Face, 0, len(kept))
	for _, c := range kept {
		// The package squares the box on its height, centred: the landmark model was trained
		// on such crops.
		side := c.y2 - c.y1
		cx, cy := (c.x1+c.x2)/2, (c.y1+c.y2)/2
		r := rect{cx - side/2, cy - side/2, side, side}
		s := p.img.Scale
		faces = append(faces, Face{box: r, Box: Box{X: r.X * s, Y: r.Y * s, W: r.W * s, H: r.H * s, Score: c.s}})
	}
	sort.SliceStable(faces, func(i, j int) bool { return faces[i].box.W > faces[j].box.W })
	return faces, nil
}

func iou(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2 float64) float64 {
	iw := math.Min(ax2, bx2) - math.Max(ax1, bx1)
	ih := math.Min(ay2, by2) - math.Max(ay1, by1)
	if iw <= 0 || ih <= 0 {
		return 0
	}
	inter := iw * ih
	return inter / ((ax2-ax1)*(ay2-ay1) + (bx2-bx1)*(by2-by1) - inter)
}

// Landmarks are the 68 iBUG points of one face, in working pixels.
type Landmarks [68][2]float64

// landmarks runs the 68-point model on the face's box (grey 64×64, /256).
func (a *Analyzer) landmarks(ctx context.Context, p *Photo, f Face) (*Landmarks, error) {
	in := onnx.Tensor{Shape: []int64{1, 1, 64, 64}, Data: make([]float32, 64*64)}
	r := f.box
	p.img.crop(r, 64, 64, func(x, y int, rr, g, b float64) {
		in.Data[y*64+x] = float32(luma(rr, g, b) / 256)
	})
	out, err := a.lmk.Run(ctx, in)
	if err != nil {
		return nil, err
	}
	if len(out[0].Data) < 136 {
		return nil, fmt.Errorf("face: landmark output %v", out[0].Shape)
	}
	var l Landmarks
	for i := 0; i < 68; i++ {
		l[i][0] = r.X + float64(out[0].Data[2*i])*r.W
		l[i][1] = r.Y + float64(out[0].Data[2*i+1])*r.H
	}
	return &l, nil
}

func (l *Landmarks) mean(idx ...int) [2]float64 {
	var m [2]float64
	for _, i := range idx {
		m[0] += l[i][0] / float64(len(idx))
		m[1] += l[i][1] / float64(len(idx))
	}
	return m
}

// five reduces the landmarks to the ArcFace points: eye centres, nose tip, mouth corners, in the
// photo's left-to-right order (the subject's right eye first).
func (l *Landmarks) five() [][2]float64 {
	return [][2]float64{
		l.mean(37, 38, 40, 41), l.mean(43, 44, 46, 47), l[30], l.mean(48, 60), l.mean(54, 64),
	}
}

// arcface is the 112×112 ArcFace alignment template.
var arcface = [][2]float64{
	{38.2946, 51.6963}, {73.5318, 51.5014}, {56.0252, 71.7366}, {41.5493, 92.3655}, {70.7299, 92.2041},
}

// Embedding is an L2-normalised face descriptor; the cosine of two is their dot product.
type Embedding []float32

// Cosine is the similarity of two embeddings in [−1, 1]; 0 when either is missing.
func Cosine(a, b Embedding) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return 0
	}
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

// embed aligns the face on the template and runs the embedding model. It returns the
// embedding normalised and its norm before normalisation.
func (a *Analyzer) embed(ctx context.Context, p *Photo, l *Landmarks) (Embedding, float64, error) {
	t := fitSimilarity(l.five(), arcface)
	const n = 112
	in := onnx.Tensor{Shape: []int64{1, 3, n, n}, Data: make([]float32, 3*n*n)}
	p.img.warp(t, n, n, func(x, y int, r, g, b float64) {
		i := y*n + x
		in.Data[i] = float32((r - 127) / 128)
		in.Data[n*n+i] = float32((g - 127) / 128)
		in.Data[2*n*n+i] = float32((b - 127) / 128)
	})
	out, err := a.feat.Run(ctx, in)
	if err != nil {
		return nil, 0, err
	}
	e := make(Embedding, len(out[0].Data))
	var ss float64
	for _, v := range out[0].Data {
		ss += float64(v) * float64(v)
	}
	if ss == 0 {
		return nil, 0, errors.New("face: zero embedding")
	}
	k := 1 / math.Sqrt(ss)
	for i, v := range out[0].Data {
		e[i] = float32(float64(v) * k)
	}
	return e, math.Sqrt(ss), nil
}

// Pose is the head's orientation in degrees.
type Pose struct {
	// Yaw is positive when the head turns towards the photo's left (the subject's right);
	// see TestMirrorFlipsYaw, which fixes the sign on a real photo and its mirror image.
	Yaw, Pitch, Roll float64
}

// poseGrow is the face box's growth for the pose crop. The package grows it by half (a quarter
// each side), but on 26 real photos and their mirror images that crop gave yaws that did not
// change sign with the mirror (|yaw + mirrored yaw| 11° on average, 30° on a frontal face);
// 1.2 gave 3° (RGB, ImageNet normalisation; BGR or unnormalised input was worse).
const poseGrow = 1.2

// pose runs the head-pose model on the face box grown by poseGrow, resized to 224×224.
func (a *Analyzer) pose(ctx context.Context, p *Photo, f Face) (Pose, error) {
	r := f.box
	const g = poseGrow
	r = rect{r.X - r.W*(g-1)/2, r.Y - r.H*(g-1)/2, r.W * g, r.H * g}
	const n = 224
	in := onnx.Tensor{Shape: []int64{1, 3, n, n}, Data: make([]float32, 3*n*n)}
	p.img.crop(r, n, n, func(x, y int, rr, g, b float64) {
		i := y*n + x
		in.Data[i] = float32((rr/255 - 0.485) / 0.229)
		in.Data[n*n+i] = float32((g/255 - 0.456) / 0.224)
		in.Data[2*n*n+i] = float32((b/255 - 0.406) / 0.225)
	})
	out, err := a.hp.Run(ctx, in)
	if err != nil {
		return Pose{}, err
	}
	if len(out) < 3 {
		return Pose{}, fmt.Errorf("face: pose model has %d outputs", len(out))
	}
	angle := func(t onnx.Tensor) float64 {
		pr := softmax(t.Data)
		var e float64
		for i, v := range pr {
			e += float64(i) * v
		}
		return e*3 - 99
	}
	return Pose{Yaw: angle(out[0]), Pitch: angle(out[1]), Roll: angle(out[2])}, nil
}

func softmax(v []float32) []float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, float64(x))
	}
	out := make([]float64, len(v))
	var s float64
	for i, x := range v {
		out[i] = math.Exp(float64(x) - m)
		s += out[i]
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

// eyesOpen runs the eye classifier on both eyes (grey 24×24, /255) and returns each eye's
// probability of being open (class 1; class 0 is closed).
func (a *Analyzer) eyesOpen(ctx context.Context, p *Photo, l *Landmarks) ([2]float64, error) {
	var res [2]float64
	for k, e := range [2]struct{ c, left, right []int }{
		{[]int{37, 38, 40, 41}, []int{36}, []int{39}},
		{[]int{43, 44, 46, 47}, []int{42}, []int{45}},
	} {
		c := l.mean(e.c...)
		size := (l[e.right[0]][0] - l[e.left[0]][0]) * 1.6
		if size < 2 {
			size = 2
		}
		in := onnx.Tensor{Shape: []int64{1, 1, 24, 24}, Data: make([]float32, 24*24)}
		p.img.crop(rect{c[0] - size/2, c[1] - size/2, size, size}, 24, 24, func(x, y int, r, g, b float64) {
			in.Data[y*24+x] = float32(luma(r, g, b) / 255)
		})
		out, err := a.eye.Run(ctx, in)
		if err != nil {
			return res, err
		}
		pr := softmax(out[0].Data)
		if len(pr) >= 2 {
			res[k] = pr[1]
		}
	}
	return res, nil
}

// ear is the eye aspect ratio of both eyes averaged (Soukupová and Čech): about 0.2 closed,
// 0.3 and above open.
func (l *Landmarks) ear() float64 {
	one := func(p1, p2, p3, p4, p5, p6 int) float64 {
		d := func(i, j int) float64 { return math.Hypot(l[i][0]-l[j][0], l[i][1]-l[j][1]) }
		w := d(p1, p4)
		if w == 0 {
			return 0
		}
		return (d(p2, p6) + d(p3, p5)) / (2 * w)
	}
	return (one(36, 37, 38, 39, 40, 41) + one(42, 43, 44, 45, 46, 47)) / 2
}

// spoof runs the passive anti-spoof model on a 128×128 crop 2.7 times the face box and returns
// the softmax of its three classes. Class 0 is high on camera photos; the others' meanings are
// undocumented.
func (a *Analyzer) spoof(ctx context.Context, p *Photo, f Face) ([]float64, error) {
	r := f.box
	s := math.Min(2.7, math.Min(float64(p.img.W-1)/r.W, float64(p.img.H-1)/r.H))
	cx, cy := r.X+r.W/2, r.Y+r.H/2
	w, h := r.W*s, r.H*s
	x0, y0 := cx-w/2, cy-h/2
	// Shift the crop inside the photo, as the package does, rather than pad it.
	x0 = math.Max(0, math.Min(x0, float64(p.img.W-1)-w))
	y0 = math.Max(0, math.Min(y0, float64(p.img.H-1)-h))
	const n = 128
	in := onnx.Tensor{Shape: []int64{1, 3, n, n}, Data: make([]float32, 3*n*n)}
	p.img.crop(rect{x0, y0, w, h}, n, n, func(x, y int, rr, g, b float64) {
		i := y*n + x
		in.Data[i] = float32(rr)
		in.Data[n*n+i] = float32(g)
		in.Data[2*n*n+i] = float32(b)
	})
	out, err := a.live.Run(ctx, in)
	if err != nil {
		return nil, err
	}
	return softmax(out[0].Data), nil
}

// Options choose which measurements Analyze makes beyond detection, landmarks and embedding.
type Options struct {
	Pose, Eyes, Spoof bool
}

// Analysis is everything measured on the main face of one photo.
type Analysis struct {
	// Faces are all faces found, largest first; the rest describes Faces[0].
	Faces     []Face
	Landmarks *Landmarks `json:"-"`
	Embedding Embedding  `json:"-"`
	// Norm is the embedding's length before normalisation: about 3–4 on an upright face with
	// the default model, under 2.7 on a face seen sideways or upside down (see Portrait).
	Norm float64
	// Rotation is the number of clockwise quarter turns applied to the photo before the face
	// was found (Portrait only); Faces and Landmarks are in the turned photo.
	Rotation int
	Pose     *Pose
	// EyeOpen is each eye's probability of being open, by the eye model.
	EyeOpen *[2]float64
	// EAR is the landmarks' eye aspect ratio.
	EAR float64
	// Spoof is the anti-spoof model's class probabilities (class 0: camera photo).
	Spoof []float64
	// Brightness is the face box's mean grey level (0–255); Sharpness the variance of the
	// Laplacian of its grey 112×112 crop.
	Brightness, Sharpness float64
	// FaceFraction is the face box's side over the photo's short side.
	FaceFraction float64
	// CutOff is the largest share of the face box's side that lies beyond one edge of the
	// photo, when at least one landmark lies beyond it too (0 otherwise: a box squared on the
	// face's height may overhang the edge while the face itself is whole).
	CutOff float64
}

// Found reports whether a face was found.
func (an *Analysis) Found() bool { return an != nil && len(an.Faces) > 0 }

// Analyze finds the faces in a photo and measures the largest.
func (a *Analyzer) Analyze(ctx context.Context, p *Photo, o Options) (*Analysis, error) {
	faces, err := a.Detect(ctx, p)
	if err != nil {
		return nil, err
	}
	return a.analyzeFace(ctx, p, faces, o)
}

func (a *Analyzer) analyzeFace(ctx context.Context, p *Photo, faces []Face, o Options) (*Analysis, error) {
	an := &Analysis{Faces: faces}
	if len(faces) == 0 {
		return an, nil
	}
	f := faces[0]
	var err error
	if an.Landmarks, err = a.landmarks(ctx, p, f); err != nil {
		return nil, err
	}
	if an.Embedding, an.Norm, err = a.embed(ctx, p, an.Landmarks); err != nil {
		return nil, err
	}
	an.EAR = an.Landmarks.ear()
	an.Brightness, an.Sharpness = quality(p.img, f.box)
	an.FaceFraction = f.box.W / float64(min(p.img.W, p.img.H))
	an.CutOff = cutOff(f.box, an.Landmarks, float64(p.img.W), float64(p.img.H))
	if o.Pose {
		ps, err := a.pose(ctx, p, f)
		if err != nil {
			return nil, err
		}
		an.Pose = &ps
	}
	if o.Eyes {
		e, err := a.eyesOpen(ctx, p, an.Landmarks)
		if err != nil {
			return nil, err
		}
		an.EyeOpen = &e
	}
	if o.Spoof {
		if an.Spoof, err = a.spoof(ctx, p, f); err != nil {
			return nil, err
		}
	}
	return an, nil
}

// cutOff measures how far a face runs off the photo (see Analysis.CutOff).
func cutOff(b rect, l *Landmarks, w, h float64) float64 {
	outside := false
	for _, pt := range l {
		if pt[0] < 0 || pt[1] < 0 || pt[0] >= w || pt[1] >= h {
			outside = true
			break
		}
	}
	if !outside || b.W <= 0 {
		return 0
	}
	over := max(-b.X, -b.Y, b.X+b.W-w, b.Y+b.H-h, 0)
	return over / b.W
}

// quality measures the face box's brightness and sharpness on a fixed-size grey crop, so that
// the sharpness does not depend on the photo's resolution.
func quality(m *rgbImage, r rect) (brightness, sharpness float64) {
	const n = 112
	g := make([]float64, n*n)
	m.crop(r, n, n, func(x, y int, rr, gg, b float64) { g[y*n+x] = luma(rr, gg, b) })
	var sum float64
	for _, v := range g {
		sum += v
	}
	brightness = sum / float64(len(g))
	var ls, ls2 float64
	k := 0
	for y := 1; y < n-1; y++ {
		for x := 1; x < n-1; x++ {
			l := g[(y-1)*n+x] + g[(y+1)*n+x] + g[y*n+x-1] + g[y*n+x+1] - 4*g[y*n+x]
			ls += l
			ls2 += l * l
			k++
		}
	}
	mean := ls / float64(k)
	return brightness, ls2/float64(k) - mean*mean
}

// loader opens the models on first use and retries on the next call after a failure, so a
// machine whose models arrive after start-up recovers without a restart.
type loader struct {
	cfg onnx.Config
	m   Models
	mu  sync.Mutex
	a   *Analyzer
}

func (l *loader) get() (*Analyzer, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.a != nil {
		return l.a, nil
	}
	rt, err := onnx.New(l.cfg)
	if err != nil {
		return nil, err
	}
	a, err := Open(rt, l.m)
	if err != nil {
		return nil, err
	}
	l.a = a
	return a, nil
}

// DefaultMatchThreshold is the cosine similarity a selfie and a document portrait need to be
// called the same person. `go run ./cmd/eval-face` (26 photos, 76 same-person and 180
// different-person pairs; and 52 synthetic documents carrying those photos as portraits, clean
// and degraded at a borderline severity, 304 same and 720 different selfie/document scores):
//
//	photos:    same-person 0.497–1.000 (median 0.776), different-person at most 0.143
//	documents: same-person 0.448–0.979 (median 0.729), different-person at most 0.217
//
// The ROC point at FAR 1 % sits at 0.14–0.15 with TAR 1.0 on both sets. 0.45 is chosen well
// above it because MODELS.md saw different people up to 0.45 on other photos and a false
// accept is worse than a review: at 0.45, TAR is 1.0 on the photos and 0.997 on the documents
// (one printed portrait of 304 scores 0.448), FAR 0 on both. The sample is small (FAR 0.1 %
// cannot be resolved with 720 impostor scores): re-run the evaluation on a larger set before
// relying on the figure, and remember a mismatch only sends the case to a reviewer.
const DefaultMatchThreshold = 0.45
