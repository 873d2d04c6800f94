//go:build !cgo || nolibjpeg

package imagecheck

import (
	"bytes"
	"image"
	"image/jpeg"
)

// JPEGDecoder names the JPEG decoder this binary was built with: "libjpeg-turbo" (the default
// when cgo is on: Debian package libjpeg62-turbo-dev, about four times faster on a 12 MP photo)
// or "go" (image/jpeg, pure Go: CGO_ENABLED=0 or build tag nolibjpeg).
const JPEGDecoder = "go"

func decodeJPEG(data []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(data)) }

func jpegConfig(data []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(data)) }
