package imagecheck

import (
	"math"
	"slices"
	"sort"
)

// interior lists the indices of the document's own pixels in d, inset by inset of its size so
// that the background at a slightly misplaced border does not count. The list is d's: it holds
// until the next call or d's release.
func (d *docPlanes) interior(inset float64) []int {
	w, h := d.w-2*d.margin, d.h-2*d.margin
	ix, iy := int(inset*float64(w)), int(inset*float64(h))
	ints.put(d.idx)
	idx := ints.get(w * h)[:0]
	for y := d.margin + iy; y < d.margin+h-iy; y++ {
		for x := d.margin + ix; x < d.margin+w-ix; x++ {
			i := y*d.w + x
			if d.valid[i] {
				idx = append(idx, i)
			}
		}
	}
	d.idx = idx
	return idx
}

// lumaStats are exposure statistics of the document: mean, percentiles and the share of pixels
// clipped white.
type lumaStats struct {
	mean, p05, p50, p75, p95, clipped float64
}

func measureLuma(d *docPlanes, idx []int) lumaStats {
	var hist [256]int
	s := 0.0
	clipped := 0
	for _, i := range idx {
		v := d.Y[i]
		s += float64(v)
		b := int(v + 0.5)
		if b > 255 {
			b = 255
		}
		if b < 0 {
			b = 0
		}
		hist[b]++
		if v >= 250 {
			clipped++
		}
	}
	n := len(idx)
	if n == 0 {
		return lumaStats{}
	}
	q := func(f float64) float64 {
		t, c := int(f*float64(n)), 0
		for v, k := range hist {
			c += k
			if c > t {
				return float64(v)
			}
		}
		return 255
	}
	return lumaStats{mean: s / float64(n), p05: q(0.05), p50: q(0.5), p75: q(0.75), p95: q(0.95), clipped: float64(clipped) / float64(n)}
}

// glareShare is the share of the document covered by specular reflection: pixels whose 3×3
// neighbourhood is clipped white (L ≥ 248, and at least 15 above the paper's bright level) and
// colourless, i.e. the light source mirrored by the laminate, where nothing printed survives.
// The neighbourhood mean ignores single saturated pixels of noise.
func glareShare(d *docPlanes, idx []int, paper float32) float64 {
	if len(idx) == 0 {
		return 0
	}
	// A reflection adds light on top of the paper: it must clear the paper's own level, so
	// paper exposed near white is not taken for glare (that is exposure, judged apart), and it
	// is clipped: 250 and above, as the clipped share counts it (the top of brightly lit
	// paper reaches 248).
	floor := max(250, paper+15)
	n := 0
	w := d.w
	for _, i := range idx {
		if d.Y[i] < 240 {
			continue
		}
		x := i % w
		if x == 0 || x == w-1 || i < w || i >= len(d.Y)-w {
			continue
		}
		var s float32
		for _, o := range [9]int{-w - 1, -w, -w + 1, -1, 0, 1, w - 1, w, w + 1} {
			s += d.Y[i+o]
		}
		if s/9 < floor {
			continue
		}
		cb, cr := d.Cb[i]-128, d.Cr[i]-128
		if cb*cb+cr*cr > 18*18 {
			continue
		}
		n++
	}
	return float64(n) / float64(len(idx))
}

