package ocr_test

import (
	"testing"

	"github.com/kycd/kycd/ocr"
	"github.com/kycd/kycd/onnx"
	"github.com/kycd/kycd/onnx/onnxtest"
)

// TestLazy: a missing models folder is an error that a later use retries; with the models, every
// user gets the same engine until Close, after which the models load again.
func TestLazy(t *testing.T) {
	missing := ocr.NewLazy(onnx.Config{Dir: t.TempDir()}, ocr.Options{})
	if _, err := missing.Get(); err == nil {
		t.Fatal("loaded OCR from an empty folder")
	}
	if err := missing.Close(); err != nil {
		t.Fatalf("closing an unloaded engine: %v", err)
	}
	onnxtest.Dir(t, ocr.DetModel, ocr.RecModel, ocr.ClsModel, ocr.DictFile)
	l := ocr.NewLazy(onnx.Config{}, ocr.Options{})
	a, err := l.Get()
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Get()
	if err != nil || a != b {
		t.Fatalf("second Get: %v, same engine %v", err, a == b)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	c, err := l.Get()
	if err != nil || c == a {
		t.Fatalf("Get after Close: %v, reloaded %v", err, c != a)
	}
	l.Close()
}
