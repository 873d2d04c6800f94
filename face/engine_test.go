package face

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kycd/kycd/check"
	"github.com/kycd/kycd/kyc"
)

// engineSetup returns a pipeline over a face engine on the shared models.
func engineSetup(t *testing.T, cfg Config) *check.Pipeline {
	t.Helper()
	return check.New(check.Options{}, NewWithAnalyzer(setup(t), cfg))
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func toNRGBA(img image.Image) *image.NRGBA {
	out := image.NewNRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	return out
}

// mirrorImage flips a photo left to right.
func mirrorImage(img image.Image) image.Image {
	src := toNRGBA(img)
	b := src.Bounds()
	out := image.NewNRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.Set(b.Max.X-1-(x-b.Min.X), y, src.At(x, y))
		}
	}
	return out
}

// darken scales every channel by k.
func darken(img image.Image, k float64) image.Image {
	out := toNRGBA(img)
	for i := range out.Pix {
		if i%4 != 3 {
			out.Pix[i] = uint8(float64(out.Pix[i]) * k)
		}
	}
	return out
}

// blur applies three passes of a (2r+1)² box blur, close to a Gaussian of σ≈r.
func blur(img image.Image, r int) image.Image {
	cur := toNRGBA(img)
	b := cur.Bounds()
	for pass := 0; pass < 3; pass++ {
		for _, horizontal := range []bool{true, false} {
			next := image.NewNRGBA(b)
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					var s [3]int
					n := 0
					for d := -r; d <= r; d++ {
						xx, yy := x, y
						if horizontal {
							xx = min(max(x+d, b.Min.X), b.Max.X-1)
						} else {
							yy = min(max(y+d, b.Min.Y), b.Max.Y-1)
						}
						i := cur.PixOffset(xx, yy)
						s[0] += int(cur.Pix[i])
						s[1] += int(cur.Pix[i+1])
						s[2] += int(cur.Pix[i+2])
						n++
					}
					next.Set(x, y, color.NRGBA{uint8(s[0] / n), uint8(s[1] / n), uint8(s[2] / n), 255})
				}
			}
			cur = next
		}
	}
	return cur
}

// card pastes a photo, shrunk to portraitH pixels tall, on the left of a plain 1000×630 card,
// like the portrait on an identity card.
func card(img image.Image, portraitH int) image.Image {
	out := image.NewNRGBA(image.Rect(0, 0, 1000, 630))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.NRGBA{220, 225, 215, 255}), image.Point{}, draw.Src)
	b := img.Bounds()
	w := b.Dx() * portraitH / b.Dy()
	for y := 0; y < portraitH; y++ {
		for x := 0; x < w; x++ {
			out.Set(60+x, 150+y, img.At(b.Min.X+x*b.Dx()/w, b.Min.Y+y*b.Dy()/portraitH))
		}
	}
	return out
}

func upload(t *testing.T, step kyc.Step, side kyc.Side, img image.Image) *kyc.Upload {
	t.Helper()
	return &kyc.Upload{Step: step, Side: side, Data: encodeJPEG(t, img)}
}

func TestSelfieAndMatch(t *testing.T) {
	t.Parallel()
	p := engineSetup(t, Config{})
	obama := loadT(t, "tests_test_images_obama.jpg")
	obama2 := loadT(t, "tests_test_images_obama2.jpg")
	biden := loadT(t, "tests_test_images_biden.jpg")
	ice := loadT(t, filepath.Join(debianImages, "facedetect/640px-IceBlockNearJoekullsarlon.jpg"))
	two := loadT(t, "examples_two_people.jpg")
	tests := []struct {
		name      string
		selfie    image.Image
		front     image.Image
		want      []kyc.Code
		wantMatch bool // a match score at or above the threshold
		measure   string
	}{
		{name: "same person on a card", selfie: obama, front: card(obama2, 300), wantMatch: true},
		{name: "small portrait", selfie: obama, front: card(obama2, 140), wantMatch: true},
		{name: "different person", selfie: biden, front: card(obama2, 300), want: []kyc.Code{kyc.FaceMismatch}},
		{name: "no portrait", selfie: obama, front: ice, want: []kyc.Code{kyc.FaceMatchInconclusive}},
		{name: "no face", selfie: ice, want: []kyc.Code{kyc.SelfieNoFace}},
		{name: "two people", selfie: two, want: []kyc.Code{kyc.SelfieMultipleFaces}},
		{name: "dark", selfie: darken(obama, 0.25), want: []kyc.Code{kyc.SelfieQuality}, measure: "brightness"},
		{name: "blurred", selfie: blur(obama, 6), want: []kyc.Code{kyc.SelfieQuality}, measure: "sharpness"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ci := &kyc.CheckInput{Selfie: upload(t, kyc.StepSelfie, kyc.SideSelfie, tt.selfie)}
			if tt.front != nil {
				ci.Front = upload(t, kyc.StepIdentity, kyc.SideFront, tt.front)
			}
			res, err := p.Check(context.Background(), ci)
			if err != nil {
				t.Fatal(err)
			}
			var got []kyc.Code
			for _, f := range res.Findings {
				if f.Step == kyc.StepSelfie {
					got = append(got, f.Code)
					if tt.measure != "" && f.Detail["measure"] != tt.measure {
						t.Errorf("finding %s measures %v, want %s", f.Code, f.Detail["measure"], tt.measure)
					}
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings %v, want %v (selfie measurements %v)", got, tt.want, res.Measurements["selfie"])
			}
			if res.Face == nil {
				t.Fatal("no face data")
			}
			if res.Face.MatchScore != nil {
				t.Logf("match score %.3f", *res.Face.MatchScore)
			}
			if tt.wantMatch {
				if !res.Face.DocumentFaceFound || res.Face.MatchScore == nil || *res.Face.MatchScore < res.Face.MatchThreshold {
					t.Errorf("face data %+v, want a match", res.Face)
				}
			}
		})
	}
}

