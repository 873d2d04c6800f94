package imagecheck

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/png"

	"github.com/kycd/kycd/kyc"
)

// Limits bound what an uploaded image may be before kycd spends memory or time on it. Every
// dimension limit is checked on the header, before the pixels are decoded.
type Limits struct {
	// MaxBytes is the largest file accepted. Default 2 MiB: PRODUCT.md's default; a phone photo
	// of a card re-encoded by the capture page is well under it, and it bounds upload and storage.
	MaxBytes int64
	// MaxPixels is the largest width×height decoded. Default 50 MP: above any phone's main
	// camera in default mode (12–48 MP) while keeping a decoded RGBA copy under 200 MB; more is
	// either a decompression bomb (a few KB of file announcing gigapixels) or a needless burden.
	MaxPixels int
	// MaxSide is the longest side accepted. Default 12000 px: a 48 MP 4:3 photo is 8000 px wide,
	// so longer sides are panoramas or crafted headers (e.g. 1×50,000,000) that pass MaxPixels.
	MaxSide int
	// MinSide is the shortest side below which a document cannot be read at all. Default 200
	// px: an ID card's smallest text is about 2 % of its width, so under 200 px it is under 4 px
	// tall and no OCR reads it. Smaller images get IMG_LOW_RESOLUTION.
	MinSide int
}

// DefaultLimits returns the limits documented on Limits.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 2 << 20, MaxPixels: 50_000_000, MaxSide: 12000, MinSide: 200}
}

// Decoded is an accepted image: its content format, its pixels with the EXIF orientation already
// applied (so Width and Height are as the applicant sees the photo), the orientation tag that was
// applied, and the SHA-256 of the uploaded bytes, which the caller compares with earlier uploads
// to report FILE_DUPLICATE_UPLOAD.
type Decoded struct {
	Format      string // "jpeg" or "png"
	Image       image.Image
	Width       int
	Height      int
	Orientation int // EXIF orientation 1..8 that was applied; 1 when absent
	SHA256      [32]byte
}

// Format names returned by Sniff.
const (
	FormatJPEG    = "jpeg"
	FormatPNG     = "png"
	FormatUnknown = "unknown"
)

// Sniff names a file's format from its first bytes, never from a file name or a client's
// content type, which the applicant controls. Besides JPEG and PNG it recognises the formats
// people commonly upload by mistake, so the finding says what was sent.
func Sniff(data []byte) string {
	has := func(off int, sig string) bool {
		return len(data) >= off+len(sig) && string(data[off:off+len(sig)]) == sig
	}
	switch {
	case has(0, "\xff\xd8\xff"):
		return FormatJPEG
	case has(0, "\x89PNG\r\n\x1a\n"):
		return FormatPNG
	case has(0, "GIF87a"), has(0, "GIF89a"):
		return "gif"
	case has(0, "RIFF") && has(8, "WEBP"):
		return "webp"
	case has(0, "%PDF-"):
		return "pdf"
	case has(0, "BM"):
		return "bmp"
	case has(0, "II*\x00"), has(0, "MM\x00*"):
		return "tiff"
	case has(4, "ftypheic"), has(4, "ftypheix"), has(4, "ftypmif1"), has(4, "ftypmsf1"), has(4, "ftypheif"):
		return "heic"
	case has(4, "ftypavif"):
		return "avif"
	case has(0, "\x00\x00\x00\x0cjP  "), has(0, "\xff\x4f\xff\x51"):
		return "jpeg2000"
	case has(0, "PK\x03\x04"):
		return "zip"
	}
	return FormatUnknown
}

