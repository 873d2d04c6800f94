package poa

import (
	"context"
	"image"
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/kycd/kycd/ocr"
)

// segment is one run of text on one row of the document: a column cell of a laid-out text
// line, or a group of OCR boxes that sit close together.
type segment struct {
	row  int     // row number in the document, across pages
	x    float64 // left edge, as a fraction of the page width
	text string  // as read
	norm string  // NormalizeText(text)
}

// docText is the document's text as rows of segments.
type docText struct {
	segs      []segment
	pageStart []int // the first row of each page
	rows      int
	chars     int // non-space characters
	source    string
}

func (d *docText) add(row int, x float64, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	d.segs = append(d.segs, segment{row: row, x: x, text: text, norm: NormalizeText(text)})
	for _, r := range text {
		if !unicode.IsSpace(r) {
			d.chars++
		}
	}
	if row+1 > d.rows {
		d.rows = row + 1
	}
}

// addLayoutPage adds the text of one page as pdftotext -layout prints it: columns are runs of
// three or more spaces apart.
func (d *docText) addLayoutPage(text string) {
	d.pageStart = append(d.pageStart, d.rows)
	lines := strings.Split(text, "\n")
	width := 1
	for _, l := range lines {
		width = max(width, len([]rune(l)))
	}
	row := d.rows
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		rs := []rune(l)
		start, last, gap := -1, -1, 0
		for i, r := range rs {
			if unicode.IsSpace(r) {
				if start >= 0 {
					if gap++; gap >= 3 {
						d.add(row, float64(start)/float64(width), string(rs[start:last+1]))
						start = -1
					}
				}
				continue
			}
			if start < 0 {
				start = i
			}
			last, gap = i, 0
		}
		if start >= 0 {
			d.add(row, float64(start)/float64(width), string(rs[start:last+1]))
		}
		row++
	}
	d.rows = max(d.rows, row)
}

// addOCRPage adds what OCR read on one page: each line split where its boxes are far apart.
func (d *docText) addOCRPage(p *ocr.Page) {
	d.pageStart = append(d.pageStart, d.rows)
	row := d.rows
	w := float64(max(p.Width, 1))
	for _, l := range p.Lines {
		if len(l.Boxes) == 0 {
			d.add(row, l.Quad[0].X/w, l.Text)
			row++
			continue
		}
		bs := append([]ocr.Box(nil), l.Boxes...)
		sort.Slice(bs, func(i, j int) bool { return bs[i].Quad[0].X < bs[j].Quad[0].X })
		var cur []string
		x0 := bs[0].Quad[0].X
		prevEnd := bs[0].Quad[1].X
		for i, b := range bs {
			h := math.Max(b.Quad.Height(), 1)
			if i > 0 && b.Quad[0].X-prevEnd > 2.5*h {
				d.add(row, x0/w, strings.Join(cur, " "))
				cur, x0 = nil, b.Quad[0].X
			}
			cur = append(cur, b.Text)
			prevEnd = math.Max(prevEnd, b.Quad[1].X)
		}
		d.add(row, x0/w, strings.Join(cur, " "))
		row++
	}
	d.rows = max(d.rows, row)
}

// PageReader reads the text of a page image; *ocr.Engine is one.
type PageReader interface {
	Read(ctx context.Context, img image.Image) (*ocr.Page, error)
}

var _ PageReader = (*ocr.Engine)(nil)

// sender reports whether a segment is the sender's: company words, or the letterhead's name
// (the document's first cell) repeated, as in a footer.
func (d *docText) sender(norm string) bool {
	if companyLike(norm) {
		return true
	}
	if len(d.segs) == 0 {
		return false
	}
	head := strings.TrimSpace(d.segs[0].norm)
	return len(head) >= 6 && strings.Contains(norm, head)
}

// lines returns the rows as text, cells separated by " | ".
func (d *docText) lines() []string {
	out := make([]string, d.rows)
	for _, s := range d.segs {
		if out[s.row] != "" {
			out[s.row] += " | "
		}
		out[s.row] += s.text
	}
	return out
}

// margin reports whether a row is in a page's first row or last eighth (at least two rows):
// where letterheads and footers print the sender's address.
func (d *docText) margin(row int) bool {
	start, end := 0, d.rows
	for i, st := range d.pageStart {
		if st <= row {
			start = st
			if i+1 < len(d.pageStart) {
				end = d.pageStart[i+1]
			} else {
				end = d.rows
			}
		}
	}
	return row == start || row >= end-max(2, (end-start)/8)
}
