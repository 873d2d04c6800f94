package imagecheck

import (
	"image"
	"image/draw"
)

// ApplyOrientation returns img turned as EXIF orientation o (1..8) says the photo is meant to be
// seen; o of 1 or out of range returns img itself. JPEG photos (*image.YCbCr) are turned plane by
// plane, keeping their chroma subsampling (4:2:2 becomes 4:4:0 when the image turns a quarter),
// so a 12 MP photo is turned without a conversion to RGBA.
func ApplyOrientation(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	switch src := img.(type) {
	case *image.YCbCr:
		if out := orientYCbCr(src, o); out != nil {
			return out
		}
	case *image.Gray:
		w, h := src.Rect.Dx(), src.Rect.Dy()
		dw, dh := orientedSize(w, h, o)
		dst := image.NewGray(image.Rect(0, 0, dw, dh))
		orientPlane(dst.Pix, dst.Stride, src.Pix, src.Stride, 1, w, h, o)
		return dst
	case *image.NRGBA:
		w, h := src.Rect.Dx(), src.Rect.Dy()
		dw, dh := orientedSize(w, h, o)
		dst := image.NewNRGBA(image.Rect(0, 0, dw, dh))
		orientPlane(dst.Pix, dst.Stride, src.Pix, src.Stride, 4, w, h, o)
		return dst
	}
	b := img.Bounds()
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Rect, img, b.Min, draw.Src)
	dw, dh := orientedSize(b.Dx(), b.Dy(), o)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	orientPlane(dst.Pix, dst.Stride, rgba.Pix, rgba.Stride, 4, b.Dx(), b.Dy(), o)
	return dst
}

// orientedSize is the size after orientation o: orientations 5..8 swap the sides.
func orientedSize(w, h, o int) (int, int) {
	if o >= 5 {
		return h, w
	}
	return w, h
}

// orientPlane copies a w×h plane of bpp-byte pixels from src to dst turned by orientation o.
// src and dst start at their first pixel (Pix offset of the rectangle's minimum).
func orientPlane(dst []byte, dstStride int, src []byte, srcStride, bpp, w, h, o int) {
	for y := 0; y < h; y++ {
		row := src[y*srcStride:]
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			d := dy*dstStride + dx*bpp
			s := x * bpp
			copy(dst[d:d+bpp], row[s:s+bpp])
		}
	}
}

// orientYCbCr turns each plane of a YCbCr image; nil for subsampling ratios it does not map.
func orientYCbCr(src *image.YCbCr, o int) *image.YCbCr {
	ratio := src.SubsampleRatio
	if o >= 5 {
		switch ratio {
		case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio420:
		case image.YCbCrSubsampleRatio422:
			ratio = image.YCbCrSubsampleRatio440
		case image.YCbCrSubsampleRatio440:
			ratio = image.YCbCrSubsampleRatio422
		default:
			return nil
		}
	}
	r := src.Rect
	if r.Min.X != 0 || r.Min.Y != 0 {
		// A sub-image's chroma grid may not start on a sample boundary; take the slow path.
		return nil
	}
	w, h := r.Dx(), r.Dy()
	dw, dh := orientedSize(w, h, o)
	cw, ch := chromaSize(w, h, src.SubsampleRatio)
	dcw, dch := chromaSize(dw, dh, ratio)
	if ocw, och := orientedSize(cw, ch, o); ocw != dcw || och != dch {
		return nil
	}
	dst := image.NewYCbCr(image.Rect(0, 0, dw, dh), ratio)
	orientPlane(dst.Y, dst.YStride, src.Y, src.YStride, 1, w, h, o)
	orientPlane(dst.Cb, dst.CStride, src.Cb, src.CStride, 1, cw, ch, o)
	orientPlane(dst.Cr, dst.CStride, src.Cr, src.CStride, 1, cw, ch, o)
	return dst
}

func chromaSize(w, h int, r image.YCbCrSubsampleRatio) (int, int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	case image.YCbCrSubsampleRatio411:
		return (w + 3) / 4, h
	case image.YCbCrSubsampleRatio410:
		return (w + 3) / 4, (h + 1) / 2
	}
	return w, h
}
