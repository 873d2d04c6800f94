package ocr

import (
	"image"
	"math"
	"strings"
	"testing"
)

func TestParseDict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		classes int
		wantErr bool
	}{
		{"lf", "a\nb\nc\n", 5, false},
		{"no final newline", "a\nb\nc", 5, false},
		{"crlf", "a\r\nb\r\n", 4, false},
		{"empty line kept", "a\n\nb", 5, false},
		{"empty", "", 0, true},
		{"not utf-8", "a\n\xff\n", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := ParseDict([]byte(tc.in))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if d.Classes() != tc.classes {
				t.Errorf("classes = %d, want %d", d.Classes(), tc.classes)
			}
			if d.Char(0) != "" || d.Char(d.Classes()-1) != " " || d.Char(1) != "a" || d.Char(99) != "" {
				t.Errorf("class texts: blank %q space %q first %q", d.Char(0), d.Char(d.Classes()-1), d.Char(1))
			}
		})
	}
}

func FuzzParseDict(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"))
	f.Add([]byte("<\r\n0\r\n中\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDict(data)
		if err != nil {
			return
		}
		if d.Classes() < 3 {
			t.Fatalf("a parsed dictionary has %d classes", d.Classes())
		}
		a := d.NewAlphabet(MRZChars)
		for i, ks := range a.classes {
			for _, k := range ks {
				if k <= 0 || k >= d.Classes() {
					t.Fatalf("alphabet character %q maps to class %d of %d", a.runes[i], k, d.Classes())
				}
			}
		}
	})
}

func TestAlphabetFolds(t *testing.T) {
	t.Parallel()
	d, err := ParseDict([]byte("A\na\nＡ\n0\n<\n＜\nb"))
	if err != nil {
		t.Fatal(err)
	}
	a := d.NewAlphabet("A0<Z")
	if string(a.runes) != "A0<" {
		t.Fatalf("alphabet %q: Z is not in the dictionary and must be dropped", string(a.runes))
	}
	if got := len(a.classes[0]); got != 3 {
		t.Errorf("A folds %d classes, want 3 (A, a, full-width A)", got)
	}
	if got := len(a.classes[2]); got != 2 {
		t.Errorf("< folds %d classes, want 2", got)
	}
}

func TestDetScale(t *testing.T) {
	t.Parallel()
	tests := []struct{ w, h, side, ww, wh int }{
		{1600, 1200, 960, 960, 736},
		{1000, 700, 960, 960, 672},
		{200, 100, 960, 608, 288}, // small pages grow, at most 3×
		{10, 10, 960, 32, 32},
	}
	for _, tc := range tests {
		w, h := detScale(tc.w, tc.h, tc.side)
		if w != tc.ww || h != tc.wh || w%32 != 0 || h%32 != 0 {
			t.Errorf("detScale(%d, %d) = %d×%d, want %d×%d", tc.w, tc.h, w, h, tc.ww, tc.wh)
		}
	}
}

func TestDBBoxes(t *testing.T) {
	t.Parallel()
	w, h := 200, 100
	prob := make([]float32, w*h)
	fill := func(x0, y0, x1, y1 int, v float32) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				prob[y*w+x] = v
			}
		}
	}
	fill(20, 10, 120, 20, 0.9)  // a text kernel 100×10
	fill(20, 50, 60, 60, 0.4)   // above the pixel threshold, below the box threshold
	fill(150, 80, 152, 82, 0.9) // too small
	boxes := dbBoxes(prob, w, h, Options{}.withDefaults())
	if len(boxes) != 1 {
		t.Fatalf("%d boxes, want 1: %v", len(boxes), boxes)
	}
	b := boxes[0]
	// Unclip grows each side by area×1.5/perimeter = 1000×1.5/220 ≈ 6.8.
	if math.Abs(b.Width()-113.6) > 1 || math.Abs(b.Height()-23.6) > 1 {
		t.Errorf("box %v is %.1f×%.1f, want about 113.6×23.6", b, b.Width(), b.Height())
	}
	if b[0].X > b[1].X || b[0].Y > b[3].Y {
		t.Errorf("corners %v are not clockwise from the top-left", b)
	}
}

