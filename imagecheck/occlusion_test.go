package imagecheck

import "testing"

// TestInPattern: the lines of a tiled floor (four or more parallel lines at regular spacing,
// drifting as under perspective) form a pattern; a document's two sides with one surface
// line beside them at the same spacing do not.
func TestInPattern(t *testing.T) {
	type ln struct {
		t, r int
		v    int32
	}
	list := func(ls []ln) func(func(t, r int, v int32) bool) {
		return func(yield func(t, r int, v int32) bool) {
			for _, l := range ls {
				if !yield(l.t, l.r, l.v) {
					return
				}
			}
		}
	}
	grid := []ln{{90, 100, 200}, {90, 120, 190}, {91, 141, 210}, {90, 163, 205}, {90, 186, 180}}
	for _, l := range grid {
		if !inPattern(l.t, l.r, l.v, list(grid)) {
			t.Errorf("grid line ρ %d not taken for a pattern", l.r)
		}
	}
	doc := []ln{{90, 50, 100}, {90, 130, 110}, {90, 210, 95}, {20, 300, 100}}
	for _, l := range doc {
		if inPattern(l.t, l.r, l.v, list(doc)) {
			t.Errorf("line ρ %d of a document's sides taken for a pattern", l.r)
		}
	}
	// Lines of other strength or orientation do not extend a pattern.
	mixed := []ln{{90, 100, 200}, {90, 120, 60}, {95, 140, 200}, {90, 160, 200}}
	if inPattern(90, 100, 200, list(mixed)) {
		t.Error("lines of unlike strength or orientation taken for a pattern")
	}
}

// docWith builds a rectified document (w×h pixels at 4 px/mm, margin 12) of paper colour on a
// surface, and lets paint colour regions of it.
func docWith(surface, paperC [3]float32, paint func(x, y int) ([3]float32, bool)) *docPlanes {
	const w, h, m = 344, 216, 12 // a card, 86 × 54 mm
	W, H := w+2*m, h+2*m
	d := &docPlanes{planes: *newPlanes(W, H), margin: m, valid: make([]bool, W*H), pxmm: 4}
	for y := 0; y < H; y++ {
		for x := 0; x < W; x++ {
			i := y*W + x
			c := surface
			if x >= m && x < m+w && y >= m && y < m+h {
				c = paperC
			}
			if pc, ok := paint(x, y); ok {
				c = pc
			}
			d.Y[i], d.Cb[i], d.Cr[i] = c[0], c[1], c[2]
			d.valid[i] = true
		}
	}
	return d
}

// TestOcclusionObjectOfSurfaceColour: a finger of the surface's own colour crossing the bottom
// side mid-way covers the document; a header band of the surface's colour along the top side,
// meeting the border at both corners, does not.
func TestOcclusionObjectOfSurfaceColour(t *testing.T) {
	surface := [3]float32{70, 140, 150}
	paperC := [3]float32{200, 125, 130}
	finger := docWith(surface, paperC, func(x, y int) ([3]float32, bool) {
		return surface, x >= 160 && x < 228 && y >= 140 // 17 mm wide, 22 mm into the card
	})
	depth, share, rag := occlusion(finger, paperC, 220)
	if depth < 15 || share < 0.05 {
		t.Errorf("finger of the surface's colour: depth %.1f mm, share %.3f; want about 22 mm, 0.08", depth, share)
	}
	if rag > 5 {
		t.Errorf("finger: raggedness %.2f; a solid object is about 3–4", rag)
	}
	band := docWith(surface, paperC, func(x, y int) ([3]float32, bool) {
		return surface, x >= 12 && x < 356 && y >= 12 && y < 52 // a 10 mm band along the top
	})
	if depth, share, _ := occlusion(band, paperC, 220); depth > 0 {
		t.Errorf("header band of the surface's colour taken for an object: depth %.1f mm, share %.3f", depth, share)
	}
	// A portrait of the surface's colour near the side, with paper between it and the border,
	// does not cross the border.
	portrait := docWith(surface, paperC, func(x, y int) ([3]float32, bool) {
		return surface, x >= 240 && x < 352 && y >= 60 && y < 200
	})
	if depth, share, _ := occlusion(portrait, paperC, 220); depth > 0 {
		t.Errorf("portrait near the border taken for an object: depth %.1f mm, share %.3f", depth, share)
	}
}

