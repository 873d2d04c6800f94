package face

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/kycd/kycd/imagecheck"
)

// fixtures is the public face photo set, read in place.
const fixtures = "../../shared/testdata/faces_face_recognition/images"

// loadT decodes a fixture (with its EXIF orientation), skipping the test when the fixtures are
// absent.
func loadT(tb testing.TB, name string) image.Image {
	tb.Helper()
	path := name
	if !filepath.IsAbs(name) && filepath.Dir(name) == "." {
		path = filepath.Join(fixtures, name)
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
	return img
}
