package ocr

import (
	"sync"

	"github.com/kycd/kycd/onnx"
)

// Lazy is an OCR engine loaded on first use. A failed load is tried again on the next use, so a
// service whose models arrive after start-up recovers without a restart. One Lazy may serve
// several check engines (document reading, proof of address): the models are then loaded once.
// It is safe for concurrent use.
type Lazy struct {
	rt   onnx.Config
	opts Options
	mu   sync.Mutex
	eng  *Engine
}

// NewLazy returns an engine that loads the models from rt with opts when first needed.
func NewLazy(rt onnx.Config, opts Options) *Lazy { return &Lazy{rt: rt, opts: opts} }

// Get returns the loaded engine, loading it if needed.
func (l *Lazy) Get() (*Engine, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.eng != nil {
		return l.eng, nil
	}
	rt, err := onnx.New(l.rt)
	if err != nil {
		return nil, err
	}
	eng, err := New(rt, l.opts)
	if err != nil {
		return nil, err
	}
	l.eng = eng
	return eng, nil
}

// Close releases the models; a later Get loads them again. Closing twice is harmless.
func (l *Lazy) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.eng == nil {
		return nil
	}
	err := l.eng.Close()
	l.eng = nil
	return err
}
