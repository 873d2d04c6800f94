package synth

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	_ "image/jpeg" // portraits
	_ "image/png"
)

// Kind is the kind of synthetic document.
type Kind string

// Document kinds the generator draws.
const (
	Passport Kind = "passport" // TD3 data page, 125 × 88 mm, two MRZ lines
	IDCard   Kind = "id_card"  // TD1 card, 85.6 × 54 mm, three MRZ lines
	CNID     Kind = "cn_id"    // Chinese-resident-ID-style card, 85.6 × 54 mm, CJK fields and 18-digit number
)

// Kinds lists every document kind.
var Kinds = []Kind{Passport, IDCard, CNID}

// SizeMM is a kind's physical width and height in millimetres.
func (k Kind) SizeMM() (float64, float64) {
	if k == Passport {
		return 125, 88
	}
	return 85.6, 54
}

// renderPxPerMM is the resolution documents are drawn at before being photographed.
const renderPxPerMM = 12

// flatDoc is a drawn document: pixels (alpha 0 outside the rounded corners) and the boxes, in
// its own pixels, that hold personal data (text and portrait), where an occluder hurts.
type flatDoc struct {
	img  *image.RGBA
	data []image.Rectangle
}

type canvas struct {
	img *image.RGBA
	r   *rand.Rand
}

func (c *canvas) fillRect(rc image.Rectangle, col color.RGBA) {
	rc = rc.Intersect(c.img.Rect)
	for y := rc.Min.Y; y < rc.Max.Y; y++ {
		for x := rc.Min.X; x < rc.Max.X; x++ {
			c.img.SetRGBA(x, y, col)
		}
	}
}

// blend draws col over pixel (x, y) with coverage a in [0,1].
func (c *canvas) blend(x, y int, col color.RGBA, a float64) {
	if !(image.Point{x, y}.In(c.img.Rect)) || a <= 0 {
		return
	}
	if a > 1 {
		a = 1
	}
	i := c.img.PixOffset(x, y)
	p := c.img.Pix[i : i+3]
	p[0] = uint8(float64(p[0])*(1-a) + float64(col.R)*a + 0.5)
	p[1] = uint8(float64(p[1])*(1-a) + float64(col.G)*a + 0.5)
	p[2] = uint8(float64(p[2])*(1-a) + float64(col.B)*a + 0.5)
}

func (c *canvas) fillEllipse(cx, cy, rx, ry float64, col color.RGBA, alpha float64) {
	for y := int(cy - ry - 1); y <= int(cy+ry+1); y++ {
		for x := int(cx - rx - 1); x <= int(cx+rx+1); x++ {
			dx, dy := (float64(x)+0.5-cx)/rx, (float64(y)+0.5-cy)/ry
			d := math.Sqrt(dx*dx+dy*dy) - 1
			a := clamp01(0.5-d*math.Min(rx, ry)) * alpha
			c.blend(x, y, col, a)
		}
	}
}

// line draws an anti-aliased line of the given width.
func (c *canvas) line(x0, y0, x1, y1, w float64, col color.RGBA, alpha float64) {
	minx, maxx := int(math.Min(x0, x1)-w-1), int(math.Max(x0, x1)+w+1)
	miny, maxy := int(math.Min(y0, y1)-w-1), int(math.Max(y0, y1)+w+1)
	dx, dy := x1-x0, y1-y0
	l2 := dx*dx + dy*dy
	for y := miny; y <= maxy; y++ {
		for x := minx; x <= maxx; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			t := 0.0
			if l2 > 0 {
				t = clamp01(((px-x0)*dx + (py-y0)*dy) / l2)
			}
			ex, ey := px-(x0+t*dx), py-(y0+t*dy)
			d := math.Sqrt(ex*ex + ey*ey)
			c.blend(x, y, col, clamp01(w/2+0.5-d)*alpha)
		}
	}
}

// text draws s with its baseline's left end at (x, y) and returns the box it covers.
func (c *canvas) text(f *opentype.Font, size int, x, y int, s string, col color.RGBA) image.Rectangle {
	faceMu.Lock()
	defer faceMu.Unlock()
	fc := face(f, size)
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: fc, Dot: fixed.P(x, y)}
	b, _ := d.BoundString(s)
	d.DrawString(s)
	return image.Rect(b.Min.X.Floor(), b.Min.Y.Floor(), b.Max.X.Ceil(), b.Max.Y.Ceil())
}

