package poa_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/kycd/kycd/poa"
	"github.com/kycd/kycd/poa/poagen"
)

// benchEngine loads the OCR models, or skips when they are absent (scripts/models.sh fetches
// them).
func benchEngine(b *testing.B, cfg poa.Config) *poa.Engine {
	b.Helper()
	needPoppler(b)
	eng := poa.New(cfg)
	if err := eng.Load(); err != nil {
		b.Skipf("OCR models unavailable: %v", err)
	}
	b.Cleanup(func() { eng.Close() })
	return eng
}

func benchDoc(b *testing.B, f poagen.Format, cfg poa.Config) {
	eng := benchEngine(b, cfg)
	s, err := poagen.Render(poagen.Spec{Seed: 42, Lang: "en", Format: f, Case: poagen.CaseOK, Now: now})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var last map[string]float64
	cpu0 := cpuTime()
	for b.Loop() {
		a, err := eng.Analyse(ctx, s.Data, nil, &s.Profile, advanced, now)
		if err != nil {
			b.Fatal(err)
		}
		if len(a.Findings) != 0 {
			b.Fatalf("findings on a good document: %v", a.Findings)
		}
		last = a.Measurements
	}
	// CPU time of this process and of the poppler programs it ran, per document: on a busy
	// machine a better guide to the one-core time than the wall clock.
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu_ms/op")
	b.ReportMetric(last["read_ms"], "read_ms")
	b.ReportMetric(last["ocr_det_ms"], "det_ms")
	b.ReportMetric(last["ocr_rec_ms"], "rec_ms")
}

// BenchmarkScannedPDF is one A4 page without a text layer: pdfinfo, pdftotext, pdftoppm at
// 150 DPI, OCR, and the checks. Run with GOMAXPROCS=1 for the one-core figure.
func BenchmarkScannedPDF(b *testing.B) { benchDoc(b, poagen.PDFScan, poa.Config{}) }

// BenchmarkScannedPDF100DPI rasterises at 100 DPI instead of 150.
func BenchmarkScannedPDF100DPI(b *testing.B) { benchDoc(b, poagen.PDFScan, poa.Config{DPI: 100}) }

// BenchmarkTextPDF is one page with a text layer (no OCR).
func BenchmarkTextPDF(b *testing.B) { benchDoc(b, poagen.PDFText, poa.Config{}) }

// BenchmarkPhoto is a 1200×1600 phone photo of a printed bill.
func BenchmarkPhoto(b *testing.B) { benchDoc(b, poagen.Photo, poa.Config{}) }

// cpuTime is the user and system time of the process and its waited-for children.
func cpuTime() time.Duration {
	var t time.Duration
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if syscall.Getrusage(who, &ru) == nil {
			t += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	return t
}
