package ocr

import (
	"context"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"strings"
	"testing"
)

// TestDebugRead prints what the engine reads from the images named in $OCR_DEBUG_IMAGE
// (comma-separated), for a developer tuning the engine on their own files; it is skipped
// otherwise. It prints document text: never point it at real applicants' documents in CI logs.
func TestDebugRead(t *testing.T) {
	files := os.Getenv("OCR_DEBUG_IMAGE")
	if files == "" {
		t.Skip("set OCR_DEBUG_IMAGE to a comma-separated list of images")
	}
	e := setup(t)
	for _, f := range strings.Split(files, ",") {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := image.Decode(fh)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.Read(context.Background(), img)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s %dx%d timings %v", f, p.Width, p.Height, p.Timings)
		for _, l := range p.Lines {
			t.Logf("  %.2f %q mrz=%q boxes=%d", l.Confidence, l.Text, l.MRZ, len(l.Boxes))
		}
	}
}
