package synth

import (
	"bytes"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"

	"github.com/kycd/kycd/kyc"
)

// Spec names one sample: the seed that drives every random choice, the defect it shows (empty
// for a clean photo) and whether the defect is at a borderline severity that must pass (the
// sample is then labelled clean). Kind is chosen from the seed when empty.
type Spec struct {
	Seed       uint64
	Defect     kyc.Code
	Borderline bool
	Kind       Kind
	// Portrait, when set, is printed as the document's portrait instead of the corpus' own
	// choice (framed by the caller as an identity photo; see pastePortrait); every other part
	// of the sample is the same as without it. It must be a pointer image, so that Spec stays
	// comparable.
	Portrait image.Image
}

// Sample is a rendered photo with its ground truth.
type Sample struct {
	Spec  Spec
	Kind  Kind
	Image *image.RGBA // the photo before JPEG compression
	JPEG  []byte      // what a phone would upload
	// Labels are the codes a correct quality check reports for this photo.
	Labels []kyc.Code
	// DontCare are codes whose ground truth lies in the ambiguity band around a threshold (a
	// frame share of 0.19 is neither clearly too small nor clearly fine): reporting them or not
	// is neither a false positive nor a miss.
	DontCare []kyc.Code
	// Quads are the true corners of each document, in photo pixels, clockwise from the document's
	// top-left; corners may lie outside the frame.
	Quads [][4][2]float64
	// Truth holds the physical quantities behind the labels: frame_share, px_per_mm, cut_off,
	// glare_clipped, blur_sigma_mm, motion_mm, gain, shadow_factor, shadow_cover, occluder_mm...
	Truth map[string]float64
	// Person is what the first document says (names, dates, numbers, zone lines): the reading
	// engine's ground truth. Nil when the photo shows no document.
	Person *Person
}

// Version numbers the generator's output: it changes whenever a spec renders a different photo,
// so that a cache of rendered samples (cmd/eval-quality -cache) is not reused across versions.
const Version = 3

// QualityCodes are the codes the image-quality check reports, the ones the corpus labels.
var QualityCodes = []kyc.Code{
	kyc.DocNotFoundInImage, kyc.DocMultipleInImage, kyc.ImgCutOff, kyc.ImgDocTooSmall,
	kyc.ImgBlurry, kyc.ImgGlare, kyc.ImgTooDark, kyc.ImgOverexposed, kyc.ImgShadow,
	kyc.ImgDataCovered, kyc.ImgBlackAndWhite, kyc.ImgLowResolution,
}

// Ground-truth definitions (product thresholds) and their ambiguity bands.
const (
	TruthMinShare     = 0.20 // document area / frame area below which it is too small
	TruthMinPxPerMM   = 6.0  // pixels per millimetre of document below which small print is unreadable
	TruthCutOffMargin = 0.03 // a corner outside the frame by this share of the document's short side
	TruthGlareClipped = 0.02 // share of the document clipped white by a specular reflection
)

// Corpus lists n specs drawn from seed: about 40 % clean photos, 20 % borderline photos that must
// pass, and 40 % spread evenly over the defects. Use distinct seeds for tuning and evaluation.
func Corpus(n int, seed uint64) []Spec {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	specs := make([]Spec, 0, n)
	borderlineable := []kyc.Code{kyc.ImgBlurry, kyc.ImgGlare, kyc.ImgTooDark, kyc.ImgOverexposed, kyc.ImgShadow,
		kyc.ImgCutOff, kyc.ImgDocTooSmall, kyc.ImgDataCovered, kyc.ImgBlackAndWhite, kyc.ImgLowResolution}
	for i := 0; i < n; i++ {
		s := Spec{Seed: r.Uint64()}
		switch k := i % 10; {
		case k < 4:
		case k < 6:
			s.Defect, s.Borderline = borderlineable[r.IntN(len(borderlineable))], true
		default:
			s.Defect = QualityCodes[(i/10*4+k-6)%len(QualityCodes)]
		}
		specs = append(specs, s)
	}
	return specs
}

// Render draws the sample a spec names. It is deterministic.
func Render(spec Spec) Sample {
	h := fnv.New64a()
	h.Write([]byte(spec.Defect))
	if spec.Borderline {
		h.Write([]byte{1})
	}
	h.Write([]byte(spec.Kind))
	r := rand.New(rand.NewPCG(spec.Seed, h.Sum64()))
	g := &gen{r: r, spec: spec, truth: map[string]float64{}}
	return g.render()
}

