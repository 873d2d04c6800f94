package poagen

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// A small PDF writer, enough for bills: text pages in the standard Helvetica fonts (WinAnsi) with
// a CID-keyed font for Chinese (Identity-H, not embedded, with a ToUnicode map so text
// extraction works), and scanned pages as one JPEG each. It is written here rather than taken
// from a PDF library because the Go PDF libraries embed TrueType fonts only, and the CJK fonts
// on this machine are OpenType/CFF collections.

type pdfPage struct {
	text *page  // a text page, or
	jpeg []byte // a scanned page
	w, h int    // the JPEG's pixel size
}

type pdfDoc struct {
	pages    []pdfPage
	producer string
	creator  string
	created  string // D:YYYYMMDDHHmmSS
	modified string
	// update, when set, is appended as an incremental update replacing the first page's content
	// with this page's.
	update *page
}

const mmToPt = 72 / 25.4

type pdfWriter struct {
	buf     bytes.Buffer
	offsets map[int]int
}

func (w *pdfWriter) obj(n int, body string) {
	w.offsets[n] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n%s\nendobj\n", n, body)
}

func (w *pdfWriter) stream(n int, dict string, data []byte) {
	w.offsets[n] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n<< %s /Length %d >>\nstream\n", n, dict, len(data))
	w.buf.Write(data)
	w.buf.WriteString("\nendstream\nendobj\n")
}

func deflate(b []byte) []byte {
	var out bytes.Buffer
	zw := zlib.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

func pdfString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
	return "(" + r.Replace(s) + ")"
}

var win = charmap.Windows1252.NewEncoder()

// content returns a text page's content stream and the CJK code points it uses.
func content(p *page, used map[rune]bool) []byte {
	var b bytes.Buffer
	for _, it := range p.items {
		x, y := it.x*mmToPt, 842-it.y*mmToPt
		enc, err := win.String(it.text)
		if err == nil {
			font := "/F1"
			if it.bold {
				font = "/F2"
			}
			if it.right {
				x -= float64(len(enc)) * it.size * 0.52
			}
			fmt.Fprintf(&b, "BT %s %.1f Tf %.2f %.2f Td %s Tj ET\n", font, it.size, x, y, pdfString(enc))
			continue
		}
		var hex strings.Builder
		width := 0.0
		for _, r := range it.text {
			if r > 0xFFFF {
				r = '?'
			}
			used[r] = true
			fmt.Fprintf(&hex, "%04X", r)
			width += cidWidth(r)
		}
		if it.right {
			x -= width / 1000 * it.size
		}
		fmt.Fprintf(&b, "BT /F3 %.1f Tf %.2f %.2f Td <%s> Tj ET\n", it.size, x, y, hex.String())
	}
	return b.Bytes()
}

func cidWidth(r rune) float64 {
	if r < 0x2E80 {
		return 500
	}
	return 1000
}