// edgeWidthPx measures focus as the width, in pixels, over which the document's sharpest
// transitions (text strokes, printed lines) rise from 10 % to 90 % of their contrast. A focused
// photo has 1–2 pixel edges; defocus widens them all; motion widens those across the motion, so
// horizontal and vertical edges are measured apart and the wider median is the result. It
// returns the width and the number of edges measured.
func edgeWidthPx(d *docPlanes, idx []int, minContrast float32) (float64, int) {
	w := d.w
	L := d.Y
	inDoc := make([]bool, len(L))
	for _, i := range idx {
		inDoc[i] = true
	}
	var widths [2][]float64
	for _, i := range idx {
		x, y := i%w, i/w
		if x < 2 || y < 2 || x >= w-2 || y >= d.h-2 {
			continue
		}
		gx := (L[i+1] - L[i-1]) / 2
		gy := (L[i+w] - L[i-w]) / 2
		for dir := 0; dir < 2; dir++ {
			g, o, other := gx, 1, gy
			if dir == 1 {
				g, o, other = gy, w, gx
			}
			ag := abs32(g)
			if ag < 3 || ag < 2*abs32(other) {
				continue
			}
			// Local maximum of the gradient along the direction.
			gp := abs32(L[i+2*o]-L[i]) / 2
			gm := abs32(L[i]-L[i-2*o]) / 2
			if ag < gp || ag < gm {
				continue
			}
			wd, ok := profileWidth(L, inDoc, i, o, g > 0, minContrast)
			if ok {
				widths[dir] = append(widths[dir], wd)
			}
		}
	}
	best, n := 0.0, 0
	for _, ws := range widths {
		n += len(ws)
		if len(ws) < 20 {
			continue
		}
		if m := medianWidth(ws); m > best {
			best = m
		}
	}
	return best, n
}

// medianWidth is the median of edge widths (0..80 px) from a histogram of 0.05 px bins.
func medianWidth(ws []float64) float64 {
	var h [1601]int32
	for _, w := range ws {
		h[clampInt(int(w*20+0.5), 0, 1600)]++
	}
	c := 0
	for v, k := range h {
		c += int(k)
		if c > len(ws)/2 {
			return float64(v) / 20
		}
	}
	return 80
}

// profileWidth walks from pixel i along step o both ways while the intensity keeps rising (or
// falling), then measures the 10–90 % rise distance of that monotone run.
func profileWidth(L []float32, in []bool, i, o int, rising bool, minContrast float32) (float64, bool) {
	s := float32(1)
	if !rising {
		s = -1
	}
	const maxWalk = 40
	// The run ends where the rise flattens to a fifth of its steepest: a blurred edge's 10 and
	// 90 % points lie where it is still about half as steep (Gaussian blur), while a gentle
	// ramp beyond it (the penumbra of a shadow, a printed gradient) is not the edge's own.
	minStep := max(0.5, 0.2*s*(L[i+o]-L[i-o])/2)
	lo, hi := i, i
	for k := 0; k < maxWalk; k++ {
		j := lo - o
		if j < 0 || !in[j] || s*(L[lo]-L[j]) <= minStep {
			break
		}
		lo = j
	}
	for k := 0; k < maxWalk; k++ {
		j := hi + o
		if j >= len(L) || !in[j] || s*(L[j]-L[hi]) <= minStep {
			break
		}
		hi = j
	}
	a, b := L[lo], L[hi]
	c := s * (b - a)
	if c < minContrast {
		return 0, false
	}
	// An edge joins two levels: beyond its run, as far again, the light does not carry on
	// rising by more than a third of its contrast. Within a gentle ramp (a shadow's penumbra,
	// a printed gradient) noise cuts runs that the ramp then carries on.
	n := (hi - lo) / o
	if far := hi + n*o; far < len(L) && in[far] && s*(L[far]-b) > c/3 {
		return 0, false
	}
	if far := lo - n*o; far >= 0 && in[far] && s*(a-L[far]) > c/3 {
		return 0, false
	}
	t10, t90 := a+s*0.1*c, a+s*0.9*c
	var p10, p90 float64 = -1, -1
	prev := L[lo]
	pos := 0.0
	for j := lo + o; ; j += o {
		v := L[j]
		pos++
		if p10 < 0 && s*(v-t10) >= 0 {
			p10 = pos - 1 + float64(s*(t10-prev)/(s*(v-prev)))
		}
		if p90 < 0 && s*(v-t90) >= 0 {
			p90 = pos - 1 + float64(s*(t90-prev)/(s*(v-prev)))
			break
		}
		prev = v
		if j == hi {
			break
		}
	}
	if p10 < 0 || p90 < 0 {
		return 0, false
	}
	return p90 - p10, true
}

