package poagen

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Fonts for the rendered pages: DejaVu Sans (the Go fonts when absent) and Noto Sans CJK SC
// (index 2 of the collection, from fonts-noto-cjk; Chinese pages need it).
var (
	fontsOnce          sync.Once
	sansF, boldF, cjkF *opentype.Font
	faceMu             sync.Mutex
	faces              = map[faceKey]font.Face{}
	cjkCollectionPaths = []string{"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"}
	sansPath           = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
	boldPath           = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
)

type faceKey struct {
	f    *opentype.Font
	size float64
}

func loadFonts() {
	fontsOnce.Do(func() {
		sansF = loadTTF(sansPath, goregular.TTF)
		boldF = loadTTF(boldPath, gobold.TTF)
		for _, p := range cjkCollectionPaths {
			data, err := os.ReadFile(p)
			if err != nil {
				continue
			}
			c, err := opentype.ParseCollection(data)
			if err != nil || c.NumFonts() < 3 {
				continue
			}
			if f, err := c.Font(2); err == nil {
				cjkF = f
				break
			}
		}
	})
}

func loadTTF(path string, fallback []byte) *opentype.Font {
	if data, err := os.ReadFile(path); err == nil {
		if f, err := opentype.Parse(data); err == nil {
			return f
		}
	}
	f, err := opentype.Parse(fallback)
	if err != nil {
		panic("poagen: embedded Go font does not parse: " + err.Error())
	}
	return f
}

// HasCJKFont reports whether Chinese pages can be rendered.
func HasCJKFont() bool {
	loadFonts()
	return cjkF != nil
}

func faceOf(f *opentype.Font, size float64) font.Face {
	k := faceKey{f, math.Round(size*4) / 4}
	if fc, ok := faces[k]; ok {
		return fc
	}
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: k.size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic("poagen: font face: " + err.Error())
	}
	faces[k] = fc
	return fc
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || r >= 0x3000 && r < 0x3040 || r >= 0xFF00 && r < 0xFFF0 {
			return true
		}
	}
	return false
}

// rasterise draws the page at dpi on white paper, with ink of the given darkness.
func rasterise(p *page, dpi float64, ink color.Gray) *image.RGBA {
	loadFonts()
	w, h := int(210/25.4*dpi), int(297/25.4*dpi)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	faceMu.Lock()
	defer faceMu.Unlock()
	for _, it := range p.items {
		f := sansF
		if it.bold {
			f = boldF
		}
		if hasHan(it.text) && cjkF != nil {
			f = cjkF
		}
		fc := faceOf(f, it.size*dpi/72)
		x := it.x / 25.4 * dpi
		if it.right {
			x -= float64(font.MeasureString(fc, it.text)) / 64
		}
		d := font.Drawer{Dst: img, Src: image.NewUniform(ink), Face: fc,
			Dot: fixed.P(int(x), int(it.y/25.4*dpi))}
		d.DrawString(it.text)
		if it.bold && f == cjkF { // no bold CJK face loaded: embolden by drawing twice
			d.Dot = fixed.P(int(x)+1, int(it.y/25.4*dpi))
			d.DrawString(it.text)
		}
	}
	return img
}

// photograph turns a flat page into a phone photo of the printed page: on a table, slightly
// rotated and off-centre, with uneven light and sensor noise.
func photograph(r *rand.Rand, pg *image.RGBA, outW, outH int) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, outW, outH))
	bg := [3]float64{float64(90 + r.IntN(80)), float64(70 + r.IntN(70)), float64(50 + r.IntN(60))}
	pw, ph := float64(pg.Bounds().Dx()), float64(pg.Bounds().Dy())
	scale := math.Min(float64(outW)/pw, float64(outH)/ph) * (0.90 + 0.07*r.Float64())
	angle := (r.Float64()*2 - 1) * 3 * math.Pi / 180
	cx, cy := float64(outW)/2+(r.Float64()*2-1)*0.02*float64(outW), float64(outH)/2+(r.Float64()*2-1)*0.02*float64(outH)
	cos, sin := math.Cos(angle), math.Sin(angle)
	lightX, lightY := r.Float64()*float64(outW), r.Float64()*float64(outH)
	gain := 0.80 + 0.15*r.Float64()
	diag := math.Hypot(float64(outW), float64(outH))
	for y := 0; y < outH; y++ {
		for x := 0; x < outW; x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			// inverse rotation and scale into page coordinates
			u := (cos*dx+sin*dy)/scale + pw/2
			v := (-sin*dx+cos*dy)/scale + ph/2
			var c [3]float64
			if u >= 0 && v >= 0 && u < pw-1 && v < ph-1 {
				c = bilinear(pg, u, v)
			} else {
				c = bg
			}
			light := gain * (1.05 - 0.25*math.Hypot(float64(x)-lightX, float64(y)-lightY)/diag)
			n := r.NormFloat64() * 4
			i := out.PixOffset(x, y)
			for k := 0; k < 3; k++ {
				out.Pix[i+k] = clamp(c[k]*light + n)
			}
			out.Pix[i+3] = 255
		}
	}
	return out
}

func bilinear(m *image.RGBA, u, v float64) [3]float64 {
	x0, y0 := int(u), int(v)
	fx, fy := u-float64(x0), v-float64(y0)
	var c [3]float64
	for k := 0; k < 3; k++ {
		p00 := float64(m.Pix[m.PixOffset(x0, y0)+k])
		p10 := float64(m.Pix[m.PixOffset(x0+1, y0)+k])
		p01 := float64(m.Pix[m.PixOffset(x0, y0+1)+k])
		p11 := float64(m.Pix[m.PixOffset(x0+1, y0+1)+k])
		c[k] = p00*(1-fx)*(1-fy) + p10*fx*(1-fy) + p01*(1-fx)*fy + p11*fx*fy
	}
	return c
}

func clamp(f float64) uint8 {
	switch {
	case f < 0:
		return 0
	case f > 255:
		return 255
	}
	return uint8(f)
}

// scanned makes a flat page look scanned: a little grey, a faint tilt-free noise.
func scanned(r *rand.Rand, pg *image.RGBA) *image.RGBA {
	for i := 0; i < len(pg.Pix); i += 4 {
		n := r.NormFloat64() * 3
		for k := 0; k < 3; k++ {
			pg.Pix[i+k] = clamp(float64(pg.Pix[i+k])*0.97 + n)
		}
	}
	return pg
}
