package ocr

import (
	"image"
	"math"
)

// rgb is an image as packed 8-bit R,G,B, the one pixel layout the pre-processing reads.
type rgb struct {
	w, h int
	pix  []uint8
}

// toRGB converts img once, with fast paths for the layouts decoders and the rectifier produce.
func toRGB(img image.Image) *rgb {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := &rgb{w: w, h: h, pix: make([]uint8, w*h*3)}
	switch m := img.(type) {
	case *image.RGBA:
		for y := 0; y < h; y++ {
			src := m.Pix[(y+b.Min.Y-m.Rect.Min.Y)*m.Stride+(b.Min.X-m.Rect.Min.X)*4:]
			dst := out.pix[y*w*3:]
			for x := 0; x < w; x++ {
				dst[3*x], dst[3*x+1], dst[3*x+2] = src[4*x], src[4*x+1], src[4*x+2]
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			src := m.Pix[(y+b.Min.Y-m.Rect.Min.Y)*m.Stride+(b.Min.X-m.Rect.Min.X)*4:]
			dst := out.pix[y*w*3:]
			for x := 0; x < w; x++ {
				dst[3*x], dst[3*x+1], dst[3*x+2] = src[4*x], src[4*x+1], src[4*x+2]
			}
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			src := m.Pix[(y+b.Min.Y-m.Rect.Min.Y)*m.Stride+(b.Min.X-m.Rect.Min.X):]
			dst := out.pix[y*w*3:]
			for x := 0; x < w; x++ {
				v := src[x]
				dst[3*x], dst[3*x+1], dst[3*x+2] = v, v, v
			}
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			dst := out.pix[y*w*3:]
			yi := m.YOffset(b.Min.X, y+b.Min.Y)
			for x := 0; x < w; x++ {
				ci := m.COffset(x+b.Min.X, y+b.Min.Y)
				r, g, bb := ycc(m.Y[yi+x], m.Cb[ci], m.Cr[ci])
				dst[3*x], dst[3*x+1], dst[3*x+2] = r, g, bb
			}
		}
	default:
		for y := 0; y < h; y++ {
			dst := out.pix[y*w*3:]
			for x := 0; x < w; x++ {
				r, g, bb, _ := img.At(x+b.Min.X, y+b.Min.Y).RGBA()
				dst[3*x], dst[3*x+1], dst[3*x+2] = uint8(r>>8), uint8(g>>8), uint8(bb>>8)
			}
		}
	}
	return out
}

// ycc is image/color's YCbCr to RGB conversion, inlined for speed.
func ycc(y, cb, cr uint8) (uint8, uint8, uint8) {
	yy := int32(y) * 0x10101
	cb1 := int32(cb) - 128
	cr1 := int32(cr) - 128
	r := yy + 91881*cr1
	g := yy - 22554*cb1 - 46802*cr1
	b := yy + 116130*cb1
	return clampFix(r), clampFix(g), clampFix(b)
}

func clampFix(v int32) uint8 {
	if uint32(v)&0xff000000 == 0 {
		return uint8(v >> 16)
	}
	if v < 0 {
		return 0
	}
	return 255
}

// resize returns img scaled to w×h: area averaging where it shrinks (so small print does not
// alias away), bilinear where it grows.
func (m *rgb) resize(w, h int) *rgb {
	out := &rgb{w: w, h: h, pix: make([]uint8, w*h*3)}
	sx, sy := float64(m.w)/float64(w), float64(m.h)/float64(h)
	if sx <= 1 && sy <= 1 {
		for y := 0; y < h; y++ {
			fy := (float64(y)+0.5)*sy - 0.5
			for x := 0; x < w; x++ {
				fx := (float64(x)+0.5)*sx - 0.5
				r, g, b := m.bilinear(fx, fy)
				i := (y*w + x) * 3
				out.pix[i], out.pix[i+1], out.pix[i+2] = r, g, b
			}
		}
		return out
	}
	// Area average over the source rectangle each target pixel covers (integer bounds).
	x0s := make([]int, w+1)
	for x := 0; x <= w; x++ {
		x0s[x] = min(m.w, int(math.Round(float64(x)*sx)))
	}
	for y := 0; y < h; y++ {
		y0 := min(m.h-1, int(math.Round(float64(y)*sy)))
		y1 := max(y0+1, min(m.h, int(math.Round(float64(y+1)*sy))))
		for x := 0; x < w; x++ {
			x0, x1 := min(m.w-1, x0s[x]), x0s[x+1]
			x1 = max(x1, x0+1)
			var r, g, b, n int
			for yy := y0; yy < y1; yy++ {
				row := m.pix[(yy*m.w+x0)*3 : (yy*m.w+x1)*3]
				for i := 0; i < len(row); i += 3 {
					r += int(row[i])
					g += int(row[i+1])
					b += int(row[i+2])
				}
				n += x1 - x0
			}
			i := (y*w + x) * 3
			out.pix[i], out.pix[i+1], out.pix[i+2] = uint8(r/n), uint8(g/n), uint8(b/n)
		}
	}
	return out
}

// bilinear samples at (x, y) in pixel-centre coordinates, clamping at the borders.
func (m *rgb) bilinear(x, y float64) (uint8, uint8, uint8) {
	if x < 0 {
		x = 0
	}
	if y < 0 {
		y = 0
	}
	if x > float64(m.w-1) {
		x = float64(m.w - 1)
	}
	if y > float64(m.h-1) {
		y = float64(m.h - 1)
	}
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, m.w-1), min(y0+1, m.h-1)
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	i00, i01 := (y0*m.w+x0)*3, (y0*m.w+x1)*3
	i10, i11 := (y1*m.w+x0)*3, (y1*m.w+x1)*3
	var out [3]uint8
	for c := 0; c < 3; c++ {
		top := float32(m.pix[i00+c])*(1-fx) + float32(m.pix[i01+c])*fx
		bot := float32(m.pix[i10+c])*(1-fx) + float32(m.pix[i11+c])*fx
		out[c] = uint8(top*(1-fy) + bot*fy + 0.5)
	}
	return out[0], out[1], out[2]
}

