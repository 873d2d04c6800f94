package check

import (
	"bytes"
	"regexp"

	"github.com/kycd/kycd/kyc"
)

// PDFInfo is what the file-level PDF check learned.
type PDFInfo struct {
	Pages int
}

var pageRe = regexp.MustCompile(`/Type\s*/Page[^s]`)

// CheckPDF is the file-level check of a PDF proof of address: the content is a PDF, within the size
// limit, complete (ends with %%EOF), not encrypted, with at least one page. Reading its text and
// rendering its pages belong to the proof-of-address engine.
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
	tail := data[max(0, len(data)-1024):]
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return nil, f(kyc.FileCorrupted, map[string]any{"problem": "truncated: no end-of-file marker"})
	}
	if bytes.Contains(data, []byte("/Encrypt")) {
		return nil, f(kyc.FileCorrupted, map[string]any{"problem": "encrypted PDF: export it without a password"})
	}
	pages := len(pageRe.FindAllIndex(data, -1))
	if pages == 0 && !bytes.Contains(data, []byte("/ObjStm")) {
		return nil, f(kyc.FileCorrupted, map[string]any{"problem": "no pages found"})
	}
	return &PDFInfo{Pages: pages}, nil
}
