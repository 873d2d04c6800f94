package ocr

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/kycd/kycd/onnx"
)

// recHeight is the recognition model's input height; clsWidth the direction classifier's width.
const (
	recHeight   = 48
	clsWidth    = 192
	maxRecWidth = 3200
)

// probs is the recognition output of one text piece: steps × c class probabilities, of which
// the first used steps cover the piece (the rest cover padding). pxPerStep converts steps to
// piece pixels.
type probs struct {
	p         []float32
	steps, c  int
	used      int
	pxPerStep float64
}

func (lp *probs) at(t int) []float32 { return lp.p[t*lp.c : (t+1)*lp.c] }

// x is the centre of step t in piece pixels.
func (lp *probs) x(t int) float64 { return (float64(t) + 0.5) * lp.pxPerStep }

// glyph is one decoded character: its text, where it fired (x0..x1, pixels of the crop) and
// its probability.
type glyph struct {
	s      string
	x0, x1 float64
	p      float32
	alt    []float32 // alphabet decoding: the score of each character of the alphabet
	// inferred marks a filler restored from geometry, not read
	inferred bool
}

func (g glyph) center() float64 { return (g.x0 + g.x1) / 2 }

// normalise writes crop m (height recHeight) into dst, a [3][recHeight][W] block, as PaddleOCR's
// recogniser expects: B, G, R scaled to [-1, 1]; columns beyond the crop stay 0 (padding).
func normaliseRec(m *rgb, dst []float32, W int) {
	plane := recHeight * W
	for y := 0; y < m.h; y++ {
		for x := 0; x < m.w && x < W; x++ {
			i := (y*m.w + x) * 3
			o := y*W + x
			dst[o] = float32(m.pix[i+2])/127.5 - 1
			dst[plane+o] = float32(m.pix[i+1])/127.5 - 1
			dst[2*plane+o] = float32(m.pix[i])/127.5 - 1
		}
	}
}

// clsBatch is the classifier's batch: its input has a fixed width, so batching costs no padding.
const clsBatch = 8

// clsSample bounds the crops that vote on the page's orientation.
const clsSample = 24

// upsideDown runs the direction classifier on the page's crops (up to clsSample of the widest;
// a long crop is represented by its middle at the natural aspect: squeezing a long line into the
// classifier's width, as PaddleOCR does, made its answers unreliable on machine-readable zones,
// whose filler runs look the same either way up) and reports whether the confident votes say the
// page is upside down.
func (e *Engine) upsideDown(ctx context.Context, crops []*rgb) (bool, error) {
	idx := make([]int, 0, len(crops))
	for i, c := range crops {
		if c.w >= 2*recHeight {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return crops[idx[a]].w > crops[idx[b]].w })
	idx = idx[:min(len(idx), clsSample)]
	if len(idx) == 0 {
		return false, nil
	}
	per := 3 * recHeight * clsWidth
	var up, down float32
	for start := 0; start < len(idx); start += clsBatch {
		batch := idx[start:min(len(idx), start+clsBatch)]
		n := len(batch)
		in := onnx.Tensor{Shape: []int64{int64(n), 3, recHeight, clsWidth}, Data: make([]float32, n*per)}
		for j, i := range batch {
			c := crops[i]
			if c.w > clsWidth {
				c = c.sub((c.w-clsWidth)/2, clsWidth)
			}
			normaliseRec(c, in.Data[j*per:(j+1)*per], clsWidth)
		}
		out, err := e.cls.Run(ctx, in)
		if err != nil {
			return false, err
		}
		if len(out[0].Data) != 2*n {
			return false, fmt.Errorf("ocr: classifier output shape %v", out[0].Shape)
		}
		for j := 0; j < n; j++ {
			p0, p180 := out[0].Data[2*j], out[0].Data[2*j+1]
			switch {
			case p180 >= e.opts.ClsThresh:
				down += p180
			case p0 >= e.opts.ClsThresh:
				up += p0
			}
		}
	}
	return down > up, nil
}

// reading is a crop's text decoded two ways: unrestricted, and in the zone alphabet.
type reading struct {
	text, zone []glyph
}

// Long crops are read in overlapping pieces: the recogniser was trained on short lines and read
// machine-readable-zone lines of 44 characters worse in one piece (it turned UTO into 070), and
// its cost grows faster than the width.
//
// A piece that holds little but fillers reads as nothing or as noise: the recogniser needs to see
// what kind of line it is in. So every piece after the first is read with the line's first
// piecePrefix pixels in front of it, whose characters are then dropped.
const (
	pieceWidth   = 480
	pieceOverlap = 96
	piecePrefix  = 120
)

