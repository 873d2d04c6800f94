package imagecheck

import (
	"fmt"
	"image"
	"math"
	"slices"
	"sort"

	"github.com/kycd/kycd/kyc"
)

// Thresholds are the limits of the quality check. Each is a physical quantity of the photo or
// of the document in it, so that an operator can reason about a change ("text must be at least
// 6 px per mm") and the same values hold on photos the corpus never saw. DefaultThresholds
// documents the defaults.
type Thresholds struct {
	// MinFrameShare is the smallest share of the frame the document may fill (its visible area
	// over the frame's). Below it the applicant is asked to come closer: IMG_DOC_TOO_SMALL.
	MinFrameShare float64
	// MinPxPerMM is the fewest photo pixels per millimetre of document. An ID card's smallest
	// print is about 1.8 mm high, so 6 px/mm gives 10–11 px characters, about what OCR needs.
	// Below it: IMG_LOW_RESOLUTION.
	MinPxPerMM float64
	// MaxCutOff is how far (share of the document's short side) a corner may lie outside the
	// frame before IMG_CUT_OFF; a little tolerance absorbs corner-estimation error.
	MaxCutOff float64
	// MaxBlurMM is the widest 10–90 % edge rise of the document's print, in millimetres on
	// the document. Print is sharp-edged; at about 0.3 mm the 0.3 mm strokes of small text
	// merge. Above it: IMG_BLURRY.
	MaxBlurMM float64
	// MaxGlare is the largest share of the document that may be clipped white by a specular
	// reflection (IMG_GLARE).
	MaxGlare float64
	// MinWhiteLevel is the lowest 95th-percentile luma of the document (its paper under the
	// light). Below it the print's contrast is lost in sensor noise: IMG_TOO_DARK.
	MinWhiteLevel float64
	// MaxMeanLuma and MaxClipped define over-exposure: a mean luma above MaxMeanLuma with more
	// than MaxClipped of the document clipped white (IMG_OVEREXPOSED).
	MaxMeanLuma float64
	MaxClipped  float64
	// MaxFrameClipped is the largest share of the whole frame that may be clipped white. Above
	// it the photo is washed out: IMG_OVEREXPOSED is then the only reason given, since the
	// outline and the print the other measures need are lost in the white.
	MaxFrameClipped float64
	// MinShadowRatio is the lowest ratio of dark to bright paper level across the document
	// (15th over 90th percentile of block paper levels). Below it: IMG_SHADOW.
	MinShadowRatio float64
	// MinChroma is the least colour spread of a colour photo (90th percentile distance from the
	// document's median chromaticity, in Cb/Cr units at a luma of 200). Below it:
	// IMG_BLACK_AND_WHITE.
	MinChroma float64
	// MaxCoverDepthMM is how far an object entering across the border may reach into the
	// document before it covers data (IMG_DATA_COVERED); a thumb holding the card by its edge
	// stays within the 3–4 mm margin, and an ID card's fields start 4–10 mm from its edges. MinCoverShare is the least area it must hide as well.
	MaxCoverDepthMM float64
	MinCoverShare   float64
	// MaxCoverRagged is the most ragged a covered region may be and still be an object: the
	// count of pixels along its outline over the square root of its area. A solid object is
	// about 3.5–4.5 (a disc 3.5, a finger from the border 3–4); a region that grew over paper
	// dimmed by a shadow is riddled with the print it failed to cover, and runs far higher.
	MaxCoverRagged float64
	// AnalysisSide is the longest side of the working copy of the photo (an integer box
	// reduction), and MaxDocSide the longest side of the rectified document the measures run
	// on; both bound the time of a 12 MP photo.
	AnalysisSide int
	MaxDocSide   int
}