func TestMinAreaRectRotated(t *testing.T) {
	t.Parallel()
	// A 40×10 rectangle turned 30°.
	th := math.Pi / 6
	u := Point{math.Cos(th), math.Sin(th)}
	v := Point{-math.Sin(th), math.Cos(th)}
	var pts []Point
	for _, s := range [][2]float64{{-20, -5}, {20, -5}, {20, 5}, {-20, 5}, {0, 0}, {10, 2}} {
		pts = append(pts, Point{100 + s[0]*u.X + s[1]*v.X, 50 + s[0]*u.Y + s[1]*v.Y})
	}
	c, _, _, rw, rh := minAreaRect(convexHull(pts))
	if math.Abs(c.X-100) > 1e-6 || math.Abs(c.Y-50) > 1e-6 {
		t.Errorf("centre %v, want (100, 50)", c)
	}
	long, short := math.Max(rw, rh), math.Min(rw, rh)
	if math.Abs(long-40) > 1e-6 || math.Abs(short-10) > 1e-6 {
		t.Errorf("size %.3f×%.3f, want 40×10", long, short)
	}
	q := orderQuad(c, Point{math.Cos(th), math.Sin(th)}, Point{-math.Sin(th), math.Cos(th)}, 40, 10)
	if math.Abs(q.angle()-th) > 1e-6 || math.Abs(q.Width()-40) > 1e-6 {
		t.Errorf("ordered quad %v: angle %.3f width %.1f", q, q.angle(), q.Width())
	}
}

// probsOf builds recogniser output in which step t puts probability 0.9 on class seq[t] (0 is
// the blank) and spreads the rest.
func probsOf(seq []int, classes int) *probs {
	p := make([]float32, len(seq)*classes)
	for t, k := range seq {
		for c := 0; c < classes; c++ {
			p[t*classes+c] = 0.1 / float32(classes-1)
		}
		p[t*classes+k] = 0.9
	}
	return &probs{p: p, steps: len(seq), c: classes, used: len(seq), pxPerStep: 8}
}

func TestDecode(t *testing.T) {
	t.Parallel()
	d, err := ParseDict([]byte("A\nB\n<\na"))
	if err != nil {
		t.Fatal(err)
	}
	// classes: 0 blank, 1 A, 2 B, 3 <, 4 a, 5 space
	lp := probsOf([]int{1, 1, 0, 1, 2, 5, 4, 0, 3, 3, 0, 3}, d.Classes())
	if got := plain(decodeGreedy(lp, d)); got != "AAB a<<" {
		t.Errorf("greedy %q, want %q", got, "AAB a<<")
	}
	a := d.NewAlphabet("AB<")
	zone := decodeAlphabet(lp, d, a)
	if got := plain(zone); got != "AABA<<" {
		t.Errorf("zone %q, want %q (lower case folded, space separates)", got, "AABA<<")
	}
	if len(zone[0].alt) != 3 || zone[0].alt[0] < 0.8 {
		t.Errorf("alternatives %v", zone[0].alt)
	}
}

