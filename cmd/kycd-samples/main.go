// Command kycd-samples writes sample uploads for trying kycd out (the README walkthrough): a
// synthetic passport data page of an invented person, photographed cleanly (passport.jpg), the
// profile that person would enter (profile.json), the same photo too small to read (small.jpg),
// the front and back of an identity card of another invented person (front.jpg, back.jpg), and
// placeholder selfie and liveness frames. Nothing here shows a real person.
//
//	go run ./cmd/kycd-samples -out demo
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"

	"github.com/kycd/kycd/synth"
)

func main() {
	out := flag.String("out", "demo", "folder to write the samples to")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(*out, name), b, 0o644); err != nil {
			fail(err)
		}
	}
	pass := synth.Render(synth.Spec{Seed: 7, Kind: synth.Passport})
	write("passport.jpg", pass.JPEG)
	p := pass.Person
	profile, err := json.MarshalIndent(map[string]string{"first_name": title(p.Given), "last_name": title(p.Surname),
		"date_of_birth": p.DateOfBirth, "nationality": p.Nationality}, "", "  ")
	if err != nil {
		fail(err)
	}
	write("profile.json", append(profile, '\n'))
	// A photo too small to read (under 200 px), to see an upload-time reason.
	write("small.jpg", shrink(pass.Image, 180))
	write("front.jpg", synth.Render(synth.Spec{Seed: 11, Kind: synth.IDCard}).JPEG)
	write("back.jpg", synth.Render(synth.Spec{Seed: 12, Kind: synth.IDCard}).JPEG)
	write("selfie.jpg", placeholder(720, 960, 0))
	for i := 0; i < 3; i++ {
		write(fmt.Sprintf("frame-%d.jpg", i), placeholder(480, 640, i+1))
	}
	fmt.Printf("wrote passport.jpg, profile.json, small.jpg, front.jpg, back.jpg, selfie.jpg and frame-0..2.jpg to %s\n", *out)
}

// title writes an upper-case name as people type it: "ADA MARIE" → "Ada Marie".
func title(s string) string {
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// placeholder is a smooth picture with an oval where a face would be. The face checks will say no
// face is in it: use a real selfie from a camera to see them pass.
func placeholder(w, h, seed int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy, rx, ry := w/2+seed*8, h*2/5, w/4, h/5
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(60 + y*120/h), uint8(90 + x*80/w), 150, 255}
			dx, dy := float64(x-cx)/float64(rx), float64(y-cy)/float64(ry)
			if dx*dx+dy*dy < 1 {
				c = color.RGBA{224, 186, 160, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 88}); err != nil {
		fail(err)
	}
	return b.Bytes()
}

// shrink scales img to width w by area averaging.
func shrink(img image.Image, w int) []byte {
	b := img.Bounds()
	h := b.Dy() * w / b.Dx()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var r, g, bl, n uint32
			for sy := b.Min.Y + y*b.Dy()/h; sy < b.Min.Y+(y+1)*b.Dy()/h; sy++ {
				for sx := b.Min.X + x*b.Dx()/w; sx < b.Min.X+(x+1)*b.Dx()/w; sx++ {
					cr, cg, cb, _ := img.At(sx, sy).RGBA()
					r, g, bl, n = r+cr>>8, g+cg>>8, bl+cb>>8, n+1
				}
			}
			if n > 0 {
				dst.Set(x, y, color.RGBA{uint8(r / n), uint8(g / n), uint8(bl / n), 255})
			}
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 88}); err != nil {
		fail(err)
	}
	return buf.Bytes()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kycd-samples:", err)
	os.Exit(1)
}