type gen struct {
	r     *rand.Rand
	spec  Spec
	truth map[string]float64
}

func (g *gen) u(a, b float64) float64 { return a + (b-a)*g.r.Float64() }

func (g *gen) is(c kyc.Code) bool   { return g.spec.Defect == c && !g.spec.Borderline }
func (g *gen) near(c kyc.Code) bool { return g.spec.Defect == c && g.spec.Borderline }

func (g *gen) render() Sample {
	r := g.r
	kind := g.spec.Kind
	if kind == "" {
		kind = Kinds[r.IntN(len(Kinds))]
	}
	// Frame size: a phone photo re-encoded by the capture page (1–2 MP usually).
	sizes := [][2]int{{1600, 1200}, {2000, 1500}, {1920, 1080}, {1440, 1080}, {1280, 960}}
	fs := sizes[r.IntN(len(sizes))]
	fw, fh := fs[0], fs[1]
	switch {
	case g.is(kyc.ImgDocTooSmall):
		fw, fh = 3200, 2400
	case g.is(kyc.ImgLowResolution):
		fw = 320 + r.IntN(220)
		fh = fw * 3 / 4
	case g.near(kyc.ImgLowResolution):
		fw = 760 + r.IntN(200)
		fh = fw * 3 / 4
	}
	portrait := r.IntN(4) == 0
	if portrait {
		fw, fh = fh, fw
	}
	ph := newPhoto(fw, fh)
	person := invent(r)
	doc := renderDoc(kind, person, r)
	pastePortrait(doc, g.spec.Portrait)
	avg := avgColor(doc.img)
	bgKind := background(ph, r, avg)
	g.truth["bg_"+bgKind] = 1

	// Black-and-white copy: the document itself is grey (a photocopy), or the whole file is.
	bwWhole := false
	if g.is(kyc.ImgBlackAndWhite) {
		if r.IntN(2) == 0 {
			bwWhole = true
		} else {
			desaturate(doc.img, 1)
		}
	} else if g.near(kyc.ImgBlackAndWhite) {
		sat := g.u(0.45, 0.6)
		desaturate(doc.img, 1-sat)
		g.truth["saturation"] = sat
	}

	var s Sample
	s.Spec, s.Kind = g.spec, kind
	if !g.is(kyc.DocNotFoundInImage) {
		s.Person = person.truth(kind)
	}
	wmm, hmm := kind.SizeMM()
	if g.is(kyc.DocNotFoundInImage) {
		if r.IntN(3) == 0 {
			drawFace(ph, r)
		}
	} else {
		nDocs := 1
		if g.is(kyc.DocMultipleInImage) {
			nDocs = 2
		}
		for d := 0; d < nDocs; d++ {
			k := kind
			flat := doc
			if d > 0 {
				k = Kinds[r.IntN(len(Kinds))]
				flat = renderDoc(k, invent(r), r)
			}
			q := g.place(k, fw, fh, portrait, nDocs, d)
			s.Quads = append(s.Quads, q)
			ph.composite(flat.img, q, [3]float32{1, 1, 1})
			if d == 0 {
				g.occlude(ph, flat, q, wmm, hmm)
			}
		}
	}
	var q0 [4][2]float64
	var docMask []bool
	if len(s.Quads) > 0 {
		q0 = s.Quads[0]
		docMask = quadMask(q0, fw, fh)
	}
	g.light(ph, q0, docMask, len(s.Quads) > 0)
	if docMask != nil {
		g.truth["glare_clipped"] = clippedShare(ph, docMask)
	}
	g.blur(ph, q0, kind, len(s.Quads) > 0)
	g.noise(ph)
	if bwWhole {
		for i := 0; i < len(ph.p); i += 3 {
			y := 0.299*ph.p[i] + 0.587*ph.p[i+1] + 0.114*ph.p[i+2]
			ph.p[i], ph.p[i+1], ph.p[i+2] = y, y, y
		}
	}
	s.Image = ph.toRGBA()
	q := 60 + r.IntN(36)
	if g.is(kyc.ImgLowResolution) {
		q = 50 + r.IntN(30)
	}
	g.truth["jpeg_quality"] = float64(q)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, s.Image, &jpeg.Options{Quality: q}); err != nil {
		panic("synth: jpeg: " + err.Error())
	}
	s.JPEG = buf.Bytes()
	s.Truth = g.truth
	g.label(&s, fw, fh, wmm, hmm)
	return s
}