func TestSpaced(t *testing.T) {
	t.Parallel()
	at := func(s string, x float64) glyph { return glyph{s: s, x0: x, x1: x} }
	tests := []struct {
		name string
		gs   []glyph
		want string
	}{
		{"regular", []glyph{at("A", 0), at("B", 24), at("C", 48), at("D", 72)}, "ABCD"},
		{"wide gap", []glyph{at("A", 0), at("B", 24), at("C", 48), at("D", 120), at("E", 144)}, "ABC DE"},
		{"printed space", []glyph{at("A", 0), at(" ", 12), at("B", 24), at("C", 48)}, "A BC"},
		{"no space in Chinese", []glyph{at("林", 0), at("美", 30), at("華", 120)}, "林美華"},
	}
	for _, tc := range tests {
		if got := spaced(tc.gs); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestFillFillers(t *testing.T) {
	t.Parallel()
	line := func(s string, pitch float64) []glyph {
		var gs []glyph
		for i, r := range s {
			if r != '.' {
				x := float64(i)*pitch + pitch/2
				gs = append(gs, glyph{s: string(r), x0: x, x1: x, alt: make([]float32, len(MRZChars))})
			}
		}
		return gs
	}
	tests := []struct {
		name  string
		in    string
		width float64
		exact bool
		want  string
	}{
		{"gap", "AB<C....D", 9 * 20, false, "AB<C<<<<D"},
		{"trailing", "P<UTO......", 11 * 20, false, "P<UTO<<<<<<"},
		{"exact end", "P<UTO..", 12 * 20, true, "P<UTO<<<<<<<"},
		{"not a zone line", "ABC....D", 8 * 20, false, "ABCD"},
	}
	for _, tc := range tests {
		got := plain(fillFillers(line(tc.in, 20), tc.width, tc.exact))
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestMergePieces(t *testing.T) {
	t.Parallel()
	g := func(s string, x float64, p float32) glyph { return glyph{s: s, x0: x, x1: x, p: p} }
	a := []glyph{g("A", 10, 0.9), g("B", 34, 0.9), g("C", 58, 0.5)}
	b := []glyph{g("D", 60, 0.9), g("E", 82, 0.9)} // D and C are the same character
	got := plain(mergePieces([][]glyph{a, b}))
	if got != "ABDE" {
		t.Errorf("merged %q, want ABDE (the surer reading of the overlap kept)", got)
	}
}

func TestAssignCells(t *testing.T) {
	t.Parallel()
	at := func(x float64) glyph { return glyph{s: "X", x0: x, x1: x} }
	// Cells 20 wide; peaks jitter within a step of the centres 10, 30, 50, ...; cell 2 is empty.
	gs := []glyph{at(14), at(26), at(76), at(96)}
	got := assignCells(gs, 20, 6)
	want := []int{0, 1, 3, 4}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("cells %v, want %v", got, want)
		}
	}
}

func TestFitLength(t *testing.T) {
	t.Parallel()
	z := func(s string) []ZoneChar {
		out := make([]ZoneChar, len(s))
		for i := range s {
			out[i] = ZoneChar{Char: s[i]}
		}
		return out
	}
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"AB<<<<", 4, "AB<<"},
		{"AB<", 5, "AB<<<"},
		{"AB1", 5, "AB1"}, // ends in a character: nothing to pad
		{"AB<<<1", 4, "AB<<<1"},
	}
	for _, tc := range tests {
		if got, _ := fitLength(z(tc.in), tc.n); got != tc.want {
			t.Errorf("fitLength(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestZoneCharBest(t *testing.T) {
	t.Parallel()
	p := make([]float32, len(MRZChars))
	p[strings.IndexByte(MRZChars, '0')] = 0.6
	p[strings.IndexByte(MRZChars, 'U')] = 0.3
	p[strings.IndexByte(MRZChars, 'O')] = 0.1
	z := ZoneChar{Char: '0', P: p}
	if got := z.Best("ABCDEFGHIJKLMNOPQRSTUVWXYZ"); got != 'U' {
		t.Errorf("best letter %q, want U", got)
	}
	if got := z.Best("0123456789"); got != '0' {
		t.Errorf("best digit %q, want 0", got)
	}
	if got := (ZoneChar{Char: '<'}).Best("AB"); got != '<' {
		t.Errorf("without scores the character stays, got %q", got)
	}
}

func TestGroup(t *testing.T) {
	t.Parallel()
	box := func(text string, x, y, w, h float64) Box {
		return Box{Text: text, Confidence: 0.9, Quad: Quad{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}}}
	}
	lines := group([]Box{
		box("VALUE", 130, 52, 80, 20),
		box("Name", 10, 50, 60, 20),
		box("far away", 900, 56, 60, 20), // beyond rowGap heights: its own line
		box("Title", 10, 10, 100, 24),
	})
	var got []string
	for _, l := range lines {
		got = append(got, l.Text)
	}
	if strings.Join(got, "|") != "Title|Name VALUE|far away" {
		t.Errorf("lines %q", got)
	}
}

func TestLineZoneGap(t *testing.T) {
	t.Parallel()
	// Two boxes of one zone line, the filler run between them not detected.
	mk := func(s string, x float64) Box {
		var z []ZoneChar
		for i := range s {
			z = append(z, ZoneChar{Char: s[i], X: 10 + 20*float64(i)})
		}
		return Box{Text: s, MRZ: s, Zone: z, Confidence: 0.9,
			Quad: Quad{{x, 0}, {x + 20*float64(len(s)), 0}, {x + 20*float64(len(s)), 30}, {x, 30}}}
	}
	l := makeLine([]Box{mk("P<UTOAB<<CD", 0), mk("EF<<", 300)})
	if l.MRZ != "P<UTOAB<<CD<<<<EF<<" {
		t.Errorf("zone %q, want the gap of four cells filled", l.MRZ)
	}
}

// TestWarpMatchesReference checks the row-wise warp against sampling each point through the
// homography and bilinear interpolation one at a time.
func TestWarpMatchesReference(t *testing.T) {
	t.Parallel()
	src := &rgb{w: 97, h: 61, pix: make([]uint8, 97*61*3)}
	for i := range src.pix {
		src.pix[i] = uint8((i*37 + i/7*11) % 251)
	}
	for _, tc := range []struct {
		q    Quad
		w, h int
	}{
		{Quad{{3, 5}, {90, 9}, {85, 55}, {6, 50}}, 40, 24},     // shrink: several samples per pixel
		{Quad{{10, 10}, {30, 12}, {29, 20}, {11, 19}}, 64, 32}, // enlarge
		{Quad{{-5, -5}, {120, 0}, {110, 70}, {0, 66}}, 50, 30}, // beyond the borders: clamped
	} {
		got := src.warp(tc.q, tc.w, tc.h)
		hm := rectToQuad(float64(tc.w), float64(tc.h), tc.q)
		nx := max(1, min(4, int(math.Ceil(tc.q.Width()/float64(tc.w)-0.25))))
		ny := max(1, min(4, int(math.Ceil(tc.q.Height()/float64(tc.h)-0.25))))
		for y := 0; y < tc.h; y++ {
			for x := 0; x < tc.w; x++ {
				var acc [3]float64
				for j := 0; j < ny; j++ {
					for i := 0; i < nx; i++ {
						sx, sy := hm.apply(float64(x)+(float64(i)+0.5)/float64(nx), float64(y)+(float64(j)+0.5)/float64(ny))
						r, g, b := src.bilinear(sx-0.5, sy-0.5)
						acc[0] += float64(r)
						acc[1] += float64(g)
						acc[2] += float64(b)
					}
				}
				for c := 0; c < 3; c++ {
					want := acc[c] / float64(nx*ny)
					if d := math.Abs(float64(got.pix[(y*tc.w+x)*3+c]) - want); d > 1.01 {
						t.Fatalf("quad %v pixel (%d,%d) channel %d: %d, want %.1f", tc.q, x, y, c, got.pix[(y*tc.w+x)*3+c], want)
					}
				}
			}
		}
	}
}

func TestDocBounds(t *testing.T) {
	t.Parallel()
	b := image.Rect(0, 0, 1000, 800)
	// Every corner counts, the first too (it is the top-left one here).
	got := docBounds([4]image.Point{{100, 50}, {600, 80}, {590, 400}, {110, 380}}, b)
	if want := image.Rect(100-33, 50-33, 601+33, 401+33); got != want {
		t.Errorf("bounds %v, want %v", got, want)
	}
	// Corners outside the photo: clipped to it.
	if got := docBounds([4]image.Point{{-50, -20}, {1200, 0}, {1100, 700}, {0, 900}}, b); got != b {
		t.Errorf("bounds %v, want the photo's %v", got, b)
	}
}

// TestTailJoin joins a zone line's first reading, which stopped reading after "U10" but for a
// stray last digit, with the second reading of its end: characters go to their cells, the
// cells between hold fillers, and the first reading wins where both read.
func TestTailJoin(t *testing.T) {
	t.Parallel()
	const pitch = 29.0
	var old []ZoneChar
	for i, c := range "0206020M3412226U10" {
		old = append(old, ZoneChar{Char: byte(c), X: 12 + pitch*float64(i), P: []float32{0.9}})
	}
	old = append(old, ZoneChar{Char: '8', X: 12 + pitch*29, P: []float32{0.9}})
	tl := tail{from: 12 + pitch*26, pre: 100, scale: 1}
	// The second reading: the prefix's characters (dropped), then cells 26 to 29 and one more.
	gs := []glyph{{s: "0", x0: 20, x1: 20, p: 0.9}, {s: "2", x0: 60, x1: 60, p: 0.9}}
	for i, c := range "<<<8<" {
		x := 100 + pitch*float64(i)
		gs = append(gs, glyph{s: string(c), x0: x, x1: x, p: 0.8})
	}
	got := zoneString(tl.join(old, gs, 31)) // the zone's pitch (31) is not this line's
	if want := "0206020M3412226U10<<<<<<<<<<<8<"; got != want {
		t.Errorf("join = %q, want %q", got, want)
	}
	if got := tl.join(nil, gs, 31); got != nil {
		t.Errorf("join of nothing = %v", got)
	}
}