func TestLiveness(t *testing.T) {
	t.Parallel()
	// The turns in these photos reach 18°: a lower angle than the default keeps the test on
	// real photos.
	p := engineSetup(t, Config{TurnAngle: 15})
	straight := loadT(t, "tests_test_images_obama.jpg")
	right := loadT(t, "tests_test_images_obama2.jpg") // head turned to his own right, 18°
	left := mirrorImage(right)
	straight2 := loadT(t, "examples_obama-720p.jpg")
	straight3 := loadT(t, "examples_obama-1080p.jpg")
	up := loadT(t, "tests_test_images_obama3.jpg") // pitch 16°, against about −4° elsewhere
	straight4 := loadT(t, "examples_obama-480p.jpg")
	biden := loadT(t, "tests_test_images_biden.jpg")
	ice := loadT(t, filepath.Join(debianImages, "facedetect/640px-IceBlockNearJoekullsarlon.jpg"))
	ice2 := mirrorImage(ice)

	created := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	challenge := func(actions ...kyc.LivenessAction) *kyc.Challenge {
		return &kyc.Challenge{Actions: actions, CreatedAt: created, ExpiresAt: created.Add(2 * time.Minute)}
	}
	tests := []struct {
		name       string
		challenge  *kyc.Challenge
		frames     []image.Image
		late       bool
		wantPassed bool
		want       []kyc.Code
		wantAction string // the action named by LIVENESS_CHALLENGE_FAILED
	}{
		{
			name:       "turns and nod",
			challenge:  challenge(kyc.ActionTurnRight, kyc.ActionTurnLeft, kyc.ActionNod),
			frames:     []image.Image{straight, right, straight2, left, straight3, up, straight4},
			wantPassed: true,
		},
		{
			name:       "wrong order",
			challenge:  challenge(kyc.ActionTurnLeft, kyc.ActionTurnRight),
			frames:     []image.Image{straight, right, straight2, left, straight3},
			want:       []kyc.Code{kyc.LivenessChallengeFailed},
			wantAction: "turn_right",
		},
		{
			name:       "replayed still",
			challenge:  challenge(kyc.ActionBlink, kyc.ActionTurnLeft),
			frames:     []image.Image{straight, straight, straight, straight, straight},
			want:       []kyc.Code{kyc.LivenessSpoofSuspected, kyc.LivenessChallengeFailed},
			wantAction: "blink",
		},
		{
			name:       "another person",
			challenge:  challenge(kyc.ActionTurnRight),
			frames:     []image.Image{straight, right, straight2, biden},
			want:       []kyc.Code{kyc.LivenessSpoofSuspected},
			wantPassed: false,
		},
		{
			name:       "no face in the frames",
			challenge:  challenge(kyc.ActionBlink),
			frames:     []image.Image{ice, ice2},
			want:       []kyc.Code{kyc.LivenessChallengeFailed},
			wantAction: "blink",
		},
		{
			name:       "late frames",
			challenge:  challenge(kyc.ActionTurnRight),
			frames:     []image.Image{straight, right, straight2},
			late:       true,
			want:       []kyc.Code{kyc.LivenessExpired},
			wantPassed: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ci := &kyc.CheckInput{Selfie: upload(t, kyc.StepSelfie, kyc.SideSelfie, straight), Challenge: tt.challenge}
			for i, f := range tt.frames {
				u := upload(t, kyc.StepLiveness, kyc.SideFrame, f)
				u.CapturedAt = created.Add(time.Duration(i+1) * time.Second)
				if tt.late {
					u.CapturedAt = u.CapturedAt.Add(time.Hour)
				}
				ci.Frames = append(ci.Frames, u)
			}
			res, err := p.Check(context.Background(), ci)
			if err != nil {
				t.Fatal(err)
			}
			var got []kyc.Code
			for _, f := range res.Findings {
				if f.Step != kyc.StepLiveness {
					continue
				}
				got = append(got, f.Code)
				if f.Code == kyc.LivenessChallengeFailed && f.Detail["action"] != tt.wantAction {
					t.Errorf("failed action %v, want %q", f.Detail["action"], tt.wantAction)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings %v, want %v (measurements %v)", got, tt.want, res.Measurements)
			}
			if res.Face == nil || res.Face.Liveness == nil {
				t.Fatal("no liveness data")
			}
			if res.Face.Liveness.Passed != tt.wantPassed {
				t.Errorf("passed %v, want %v", res.Face.Liveness.Passed, tt.wantPassed)
			}
		})
	}
}

