package imagecheck

import (
	"image"
	"image/color"
	"math/bits"
	"sync"
)

// planes is an image reduced to what the quality measures need: luma Y and the two colour
// differences Cb and Cr (JPEG's own representation, 0..255, grey at 128), as float32 planes of
// w×h, and the factor from these pixels back to the original image's pixels.
type planes struct {
	w, h      int
	Y, Cb, Cr []float32
	scale     float64 // original pixels per plane pixel
}

// Pools recycle the float planes of the working copies (about 16 MB for a 12 MP photo, and
// 8 MB for the rectified document) and the measures' scratch slices: allocating them anew,
// zeroed, for every photo costs more than some of the measures, and on one core the garbage
// collector's share of a photo's time grows with what it allocates.
var (
	floats slicePool[float32]
	ints   slicePool[int]
	bools  slicePool[bool]
)

// slicePool hands out slices with undefined values. Class c holds slices of capacity 2^c, so
// that a small scratch slice never takes (and drops) a large one.
type slicePool[T any] struct{ class [48]sync.Pool }

func poolClass(n int) int { return bits.Len(uint(max(n, 1) - 1)) }

// get returns a slice of n values, undefined.
func (sp *slicePool[T]) get(n int) []T {
	c := poolClass(n)
	if v, ok := sp.class[c].Get().(*[]T); ok {
		return (*v)[:n]
	}
	return make([]T, n, 1<<c)
}

// put returns a slice from get; s must not be used afterwards. Other slices are left to the
// garbage collector.
func (sp *slicePool[T]) put(s []T) {
	if c := poolClass(cap(s)); s != nil && cap(s) == 1<<c {
		sp.class[c].Put(&s)
	}
}

// newPlanes returns w×h planes whose values are undefined: the caller writes every one.
func newPlanes(w, h int) *planes {
	p := &planes{w: w, h: h}
	for _, v := range []*[]float32{&p.Y, &p.Cb, &p.Cr} {
		*v = getFloats(w * h)
	}
	return p
}

// release returns p's planes to the pool; p must not be used afterwards.
func (p *planes) release() {
	for _, v := range []*[]float32{&p.Y, &p.Cb, &p.Cr} {
		putFloats(*v)
		*v = nil
	}
}

func getFloats(n int) []float32 { return floats.get(n) }
func putFloats(s []float32)     { floats.put(s) }

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
	p := newPlanes(w, h)
	p.scale = float64(k)
	inv := 1 / float32(k*k)
	switch src := img.(type) {
	case *image.YCbCr:
		ycbcrBlocks(p, src, k)
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

// ycbcrBlocks fills p from a JPEG's planes: luma box-averaged over k×k blocks, one row of
// blocks at a time, and chroma sampled at each block's centre (chroma is smooth, and 4:2:0
// halves it anyway). Chroma offsets are separable into a row part and a column part
// (image.YCbCr.COffset), computed once each.
func ycbcrBlocks(p *planes, src *image.YCbCr, k int) {
	b := src.Rect
	w, h := p.w, p.h
	inv := 1 / float32(k*k)
	c0 := src.COffset(b.Min.X, b.Min.Y)
	col := make([]int, w)
	for x := range col {
		col[x] = src.COffset(b.Min.X+x*k+k/2, b.Min.Y) - c0
	}
	acc := make([]uint32, w)
	for y := 0; y < h; y++ {
		sy := b.Min.Y + y*k
		clear(acc)
		for yy := 0; yy < k; yy++ {
			o := src.YOffset(b.Min.X, sy+yy)
			row := src.Y[o : o+w*k]
			switch k {
			case 1:
				for x, v := range row {
					acc[x] += uint32(v)
				}
			case 2:
				for x := range acc {
					acc[x] += uint32(row[2*x]) + uint32(row[2*x+1])
				}
			case 3:
				for x := range acc {
					r := row[3*x : 3*x+3]
					acc[x] += uint32(r[0]) + uint32(r[1]) + uint32(r[2])
				}
			default:
				for x := range acc {
					for _, v := range row[x*k : x*k+k] {
						acc[x] += uint32(v)
					}
				}
			}
		}
		ro := src.COffset(b.Min.X, sy+k/2)
		Y, Cb, Cr := p.Y[y*w:(y+1)*w], p.Cb[y*w:(y+1)*w], p.Cr[y*w:(y+1)*w]
		for x, s := range acc {
			Y[x] = float32(s) * inv
			co := ro + col[x]
			Cb[x], Cr[x] = float32(src.Cb[co]), float32(src.Cr[co])
		}
	}
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
	q := newPlanes(w, h)
	q.scale = p.scale * float64(k)
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

// colourAt returns the bilinear Y, Cb, Cr of p at (x, y) (see sample).
func (p *planes) colourAt(x, y float64) [3]float32 {
	return [3]float32{sample(p.Y, p.w, p.h, x, y), sample(p.Cb, p.w, p.h, x, y), sample(p.Cr, p.w, p.h, x, y)}
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