// place chooses where document d of n lies in the frame.
func (g *gen) place(k Kind, fw, fh int, portrait bool, n, d int) [4][2]float64 {
	r := g.r
	wmm, hmm := k.SizeMM()
	share := g.u(0.28, 0.75)
	switch {
	case g.is(kyc.ImgDocTooSmall):
		share = g.u(0.05, 0.14)
	case g.near(kyc.ImgDocTooSmall):
		share = g.u(0.25, 0.32)
	case g.is(kyc.ImgLowResolution):
		share = g.u(0.35, 0.7)
	case g.near(kyc.ImgLowResolution):
		share = g.u(0.55, 0.75)
	case g.is(kyc.ImgCutOff):
		share = g.u(0.3, 0.6)
	case n > 1:
		share = g.u(0.1, 0.22)
	}
	rot := g.u(-0.1, 0.1)
	switch x := r.IntN(10); {
	case x < 2:
		rot = g.u(-0.45, 0.45)
	case x < 3:
		rot = math.Pi + g.u(-0.1, 0.1)
	}
	if portrait && n == 1 && r.IntN(3) != 0 {
		rot += math.Pi / 2
	}
	tilt := g.u(0, 0.25)
	pxmm := math.Sqrt(share * float64(fw*fh) / (wmm * hmm))
	for try := 0; try < 40; try++ {
		q := quadFor(r, k, pxmm, rot, tilt)
		minx, miny, maxx, maxy := extents(q)
		margin := 0.02 * float64(min(fw, fh))
		if g.near(kyc.ImgCutOff) {
			margin = g.u(0.004, 0.02) * float64(min(fw, fh))
		}
		lox, hix := margin-minx, float64(fw)-margin-maxx
		loy, hiy := margin-miny, float64(fh)-margin-maxy
		if n > 1 { // side by side halves
			if fw >= fh {
				half := float64(fw) / 2
				lox, hix = float64(d)*half+margin-minx, float64(d)*half+half-margin-maxx
			} else {
				half := float64(fh) / 2
				loy, hiy = float64(d)*half+margin-miny, float64(d)*half+half-margin-maxy
			}
		}
		if lox > hix || loy > hiy {
			pxmm *= 0.93
			continue
		}
		cx, cy := g.u(lox, hix), g.u(loy, hiy)
		if g.near(kyc.ImgCutOff) {
			// Hug one frame edge, inside it.
			switch r.IntN(4) {
			case 0:
				cx = lox
			case 1:
				cx = hix
			case 2:
				cy = loy
			default:
				cy = hiy
			}
		}
		if g.is(kyc.ImgCutOff) {
			// Push a side or a corner out of the frame by 6–30 % of the document's extent.
			short := math.Min(maxx-minx, maxy-miny)
			out := g.u(0.06, 0.3) * short
			dir := r.IntN(8)
			if dir == 0 || dir == 4 || dir == 5 {
				cx = -minx - out
			}
			if dir == 1 || dir == 6 || dir == 7 {
				cx = float64(fw) - maxx + out
			}
			if dir == 2 || dir == 4 || dir == 6 {
				cy = -miny - out
			}
			if dir == 3 || dir == 5 || dir == 7 {
				cy = float64(fh) - maxy + out
			}
		}
		return shift(q, cx, cy)
	}
	q := quadFor(r, k, pxmm, rot, tilt)
	return shift(q, float64(fw)/2, float64(fh)/2)
}

