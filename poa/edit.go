package poa

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"io"
	"regexp"
	"strings"
)

// Signs of editing. None of them proves a forgery (people scan bills and fix the contrast in an
// image editor), so they send the file to a reviewer (POA_EDIT_SUSPECTED, REVIEW), never reject.

// editors are the software, named in a PDF's producer or creator or an image's metadata, that
// edits images or page content rather than producing bills.
var editors = []string{"photoshop", "gimp", "paint.net", "pixelmator", "affinity photo",
	"affinity designer", "photopea", "canva", "picsart", "inkscape", "pdfescape", "sejda",
	"pdf-xchange editor", "phantompdf", "pdffiller", "smallpdf edit", "foxit pdf editor"}

// editorIn returns the editor named in s, or "".
func editorIn(s string) string {
	l := strings.ToLower(s)
	for _, e := range editors {
		if strings.Contains(l, e) {
			return e
		}
	}
	return ""
}

var (
	reTextOps = regexp.MustCompile(`\bBT\b[\s\S]*?\bT[jJ*'"]`)
)

// pdfUpdateSignals looks at a PDF's incremental updates: the sections appended after the first
// end-of-file marker (after the second for a linearized file, whose first section ends early).
// An update that brings a content stream with text operators, a page or a font has changed what
// the page shows; one that only adds signatures, form fields or annotations has not.
func pdfUpdateSignals(data []byte) []string {
	eofs := allIndex(data, []byte("%%EOF"))
	skip := 1
	if bytes.Contains(data[:min(len(data), 1024)], []byte("/Linearized")) {
		skip = 2
	}
	if len(eofs) <= skip {
		return nil
	}
	update := data[eofs[skip-1]+5:]
	var sig []string
	if bytes.Contains(update, []byte("/Type /Page")) || bytes.Contains(update, []byte("/Type/Page")) {
		sig = append(sig, "incremental_update_page")
	}
	if bytes.Contains(update, []byte("/Type /Font")) || bytes.Contains(update, []byte("/Type/Font")) {
		sig = append(sig, "incremental_update_font")
	}
	budget := 4 << 20 // bytes inflated in total
	for _, st := range streams(update) {
		body := st
		if z, err := zlib.NewReader(bytes.NewReader(st)); err == nil {
			b, _ := io.ReadAll(io.LimitReader(z, int64(max(budget, 0))))
			budget -= len(b)
			body = b
		}
		if reTextOps.Match(body) {
			sig = append(sig, "incremental_update_text")
			break
		}
	}
	return sig
}

// streams returns the raw bodies of the streams in b.
func streams(b []byte) [][]byte {
	var out [][]byte
	for len(out) < 64 {
		i := bytes.Index(b, []byte("stream"))
		if i < 0 {
			break
		}
		if i >= 3 && string(b[i-3:i]) == "end" {
			b = b[i+6:]
			continue
		}
		b = b[i+6:]
		b = bytes.TrimLeft(b, "\r\n")
		j := bytes.Index(b, []byte("endstream"))
		if j < 0 {
			break
		}
		out = append(out, b[:j])
		b = b[j+9:]
	}
	return out
}

func allIndex(b, sep []byte) []int {
	var out []int
	off := 0
	for {
		i := bytes.Index(b[off:], sep)
		if i < 0 {
			return out
		}
		out = append(out, off+i)
		off += i + len(sep)
	}
}

// imageEditor returns the editor named in an image's metadata: a JPEG's comment, EXIF or XMP
// segments, a PNG's text chunks. Only the metadata is read, never the pixels.
func imageEditor(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8}):
		for i := 2; i+4 <= len(data); {
			if data[i] != 0xFF {
				return ""
			}
			marker := data[i+1]
			if marker == 0xDA || marker == 0xD9 { // start of scan: metadata is over
				return ""
			}
			n := int(binary.BigEndian.Uint16(data[i+2:]))
			end := min(len(data), i+2+n)
			if marker == 0xFE || (marker >= 0xE0 && marker <= 0xEF) {
				if e := editorIn(string(data[i+4 : end])); e != "" {
					return e
				}
			}
			i = i + 2 + n
		}
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		for i := 8; i+12 <= len(data); {
			n := int(binary.BigEndian.Uint32(data[i:]))
			typ := string(data[i+4 : i+8])
			if n < 0 || n > len(data) {
				return ""
			}
			end := min(len(data), i+8+n)
			if typ == "tEXt" || typ == "iTXt" || typ == "zTXt" {
				if e := editorIn(string(data[i+8 : end])); e != "" {
					return e
				}
			}
			if typ == "IDAT" || typ == "IEND" {
				return ""
			}
			i = end + 4
		}
	}
	return ""
}