// homography is a 3×3 projective map, row-major.
type homography [9]float64

func (h homography) apply(x, y float64) (float64, float64) {
	d := h[6]*x + h[7]*y + h[8]
	return (h[0]*x + h[1]*y + h[2]) / d, (h[3]*x + h[4]*y + h[5]) / d
}

// rectToQuad maps (0,0),(w,0),(w,h),(0,h) to q[0..3] by solving the 8×8 system with partial
// pivoting. A degenerate quad gives a map that sends everything to q[0].
func rectToQuad(w, h float64, q [4]Point) homography {
	src := [4][2]float64{{0, 0}, {w, 0}, {w, h}, {0, h}}
	var a [8][9]float64
	for i := 0; i < 4; i++ {
		x, y, u, v := src[i][0], src[i][1], q[i].X, q[i].Y
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for c := 0; c < 8; c++ {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		if math.Abs(a[c][c]) < 1e-12 {
			return homography{0, 0, q[0].X, 0, 0, q[0].Y, 0, 0, 1}
		}
		for r := 0; r < 8; r++ {
			if r == c {
				continue
			}
			f := a[r][c] / a[c][c]
			for k := c; k < 9; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	var m homography
	for i := 0; i < 8; i++ {
		m[i] = a[i][8] / a[i][i]
	}
	m[8] = 1
	return m
}

// warp samples the quad q of m into a w×h image; where the quad is much larger than the target
// each target pixel averages a grid of samples so that thin strokes survive the shrink.
//
// The projective map's numerators and denominator are affine along a row, so they are computed
// once per row of samples, and the bilinear interpolation is inlined: this is the hot loop of
// the pre-processing (every detector input and every text crop goes through it).
func (m *rgb) warp(q [4]Point, w, h int) *rgb {
	out := &rgb{w: w, h: h, pix: make([]uint8, w*h*3)}
	if m.w < 1 || m.h < 1 || w < 1 || h < 1 {
		return out
	}
	hm := rectToQuad(float64(w), float64(h), q)
	scaleX := math.Max(dist(q[0], q[1]), dist(q[3], q[2])) / float64(w)
	scaleY := math.Max(dist(q[0], q[3]), dist(q[1], q[2])) / float64(h)
	nx := max(1, min(4, int(math.Ceil(scaleX-0.25))))
	ny := max(1, min(4, int(math.Ceil(scaleY-0.25))))
	inv := 1 / float32(nx*ny)
	acc := make([]float32, 3*w)
	maxX, maxY := float64(m.w-1), float64(m.h-1)
	stride := 3 * m.w
	for y := 0; y < h; y++ {
		clear(acc)
		for j := 0; j < ny; j++ {
			fy := float64(y) + (float64(j)+0.5)/float64(ny)
			bx, by, bd := hm[1]*fy+hm[2], hm[4]*fy+hm[5], hm[7]*fy+hm[8]
			for x := 0; x < w; x++ {
				a := acc[3*x : 3*x+3 : 3*x+3]
				for i := 0; i < nx; i++ {
					fx := float64(x) + (float64(i)+0.5)/float64(nx)
					d := hm[6]*fx + bd
					sx := (hm[0]*fx+bx)/d - 0.5
					sy := (hm[3]*fx+by)/d - 0.5
					if !(sx > 0) { // also NaN, from a degenerate map
						sx = 0
					} else if sx > maxX {
						sx = maxX
					}
					if !(sy > 0) {
						sy = 0
					} else if sy > maxY {
						sy = maxY
					}
					x0, y0 := int(sx), int(sy)
					dx, dy := 3, stride
					if x0 >= m.w-1 {
						dx = 0
					}
					if y0 >= m.h-1 {
						dy = 0
					}
					wx, wy := float32(sx-float64(x0)), float32(sy-float64(y0))
					i00 := y0*stride + 3*x0
					p00 := m.pix[i00 : i00+3 : i00+3]
					p01 := m.pix[i00+dx : i00+dx+3 : i00+dx+3]
					p10 := m.pix[i00+dy : i00+dy+3 : i00+dy+3]
					p11 := m.pix[i00+dy+dx : i00+dy+dx+3 : i00+dy+dx+3]
					for c := 0; c < 3; c++ {
						top := float32(p00[c]) + (float32(p01[c])-float32(p00[c]))*wx
						bot := float32(p10[c]) + (float32(p11[c])-float32(p10[c]))*wx
						a[c] += top + (bot-top)*wy
					}
				}
			}
		}
		row := out.pix[3*y*w : 3*(y+1)*w]
		for k, v := range acc {
			row[k] = uint8(v*inv + 0.5)
		}
	}
	return out
}

// rotate180 turns the image upside down in place.
func (m *rgb) rotate180() {
	n := m.w * m.h
	for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
		a, b := m.pix[3*i:3*i+3], m.pix[3*j:3*j+3]
		a[0], b[0] = b[0], a[0]
		a[1], b[1] = b[1], a[1]
		a[2], b[2] = b[2], a[2]
	}
}

func dist(a, b Point) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }

// sub returns columns x0..x0+w of m (a copy).
func (m *rgb) sub(x0, w int) *rgb {
	out := &rgb{w: w, h: m.h, pix: make([]uint8, w*m.h*3)}
	for y := 0; y < m.h; y++ {
		copy(out.pix[y*w*3:(y+1)*w*3], m.pix[(y*m.w+x0)*3:(y*m.w+x0+w)*3])
	}
	return out
}

// hcat places b to the right of a (same height).
func hcat(a, b *rgb) *rgb {
	out := &rgb{w: a.w + b.w, h: a.h, pix: make([]uint8, (a.w+b.w)*a.h*3)}
	for y := 0; y < a.h; y++ {
		copy(out.pix[y*out.w*3:], a.pix[y*a.w*3:(y+1)*a.w*3])
		copy(out.pix[(y*out.w+a.w)*3:], b.pix[y*b.w*3:(y+1)*b.w*3])
	}
	return out
}

// source is the image text is read from, in the coordinates the page is reported in: the photo
// itself, or a document in it seen flat (w×h), whose coordinates toImg maps into the photo.
type source struct {
	img   *rgb
	w, h  int
	toImg *homography // nil: page coordinates are the photo's
	doc   Quad        // the document's corners in the photo, when toImg is set
}

// warp samples the page quad q into a cw×ch image.
func (s *source) warp(q Quad, cw, ch int) *rgb {
	if s.toImg != nil {
		for i := range q {
			q[i].X, q[i].Y = s.toImg.apply(q[i].X, q[i].Y)
		}
	}
	return s.img.warp(q, cw, ch)
}

// scaled returns the whole page at dw×dh.
func (s *source) scaled(dw, dh int) *rgb {
	if s.toImg != nil {
		return s.img.warp(s.doc, dw, dh)
	}
	return s.img.resize(dw, dh)
}