// occlude puts a finger or an object on the document: over a data field for IMG_DATA_COVERED,
// on the margin only (a thumb holding the card) for its borderline and for some clean photos.
func (g *gen) occlude(ph *photo, doc flatDoc, q [4][2]float64, wmm, hmm float64) {
	r := g.r
	W, H := float64(doc.img.Rect.Dx()), float64(doc.img.Rect.Dy())
	m := rectToQuad(W, H, q)
	pxmm := math.Sqrt(quadArea(q) / (wmm * hmm)) // photo px per mm
	mm := float64(renderPxPerMM)                 // flat px per mm
	toPhoto := func(x, y float64) [2]float64 { a, b := m.apply(x, y); return [2]float64{a, b} }
	margin := g.near(kyc.ImgDataCovered) || (g.spec.Defect == "" && r.IntN(6) == 0)
	if !g.is(kyc.ImgDataCovered) && !margin {
		return
	}
	if g.is(kyc.ImgDataCovered) {
		box := doc.data[r.IntN(len(doc.data))]
		tx, ty := float64(box.Min.X+box.Max.X)/2, float64(box.Min.Y+box.Max.Y)/2
		// Enter through the nearest edge, towards the field.
		dl, dr, dt, db := tx, W-tx, ty, H-ty
		var ex, ey, nx, ny, depth float64
		switch math.Min(math.Min(dl, dr), math.Min(dt, db)) {
		case dl:
			ex, ey, nx, ny, depth = 0, ty, 1, 0, dl
		case dr:
			ex, ey, nx, ny, depth = W, ty, -1, 0, dr
		case dt:
			ex, ey, nx, ny, depth = tx, 0, 0, 1, dt
		default:
			ex, ey, nx, ny, depth = tx, H, 0, -1, db
		}
		a := g.u(-0.35, 0.35)
		nx, ny = nx*math.Cos(a)-ny*math.Sin(a), nx*math.Sin(a)+ny*math.Cos(a)
		pen := math.Max(depth+g.u(2, 8)*mm, g.u(12, 20)*mm)
		skin := r.IntN(10) < 6
		wd := g.u(15, 19)
		if !skin {
			wd = g.u(7, 25)
		}
		tip := toPhoto(ex+nx*pen, ey+ny*pen)
		finger(ph, r, outward(toPhoto(ex, ey), tip, ph), tip, wd*pxmm, skin)
		g.truth["occluder_mm"] = pen / mm
		return
	}
	// Margin only: a thumb whose tip stays clear of every data field.
	for try := 0; try < 20; try++ {
		var ex, ey, nx, ny float64
		switch r.IntN(4) {
		case 0:
			ex, ey, nx, ny = 0, g.u(0.2, 0.8)*H, 1, 0
		case 1:
			ex, ey, nx, ny = W, g.u(0.2, 0.8)*H, -1, 0
		case 2:
			ex, ey, nx, ny = g.u(0.2, 0.8)*W, 0, 0, 1
		default:
			ex, ey, nx, ny = g.u(0.2, 0.8)*W, H, 0, -1
		}
		pen := g.u(1, 2.5) * mm
		wd := g.u(15, 19) * mm
		tip := image.Rect(int(ex+nx*pen-wd/2), int(ey+ny*pen-wd/2), int(ex+nx*pen+wd/2), int(ey+ny*pen+wd/2))
		clear := true
		for _, b := range doc.data {
			if b.Inset(-int(mm)).Overlaps(tip) {
				clear = false
				break
			}
		}
		if !clear {
			continue
		}
		tp := toPhoto(ex+nx*pen, ey+ny*pen)
		finger(ph, r, outward(toPhoto(ex, ey), tp, ph), tp, wd/mm*pxmm, true)
		g.truth["occluder_mm"] = pen / mm
		return
	}
}

