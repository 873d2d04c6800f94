package check

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/kycd/kycd/kyc"
)

func setup(t testing.TB) *Pipeline {
	t.Helper()
	return New(Options{MaxPDFBytes: 1 << 20})
}

func jpegBytes(t testing.TB, w, h int, seed uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x) + seed, uint8(y), uint8(x + y), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const minimalPDF = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

func TestCheckUpload(t *testing.T) {
	t.Parallel()
	p := setup(t)
	tests := []struct {
		name     string
		step     kyc.Step
		data     []byte
		rejected bool
		code     kyc.Code
		ctype    string
	}{
		{"jpeg front", kyc.StepIdentity, jpegBytes(t, 640, 400, 0), false, "", "image/jpeg"},
		{"png selfie", kyc.StepSelfie, pngBytes(t, 480, 640), false, "", "image/png"},
		{"text", kyc.StepIdentity, []byte("hello, not an image"), true, kyc.FileFormatUnsupported, ""},
		{"gif", kyc.StepIdentity, []byte("GIF89a\x01\x00\x01\x00"), true, kyc.FileFormatUnsupported, ""},
		{"truncated jpeg", kyc.StepIdentity, jpegBytes(t, 640, 400, 0)[:300], true, kyc.FileCorrupted, ""},
		{"pdf for identity", kyc.StepIdentity, []byte(minimalPDF), true, kyc.FileFormatUnsupported, ""},
		{"pdf for poa", kyc.StepProofOfAddress, []byte(minimalPDF), false, "", "application/pdf"},
		{"encrypted pdf", kyc.StepProofOfAddress, []byte(minimalPDF[:20] + "/Encrypt 5 0 R\n" + minimalPDF[20:]), true, kyc.FileCorrupted, ""},
		{"truncated pdf", kyc.StepProofOfAddress, []byte(minimalPDF[:60]), true, kyc.FileCorrupted, ""},
		{"huge pdf", kyc.StepProofOfAddress, append([]byte(minimalPDF), make([]byte, 1<<20)...), true, kyc.FileTooLarge, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := p.CheckUpload(context.Background(), &kyc.Upload{Step: tt.step, Side: kyc.SideFront, Data: tt.data})
			if res.Rejected != tt.rejected {
				t.Fatalf("rejected = %v, want %v (%+v)", res.Rejected, tt.rejected, res.Findings)
			}
			if tt.rejected && (len(res.Findings) == 0 || res.Findings[0].Code != tt.code) {
				t.Fatalf("findings %+v, want %s", res.Findings, tt.code)
			}
			if tt.rejected && res.Findings[0].Step != tt.step {
				t.Fatalf("finding step %s, want %s", res.Findings[0].Step, tt.step)
			}
			if !tt.rejected && res.ContentType != tt.ctype {
				t.Fatalf("content type %q, want %q", res.ContentType, tt.ctype)
			}
			if len(res.SHA256) != 64 {
				t.Fatalf("sha256 %q", res.SHA256)
			}
		})
	}
}

func codes(fs []kyc.Finding) map[kyc.Code]kyc.Side {
	out := map[kyc.Code]kyc.Side{}
	for _, f := range fs {
		out[f.Code] = f.Side
	}
	return out
}

func TestCheckCaptureProblems(t *testing.T) {
	t.Parallel()
	p := setup(t)
	front := jpegBytes(t, 640, 400, 0)
	back := jpegBytes(t, 640, 400, 60)
	idCard := &kyc.IdentityChoice{DocType: kyc.DocIDCard, Country: "DEU"}
	passport := &kyc.IdentityChoice{DocType: kyc.DocPassport, Country: "DEU"}
	tests := []struct {
		name string
		in   kyc.CheckInput
		want map[kyc.Code]kyc.Side
	}{
		{"card both sides", kyc.CheckInput{Identity: idCard, Front: &kyc.Upload{Data: front}, Back: &kyc.Upload{Data: back}}, map[kyc.Code]kyc.Side{}},
		{"card without back", kyc.CheckInput{Identity: idCard, Front: &kyc.Upload{Data: front}}, map[kyc.Code]kyc.Side{kyc.DocSideMissing: kyc.SideBack}},
		{"passport front only", kyc.CheckInput{Identity: passport, Front: &kyc.Upload{Data: front}}, map[kyc.Code]kyc.Side{}},
		{"same side twice", kyc.CheckInput{Identity: idCard, Front: &kyc.Upload{Data: front}, Back: &kyc.Upload{Data: front}}, map[kyc.Code]kyc.Side{kyc.DocSameSideTwice: kyc.SideBack}},
		{"corrupt selfie", kyc.CheckInput{Selfie: &kyc.Upload{Data: front[:200]}}, map[kyc.Code]kyc.Side{kyc.FileCorrupted: kyc.SideSelfie}},
		{"nothing", kyc.CheckInput{}, map[kyc.Code]kyc.Side{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := tt.in
			res, err := p.Check(context.Background(), &in)
			if err != nil {
				t.Fatal(err)
			}
			got := codes(res.Findings)
			if len(got) != len(tt.want) {
				t.Fatalf("findings %v, want %v", got, tt.want)
			}
			for c, side := range tt.want {
				if s, ok := got[c]; !ok || s != side {
					t.Fatalf("findings %v, want %v", got, tt.want)
				}
			}
			if res.TimingsMS["total"] <= 0 && len(res.Findings) > 0 {
				t.Fatalf("no total timing recorded")
			}
		})
	}
}

func FuzzCheckPDF(f *testing.F) {
	f.Add([]byte(minimalPDF))
	f.Add([]byte("%PDF-1.7\n%%EOF"))
	f.Add([]byte("%PDF-"))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, findings := CheckPDF(data, 1<<20)
		if (info == nil) == (len(findings) == 0) {
			t.Fatalf("want exactly one of info and findings: %v %v", info, findings)
		}
	})
}

func BenchmarkCheckUpload2MP(b *testing.B) {
	p := setup(b)
	data := jpegBytes(b, 1600, 1200, 0)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		p.CheckUpload(context.Background(), &kyc.Upload{Step: kyc.StepIdentity, Side: kyc.SideFront, Data: data})
	}
}