// recognize reads each crop (recHeight high), in pieces when it is long, and returns the merged
// readings in the crops' order. zoneEnds, when given, says for each crop where (in its pixels) a
// zone line's characters end, up to which trailing fillers are restored; by default the crop's
// width.
func (e *Engine) recognize(ctx context.Context, crops []*rgb, zoneEnds []float64) ([]reading, error) {
	type piece struct {
		crop, x0 int
		pre      int // width of the context prefix in front of the piece
		img      *rgb
		first    bool
		last     bool
	}
	var pieces []piece
	for i, c := range crops {
		if c.w <= pieceWidth+pieceOverlap/2 {
			pieces = append(pieces, piece{crop: i, img: c, first: true, last: true})
			continue
		}
		for x := 0; ; x += pieceWidth - pieceOverlap {
			w := min(pieceWidth, c.w-x)
			last := x+w >= c.w
			if !last && c.w-(x+pieceWidth-pieceOverlap) < pieceOverlap { // avoid a sliver at the end
				w, last = c.w-x, true
			}
			p := piece{crop: i, x0: x, img: c.sub(x, w), first: x == 0, last: last}
			if !p.first { // give the recogniser the line's start as context (see piecePrefix)
				p.pre = piecePrefix
				p.img = hcat(c.sub(0, piecePrefix), p.img)
			}
			pieces = append(pieces, p)
			if last {
				break
			}
		}
	}
	lps, err := e.runRec(ctx, func() []*rgb {
		imgs := make([]*rgb, len(pieces))
		for i, p := range pieces {
			imgs[i] = p.img
		}
		return imgs
	}())
	if err != nil {
		return nil, err
	}
	per := make([][2][][]glyph, len(crops)) // per crop: text and zone glyphs of each piece
	for i, p := range pieces {
		lp := &lps[i]
		keep := func(gs []glyph) []glyph {
			out := gs[:0]
			for _, g := range gs {
				c := g.center() - float64(p.pre)
				// Drop the prefix's characters and what sits on a cut edge: the neighbouring
				// piece sees it whole.
				if (!p.first && c < pieceOverlap/4) || (!p.last && c > float64(p.img.w-p.pre)-pieceOverlap/4) {
					continue
				}
				g.x0 += float64(p.x0 - p.pre)
				g.x1 += float64(p.x0 - p.pre)
				out = append(out, g)
			}
			return out
		}
		per[p.crop][0] = append(per[p.crop][0], keep(decodeGreedy(lp, e.dict)))
		per[p.crop][1] = append(per[p.crop][1], keep(decodeAlphabet(lp, e.dict, e.mrz)))
	}
	out := make([]reading, len(crops))
	for i := range crops {
		out[i] = reading{text: mergePieces(per[i][0]), zone: mergePieces(per[i][1])}
		if zoneEnds != nil {
			out[i].zone = fillFillers(out[i].zone, zoneEnds[i], true)
		} else {
			out[i].zone = fillFillers(out[i].zone, float64(crops[i].w), false)
		}
	}
	return out, nil
}

// mergePieces joins the glyphs of overlapping pieces: in the overlap both pieces read the same
// characters at about the same place, so a glyph closer than half the usual character pitch to a
// glyph of the previous piece is the same character, and the more probable reading is kept.
func mergePieces(pieces [][]glyph) []glyph {
	if len(pieces) == 1 {
		return pieces[0]
	}
	var steps []float64
	for _, gs := range pieces {
		for i := 1; i < len(gs); i++ {
			steps = append(steps, gs[i].center()-gs[i-1].center())
		}
	}
	pitch := 24.0
	if len(steps) > 0 {
		sort.Float64s(steps)
		pitch = steps[len(steps)/2]
	}
	var out []glyph
	for _, gs := range pieces {
		from := len(out) // glyphs before this piece's are candidates for duplicates
		for _, g := range gs {
			dup := -1
			for j := from - 1; j >= 0 && g.center()-out[j].center() < pitch; j-- {
				if math.Abs(g.center()-out[j].center()) < pitch/2 {
					dup = j
					break
				}
			}
			switch {
			case dup < 0:
				out = append(out, g)
			case g.p > out[dup].p:
				out[dup] = g
			}
		}
		sort.SliceStable(out, func(a, b int) bool { return out[a].center() < out[b].center() })
	}
	return out
}

