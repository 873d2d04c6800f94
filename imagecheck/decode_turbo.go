//go:build cgo && !nolibjpeg

package imagecheck

import (
	"bytes"
	"image"

	ljpeg "github.com/pixiv/go-libjpeg/jpeg"
)

// JPEGDecoder names the JPEG decoder this binary was built with: "libjpeg-turbo" (the default
// when cgo is on: Debian package libjpeg62-turbo-dev, about four times faster than image/jpeg on
// a 12 MP photo) or "go" (image/jpeg, pure Go: CGO_ENABLED=0 or build tag nolibjpeg).
const JPEGDecoder = "libjpeg-turbo"

func decodeJPEG(data []byte) (image.Image, error) {
	img, err := ljpeg.Decode(bytes.NewReader(data), &ljpeg.DecoderOptions{})
	if err != nil {
		return nil, err
	}
	return img, nil
}

func jpegConfig(data []byte) (image.Config, error) {
	return ljpeg.DecodeConfig(bytes.NewReader(data))
}
