package check

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"

	"github.com/kycd/kycd/kyc"
)

// PDFInfo is what the file-level PDF check learned.
type PDFInfo struct {
	// Pages is the number of page objects found, counting those inside compressed object
	// streams (0 when the streams could not be inflated within the check's budget).
	Pages int
}

var (
	pageRe    = regexp.MustCompile(`/Type\s*/Page(?:[^s]|$)`)
	headerRe  = regexp.MustCompile(`^%PDF-[12]\.\d`)
	encryptRe = regexp.MustCompile(`/Encrypt\s*(?:\d+\s+\d+\s+R|<<)`)
	objStmRe  = regexp.MustCompile(`/Type\s*/ObjStm\b`)
)

// maxInflate bounds the bytes inflated from object streams to count pages.
const maxInflate = 16 << 20

// CheckPDF is the file-level check of a PDF proof of address: the content is a PDF (header
// %PDF-1.x or 2.x), within the size limit, complete (ends with %%EOF), not encrypted, with at
// least one page (counted in the file and in its compressed object streams). Reading its text
// and rendering its pages belong to the proof-of-address engine, which reports FILE_CORRUPTED
// for files that pass here but that its PDF reader cannot parse. Each refusal's detail says in
// plain words what is wrong ("problem").
func CheckPDF(data []byte, maxBytes int64) (*PDFInfo, []kyc.Finding) {
	f := func(code kyc.Code, detail map[string]any) []kyc.Finding {
		fd := kyc.NewFinding(code, kyc.SidePOA, detail)
		fd.Step = kyc.StepProofOfAddress
		return []kyc.Finding{fd}
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return nil, f(kyc.FileFormatUnsupported, map[string]any{"accepted": []string{"jpeg", "png", "pdf"}})
	}
	if int64(len(data)) > maxBytes {
		return nil, f(kyc.FileTooLarge, map[string]any{"size_bytes": len(data), "max_bytes": maxBytes})
	}
	if !headerRe.Match(data[:min(len(data), 16)]) {
		return nil, f(kyc.FileCorrupted, map[string]any{"problem": "damaged PDF: the header has no valid version"})
	}
	tail := data[max(0, len(data)-1024):]
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return nil, f(kyc.FileCorrupted, map[string]any{"problem": "truncated PDF: no end-of-file marker; upload the complete file"})
	}
	if encryptRe.Match(data) {
		return nil, f(kyc.FileCorrupted, map[string]any{"problem": "encrypted PDF: export it without a password"})
	}
	pages := len(pageRe.FindAllIndex(data, -1))
	compressed := objStmRe.Match(data)
	if compressed {
		pages += objStmPages(data)
	}
	if pages == 0 && !compressed {
		return nil, f(kyc.FileCorrupted, map[string]any{"problem": "damaged PDF: no pages found"})
	}
	return &PDFInfo{Pages: pages}, nil
}

// objStmPages counts the page objects inside the file's compressed object streams.
func objStmPages(data []byte) int {
	pages, budget := 0, maxInflate
	for _, loc := range objStmRe.FindAllIndex(data, 256) {
		rest := data[loc[1]:]
		i := bytes.Index(rest, []byte("stream"))
		if i < 0 || budget <= 0 {
			break
		}
		body := bytes.TrimLeft(rest[i+6:], "\r\n")
		j := bytes.Index(body, []byte("endstream"))
		if j < 0 {
			continue
		}
		z, err := zlib.NewReader(bytes.NewReader(body[:j]))
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(io.LimitReader(z, int64(budget)))
		budget -= len(b)
		pages += len(pageRe.FindAllIndex(b, -1))
	}
	return pages
}