// fillFillers restores the filler runs a piece-wise reading of a zone line loses: a piece that
// holds nothing but '<' reads as nothing (the recogniser needs context to see them), which
// leaves a gap in the otherwise regular pitch of the zone's monospace characters. A gap of n
// pitches gets n-1 fillers, and the space between the last character and the crop's end (less
// the margin seen before the first character) is filled too.
//
// With exact, width is where the last character's cell ends (the line's known extent); without,
// the crop's width, of which the margin before the first character is assumed after the last.
// Lines in which no filler was read are left alone: they are not zone lines.
func fillFillers(gs []glyph, width float64, exact bool) []glyph {
	if len(gs) < 4 || !slices.ContainsFunc(gs, func(g glyph) bool { return g.s == "<" }) {
		return gs
	}
	var d []float64
	for i := 1; i < len(gs); i++ {
		d = append(d, gs[i].center()-gs[i-1].center())
	}
	sort.Float64s(d)
	// The pitch: the mean step near the lower quartile (gaps inflate the upper half; peak
	// positions are quantised to the recogniser's steps, so single steps jitter).
	q := d[len(d)/4]
	var sum float64
	var n int
	for _, v := range d {
		if v >= 0.6*q && v <= 1.4*q {
			sum += v
			n++
		}
	}
	// Only a monospace line: most steps are one pitch.
	if q <= 0 || n*4 < len(d)*3 {
		return gs
	}
	pitch := sum / float64(n)
	filler := func(at float64) glyph {
		return glyph{s: "<", x0: at, x1: at, p: 0.5, alt: fillerAlt(gs), inferred: true}
	}
	out := []glyph{gs[0]}
	for i := 1; i < len(gs); i++ {
		gap := gs[i].center() - gs[i-1].center()
		if n := int(math.Round(gap/pitch)) - 1; gap > 1.5*pitch && n > 0 {
			for k := 1; k <= n; k++ {
				out = append(out, filler(gs[i-1].center()+gap*float64(k)/float64(n+1)))
			}
		}
		out = append(out, gs[i])
	}
	end := width - (gs[0].center() - pitch/2)
	if exact {
		end = width
	}
	last := gs[len(gs)-1].center()
	if n := int(math.Round((end - last - pitch/2) / pitch)); n > 0 {
		for k := 1; k <= n; k++ {
			out = append(out, filler(last+float64(k)*pitch))
		}
	}
	return out
}

// fillerAlt is the score vector of an inferred filler: certain '<', nothing else.
func fillerAlt(gs []glyph) []float32 {
	if len(gs) == 0 || gs[0].alt == nil {
		return nil
	}
	alt := make([]float32, len(gs[0].alt))
	if i := strings.IndexByte(MRZChars, '<'); i < len(alt) {
		alt[i] = 1
	}
	return alt
}

// runRec runs the recogniser on images recHeight high, batching images of similar width, and
// returns their class probabilities in the images' order.
func (e *Engine) runRec(ctx context.Context, imgs []*rgb) ([]probs, error) {
	order := make([]int, len(imgs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return imgs[order[a]].w < imgs[order[b]].w })
	res := make([]probs, len(imgs))
	for start := 0; start < len(order); start += e.opts.RecBatch {
		idx := order[start:min(len(order), start+e.opts.RecBatch)]
		W := 0
		for _, i := range idx {
			W = max(W, imgs[i].w)
		}
		W = max(W, 16)
		W = (W + 7) / 8 * 8
		per := 3 * recHeight * W
		in := onnx.Tensor{Shape: []int64{int64(len(idx)), 3, recHeight, int64(W)}, Data: make([]float32, len(idx)*per)}
		for j, i := range idx {
			normaliseRec(imgs[i], in.Data[j*per:(j+1)*per], W)
		}
		out, err := e.rec.Run(ctx, in)
		if err != nil {
			return nil, err
		}
		o := out[0]
		if len(o.Shape) != 3 || o.Shape[0] != int64(len(idx)) || int(o.Shape[2]) != e.dict.Classes() {
			return nil, fmt.Errorf("ocr: recogniser output shape %v, want [%d T %d] (dictionary and model disagree?)",
				o.Shape, len(idx), e.dict.Classes())
		}
		T, C := int(o.Shape[1]), int(o.Shape[2])
		pxPerStep := float64(W) / float64(T)
		for j, i := range idx {
			used := min(T, int(math.Ceil(float64(imgs[i].w)/pxPerStep))+1)
			res[i] = probs{p: o.Data[j*T*C : (j+1)*T*C], steps: T, c: C, used: used, pxPerStep: pxPerStep}
		}
	}
	return res, nil
}

