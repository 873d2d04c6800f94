package face

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"path/filepath"
	"slices"
	"sync"
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

var encoded sync.Map // image.Image → []byte

// upload encodes an image as the client would send it, once per image.
func upload(t *testing.T, step kyc.Step, side kyc.Side, img image.Image) *kyc.Upload {
	t.Helper()
	b, ok := encoded.Load(img)
	if !ok {
		b, _ = encoded.LoadOrStore(img, encodeJPEG(t, img))
	}
	return &kyc.Upload{Step: step, Side: side, Data: b.([]byte)}
}

// rotate90 turns an image a quarter turn clockwise, as a phone held upright photographs a card.
func rotate90(img image.Image) image.Image {
	src := toNRGBA(img)
	b := src.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			out.Set(b.Dy()-1-y, x, src.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}

// shrink scales an image by k.
func shrink(img image.Image, k float64) image.Image {
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, int(float64(b.Dx())*k), int(float64(b.Dy())*k)))
	ob := out.Bounds()
	src := toNRGBA(img)
	for y := 0; y < ob.Dy(); y++ {
		for x := 0; x < ob.Dx(); x++ {
			out.Set(x, y, src.At(b.Min.X+int(float64(x)/k), b.Min.Y+int(float64(y)/k)))
		}
	}
	return out
}

// closedEyes returns a photo with the main face's eyes painted shut (see closeEyes).
func closedEyes(t *testing.T, a *Analyzer, img image.Image) image.Image {
	t.Helper()
	p := NewPhoto(img)
	an, err := a.Analyze(context.Background(), p, Options{})
	if err != nil || !an.Found() {
		t.Fatalf("no face to close the eyes of: %v", err)
	}
	return closeEyes(img, an.Landmarks, p.img.Scale)
}

// findings returns the codes of a step's findings, in order.
func findings(res *kyc.CheckResult, step kyc.Step) []kyc.Code {
	var got []kyc.Code
	for _, f := range res.Findings {
		if f.Step == step {
			got = append(got, f.Code)
		}
	}
	return got
}

func finding(res *kyc.CheckResult, c kyc.Code) *kyc.Finding {
	for i := range res.Findings {
		if res.Findings[i].Code == c {
			return &res.Findings[i]
		}
	}
	return nil
}