// shadowRatio compares the brightness of the document's own paper across it: the document is
// cut into blocks, in each block the pixels with the paper's chromaticity (so a coloured band or
// the portrait is not taken for a shade) give a paper level (their 95th percentile), and the
// ratio of the dark 15th percentile of those levels to the bright 90th is the illumination's
// evenness: 1 under even light, about 0.3–0.5 across a hand's or a phone's shadow. Blocks
// clipped white by glare are left out. idx is the document's interior. It returns the ratio and
// the number of blocks that had paper.
func shadowRatio(d *docPlanes, idx []int, lum lumaStats) (float64, int) {
	w, h := d.w-2*d.margin, d.h-2*d.margin
	if w < 24 || h < 16 {
		return 1, 0
	}
	// Paper chromaticity: mean (Cb−128)/Y, (Cr−128)/Y of bright, unclipped pixels.
	var sb, sr float64
	n := 0
	lo := lum.p50
	for k := 0; k < len(idx); k += 4 {
		i := idx[k]
		v := float64(d.Y[i])
		if v >= lo && v < 248 {
			sb += float64(d.Cb[i]-128) / v
			sr += float64(d.Cr[i]-128) / v
			n++
		}
	}
	if n == 0 {
		return 1, 0
	}
	pb, pr := sb/float64(n), sr/float64(n)
	const nbx = 12
	nby := max(4, int(math.Round(nbx*float64(h)/float64(w))))
	inset := 0.03
	x0, y0 := d.margin+int(inset*float64(w)), d.margin+int(inset*float64(h))
	iw, ih := w-2*int(inset*float64(w)), h-2*int(inset*float64(h))
	var levels []float64
	vals := make([]float64, 0, 4096)
	for by := 0; by < nby; by++ {
		for bx := 0; bx < nbx; bx++ {
			vals = vals[:0]
			total := 0
			clipped := 0
			step := max(2, iw/nbx/24) // about 24×24 samples per block at most
			for y := y0 + by*ih/nby; y < y0+(by+1)*ih/nby; y += step {
				for x := x0 + bx*iw/nbx; x < x0+(bx+1)*iw/nbx; x += step {
					i := y*d.w + x
					if !d.valid[i] {
						continue
					}
					total++
					v := float64(d.Y[i])
					if v >= 248 {
						clipped++
						continue
					}
					if v < 8 {
						continue
					}
					cb, cr := float64(d.Cb[i]-128)/v, float64(d.Cr[i]-128)/v
					tol := 0.05 + 3/v
					if math.Abs(cb-pb) < tol && math.Abs(cr-pr) < tol {
						vals = append(vals, v)
					}
				}
			}
			if total == 0 || clipped*5 > total || len(vals)*5 < total {
				continue
			}
			levels = append(levels, quantile95(vals))
		}
	}
	if len(levels) < 8 {
		return 1, len(levels)
	}
	sort.Float64s(levels)
	a, b := levels[len(levels)*15/100], levels[len(levels)*9/10]
	if b <= 0 {
		return 1, len(levels)
	}
	return a / b, len(levels)
}

// quantile95 is the 95th percentile of luma values (0..255) by histogram: a block's brightest
// paper, its light, even where dense print of the paper's chromaticity (grey on a grey-white
// document) covers most of it.
func quantile95(v []float64) float64 {
	var h [256]int32
	for _, x := range v {
		h[clampInt(int(x), 0, 255)]++
	}
	t, c := len(v)*95/100, 0
	for i, k := range h {
		c += int(k)
		if c > t {
			return float64(i) + 0.5
		}
	}
	return 255
}