// light applies the scene's illumination: a lamp's gradient, a shadow, a specular reflection,
// exposure and white balance.
func (g *gen) light(ph *photo, q [4][2]float64, mask []bool, hasDoc bool) {
	r := g.r
	w, h := ph.w, ph.h
	minx, miny, maxx, maxy := extents(q)
	if !hasDoc {
		minx, miny, maxx, maxy = 0, 0, float64(w), float64(h)
	}
	dw, dh := maxx-minx, maxy-miny
	dsize := math.Max(dw, dh)
	// Lamp gradient: up to 15 % fall-off across the document in clean photos, 25 % borderline.
	grad := g.u(0, 0.15)
	if g.near(kyc.ImgShadow) && r.IntN(2) == 0 {
		grad = g.u(0.2, 0.25)
	}
	ga := r.Float64() * 2 * math.Pi
	gx, gy := math.Cos(ga), math.Sin(ga)
	cx, cy := (minx+maxx)/2, (miny+maxy)/2
	// Shadow: a half-plane (phone, head) or a blob (hand) with a soft edge.
	shadowF, shadowCover := 1.0, 0.0
	var shadowAt func(x, y float64) float64
	if g.is(kyc.ImgShadow) || (g.near(kyc.ImgShadow) && grad < 0.2) {
		shadowF = g.u(0.3, 0.55)
		if g.near(kyc.ImgShadow) {
			shadowF = g.u(0.82, 0.9)
		}
		pen := g.u(0.01, 0.1) * dsize
		for try := 0; try < 30; try++ {
			if r.IntN(2) == 0 {
				a := r.Float64() * 2 * math.Pi
				nx, ny := math.Cos(a), math.Sin(a)
				off := g.u(-0.35, 0.35) * dsize
				shadowAt = func(x, y float64) float64 {
					d := (x-cx)*nx + (y-cy)*ny - off
					return smoothstep(-pen, pen, d)
				}
			} else {
				bx, by := minx+g.u(0, 1)*dw, miny+g.u(0, 1)*dh
				rx, ry := g.u(0.25, 0.6)*dsize, g.u(0.2, 0.5)*dsize
				shadowAt = func(x, y float64) float64 {
					d := (math.Hypot((x-bx)/rx, (y-by)/ry) - 1) * math.Min(rx, ry)
					return smoothstep(-pen, pen, -d)
				}
			}
			shadowCover = coverage(mask, w, h, shadowAt)
			if shadowCover >= 0.25 && shadowCover <= 0.65 {
				break
			}
		}
		g.truth["shadow_factor"] = shadowF
		g.truth["shadow_cover"] = shadowCover
	}
	g.truth["lamp_gradient"] = grad
	// Specular reflection over the data.
	var glare func(x, y float64) float64
	gColor := [3]float64{1, g.u(0.95, 1), g.u(0.88, 1)}
	if hasDoc && (g.is(kyc.ImgGlare) || g.near(kyc.ImgGlare) || (g.spec.Defect == "" && r.IntN(5) == 0)) {
		bx, by := minx+g.u(0.2, 0.8)*dw, miny+g.u(0.2, 0.8)*dh
		var rx, ry, amp float64
		switch {
		case g.is(kyc.ImgGlare):
			rx, ry, amp = g.u(0.08, 0.2)*dsize, g.u(0.05, 0.15)*dsize, g.u(250, 500)
		case r.IntN(2) == 0: // broad sheen, not clipping
			rx, ry, amp = g.u(0.2, 0.4)*dsize, g.u(0.15, 0.3)*dsize, g.u(20, 40)
		default: // a pinpoint highlight
			rx, ry, amp = g.u(0.01, 0.02)*dsize, g.u(0.01, 0.02)*dsize, g.u(150, 300)
		}
		a := r.Float64() * math.Pi
		ca, sa := math.Cos(a), math.Sin(a)
		glare = func(x, y float64) float64 {
			u, v := (x-bx)*ca+(y-by)*sa, -(x-bx)*sa+(y-by)*ca
			d2 := (u*u)/(rx*rx) + (v*v)/(ry*ry)
			return amp * math.Exp(-d2*1.5)
		}
		g.truth["glare_amp"] = amp
	}
	// Exposure and white balance.
	gain := g.u(0.85, 1.0) // auto-exposure keeps paper under clipping
	lift := 0.0
	switch {
	case g.is(kyc.ImgTooDark):
		gain = g.u(0.12, 0.3)
	case g.near(kyc.ImgTooDark):
		gain = g.u(0.5, 0.62)
	case g.is(kyc.ImgOverexposed):
		gain, lift = g.u(1.5, 2.4), g.u(30, 80)
	case g.near(kyc.ImgOverexposed):
		gain = g.u(1.06, 1.12)
	}
	g.truth["gain"] = gain
	// White balance tints by lowering channels, as a camera normalising to its brightest does.
	wb := [3]float64{g.u(0.9, 1.08), 1, g.u(0.86, 1.08)}
	if m := math.Max(wb[0], wb[2]); m > 1 {
		wb = [3]float64{wb[0] / m, 1 / m, wb[2] / m}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x), float64(y)
			t := ((fx-cx)*gx + (fy-cy)*gy) / dsize // about -0.5..0.5 over the document
			l := 1 - grad*clamp01(t+0.5)
			if shadowAt != nil {
				l *= 1 - (1-shadowF)*shadowAt(fx, fy)
			}
			add := 0.0
			if glare != nil {
				add = glare(fx, fy)
			}
			o := (y*w + x) * 3
			for k := 0; k < 3; k++ {
				v := float64(ph.p[o+k])*l + add*gColor[k]
				ph.p[o+k] = float32((v*gain + lift) * wb[k])
			}
		}
	}
}

