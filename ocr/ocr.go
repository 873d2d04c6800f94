// Package ocr reads text from document photos with PaddleOCR's PP-OCRv4 models on ONNX Runtime:
// DB text detection (probability map, connected regions, minimum-area boxes grown by the unclip
// ratio), the 0/180° direction classifier, and SVTR recognition decoded by CTC best path over
// the ppocr_keys_v1 dictionary plus space, which covers Latin, digits and Chinese (simplified and
// traditional). A page is read as photographed (Read) or, when the caller has located the
// document, flattened (ReadDocument): detection then sees only the document and each text line
// is cut from the photo at full resolution.
//
// What the models do not do is done here:
//   - One orientation per page: the classifier votes on the page's lines (a document is upright
//     or upside down as a whole; a short line alone is too ambiguous), and a page whose long
//     boxes stand upright is read turned a quarter.
//   - Word spaces, which the recogniser drops in Latin text, are rebuilt from the gaps between
//     character peaks and between boxes.
//   - Long lines are read in overlapping pieces near the recogniser's training width, each with
//     the line's start in front of it as context.
//   - Every line is also decoded restricted to the machine-readable zone's alphabet (A–Z, 0–9,
//     '<'; lower-case, full-width and bracket-like forms vote for their zone character), keeping
//     each character's alternatives so that a reader who knows the layout can choose by
//     position. Zone lines the detector cut short are extended to the zone's fixed length and
//     their missing end read again, fillers the recogniser cannot see without context are restored from the line's
//     monospace pitch, and ReadZoneCells reads a zone a second way, cell by character cell.
//
// An Engine holds its sessions for the life of the process and is safe for concurrent use. It
// never logs what it reads.
package ocr

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"os"
	"strings"
	"time"

	"github.com/kycd/kycd/onnx"
)

// Default model files, relative to the models folder (see models.lock).
const (
	DetModel = "ocr/ch_PP-OCRv4_det_infer.onnx"
	RecModel = "ocr/ch_PP-OCRv4_rec_infer.onnx"
	ClsModel = "ocr/ch_ppocr_mobile_v2.0_cls_infer.onnx"
	DictFile = "ocr/ppocr_keys_v1.txt"
)

// Options tune the engine. Zero values take the defaults noted, which are PaddleOCR's except
// where a comment says why.
type Options struct {
	// Model files, relative to the runtime's models folder or absolute; defaults DetModel,
	// RecModel, ClsModel, DictFile.
	Det, Rec, Cls, Dict string
	// DetMaxSide is the long side the page is scaled to for detection (default 640; small
	// pages are scaled up, at most 3×, so that small print is found). PaddleOCR's 960 cost 2.5
	// times as much on a flattened document for no gain on the evaluation sets (cmd/eval-ocr).
	DetMaxSide int
	// DetThresh is the probability above which a pixel is text (default 0.3).
	DetThresh float32
	// BoxThresh is the mean probability a region needs to be kept (default 0.6).
	BoxThresh float64
	// UnclipRatio grows the detected kernels back to the text's extent (default 1.5).
	UnclipRatio float64
	// MinBoxSize is the smallest box side kept, in detection pixels (default 3; before the
	// unclip, and MinBoxSize+2 after, as PaddleOCR).
	MinBoxSize int
	// RecBatch is the number of crops recognised per run (default 1: on one thread batching
	// was slower, the SVTR blocks costing more than linearly in the batch's padded width).
	RecBatch int
	// NoClassifier skips the direction classifier (then ClsModel need not exist).
	NoClassifier bool
	// ClsThresh is the classifier confidence for a line's vote on the page's orientation
	// (default 0.9).
	ClsThresh float32
	// MinConfidence drops recognised boxes whose mean character probability is lower
	// (default 0.5): they are texture, not text.
	MinConfidence float64
}