// CheckFile runs the file-level checks on an uploaded image and decodes it. It returns either the
// decoded image and no finding, or nil and at least one finding, in this order of precedence:
// FILE_FORMAT_UNSUPPORTED (content is not JPEG or PNG), FILE_TOO_LARGE (too many bytes, or a
// header announcing more pixels or a longer side than the limits: a decompression bomb is refused
// before any pixel is allocated), FILE_CORRUPTED (unreadable header, zero size, truncated or
// damaged data), IMG_LOW_RESOLUTION (shortest side under MinSide). Zero fields of lim take
// their defaults.
//
// Oversized dimensions are reported as FILE_TOO_LARGE, not FILE_CORRUPTED: the file may be a
// perfectly valid photo from a high-resolution camera, and the applicant's remedy ("take the
// photo again at a lower resolution") is the same whether it is genuine or crafted. The detail
// says which limit was hit ("limit": "bytes", "pixels" or "side").
//
// Findings use the catalogue's step (identity) and no side; the caller sets Side and, for a
// selfie or proof of address, Step.
func CheckFile(data []byte, lim Limits) (*Decoded, []kyc.Finding) {
	lim = lim.withDefaults()
	format := Sniff(data)
	if format != FormatJPEG && format != FormatPNG {
		return nil, []kyc.Finding{kyc.NewFinding(kyc.FileFormatUnsupported, kyc.SideNone, map[string]any{
			"detected_type": format, "accepted": []string{FormatJPEG, FormatPNG},
		})}
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, []kyc.Finding{kyc.NewFinding(kyc.FileTooLarge, kyc.SideNone, map[string]any{
			"limit": "bytes", "size_bytes": len(data), "max_bytes": lim.MaxBytes,
		})}
	}
	cfg, err := decodeConfig(data, format)
	if err != nil {
		return nil, corrupted(format, "header", err)
	}
	w, h := cfg.Width, cfg.Height
	if w <= 0 || h <= 0 {
		return nil, corrupted(format, "header", fmt.Errorf("zero dimension %dx%d", w, h))
	}
	if w > lim.MaxSide || h > lim.MaxSide {
		return nil, []kyc.Finding{kyc.NewFinding(kyc.FileTooLarge, kyc.SideNone, map[string]any{
			"limit": "side", "width": w, "height": h, "max_side": lim.MaxSide,
		})}
	}
	if int64(w)*int64(h) > int64(lim.MaxPixels) {
		return nil, []kyc.Finding{kyc.NewFinding(kyc.FileTooLarge, kyc.SideNone, map[string]any{
			"limit": "pixels", "width": w, "height": h, "pixels": int64(w) * int64(h), "max_pixels": lim.MaxPixels,
		})}
	}
	img, err := decodeImage(data, format)
	if err != nil {
		return nil, corrupted(format, "data", err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		return nil, corrupted(format, "data", fmt.Errorf("decoded %dx%d, header says %dx%d", b.Dx(), b.Dy(), w, h))
	}
	orient := 1
	if format == FormatJPEG {
		orient = JPEGOrientation(data)
	}
	img = ApplyOrientation(img, orient)
	b := img.Bounds()
	if min(b.Dx(), b.Dy()) < lim.MinSide {
		return nil, []kyc.Finding{kyc.NewFinding(kyc.ImgLowResolution, kyc.SideNone, map[string]any{
			"measure": "min_side_px", "width": b.Dx(), "height": b.Dy(), "min_side_px": min(b.Dx(), b.Dy()),
			"threshold": lim.MinSide,
		})}
	}
	return &Decoded{Format: format, Image: img, Width: b.Dx(), Height: b.Dy(), Orientation: orient,
		SHA256: sha256.Sum256(data)}, nil
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = d.MaxPixels
	}
	if l.MaxSide <= 0 {
		l.MaxSide = d.MaxSide
	}
	if l.MinSide <= 0 {
		l.MinSide = d.MinSide
	}
	return l
}

func corrupted(format, where string, err error) []kyc.Finding {
	return []kyc.Finding{kyc.NewFinding(kyc.FileCorrupted, kyc.SideNone, map[string]any{
		"format": format, "stage": where, "error": err.Error(),
	})}
}

var (
	errUnknownFormat = errors.New("imagecheck: unknown format")
	errTruncated     = errors.New("jpeg: no end-of-image marker after the scan (truncated file)")
)

func decodeConfig(data []byte, format string) (image.Config, error) {
	switch format {
	case FormatJPEG:
		return jpegConfig(data)
	case FormatPNG:
		return png.DecodeConfig(bytes.NewReader(data))
	}
	return image.Config{}, errUnknownFormat
}

func decodeImage(data []byte, format string) (img image.Image, err error) {
	// The standard decoders do not panic on bad input by design; this guard keeps a decoder bug
	// from taking the process down with an applicant's file.
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("decoder panic: %v", r)
		}
	}()
	switch format {
	case FormatJPEG:
		// libjpeg only warns on a file cut short and fills the rest with grey: refuse it in
		// both builds, so they report FILE_CORRUPTED for the same files.
		if !jpegComplete(data) {
			return nil, errTruncated
		}
		return decodeJPEG(data)
	case FormatPNG:
		return png.Decode(bytes.NewReader(data))
	}
	return nil, errUnknownFormat
}