// DefaultThresholds returns the defaults, tuned on the synthetic corpus's tuning seeds and
// checked on held-out seeds (see cmd/eval-quality).
func DefaultThresholds() Thresholds {
	return Thresholds{
		MinFrameShare:   0.20,
		MinPxPerMM:      6,
		MaxCutOff:       0.015,
		MaxBlurMM:       0.30,
		MaxGlare:        0.012,
		MinWhiteLevel:   90,
		MaxMeanLuma:     215,
		MaxClipped:      0.45,
		MaxFrameClipped: 0.15,
		MinShadowRatio:  0.62,
		MinChroma:       3.8,
		MaxCoverDepthMM: 10,
		MinCoverShare:   0.01,
		MaxCoverRagged:  10,
		AnalysisSide:    1600,
		MaxDocSide:      1000,
	}
}

// Report is the quality check's answer for one photo.
type Report struct {
	// Measurements holds every measure computed, by name, for `kycd check` and for tuning.
	Measurements map[string]float64
	// Findings are the failed checks, each with its measure(s) and threshold(s) in Detail.
	Findings []kyc.Finding
	// Found says whether a document outline was found; Quad is then its corners in the photo's
	// pixels, clockwise from the document's top-left (long side first), possibly outside the
	// frame when the document is cut off.
	Found bool
	Quad  [4]image.Point
	// FrameShare is the visible document area over the frame area.
	FrameShare float64
	// PxPerMM is the photo's resolution on the document.
	PxPerMM float64
	// DocSize is the rectified size (pixels of the photo) suited to Rectify.
	DocSize image.Point
}

// Has reports whether the report contains a finding with code c.
func (r *Report) Has(c kyc.Code) bool {
	for _, f := range r.Findings {
		if f.Code == c {
			return true
		}
	}
	return false
}

func (r *Report) add(code kyc.Code, side kyc.Side, detail map[string]any) {
	r.Findings = append(r.Findings, kyc.NewFinding(code, side, detail))
}

// minPrint is the least share of a document outline's interior covered with print-like edges
// (see printDensity): below it the quad is background structure.
const minPrint = 0.01

// minDistinct is the least share of a document outline's interior whose colour differs from
// the surface around it (see distinctness).
const minDistinct = 0.05

// minBand is the least share of the band just inside a document outline's real sides whose
// colour differs from the surface just outside them (see distinctness).
const minBand = 0.25

// Assess runs the localisation and every quality measure on a decoded photo (orientation
// already applied, as CheckFile returns it) and reports the failed ones for side. Zero fields of
// th take their defaults.
func Assess(img image.Image, side kyc.Side, th Thresholds) *Report {
	th = th.withDefaults()
	rep := assess(img, side, th)
	// A photo washed out white over a large part of the frame hides the document's outline and
	// print: what the other measures say of it (a cut corner, a small or blurred document, a
	// shadow) is not to be trusted, and the one thing to fix is the light.
	if fc := rep.Measurements["frame_clipped"]; fc > th.MaxFrameClipped {
		rep.Findings = []kyc.Finding{kyc.NewFinding(kyc.ImgOverexposed, side, map[string]any{
			"measure": "frame_clipped", "value": fc, "threshold": th.MaxFrameClipped, "other_checks_skipped": true})}
	}
	return rep
}

// secondKeep is how many outlines the second search weighs, best by edge score first (a var
// so that tests can narrow it). On a tiled floor the grout lines form tens of thousands of
// plausible rectangles, and a small document's outline, with short sides that collect few
// edge votes, ranks in the hundreds among them: only its colour against the floor, which is
// measured on the outlines weighed, sets it apart. The search runs only where the first found
// nothing, and weighing an outline costs about a tenth of a millisecond.
var secondKeep = 600

// minDeepDistinct is the least distinctness (see distinctness) of an outline weighed only
// because the second search reaches deeper than maxCandidates: its edges are weak evidence,
// so its colour must set almost all of its interior apart from the surface around it, as a
// document's paper does (a patch of a portrait's background or a half-lit fold does not).
const minDeepDistinct = 0.9