// TestActions checks the challenge logic on measured frames, including blinks, which the public
// photos do not show.
func TestActions(t *testing.T) {
	t.Parallel()
	e := New(Config{})
	fr := func(yaw, pitch, eye float64) frame {
		return frame{found: true, yaw: yaw, pitch: pitch, eyeOpen: eye, ear: 0.3}
	}
	open, shut := 0.99, 0.02
	tests := []struct {
		name    string
		actions []kyc.LivenessAction
		frames  []frame
		missing string
	}{
		{"blink", []kyc.LivenessAction{kyc.ActionBlink}, []frame{fr(0, 0, open), fr(0, 0, shut), fr(0, 0, open)}, ""},
		{"eyes closed throughout", []kyc.LivenessAction{kyc.ActionBlink}, []frame{fr(0, 0, shut), fr(0, 0, shut)}, "blink"},
		{"blink never reopens", []kyc.LivenessAction{kyc.ActionBlink}, []frame{fr(0, 0, open), fr(0, 0, shut)}, "blink"},
		{"turn left and back", []kyc.LivenessAction{kyc.ActionTurnLeft}, []frame{fr(0, 0, open), fr(25, 0, open), fr(3, 0, open)}, ""},
		{"turn left without coming back", []kyc.LivenessAction{kyc.ActionTurnLeft}, []frame{fr(0, 0, open), fr(25, 0, open), fr(25, 0, open)}, "turn_left"},
		{"turned right, not left", []kyc.LivenessAction{kyc.ActionTurnLeft}, []frame{fr(0, 0, open), fr(-25, 0, open), fr(0, 0, open)}, "turn_left"},
		{"nod", []kyc.LivenessAction{kyc.ActionNod}, []frame{fr(0, -5, open), fr(0, 12, open), fr(0, -3, open)}, ""},
		{"too small a nod", []kyc.LivenessAction{kyc.ActionNod}, []frame{fr(0, -5, open), fr(0, 3, open), fr(0, -3, open)}, "nod"},
		{
			"all in order", []kyc.LivenessAction{kyc.ActionBlink, kyc.ActionTurnRight, kyc.ActionNod},
			[]frame{fr(0, 0, open), fr(0, 0, shut), fr(0, 0, open), fr(-30, 0, open), fr(2, 0, open), fr(2, 15, open), fr(0, 1, open)}, "",
		},
		{
			"out of order", []kyc.LivenessAction{kyc.ActionTurnRight, kyc.ActionBlink},
			[]frame{fr(0, 0, open), fr(0, 0, shut), fr(0, 0, open), fr(-30, 0, open), fr(2, 0, open)}, "blink",
		},
		{"unknown action", []kyc.LivenessAction{"smile"}, []frame{fr(0, 0, open)}, "smile"},
		{"no frames", []kyc.LivenessAction{kyc.ActionBlink}, nil, "blink"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			seen, missing := e.actions(tt.actions, tt.frames)
			if missing != tt.missing {
				t.Errorf("missing %q (seen %v), want %q", missing, seen, tt.missing)
			}
		})
	}
}

func TestCheckUpload(t *testing.T) {
	t.Parallel()
	p := engineSetup(t, Config{})
	tests := []struct {
		name string
		step kyc.Step
		img  image.Image
		want []kyc.Code
	}{
		{"selfie with a face", kyc.StepSelfie, loadT(t, "tests_test_images_obama.jpg"), nil},
		{"selfie without a face", kyc.StepSelfie, loadT(t, filepath.Join(debianImages, "facedetect/640px-IceBlockNearJoekullsarlon.jpg")), []kyc.Code{kyc.SelfieNoFace}},
		{"document photo is not the face engine's", kyc.StepIdentity, loadT(t, filepath.Join(debianImages, "facedetect/640px-IceBlockNearJoekullsarlon.jpg")), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			side := kyc.SideSelfie
			if tt.step == kyc.StepIdentity {
				side = kyc.SideFront
			}
			res := p.CheckUpload(context.Background(), upload(t, tt.step, side, tt.img))
			var got []kyc.Code
			for _, f := range res.Findings {
				if f.Step == kyc.StepSelfie {
					got = append(got, f.Code)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings %v, want %v", got, tt.want)
			}
			if tt.step == kyc.StepSelfie && tt.want == nil && res.Measurements["face_side_px"] == 0 {
				t.Errorf("no face measurements: %v", res.Measurements)
			}
		})
	}
}
