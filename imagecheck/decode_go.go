//go:build !libjpeg || !cgo

package imagecheck

import (
	"bytes"
	"image"
	"image/jpeg"
)

// JPEGDecoder names the JPEG decoder this binary was built with: "go" (image/jpeg, pure Go, the
// default) or "libjpeg-turbo" (build tag libjpeg, cgo, Debian libjpeg62-turbo-dev; about four
// times faster on a 12 MP photo).
const JPEGDecoder = "go"

func decodeJPEG(data []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(data)) }

func jpegConfig(data []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(data)) }