func assess(img image.Image, side kyc.Side, th Thresholds) *Report {
	rep := &Report{Measurements: map[string]float64{}}
	ms := rep.Measurements
	p := analysisPlanes(img, th.AnalysisSide)
	defer p.release()
	k := locateFactor(p)
	small := p.reduce(k)
	if small != p {
		defer small.release()
	}
	// The frame as a whole: a photo washed out white hides the document's outline and print.
	clipped := 0
	for _, v := range small.Y {
		if v >= 250 {
			clipped++
		}
	}
	ms["frame_clipped"] = round3(float64(clipped) / float64(len(small.Y)))
	ms["frame_luma_p50"] = round3(float64(percentile(small.Y, 0.5)))
	em := edges(small)
	// Colour differences shrink with the light: a dark photo's document and surface are close.
	tol := 20 * float32(math.Max(0.3, math.Min(1, float64(percentile(small.Y, 0.95)-percentile(small.Y, 0.05))/180)))
	toAnalysis := func(c [4][2]float64) [4][2]float64 {
		var q [4][2]float64
		for i, v := range c {
			q[i] = [2]float64{(v[0] + 0.5) * float64(k), (v[1] + 0.5) * float64(k)}
		}
		return q
	}
	var lines []houghLine // those of the search under way
	// measureInside measures the print and the colours inside candidate c, once: only for the
	// candidates weighed, which on a tiled floor are few of the hundreds ranked.
	measureInside := func(c *quadCand) {
		if c.print < 0 {
			c.print = printDensity(em, c.c)
			c.distinct, _ = distinctness(small, c.c, c.virtual, tol, true)
		}
	}
	// accept says whether a candidate is a document (see refusal), and not a rectangle of a
	// surface's grid, which runs right through it both ways (see crossings).
	accept := func(c *quadCand) bool {
		measureInside(c)
		why := refusal(p, small, c, toAnalysis)
		if why == "" && c.deep && c.distinct < minDeepDistinct {
			why = "weak outline, interior not distinct enough"
		}
		if why == "" {
			if n := crossings(em, lines, c.c); n[0]+n[1] >= 3 && min(n[0], n[1]) >= 1 {
				why = fmt.Sprintf("surface grid runs through it (%d and %d lines)", n[0], n[1])
			}
		}
		if debugAccept != nil {
			debugAccept(c, why)
		}
		return why == ""
	}
	// search returns the candidates formed from the lines kept at perOrientation, best first,
	// and the first accepted (nil when none is).
	search := func(perOrientation int) ([]quadCand, *quadCand) {
		prev := lines
		lines = houghLines(em, maxLines, perOrientation)
		for i := range lines {
			lines[i].fresh = prev != nil && !slices.ContainsFunc(prev, func(l houghLine) bool {
				return l.theta == lines[i].theta && l.rho == lines[i].rho
			})
		}
		keep, keepFresh := maxCandidates, 0
		if prev != nil {
			keep, keepFresh = secondKeep, maxCandidates
		}
		cands := findQuads(em, lines, keep, keepFresh)
		// Rank the candidates by colour contrast across their outline too: a quad whose inner
		// border is the same surface as its outside is background structure around or beside
		// the document.
		for i := range cands {
			c := &cands[i]
			_, c.band = distinctness(small, c.c, c.virtual, tol, false)
			c.print, c.distinct = -1, -1 // measured when weighed (see measureInside)
			c.score *= 0.3 + 0.7*c.band
		}
		sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
		for i := range cands {
			if accept(&cands[i]) {
				return cands, &cands[i]
			}
		}
		return cands, nil
	}
	cands, best := search(maxPerOrientation)
	if best == nil {
		cands, best = search(morePerOrientation)
	}
	// A document's own parts (its portrait, the zone band, a printed frame) are rectangles with
	// clean edges inside it, and can outscore its outline where that runs over a busy surface.
	// An accepted candidate at least twice its area enclosing the chosen one, whole in the frame,
	// with print spread over it rather than only in the chosen part (a card lying on a sheet of
	// paper leaves the sheet nearly bare), is the document.
	if best != nil {
		var enc *quadCand
		for i := range cands {
			c := &cands[i]
			if c == best || c.area < 2*best.area || c.score < 0.5*best.score || !encloses(c.c, best.c) ||
				c.virtual != [4]bool{} || cutShare(c.c, float64(small.w), float64(small.h)) > 0 {
				continue
			}
			if measureInside(c); c.print < 0.4*best.print {
				continue
			}
			if (enc == nil || c.score > enc.score) && accept(c) {
				enc = c
			}
		}
		if enc != nil {
			best = enc
		}
	}
	if best == nil {
		ms["doc_found"] = 0
		bestSupport := 0.0
		if len(cands) > 0 {
			bestSupport = round3(cands[0].support)
		}
		// No outline: still say when the photo as a whole is too dark, washed out or blurred,
		// judging blur as if the document filled the frame (the most lenient assumption). A
		// frame washed out white hides the outline: that is then the reason given, the one the
		// applicant can act on, rather than a missing document. (A dark frame may just be a
		// dark desk with no document: both are said.)
		fw, fh := float64(p.w), float64(p.h)
		q := [4][2]float64{{0, 0}, {fw, 0}, {fw, fh}, {0, fh}}
		if fh > fw {
			q = [4][2]float64{{fw, 0}, {fw, fh}, {0, fh}, {0, 0}}
		}
		rep.measure(p, q, math.Max(fw, fh), 85.6, 85.6*math.Min(fw, fh)/math.Max(fw, fh), th, side, true)
		if !rep.Has(kyc.ImgOverexposed) {
			rep.Findings = append([]kyc.Finding{kyc.NewFinding(kyc.DocNotFoundInImage, side,
				map[string]any{"measure": "outline_support", "value": bestSupport, "threshold": 0.5})}, rep.Findings...)
		}
		return rep
	}
	// The sides onto their edge pixels. Each fit may find more of a side's edge near the moved
	// line: up to five rounds.
	for range 5 {
		if refitSides(em, best) < 0.5 {
			break
		}
	}
	// A side closing on an inner edge of a document that runs out of the frame moves onto the
	// border, but only where the strip it crosses is the document, not the surface around it
	// (the lines of a tiled floor also carry on to the border).
	before := *best
	extendToBorder(em, best)
	if best.virtual != before.virtual {
		qa := toAnalysis(best.c)
		paper := quadPaper(p, qa)
		for s, v := range best.virtual {
			if v && !before.virtual[s] && !continuesToBorder(p, qa, s, paper) {
				*best = before
				break
			}
		}
	}
	ms["doc_found"] = 1
	ms["outline_support"] = round3(best.support)
	ms["outline_termination"] = round3(best.termination)
	ms["outline_print"] = round3(best.print)
	ms["outline_distinct"] = round3(best.distinct)
	ms["outline_band"] = round3(best.band)
	docs := 1
	for i := range cands {
		c := &cands[i]
		if c == best || c.support < 0.6 || c.termination < 0.6 || c.area < 0.3*best.area || c.score < 0.5*best.score {
			continue
		}
		// A second document must show print of a document's density (0.02 is the lowest 0.5 %
		// of documents found in the corpus): a surface offers many more rectangles than a desk
		// holds documents, and a patterned one offers some with a trace of texture inside.
		if overlaps(c.c, best.c) {
			continue
		}
		if measureInside(c); c.print >= 2*minPrint && accept(c) {
			pd, dd := c.print, c.distinct
			docs++
			ms["second_support"], ms["second_termination"], ms["second_print"], ms["second_distinct"] = round3(c.support), round3(c.termination), round3(pd), round3(dd)
			break
		}
	}
	ms["doc_count"] = float64(docs)
	if docs > 1 {
		rep.add(kyc.DocMultipleInImage, side, map[string]any{"documents": docs})
	}

	// Corners in analysis-plane coordinates (pixel centres at +0.5), long side first.
	q := toAnalysis(best.c)
	sideLen := func(a, b [2]float64) float64 { return math.Hypot(b[0]-a[0], b[1]-a[1]) }
	la := (sideLen(q[0], q[1]) + sideLen(q[2], q[3])) / 2
	lb := (sideLen(q[1], q[2]) + sideLen(q[3], q[0])) / 2
	if lb > la {
		q = [4][2]float64{q[1], q[2], q[3], q[0]}
		la, lb = lb, la
	}
	// Card (ID-1, 1.586) or passport page (1.42)? Under keystone perspective the far side
	// shrinks, so the nearer (longer) side of each pair estimates the true proportion better
	// than the mean.
	aspect := math.Max(sideLen(q[0], q[1]), sideLen(q[2], q[3])) / math.Max(sideLen(q[1], q[2]), sideLen(q[3], q[0]))
	longMM, shortMM := 85.6, 54.0
	if aspect < 1.46 {
		longMM, shortMM = 125, 88
	}
	for i, c := range q {
		rep.Quad[i] = image.Pt(int(math.Round(c[0]*p.scale)), int(math.Round(c[1]*p.scale)))
	}
	rep.Found = true
	fw, fh := float64(p.w), float64(p.h)
	rep.FrameShare = clippedArea(q, fw, fh) / (fw * fh)

	// Geometry.
	out := math.Inf(-1)
	for _, c := range q {
		out = math.Max(out, math.Max(math.Max(-c[0], c[0]-fw), math.Max(-c[1], c[1]-fh)))
	}
	cut := out / lb
	virtual := false
	for _, v := range best.virtual {
		virtual = virtual || v
	}
	cutOff := cut > th.MaxCutOff || virtual
	// Pixels per millimetre from the long side. The visible part of a document cut off by the
	// frame has no reliable proportion: a passport page cut across its length looks square
	// and would be taken at 125 mm when its longest whole side is the 88 mm one. Assume the
	// shorter, so that a cut-off document is not also called low-resolution on a guess.
	pxLongMM := longMM
	if cutOff {
		pxLongMM = math.Min(longMM, 88)
	}
	rep.PxPerMM = la * p.scale / pxLongMM
	rep.DocSize = image.Pt(int(la*p.scale), int(la*p.scale*shortMM/longMM))
	ms["frame_share"] = round3(rep.FrameShare)
	ms["px_per_mm"] = round3(rep.PxPerMM)
	ms["aspect"] = round3(aspect)
	ms["cut_off"] = round3(cut)
	if cutOff {
		rep.add(kyc.ImgCutOff, side, map[string]any{"measure": "corner_outside_share", "value": round3(cut),
			"threshold": th.MaxCutOff, "edge_outside": virtual})
	}
	if rep.FrameShare < th.MinFrameShare {
		rep.add(kyc.ImgDocTooSmall, side, map[string]any{"measure": "frame_share", "value": round3(rep.FrameShare), "threshold": th.MinFrameShare})
	}
	if rep.PxPerMM < th.MinPxPerMM {
		rep.add(kyc.ImgLowResolution, side, map[string]any{"measure": "px_per_mm", "value": round3(rep.PxPerMM), "threshold": th.MinPxPerMM,
			"doc_width_px": int(la * p.scale), "long_side_mm": pxLongMM})
	}

	rep.measure(p, q, la, longMM, shortMM, th, side, false)
	return rep
}