// TestShadowRatioNeutralPrint: on a grey-white document dense grey print passes the paper's
// chromaticity test; blocks where it covers most of the paper still read at the paper's light
// (the brightest paper in a block), not as shade.
func TestShadowRatioNeutralPrint(t *testing.T) {
	surface := [3]float32{60, 150, 160}
	paperC := [3]float32{205, 128, 129}
	ink := [3]float32{95, 128, 128}
	// Dense lines of text over the left third: 17 px of grey print in every 20 px.
	d := docWith(surface, paperC, func(x, y int) ([3]float32, bool) {
		return ink, x >= 12 && x < 130 && y >= 12 && y < 228 && y%20 < 17
	})
	idx := d.interior(0.03)
	if r, n := shadowRatio(d, idx, measureLuma(d, idx)); r < 0.62 {
		t.Errorf("dense neutral print taken for a shadow: ratio %.2f over %d blocks", r, n)
	}
}

// TestGlareNotBrightPaper: paper lit unevenly, up to 249 across its middle (a lamp close
// above it, exposure near its limit) is not a reflection: glare is light clipped white (250 and
// above, as the clipped share counts it), not the top of the paper's own range.
func TestGlareNotBrightPaper(t *testing.T) {
	lamp := func(x, y int) ([3]float32, bool) {
		if x < 12 || x >= 356 || y < 12 || y >= 228 {
			return [3]float32{}, false
		}
		// 180 at both ends, 249 in the middle, with a little sensor noise.
		v := 249 - 69*float32(max(x-184, 184-x))/172 + float32((x*7+y*13)%5)/4 - 0.5
		return [3]float32{min(v, 249.4), 128, 128}, true
	}
	d := docWith([3]float32{70, 140, 150}, [3]float32{220, 128, 128}, lamp)
	idx := d.interior(0.03)
	lum := measureLuma(d, idx)
	if g := glareShare(d, idx, float32(lum.p75)); g > 0 {
		t.Errorf("bright paper read as glare: %.4f of the document (paper p75 %.0f)", g, lum.p75)
	}
	// A reflection clipped white over 2 % of the same document is glare.
	spot := docWith([3]float32{70, 140, 150}, [3]float32{220, 128, 128}, func(x, y int) ([3]float32, bool) {
		if dx, dy := x-120, y-100; dx*dx+dy*dy < 15*15 {
			return [3]float32{255, 128, 128}, true
		}
		return lamp(x, y)
	})
	idx = spot.interior(0.03)
	lum = measureLuma(spot, idx)
	if g := glareShare(spot, idx, float32(lum.p75)); g < 0.005 {
		t.Errorf("clipped reflection not read as glare: %.4f of the document", g)
	}
}

// TestOcclusionShadowOverPrint: a strong shadow across a printed card, whose
// colour fails the paper's chromaticity test (a bluish shade, as under skylight), grows like an
// object from the border, but over paper between the dimmed lines of print: its region is
// riddled with print and reads as far more ragged than any object.
func TestOcclusionShadowOverPrint(t *testing.T) {
	surface := [3]float32{70, 140, 150}
	paperC := [3]float32{200, 125, 130}
	ink := [3]float32{60, 128, 128}
	shadePaper, shadeSurface, shadeInk := [3]float32{46, 120, 133}, [3]float32{40, 124, 138}, [3]float32{14, 127, 129}
	d := docWith(surface, paperC, func(x, y int) ([3]float32, bool) {
		inDoc := x >= 12 && x < 356 && y >= 12 && y < 228
		// Lines of print 8 px high every 20 px, glyphs 6 px wide with 4 px gaps.
		print := inDoc && y >= 32 && y < 212 && (y-32)%20 < 8 && x >= 28 && x < 340 && (x-28)%10 < 6
		shadow := x >= 200 && x < 300 // a band of shade across the card, as a phone's shadow
		switch {
		case shadow && print:
			return shadeInk, true
		case shadow && inDoc:
			return shadePaper, true
		case shadow:
			return shadeSurface, true
		case print:
			return ink, true
		}
		return [3]float32{}, false
	})
	depth, share, rag := occlusion(d, paperC, 220)
	if depth < 10 {
		t.Fatalf("shadow did not grow from the border (depth %.1f mm, share %.3f): the test no longer exercises the raggedness", depth, share)
	}
	t.Logf("shadow over print: depth %.1f mm, share %.3f, raggedness %.2f", depth, share, rag)
	if max := DefaultThresholds().MaxCoverRagged; rag <= max {
		t.Errorf("shadow over print: raggedness %.2f, want above %.0f (depth %.1f mm, share %.3f)", rag, max, depth, share)
	}
}