func (o Options) withDefaults() Options {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.Det, DetModel)
	def(&o.Rec, RecModel)
	def(&o.Cls, ClsModel)
	def(&o.Dict, DictFile)
	if o.DetMaxSide <= 0 {
		o.DetMaxSide = 640
	}
	if o.DetThresh <= 0 {
		o.DetThresh = 0.3
	}
	if o.BoxThresh <= 0 {
		o.BoxThresh = 0.6
	}
	if o.UnclipRatio <= 0 {
		o.UnclipRatio = 1.5
	}
	if o.MinBoxSize <= 0 {
		o.MinBoxSize = 3
	}
	if o.RecBatch <= 0 {
		o.RecBatch = 1
	}
	if o.ClsThresh <= 0 {
		o.ClsThresh = 0.9
	}
	if o.MinConfidence <= 0 {
		o.MinConfidence = 0.5
	}
	return o
}

// Engine is a loaded OCR pipeline.
type Engine struct {
	det, rec, cls *onnx.Session
	dict          *Dict
	mrz           *Alphabet
	opts          Options
}

// New loads the models through rt. A missing model or dictionary is an error wrapping
// onnx.ErrUnavailable, so that the caller reports the check as unavailable and retries.
func New(rt *onnx.Runtime, opts Options) (*Engine, error) {
	opts = opts.withDefaults()
	raw, err := os.ReadFile(rt.Path(opts.Dict))
	if err != nil {
		return nil, fmt.Errorf("%w: OCR dictionary: %v", onnx.ErrUnavailable, err)
	}
	dict, err := ParseDict(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", onnx.ErrUnavailable, err)
	}
	e := &Engine{dict: dict, mrz: dict.NewAlphabet(MRZChars), opts: opts}
	if len(e.mrz.runes) != len(MRZChars) {
		return nil, fmt.Errorf("%w: the OCR dictionary lacks machine-readable-zone characters", onnx.ErrUnavailable)
	}
	if e.det, err = rt.Open(opts.Det); err != nil {
		return nil, err
	}
	if e.rec, err = rt.Open(opts.Rec); err != nil {
		e.Close()
		return nil, err
	}
	if !opts.NoClassifier {
		if e.cls, err = rt.Open(opts.Cls); err != nil {
			e.Close()
			return nil, err
		}
	}
	return e, nil
}