// refusal says why candidate c (in small's pixels; toAnalysis maps its corners to p's) is not a
// document, or "" when it is one: its outline on edges that stop at its corners, print inside,
// a colour of its own against the surface, and, where it runs out of the frame, its paper
// carried right up to the border. The same test admits a second document.
func refusal(p, small *planes, c *quadCand, toAnalysis func([4][2]float64) [4][2]float64) string {
	if c.support < 0.5 || c.termination < 0.3 {
		return "outline"
	}
	if c.print < minPrint || c.distinct < minDistinct || c.band < minBand {
		return "contents"
	}
	// An outline a third unsupported by edges, with no colour of its own along half of it, is
	// the surface's structure (tiles, folds, a shadow's edge), not a document's.
	if c.support < 0.7 && c.band < 0.5 {
		return "weak outline"
	}
	// A document mostly outside the frame (a corner beyond half its short side) is not one
	// the applicant meant to photograph; it is background structure.
	if cutShare(c.c, float64(small.w), float64(small.h)) > 0.5 {
		return "outside"
	}
	if c.virtual != [4]bool{} {
		// A small quad at the frame's edge (a tenth of the frame or less) is a fragment: a fold
		// of clothing at the bottom of a selfie, a note at the edge of a cluttered desk. A
		// document someone frames and lets run out of the frame still fills a good part of it
		// (a fifth or more in the corpus; the smallest whole one is flagged too small below
		// that).
		if fw, fh := float64(small.w), float64(small.h); clippedArea(c.c, fw, fh) < minFragmentShare*fw*fh {
			return "fragment at the frame's edge"
		}
		// A side on the frame border has no edge to support it: ask more of the others, and
		// a colour of its own along most of them (a tiled floor's rectangles running out of
		// the frame differ from their surroundings only in patches).
		if c.support < 0.7 || c.distinct < 0.5 || c.band < 0.5 {
			return "cut outline"
		}
		qa := toAnalysis(c.c)
		paper := quadPaper(p, qa)
		for s, v := range c.virtual {
			if v && !continuesToBorder(p, qa, s, paper) {
				return fmt.Sprintf("side %d not paper to the border", s)
			}
		}
	}
	return ""
}

