package synth

import (
	"image"

	xdraw "golang.org/x/image/draw"
)

// This file lets a sample carry a given face photo as its document portrait (Spec.Portrait), so
// that the face engine can be evaluated on documents whose holder is known: the portrait of a
// labelled face photo, printed, photographed and degraded like any other sample.

// pastePortrait prints a given portrait over a rendered document's portrait box, scaled to cover
// the box and cropped around its centre (the caller frames the photo as an identity photo: head
// and shoulders). renderDoc adds the portrait box first to the document's data areas, for every
// kind.
func pastePortrait(doc flatDoc, src image.Image) {
	if src == nil || len(doc.data) == 0 {
		return
	}
	box := doc.data[0]
	sb := src.Bounds()
	if box.Empty() || sb.Empty() {
		return
	}
	// The largest centred part of src with the box's aspect ratio.
	crop := sb
	if sb.Dx()*box.Dy() > sb.Dy()*box.Dx() {
		w := sb.Dy() * box.Dx() / box.Dy()
		crop.Min.X += (sb.Dx() - w) / 2
		crop.Max.X = crop.Min.X + w
	} else {
		h := sb.Dx() * box.Dy() / box.Dx()
		crop.Min.Y += (sb.Dy() - h) / 2
		crop.Max.Y = crop.Min.Y + h
	}
	xdraw.CatmullRom.Scale(doc.img, box, src, crop, xdraw.Src, nil)
}
