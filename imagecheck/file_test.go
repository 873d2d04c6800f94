package imagecheck

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/kycd/kycd/kyc"
)

// testImage is a w×h picture whose top-left quarter is red and the rest grey, so a test can
// see where the top-left corner went after an orientation.
func testImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{128, 128, 128, 255}
			if x < w/2 && y < h/2 {
				c = color.NRGBA{220, 20, 20, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withEXIFOrientation inserts an APP1 Exif segment carrying orientation o right after SOI.
func withEXIFOrientation(jpg []byte, o int, bo binary.ByteOrder) []byte {
	tiff := make([]byte, 8+2+12+4)
	if bo == binary.LittleEndian {
		copy(tiff, "II")
	} else {
		copy(tiff, "MM")
	}
	bo.PutUint16(tiff[2:], 42)
	bo.PutUint32(tiff[4:], 8)
	bo.PutUint16(tiff[8:], 1)
	e := tiff[10:]
	bo.PutUint16(e[0:], 0x0112)
	bo.PutUint16(e[2:], 3)
	bo.PutUint32(e[4:], 1)
	bo.PutUint16(e[8:], uint16(o))
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	app1 = append(app1, seg...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	return append(out, jpg[2:]...)
}

// pngHeaderOnly is a PNG signature and an IHDR chunk announcing w×h, with a valid CRC and no
// pixel data: what a decompression bomb's header looks like to DecodeConfig.
func pngHeaderOnly(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr...)
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], 13)
	b.Write(n[:])
	b.Write(chunk)
	binary.BigEndian.PutUint32(n[:], crc32.ChecksumIEEE(chunk))
	b.Write(n[:])
	return b.Bytes()
}

func TestCheckFile(t *testing.T) {
	t.Parallel()
	okPNG := encodePNG(t, testImage(320, 240))
	okJPEG := encodeJPEG(t, testImage(320, 240), 90)
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, testImage(300, 300), nil); err != nil {
		t.Fatal(err)
	}
	big := encodeJPEG(t, testImage(1000, 800), 100)
	tests := []struct {
		name   string
		data   []byte
		lim    Limits
		code   kyc.Code // "" means accepted
		detail map[string]any
		format string
	}{
		{name: "png", data: okPNG, format: "png"},
		{name: "jpeg", data: okJPEG, format: "jpeg"},
		{name: "gif", data: gifBuf.Bytes(), code: kyc.FileFormatUnsupported, detail: map[string]any{"detected_type": "gif"}},
		{name: "pdf", data: []byte("%PDF-1.7\n..."), code: kyc.FileFormatUnsupported, detail: map[string]any{"detected_type": "pdf"}},
		{name: "heic", data: []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"), code: kyc.FileFormatUnsupported, detail: map[string]any{"detected_type": "heic"}},
		{name: "empty", data: nil, code: kyc.FileFormatUnsupported, detail: map[string]any{"detected_type": "unknown"}},
		{name: "text renamed .jpg", data: []byte("hello, I am not a photo"), code: kyc.FileFormatUnsupported},
		{name: "too many bytes", data: big, lim: Limits{MaxBytes: int64(len(big) - 1)}, code: kyc.FileTooLarge,
			detail: map[string]any{"limit": "bytes", "size_bytes": len(big), "max_bytes": int64(len(big) - 1)}},
		{name: "bomb pixels", data: pngHeaderOnly(10000, 10000), code: kyc.FileTooLarge,
			detail: map[string]any{"limit": "pixels", "max_pixels": 50_000_000}},
		{name: "bomb side", data: pngHeaderOnly(1, 20000), code: kyc.FileTooLarge, detail: map[string]any{"limit": "side"}},
		{name: "header only", data: pngHeaderOnly(400, 300), code: kyc.FileCorrupted, detail: map[string]any{"stage": "data"}},
		{name: "zero width", data: pngHeaderOnly(0, 300), code: kyc.FileCorrupted, detail: map[string]any{"stage": "header"}},
		{name: "truncated jpeg", data: okJPEG[:len(okJPEG)/2], code: kyc.FileCorrupted},
		{name: "truncated png", data: okPNG[:len(okPNG)-40], code: kyc.FileCorrupted},
		{name: "jpeg magic only", data: []byte{0xFF, 0xD8, 0xFF, 0xE0}, code: kyc.FileCorrupted, detail: map[string]any{"stage": "header"}},
		{name: "tiny", data: encodePNG(t, testImage(150, 120)), code: kyc.ImgLowResolution,
			detail: map[string]any{"min_side_px": 120, "threshold": 200}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, fs := CheckFile(tc.data, tc.lim)
			if tc.code == "" {
				if len(fs) != 0 || d == nil {
					t.Fatalf("want accepted, got %v", fs)
				}
				if d.Format != tc.format || d.Width != 320 || d.Height != 240 || d.Orientation != 1 {
					t.Fatalf("decoded %+v", d)
				}
				if d.SHA256 != sha256.Sum256(tc.data) {
					t.Fatal("SHA256 is not the hash of the bytes")
				}
				return
			}
			if d != nil || len(fs) != 1 {
				t.Fatalf("want one finding and no image, got %v, %v", d, fs)
			}
			f := fs[0]
			if f.Code != tc.code || f.Step != kyc.StepIdentity || f.Side != kyc.SideNone {
				t.Fatalf("finding %+v, want code %s", f, tc.code)
			}
			for k, v := range tc.detail {
				if f.Detail[k] != v {
					t.Errorf("detail[%s] = %v (%T), want %v (%T)", k, f.Detail[k], f.Detail[k], v, v)
				}
			}
		})
	}
}