// minFragmentShare is the least share of the frame a quad running out of it must cover to be
// a document (see refusal).
const minFragmentShare = 0.10

// debugAccept, when set (by TestDebugSample only), is told each candidate weighed as a
// document and why it was refused ("" when accepted).
var debugAccept func(c *quadCand, why string)

// measure rectifies the document (quad q of p, long side la pixels, longMM×shortMM) and runs
// the photometric measures on it. With frameOnly (no outline found, q is the frame) only
// darkness, over-exposure and blur are reported.
func (rep *Report) measure(p *planes, q [4][2]float64, la, longMM, shortMM float64, th Thresholds, side kyc.Side, frameOnly bool) {
	ms := rep.Measurements
	// Rectify the document at its own resolution in the working copy (never enlarged).
	dw := int(math.Min(la, float64(th.MaxDocSide)))
	dh := int(float64(dw) * shortMM / longMM)
	if dw < 24 || dh < 16 {
		return
	}
	margin := max(4, dh/10)
	d := rectifyPlanes(p, q, dw, dh, margin)
	defer d.release()
	d.pxmm = float64(dw) / longMM
	idx := d.interior(0.03)
	if len(idx) < 100 {
		return
	}
	lum := measureLuma(d, idx)
	ms["brightness"] = round3(lum.mean)
	ms["luma_p05"], ms["luma_p50"], ms["white_level"] = lum.p05, lum.p50, lum.p95
	ms["clipped_fraction"] = round3(lum.clipped)
	overexposed := lum.mean > th.MaxMeanLuma && lum.clipped > th.MaxClipped
	if lum.p95 < th.MinWhiteLevel {
		rep.add(kyc.ImgTooDark, side, map[string]any{"measure": "white_level", "value": lum.p95, "threshold": th.MinWhiteLevel,
			"brightness": round3(lum.mean)})
	}
	if frameOnly {
		// A frame washed out white hides the document's outline: say so, it is the cause.
		if overexposed {
			rep.add(kyc.ImgOverexposed, side, map[string]any{"measure": "brightness", "value": round3(lum.mean), "threshold": th.MaxMeanLuma,
				"clipped_fraction": round3(lum.clipped), "clipped_threshold": th.MaxClipped, "assumed": "document fills the frame"})
		}
		contrast := float32(math.Max(12, 0.25*(lum.p95-lum.p05)))
		wpx, nEdges := edgeWidthPx(d, idx, contrast)
		blurMM := docBlurMM(wpx, d.pxmm)
		ms["blur"] = round3(blurMM)
		ms["edge_width_px"] = round3(wpx)
		if nEdges >= 40 && blurMM > th.MaxBlurMM {
			rep.add(kyc.ImgBlurry, side, map[string]any{"measure": "edge_width_mm", "value": round3(blurMM), "threshold": th.MaxBlurMM,
				"edge_width_px": round3(wpx), "assumed": "document fills the frame"})
		}
		return
	}
	if overexposed {
		rep.add(kyc.ImgOverexposed, side, map[string]any{"measure": "brightness", "value": round3(lum.mean), "threshold": th.MaxMeanLuma,
			"clipped_fraction": round3(lum.clipped), "clipped_threshold": th.MaxClipped})
	}
	gl := glareShare(d, idx, float32(lum.p75))
	ms["glare_fraction"] = round4(gl)
	if gl > th.MaxGlare && !overexposed {
		rep.add(kyc.ImgGlare, side, map[string]any{"measure": "glare_fraction", "value": round4(gl), "threshold": th.MaxGlare})
	}
	contrast := float32(math.Max(12, 0.25*(lum.p95-lum.p05)))
	wpx, nEdges := edgeWidthPx(d, idx, contrast)
	blurMM := docBlurMM(wpx, d.pxmm)
	ms["blur"] = round3(blurMM)
	ms["edge_width_px"] = round3(wpx)
	ms["edges_measured"] = float64(nEdges)
	// Below the resolution limit a pixel is about as wide as the blur worth reporting: unless
	// the blur is gross, the low-resolution reason says it better.
	if nEdges >= 40 && blurMM > th.MaxBlurMM && (rep.PxPerMM >= th.MinPxPerMM || blurMM > 2*th.MaxBlurMM) {
		rep.add(kyc.ImgBlurry, side, map[string]any{"measure": "edge_width_mm", "value": round3(blurMM), "threshold": th.MaxBlurMM,
			"edge_width_px": round3(wpx)})
	}
	sr, nb := shadowRatio(d, idx, lum)
	ms["shadow_ratio"] = round3(sr)
	ms["shadow_blocks"] = float64(nb)
	if sr < th.MinShadowRatio && !overexposed {
		rep.add(kyc.ImgShadow, side, map[string]any{"measure": "shadow_ratio", "value": round3(sr), "threshold": th.MinShadowRatio})
	}
	ch := round3(chromaSpread(d, idx, lum.p95))
	ms["chroma"] = ch
	// In a photo too dark to judge, colour is noise: the darkness is the reason to give.
	// Likewise in a photo washed out white, colour is lost to clipping, not absent.
	if ch < th.MinChroma && lum.p95 >= th.MinWhiteLevel && !overexposed {
		rep.add(kyc.ImgBlackAndWhite, side, map[string]any{"measure": "chroma_p90", "value": ch, "threshold": th.MinChroma})
	}
	paper := paperColour(d, idx, lum)
	depth, cov, rag := occlusion(d, paper, lum.p95)
	ms["covered_depth_mm"] = round3(depth)
	ms["covered_fraction"] = round4(cov)
	ms["covered_ragged"] = round3(rag)
	if depth > th.MaxCoverDepthMM && cov > th.MinCoverShare && rag <= th.MaxCoverRagged {
		rep.add(kyc.ImgDataCovered, side, map[string]any{"measure": "covered_depth_mm", "value": round3(depth), "threshold": th.MaxCoverDepthMM,
			"covered_fraction": round4(cov), "fraction_threshold": th.MinCoverShare,
			"covered_ragged": round3(rag), "ragged_threshold": th.MaxCoverRagged})
	}
}