// Close releases the models.
func (e *Engine) Close() error {
	var errs []error
	for _, s := range []*onnx.Session{e.det, e.rec, e.cls} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// Page is what was read from one image.
type Page struct {
	Width, Height int
	// Lines are in reading order, top to bottom.
	Lines []Line
	// Timings are the milliseconds spent per stage: det, cls, rec, zone, cells, total.
	Timings map[string]float64

	img   *source     // the page, for ReadZoneCells
	zones []zoneBlock // the machine-readable zones found
}

// Line is a row of text: one or more boxes side by side.
type Line struct {
	// Text is the line as read, with word spaces rebuilt.
	Text string
	// MRZ is the line decoded in the machine-readable zone's alphabet (no spaces), filled when
	// the line looks like a zone line (mostly zone characters); empty otherwise.
	MRZ string
	// Zone is MRZ character by character with the alternatives, so that a reader who knows
	// which characters a position allows (digits in a date) can choose among them.
	Zone []ZoneChar
	// ZoneQuad covers the boxes the zone reading comes from (a line may also hold background
	// text beside the zone); ZoneChar.X is measured from its start.
	ZoneQuad Quad
	// AltMRZ and AltZone are a second reading of a zone line, when one was made: the lines of a
	// machine-readable zone are read twice, once as detected and once character cell by cell,
	// and MRZ holds the cell reading. A reader tries both.
	AltMRZ  string
	AltZone []ZoneChar
	// Quad covers the line in page pixels.
	Quad Quad
	// Confidence is the mean probability of the line's characters.
	Confidence float64
	// Boxes are the detected boxes that make the line, left to right.
	Boxes []Box
}

// Box is one detected and recognised text box.
type Box struct {
	Text       string
	MRZ        string     // zone-alphabet reading, always filled
	Zone       []ZoneChar // the same reading with each character's alternatives
	Quad       Quad
	Confidence float64
}

// ZoneChar is one character of a zone-alphabet reading: the character chosen and the score of
// every character of MRZChars (P[i] for MRZChars[i]; a filler restored from the line's geometry
// scores 1 for '<').
type ZoneChar struct {
	Char byte
	P    []float32
	// X is the character's centre along its line, in page pixels from the start of the
	// line's ZoneQuad.
	X float64
	// Inferred marks a filler that was not read but restored from the line's geometry (a gap
	// in the regular pitch, or the known length of the line).
	Inferred bool
}

// Best returns the highest-scoring character among those allowed.
func (z ZoneChar) Best(allowed string) byte {
	best, bp := byte(0), float32(-1)
	for i := 0; i < len(allowed); i++ {
		j := strings.IndexByte(MRZChars, allowed[i])
		if j < 0 || j >= len(z.P) {
			continue
		}
		if z.P[j] > bp {
			best, bp = allowed[i], z.P[j]
		}
	}
	if best == 0 {
		return z.Char
	}
	return best
}

// zoneChars converts glyphs to zone characters, their positions from crop pixels to page pixels
// by scale.
func zoneChars(gs []glyph, scale float64) []ZoneChar {
	out := make([]ZoneChar, 0, len(gs))
	for _, g := range gs {
		if len(g.s) != 1 {
			continue
		}
		out = append(out, ZoneChar{Char: g.s[0], P: g.alt, X: g.center() * scale, Inferred: g.inferred})
	}
	return out
}

// Strings returns the lines' texts, the input mrz.Find and field readers want.
func (p *Page) Strings() []string {
	out := make([]string, len(p.Lines))
	for i, l := range p.Lines {
		out[i] = l.Text
	}
	return out
}

// MRZCandidates returns, in reading order, each line's zone-alphabet reading where it has one
// and its text otherwise: the input for mrz.Find.
func (p *Page) MRZCandidates() []string {
	out := make([]string, len(p.Lines))
	for i, l := range p.Lines {
		if l.MRZ != "" {
			out[i] = l.MRZ
		} else {
			out[i] = l.Text
		}
	}
	return out
}

// AltMRZCandidates is MRZCandidates with each line's alternative zone reading where it has one.
func (p *Page) AltMRZCandidates() []string {
	out := p.MRZCandidates()
	for i, l := range p.Lines {
		if l.AltMRZ != "" {
			out[i] = l.AltMRZ
		}
	}
	return out
}

// ReadZoneCells reads the page's machine-readable zone lines a second time, character cell by
// character cell (see readCells), and stores the result as each line's MRZ, the first reading
// becoming AltMRZ. It costs a recogniser run per ten zone characters, so a reader calls it only
// when the first reading does not verify. Calling it again does nothing.
func (e *Engine) ReadZoneCells(ctx context.Context, p *Page) error {
	if p == nil || p.img == nil || len(p.zones) == 0 {
		return nil
	}
	t := time.Now()
	for _, z := range p.zones {
		if err := e.readCells(ctx, p.img, p.Lines, z.lines, z.n); err != nil {
			return err
		}
	}
	p.img = nil
	p.Timings["cells"] = ms(time.Since(t))
	return nil
}

// Read detects and recognises the text of img.
func (e *Engine) Read(ctx context.Context, img image.Image) (*Page, error) {
	start := time.Now()
	m := toRGB(img)
	return e.read(ctx, &source{img: m, w: m.w, h: m.h}, start)
}

// ReadDocument reads the document whose corners in img are corners (clockwise from the
// document's top-left, as imagecheck reports them) as if it had been photographed flat at
// w×h: detection sees only the document, flattened, and each text line is cut from the photo at
// its full resolution. The page's coordinates are the flat document's.
func (e *Engine) ReadDocument(ctx context.Context, img image.Image, corners [4]image.Point, w, h int) (*Page, error) {
	start := time.Now()
	if w < 4 || h < 4 {
		return e.Read(ctx, img)
	}
	// Only the document and a margin around it are converted: text is read inside the
	// document, and a zone line extended past a cut-short box stays near it.
	b := img.Bounds()
	r := docBounds(corners, b)
	if si, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok && !r.Empty() &&
		r.Dx()*r.Dy() < b.Dx()*b.Dy()*9/10 {
		img, b = si.SubImage(r), r
	}
	m := toRGB(img)
	var doc Quad
	for i, c := range corners {
		doc[i] = Point{float64(c.X - b.Min.X), float64(c.Y - b.Min.Y)}
	}
	hm := rectToQuad(float64(w), float64(h), doc)
	return e.read(ctx, &source{img: m, w: w, h: h, toImg: &hm, doc: doc}, start)
}

// docBounds is the part of the photo bounds b worth converting for the document with corners:
// their bounding box with a margin of a twentieth of its size.
func docBounds(corners [4]image.Point, b image.Rectangle) image.Rectangle {
	var r image.Rectangle
	for i, c := range corners {
		if cr := (image.Rectangle{Min: c, Max: c.Add(image.Pt(1, 1))}); i == 0 {
			r = cr
		} else {
			r = r.Union(cr)
		}
	}
	pad := max(r.Dx(), r.Dy())/20 + 8
	return r.Inset(-pad).Intersect(b)
}

func (e *Engine) read(ctx context.Context, page *source, start time.Time) (*Page, error) {
	res := &Page{Width: page.w, Height: page.h, Timings: map[string]float64{}}
	if page.w < 4 || page.h < 4 || page.img.w < 4 || page.img.h < 4 {
		return res, nil
	}
	t := time.Now()
	quads, err := e.detect(ctx, page)
	if err != nil {
		return nil, err
	}
	res.Timings["det"] = ms(time.Since(t))
	boxes, err := e.recogniseBoxes(ctx, page, quads, res.Timings)
	if err != nil {
		return nil, err
	}
	res.Lines = group(boxes)
	t = time.Now()
	if res.zones, err = e.completeZones(ctx, page, res.Lines); err != nil {
		return nil, err
	}
	res.img = page
	res.Timings["zone"] = ms(time.Since(t))
	res.Timings["total"] = ms(time.Since(start))
	return res, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// recogniseBoxes crops each quad upright, fixes upside-down crops and recognises them.
func (e *Engine) recogniseBoxes(ctx context.Context, page *source, quads []Quad, timings map[string]float64) ([]Box, error) {
	// One orientation for the page: a document's lines run the same way, and a short box (one
	// character, a sex field) is too square to tell on its own.
	vertical := pageVertical(quads)
	crops := make([]*rgb, 0, len(quads))
	qs := make([]Quad, 0, len(quads))
	for _, q := range quads {
		if vertical { // read it turned a quarter; the classifier settles which way
			q = Quad{q[1], q[2], q[3], q[0]}
		}
		w, h := q.Width(), q.Height()
		if h < 1 {
			continue
		}
		cw := int(math.Round(recHeight * w / h))
		cw = max(8, min(maxRecWidth, cw))
		crops = append(crops, page.warp(q, cw, recHeight))
		qs = append(qs, q)
	}
	if len(crops) == 0 {
		return nil, nil
	}
	if e.cls != nil {
		t := time.Now()
		flip, err := e.upsideDown(ctx, crops)
		if err != nil {
			return nil, err
		}
		if flip { // every crop turned, and so the order of each box's corners
			for i := range crops {
				crops[i].rotate180()
				qs[i] = Quad{qs[i][2], qs[i][3], qs[i][0], qs[i][1]}
			}
		}
		timings["cls"] = ms(time.Since(t))
	}
	t := time.Now()
	rs, err := e.recognize(ctx, crops, nil)
	if err != nil {
		return nil, err
	}
	timings["rec"] = ms(time.Since(t))
	var out []Box
	for i, r := range rs {
		if b, ok := e.box(r, qs[i], crops[i].w); ok {
			out = append(out, b)
		}
	}
	return out, nil
}

// box makes a Box of a crop's reading, or reports that the reading is too unsure to be text.
func (e *Engine) box(r reading, q Quad, cropW int) (Box, bool) {
	conf := meanP(r.text)
	if len(r.text) == 0 || conf < e.opts.MinConfidence {
		return Box{}, false
	}
	scale := q.Width() / float64(cropW)
	return Box{
		Text:       spaced(r.text),
		MRZ:        plain(r.zone),
		Zone:       zoneChars(r.zone, scale),
		Quad:       q,
		Confidence: conf,
	}, true
}

// pageVertical reports whether most of the page's elongated boxes stand upright (the photo
// was taken turned a quarter).
func pageVertical(quads []Quad) bool {
	var up, flat float64
	for _, q := range quads {
		w, h := q.Width(), q.Height()
		switch {
		case h >= 2*w:
			up += h
		case w >= 2*h:
			flat += w
		}
	}
	return up > flat
}