func TestCheckFileOrientation(t *testing.T) {
	t.Parallel()
	base := encodeJPEG(t, testImage(400, 240), 95)
	// Where the red (originally top-left) quarter lands, as a point inside it, for each tag.
	tests := []struct {
		o      int
		w, h   int
		redAt  image.Point
		greyAt image.Point
	}{
		{1, 400, 240, image.Pt(50, 30), image.Pt(350, 30)},
		{2, 400, 240, image.Pt(350, 30), image.Pt(50, 30)},
		{3, 400, 240, image.Pt(350, 210), image.Pt(50, 30)},
		{4, 400, 240, image.Pt(50, 210), image.Pt(50, 30)},
		{5, 240, 400, image.Pt(30, 50), image.Pt(210, 50)},
		{6, 240, 400, image.Pt(210, 50), image.Pt(30, 50)},
		{7, 240, 400, image.Pt(210, 350), image.Pt(30, 50)},
		{8, 240, 400, image.Pt(30, 350), image.Pt(30, 50)},
	}
	for _, tc := range tests {
		for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			t.Run("", func(t *testing.T) {
				t.Parallel()
				data := withEXIFOrientation(base, tc.o, bo)
				if got := JPEGOrientation(data); got != tc.o {
					t.Fatalf("JPEGOrientation = %d, want %d", got, tc.o)
				}
				d, fs := CheckFile(data, Limits{})
				if len(fs) != 0 {
					t.Fatal(fs)
				}
				if d.Orientation != tc.o || d.Width != tc.w || d.Height != tc.h {
					t.Fatalf("o=%d got %dx%d o=%d", tc.o, d.Width, d.Height, d.Orientation)
				}
				if _, ok := d.Image.(*image.YCbCr); !ok {
					t.Errorf("o=%d: image became %T, want *image.YCbCr kept", tc.o, d.Image)
				}
				r, g, b, _ := d.Image.At(tc.redAt.X, tc.redAt.Y).RGBA()
				if r>>8 < 180 || g>>8 > 80 || b>>8 > 80 {
					t.Errorf("o=%d: want red at %v, got %d,%d,%d", tc.o, tc.redAt, r>>8, g>>8, b>>8)
				}
				r, _, _, _ = d.Image.At(tc.greyAt.X, tc.greyAt.Y).RGBA()
				if r>>8 > 160 {
					t.Errorf("o=%d: want grey at %v", tc.o, tc.greyAt)
				}
			})
		}
	}
}

func TestApplyOrientationKinds(t *testing.T) {
	t.Parallel()
	src := testImage(41, 23) // odd sizes exercise chroma rounding
	ycc := image.NewYCbCr(src.Rect, image.YCbCrSubsampleRatio422)
	for y := 0; y < 23; y++ {
		for x := 0; x < 41; x++ {
			c := src.NRGBAAt(x, y)
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			ycc.Y[ycc.YOffset(x, y)] = yy
			ycc.Cb[ycc.COffset(x, y)] = cb
			ycc.Cr[ycc.COffset(x, y)] = cr
		}
	}
	gray := image.NewGray(src.Rect)
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i)
	}
	for _, img := range []image.Image{src, ycc, gray, image.NewRGBA64(src.Rect)} {
		for o := 1; o <= 8; o++ {
			out := ApplyOrientation(img, o)
			w, h := orientedSize(41, 23, o)
			if out.Bounds() != image.Rect(0, 0, w, h) {
				t.Fatalf("%T o=%d bounds %v", img, o, out.Bounds())
			}
			// Applying 6 then 8 (or 3 twice, or any mirror twice) gives back the original.
			inv := map[int]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6}[o]
			back := ApplyOrientation(out, inv)
			for y := 0; y < 23; y += 5 {
				for x := 0; x < 41; x += 5 {
					r1, g1, b1, _ := img.At(x, y).RGBA()
					r2, g2, b2, _ := back.At(x, y).RGBA()
					if r1 != r2 || g1 != g2 || b1 != b2 {
						t.Fatalf("%T o=%d round trip differs at %d,%d", img, o, x, y)
					}
				}
			}
		}
	}
}