func smoothstep(a, b, x float64) float64 {
	t := clamp01((x - a) / (b - a))
	return t * t * (3 - 2*t)
}

// coverage is the mean of f over the document mask (sampled).
func coverage(mask []bool, w, h int, f func(x, y float64) float64) float64 {
	s, n := 0.0, 0
	for y := 0; y < h; y += 4 {
		for x := 0; x < w; x += 4 {
			if mask[y*w+x] {
				s += f(float64(x), float64(y))
				n++
			}
		}
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

func quadMask(q [4][2]float64, w, h int) []bool {
	m := make([]bool, w*h)
	minx, miny, maxx, maxy := extents(q)
	for y := clampI(int(miny), 0, h); y < clampI(int(maxy)+1, 0, h); y++ {
		for x := clampI(int(minx), 0, w); x < clampI(int(maxx)+1, 0, w); x++ {
			m[y*w+x] = inQuad(q, float64(x)+0.5, float64(y)+0.5)
		}
	}
	return m
}

func clippedShare(ph *photo, mask []bool) float64 {
	n, c := 0, 0
	for i, in := range mask {
		if !in {
			continue
		}
		n++
		// Saturated luminance: what the sensor and the glare check both see.
		r, g, b := min(ph.p[3*i], 255), min(ph.p[3*i+1], 255), min(ph.p[3*i+2], 255)
		if 0.299*r+0.587*g+0.114*b >= 250 {
			c++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(c) / float64(n)
}

// blur applies the camera's blur: always a little (optics, slight shake), defocus or motion of
// 0.2–0.5 mm on the document for IMG_BLURRY, under 0.08 mm for its borderline.
func (g *gen) blur(ph *photo, q [4][2]float64, k Kind, hasDoc bool) {
	r := g.r
	pxmm := 8.0
	if hasDoc {
		wmm, hmm := k.SizeMM()
		pxmm = math.Sqrt(quadArea(q) / (wmm * hmm))
	}
	sigmaMM := g.u(0, 0.04)
	switch {
	case g.is(kyc.ImgBlurry):
		if r.IntN(2) == 0 {
			sigmaMM = g.u(0.2, 0.5)
		} else {
			l := g.u(0.8, 2.0) * pxmm
			ph.motionBlur(l, r.Float64()*math.Pi)
			g.truth["motion_mm"] = l / pxmm
			sigmaMM = g.u(0, 0.04)
		}
	case g.near(kyc.ImgBlurry):
		if r.IntN(2) == 0 {
			sigmaMM = g.u(0.05, 0.08)
		} else {
			l := g.u(0.15, 0.25) * pxmm
			ph.motionBlur(l, r.Float64()*math.Pi)
			g.truth["motion_mm"] = l / pxmm
		}
	}
	sigma := math.Hypot(sigmaMM*pxmm, 0.5) // sensor and lens: about half a pixel
	g.truth["blur_sigma_mm"] = sigma / pxmm
	ph.gaussBlur(sigma)
}

// noise adds sensor noise, stronger in dark photos (higher ISO).
func (g *gen) noise(ph *photo) {
	r := g.r
	gain := g.truth["gain"]
	sigma := g.u(0.8, 3) / math.Sqrt(math.Min(1, gain))
	g.truth["noise_sigma"] = sigma
	for i := 0; i < len(ph.p); i += 3 {
		l := r.NormFloat64() * sigma * 0.7
		for k := 0; k < 3; k++ {
			ph.p[i+k] += float32(l + r.NormFloat64()*sigma*0.5)
		}
	}
}

// label turns the ground truth into required and don't-care codes.
func (g *gen) label(s *Sample, fw, fh int, wmm, hmm float64) {
	lab := map[kyc.Code]bool{}
	dc := map[kyc.Code]bool{}
	switch {
	case g.is(kyc.DocNotFoundInImage):
		lab[kyc.DocNotFoundInImage] = true
		for _, c := range QualityCodes {
			if c != kyc.DocNotFoundInImage {
				dc[c] = true
			}
		}
	case g.is(kyc.DocMultipleInImage):
		lab[kyc.DocMultipleInImage] = true
		for _, c := range QualityCodes {
			if c != kyc.DocMultipleInImage && c != kyc.DocNotFoundInImage {
				dc[c] = true
			}
		}
	case g.spec.Defect != "" && !g.spec.Borderline:
		switch g.spec.Defect {
		case kyc.ImgDocTooSmall, kyc.ImgLowResolution, kyc.ImgCutOff, kyc.ImgGlare:
			// Measured on the rendered photo below, not assumed from the request.
		default:
			lab[g.spec.Defect] = true
		}
	}
	if len(s.Quads) == 1 {
		q := s.Quads[0]
		area := quadArea(q)
		vis := visibleShare(q, fw, fh)
		share := area * vis / float64(fw*fh)
		pxmm := math.Sqrt(area / (wmm * hmm))
		g.truth["frame_share"] = share
		g.truth["px_per_mm"] = pxmm
		band := func(c kyc.Code, v, bad, ok float64) { // v below bad: label; between: don't care
			switch {
			case v < bad:
				lab[c] = true
			case v < ok:
				if !lab[c] {
					dc[c] = true
				}
			}
		}
		band(kyc.ImgDocTooSmall, share, TruthMinShare*0.85, TruthMinShare*1.2)
		band(kyc.ImgLowResolution, pxmm, TruthMinPxPerMM*0.85, TruthMinPxPerMM*1.2)
		// Cut-off: how far the farthest corner lies outside the frame, over the short side.
		short := math.Min(wmm, hmm) * pxmm
		out := math.Inf(-1)
		for _, p := range q {
			out = math.Max(out, math.Max(math.Max(-p[0], p[0]-float64(fw)), math.Max(-p[1], p[1]-float64(fh))))
		}
		g.truth["cut_off"] = out / short
		switch {
		case out/short >= TruthCutOffMargin:
			lab[kyc.ImgCutOff] = true
		case out > -2:
			dc[kyc.ImgCutOff] = true
		}
		gc := g.truth["glare_clipped"]
		switch {
		case gc >= TruthGlareClipped*1.25:
			lab[kyc.ImgGlare] = true
		case gc >= TruthGlareClipped*0.3:
			if !lab[kyc.ImgGlare] {
				dc[kyc.ImgGlare] = true
			}
		default:
			if g.is(kyc.ImgGlare) { // the reflection fell where it clipped too little
				delete(lab, kyc.ImgGlare)
				dc[kyc.ImgGlare] = true
			}
		}
		if g.is(kyc.ImgOverexposed) {
			// An over-exposed document is clipped white all over: that is not a reflection.
			delete(lab, kyc.ImgGlare)
			dc[kyc.ImgGlare] = true
		}
		if g.is(kyc.ImgDocTooSmall) {
			dc[kyc.ImgLowResolution] = dc[kyc.ImgLowResolution] || lab[kyc.ImgLowResolution]
		}
	}
	for _, c := range QualityCodes {
		if lab[c] {
			s.Labels = append(s.Labels, c)
			delete(dc, c)
		}
	}
	for _, c := range QualityCodes {
		if dc[c] {
			s.DontCare = append(s.DontCare, c)
		}
	}
}

func avgColor(img *image.RGBA) (c color.RGBA) {
	var s [3]float64
	n := 0.0
	for i := 0; i < len(img.Pix); i += 4 * 7 {
		if img.Pix[i+3] < 255 {
			continue
		}
		s[0] += float64(img.Pix[i])
		s[1] += float64(img.Pix[i+1])
		s[2] += float64(img.Pix[i+2])
		n++
	}
	if n == 0 {
		return
	}
	return color.RGBA{uint8(s[0] / n), uint8(s[1] / n), uint8(s[2] / n), 255}
}

// desaturate mixes each pixel towards its grey by amount a (1 = grey), as a copy or a faded
// print is.
func desaturate(img *image.RGBA, a float64) {
	for i := 0; i < len(img.Pix); i += 4 {
		p := img.Pix[i : i+3]
		y := 0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2])
		for k := 0; k < 3; k++ {
			p[k] = uint8(float64(p[k])*(1-a) + y*a + 0.5)
		}
	}
}

// outward is a point far beyond entry on the line from tip through entry, in photo space (a
// point far outside the document mapped through its homography could fold over the horizon).
func outward(entry, tip [2]float64, ph *photo) [2]float64 {
	dx, dy := entry[0]-tip[0], entry[1]-tip[1]
	l := math.Hypot(dx, dy)
	if l == 0 {
		dx, dy, l = 0, 1, 1
	}
	far := 2 * float64(ph.w+ph.h)
	return [2]float64{entry[0] + dx/l*far, entry[1] + dy/l*far}
}
