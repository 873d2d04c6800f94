package synth

import (
	"os"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

// Font files tried first; the Go fonts embedded in x/image are the fallback for Latin text.
var (
	sansPaths = []string{"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"}
	boldPaths = []string{"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"}
	monoPaths = []string{"/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"}
	// Noto Sans CJK: index 2 of the collection is Simplified Chinese.
	cjkPaths = []string{"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"}
)

type fontSet struct {
	sans, bold, mono *opentype.Font
	cjk              *opentype.Font // nil when fonts-noto-cjk is absent: CJK text is drawn as strokes
}

var (
	fontsOnce sync.Once
	fonts     fontSet
	faceMu    sync.Mutex
	faceCache = map[faceKey]font.Face{}
)

type faceKey struct {
	f    *opentype.Font
	size int
}

func loadFonts() fontSet {
	fontsOnce.Do(func() {
		fonts.sans = loadFont(sansPaths, goregular.TTF)
		fonts.bold = loadFont(boldPaths, gobold.TTF)
		fonts.mono = loadFont(monoPaths, gomonobold.TTF)
		for _, p := range cjkPaths {
			data, err := os.ReadFile(p)
			if err != nil {
				continue
			}
			c, err := opentype.ParseCollection(data)
			if err != nil || c.NumFonts() < 3 {
				continue
			}
			if f, err := c.Font(2); err == nil {
				fonts.cjk = f
				break
			}
		}
	})
	return fonts
}

func loadFont(paths []string, fallback []byte) *opentype.Font {
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			if f, err := opentype.Parse(data); err == nil {
				return f
			}
		}
	}
	f, err := opentype.Parse(fallback)
	if err != nil {
		panic("synth: embedded Go font does not parse: " + err.Error())
	}
	return f
}

// face returns a cached face of f at size pixels. Faces are not safe for concurrent use, so
// callers hold faceMu while drawing.
func face(f *opentype.Font, size int) font.Face {
	k := faceKey{f, size}
	if fc, ok := faceCache[k]; ok {
		return fc
	}
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: float64(size), DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic("synth: font face: " + err.Error())
	}
	faceCache[k] = fc
	return fc
}

// FontsID names the font set the renderer uses ("cjk" or "nocjk", "sys" or "go" for the Latin
// fonts), so a cache of rendered photos can tell photos drawn with different fonts apart.
func FontsID() string {
	f := loadFonts()
	id := "go"
	if sys, err := os.Stat(sansPaths[0]); err == nil && !sys.IsDir() {
		id = "sys"
	}
	if f.cjk == nil {
		return id + "-nocjk"
	}
	return id + "-cjk"
}

// HasCJKFont reports whether a CJK font was found, so tests can say what the Chinese-style cards
// are drawn with.
func HasCJKFont() bool { return loadFonts().cjk != nil }