func (t Thresholds) withDefaults() Thresholds {
	d := DefaultThresholds()
	set := func(v *float64, def float64) {
		if *v == 0 {
			*v = def
		}
	}
	set(&t.MinFrameShare, d.MinFrameShare)
	set(&t.MinPxPerMM, d.MinPxPerMM)
	set(&t.MaxCutOff, d.MaxCutOff)
	set(&t.MaxBlurMM, d.MaxBlurMM)
	set(&t.MaxGlare, d.MaxGlare)
	set(&t.MinWhiteLevel, d.MinWhiteLevel)
	set(&t.MaxMeanLuma, d.MaxMeanLuma)
	set(&t.MaxClipped, d.MaxClipped)
	set(&t.MaxFrameClipped, d.MaxFrameClipped)
	set(&t.MinShadowRatio, d.MinShadowRatio)
	set(&t.MinChroma, d.MinChroma)
	set(&t.MaxCoverDepthMM, d.MaxCoverDepthMM)
	set(&t.MinCoverShare, d.MinCoverShare)
	set(&t.MaxCoverRagged, d.MaxCoverRagged)
	if t.AnalysisSide <= 0 {
		t.AnalysisSide = d.AnalysisSide
	}
	if t.MaxDocSide <= 0 {
		t.MaxDocSide = d.MaxDocSide
	}
	return t
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
func round4(v float64) float64 { return math.Round(v*10000) / 10000 }

// clippedArea is the area of quad q inside the w×h frame (Sutherland–Hodgman clipping).
func clippedArea(q [4][2]float64, w, h float64) float64 {
	poly := q[:]
	clip := func(in [][2]float64, inside func(p [2]float64) bool, cross func(a, b [2]float64) [2]float64) [][2]float64 {
		var out [][2]float64
		for i := range in {
			a, b := in[i], in[(i+1)%len(in)]
			ia, ib := inside(a), inside(b)
			switch {
			case ia && ib:
				out = append(out, b)
			case ia && !ib:
				out = append(out, cross(a, b))
			case !ia && ib:
				out = append(out, cross(a, b), b)
			}
		}
		return out
	}
	lerpX := func(x float64) func(a, b [2]float64) [2]float64 {
		return func(a, b [2]float64) [2]float64 {
			t := (x - a[0]) / (b[0] - a[0])
			return [2]float64{x, a[1] + t*(b[1]-a[1])}
		}
	}
	lerpY := func(y float64) func(a, b [2]float64) [2]float64 {
		return func(a, b [2]float64) [2]float64 {
			t := (y - a[1]) / (b[1] - a[1])
			return [2]float64{a[0] + t*(b[0]-a[0]), y}
		}
	}
	poly = clip(poly, func(p [2]float64) bool { return p[0] >= 0 }, lerpX(0))
	if len(poly) > 0 {
		poly = clip(poly, func(p [2]float64) bool { return p[0] <= w }, lerpX(w))
	}
	if len(poly) > 0 {
		poly = clip(poly, func(p [2]float64) bool { return p[1] >= 0 }, lerpY(0))
	}
	if len(poly) > 0 {
		poly = clip(poly, func(p [2]float64) bool { return p[1] <= h }, lerpY(h))
	}
	s := 0.0
	for i := range poly {
		j := (i + 1) % len(poly)
		s += poly[i][0]*poly[j][1] - poly[j][0]*poly[i][1]
	}
	return math.Abs(s) / 2
}

// sharpEdgePx is the 10–90 % width of a perfectly focused edge once sampled, demosaiced,
// JPEG-compressed and resampled: about two pixels whatever the scale. It is removed in
// quadrature so that blur is the optics' and the hand's, in millimetres of document, and a
// sharp but small photo is not called blurred (it is low-resolution, a separate reason).
const sharpEdgePx = 2.0

func docBlurMM(widthPx, pxPerMM float64) float64 {
	if pxPerMM <= 0 {
		return 0
	}
	return math.Sqrt(math.Max(0, widthPx*widthPx-sharpEdgePx*sharpEdgePx)) / pxPerMM
}

// locateFactor is the box reduction from the working copy p to the localisation image (longest
// side at most locateSide).
func locateFactor(p *planes) int {
	k := 1
	for max(p.w, p.h) > locateSide*k {
		k++
	}
	return k
}

// encloses reports whether every corner of quad b lies inside quad a.
func encloses(a, b [4][2]float64) bool {
	for _, p := range b {
		if !inside(a, p) {
			return false
		}
	}
	return true
}

// cutShare is how far q's farthest corner lies outside the w×h frame, over q's short side.
func cutShare(q [4][2]float64, w, h float64) float64 {
	out := math.Inf(-1)
	for _, c := range q {
		out = math.Max(out, math.Max(math.Max(-c[0], c[0]-w), math.Max(-c[1], c[1]-h)))
	}
	side := func(a, b [2]float64) float64 { return math.Hypot(b[0]-a[0], b[1]-a[1]) }
	short := math.Min((side(q[0], q[1])+side(q[2], q[3]))/2, (side(q[1], q[2])+side(q[3], q[0]))/2)
	if short <= 0 {
		return math.Inf(1)
	}
	return out / short
}
