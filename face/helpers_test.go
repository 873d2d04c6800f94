package face

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	xdraw "golang.org/x/image/draw"

	"github.com/kycd/kycd/imagecheck"
)

// fixtures is the public face photo set, read in place.
const fixtures = "../../shared/testdata/faces_face_recognition/images"

var decoded sync.Map // path → image.Image

// loadT decodes a fixture (with its EXIF orientation) once per test binary, skipping the test
// when the fixtures are absent. The image is shared: callers must not modify it.
func loadT(tb testing.TB, name string) image.Image {
	tb.Helper()
	path := name
	if !filepath.IsAbs(name) && filepath.Dir(name) == "." {
		path = filepath.Join(fixtures, name)
	}
	if img, ok := decoded.Load(path); ok {
		return img.(image.Image)
	}
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		tb.Skipf("fixture %s absent (../shared/testdata not present on this machine)", path)
	}
	if err != nil {
		tb.Fatal(err)
	}
	img, format, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	if format == "jpeg" {
		img = imagecheck.ApplyOrientation(img, imagecheck.JPEGOrientation(b))
	}
	decoded.Store(path, img)
	return img
}

var small sync.Map // path → func() image.Image

// loadSmall is loadT shrunk so that its long side is at most 640 pixels, decoded once per test
// binary: the engine tests run every photo through JPEG encoding, decoding and the samplers,
// which the race detector slows down in proportion to the pixels.
func loadSmall(tb testing.TB, name string) image.Image {
	tb.Helper()
	img := loadT(tb, name)
	f, _ := small.LoadOrStore(name, sync.OnceValue(func() image.Image {
		b := img.Bounds()
		k := 640 / float64(max(b.Dx(), b.Dy()))
		if k >= 1 {
			return img
		}
		out := image.NewRGBA(image.Rect(0, 0, int(float64(b.Dx())*k), int(float64(b.Dy())*k)))
		xdraw.ApproxBiLinear.Scale(out, out.Bounds(), img, b, xdraw.Src, nil)
		return out
	}))
	return f.(func() image.Image)()
}

// cpuTime is the process's user and system CPU time so far. Benchmarks report it per
// operation (cpu-ms/op) next to the wall time, which on a shared, loaded machine measures the
// load as much as the code.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per operation since start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
