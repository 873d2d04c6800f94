package check

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"testing"

	"github.com/kycd/kycd/kyc"
)

func objStmPDF(t testing.TB, pages int) []byte {
	t.Helper()
	var inner bytes.Buffer
	for i := 0; i < pages; i++ {
		fmt.Fprintf(&inner, "<< /Type /Page /Parent 2 0 R >>\n")
	}
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(inner.Bytes())
	w.Close()
	return []byte(fmt.Sprintf("%%PDF-1.5\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"+
		"5 0 obj << /Type /ObjStm /N %d /First 0 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n"+
		"startxref\n0\n%%%%EOF\n", pages, z.Len(), z.Bytes()))
}

func TestCheckPDFCases(t *testing.T) {
	cases := []struct {
		name    string
		data    []byte
		code    kyc.Code
		pages   int
		problem bool
	}{
		{"minimal", []byte(minimalPDF), "", 1, false},
		{"pages in an object stream", objStmPDF(t, 2), "", 2, false},
		{"bad version", []byte("%PDF-x.y\n" + minimalPDF[9:]), kyc.FileCorrupted, 0, true},
		{"encrypted, dictionary inline", []byte(minimalPDF[:len(minimalPDF)-6] + "trailer << /Encrypt << /Filter /Standard >> >>\n%%EOF\n"), kyc.FileCorrupted, 0, true},
		{"the word Encrypt in text is not encryption", []byte(minimalPDF[:20] + "(/Encrypted) Tj\n" + minimalPDF[20:]), "", 1, false},
		{"no pages", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"), kyc.FileCorrupted, 0, true},
		{"pages tree is not a page", []byte("%PDF-1.4\n1 0 obj << /Type /Pages /Count 0 >> endobj\n%%EOF\n"), kyc.FileCorrupted, 0, true},
		{"not a PDF", []byte("GIF89a"), kyc.FileFormatUnsupported, 0, false},
	}
	for _, c := range cases {
		info, fs := CheckPDF(c.data, 1<<20)
		if c.code == "" {
			if len(fs) != 0 || info == nil || info.Pages != c.pages {
				t.Errorf("%s: info %+v findings %v, want %d pages", c.name, info, fs, c.pages)
			}
			continue
		}
		if len(fs) != 1 || fs[0].Code != c.code || fs[0].Step != kyc.StepProofOfAddress || fs[0].Side != kyc.SidePOA {
			t.Errorf("%s: findings %v, want %s on the proof of address", c.name, fs, c.code)
			continue
		}
		if p, _ := fs[0].Detail["problem"].(string); c.problem && p == "" {
			t.Errorf("%s: no problem in the detail", c.name)
		}
	}
}

func FuzzCheckPDFObjectStreams(f *testing.F) {
	f.Add(objStmPDF(f, 1))
	f.Add([]byte("%PDF-1.5\n/Type /ObjStm stream\nx\x9c\x03\x00endstream\n%%EOF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, findings := CheckPDF(data, 1<<20)
		if (info == nil) == (len(findings) == 0) {
			t.Fatalf("want exactly one of info and findings: %v %v", info, findings)
		}
		if info != nil && info.Pages < 0 {
			t.Fatalf("negative page count")
		}
	})
}
