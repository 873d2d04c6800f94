package synth

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// background paints one of several phone-photo surfaces: a plain desk with a light gradient,
// wood grain, woven fabric, a patterned table cloth, or a cluttered desk (papers, pens, coins,
// printed text) whose edges compete with the document's.
func background(ph *photo, r *rand.Rand, avoid color.RGBA) string {
	w, h := ph.w, ph.h
	kinds := []string{"plain", "wood", "fabric", "tiles", "clutter", "clutter"}
	kind := kinds[r.IntN(len(kinds))]
	base := [3]float64{float64(20 + r.IntN(200)), float64(20 + r.IntN(200)), float64(20 + r.IntN(200))}
	// Keep some contrast with the document: a grey-white desk under a grey-white card is a real
	// failure (the hint tells the applicant), not what this corpus measures.
	lum := func(c [3]float64) float64 { return 0.299*c[0] + 0.587*c[1] + 0.114*c[2] }
	dl := 0.299*float64(avoid.R) + 0.587*float64(avoid.G) + 0.114*float64(avoid.B)
	if math.Abs(lum(base)-dl) < 45 {
		for i := range base {
			base[i] *= 0.55
		}
	}
	nz := newValueNoise(r, w, h, float64(max(w, h))/(3+r.Float64()*5))
	fine := newValueNoise(r, w, h, 2+r.Float64()*4)
	gx, gy := r.Float64()*2-1, r.Float64()*2-1
	freq := 0.02 + r.Float64()*0.08
	ang := r.Float64() * math.Pi
	ca, sa := math.Cos(ang), math.Sin(ang)
	tile := 30 + r.Float64()*90
	tileH := tile * (0.5 + r.Float64()) // square or oblong tiles
	tox, toy := r.Float64()*tile, r.Float64()*tileH
	grout := 1 + 2*r.Float64()
	alt := [3]float64{base[0] * (0.6 + 0.6*r.Float64()), base[1] * (0.6 + 0.6*r.Float64()), base[2] * (0.6 + 0.6*r.Float64())}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x), float64(y)
			grad := 1 + 0.15*(gx*(fx/float64(w)-0.5)+gy*(fy/float64(h)-0.5))
			v := 1.0 + 0.08*float64(nz.at(fx, fy))
			c := base
			switch kind {
			case "wood":
				u := fx*ca + fy*sa
				vv := -fx*sa + fy*ca
				s := math.Sin(u*freq*0.3 + 6*float64(nz.at(vv*0.2, u*0.05)))
				v *= 0.85 + 0.15*s
			case "fabric":
				v *= 1 + 0.08*math.Sin(fx*1.3)*math.Sin(fy*1.3) + 0.05*float64(fine.at(fx, fy))
			case "tiles":
				tx, ty := (fx+tox)/tile, (fy+toy)/tileH
				if (int(tx)+int(ty))%2 == 0 {
					c = alt
				}
				if math.Mod(fx+tox, tile) < grout || math.Mod(fy+toy, tileH) < grout {
					v *= 0.7
				}
			}
			o := (y*w + x) * 3
			for k := 0; k < 3; k++ {
				ph.p[o+k] = float32(c[k] * v * grad)
			}
		}
	}
	if kind == "clutter" {
		clutter(ph, r)
	}
	return kind
}