// chromaSpread measures colour as the spread of chromaticity over the document: each pixel's
// (Cb−128, Cr−128) divided by its luma (scaled to a luma of 200), so that a grey copy under a
// warm lamp, whose colour cast grows with brightness, still has one chromaticity; the result is
// the 90th percentile of the distance from the document's median chromaticity. A colour photo
// of a real document has coloured print, a portrait and security tints (tens of units); a
// black-and-white copy has only noise and compression (a few units). The 90th percentile
// ignores a finger or a small coloured object lying on a grey copy. Pixels darker than a
// quarter of the paper are left out: their chromaticity is mostly noise.
func chromaSpread(d *docPlanes, idx []int, white float64) float64 {
	minY := float32(math.Max(16, white/4))
	// Histograms at a quarter unit over ±128 for the medians, a tenth of a unit for distances.
	const off, res = 128, 4
	var hb, hr [256 * res]int32
	bin := func(v float32) int { return clampInt(int((v+off)*res), 0, 256*res-1) }
	n := 0
	for k := 0; k < len(idx); k += 3 {
		i := idx[k]
		if d.Y[i] < minY {
			continue
		}
		f := 200 / d.Y[i]
		hb[bin((d.Cb[i]-128)*f)]++
		hr[bin((d.Cr[i]-128)*f)]++
		n++
	}
	if n < 50 {
		return 0
	}
	med := func(h *[256 * res]int32) float32 {
		c := 0
		for v, k := range h {
			c += int(k)
			if c > n/2 {
				return float32(v)/res - off
			}
		}
		return 0
	}
	mb, mr := med(&hb), med(&hr)
	var hd [2048]int32
	for k := 0; k < len(idx); k += 3 {
		i := idx[k]
		if d.Y[i] < minY {
			continue
		}
		f := 200 / d.Y[i]
		db, dr := (d.Cb[i]-128)*f-mb, (d.Cr[i]-128)*f-mr
		hd[clampInt(int(math.Sqrt(float64(db*db+dr*dr))*10), 0, len(hd)-1)]++
	}
	c := 0
	for v, k := range hd {
		c += int(k)
		if c > n*9/10 {
			return float64(v) / 10
		}
	}
	return float64(len(hd)) / 10
}

