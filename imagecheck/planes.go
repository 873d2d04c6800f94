package imagecheck

import (
	"image"
	"image/color"
)

// planes is an image reduced to what the quality measures need: luma Y and the two colour
// differences Cb and Cr (JPEG's own representation, 0..255, grey at 128), as float32 planes of
// w×h, and the factor from these pixels back to the original image's pixels.
type planes struct {
	w, h      int
	Y, Cb, Cr []float32
	scale     float64 // original pixels per plane pixel
}

// analysisPlanes reduces img by an integer box factor so that its longest side is at most
// maxSide. A 12 MP photo becomes about 1333×1000: document text is still several pixels high,
// and every later pass touches 9× fewer pixels. JPEG photos (*image.YCbCr) are read straight
// from their planes, with no RGB conversion.
func analysisPlanes(img image.Image, maxSide int) *planes {
	b := img.Bounds()
	k := 1
	for max(b.Dx(), b.Dy()) > maxSide*k {
		k++
	}
	w, h := b.Dx()/k, b.Dy()/k
	if w < 1 {
		w = 1
	}
	if h < 1 {
		h = 1
	}
	p := &planes{w: w, h: h, Y: make([]float32, w*h), Cb: make([]float32, w*h), Cr: make([]float32, w*h), scale: float64(k)}
	inv := 1 / float32(k*k)
	switch src := img.(type) {
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			sy := b.Min.Y + y*k
			for x := 0; x < w; x++ {
				sx := b.Min.X + x*k
				var s uint32
				for yy := 0; yy < k; yy++ {
					o := src.YOffset(sx, sy+yy)
					for _, v := range src.Y[o : o+k] {
						s += uint32(v)
					}
				}
				i := y*w + x
				p.Y[i] = float32(s) * inv
				// Chroma: the sample at the block's centre (chroma is smooth; 4:2:0 halves it anyway).
				co := src.COffset(sx+k/2, sy+k/2)
				p.Cb[i], p.Cr[i] = float32(src.Cb[co]), float32(src.Cr[co])
			}
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				var s uint32
				for yy := 0; yy < k; yy++ {
					o := src.PixOffset(b.Min.X+x*k, b.Min.Y+y*k+yy)
					for _, v := range src.Pix[o : o+k] {
						s += uint32(v)
					}
				}
				i := y*w + x
				p.Y[i], p.Cb[i], p.Cr[i] = float32(s)*inv, 128, 128
			}
		}
	case *image.RGBA:
		rgbBlocks(p, src.Pix, src.Stride, src.PixOffset(b.Min.X, b.Min.Y), k)
	case *image.NRGBA:
		// Photos have no transparency; alpha is ignored.
		rgbBlocks(p, src.Pix, src.Stride, src.PixOffset(b.Min.X, b.Min.Y), k)
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				var sr, sg, sb float32
				for yy := 0; yy < k; yy++ {
					for xx := 0; xx < k; xx++ {
						c := color.NRGBAModel.Convert(img.At(b.Min.X+x*k+xx, b.Min.Y+y*k+yy)).(color.NRGBA)
						sr += float32(c.R)
						sg += float32(c.G)
						sb += float32(c.B)
					}
				}
				setRGB(p, y*w+x, sr*inv, sg*inv, sb*inv)
			}
		}
	}
	return p
}

func rgbBlocks(p *planes, pix []uint8, stride, off, k int) {
	inv := 1 / float32(k*k)
	for y := 0; y < p.h; y++ {
		for x := 0; x < p.w; x++ {
			var sr, sg, sb uint32
			for yy := 0; yy < k; yy++ {
				o := off + (y*k+yy)*stride + x*k*4
				for xx := 0; xx < k; xx++ {
					sr += uint32(pix[o])
					sg += uint32(pix[o+1])
					sb += uint32(pix[o+2])
					o += 4
				}
			}
			setRGB(p, y*p.w+x, float32(sr)*inv, float32(sg)*inv, float32(sb)*inv)
		}
	}
}

// setRGB stores an RGB colour as JFIF YCbCr (the conversion image/jpeg uses).
func setRGB(p *planes, i int, r, g, b float32) {
	p.Y[i] = 0.299*r + 0.587*g + 0.114*b
	p.Cb[i] = 128 - 0.168736*r - 0.331264*g + 0.5*b
	p.Cr[i] = 128 + 0.5*r - 0.418688*g - 0.081312*b
}

// half returns p reduced by two in each direction (box average), for the localisation pass.
func (p *planes) reduce(k int) *planes {
	if k <= 1 {
		return p
	}
	w, h := p.w/k, p.h/k
	q := &planes{w: w, h: h, Y: make([]float32, w*h), Cb: make([]float32, w*h), Cr: make([]float32, w*h), scale: p.scale * float64(k)}
	inv := 1 / float32(k*k)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var a, c, d float32
			for yy := 0; yy < k; yy++ {
				o := (y*k+yy)*p.w + x*k
				for xx := 0; xx < k; xx++ {
					a += p.Y[o+xx]
					c += p.Cb[o+xx]
					d += p.Cr[o+xx]
				}
			}
			i := y*w + x
			q.Y[i], q.Cb[i], q.Cr[i] = a*inv, c*inv, d*inv
		}
	}
	return q
}

// sample returns the bilinear value of plane v (w×h) at (x, y) in pixel-centre coordinates
// (pixel i covers [i, i+1)), clamped at the borders.
func sample(v []float32, w, h int, x, y float64) float32 {
	x -= 0.5
	y -= 0.5
	if x < 0 {
		x = 0
	}
	if y < 0 {
		y = 0
	}
	if x > float64(w-1) {
		x = float64(w - 1)
	}
	if y > float64(h-1) {
		y = float64(h - 1)
	}
	ix, iy := int(x), int(y)
	fx, fy := float32(x-float64(ix)), float32(y-float64(iy))
	ix1, iy1 := ix+1, iy+1
	if ix1 >= w {
		ix1 = w - 1
	}
	if iy1 >= h {
		iy1 = h - 1
	}
	a, b := v[iy*w+ix], v[iy*w+ix1]
	c, d := v[iy1*w+ix], v[iy1*w+ix1]
	return (a*(1-fx)+b*fx)*(1-fy) + (c*(1-fx)+d*fx)*fy
}