// clutter lays everyday objects on the desk: coins, pens, cables, a sheet of printed text seen
// partly, a mug's round shadow.
func clutter(ph *photo, r *rand.Rand) {
	img := ph.toRGBA()
	c := &canvas{img: img, r: r}
	w, h := float64(ph.w), float64(ph.h)
	s := math.Max(w, h)
	for i := 0; i < 3+r.IntN(6); i++ {
		col := pastel(r, 20, 240)
		switch r.IntN(4) {
		case 0: // coin or mug
			rad := s * (0.02 + r.Float64()*0.06)
			c.fillEllipse(r.Float64()*w, r.Float64()*h, rad, rad, col, 1)
		case 1: // pen or cable
			x0, y0 := r.Float64()*w, r.Float64()*h
			a := r.Float64() * math.Pi
			l := s * (0.1 + r.Float64()*0.3)
			c.line(x0, y0, x0+l*math.Cos(a), y0+l*math.Sin(a), s*(0.004+r.Float64()*0.01), col, 1)
		case 2: // lines of printed text from a page or a screen
			fs := loadFonts()
			size := int(s * (0.008 + r.Float64()*0.012))
			if size < 6 {
				size = 6
			}
			x0, y0 := int(r.Float64()*w), int(r.Float64()*h)
			for k := 0; k < 3+r.IntN(6); k++ {
				c.text(fs.sans, size, x0, y0+k*size*3/2, "lorem ipsum dolor sit amet 1234", color.RGBA{30, 30, 30, 255})
			}
		case 3: // scribble
			x, y := r.Float64()*w, r.Float64()*h
			for k := 0; k < 8; k++ {
				nx, ny := x+(r.Float64()-0.5)*s*0.08, y+(r.Float64()-0.5)*s*0.08
				c.line(x, y, nx, ny, 2, col, 1)
				x, y = nx, ny
			}
		}
	}
	for i, j := 0, 0; i < len(ph.p); i, j = i+3, j+4 {
		ph.p[i], ph.p[i+1], ph.p[i+2] = float32(img.Pix[j]), float32(img.Pix[j+1]), float32(img.Pix[j+2])
	}
}

// quadFor builds the corners of a document seen at pxPerMM, centred on the origin, rotated by
// rot radians and tilted (keystone and corner jitter up to tilt of its half-height) as a phone
// held off-axis sees it.
func quadFor(r *rand.Rand, k Kind, pxPerMM, rot, tilt float64) [4][2]float64 {
	wmm, hmm := k.SizeMM()
	a, b := wmm*pxPerMM/2, hmm*pxPerMM/2
	q := [4][2]float64{{-a, -b}, {a, -b}, {a, b}, {-a, b}}
	// Keystone: one edge nearer the camera than the opposite one.
	ks := 1 - tilt*r.Float64()
	switch r.IntN(4) {
	case 0:
		q[0][0], q[1][0] = q[0][0]*ks, q[1][0]*ks
	case 1:
		q[2][0], q[3][0] = q[2][0]*ks, q[3][0]*ks
	case 2:
		q[1][1], q[2][1] = q[1][1]*ks, q[2][1]*ks
	case 3:
		q[0][1], q[3][1] = q[0][1]*ks, q[3][1]*ks
	}
	for i := range q {
		q[i][0] += (r.Float64()*2 - 1) * tilt * 0.4 * b
		q[i][1] += (r.Float64()*2 - 1) * tilt * 0.4 * b
	}
	cs, sn := math.Cos(rot), math.Sin(rot)
	for i := range q {
		x, y := q[i][0], q[i][1]
		q[i] = [2]float64{x*cs - y*sn, x*sn + y*cs}
	}
	return q
}

func shift(q [4][2]float64, dx, dy float64) [4][2]float64 {
	for i := range q {
		q[i][0] += dx
		q[i][1] += dy
	}
	return q
}

func extents(q [4][2]float64) (minx, miny, maxx, maxy float64) {
	minx, miny, maxx, maxy = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range q {
		minx, miny = math.Min(minx, p[0]), math.Min(miny, p[1])
		maxx, maxy = math.Max(maxx, p[0]), math.Max(maxy, p[1])
	}
	return
}

// quadArea is the shoelace area of a quad.
func quadArea(q [4][2]float64) float64 {
	s := 0.0
	for i := 0; i < 4; i++ {
		j := (i + 1) % 4
		s += q[i][0]*q[j][1] - q[j][0]*q[i][1]
	}
	return math.Abs(s) / 2
}

// visibleArea is the area of the quad inside the w×h frame, by sampling.
func visibleShare(q [4][2]float64, w, h int) float64 {
	in, tot := 0, 0
	minx, miny, maxx, maxy := extents(q)
	step := math.Max((maxx-minx)/60, (maxy-miny)/60)
	for y := miny; y < maxy; y += step {
		for x := minx; x < maxx; x += step {
			if !inQuad(q, x, y) {
				continue
			}
			tot++
			if x >= 0 && y >= 0 && x < float64(w) && y < float64(h) {
				in++
			}
		}
	}
	if tot == 0 {
		return 0
	}
	return float64(in) / float64(tot)
}