func clampInt(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// occlusion finds an object lying over the document from outside it (a finger, a pen, a slip of
// paper): along the document's border, places where the colour just inside equals the colour just
// outside (the object continues across the border, hiding it), grown inwards over smooth pixels
// of that colour. It returns how far the object reaches into the document (mm) and the share of
// the document it covers.
func occlusion(d *docPlanes, paper [3]float32, white float64) (depthMM, share, ragged float64) {
	// Colour and gradient tolerances scale with the light: in a dark photo everything is close.
	sc := float32(math.Max(0.25, math.Min(1.2, white/200)))
	w, h := d.w-2*d.margin, d.h-2*d.margin
	m := d.margin
	W := d.w
	if w < 20 || h < 12 || m < 3 {
		return 0, 0, 0
	}
	// Gradient magnitude for the smoothness test.
	grad := getFloats(len(d.Y))
	defer putFloats(grad)
	zeroBorder(grad, W, d.h)
	for y := 1; y < d.h-1; y++ {
		for x := 1; x < W-1; x++ {
			i := y*W + x
			gx := d.Y[i+1] - d.Y[i-1]
			gy := d.Y[i+W] - d.Y[i-W]
			grad[i] = float32(math.Sqrt(float64(gx*gx + gy*gy)))
		}
	}
	col := func(i int) [3]float32 { return [3]float32{d.Y[i], d.Cb[i], d.Cr[i]} }
	dist := func(a, b [3]float32) float32 {
		dy, db, dr := a[0]-b[0], 2*(a[1]-b[1]), 2*(a[2]-b[2])
		return float32(math.Sqrt(float64(dy*dy + db*db + dr*dr)))
	}
	avg := func(x, y int) ([3]float32, bool) {
		var s [3]float32
		for yy := y - 1; yy <= y+1; yy++ {
			for xx := x - 1; xx <= x+1; xx++ {
				if xx < 0 || yy < 0 || xx >= W || yy >= d.h || !d.valid[yy*W+xx] {
					return s, false
				}
				c := col(yy*W + xx)
				s[0] += c[0] / 9
				s[1] += c[1] / 9
				s[2] += c[2] / 9
			}
		}
		return s, true
	}
	depth := max(2, m*2/3)
	// The surface around the document: colours of the margin ring outside it. An object lying
	// over the document from outside covers only a small part of that ring (a finger is about
	// 17 mm of a card's 280 mm outline); a colour found all round the document is the surface
	// itself, met at the border by a document band or print of like colour.
	var ring [][3]float32
	{
		per := 2 * (W + d.h)
		step := max(1, per/400)
		k := 0
		for y := 0; y < d.h; y++ {
			for x := 0; x < W; x++ {
				if in := m * 2 / 3; x >= in && x < W-in && y >= in && y < d.h-in {
					x = W - in - 1 // skip the document and the ring's inner third (the border's blur)
					continue
				}
				i := y*W + x
				if !d.valid[i] {
					continue
				}
				if k++; k%step == 0 {
					ring = append(ring, col(i))
				}
			}
		}
	}
	common := func(c [3]float32) bool {
		if len(ring) < 20 {
			return false
		}
		n := 0
		for _, r := range ring {
			if dist(c, r) < 25*sc {
				n++
			}
		}
		return n*3 > len(ring)
	}
	type seed struct {
		i int
		c [3]float32
	}
	var seeds []seed
	// Walk the border: each side with its inward normal.
	sides := []struct{ x0, y0, dx, dy, nx, ny, n int }{
		{m, m, 1, 0, 0, 1, w}, {m + w - 1, m, 0, 1, -1, 0, h}, {m, m + h - 1, 1, 0, 0, -1, w}, {m, m, 0, 1, 1, 0, h},
	}
	// An occluder narrower than 4 mm hides no field; one crossing the border at a slant shows
	// a shorter run where the inside and outside samples both fall on it: 2.5 mm.
	minRun := int(2.5 * d.pxmm)
	type sample struct {
		ci, co [3]float32
		ok     bool
		across bool // the colour carries on across the border line itself (no paper rim between)
		i      int
	}
	samples := make([]sample, 0, max(w, h))
	var ys, bs, rs []float32 // the inside colours of one side, for its median
	for _, s := range sides {
		samples, ys, bs, rs = samples[:0], ys[:0], bs[:0], rs[:0]
		for k := 2; k < s.n-2; k++ {
			bx, by := s.x0+s.dx*k, s.y0+s.dy*k
			ix, iy := bx+s.nx*depth, by+s.ny*depth
			ci, ok1 := avg(ix, iy)
			// Outside, as far as the frame allows (a document near the frame edge).
			var co [3]float32
			ok2 := false
			for _, od := range [3]int{depth, depth / 2, 2} {
				if co, ok2 = avg(bx-s.nx*od, by-s.ny*od); ok2 {
					break
				}
			}
			across := ok1 && ok2
			for _, dd := range [2]int{0, depth / 2} {
				if c, ok := avg(bx+s.nx*dd, by+s.ny*dd); ok && dist(c, ci) > 32*sc && dist(c, co) > 32*sc {
					across = false
				}
			}
			samples = append(samples, sample{ci, co, ok1 && ok2, across, iy*W + ix})
			if ok1 {
				ys, bs, rs = append(ys, ci[0]), append(bs, ci[1]), append(rs, ci[2])
			}
		}
		// What this side's border usually looks like from inside: the paper, or a printed band
		// along it such as the zone's pale strip.
		usual := [3]float32{medianF32(ys), medianF32(bs), medianF32(rs)}
		// A colour found all round the document is ambiguous at the border: it is the surface,
		// met there by print of like colour (a dark portrait background on a dark desk, a header
		// band of the desk's grey), or an object of the surface's colour lying across (a glove,
		// a finger against a skin-toned desk). The object shows where it crosses the border away
		// from the corners, over a stretch whose inside is not what this side's border otherwise
		// is. Near a corner such a stretch is as likely a band along the other side. (Colours
		// like the paper's are not objects: growing over paper would cover the document.)
		var run []seed
		relaxed := false
		start := 0
		end := int(3 * d.pxmm)
		flush := func(k int) {
			if len(run) >= minRun && (!relaxed || (start >= end && k <= len(samples)-end)) {
				seeds = append(seeds, run...)
			}
			run, relaxed = run[:0], false
		}
		for k, sm := range samples {
			ci, co := sm.ci, sm.co
			if !sm.ok || !sm.across || ci[0] >= 240 || grad[sm.i] > 14*sc || dist(ci, co) > 32*sc || dist(ci, paper) < 30*sc || shaded(ci, paper) {
				flush(k)
				continue
			}
			ambiguous := common(co)
			if ambiguous && dist(ci, usual) < 30*sc {
				flush(k)
				continue
			}
			if len(run) == 0 {
				start = k
			}
			relaxed = relaxed || ambiguous
			run = append(run, seed{sm.i, ci})
		}
		flush(len(samples))
	}
	if len(seeds) < 3 {
		return 0, 0, 0
	}
	// Grow inwards from all seeds over pixels of the seed's colour with no strong edge.
	inDoc := func(i int) bool {
		x, y := i%W, i/W
		return x >= m && y >= m && x < m+w && y < m+h && d.valid[i]
	}
	// mark: 1 in the region, 2 a pixel next to it that the growth refused (its outline, and
	// the print inside it when the region is paper between printed lines).
	mark := make([]uint8, len(d.Y))
	queue := make([]int, 0, 1024)
	ref := make([][3]float32, len(d.Y))
	for _, s := range seeds {
		if mark[s.i] == 0 {
			mark[s.i] = 1
			ref[s.i] = s.c
			queue = append(queue, s.i)
		}
	}
	area, rim := 0, 0
	maxDepth := 0
	for len(queue) > 0 {
		i := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		area++
		x, y := i%W-m, i/W-m
		dd := min(min(x, w-1-x), min(y, h-1-y))
		if dd > maxDepth {
			maxDepth = dd
		}
		for _, o := range [4]int{-1, 1, -W, W} {
			j := i + o
			if j < 0 || j >= len(d.Y) || mark[j] == 1 || !inDoc(j) {
				continue
			}
			// Small steps from the neighbour (a finger's shading changes slowly), within a
			// wider bound of the colour where the object crossed the border.
			if grad[j] > 14*sc || dist(col(j), col(i)) > 10*sc || dist(col(j), ref[i]) > 45*sc {
				if mark[j] == 0 {
					mark[j] = 2
					rim++
				}
				continue
			}
			if mark[j] == 2 {
				rim--
			}
			mark[j] = 1
			ref[j] = ref[i]
			queue = append(queue, j)
		}
	}
	if area > 0 {
		ragged = float64(rim) / math.Sqrt(float64(area))
	}
	if debugOcclusion != nil {
		debugOcclusion(d, mark)
	}
	return float64(maxDepth) / d.pxmm, float64(area) / float64(w*h), ragged
}

// debugOcclusion, when set (by TestDebugSample only), is shown the rectified document and the
// grown region (mark 1) with the pixels it refused next to it (mark 2).
var debugOcclusion func(d *docPlanes, mark []uint8)

// medianF32 is the median of v (128 when empty), reordering v.
func medianF32(v []float32) float32 {
	if len(v) == 0 {
		return 128
	}
	slices.Sort(v)
	return v[len(v)/2]
}

// shaded reports whether colour c is the paper's colour under less light: the same
// chromaticity ((Cb−128)/Y, (Cr−128)/Y), darker. A shadow crossing the border is not an object.
func shaded(c, paper [3]float32) bool {
	if c[0] >= paper[0] || c[0] < 8 || paper[0] < 8 {
		return false
	}
	db := (c[1]-128)/c[0] - (paper[1]-128)/paper[0]
	dr := (c[2]-128)/c[0] - (paper[2]-128)/paper[0]
	tol := 0.04 + 3/c[0]
	return abs32(db) < tol && abs32(dr) < tol
}

// paperColour is the median colour of the document's brighter half: its background stock.
func paperColour(d *docPlanes, idx []int, lum lumaStats) [3]float32 {
	var ys, bs, rs []float32
	for k := 0; k < len(idx); k += 11 {
		i := idx[k]
		if float64(d.Y[i]) >= lum.p50 {
			ys = append(ys, d.Y[i])
			bs = append(bs, d.Cb[i])
			rs = append(rs, d.Cr[i])
		}
	}
	return [3]float32{medianF32(ys), medianF32(bs), medianF32(rs)}
}