func TestJPEGOrientationMalformed(t *testing.T) {
	t.Parallel()
	base := encodeJPEG(t, testImage(64, 64), 80)
	good := withEXIFOrientation(base, 6, binary.BigEndian)
	tests := map[string][]byte{
		"none":          base,
		"not jpeg":      []byte("nope"),
		"value 0":       withEXIFOrientation(base, 0, binary.BigEndian),
		"value 9":       withEXIFOrientation(base, 9, binary.LittleEndian),
		"cut in exif":   good[:20],
		"bad length":    append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}, good[6:40]...),
		"bad tiff":      bytes.Replace(good, []byte("MM"), []byte("XX"), 1),
		"bad ifd offs":  bytes.Replace(good, []byte{0, 0, 0, 8, 0, 1}, []byte{0xFF, 0, 0, 8, 0, 1}, 1),
		"only soi":      {0xFF, 0xD8},
		"garbage after": {0xFF, 0xD8, 0x00, 0x00, 0x00},
	}
	for name, data := range tests {
		if got := JPEGOrientation(data); got != 1 {
			t.Errorf("%s: orientation %d, want 1", name, got)
		}
	}
}

func FuzzCheckFile(f *testing.F) {
	small := testImage(210, 220)
	f.Add(encodePNG(f, small))
	f.Add(encodeJPEG(f, small, 75))
	f.Add(withEXIFOrientation(encodeJPEG(f, small, 60), 6, binary.LittleEndian))
	f.Add(pngHeaderOnly(60000, 60000))
	f.Add(pngHeaderOnly(300, 300))
	gray := image.NewGray(image.Rect(0, 0, 200, 200))
	f.Add(encodeJPEG(f, gray, 50))
	f.Add([]byte{0xFF, 0xD8, 0xFF})
	lim := Limits{MaxBytes: 1 << 20, MaxPixels: 4_000_000, MaxSide: 4000, MinSide: 200}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, fs := CheckFile(data, lim)
		if (d == nil) == (len(fs) == 0) {
			t.Fatalf("want exactly one of image or findings, got %v and %d findings", d != nil, len(fs))
		}
		for _, fd := range fs {
			if !fd.Code.Known() {
				t.Fatalf("unknown code %s", fd.Code)
			}
		}
		if d != nil {
			if b := d.Image.Bounds(); b.Dx() != d.Width || b.Dy() != d.Height || min(d.Width, d.Height) < 200 {
				t.Fatalf("bad decoded %dx%d bounds %v", d.Width, d.Height, b)
			}
		}
	})
}

// FuzzJPEGOrientation feeds arbitrary APP1 segments to the EXIF reader: it must not panic and
// must return a valid orientation (1..8).
func FuzzJPEGOrientation(f *testing.F) {
	base := encodeJPEG(f, testImage(210, 220), 60)
	f.Add(withEXIFOrientation(base, 6, binary.LittleEndian))
	f.Add(withEXIFOrientation(base, 3, binary.BigEndian))
	f.Add(base)
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00II*\x00\x08\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := JPEGOrientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}

// FuzzAssess runs the whole upload path (file checks, decoding, localisation and measures) on
// arbitrary bytes: whatever decodes must be assessed without panicking, with a consistent report.
func FuzzAssess(f *testing.F) {
	f.Add(encodeJPEG(f, testImage(240, 200), 70))
	f.Add(encodePNG(f, testImage(200, 260)))
	f.Add(withEXIFOrientation(encodeJPEG(f, testImage(300, 200), 50), 8, binary.BigEndian))
	lim := Limits{MaxBytes: 256 << 10, MaxPixels: 600_000, MaxSide: 1500, MinSide: 200}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, _ := CheckFile(data, lim)
		if d == nil {
			return
		}
		rep := Assess(d.Image, kyc.SideFront, Thresholds{})
		if rep.Found && rep.Has(kyc.DocNotFoundInImage) || !rep.Found && len(rep.Findings) == 0 {
			t.Fatalf("found %v with findings %v", rep.Found, rep.Findings)
		}
		for _, fd := range rep.Findings {
			if !fd.Code.Known() {
				t.Fatalf("unknown code %s", fd.Code)
			}
		}
	})
}
