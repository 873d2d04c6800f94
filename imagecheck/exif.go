package imagecheck

import (
	"bytes"
	"encoding/binary"
)

// JPEGOrientation returns the EXIF orientation tag (1..8) of a JPEG file, or 1 when the file has
// no EXIF block, no orientation tag, or a malformed one. Phones store a portrait photo as
// landscape pixels plus orientation 6 or 8; Go's image/jpeg ignores the tag, so without this the
// document would be measured lying on its side.
//
// It walks the JPEG markers up to the first scan and reads only the APP1 "Exif" segment's IFD0:
// a few hundred bytes of bounds-checked parsing, no dependency.
func JPEGOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return 1
		}
		marker := data[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 {
			i += 2
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan / end of image: no EXIF before it
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[i+2 : i+4]))
		if n < 2 || i+2+n > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			if o := tiffOrientation(seg[6:]); o != 0 {
				return o
			}
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 from IFD0 of a TIFF structure; 0 when absent or invalid.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	if bo.Uint16(t[2:4]) != 42 {
		return 0
	}
	off := int(bo.Uint32(t[4:8]))
	if off < 8 || off+2 > len(t) {
		return 0
	}
	count := int(bo.Uint16(t[off : off+2]))
	for k := 0; k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 0
		}
		if bo.Uint16(t[e:e+2]) != 0x0112 {
			continue
		}
		typ, cnt := bo.Uint16(t[e+2:e+4]), bo.Uint32(t[e+4:e+8])
		if typ != 3 || cnt < 1 { // SHORT
			return 0
		}
		v := int(bo.Uint16(t[e+8 : e+10]))
		if v < 1 || v > 8 {
			return 0
		}
		return v
	}
	return 0
}

// jpegComplete reports whether a JPEG file has an end-of-image marker after its first scan,
// i.e. was not cut short in transfer. Marker segments before the scan (EXIF, with its own
// thumbnail and end marker inside) are skipped by their lengths.
func jpegComplete(data []byte) bool {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return false
	}
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return false
		}
		m := data[i+1]
		if m == 0xFF {
			i++
			continue
		}
		if m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01 {
			i += 2
			continue
		}
		if m == 0xD9 {
			return false // end before any scan
		}
		n := int(binary.BigEndian.Uint16(data[i+2 : i+4]))
		if m == 0xDA {
			return bytes.Contains(data[i+2+n:], []byte{0xFF, 0xD9})
		}
		if n < 2 {
			return false
		}
		i += 2 + n
	}
	return false
}