// bytes writes the document.
func (d pdfDoc) bytes() []byte {
	w := &pdfWriter{offsets: map[int]int{}}
	w.buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	// 1 catalog, 2 pages, 3 info, 4-6 fonts, 7 CID font, 8 descriptor, 9 ToUnicode, 10+ pages
	used := map[rune]bool{}
	next := 10
	var kids []string
	type pageObjs struct{ page, content, image int }
	var objs []pageObjs
	var contents [][]byte
	for _, p := range d.pages {
		po := pageObjs{page: next, content: next + 1}
		next += 2
		if p.jpeg != nil {
			po.image = next
			next++
			contents = append(contents, []byte("q 595 0 0 842 0 0 cm /Im1 Do Q\n"))
		} else {
			contents = append(contents, content(p.text, used))
		}
		objs = append(objs, po)
		kids = append(kids, fmt.Sprintf("%d 0 R", po.page))
	}
	var updContent []byte
	if d.update != nil {
		updContent = content(d.update, used)
	}
	w.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	w.obj(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids)))
	info := fmt.Sprintf("<< /Producer %s /Creator %s /CreationDate (%s) /ModDate (%s) >>",
		pdfString(d.producer), pdfString(d.creator), d.created, d.modified)
	w.obj(3, info)
	w.obj(4, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	w.obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
	w.obj(6, "<< /Type /Font /Subtype /Type0 /BaseFont /NotoSansSC /Encoding /Identity-H /DescendantFonts [7 0 R] /ToUnicode 9 0 R >>")
	var widths strings.Builder
	widths.WriteString("[32 [")
	for r := 32; r < 127; r++ {
		widths.WriteString(" 500")
	}
	widths.WriteString("]]")
	w.obj(7, "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /NotoSansSC /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R /DW 1000 /W "+widths.String()+" >>")
	w.obj(8, "<< /Type /FontDescriptor /FontName /NotoSansSC /Flags 4 /FontBBox [-100 -200 1100 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>")
	w.stream(9, "/Filter /FlateDecode", deflate(toUnicode(used)))
	res := "/Font << /F1 4 0 R /F2 5 0 R /F3 6 0 R >>"
	for i, p := range d.pages {
		po := objs[i]
		r := res
		if p.jpeg != nil {
			r = fmt.Sprintf("/XObject << /Im1 %d 0 R >>", po.image)
		}
		w.obj(po.page, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << %s >> /Contents %d 0 R >>", r, po.content))
		w.stream(po.content, "/Filter /FlateDecode", deflate(contents[i]))
		if p.jpeg != nil {
			w.stream(po.image, fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode", p.w, p.h), p.jpeg)
		}
	}
	xref := w.xref(next, 0)
	if d.update == nil {
		return w.buf.Bytes()
	}
	// incremental update: a new content stream for page 1 and a new page object pointing at it
	w.buf.WriteString("\n")
	w.offsets = map[int]int{}
	w.stream(next, "/Filter /FlateDecode", deflate(updContent))
	w.obj(objs[0].page, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << %s >> /Contents %d 0 R >>", res, next))
	w.xref(next+1, xref)
	return w.buf.Bytes()
}

// xref writes a cross-reference section for the objects in w.offsets and the trailer; prev is
// the previous section's offset (0: none). It returns this section's offset.
func (w *pdfWriter) xref(size, prev int) int {
	off := w.buf.Len()
	nums := make([]int, 0, len(w.offsets))
	for n := range w.offsets {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	w.buf.WriteString("xref\n")
	if prev == 0 {
		fmt.Fprintf(&w.buf, "0 %d\n0000000000 65535 f \n", size)
		for n := 1; n < size; n++ {
			if o, ok := w.offsets[n]; ok {
				fmt.Fprintf(&w.buf, "%010d 00000 n \n", o)
			} else {
				w.buf.WriteString("0000000000 65535 f \n")
			}
		}
	} else {
		for _, n := range nums {
			fmt.Fprintf(&w.buf, "%d 1\n%010d 00000 n \n", n, w.offsets[n])
		}
	}
	trailer := fmt.Sprintf("<< /Size %d /Root 1 0 R /Info 3 0 R", size)
	if prev > 0 {
		trailer += fmt.Sprintf(" /Prev %d", prev)
	}
	fmt.Fprintf(&w.buf, "trailer\n%s >>\nstartxref\n%d\n%%%%EOF\n", trailer, off)
	return off
}

// toUnicode is the CMap mapping each CID used (the code point itself) back to Unicode.
func toUnicode(used map[rune]bool) []byte {
	rs := make([]rune, 0, len(used))
	for r := range used {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for i := 0; i < len(rs); i += 100 {
		chunk := rs[i:min(i+100, len(rs))]
		fmt.Fprintf(&b, "%d beginbfchar\n", len(chunk))
		for _, r := range chunk {
			fmt.Fprintf(&b, "<%04X> <%04X>\n", r, r)
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return []byte(b.String())
}
