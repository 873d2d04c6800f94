//go:build !cgo

package onnx

import (
	"context"
	"fmt"
)

// This build has no cgo, so no ONNX Runtime: every model-backed check reports itself
// unavailable (the pipeline retries and, in the end, escalates to a reviewer) instead of the
// binary failing to build.

// Runtime is unavailable without cgo.
type Runtime struct {
	cfg Config
}

// New reports that inference is unavailable in a build without cgo.
func New(cfg Config) (*Runtime, error) {
	return nil, fmt.Errorf("%w: this kycd was built without cgo, which ONNX Runtime needs", ErrUnavailable)
}

// Version is empty without a runtime.
func (r *Runtime) Version() string { return "" }

// Open reports that inference is unavailable.
func (r *Runtime) Open(model string) (*Session, error) {
	return nil, fmt.Errorf("%w: built without cgo", ErrUnavailable)
}

// Session is unavailable without cgo.
type Session struct {
	name            string
	inputs, outputs []IO
}

// Run reports that inference is unavailable.
func (s *Session) Run(ctx context.Context, inputs ...Tensor) ([]Tensor, error) {
	return nil, fmt.Errorf("%w: built without cgo", ErrUnavailable)
}

// Close does nothing.
func (s *Session) Close() error { return nil }