func TestSelfieAndMatch(t *testing.T) {
	t.Parallel()
	a := setup(t)
	p := engineSetup(t, Config{})
	obama := loadSmall(t, "tests_test_images_obama.jpg")
	obama2 := loadSmall(t, "tests_test_images_obama2.jpg")
	biden := loadT(t, "tests_test_images_biden.jpg") // shrunk, its face would be too small
	ice := loadSmall(t, filepath.Join(debianImages, "facedetect/640px-IceBlockNearJoekullsarlon.jpg"))
	two := loadSmall(t, "examples_two_people.jpg")
	tests := []struct {
		name      string
		selfie    image.Image
		front     image.Image
		want      []kyc.Code
		wantMatch bool // a match score at or above the threshold
		// detail holds keys the first finding's detail must have, with the value when not nil.
		detail map[string]any
	}{
		{name: "same person on a card", selfie: obama, front: card(obama2, 300), wantMatch: true},
		{name: "small portrait", selfie: obama, front: card(obama2, 140), wantMatch: true},
		{name: "card photographed sideways", selfie: obama, front: rotate90(shrink(card(obama2, 300), 0.6)), wantMatch: true},
		{name: "different person", selfie: biden, front: card(obama2, 300), want: []kyc.Code{kyc.FaceMismatch},
			detail: map[string]any{"score": nil, "threshold": DefaultMatchThreshold}},
		{name: "no portrait", selfie: obama, front: shrink(ice, 0.5), want: []kyc.Code{kyc.FaceMatchInconclusive},
			detail: map[string]any{"reason": "no_document_portrait"}},
		{name: "no face", selfie: ice, want: []kyc.Code{kyc.SelfieNoFace}},
		{name: "two people", selfie: two, want: []kyc.Code{kyc.SelfieMultipleFaces}, detail: map[string]any{"faces": 2}},
		{name: "dark", selfie: darken(obama, 0.3), want: []kyc.Code{kyc.SelfieQuality},
			detail: map[string]any{"measure": "brightness", "value": nil, "threshold": 50.0}},
		{name: "blurred", selfie: blur(obama, 4), want: []kyc.Code{kyc.SelfieQuality},
			detail: map[string]any{"measure": "sharpness", "value": nil, "threshold": 40.0}},
		{name: "face too small", selfie: shrink(obama, 0.4), want: []kyc.Code{kyc.SelfieQuality},
			detail: map[string]any{"measure": "face_side_px", "value": nil, "threshold": 120.0}},
		{name: "face cut off", selfie: loadSmall(t, "tests_test_images_obama_partial_face2.jpg"), want: []kyc.Code{kyc.SelfieQuality},
			detail: map[string]any{"measure": "face_cut_off", "value": nil, "threshold": 0.1}},
		{name: "eyes closed", selfie: closedEyes(t, a, obama), want: []kyc.Code{kyc.SelfieQuality},
			detail: map[string]any{"measure": "eye_open", "value": nil, "threshold": 0.5}},
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
			got := findings(res, kyc.StepSelfie)
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings %v, want %v (selfie measurements %v)", got, tt.want, res.Measurements["selfie"])
			}
			if len(tt.want) > 0 && tt.detail != nil {
				f := finding(res, tt.want[0])
				for k, v := range tt.detail {
					if f == nil {
						break
					}
					if got, ok := f.Detail[k]; !ok || (v != nil && got != v) {
						t.Errorf("%s detail %v, want %s=%v", f.Code, f.Detail, k, v)
					}
				}
				if f != nil {
					t.Logf("%s %v", f.Code, f.Detail)
				}
			}
			fd := res.Face
			if fd == nil {
				t.Fatal("no face data")
			}
			if fd.MatchThreshold != DefaultMatchThreshold || fd.ModelVersion != ModelVersion {
				t.Errorf("threshold %v, model %q", fd.MatchThreshold, fd.ModelVersion)
			}
			oneFace := !slices.Contains(got, kyc.SelfieNoFace) && !slices.Contains(got, kyc.SelfieMultipleFaces)
			if fd.SelfieFaceFound != !slices.Contains(got, kyc.SelfieNoFace) {
				t.Errorf("selfie_face_found %v with findings %v", fd.SelfieFaceFound, got)
			}
			// The embedding for the duplicate search: the one selfie face's, unit length.
			var n float64
			for _, v := range fd.Embedding {
				n += float64(v) * float64(v)
			}
			if oneFace != (len(fd.Embedding) == 512 && math.Abs(n-1) < 1e-3) {
				t.Errorf("embedding of %d values, norm² %.4f; one selfie face: %v", len(fd.Embedding), n, oneFace)
			}
			if fd.MatchScore != nil {
				t.Logf("match score %.3f", *fd.MatchScore)
			}
			if tt.wantMatch {
				if !fd.DocumentFaceFound || fd.MatchScore == nil || *fd.MatchScore < fd.MatchThreshold {
					t.Errorf("face data %+v, want a match", fd)
				}
			}
			if slices.Contains(tt.want, kyc.FaceMismatch) && (fd.MatchScore == nil || *fd.MatchScore >= fd.MatchThreshold) {
				t.Errorf("mismatch with score %v", fd.MatchScore)
			}
		})
	}
}