// cjkText draws Chinese text with the CJK font, or as stroke glyphs of the same size when no CJK
// font is installed, so the card keeps its look of dense characters either way.
func (c *canvas) cjkText(size int, x, y int, s string, col color.RGBA) image.Rectangle {
	if f := loadFonts().cjk; f != nil {
		return c.text(f, size, x, y, s, col)
	}
	n := len([]rune(s))
	sz := float64(size)
	for i := 0; i < n; i++ {
		x0 := float64(x) + float64(i)*sz*1.05
		top := float64(y) - sz*0.85
		for k := 0; k < 4+c.r.IntN(3); k++ {
			if c.r.IntN(2) == 0 {
				yy := top + c.r.Float64()*sz*0.8
				c.line(x0+sz*0.1, yy, x0+sz*0.9, yy, sz*0.08, col, 1)
			} else {
				xx := x0 + sz*0.15 + c.r.Float64()*sz*0.7
				c.line(xx, top, xx+(c.r.Float64()-0.5)*sz*0.3, top+sz*0.85, sz*0.08, col, 1)
			}
		}
	}
	return image.Rect(x, y-int(sz*0.9), x+int(float64(n)*sz*1.05), y+int(sz*0.1))
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

func pastel(r *rand.Rand, lo, hi int) color.RGBA {
	f := func() uint8 { return uint8(lo + r.IntN(hi-lo+1)) }
	return color.RGBA{f(), f(), f(), 255}
}

func inkColor(r *rand.Rand) color.RGBA {
	switch r.IntN(4) {
	case 0:
		return color.RGBA{20, 30, 60, 255}
	case 1:
		return color.RGBA{35, 35, 35, 255}
	case 2:
		return color.RGBA{60, 20, 30, 255}
	}
	return color.RGBA{15, 45, 40, 255}
}

// guilloche draws the fine wavy security lines that fill document backgrounds.
func (c *canvas) guilloche(col color.RGBA, n int, alpha float64) {
	b := c.img.Rect
	w, h := float64(b.Dx()), float64(b.Dy())
	for k := 0; k < n; k++ {
		amp := h * (0.03 + c.r.Float64()*0.08)
		per := w * (0.1 + c.r.Float64()*0.4)
		ph := c.r.Float64() * 2 * math.Pi
		y0 := c.r.Float64() * h
		px, py := 0.0, y0+amp*math.Sin(ph)
		for x := 4.0; x <= w; x += 4 {
			y := y0 + amp*math.Sin(ph+2*math.Pi*x/per) + amp*0.4*math.Sin(ph*1.7+2*math.Pi*x/(per*0.37))
			c.line(px, py, x, y, 1.2, col, alpha)
			px, py = x, y
		}
	}
}

var (
	portraitOnce  sync.Once
	portraitFiles []string
)

// portraitDir holds public face photos the corpus may use as portraits, read in place.
func portraitDir() string {
	for _, d := range []string{"../shared/testdata/faces_face_recognition/images", "../../shared/testdata/faces_face_recognition/images", "../../../shared/testdata/faces_face_recognition/images"} {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	return ""
}

func portraits() []string {
	portraitOnce.Do(func() {
		d := portraitDir()
		if d == "" {
			return
		}
		es, _ := os.ReadDir(d)
		for _, e := range es {
			n := strings.ToLower(e.Name())
			// Skip the pictures of several people and the partial faces.
			if strings.Contains(n, "two_people") || strings.Contains(n, "partial") || strings.Contains(n, "kit_with_rose") || strings.Contains(n, "obama_and_biden") {
				continue
			}
			if strings.HasSuffix(n, ".jpg") || strings.HasSuffix(n, ".jpeg") || strings.HasSuffix(n, ".png") {
				portraitFiles = append(portraitFiles, filepath.Join(d, e.Name()))
			}
		}
		sort.Strings(portraitFiles)
	})
	return portraitFiles
}

var portraitCache sync.Map // path -> image.Image

// portrait draws a face into box: a public test photo cropped around its centre when the
// fixtures are present, a drawn head and shoulders otherwise.
func (c *canvas) portrait(box image.Rectangle) {
	bg := pastel(c.r, 180, 235)
	c.fillRect(box, bg)
	if ps := portraits(); len(ps) > 0 && c.r.IntN(5) != 0 {
		p := ps[c.r.IntN(len(ps))]
		var src image.Image
		if v, ok := portraitCache.Load(p); ok {
			src = v.(image.Image)
		} else if f, err := os.Open(p); err == nil {
			src, _, err = image.Decode(f)
			f.Close()
			if err == nil {
				portraitCache.Store(p, src)
			}
		}
		if src != nil {
			sb := src.Bounds()
			aspect := float64(box.Dx()) / float64(box.Dy())
			ch := float64(sb.Dy()) * 0.8
			if ch*aspect > float64(sb.Dx()) {
				ch = float64(sb.Dx()) / aspect
			}
			cw := ch * aspect
			cx, cy := float64(sb.Min.X)+float64(sb.Dx())/2, float64(sb.Min.Y)+float64(sb.Dy())*0.45
			crop := image.Rect(int(cx-cw/2), int(cy-ch/2), int(cx+cw/2), int(cy+ch/2)).Intersect(sb)
			xdraw.ApproxBiLinear.Scale(c.img, box, src, crop, xdraw.Src, nil)
			return
		}
	}
	// Draw on a canvas of the box's size so that the shoulders stay inside the box.
	sub := &canvas{img: image.NewRGBA(image.Rect(0, 0, box.Dx(), box.Dy())), r: c.r}
	sub.fillRect(sub.img.Rect, bg)
	defer xdraw.Draw(c.img, box, sub.img, image.Point{}, xdraw.Src)
	c = sub
	w, h := float64(box.Dx()), float64(box.Dy())
	x0, y0 := 0.0, 0.0
	skin := []color.RGBA{{224, 182, 150, 255}, {190, 140, 100, 255}, {140, 95, 65, 255}, {240, 205, 180, 255}}[c.r.IntN(4)]
	cloth := pastel(c.r, 30, 120)
	hair := []color.RGBA{{30, 20, 15, 255}, {90, 60, 30, 255}, {160, 130, 80, 255}, {60, 60, 60, 255}}[c.r.IntN(4)]
	c.fillEllipse(x0+w/2, y0+h*1.05, w*0.48, h*0.38, cloth, 1)
	c.fillEllipse(x0+w/2, y0+h*0.40, w*0.30, h*0.28, hair, 1)
	c.fillEllipse(x0+w/2, y0+h*0.45, w*0.25, h*0.26, skin, 1)
	c.fillEllipse(x0+w*0.41, y0+h*0.42, w*0.035, h*0.02, color.RGBA{40, 30, 30, 255}, 1)
	c.fillEllipse(x0+w*0.59, y0+h*0.42, w*0.035, h*0.02, color.RGBA{40, 30, 30, 255}, 1)
	c.line(x0+w*0.44, y0+h*0.58, x0+w*0.56, y0+h*0.58, h*0.012, color.RGBA{140, 60, 60, 255}, 1)
}

// roundCorners makes the pixels outside a rounded rectangle transparent.
func roundCorners(img *image.RGBA, rad float64) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			cx, cy := math.Max(rad, math.Min(float64(w)-rad, px)), math.Max(rad, math.Min(float64(h)-rad, py))
			d := math.Hypot(px-cx, py-cy) - rad
			if d > -1 {
				a := clamp01(0.5 - d)
				i := img.PixOffset(x, y)
				for k := 0; k < 4; k++ {
					img.Pix[i+k] = uint8(float64(img.Pix[i+k]) * a)
				}
			}
		}
	}
}

