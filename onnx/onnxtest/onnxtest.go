// Package onnxtest gives the tests of model-backed packages one rule for a missing models
// folder: under CI (CI=true), where the setup step fetches the models before the tests, a missing
// model fails the test; on a developer's machine that has not run `make setup`, the test is
// skipped with the command that fixes it.
package onnxtest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kycd/kycd/onnx"
)

// Dir returns the models folder after checking that the runtime library and each named file
// (relative to the folder) are present; otherwise it fails (CI) or skips the test.
func Dir(tb testing.TB, files ...string) string {
	tb.Helper()
	dir := onnx.DefaultDir()
	lib := os.Getenv(onnx.EnvLibrary)
	if lib == "" {
		lib = filepath.Join(dir, onnx.LibraryFile)
	}
	paths := []string{lib}
	for _, f := range files {
		if !filepath.IsAbs(f) {
			f = filepath.Join(dir, f)
		}
		paths = append(paths, f)
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			if os.Getenv("CI") == "true" {
				tb.Fatalf("model file missing under CI: %v (the setup step, scripts/models.sh, must fetch it)", err)
			}
			tb.Skipf("models not fetched (%v): run `make setup` or `bash scripts/models.sh`", err)
		}
	}
	return dir
}

// Runtime returns an initialised runtime on Dir's folder, failing or skipping as Dir does.
func Runtime(tb testing.TB, files ...string) *onnx.Runtime {
	tb.Helper()
	dir := Dir(tb, files...)
	rt, err := onnx.New(onnx.Config{Dir: dir})
	if err != nil {
		tb.Fatal(err)
	}
	return rt
}
