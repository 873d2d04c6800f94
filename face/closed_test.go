package face

import (
	"image"
	"image/color"
	"math"
	"sort"
)

// The painted lid: the lash line's half-width (of the eye's width), its darkest shade, the
// lid's shading towards its centre and the lash line's sag (of the lower lid's). Chosen on
// eleven full-size fixture photos so that the eye model calls the painted eyes closed: mean
// open probability 0.12 (one photo of a turned head stayed above 0.5), against 1.0 on the
// originals.
const lashW, lashK, shade, lashDepth = 0.12, 0.2, 0.15, 0.8

// closeEyes paints the subject's eyes shut, for tests: the public photos show no closed eyes.
// From the landmarks (working pixels of a Photo made from img, scale s), each eye's opening is
// covered by an ellipse of eyelid skin (the brighter half of a ring of skin around the eye),
// shaded and feathered, with a dark lash line curving along the lower lid.
func closeEyes(img image.Image, l *Landmarks, s float64) image.Image {
	out := toNRGBA(img)
	b := out.Bounds()
	at := func(x, y float64) (float64, float64, float64, bool) {
		ix, iy := int(x*s)+b.Min.X, int(y*s)+b.Min.Y
		if ix < b.Min.X || iy < b.Min.Y || ix >= b.Max.X || iy >= b.Max.Y {
			return 0, 0, 0, false
		}
		c := out.NRGBAAt(ix, iy)
		return float64(c.R), float64(c.G), float64(c.B), true
	}
	for _, e := range [2]struct{ corner0, corner1, top0, top1, bot1, bot0, brow int }{
		{36, 39, 37, 38, 40, 41, 19},
		{42, 45, 43, 44, 46, 47, 24},
	} {
		p0, p1 := l[e.corner0], l[e.corner1]
		w := math.Hypot(p1[0]-p0[0], p1[1]-p0[1])
		cx, cy := (p0[0]+p1[0])/2, (p0[1]+p1[1])/2
		ang := math.Atan2(p1[1]-p0[1], p1[0]-p0[0])
		// Eyelid skin: the brighter part of a ring around the eye below the brow (the
		// ring's darker pixels are lashes, brow and the socket's shadow).
		var ring [][3]float64
		for k := 0; k < 48; k++ {
			t := 2 * math.Pi * float64(k) / 48
			for _, rr := range []float64{0.75, 0.9} {
				u, v := rr*w*math.Cos(t), 0.6*rr*w*math.Sin(t)
				if v < -0.25*w {
					continue // towards the brow
				}
				x := cx + u*math.Cos(ang) - v*math.Sin(ang)
				y := cy + u*math.Sin(ang) + v*math.Cos(ang)
				if r, g, bb, ok := at(x, y); ok {
					ring = append(ring, [3]float64{r, g, bb})
				}
			}
		}
		if len(ring) == 0 {
			continue
		}
		sort.Slice(ring, func(i, j int) bool {
			return luma(ring[i][0], ring[i][1], ring[i][2]) < luma(ring[j][0], ring[j][1], ring[j][2])
		})
		var sr, sg, sb, n float64
		for _, c := range ring[len(ring)/2 : len(ring)*9/10+1] {
			sr, sg, sb, n = sr+c[0], sg+c[1], sb+c[2], n+1
		}
		skin := [3]float64{sr / n, sg / n, sb / n}
		rx, ry := 0.62*w, 0.36*w
		lowA, lowB := l[e.bot0], l[e.bot1]
		lash := (lowA[1]+lowB[1])/2 - cy // the lower lid's depth below the corners' line
		for y := int((cy - rx) * s); y <= int((cy+rx)*s)+1; y++ {
			for x := int((cx - rx) * s); x <= int((cx+rx)*s)+1; x++ {
				px, py := (float64(x)+0.5)/s, (float64(y)+0.5)/s
				dx, dy := px-cx, py-cy
				u := dx*math.Cos(ang) + dy*math.Sin(ang)
				v := -dx*math.Sin(ang) + dy*math.Cos(ang)
				d := math.Hypot(u/rx, v/ry)
				a := math.Max(0, math.Min(1, (1-d)/0.25))
				if a == 0 {
					continue
				}
				col := skin
				if k := 1 - shade*math.Max(0, 1-d); k < 1 {
					col = [3]float64{skin[0] * k, skin[1] * k, skin[2] * k}
				}
				// A lash line: a thin dark arc from corner to corner through the lower lid.
				if math.Abs(u) < w/2 {
					arc := lash * lashDepth * (1 - math.Pow(2*u/w, 2))
					if t := math.Abs(v - arc); t < lashW*w {
						k := lashK + (1-lashK)*t/(lashW*w)
						col = [3]float64{skin[0] * k, skin[1] * k, skin[2] * k}
					}
				}
				ix, iy := x+b.Min.X, y+b.Min.Y
				if ix < b.Min.X || iy < b.Min.Y || ix >= b.Max.X || iy >= b.Max.Y {
					continue
				}
				o := out.NRGBAAt(ix, iy)
				mix := func(orig uint8, c float64) uint8 { return uint8(math.Round(float64(orig)*(1-a) + c*a)) }
				out.SetNRGBA(ix, iy, color.NRGBA{mix(o.R, col[0]), mix(o.G, col[1]), mix(o.B, col[2]), o.A})
			}
		}
	}
	return out
}