// decodeGreedy is CTC best-path decoding: the most probable class per step, repeats merged,
// blanks dropped.
func decodeGreedy(lp *probs, d *Dict) []glyph {
	var out []glyph
	prev := 0
	for t := 0; t < lp.used; t++ {
		row := lp.at(t)
		best, bp := 0, row[0]
		for k := 1; k < len(row); k++ {
			if row[k] > bp {
				best, bp = k, row[k]
			}
		}
		switch {
		case best == 0:
		case best == prev && len(out) > 0:
			g := &out[len(out)-1]
			g.x1 = lp.x(t)
			g.p = max(g.p, bp)
		default:
			out = append(out, glyph{s: d.Char(best), x0: lp.x(t), x1: lp.x(t), p: bp})
		}
		prev = best
	}
	return out
}

// decodeAlphabet is best-path decoding restricted to an alphabet: each allowed character scores
// the summed probability of the classes that fold to it; the blank and the space separate
// characters and print nothing.
//
// The blank's probability is scaled by zoneBlank first: on a run of fillers with little else in
// view the recogniser still peaks on '<' at each character, but below the blank.
func decodeAlphabet(lp *probs, d *Dict, a *Alphabet) []glyph {
	return decodeAlphabetBlank(lp, d, a, zoneBlank)
}

// zoneBlank scales the blank in the zone-alphabet decoding (see decodeAlphabet).
const zoneBlank = 0.3

func decodeAlphabetBlank(lp *probs, d *Dict, a *Alphabet, blank float32) []glyph {
	var out []glyph
	prev := -1
	sp := d.space()
	scores := make([]float32, len(a.classes))
	for t := 0; t < lp.used; t++ {
		row := lp.at(t)
		best, bp := -1, row[0]*blank
		if row[sp] > bp {
			bp = row[sp]
		}
		for i, ks := range a.classes {
			var s float32
			for _, k := range ks {
				s += row[k]
			}
			scores[i] = s
			if s > bp {
				best, bp = i, s
			}
		}
		switch {
		case best < 0:
		case best == prev && len(out) > 0:
			g := &out[len(out)-1]
			g.x1 = lp.x(t)
			g.p = max(g.p, bp)
			for i, s := range scores {
				g.alt[i] = max(g.alt[i], s)
			}
		default:
			out = append(out, glyph{s: string(a.runes[best]), x0: lp.x(t), x1: lp.x(t), p: bp,
				alt: append([]float32(nil), scores...)})
		}
		prev = best
	}
	return out
}

// spaced joins glyphs, keeping the spaces the recogniser printed and adding one where two Latin
// characters' peaks are much further apart than is usual on the line (the recogniser drops some
// word spaces, but the gap stays).
func spaced(gs []glyph) string {
	var gaps []float64
	for i := 1; i < len(gs); i++ {
		if gs[i].s != " " && gs[i-1].s != " " {
			gaps = append(gaps, gs[i].x0-gs[i-1].x1)
		}
	}
	limit := math.Inf(1)
	if len(gaps) > 0 {
		sort.Float64s(gaps)
		med := gaps[len(gaps)/2]
		limit = math.Max(spaceGapRatio*med, med+spaceGapMin)
	}
	var b strings.Builder
	for i, g := range gs {
		if g.s == " " {
			if b.Len() > 0 && i+1 < len(gs) && gs[i-1].s != " " {
				b.WriteByte(' ')
			}
			continue
		}
		if i > 0 && gs[i-1].s != " " && g.x0-gs[i-1].x1 >= limit && isLatin(gs[i-1].s) && isLatin(g.s) {
			b.WriteByte(' ')
		}
		b.WriteString(g.s)
	}
	return strings.TrimSpace(b.String())
}

// A gap between two characters' peaks that is spaceGapRatio times the line's median gap, and at
// least spaceGapMin pixels (of a crop recHeight high) more, is a word break.
const (
	spaceGapRatio = 2.2
	spaceGapMin   = 24
)

func isLatin(s string) bool {
	for _, r := range s {
		if r > 0x24F {
			return false
		}
	}
	return true
}

func meanP(gs []glyph) float64 {
	if len(gs) == 0 {
		return 0
	}
	var s float64
	for _, g := range gs {
		s += float64(g.p)
	}
	return s / float64(len(gs))
}

func plain(gs []glyph) string {
	var b strings.Builder
	for _, g := range gs {
		b.WriteString(g.s)
	}
	return b.String()
}