func inQuad(q [4][2]float64, x, y float64) bool {
	sign := 0
	for i := 0; i < 4; i++ {
		j := (i + 1) % 4
		c := (q[j][0]-q[i][0])*(y-q[i][1]) - (q[j][1]-q[i][1])*(x-q[i][0])
		s := 1
		if c < 0 {
			s = -1
		}
		if sign == 0 {
			sign = s
		} else if s != sign {
			return false
		}
	}
	return true
}

// finger draws a finger (or, with skin false, a pen or a slip of card) as a capsule from far
// outside the frame point from to the tip point tip, width wd pixels.
func finger(ph *photo, r *rand.Rand, from, tip [2]float64, wd float64, skin bool) {
	var col [3]float64
	if skin {
		tones := [][3]float64{{225, 180, 150}, {200, 150, 115}, {160, 110, 80}, {110, 75, 55}, {235, 200, 180}}
		col = tones[r.IntN(len(tones))]
	} else {
		c := pastel(r, 10, 230)
		col = [3]float64{float64(c.R), float64(c.G), float64(c.B)}
	}
	dx, dy := tip[0]-from[0], tip[1]-from[1]
	l := math.Hypot(dx, dy)
	ux, uy := dx/l, dy/l
	rad := wd / 2
	// The rounded end reaches the tip point, not beyond it.
	tip = [2]float64{tip[0] - ux*rad, tip[1] - uy*rad}
	l -= rad
	minx, maxx := math.Min(from[0], tip[0])-rad-2, math.Max(from[0], tip[0])+rad+2
	miny, maxy := math.Min(from[1], tip[1])-rad-2, math.Max(from[1], tip[1])+rad+2
	nail := [2]float64{tip[0] - ux*rad*0.9, tip[1] - uy*rad*0.9}
	for y := clampI(int(miny), 0, ph.h); y < clampI(int(maxy), 0, ph.h); y++ {
		for x := clampI(int(minx), 0, ph.w); x < clampI(int(maxx), 0, ph.w); x++ {
			px, py := float64(x)+0.5-from[0], float64(y)+0.5-from[1]
			t := math.Max(0, math.Min(l, px*ux+py*uy))
			ex, ey := px-t*ux, py-t*uy
			d := math.Hypot(ex, ey)
			a := clamp01(rad + 0.5 - d)
			if a <= 0 {
				continue
			}
			shade := 0.72 + 0.28*math.Sqrt(math.Max(0, 1-(d/rad)*(d/rad)))
			c := col
			if skin {
				nx, ny := float64(x)+0.5-nail[0], float64(y)+0.5-nail[1]
				along, across := nx*ux+ny*uy, -nx*uy+ny*ux
				if (along*along)/(rad*rad*0.5)+(across*across)/(rad*rad*0.4) < 1 {
					c = [3]float64{math.Min(255, col[0]*1.08+15), col[1]*1.0 + 10, col[2]*1.0 + 12}
					shade = 0.9 + 0.1*shade
				}
			}
			o := (y*ph.w + x) * 3
			for k := 0; k < 3; k++ {
				ph.p[o+k] = ph.p[o+k]*float32(1-a) + float32(c[k]*shade*a)
			}
		}
	}
}

// drawFace is used for frames with no document: a portrait photo or a drawn face fills part of
// the frame, the kind of picture an applicant sends by mistake.
func drawFace(ph *photo, r *rand.Rand) {
	img := ph.toRGBA()
	c := &canvas{img: img, r: r}
	c.portrait(image.Rect(0, 0, ph.w, ph.h))
	for i, j := 0, 0; i < len(ph.p); i, j = i+3, j+4 {
		ph.p[i], ph.p[i+1], ph.p[i+2] = float32(img.Pix[j]), float32(img.Pix[j+1]), float32(img.Pix[j+2])
	}
}