// TestFaceJSON checks res.Face against CHECK-CLI.md's output contract: its keys, and no
// embedding in any output.
func TestFaceJSON(t *testing.T) {
	t.Parallel()
	p := engineSetup(t, Config{TurnAngle: 15})
	obama := loadSmall(t, "tests_test_images_obama.jpg")
	right := loadSmall(t, "tests_test_images_obama2.jpg")
	created := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	ci := &kyc.CheckInput{
		Selfie:    upload(t, kyc.StepSelfie, kyc.SideSelfie, obama),
		Front:     upload(t, kyc.StepIdentity, kyc.SideFront, card(right, 300)),
		Challenge: &kyc.Challenge{Actions: []kyc.LivenessAction{kyc.ActionTurnRight}, CreatedAt: created, ExpiresAt: created.Add(time.Minute)},
	}
	for i, img := range []image.Image{obama, right, loadSmall(t, "examples_obama-720p.jpg")} {
		u := upload(t, kyc.StepLiveness, kyc.SideFrame, img)
		u.CapturedAt = created.Add(time.Duration(i+1) * time.Second)
		ci.Frames = append(ci.Frames, u)
	}
	res, err := p.Check(context.Background(), ci)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Face map[string]json.RawMessage `json:"face"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"document_face_found", "selfie_face_found", "match_score", "match_threshold", "model_version", "liveness"} {
		if _, ok := out.Face[k]; !ok {
			t.Errorf("face JSON lacks %q: %s", k, b)
		}
	}
	if len(out.Face) != 6 {
		t.Errorf("face JSON has %d keys, want 6: %v", len(out.Face), out.Face)
	}
	var lv struct {
		Passed  *bool    `json:"passed"`
		Actions []string `json:"actions"`
	}
	if err := json.Unmarshal(out.Face["liveness"], &lv); err != nil || lv.Passed == nil || !*lv.Passed || !slices.Equal(lv.Actions, []string{"turn_right"}) {
		t.Errorf("liveness %s (%v), want passed with [turn_right]; findings %v", out.Face["liveness"], err, res.Findings)
	}
}

func TestLiveness(t *testing.T) {
	t.Parallel()
	a := setup(t)
	// The turns in these photos reach 18°: a lower angle than the default keeps the test on
	// real photos.
	p := engineSetup(t, Config{TurnAngle: 15})
	straight := loadSmall(t, "tests_test_images_obama.jpg")
	shut := closedEyes(t, a, straight)
	right := loadSmall(t, "tests_test_images_obama2.jpg") // head turned to his own right, 18°
	left := mirrorImage(right)
	straight2 := loadSmall(t, "examples_obama-720p.jpg")
	straight3 := loadSmall(t, "examples_obama-1080p.jpg")
	up := loadSmall(t, "tests_test_images_obama3.jpg") // pitch 16°, against about −4° elsewhere
	straight4 := loadSmall(t, "examples_obama-480p.jpg")
	biden := loadSmall(t, "tests_test_images_biden.jpg")
	ice := loadSmall(t, filepath.Join(debianImages, "facedetect/640px-IceBlockNearJoekullsarlon.jpg"))
	ice2 := mirrorImage(ice)
	// A still replayed through a virtual camera: the same photo, re-compressed for each frame.
	var replayed []image.Image
	for _, q := range []int{92, 85, 78, 70} {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, straight, &jpeg.Options{Quality: q}); err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		replayed = append(replayed, img)
	}

	created := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	challenge := func(actions ...kyc.LivenessAction) *kyc.Challenge {
		return &kyc.Challenge{Actions: actions, CreatedAt: created, ExpiresAt: created.Add(2 * time.Minute)}
	}
	tests := []struct {
		name       string
		challenge  *kyc.Challenge
		frames     []image.Image
		offset     time.Duration // added to every frame's capture time
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
			name:       "blink and turn",
			challenge:  challenge(kyc.ActionBlink, kyc.ActionTurnRight),
			frames:     []image.Image{straight, shut, straight2, right, straight3},
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
			frames:     []image.Image{straight, straight, straight, straight},
			want:       []kyc.Code{kyc.LivenessSpoofSuspected, kyc.LivenessChallengeFailed},
			wantAction: "blink",
		},
		{
			name:       "replayed still, re-compressed",
			challenge:  challenge(kyc.ActionTurnLeft),
			frames:     replayed,
			want:       []kyc.Code{kyc.LivenessSpoofSuspected, kyc.LivenessChallengeFailed},
			wantAction: "turn_left",
		},
		{
			name:      "another person",
			challenge: challenge(kyc.ActionTurnRight),
			frames:    []image.Image{straight, right, straight2, biden},
			want:      []kyc.Code{kyc.LivenessSpoofSuspected},
		},
		{
			name:       "no face in the frames",
			challenge:  challenge(kyc.ActionBlink),
			frames:     []image.Image{ice, ice2},
			want:       []kyc.Code{kyc.LivenessChallengeFailed},
			wantAction: "blink",
		},
		{
			name:      "late frames",
			challenge: challenge(kyc.ActionTurnRight),
			frames:    []image.Image{straight, right, straight2},
			offset:    time.Hour,
			want:      []kyc.Code{kyc.LivenessExpired},
		},
		{
			name:      "frames from before the challenge",
			challenge: challenge(kyc.ActionTurnRight),
			frames:    []image.Image{straight, right, straight2},
			offset:    -time.Hour,
			want:      []kyc.Code{kyc.LivenessExpired},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ci := &kyc.CheckInput{Selfie: upload(t, kyc.StepSelfie, kyc.SideSelfie, straight), Challenge: tt.challenge}
			for i, f := range tt.frames {
				u := upload(t, kyc.StepLiveness, kyc.SideFrame, f)
				u.CapturedAt = created.Add(time.Duration(i+1)*time.Second + tt.offset)
				ci.Frames = append(ci.Frames, u)
			}
			res, err := p.Check(context.Background(), ci)
			if err != nil {
				t.Fatal(err)
			}
			got := findings(res, kyc.StepLiveness)
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings %v, want %v (measurements %v)", got, tt.want, res.Measurements)
			}
			if f := finding(res, kyc.LivenessChallengeFailed); f != nil {
				if f.Detail["action"] != tt.wantAction {
					t.Errorf("failed action %v, want %q (detail %v)", f.Detail["action"], tt.wantAction, f.Detail)
				}
			}
			if f := finding(res, kyc.LivenessExpired); f != nil {
				key, reason := "seconds_late", "after_expiry"
				if tt.offset < 0 {
					key, reason = "seconds_early", "before_challenge"
				}
				if _, ok := f.Detail[key]; !ok || f.Detail["reason"] != reason {
					t.Errorf("expiry detail %v, want reason %s and %s", f.Detail, reason, key)
				}
			}
			if res.Face == nil || res.Face.Liveness == nil {
				t.Fatal("no liveness data")
			}
			lv := res.Face.Liveness
			if lv.Passed != tt.wantPassed {
				t.Errorf("passed %v, want %v", lv.Passed, tt.wantPassed)
			}
			if tt.wantPassed && len(lv.Actions) != len(tt.challenge.Actions) {
				t.Errorf("actions seen %v, challenge %v", lv.Actions, tt.challenge.Actions)
			}
		})
	}
}

// TestMissingAction measures real frames once (a straight face, the same with the eyes
// painted shut, turned right, turned left by mirroring, looking up) and checks, for each
// action, that a sequence performing every other action but not this one is failed with this
// action named, while the sequence with it passes.
func TestMissingAction(t *testing.T) {
	t.Parallel()
	a := setup(t)
	e := NewWithAnalyzer(a, Config{TurnAngle: 15})
	straight := loadSmall(t, "tests_test_images_obama.jpg")
	right := loadSmall(t, "tests_test_images_obama2.jpg")
	m := map[string]frame{}
	for name, img := range map[string]image.Image{
		"straight": straight, "shut": closedEyes(t, a, straight), "right": right, "left": mirrorImage(right),
		"up": loadSmall(t, "tests_test_images_obama3.jpg"), "straight2": loadSmall(t, "examples_obama-480p.jpg"),
	} {
		f, err := e.measureFrame(context.Background(), a, img)
		if err != nil || !f.found {
			t.Fatalf("%s: no face (%v)", name, err)
		}
		m[name] = f
	}
	// Each action's frames, from and back to a straight face.
	perform := map[kyc.LivenessAction][]string{
		kyc.ActionBlink:     {"shut", "straight2"},
		kyc.ActionTurnLeft:  {"left", "straight2"},
		kyc.ActionTurnRight: {"right", "straight"},
		kyc.ActionNod:       {"up", "straight2"},
	}
	all := []kyc.LivenessAction{kyc.ActionBlink, kyc.ActionTurnLeft, kyc.ActionTurnRight, kyc.ActionNod}
	for _, missing := range all {
		t.Run(string(missing), func(t *testing.T) {
			seq := func(skip kyc.LivenessAction) []frame {
				fs := []frame{m["straight"]}
				for _, act := range all {
					if act != skip {
						for _, n := range perform[act] {
							fs = append(fs, m[n])
						}
					}
				}
				return fs
			}
			if seen, f := e.challenge(all, seq("")); f != nil {
				t.Fatalf("every action performed: %v (seen %v)", f.Detail, seen)
			}
			seen, f := e.challenge(all, seq(missing))
			if f == nil || f.Code != kyc.LivenessChallengeFailed || f.Detail["action"] != string(missing) {
				t.Errorf("%s not performed: finding %v (seen %v)", missing, f, seen)
			}
		})
	}
}

// TestEyeState checks the eye model on real photos and on the same photos with the eyes painted
// shut (closeEyes: the fixtures hold no photo with closed eyes, so this is a synthetic closed
// eye, not a real one).
func TestEyeState(t *testing.T) {
	t.Parallel()
	a := setup(t)
	for _, name := range []string{
		"tests_test_images_obama.jpg", "examples_biden.jpg", "examples_knn_examples_train_rose_leslie_img2.jpg",
		"examples_lin-manuel-miranda.png", "examples_knn_examples_train_kit_harington_john1.jpeg",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			open := loadSmall(t, name)
			for _, tt := range []struct {
				state string
				img   image.Image
			}{{"open", open}, {"closed", closedEyes(t, a, open)}} {
				an, err := a.Analyze(context.Background(), NewPhoto(tt.img), Options{Eyes: true})
				if err != nil || !an.Found() {
					t.Fatalf("%s: no face (%v)", tt.state, err)
				}
				m := (an.EyeOpen[0] + an.EyeOpen[1]) / 2
				t.Logf("%s: open probability %.3f %.3f, EAR %.3f", tt.state, an.EyeOpen[0], an.EyeOpen[1], an.EAR)
				if (m >= 0.5) != (tt.state == "open") {
					t.Errorf("%s eyes: mean open probability %.3f", tt.state, m)
				}
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
		{"selfie with a face", kyc.StepSelfie, loadSmall(t, "tests_test_images_obama.jpg"), nil},
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

// BenchmarkCheck is a whole face pass on decoded images: a selfie, three liveness frames (a
// turn to the right) and a document portrait, as Engine.Check runs it after the pipeline has
// decoded the uploads (decoding is not included; copying the decoded images for the models is).
func BenchmarkCheck(b *testing.B) {
	e := NewWithAnalyzer(setup(b), Config{TurnAngle: 15})
	selfie := loadT(b, "tests_test_images_obama.jpg")
	right := loadT(b, "tests_test_images_obama2.jpg")
	created := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	sub := submission{
		selfie:    selfie,
		front:     card(right, 300),
		challenge: &kyc.Challenge{Actions: []kyc.LivenessAction{kyc.ActionTurnRight}, CreatedAt: created, ExpiresAt: created.Add(time.Minute)},
	}
	for i, img := range []image.Image{selfie, right, loadT(b, "examples_obama-720p.jpg")} {
		sub.frames = append(sub.frames, frameInput{img: img, at: created.Add(time.Duration(i+1) * time.Second), sum: [32]byte{byte(i)}})
	}
	ctx := context.Background()
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		res := &kyc.CheckResult{}
		if err := e.check(ctx, sub, res); err != nil {
			b.Fatal(err)
		}
		if res.Face == nil || res.Face.Liveness == nil || !res.Face.Liveness.Passed || res.Face.MatchScore == nil {
			b.Fatalf("unexpected result %+v, findings %v", res.Face, res.Findings)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkPortrait is the document portrait search alone on an upright card photo.
func BenchmarkPortrait(b *testing.B) {
	a := setup(b)
	p := NewPhoto(card(loadT(b, "tests_test_images_obama2.jpg"), 300))
	ctx := context.Background()
	cpu := cpuTime()
	for b.Loop() {
		an, err := a.Portrait(ctx, p)
		if err != nil || !an.Found() {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}