// renderDoc draws one document of kind k for person p.
func renderDoc(k Kind, p person, r *rand.Rand) flatDoc {
	wmm, hmm := k.SizeMM()
	W, H := int(wmm*renderPxPerMM), int(hmm*renderPxPerMM)
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	c := &canvas{img: img, r: r}
	fs := loadFonts()
	mm := func(v float64) int { return int(v * renderPxPerMM) }
	var data []image.Rectangle
	add := func(rc image.Rectangle) { data = append(data, rc) }

	// Paper tones stay under 236 so that a correctly exposed photo does not clip them.
	base := pastel(r, 190, 235)
	switch k {
	case CNID:
		base = color.RGBA{uint8(205 + r.IntN(25)), uint8(210 + r.IntN(25)), uint8(212 + r.IntN(23)), 255}
	case Passport:
		base = color.RGBA{uint8(210 + r.IntN(25)), uint8(205 + r.IntN(30)), uint8(190 + r.IntN(40)), 255}
	}
	c.fillRect(img.Rect, base)
	// Soft colour wash and security lines.
	wash := pastel(r, 120, 230)
	c.fillEllipse(float64(W)*(0.3+0.4*r.Float64()), float64(H)*0.5, float64(W)*0.45, float64(H)*0.5, wash, 0.25)
	c.guilloche(pastel(r, 90, 200), 8+r.IntN(10), 0.35)
	ink := inkColor(r)
	label := color.RGBA{ink.R + 60, ink.G + 60, ink.B + 70, 255}

	switch k {
	case Passport:
		// Header band, portrait left, fields right, white MRZ band at the bottom.
		band := pastel(r, 60, 160)
		c.fillRect(image.Rect(0, 0, W, mm(9)), band)
		c.text(fs.bold, mm(4.2), mm(6), mm(6.5), "PASSPORT  UTOPIA", color.RGBA{250, 250, 250, 255})
		pb := image.Rect(mm(6), mm(15), mm(6+32), mm(15+40))
		c.portrait(pb)
		add(pb)
		fields := [][2]string{{"Surname", p.Surname}, {"Given names", p.Given}, {"Nationality", "UTOPIAN"},
			{"Date of birth", p.date(p.Birth)}, {"Sex", p.Sex}, {"Date of expiry", p.date(p.Expiry)},
			{"Passport No.", p.Number}}
		y := mm(17)
		for _, f := range fields {
			c.text(fs.sans, mm(2.0), mm(44), y, f[0], label)
			add(c.text(fs.bold, mm(3.0), mm(44), y+mm(4), f[1], ink))
			y += mm(8)
		}
		c.fillRect(image.Rect(0, mm(68), W, H), color.RGBA{245, 245, 240, 255})
		for i, l := range p.mrzTD3() {
			add(c.text(fs.mono, mm(3.6), mm(5), mm(75+float64(i)*7.5), l, color.RGBA{20, 20, 20, 255}))
		}
	case IDCard:
		band := pastel(r, 60, 170)
		c.fillRect(image.Rect(0, 0, W, mm(8)), band)
		c.text(fs.bold, mm(3.5), mm(4), mm(5.8), "IDENTITY CARD  UTOPIA", color.RGBA{250, 250, 250, 255})
		pb := image.Rect(mm(4), mm(11), mm(4+22), mm(11+28))
		c.portrait(pb)
		add(pb)
		fields := [][2]string{{"Surname", p.Surname}, {"Given names", p.Given}, {"Date of birth", p.date(p.Birth)},
			{"Document No.", p.Number}}
		y := mm(12)
		for _, f := range fields {
			c.text(fs.sans, mm(1.6), mm(30), y, f[0], label)
			add(c.text(fs.bold, mm(2.4), mm(30), y+mm(3.1), f[1], ink))
			y += mm(6.2)
		}
		for i, l := range p.mrzTD1() {
			add(c.text(fs.mono, mm(2.9), mm(4), mm(43+float64(i)*4.2), l, color.RGBA{20, 20, 20, 255}))
		}
	case CNID:
		// Portrait on the right, CJK fields left, the 18-digit number at the bottom.
		pb := image.Rect(mm(56), mm(8), mm(56+26), mm(8+32))
		c.portrait(pb)
		add(pb)
		lab := color.RGBA{40, 110, 170, 255}
		rows := [][2]string{{"姓名", p.CNName}, {"性别", map[string]string{"M": "男", "F": "女"}[p.Sex] + "  民族 汉"},
			{"出生", strings.ReplaceAll(p.date(p.Birth), ".", " ")}, {"住址", p.CNAddress}}
		y := mm(11)
		for _, rw := range rows {
			c.cjkText(mm(2.4), mm(6), y, rw[0], lab)
			if rw[0] == "出生" {
				add(c.text(fs.sans, mm(2.8), mm(16), y, rw[1], ink))
			} else {
				add(c.cjkText(mm(2.8), mm(16), y, rw[1], ink))
			}
			y += mm(7.5)
		}
		c.cjkText(mm(2.4), mm(6), mm(47), "公民身份号码", lab)
		add(c.text(fs.mono, mm(3.6), mm(26), mm(47.5), p.CNNumber, ink))
	}
	roundCorners(img, 3*renderPxPerMM)
	return flatDoc{img: img, data: data}
}
